package audit_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/audit"
	"github.com/openmfa/mfa-go/mfa/mfatest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func dev(id string, status mfa.Status) mfatest.Device {
	return mfatest.Device{ID: id, Status: status, VendorStatus: string(status)}
}

func sms(id string) mfatest.Device {
	return mfatest.Device{ID: id, Kind: mfa.KindSMS, Status: mfa.StatusActive}
}

func enabled(id string, login mfa.Enforcement, method string) mfa.User {
	return mfa.User{ID: id, Name: "name-" + id, Enabled: true, LoginMFA: login, LoginMFAMethod: method}
}

// organisation is one provider with a user for each rule, and a disabled
// user who would break every rule.
func organisation(name string) *mfatest.Provider {
	return mfatest.NewProvider(name).
		AddUser(enabled("ok", mfa.EnforcementRequired, "vmfa")).AddDevices("ok", dev("d-ok", mfa.StatusActive)).
		AddUser(enabled("none", mfa.EnforcementUnknown, "")).
		AddUser(enabled("pending", mfa.EnforcementRequired, "")).AddDevices("pending", dev("d-pending", mfa.StatusPending)).
		AddUser(enabled("phone", mfa.EnforcementRequired, "SMS")).AddDevices("phone", sms("d-phone")).
		AddUser(enabled("email", mfa.EnforcementRequired, "email")).
		AddUser(enabled("lax", mfa.EnforcementNotRequired, "")).AddDevices("lax", dev("d-lax", mfa.StatusActive)).
		AddUser(enabled("odd", mfa.EnforcementRequired, "")).AddDevices("odd", dev("d-odd", mfa.StatusActive), dev("d-odd2", "EXPIRED")).
		AddUser(mfa.User{ID: "gone", Enabled: false}).AddDevices("gone", dev("d-gone", mfa.StatusPending))
}

func run(t *testing.T, scopes []audit.Scope, opts audit.Options, providers ...mfa.Provider) *audit.Report {
	t.Helper()
	dir, err := mfa.NewDirectory(providers...)
	require.NoError(t, err)
	r, err := audit.Run(context.Background(), dir, scopes, opts)
	require.NoError(t, err)
	checkSums(t, r)
	return r
}

// checkSums holds a report to what its summaries promise.
func checkSums(t *testing.T, r *audit.Report) {
	t.Helper()
	var s audit.Summary
	for _, p := range r.Providers {
		assert.Equal(t, p.UsersListed, p.UsersAudited+p.UsersNotAudited+p.UsersDisabled, "%s: the users add up", p.Provider)
		assert.Equal(t, p.Devices, p.Active+p.Pending+p.Disabled+p.Unknown, "%s: the devices add up", p.Provider)
		s.UsersListed += p.UsersListed
		s.UsersAudited += p.UsersAudited
		s.UsersNotAudited += p.UsersNotAudited
		s.UsersDisabled += p.UsersDisabled
		s.Devices += p.Devices
		s.Findings += p.Findings
		s.Errors += p.Errors
	}
	s.Providers = len(r.Providers)
	assert.Equal(t, s, r.Summary)
	assert.Equal(t, s.UsersListed, r.Users.Len())
	assert.Equal(t, s.Devices, r.Devices.Len())
	assert.Len(t, r.Findings, s.Findings)
	assert.Len(t, r.Errors, s.Errors)
	for _, e := range r.Errors {
		assert.NotEmpty(t, e.Provider, "every error names its provider")
	}
}

// verdicts lists the findings as "user rule device".
func verdicts(r *audit.Report) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, fmt.Sprintf("%s/%s %s %s", f.Provider, f.UserID, f.Rule, f.DeviceID))
	}
	return out
}

