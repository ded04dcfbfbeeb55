package huaweiiamtest_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/openmfa/mfa-go/huaweiiam"
	"github.com/openmfa/mfa-go/huaweiiam/huaweiiamtest"
	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/mfatest"
)

// Start both services with exact users, read them with the huaweiiam
// client, then take Workspace down while IAM keeps working.
func Example() {
	srv, err := huaweiiamtest.NewServer(huaweiiamtest.Options{
		IAMUsers: []huaweiiamtest.IAMUser{{
			ID: "alice", Name: "alice", VirtualMFA: &huaweiiamtest.VirtualMFA{},
			LoginProtect: huaweiiamtest.LoginProtect{Enabled: true, Method: "vmfa"},
		}},
		WorkspaceUsers: []huaweiiamtest.WorkspaceUser{{
			ID: "bob", Name: "bob", OTPDevices: []huaweiiamtest.OTPDevice{{ID: "d1", Status: "REGISTERED"}},
		}},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	c, err := huaweiiam.NewClient(huaweiiam.Config{
		IAMEndpoint:       srv.IAMURL,
		WorkspaceEndpoint: srv.WorkspaceURL,
		ProjectID:         srv.ProjectID,
		Token:             srv.Token,
		Retry:             mfa.RetryPolicy{MaxAttempts: 1}, // show the fault, do not retry it
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	ctx := context.Background()
	iam, err := c.VirtualMFA().UserDevices(ctx, "alice")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(iam[0].ID(), iam[0].Status())
	ws, err := c.WorkspaceOTP().UserDevices(ctx, "bob")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ws[0].ID(), ws[0].UserName(), ws[0].Status())

	srv.Workspace.Inject(mfatest.Down())
	_, err = c.WorkspaceOTP().UserDevices(ctx, "bob")
	fmt.Println("workspace unavailable:", errors.Is(err, mfa.ErrUnavailable))
	_, err = c.VirtualMFA().UserDevices(ctx, "alice")
	fmt.Println("iam:", err)
	// Output:
	// iam/mfa/alice active
	// d1 bob active
	// workspace unavailable: true
	// iam: <nil>
}

// Log in with a password, check the virtual MFA listing against the ground
// truth of the sample organisation, and read the requests the services saw.
func ExampleServer_IAMDevices() {
	srv, err := huaweiiamtest.NewServer(huaweiiamtest.Options{Seed: 7})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c, err := huaweiiam.NewClient(huaweiiam.Config{
		IAMEndpoint: srv.IAMURL,
		ProjectID:   srv.ProjectID,
		DomainName:  srv.DomainName,
		Username:    srv.Username,
		Password:    srv.Password,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	want := map[string]string{}
	for _, d := range srv.IAMDevices() {
		want[d.UserID] = d.ID
	}
	mismatches, read := 0, 0
	for d, err := range c.VirtualMFA().AllDevices(context.Background()) {
		if err != nil {
			log.Fatal(err)
		}
		read++
		if want[d.UserID()] != d.ID() {
			mismatches++
		}
	}
	fmt.Println(read == len(want), mismatches, "mismatches")
	for _, r := range srv.Requests() {
		fmt.Println(r.Service, r.Method, r.Path)
	}
	// Output:
	// true 0 mismatches
	// iam POST /v3/auth/tokens
	// iam GET /v3.0/OS-MFA/virtual-mfa-devices
}
