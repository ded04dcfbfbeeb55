// Command hwsdk lists the OTP devices of one Workspace desktop user
// through the official Huawei Cloud SDK for Go, signing with AK/SK. It is
// the smallest program that uses the SDK for this one call: run.sh builds
// it to compare its size and module graph with the audit program's.
//
//	hwsdk -endpoint https://workspace.ap-southeast-1.myhuaweicloud.com \
//	      -project PROJECT_ID -user USER_ID   (HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK)
//
// It is a module of its own, so that its module graph is the SDK's alone.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	workspace "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/workspace/v2"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/workspace/v2/model"
)

func main() {
	endpoint := flag.String("endpoint", "", "the Workspace endpoint `URL`")
	project := flag.String("project", "", "the project `id`")
	user := flag.String("user", "", "the Workspace user `id`")
	flag.Parse()
	cred, err := basic.NewCredentialsBuilder().
		WithAk(os.Getenv("HUAWEICLOUD_SDK_AK")).WithSk(os.Getenv("HUAWEICLOUD_SDK_SK")).
		WithProjectId(*project).SafeBuild()
	if err != nil {
		fmt.Fprintln(os.Stderr, "hwsdk:", err)
		os.Exit(2)
	}
	hc, err := workspace.WorkspaceClientBuilder().WithEndpoints([]string{*endpoint}).WithCredential(cred).SafeBuild()
	if err != nil {
		fmt.Fprintln(os.Stderr, "hwsdk:", err)
		os.Exit(2)
	}
	resp, err := workspace.NewWorkspaceClient(hc).ListOtpDevicesByUserId(&model.ListOtpDevicesByUserIdRequest{UserId: *user})
	if err != nil {
		fmt.Fprintln(os.Stderr, "hwsdk:", err)
		os.Exit(1)
	}
	if resp.OtpDevices == nil {
		fmt.Println("0 devices")
		return
	}
	for _, d := range *resp.OtpDevices {
		fmt.Println(*d.Id, d.Status.Value())
	}
}
