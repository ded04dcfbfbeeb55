package audit_test

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/audit"
	"github.com/openmfa/mfa-go/mfa/mfatest"
)

// BenchmarkWriteJSON writes the report of 10,000 users holding two
// devices each: allocs/op and B/op are the garbage a report's JSON makes.
func BenchmarkWriteJSON(b *testing.B) {
	p := mfatest.NewProvider("p")
	created := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := range 10_000 {
		id := fmt.Sprintf("user-%05d", i)
		p.AddUser(mfa.User{ID: id, Name: "name-" + id, Enabled: true, LoginMFA: mfa.EnforcementRequired, LoginMFAMethod: "vmfa"}).
			AddDevices(id, mfatest.Device{ID: id + "-a", Status: mfa.StatusActive, VendorStatus: "BOUND", CreatedAt: created},
				mfatest.Device{ID: id + "-b", Status: mfa.StatusPending, VendorStatus: "UNBOUND", CreatedAt: created})
	}
	dir, err := mfa.NewDirectory(p)
	if err != nil {
		b.Fatal(err)
	}
	r, err := audit.Run(context.Background(), dir, []audit.Scope{{Provider: "p"}}, audit.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := r.WriteJSON(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
