package zstacktest_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/mfatest"
	"github.com/openmfa/mfa-go/zstack"
	"github.com/openmfa/mfa-go/zstack/zstacktest"
)

// Start a server holding two exact users, read their secrets with the
// zstack client, then take the server down.
func Example() {
	srv, err := zstacktest.NewServer(zstacktest.Options{
		Accounts: []zstacktest.Account{{
			UUID: "264d446f00e43793a2b0dcd21c367aaf", Name: "alice", State: "Enabled",
			Secrets: []zstacktest.Secret{{UUID: "16620c01d20b390891ae1a1bc072ac0b", Status: "Logined"}},
		}},
		VirtualIDs: []zstacktest.VirtualID{{
			UUID: "8a2c3f9579d240820179d51e6caf0001", Name: "bob",
			Secrets: []zstacktest.Secret{{UUID: "5311a768c22f4d30914fe50ffdfd1ba5"}},
		}},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	c, err := zstack.NewClient(zstack.Config{
		Endpoint:  srv.URL,
		SessionID: srv.SessionID,
		Retry:     mfa.RetryPolicy{MaxAttempts: 1}, // show the fault, do not retry it
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	ctx := context.Background()
	for d, err := range c.AllDevices(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(d.UserID(), d.ID(), d.Status())
	}

	srv.Inject(mfatest.Down())
	_, err = c.UserDevices(ctx, "264d446f00e43793a2b0dcd21c367aaf")
	fmt.Println("unavailable:", errors.Is(err, mfa.ErrUnavailable))
	// Output:
	// 264d446f00e43793a2b0dcd21c367aaf 16620c01d20b390891ae1a1bc072ac0b active
	// 8a2c3f9579d240820179d51e6caf0001 5311a768c22f4d30914fe50ffdfd1ba5 pending
	// unavailable: true
}

// Log in, read every secret of the sample organisation page by page as the
// server asks, compare with the ground truth, and read the first request
// the server saw.
func ExampleServer_Devices() {
	srv, err := zstacktest.NewServer(zstacktest.Options{Seed: 7, UserCount: 40})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c, err := zstack.NewClient(zstack.Config{Endpoint: srv.URL, AccountName: srv.AccountName, Password: srv.Password})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	want := map[string]mfa.Status{}
	for _, d := range srv.Devices() {
		want[d.ID] = d.Status
	}
	read, mismatches := 0, 0
	for d, err := range c.AllDevices(context.Background()) {
		if err != nil {
			log.Fatal(err)
		}
		read++
		if want[d.ID()] != d.Status() {
			mismatches++
		}
	}
	fmt.Println(read == len(want), mismatches, "mismatches")
	first := srv.Requests()[0]
	fmt.Println(first.Method, first.Path)
	// Output:
	// true 0 mismatches
	// PUT /zstack/v1/accounts/login
}
