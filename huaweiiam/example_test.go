package huaweiiam_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/openmfa/mfa-go/huaweiiam"
	"github.com/openmfa/mfa-go/mfa"
)

// fakeHuawei serves the fixtures of testdata as the IAM and Workspace APIs
// would, for a token "example-token".
func fakeHuawei() *httptest.Server {
	serve := func(name string, status int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("X-Auth-Token") != "example-token" {
				status, name = http.StatusUnauthorized, "apigw_error_0301.json"
			}
			body, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = w.Write(body)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v3/users", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("enabled") == "false" {
			serve("iam_users_disabled.json", http.StatusOK)(w, r)
			return
		}
		serve("iam_users.json", http.StatusOK)(w, r)
	})
	mux.Handle("GET /v3.0/OS-USER/login-protects", serve("iam_login_protects.json", http.StatusOK))
	mux.Handle("GET /v2/0bec5db98280d2d02fd6c00c2de791ce/users", serve("ws_users_states.json", http.StatusOK))
	mux.Handle("GET /v3.0/OS-MFA/users/{id}/virtual-mfa-device", serve("iam_error_0004.json", http.StatusNotFound))
	mux.Handle("GET /v3.0/OS-MFA/virtual-mfa-devices", serve("iam_virtual_mfa_devices.json", http.StatusOK))
	mux.Handle("GET /v3.0/OS-USER/users/{id}/login-protect", serve("iam_login_protect.json", http.StatusOK))
	mux.Handle("GET /v2/0bec5db98280d2d02fd6c00c2de791ce/users/8a2c3f9579d240820179d51e6caf0001/otp-devices", serve("ws_otp_devices_layouts.json", http.StatusOK))
	return httptest.NewServer(mux)
}