func TestRulesOverAWholeOrganisation(t *testing.T) {
	p := organisation("p")
	r := run(t, []audit.Scope{{Provider: "p"}}, audit.Options{}, p)

	assert.Equal(t, []string{
		"p/email sms-only ",
		"p/lax mfa-not-enforced ",
		"p/none no-mfa ",
		"p/odd unknown-status d-odd2",
		"p/pending no-mfa ",
		"p/pending pending-device d-pending",
		"p/phone sms-only ",
	}, verdicts(r), "the disabled user is listed, not flagged")
	assert.Equal(t, audit.ProviderSummary{
		Provider: "p", Complete: true, UsersListed: 8, UsersAudited: 7, UsersDisabled: 1,
		Devices: 7, Active: 4, Pending: 2, Unknown: 1, Findings: 7,
	}, r.Providers[0])
	assert.True(t, r.Complete())
	assert.Empty(t, r.NotAudited)

	byID := map[string]audit.UserRow{}
	for u := range r.Users.All() {
		byID[u.UserID] = u
	}
	assert.Equal(t, audit.UserRow{Provider: "p", UserID: "email", UserName: "name-email", Enabled: true,
		LoginMFA: mfa.EnforcementRequired, LoginMFAMethod: "email", ActiveFactors: 1, Audited: true}, byID["email"],
		"a login by email is a factor without a device")
	assert.False(t, byID["gone"].Audited)
	assert.Equal(t, 1, byID["gone"].Devices, "a disabled user's devices are read and listed")
	for _, f := range r.Findings {
		assert.Equal(t, "name-"+f.UserID, f.UserName, "findings carry the user's name")
	}
	assert.Equal(t, 2, p.Calls(), "one user listing and one device listing, no call per user")
}

func TestDisabledUsers(t *testing.T) {
	r := run(t, []audit.Scope{{Provider: "p"}}, audit.Options{Disabled: audit.AuditDisabled}, organisation("p"))
	assert.Contains(t, verdicts(r), "p/gone no-mfa ")
	assert.Contains(t, verdicts(r), "p/gone pending-device d-gone")
	assert.Zero(t, r.Providers[0].UsersDisabled)

	r = run(t, []audit.Scope{{Provider: "p"}}, audit.Options{Disabled: audit.SkipDisabled}, organisation("p"))
	for u := range r.Users.All() {
		assert.NotEqual(t, "gone", u.UserID)
	}
	assert.Equal(t, 7, r.Providers[0].UsersListed)
	assert.Equal(t, 6, r.Providers[0].Devices)
}

func TestRulesFilter(t *testing.T) {
	rules, err := audit.ParseRules("no-active-device, pending-device")
	require.NoError(t, err)
	assert.Equal(t, []string{audit.RuleNoMFA, audit.RulePendingDevice}, rules, "the former id reads as no-mfa")
	r := run(t, []audit.Scope{{Provider: "p"}}, audit.Options{Rules: rules}, organisation("p"))
	assert.Equal(t, []string{"p/none no-mfa ", "p/pending no-mfa ", "p/pending pending-device d-pending"}, verdicts(r))

	_, err = audit.ParseRules("no-mfa,weak")
	assert.ErrorContains(t, err, `unknown rule "weak"`)
	assert.ErrorContains(t, err, "sms-only", "the error lists the rules")
	_, err = audit.ParseRules(" , ")
	assert.Error(t, err)
}

func TestNamedUsersOfAProviderThatCannotList(t *testing.T) {
	p := mfatest.NewProvider("p").AddDevices("u1", dev("d1", mfa.StatusActive)).AddDevices("u2")
	r := run(t, []audit.Scope{{Provider: "p", Users: []string{"u1", "u2", "u3"}}}, audit.Options{}, p.Basic())
	assert.Equal(t, []string{"p/u2 no-mfa ", "p/u3 no-mfa "}, verdicts(r))
	assert.Equal(t, 3, p.Calls(), "one call per named user")
	assert.Equal(t, mfa.EnforcementUnknown, slices.Collect(r.Users.All())[0].LoginMFA, "what a provider that cannot list says of a user is unknown")
}

func TestNamedUsersNarrowAListingProvider(t *testing.T) {
	r := run(t, []audit.Scope{{Provider: "p", Users: []string{"lax", "stranger"}}}, audit.Options{}, organisation("p"))
	assert.Equal(t, []string{"p/lax mfa-not-enforced ", "p/stranger no-mfa "}, verdicts(r),
		"the listing tells what login asks of a named user")
	assert.Equal(t, 2, r.Users.Len())
}

func TestScopesAreCheckedBeforeAnyCall(t *testing.T) {
	p := mfatest.NewProvider("p").AddDevices("u1")
	dir, err := mfa.NewDirectory(p.Basic())
	require.NoError(t, err)
	for scopes, want := range map[*[]audit.Scope]string{
		{{Provider: "p"}}:                       `provider "p" can neither list its users nor was given any`,
		{{Provider: "q", Users: []string{"u"}}}: `unknown provider "q"`,
		{{Provider: "p", Users: []string{"u"}}, {Provider: "p", Users: []string{"v"}}}: "in two scopes",
	} {
		_, err := audit.Run(context.Background(), dir, *scopes, audit.Options{})
		assert.ErrorContains(t, err, want)
	}
	_, err = audit.Run(context.Background(), dir, nil, audit.Options{Rules: []string{"nope"}})
	assert.ErrorContains(t, err, `unknown rule "nope"`)
	assert.Zero(t, p.Calls())
}

