// Command mfaws lists the OTP devices of one Workspace desktop user
// through mfa-go, signing with AK/SK: the same program as hwsdk, for
// comparing sizes.
//
//	mfaws -endpoint https://workspace.ap-southeast-1.myhuaweicloud.com \
//	      -project PROJECT_ID -user USER_ID   (HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK)
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/openmfa/mfa-go/huaweiiam"
	"github.com/openmfa/mfa-go/mfa"
)

func main() {
	endpoint := flag.String("endpoint", "", "the Workspace endpoint `URL`")
	project := flag.String("project", "", "the project `id`")
	user := flag.String("user", "", "the Workspace user `id`")
	flag.Parse()
	c, err := huaweiiam.NewClient(huaweiiam.Config{
		WorkspaceEndpoint: *endpoint, ProjectID: *project,
		AccessKey: os.Getenv("HUAWEICLOUD_SDK_AK"), SecretKey: mfa.NewSecret(os.Getenv("HUAWEICLOUD_SDK_SK")),
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "mfaws:", err)
		os.Exit(2)
	}
	devices, err := c.WorkspaceOTP().UserDevices(context.Background(), *user)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mfaws:", err)
		os.Exit(1)
	}
	for _, d := range devices {
		fmt.Println(d.ID(), d.VendorStatus())
	}
}
