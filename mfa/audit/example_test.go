package audit_test

import (
	"context"
	"fmt"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/audit"
	"github.com/openmfa/mfa-go/mfa/mfatest"
)

// An audit of every user of one provider, and of two named users of
// another. The fakes of mfatest stand in for vendor clients.
func ExampleRun() {
	iam := mfatest.NewProvider("hw-iam").
		AddUser(mfa.User{ID: "alice", Enabled: true, LoginMFA: mfa.EnforcementRequired, LoginMFAMethod: "vmfa"}).
		AddDevices("alice", mfatest.Device{ID: "iam/mfa/alice", Status: mfa.StatusActive}).
		AddUser(mfa.User{ID: "bob", Enabled: true, LoginMFA: mfa.EnforcementRequired, LoginMFAMethod: "sms"}).
		AddUser(mfa.User{ID: "carol", Enabled: false})
	rax := mfatest.NewProvider("rax").
		AddDevices("dave", mfatest.Device{ID: "otp-1", Status: mfa.StatusPending, VendorStatus: "unverified"}).
		FailUser("erin", mfatest.APIError("rax", 503))

	dir, err := mfa.NewDirectory(iam, rax.Basic())
	if err != nil {
		panic(err)
	}
	report, err := audit.Run(context.Background(), dir, []audit.Scope{
		{Provider: "hw-iam"},
		{Provider: "rax", Users: []string{"dave", "erin"}},
	}, audit.Options{})
	if err != nil {
		panic(err)
	}
	for _, f := range report.Findings {
		fmt.Printf("%s/%s %s: %s\n", f.Provider, f.UserID, f.Rule, f.Detail)
	}
	for _, n := range report.NotAudited {
		fmt.Printf("%s/%s not audited: %s\n", n.Provider, n.UserID, n.Reason)
	}
	s := report.Summary
	fmt.Printf("listed %d, audited %d, not audited %d, disabled %d, complete %t\n",
		s.UsersListed, s.UsersAudited, s.UsersNotAudited, s.UsersDisabled, report.Complete())
	// Output:
	// hw-iam/bob sms-only: 1 active SMS or email factor only
	// rax/dave no-mfa: 1 device, not active
	// rax/dave pending-device: vendor status "unverified": created but not bound or verified
	// rax/erin not audited: not read: the call failed
	// listed 5, audited 3, not audited 1, disabled 1, complete false
}

// The devices of a report, one row at a time, each with its user's
// strings.
func ExampleDeviceList_All() {
	p := mfatest.NewProvider("rax").
		AddUser(mfa.User{ID: "u2", Name: "bob", Enabled: true}).
		AddDevices("u2", mfatest.Device{ID: "otp-2", Status: mfa.StatusActive, VendorStatus: "verified"}).
		AddUser(mfa.User{ID: "u1", Name: "alice", Enabled: true}).
		AddDevices("u1", mfatest.Device{ID: "otp-9", Status: mfa.StatusActive, VendorStatus: "verified"},
			mfatest.Device{ID: "otp-1", Status: mfa.StatusPending, VendorStatus: "unverified"})
	dir, err := mfa.NewDirectory(p)
	if err != nil {
		panic(err)
	}
	report, err := audit.Run(context.Background(), dir, []audit.Scope{{Provider: "rax"}}, audit.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println(report.Devices.Len(), "devices")
	for d := range report.Devices.All() {
		fmt.Printf("%s/%s (%s) %s: %s\n", d.Provider, d.UserID, d.UserName, d.DeviceID, d.VendorStatus)
	}
	// Output:
	// 3 devices
	// rax/u1 (alice) otp-1: unverified
	// rax/u1 (alice) otp-9: verified
	// rax/u2 (bob) otp-2: verified
}
