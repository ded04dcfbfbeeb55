package main

import (
	"context"
	"fmt"
	"iter"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/mfatest"
)

func dev(id string, s mfa.Status, vendor string) mfatest.Device {
	return mfatest.Device{ID: id, Status: s, VendorStatus: vendor}
}

func TestAuditRules(t *testing.T) {
	created := time.Date(2020, 4, 10, 6, 45, 14, 0, time.UTC)
	ws := mfatest.NewProvider("ws").
		AddDevices("ok", mfatest.Device{ID: "d1", UserName: "zhangsan", Status: mfa.StatusActive, VendorStatus: "REGISTERED", CreatedAt: created}).
		AddDevices("half", dev("d2", mfa.StatusPending, "UNREGISTER"), dev("d3", mfa.StatusUnknown, "LOCKED")).
		AddDevices("mixed", dev("d4", mfa.StatusActive, "REGISTERED"), dev("d5", mfa.StatusPending, "UNREGISTER")).
		AddDevices("off", dev("d6", mfa.StatusDisabled, "")).
		FailUser("broken", mfatest.APIError("ws", 503))
	targets := []Target{{Provider: ws.Basic(), Type: TypeHuaweiWorkspace, Users: []string{"ok", "half", "mixed", "off", "none", "broken"}}}

	r, err := Audit(context.Background(), targets, 4, nil)
	require.NoError(t, err)

	assert.Equal(t, Summary{Providers: 1, Users: 6, Devices: 6, Findings: 6, Errors: 1}, r.Summary)
	assert.Equal(t, []Finding{
		{Provider: "ws", UserID: "half", DeviceID: "", Rule: RuleNoActiveDevice, Detail: "2 devices, none active"},
		{Provider: "ws", UserID: "half", DeviceID: "d2", Rule: RulePending, Detail: `vendor status "UNREGISTER": created but not bound or verified`},
		{Provider: "ws", UserID: "half", DeviceID: "d3", Rule: RuleUnknownStatus, Detail: `vendor status "LOCKED": a status this audit does not know`},
		{Provider: "ws", UserID: "mixed", DeviceID: "d5", Rule: RulePending, Detail: `vendor status "UNREGISTER": created but not bound or verified`},
		{Provider: "ws", UserID: "none", DeviceID: "", Rule: RuleNoActiveDevice, Detail: "no MFA device"},
		{Provider: "ws", UserID: "off", DeviceID: "", Rule: RuleNoActiveDevice, Detail: "1 device, not active"},
	}, r.Findings, "a user whose lookup failed gets an error, not a finding")
	require.Len(t, r.Errors, 1)
	assert.Equal(t, "broken", r.Errors[0].UserID)
	assert.Contains(t, r.Errors[0].Message, "HTTP 503")

	require.NotEmpty(t, r.Devices)
	first := r.Devices[0]
	assert.Equal(t, DeviceRow{Provider: "ws", UserID: "half", DeviceID: "d2", Status: mfa.StatusPending, VendorStatus: "UNREGISTER"}, first)
	var ok DeviceRow
	for _, d := range r.Devices {
		if d.UserID == "ok" {
			ok = d
		}
	}
	require.NotNil(t, ok.CreatedAt)
	assert.Equal(t, created, *ok.CreatedAt)
	assert.Equal(t, "zhangsan", ok.UserName)

	assert.Equal(t, []ProviderSummary{{Provider: "ws", Type: TypeHuaweiWorkspace, Users: 6, Devices: 6, Active: 2, Pending: 2, Disabled: 1, Unknown: 1, Findings: 6, Error: 1}}, r.Per)
}

func TestAuditListsWhatCanBeListed(t *testing.T) {
	iam := mfatest.NewProvider("iam").
		AddDevices("a", dev("iam/mfa/a", mfa.StatusActive, "")).
		AddDevices("b", dev("iam/mfa/b", mfa.StatusActive, ""))
	targets := []Target{{Provider: iam, Type: TypeHuaweiIAM, Users: []string{"a", "nodevice"}}}

	r, err := Audit(context.Background(), targets, 4, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, iam.Calls(), "one listing, no call per user")
	assert.Equal(t, Summary{Providers: 1, Users: 3, Devices: 2, Findings: 1, Errors: 0}, r.Summary, "owners found by the listing are audited too")
	assert.Equal(t, "nodevice", r.Findings[0].UserID)
}

func TestAuditFallsBackWhenTheListingFails(t *testing.T) {
	iam := mfatest.NewProvider("iam").AddDevices("a", dev("iam/mfa/a", mfa.StatusActive, ""))
	iam.Fail(mfatest.APIError("iam", 403))
	targets := []Target{{Provider: iam, Type: TypeHuaweiIAM, Users: []string{"a", "b"}}}
	r, err := Audit(context.Background(), targets, 4, nil)
	require.NoError(t, err)
	assert.Equal(t, 3, iam.Calls(), "the listing, then one call per named user")
	require.Len(t, r.Errors, 3)
	assert.Contains(t, r.Errors[0].Message, "listing all devices")
}

