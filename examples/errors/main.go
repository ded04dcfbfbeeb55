package main

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/openmfa/mfa-go/huaweiiam"
	"github.com/openmfa/mfa-go/huaweiiam/huaweiiamtest"
	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/mfatest"
	"github.com/openmfa/mfa-go/rackspace"
	"github.com/openmfa/mfa-go/rackspace/rackspacetest"
	"github.com/openmfa/mfa-go/zstack"
	"github.com/openmfa/mfa-go/zstack/zstacktest"
)

func main() {
	ctx := context.Background()
	// Emulators of the vendors' APIs on loopback, made to misbehave.
	hw, err := huaweiiamtest.NewServer(huaweiiamtest.Options{})
	check(err)
	defer hw.Close()
	rax, err := rackspacetest.NewServer(rackspacetest.Options{})
	check(err)
	defer rax.Close()
	zs, err := zstacktest.NewServer(zstacktest.Options{})
	check(err)
	defer zs.Close()

	huawei, err := huaweiiam.NewClient(huaweiiam.Config{
		IAMEndpoint: hw.IAMURL, WorkspaceEndpoint: hw.WorkspaceURL, ProjectID: hw.ProjectID, Token: hw.Token,
		Retry: mfa.RetryPolicy{MaxAttempts: 2}, // give up fast
	})
	check(err)
	defer huawei.Close()
	rackspaceClient, err := rackspace.NewClient(rackspace.Config{Endpoint: rax.URL, Token: rax.Token})
	check(err)
	defer rackspaceClient.Close()
	zstackClient, err := zstack.NewClient(zstack.Config{Endpoint: zs.URL, SessionID: zs.SessionID})
	check(err)
	defer zstackClient.Close()

	// A device that does not exist.
	_, err = rackspaceClient.Device(ctx, rax.Users()[0].ID, "no-such-device")
	explain("unknown device", err)

	// The server keeps saying "slow down" until the retries run out.
	hw.Workspace.Inject(mfatest.RateLimit(10, "0"))
	_, err = huawei.WorkspaceOTP().UserDevices(ctx, hw.WorkspaceUsers()[0].ID)
	explain("rate limited", err)
	hw.ClearFaults()

	// A proxy answers with an HTML page instead of JSON.
	zs.Inject(mfatest.HTMLPage(1))
	_, err = zstackClient.UserDevices(ctx, zs.Accounts()[0].UUID)
	explain("HTML from a proxy", err)

	// An id that cannot be valid is refused before any request.
	_, err = huawei.VirtualMFA().UserDevices(ctx, "")
	explain("empty user id", err)
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// explain prints an error and what a caller can learn from it.
func explain(what string, err error) {
	fmt.Printf("%s:\n  %v\n", what, err)
	kinds := []error{mfa.ErrNotFound, mfa.ErrUnauthorized, mfa.ErrForbidden, mfa.ErrRateLimited,
		mfa.ErrUnavailable, mfa.ErrBadRequest, mfa.ErrUnsupported, mfa.ErrInvalidResponse}
	for _, kind := range kinds {
		if errors.Is(err, kind) {
			fmt.Printf("  errors.Is(err, mfa.Err...): %v\n", kind)
		}
	}
	var apiErr *mfa.APIError
	if errors.As(err, &apiErr) {
		fmt.Printf("  *mfa.APIError: status %d, code %q, request id %q\n", apiErr.StatusCode, apiErr.Code, apiErr.RequestID)
	}
}