func TestFailuresAreReportedAndKeepTheRest(t *testing.T) {
	good := organisation("good")
	flaky := mfatest.NewProvider("flaky").AddDevices("u1", dev("d1", mfa.StatusActive)).AddDevices("u2").
		FailUser("u2", mfatest.APIError("flaky", 503))
	down := mfatest.NewProvider("down").Fail(mfatest.APIError("down", 401))
	r := run(t, []audit.Scope{{Provider: "good"}, {Provider: "flaky", Users: []string{"u1", "u2"}}, {Provider: "down"}},
		audit.Options{}, good, flaky.Basic(), down)

	assert.False(t, r.Complete())
	assert.Equal(t, []bool{true, false, false}, []bool{r.Providers[0].Complete, r.Providers[1].Complete, r.Providers[2].Complete})
	assert.Equal(t, []audit.NotAudited{
		{Provider: "flaky", UserID: "u2", Reason: "not read: the call failed"},
		{Provider: "down", Reason: "not listed: the user listing failed"},
	}, r.NotAudited)
	require.Len(t, r.Errors, 2)
	assert.Equal(t, "flaky", r.Errors[0].Provider)
	assert.Equal(t, "u2", r.Errors[0].UserID)
	assert.Contains(t, r.Errors[1].Message, "listing users: ")
	assert.NotContains(t, verdicts(r), "flaky/u2 no-mfa ", "a user not read is no finding")
	assert.Equal(t, 7, r.Providers[0].Findings, "one provider's failure hides nothing of another's")
}

func TestAFailedDeviceListingFallsBackToEachUser(t *testing.T) {
	p := organisation("p")
	lister := &failingDeviceListing{Provider: p}
	r := run(t, []audit.Scope{{Provider: "p"}}, audit.Options{}, lister)
	assert.Equal(t, 7, r.Providers[0].Findings, "every user was read one by one")
	require.Len(t, r.Errors, 1, "the failed listing is reported")
	assert.Contains(t, r.Errors[0].Message, "listing devices")
	assert.Empty(t, r.NotAudited)
}

func TestAListingThatFailsMidwayKeepsWhatItRead(t *testing.T) {
	org := organisation("p")
	p := &failingUserListing{org.Basic(), org, 3}
	r := run(t, []audit.Scope{{Provider: "p"}}, audit.Options{}, p)
	assert.Equal(t, 3, r.Summary.UsersListed, "the users read before the failure are audited")
	require.Len(t, r.NotAudited, 1)
	assert.Equal(t, audit.NotAudited{Provider: "p", Reason: "not listed: the user listing failed after 3 users; the rest are not known"}, r.NotAudited[0])
	require.Len(t, r.Errors, 1)
	assert.False(t, r.Complete())
}

// failingUserListing lists the first n users of a provider, then fails.
type failingUserListing struct {
	mfa.Provider
	lister mfa.UserLister
	n      int
}

func (f *failingUserListing) Users(ctx context.Context) iter.Seq2[mfa.User, error] {
	return func(yield func(mfa.User, error) bool) {
		i := 0
		for u, err := range f.lister.Users(ctx) {
			if i == f.n {
				yield(mfa.User{}, mfatest.APIError("p", 503))
				return
			}
			i++
			if !yield(u, err) {
				return
			}
		}
	}
}

type failingDeviceListing struct{ *mfatest.Provider }

func (f *failingDeviceListing) AllDevices(context.Context) iter.Seq2[mfa.Device, error] {
	return func(yield func(mfa.Device, error) bool) { yield(nil, mfatest.APIError("p", 502)) }
}

