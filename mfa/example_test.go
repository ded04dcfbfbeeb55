package mfa_test

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/mfatest"
)

// An audit over two providers: which users have no active device? The
// fakes of mfatest stand in for vendor clients such as huaweiiam or zstack.
func ExampleDirectory_Devices() {
	iam := mfatest.NewProvider("hw-iam").
		AddDevices("alice", mfatest.Device{ID: "iam/mfa/alice", Status: mfa.StatusActive}).
		AddDevices("bob")
	rax := mfatest.NewProvider("rax").
		AddDevices("carol", mfatest.Device{ID: "otp-1", Status: mfa.StatusPending, VendorStatus: "unverified"}).
		FailUser("dave", mfatest.APIError("rax", 503))

	dir, err := mfa.NewDirectory(iam, rax)
	if err != nil {
		panic(err)
	}
	users := []mfa.UserRef{
		{Provider: "hw-iam", UserID: "alice"}, {Provider: "hw-iam", UserID: "bob"},
		{Provider: "rax", UserID: "carol"}, {Provider: "rax", UserID: "dave"},
	}

	protected := map[mfa.UserRef]bool{}
	var report []string
	for dev, err := range dir.Devices(context.Background(), users) {
		var lookup *mfa.LookupError
		switch {
		case errors.As(err, &lookup):
			protected[mfa.UserRef{Provider: lookup.Provider, UserID: lookup.UserID}] = true // unknown: not a finding
			report = append(report, fmt.Sprintf("%s/%s: lookup failed (unavailable: %t)",
				lookup.Provider, lookup.UserID, errors.Is(err, mfa.ErrUnavailable)))
		case err != nil:
			panic(err)
		case dev.Status() == mfa.StatusActive:
			protected[mfa.UserRef{Provider: dev.Provider(), UserID: dev.UserID()}] = true
		}
	}
	for _, u := range users {
		if !protected[u] {
			report = append(report, u.Provider+"/"+u.UserID+": no active device")
		}
	}
	slices.Sort(report) // devices arrive as calls complete
	for _, line := range report {
		fmt.Println(line)
	}
	// Output:
	// hw-iam/bob: no active device
	// rax/carol: no active device
	// rax/dave: lookup failed (unavailable: true)
}

func ExampleAPIError() {
	var err error = &mfa.APIError{Provider: "hw-iam", StatusCode: 404, Code: "IAM.0004", Message: "Could not find user: u1", RequestID: "9c1f"}

	var apiErr *mfa.APIError
	if errors.Is(err, mfa.ErrNotFound) && errors.As(err, &apiErr) {
		fmt.Println(apiErr.Code, apiErr.RequestID)
	}
	fmt.Println(err)
	// Output:
	// IAM.0004 9c1f
	// hw-iam: HTTP 404 IAM.0004: Could not find user: u1 [request id 9c1f]
}
