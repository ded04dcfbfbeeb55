package audit_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/audit"
	"github.com/openmfa/mfa-go/mfa/mfatest"
)

func TestTheReportsDevicesFollowTheirUsers(t *testing.T) {
	created := time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.FixedZone("CST", 8*3600))
	q := mfatest.NewProvider("q").
		AddUser(mfa.User{ID: "zoe", Enabled: true}).
		AddDevices("zoe", mfatest.Device{ID: "z2", Status: mfa.StatusActive, VendorStatus: "BOUND", UserName: "Zoë"},
			mfatest.Device{ID: "z1", Name: "phone", Kind: mfa.KindSMS, Status: mfa.StatusPending, CreatedAt: created}).
		AddUser(mfa.User{ID: "adam", Name: "Adam", Enabled: true}).
		AddDevices("adam", mfatest.Device{ID: "a1", Status: mfa.StatusActive, UserName: "not the listing's"})
	r := run(t, []audit.Scope{{Provider: "q"}, {Provider: "p"}}, audit.Options{}, organisation("p"), q)

	var users []string
	for u := range r.Users.All() {
		users = append(users, u.Provider+"/"+u.UserID)
	}
	assert.Equal(t, []string{"q/adam", "q/zoe", "p/email", "p/gone", "p/lax", "p/none", "p/odd", "p/ok", "p/pending", "p/phone"}, users,
		"users in the order of the scopes, then of their ids")

	devices := slices.Collect(r.Devices.All())
	require.Len(t, devices, 10)
	assert.Equal(t, []audit.DeviceRow{
		{Provider: "q", UserID: "adam", UserName: "Adam", DeviceID: "a1", Kind: mfa.KindTOTP, Status: mfa.StatusActive},
		{Provider: "q", UserID: "zoe", UserName: "Zoë", DeviceID: "z1", Name: "phone", Kind: mfa.KindSMS, Status: mfa.StatusPending,
			CreatedAt: created.UTC()},
		{Provider: "q", UserID: "zoe", UserName: "Zoë", DeviceID: "z2", Kind: mfa.KindTOTP, Status: mfa.StatusActive, VendorStatus: "BOUND"},
	}, devices[:3], "a user's devices in the order of their ids, with the user's strings; a user without a name takes its device's")
	assert.Equal(t, time.UTC, devices[1].CreatedAt.Location())
	var ids []string
	for _, d := range devices[3:] {
		ids = append(ids, d.UserID+"/"+d.DeviceID)
		assert.Equal(t, "p", d.Provider)
	}
	assert.Equal(t, []string{"gone/d-gone", "lax/d-lax", "odd/d-odd", "odd/d-odd2", "ok/d-ok", "pending/d-pending", "phone/d-phone"}, ids)
	for u := range r.Users.All() {
		if u.UserID == "odd" {
			assert.Equal(t, audit.UserRow{Provider: "p", UserID: "odd", UserName: "name-odd", Enabled: true, LoginMFA: mfa.EnforcementRequired,
				Devices: 2, ActiveFactors: 1, Audited: true}, u)
		}
	}
}

func TestAReportReadsBackFromItsJSON(t *testing.T) {
	r := run(t, []audit.Scope{{Provider: "p"}}, audit.Options{}, organisation("p"))
	r.Devices.Append(audit.DeviceRow{Provider: "p", UserID: "late", DeviceID: "x", Kind: mfa.KindTOTP, Status: mfa.StatusUnknown,
		CreatedAt: time.Date(2023, 1, 2, 3, 4, 5, 6, time.UTC)})
	b, err := json.Marshal(r)
	require.NoError(t, err)

	var back audit.Report
	back.Users.Append(audit.UserRow{UserID: "dropped"}) // as for a slice, what was there goes
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, slices.Collect(r.Users.All()), slices.Collect(back.Users.All()))
	assert.Equal(t, slices.Collect(r.Devices.All()), slices.Collect(back.Devices.All()))
	assert.Equal(t, r.Findings, back.Findings)
	assert.Equal(t, r.Summary, back.Summary)

	var empty audit.Report
	require.NoError(t, json.Unmarshal([]byte(`{"users": null, "devices": []}`), &empty))
	assert.Zero(t, empty.Users.Len())
	assert.Zero(t, empty.Devices.Len())
	for _, bad := range []string{`{"devices": {}}`, `{"users": [1]}`, `{"devices": [{"created_at": "yesterday"}]}`} {
		assert.Error(t, json.Unmarshal([]byte(bad), &empty), bad)
	}
}