func TestAuditFallbackFindsDevices(t *testing.T) {
	// A lister whose listing fails but whose per-user calls work.
	iam := &listFails{mfatest.NewProvider("iam").AddDevices("a", dev("iam/mfa/a", mfa.StatusActive, ""))}
	var _ mfa.DeviceLister = iam
	r, err := Audit(context.Background(), []Target{{Provider: iam, Type: TypeHuaweiIAM, Users: []string{"a", "b"}}}, 4, nil)
	require.NoError(t, err)
	assert.Equal(t, Summary{Providers: 1, Users: 2, Devices: 1, Findings: 1, Errors: 1}, r.Summary)
	assert.Equal(t, 2, iam.Calls(), "after the failed listing, one call per named user")
}

type listFails struct{ *mfatest.Provider }

func (l *listFails) AllDevices(ctx context.Context) iter.Seq2[mfa.Device, error] {
	return func(yield func(mfa.Device, error) bool) { yield(nil, mfatest.APIError("iam", 403)) }
}

func TestAuditPartialFailureKeepsOtherProviders(t *testing.T) {
	up := mfatest.NewProvider("up").AddDevices("u1", dev("d1", mfa.StatusActive, "x"))
	down := mfatest.NewProvider("down").Fail(mfatest.APIError("down", 502))
	r, err := Audit(context.Background(), []Target{
		{Provider: up.Basic(), Users: []string{"u1"}},
		{Provider: down.Basic(), Users: []string{"u1", "u2"}},
	}, 4, nil)
	require.NoError(t, err)
	assert.Len(t, r.Devices, 1)
	assert.Len(t, r.Errors, 2)
	assert.Empty(t, r.Findings, "no finding about users whose devices are unknown")
}

func TestAuditProgressCountsEveryUser(t *testing.T) {
	p := mfatest.NewProvider("p").AddDevices("u1", dev("d1", mfa.StatusActive, ""))
	var last, total int
	_, err := Audit(context.Background(), []Target{{Provider: p.Basic(), Users: []string{"u1", "u2", "u3"}}}, 2, func(done, n int) {
		last, total = max(last, done), n
	})
	require.NoError(t, err)
	assert.Equal(t, 3, last)
	assert.Equal(t, 3, total)
}

func TestAuditTimeoutReportsWhatWasRead(t *testing.T) {
	fast := mfatest.NewProvider("fast").AddDevices("u1", dev("d1", mfa.StatusActive, ""))
	slow := mfatest.NewProvider("slow").SetLatency(time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	r, err := Audit(ctx, []Target{{Provider: fast.Basic(), Users: []string{"u1"}}, {Provider: slow.Basic(), Users: []string{"a", "b"}}}, 4, nil)
	require.NoError(t, err)
	assert.Len(t, r.Devices, 1, "what was read is kept")
	assert.NotEmpty(t, r.Errors)
	assert.Empty(t, r.Findings, "users not read are not findings")
}

func TestAuditAsksEachUserOnceAcrossProviders(t *testing.T) {
	a := mfatest.NewProvider("a").AddDevices("u1", dev("d1", mfa.StatusActive, ""))
	b := mfatest.NewProvider("b").AddDevices("u1", dev("d2", mfa.StatusActive, ""))
	r, err := Audit(context.Background(), []Target{
		{Provider: a.Basic(), Users: []string{"u1", "u2", "u1", "u3"}},
		{Provider: b.Basic(), Users: []string{"u1"}},
	}, 1, nil)
	require.NoError(t, err)
	assert.Equal(t, 3, a.Calls(), "a user named twice is asked once")
	assert.Equal(t, 1, b.Calls())
	assert.Equal(t, 4, r.Summary.Users)
}

func TestInterleave(t *testing.T) {
	ref := func(p, u string) mfa.UserRef { return mfa.UserRef{Provider: p, UserID: u} }
	got := interleave([][]mfa.UserRef{{ref("a", "1"), ref("a", "2"), ref("a", "3")}, nil, {ref("c", "1")}})
	assert.Equal(t, []mfa.UserRef{ref("a", "1"), ref("c", "1"), ref("a", "2"), ref("a", "3")}, got)
}

func TestSharesSplitTheCallsInFlight(t *testing.T) {
	var refs []mfa.UserRef
	for i := range 300 {
		refs = append(refs, mfa.UserRef{Provider: "big", UserID: fmt.Sprint(i)})
	}
	for i := range 100 {
		refs = append(refs, mfa.UserRef{Provider: "small", UserID: fmt.Sprint(i)})
	}
	refs = append(refs, mfa.UserRef{Provider: "tiny", UserID: "1"})
	assert.Equal(t, map[string]int{"big": 47, "small": 15, "tiny": 1}, shares(refs, 64))

	big := mfatest.NewProvider("big").SetLatency(2 * time.Millisecond)
	small := mfatest.NewProvider("small").SetLatency(2 * time.Millisecond)
	var users []string
	for i := range 60 {
		users = append(users, fmt.Sprint(i))
	}
	_, err := Audit(context.Background(), []Target{{Provider: big.Basic(), Users: users}, {Provider: small.Basic(), Users: users[:20]}}, 16, nil)
	require.NoError(t, err)
	assert.LessOrEqual(t, big.MaxConcurrent(), 12, "three quarters of the users, three quarters of the calls in flight")
	assert.LessOrEqual(t, small.MaxConcurrent(), 4)
}