func ExampleClient_VirtualMFA() {
	srv := fakeHuawei() // stands for huaweiiam.IAMEndpoint("")
	defer srv.Close()

	c, err := huaweiiam.NewClient(huaweiiam.Config{
		IAMEndpoint: srv.URL,
		Token:       mfa.NewSecret("example-token"),
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	iam := c.VirtualMFA()

	// Every virtual MFA device of the account.
	for d, err := range iam.AllDevices(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: user %s has %s (%s)\n", d.Provider(), d.UserID(), d.ID(), d.Status())
	}

	// A user with no device is an empty list.
	devs, err := iam.UserDevices(ctx, "7116d09f88fa41908676fdd4b039e95b")
	fmt.Println(len(devs), err)

	// Is MFA asked for at login?
	p, err := iam.LoginProtect(ctx, "16b26081f43d4c628c4bb88cf32e9")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Enabled(), p.VerificationMethod())
	// Output:
	// huawei-iam: user 16b26081f43d4c628c4bb88cf32e9... has iam/mfa/16b26081f43d4c628c4bb88cf32e9... (active)
	// huawei-iam: user 0c5b2b9f1c4d4e3f8a7b6c5d4e3f2a1b has iam:0c5b2b9f1c4d4e3f8a7b6c5d4e3f2a1b:mfa/ops-admin (active)
	// 0 <nil>
	// true vmfa
}

func ExampleClient_WorkspaceOTP() {
	srv := fakeHuawei() // stands for huaweiiam.WorkspaceEndpoint("ap-southeast-1")
	defer srv.Close()

	c, err := huaweiiam.NewClient(huaweiiam.Config{
		WorkspaceEndpoint: srv.URL,
		ProjectID:         "0bec5db98280d2d02fd6c00c2de791ce",
		Token:             mfa.NewSecret("example-token"),
	})
	if err != nil {
		log.Fatal(err)
	}
	devs, err := c.WorkspaceOTP().OTPDevices(context.Background(), "8a2c3f9579d240820179d51e6caf0001")
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range devs {
		fmt.Printf("%-17s %-8s %-10s %s\n", d.ID(), d.Status(), d.VendorStatus(), d.CreatedAt().Format("2006-01-02T15:04:05.999Z07:00"))
	}
	// Output:
	// d-space           active   REGISTERED 2020-04-10T06:45:14Z
	// d-zulu            pending  UNREGISTER 2020-04-10T06:45:14Z
	// d-nozone          active   REGISTERED 2020-04-10T06:45:14Z
	// d-offset          active   REGISTERED 2020-04-10T06:45:14Z
	// d-fraction        active   REGISTERED 2020-04-10T06:45:14.123Z
	// d-fraction-offset unknown  FROZEN     2020-04-10T06:45:14.5Z
}

// Every IAM user, enabled or not, with what login protection says of
// their login.
func ExampleVirtualMFAService_Users() {
	srv := fakeHuawei() // stands for huaweiiam.IAMEndpoint("")
	defer srv.Close()

	c, err := huaweiiam.NewClient(huaweiiam.Config{
		IAMEndpoint: srv.URL,
		Token:       mfa.NewSecret("example-token"),
	})
	if err != nil {
		log.Fatal(err)
	}
	for u, err := range c.VirtualMFA().Users(context.Background()) {
		if err != nil {
			log.Fatal(err) // the users yielded before it were read
		}
		method := ""
		if u.LoginMFAMethod != "" {
			method = " by " + u.LoginMFAMethod
		}
		fmt.Printf("%-16s enabled=%-5t login MFA %s%s\n", u.Name, u.Enabled, u.LoginMFA, method)
	}
	// Output:
	// auditor          enabled=true  login MFA required by vmfa
	// sms-user         enabled=true  login MFA required by sms
	// email-user       enabled=true  login MFA not-required
	// no-protect-entry enabled=true  login MFA unknown
	// left-the-company enabled=false login MFA unknown
}

// Every Workspace desktop user of the project, page by page. A user who
// is disabled, locked or expired is not enabled.
func ExampleWorkspaceOTPService_Users() {
	srv := fakeHuawei() // stands for huaweiiam.WorkspaceEndpoint("ap-southeast-1")
	defer srv.Close()

	c, err := huaweiiam.NewClient(huaweiiam.Config{
		WorkspaceEndpoint: srv.URL,
		ProjectID:         "0bec5db98280d2d02fd6c00c2de791ce",
		Token:             mfa.NewSecret("example-token"),
	})
	if err != nil {
		log.Fatal(err)
	}
	for u, err := range c.WorkspaceOTP().Users(context.Background()) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(u.ID, u.Name, u.Enabled)
	}
	// Output:
	// 8a2c3f9579d240820179d51e6caf0001 api-test true
	// 8a2c3f9579d240820179d51e6caf0002 disabled false
	// 8a2c3f9579d240820179d51e6caf0003 locked false
	// 8a2c3f9579d240820179d51e6caf0004 expired false
}

func ExampleIAMEndpoint() {
	fmt.Println(huaweiiam.IAMEndpoint(""))
	fmt.Println(huaweiiam.IAMEndpoint("cn-north-4"))
	fmt.Println(huaweiiam.WorkspaceEndpoint("ap-southeast-1"))
	// Output:
	// https://iam.myhuaweicloud.com
	// https://iam.cn-north-4.myhuaweicloud.com
	// https://workspace.ap-southeast-1.myhuaweicloud.com
}

// A Config holds its credentials as mfa.Secret values: it prints them as
// [REDACTED], under any verb, with no printing code of its own.
func ExampleConfig() {
	cfg := huaweiiam.Config{
		IAMEndpoint: huaweiiam.IAMEndpoint(""),
		AccessKey:   "HPUAEXAMPLEACCESSKEY",
		SecretKey:   mfa.NewSecret("never printed"),
	}
	fmt.Printf("%+v\n", cfg)
	// Output:
	// {IAMEndpoint:https://iam.myhuaweicloud.com WorkspaceEndpoint: ProjectID: DomainID: Token: DomainName: Username: UserName: Password: AccessKey:HPUAEXAMPLEACCESSKEY SecretKey:[REDACTED] SecurityToken: IAMName: WorkspaceName: HTTPClient:<nil> Logger:<nil> Retry:{MaxAttempts:0 MinWait:0s MaxWait:0s MaxRetryAfter:0s} MaxResponseBytes:0 Pacing:{Rate:0 Burst:0 Fixed:false} MaxListing:0 WorkspacePageSize:0}
}