func TestListsKeepEveryRowAsAppended(t *testing.T) {
	var users audit.UserList
	var devices audit.DeviceList
	var wantUsers []audit.UserRow
	var wantDevices []audit.DeviceRow
	// More distinct statuses than the lists keep an index of: a server
	// that makes one up per device.
	for i := range 5000 {
		u := audit.UserRow{Provider: fmt.Sprint("p", i%3), UserID: fmt.Sprint("u", i/2), LoginMFA: mfa.EnforcementUnknown,
			LoginMFAMethod: fmt.Sprint("m", i), Devices: i, ActiveFactors: i % 2, Enabled: i%3 == 0, Audited: i%5 == 0}
		d := audit.DeviceRow{Provider: u.Provider, UserID: u.UserID, DeviceID: fmt.Sprint("d", i), Kind: mfa.KindTOTP,
			Status: mfa.StatusUnknown, VendorStatus: fmt.Sprint("S", i), CreatedAt: time.Unix(int64(i), int64(i)).In(time.Local)}
		users.Append(u)
		devices.Append(d)
		d.CreatedAt = d.CreatedAt.UTC()
		wantUsers, wantDevices = append(wantUsers, u), append(wantDevices, d)
	}
	assert.Equal(t, 5000, users.Len())
	assert.Equal(t, wantUsers, slices.Collect(users.All()))
	assert.Equal(t, wantDevices, slices.Collect(devices.All()), "times come back in UTC")

	n := 0
	for range devices.All() {
		n++
		break
	}
	assert.Equal(t, 1, n, "a range stopped early stops")
}

// The devices of a report name their users through the report's users:
// appending to either list must not change what the other holds.
func TestAppendingToOneListOfAReportLeavesTheOther(t *testing.T) {
	r := run(t, []audit.Scope{{Provider: "p"}}, audit.Options{}, organisation("p"))
	users, devices := slices.Collect(r.Users.All()), slices.Collect(r.Devices.All())
	for i := range 10 {
		u := audit.UserRow{Provider: fmt.Sprint("new", i), UserID: "x", LoginMFA: "new", LoginMFAMethod: fmt.Sprint(i)}
		d := audit.DeviceRow{Provider: fmt.Sprint("other", i), UserID: "y", DeviceID: "z", Kind: "k", Status: "s"}
		r.Users.Append(u)
		r.Devices.Append(d)
		users, devices = append(users, u), append(devices, d)
	}
	assert.Equal(t, users, slices.Collect(r.Users.All()))
	assert.Equal(t, devices, slices.Collect(r.Devices.All()))
}

// A copy of a report appends apart from it, as a copy of a clipped slice
// does: with one provider or several, to users or devices, at once.
func TestCopiesOfAReportAppendApart(t *testing.T) {
	for _, providers := range [][]mfa.Provider{
		{organisation("p")},
		{organisation("p").AddDevices("ok", mfatest.Device{ID: "d-x", Status: mfa.StatusDisabled, VendorStatus: "OFF"}), organisation("q")},
	} {
		var scopes []audit.Scope
		for _, p := range providers {
			scopes = append(scopes, audit.Scope{Provider: p.Name()})
		}
		r := run(t, scopes, audit.Options{}, providers...)
		copied := *r
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			copied.Users.Append(audit.UserRow{Provider: "new", UserID: "x", LoginMFA: "copy"})
			copied.Devices.Append(audit.DeviceRow{Provider: "p", UserID: "ok", DeviceID: "mine", Status: mfa.StatusUnknown, VendorStatus: "COPY"})
		}()
		r.Users.Append(audit.UserRow{Provider: "other", UserID: "y", LoginMFA: "original"})
		r.Devices.Append(audit.DeviceRow{Provider: "p", UserID: "ok", DeviceID: "theirs", Status: mfa.StatusUnknown, VendorStatus: "ORIGINAL"})
		wg.Wait()

		last := func(l *audit.DeviceList) audit.DeviceRow { return slices.Collect(l.All())[l.Len()-1] }
		lastUser := func(l *audit.UserList) audit.UserRow { return slices.Collect(l.All())[l.Len()-1] }
		assert.Equal(t, "COPY", last(&copied.Devices).VendorStatus)
		assert.Equal(t, "ORIGINAL", last(&r.Devices).VendorStatus)
		assert.Equal(t, mfa.Enforcement("copy"), lastUser(&copied.Users).LoginMFA)
		assert.Equal(t, mfa.Enforcement("original"), lastUser(&r.Users).LoginMFA)
	}
}

func TestACountPastWhatAListKeepsIsAnError(t *testing.T) {
	var r audit.Report
	err := json.Unmarshal([]byte(`{"users": [{"user_id": "u", "devices": 5000000000}]}`), &r)
	assert.ErrorContains(t, err, "a count past 2147483647")

	var users audit.UserList
	users.Append(audit.UserRow{Devices: 5_000_000_000, ActiveFactors: -1})
	u := slices.Collect(users.All())[0]
	assert.Equal(t, 1<<31-1, u.Devices, "kept as the most there is room for")
	assert.Equal(t, -1, u.ActiveFactors)
}
