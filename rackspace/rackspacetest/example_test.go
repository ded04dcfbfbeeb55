package rackspacetest_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/mfatest"
	"github.com/openmfa/mfa-go/rackspace"
	"github.com/openmfa/mfa-go/rackspace/rackspacetest"
)

// Start a server holding one exact user, read her devices with the
// rackspace client, then make the server rate-limit.
func Example() {
	srv, err := rackspacetest.NewServer(rackspacetest.Options{Users: []rackspacetest.User{{
		ID: "alice", Username: "alice",
		OTPDevices: []rackspacetest.OTPDevice{{ID: "d1", Name: "Phone", Verified: true}, {ID: "d2", Name: "Spare"}},
	}}})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	c, err := rackspace.NewClient(rackspace.Config{
		Endpoint: srv.URL,
		Token:    srv.Token,
		Retry:    mfa.RetryPolicy{MaxAttempts: 1}, // show the fault, do not retry it
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	ctx := context.Background()
	devices, err := c.UserDevices(ctx, "alice")
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range devices {
		fmt.Println(d.ID(), d.Name(), d.Status())
	}

	srv.Inject(mfatest.RateLimit(1, "1"))
	_, err = c.UserDevices(ctx, "alice")
	fmt.Println("rate limited:", errors.Is(err, mfa.ErrRateLimited))
	// Output:
	// d1 Phone active
	// d2 Spare pending
	// rate limited: true
}

// Check a client's OTP device calls, in XML, against the ground truth of
// the sample organisation, and read the requests the server saw.
func ExampleServer_Devices() {
	srv, err := rackspacetest.NewServer(rackspacetest.Options{Seed: 7})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c, err := rackspace.NewClient(rackspace.Config{Endpoint: srv.URL, Token: srv.Token, Format: rackspace.XML})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	want := map[string]int{}
	for _, d := range srv.Devices() {
		if d.Kind == mfa.KindTOTP {
			want[d.UserID]++
		}
	}
	mismatches := 0
	for _, u := range srv.Users() {
		got, err := c.OTPDevices(context.Background(), u.ID)
		if err != nil || len(got) != want[u.ID] {
			mismatches++
		}
	}
	fmt.Println(len(srv.Users()), "users,", mismatches, "mismatches")
	fmt.Println(srv.Requests()[0].Method, srv.Requests()[0].Path == "/v2.0/users/"+srv.Users()[0].ID+"/RAX-AUTH/multi-factor/otp-devices")
	// Output:
	// 12 users, 0 mismatches
	// GET true
}
