package main

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/openmfa/mfa-go/internal/demo"
	"github.com/openmfa/mfa-go/internal/sim"
	"github.com/openmfa/mfa-go/mfa"
)

func main() {
	d, err := demo.Start(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()

	// A device that does not exist.
	_, err = d.Rackspace.Device(ctx, d.Sim.Rackspace.Users()[0], "no-such-device")
	explain("unknown device", err)

	// The server keeps saying "slow down" until the retries run out.
	d.Sim.Workspace.Inject(sim.RateLimit(10, "0"))
	_, err = d.Workspace.UserDevices(ctx, d.Sim.Workspace.Users()[0])
	explain("rate limited", err)
	d.Sim.Workspace.ClearFaults()

	// A proxy answers with an HTML page instead of JSON.
	d.Sim.ZStack.Inject(sim.HTMLPage(1))
	_, err = d.ZStack.UserDevices(ctx, d.Sim.ZStack.Users()[0])
	explain("HTML from a proxy", err)

	// An id that cannot be valid is refused before any request.
	_, err = d.IAM.UserDevices(ctx, "")
	explain("empty user id", err)
}

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
