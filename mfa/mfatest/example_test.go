package mfatest_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/mfatest"
)

// A fake provider in a unit test of code that uses mfa.Provider.
func ExampleProvider() {
	p := mfatest.NewProvider("fake").
		AddDevices("alice", mfatest.Device{ID: "d1", Status: mfa.StatusPending, VendorStatus: "UNREGISTER"}).
		FailUser("bob", mfatest.APIError("fake", 401))

	devices, _ := p.UserDevices(context.Background(), "alice")
	fmt.Println(devices[0].ID(), devices[0].Status(), devices[0].VendorStatus())

	_, err := p.UserDevices(context.Background(), "bob")
	fmt.Println(errors.Is(err, mfa.ErrUnauthorized), err)
	// Output:
	// d1 pending UNREGISTER
	// true fake: HTTP 401: Unauthorized
}