func TestConcurrencyBoundsEveryCall(t *testing.T) {
	for _, n := range []int{1, 3} {
		var inFlight, peak atomic.Int32
		var providers []mfa.Provider
		var scopes []audit.Scope
		for i := range 4 {
			p := mfatest.NewProvider(fmt.Sprint("p", i)).SetLatency(2 * time.Millisecond)
			for u := range 5 {
				p.AddDevices(fmt.Sprint("u", u), dev("d", mfa.StatusActive))
			}
			c := counting{p.Basic(), &inFlight, &peak}
			if i%2 == 1 {
				// Per-user calls, beside the others' listings.
				providers = append(providers, c)
				scopes = append(scopes, audit.Scope{Provider: p.Name(), Users: []string{"u0", "u1", "u2", "u3", "u4"}})
			} else {
				providers = append(providers, countingLister{c, p})
				scopes = append(scopes, audit.Scope{Provider: p.Name()})
			}
		}
		r := run(t, scopes, audit.Options{Concurrency: n}, providers...)
		assert.Equal(t, 20, r.Summary.UsersAudited)
		assert.LessOrEqual(t, int(peak.Load()), n, "-concurrency %d bounds listings and lookups together", n)
	}
}

// counting counts the calls in flight across every provider it wraps: a
// listing counts from its start to its end.
type counting struct {
	mfa.Provider
	inFlight, peak *atomic.Int32
}

func (c counting) enter() func() {
	raise(c.peak, c.inFlight.Add(1))
	return func() { c.inFlight.Add(-1) }
}

// raise makes peak n when n is greater.
func raise(peak *atomic.Int32, n int32) {
	for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
	}
}

func (c counting) UserDevices(ctx context.Context, id string) ([]mfa.Device, error) {
	defer c.enter()()
	return c.Provider.UserDevices(ctx, id)
}

// countingLister is a counting provider that lists users.
type countingLister struct {
	counting
	lister mfa.UserLister
}

func (c countingLister) Users(ctx context.Context) iter.Seq2[mfa.User, error] {
	return func(yield func(mfa.User, error) bool) {
		defer c.enter()()
		c.lister.Users(ctx)(yield)
	}
}

func TestACutShortRunSaysWhoWasNotRead(t *testing.T) {
	slow := mfatest.NewProvider("slow")
	for u := range 50 {
		slow.AddDevices(fmt.Sprint("u", u))
	}
	slow.SetLatency(20 * time.Millisecond)
	dir, err := mfa.NewDirectory(slow.Basic())
	require.NoError(t, err)
	var users []string
	for u := range 50 {
		users = append(users, fmt.Sprint("u", u))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	r, err := audit.Run(ctx, dir, []audit.Scope{{Provider: "slow", Users: users}}, audit.Options{Concurrency: 2})
	require.NoError(t, err)
	checkSums(t, r)
	assert.NotEmpty(t, r.NotAudited)
	assert.Empty(t, r.Errors, "the end of the time is not a vendor's failure")
	for _, na := range r.NotAudited {
		assert.Equal(t, "not read: the time ran out", na.Reason)
		assert.NotEmpty(t, na.UserID)
	}
	assert.Equal(t, 50, r.Summary.UsersAudited+r.Summary.UsersNotAudited)
	assert.False(t, r.Complete())
}

func TestProgress(t *testing.T) {
	var mu sync.Mutex
	last := map[string]audit.Progress{}
	p := mfatest.NewProvider("p").AddDevices("u1").AddDevices("u2")
	run(t, []audit.Scope{{Provider: "p", Users: []string{"u1", "u2"}}}, audit.Options{Progress: func(pr audit.Progress) {
		mu.Lock()
		defer mu.Unlock()
		assert.GreaterOrEqual(t, pr.Done, last[pr.Provider].Done, "done only rises")
		last[pr.Provider] = pr
	}}, p.Basic())
	assert.Equal(t, audit.Progress{Provider: "p", Done: 2, Total: 2}, last["p"])
}

func TestReportJSON(t *testing.T) {
	r := run(t, []audit.Scope{{Provider: "p"}}, audit.Options{}, organisation("p"))
	b, err := json.Marshal(r)
	require.NoError(t, err)
	var back map[string]any
	require.NoError(t, json.Unmarshal(b, &back))
	assert.EqualValues(t, audit.SchemaVersion, back["schema_version"])
	for _, key := range []string{"users", "devices", "findings", "errors", "not_audited", "providers", "summary"} {
		assert.Contains(t, back, key)
	}
	assert.Equal(t, []any{}, back["errors"], "an empty list is [], never null")
}

func TestNilArguments(t *testing.T) {
	var nilCtx context.Context
	dir, err := mfa.NewDirectory()
	require.NoError(t, err)
	_, err = audit.Run(nilCtx, dir, nil, audit.Options{})
	assert.Error(t, err)
	_, err = audit.Run(context.Background(), nil, nil, audit.Options{})
	assert.Error(t, err)
	r, err := audit.Run(context.Background(), dir, nil, audit.Options{})
	require.NoError(t, err)
	assert.True(t, r.Complete(), "nothing to audit is a complete audit of nothing")
	assert.False(t, errors.Is(err, mfa.ErrBadRequest))
}

func TestWriteJSONIsMarshalIndent(t *testing.T) {
	for _, r := range []*audit.Report{
		run(t, []audit.Scope{{Provider: "p"}}, audit.Options{}, organisation("p")),
		run(t, nil, audit.Options{}),
	} {
		want, err := json.MarshalIndent(r, "", "  ")
		require.NoError(t, err)
		var got strings.Builder
		require.NoError(t, r.WriteJSON(&got))
		assert.Equal(t, string(want)+"\n", got.String())
	}
}

// bare is a provider with no lock of its own, so that the race detector
// sees the audit's own synchronisation and nothing else: it lists users,
// the listing failing after them when listErr is set, and, when
// devicesErr is set, it is also an mfa.DeviceLister whose listing fails.
// Each user's lookup returns no device, or userErr.
type bare struct {
	name    string
	users   []mfa.User
	listErr error
	userErr error
}

func (b *bare) Name() string { return b.name }

func (b *bare) UserDevices(context.Context, string) ([]mfa.Device, error) {
	if b.userErr != nil {
		return nil, b.userErr
	}
	return nil, nil
}

func (b *bare) Users(context.Context) iter.Seq2[mfa.User, error] {
	return func(yield func(mfa.User, error) bool) {
		for _, u := range b.users {
			if !yield(u, nil) {
				return
			}
		}
		if b.listErr != nil {
			yield(mfa.User{}, b.listErr)
		}
	}
}

// bareDeviceLister is a bare provider whose device listing fails.
type bareDeviceLister struct{ *bare }

func (b bareDeviceLister) AllDevices(context.Context) iter.Seq2[mfa.Device, error] {
	return func(yield func(mfa.Device, error) bool) { yield(nil, mfatest.APIError(b.name, 502)) }
}

// A named user is looked up while the listing tells what the vendor says
// of it: the lookup must not read what the listing writes.
func TestNamedUsersOfAListingProviderAreLookedUpWithoutARace(t *testing.T) {
	var ids []string
	p := &bare{name: "p"}
	for i := range 20 {
		id := fmt.Sprint("u", i)
		ids = append(ids, id)
		p.users = append(p.users, enabled(id, mfa.EnforcementRequired, ""))
	}
	for range 20 {
		r := run(t, []audit.Scope{{Provider: "p", Users: ids}}, audit.Options{}, p)
		require.Equal(t, 20, r.Summary.UsersAudited)
		assert.Equal(t, mfa.EnforcementRequired, slices.Collect(r.Users.All())[0].LoginMFA, "the listing tells what login asks")
	}
}

// Named users not read are each reported: the listing that could not run
// hides no user beside them.
func TestACancelledRunReportsEachNamedUserOnce(t *testing.T) {
	dir, err := mfa.NewDirectory(organisation("p"))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r, err := audit.Run(ctx, dir, []audit.Scope{{Provider: "p", Users: []string{"ok", "lax"}}}, audit.Options{})
	require.NoError(t, err)
	checkSums(t, r)
	assert.Equal(t, 2, r.Summary.UsersNotAudited)
	assert.Equal(t, []audit.NotAudited{
		{Provider: "p", UserID: "lax", Reason: "not read: the audit was interrupted"},
		{Provider: "p", UserID: "ok", Reason: "not read: the audit was interrupted"},
	}, r.NotAudited)
}

// Errors about no user keep the order they happened in: the user listing's
// failure before the device listing's.
func TestErrorsOfOneUserKeepTheirOrder(t *testing.T) {
	b := &bare{name: "p", listErr: mfatest.APIError("p", 503), userErr: mfatest.APIError("p", 500)}
	// Listed in reverse, the users fail in reverse: an unstable sort of
	// that many swaps the two errors without a user.
	for i := 12; i > 0; i-- {
		b.users = append(b.users, enabled(fmt.Sprintf("u%02d", i), mfa.EnforcementRequired, ""))
	}
	r := run(t, []audit.Scope{{Provider: "p"}}, audit.Options{Concurrency: 1}, bareDeviceLister{b})
	require.Len(t, r.Errors, 14)
	assert.Contains(t, r.Errors[0].Message, "listing users: ")
	assert.Contains(t, r.Errors[1].Message, "listing devices ")
	assert.Equal(t, "u01", r.Errors[2].UserID)
}
