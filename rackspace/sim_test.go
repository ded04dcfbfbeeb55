package rackspace_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/mfatest"
	"github.com/openmfa/mfa-go/rackspace"
	"github.com/openmfa/mfa-go/rackspace/rackspacetest"
)

// End-to-end tests: the Client against the public test server on loopback.

func newServer(t *testing.T, opts rackspacetest.Options) *rackspacetest.Server {
	t.Helper()
	srv, err := rackspacetest.NewServer(opts)
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	return srv
}

// simClient returns a Client of srv that logs in with its API key, in
// format, after edit.
func simClient(t *testing.T, srv *rackspacetest.Server, format rackspace.Format, edit func(*rackspace.Config)) *rackspace.Client {
	t.Helper()
	cfg := rackspace.Config{
		Endpoint: srv.URL, Username: srv.Username, APIKey: srv.APIKey, Format: format,
		Retry: mfa.RetryPolicy{MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond, MaxRetryAfter: time.Millisecond},
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := rackspace.NewClient(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// masked is a number as a MobilePhone shows it.
func masked(number string) string {
	var digits []byte
	for i := range len(number) {
		if number[i] >= '0' && number[i] <= '9' {
			digits = append(digits, number[i])
		}
	}
	if len(digits) <= 2 {
		return "*********"
	}
	return "*********" + string(digits[len(digits)-2:])
}

func TestSimUsers(t *testing.T) {
	srv := newServer(t, rackspacetest.Options{UserCount: 23})
	want := make([]mfa.User, 0, 23)
	for _, u := range srv.Users() {
		want = append(want, mfa.User{Provider: "rax", ID: u.ID, Name: u.Username, Enabled: u.Enabled(),
			LoginMFA: u.LoginMFA(), LoginMFAMethod: u.LoginMFAMethod()})
	}
	for _, format := range []rackspace.Format{rackspace.JSON, rackspace.XML} {
		t.Run(format.String(), func(t *testing.T) {
			before := len(srv.Requests())
			c := simClient(t, srv, format, func(cfg *rackspace.Config) { cfg.Name = "rax" })
			var lister mfa.UserLister = c
			var got []mfa.User
			for u, err := range lister.Users(context.Background()) {
				require.NoError(t, err)
				got = append(got, u)
			}
			assert.Equal(t, want, got)

			var queries []string
			for _, r := range srv.Requests()[before:] {
				if r.Path == "/v2.0/users" {
					queries = append(queries, r.Query)
				}
			}
			require.Len(t, queries, 5, "23 users in pages of %d", rackspacetest.DefaultMaxPageSize)
			assert.Empty(t, queries[0])
			q, err := url.ParseQuery(queries[1])
			require.NoError(t, err)
			assert.Equal(t, want[4].ID, q.Get("marker"))
		})
	}
	seen := map[mfa.Enforcement]bool{}
	for _, u := range want {
		seen[u.LoginMFA] = true
	}
	assert.Len(t, seen, 2, "the sample has logins that require a factor and logins that do not")
}

func TestSimUserDevices(t *testing.T) {
	srv := newServer(t, rackspacetest.Options{UserCount: 24, Seed: 3})
	want := map[string][]rackspacetest.Device{}
	for _, d := range srv.Devices() {
		want[d.UserID] = append(want[d.UserID], d)
	}
	phones := 0
	for _, format := range []rackspace.Format{rackspace.JSON, rackspace.XML} {
		t.Run(format.String(), func(t *testing.T) {
			c := simClient(t, srv, format, nil)
			ctx := context.Background()
			for _, u := range srv.Users() {
				got, err := c.UserDevices(ctx, u.ID)
				require.NoError(t, err)
				require.Len(t, got, len(want[u.ID]), u.ID)
				for i, w := range want[u.ID] {
					d := got[i]
					assert.Equal(t, w.ID, d.ID())
					assert.Equal(t, u.ID, d.UserID())
					assert.Equal(t, w.Kind, d.Kind())
					assert.Equal(t, w.Status, d.Status())
					assert.True(t, d.CreatedAt().IsZero())
					if w.Kind == mfa.KindSMS {
						phones++
						assert.Equal(t, masked(w.Number), d.Name())
						assertNoNumberOf(t, w.Number, fmt.Sprintf("%v %+v %#v %s", d, d, d, d))
						one, err := c.Device(ctx, u.ID, w.ID)
						require.NoError(t, err, "a phone is found by its id")
						assert.Equal(t, mfa.KindSMS, one.Kind())
					} else {
						assert.Equal(t, w.Name, d.Name())
					}
				}
			}
		})
	}
	assert.Positive(t, phones, "the sample holds phones")
}

// assertNoNumberOf fails when text holds number, or its digits.
func assertNoNumberOf(t *testing.T, number, text string) {
	t.Helper()
	var digits strings.Builder
	for _, r := range number {
		if r >= '0' && r <= '9' {
			digits.WriteRune(r)
		}
	}
	for _, form := range []string{number, digits.String()} {
		if len(form) > 2 && strings.Contains(text, form) {
			t.Errorf("%q shows the number %q", text, form)
		}
	}
}

func TestSimGivenUsers(t *testing.T) {
	srv := newServer(t, rackspacetest.Options{Users: []rackspacetest.User{
		{ID: "alice", Username: "alice", MultiFactorEnabled: true, FactorType: "SMS",
			Phone: &rackspacetest.MobilePhone{ID: "31", Number: "+1 265-894-3489", Verified: true}},
		{ID: "bob", Username: "bob", EnforcementLevel: "OPTIONAL",
			OTPDevices: []rackspacetest.OTPDevice{{ID: "d1", Name: "Token", Verified: true}},
			Phone:      &rackspacetest.MobilePhone{ID: "32", Number: "447700900123"}},
		{ID: "carol", Username: "carol", Disabled: true, EnforcementLevel: "REQUIRED"},
		{ID: "dave", Username: "dave"},
	}})
	for _, format := range []rackspace.Format{rackspace.JSON, rackspace.XML} {
		t.Run(format.String(), func(t *testing.T) {
			c := simClient(t, srv, format, nil)
			ctx := context.Background()
			var users []mfa.User
			for u, err := range c.Users(ctx) {
				require.NoError(t, err)
				users = append(users, u)
			}
			assert.Equal(t, []mfa.User{
				{Provider: "rackspace", ID: "alice", Name: "alice", Enabled: true, LoginMFA: mfa.EnforcementRequired, LoginMFAMethod: "SMS"},
				{Provider: "rackspace", ID: "bob", Name: "bob", Enabled: true, LoginMFA: mfa.EnforcementNotRequired},
				{Provider: "rackspace", ID: "carol", Name: "carol", Enabled: false, LoginMFA: mfa.EnforcementRequired},
				{Provider: "rackspace", ID: "dave", Name: "dave", Enabled: true, LoginMFA: mfa.EnforcementUnknown},
			}, users)

			phones, err := c.MobilePhones(ctx, "alice")
			require.NoError(t, err)
			require.Len(t, phones, 1)
			assert.Equal(t, "*********89", phones[0].Name())
			assert.Equal(t, mfa.StatusActive, phones[0].Status())

			devices, err := c.UserDevices(ctx, "bob")
			require.NoError(t, err)
			require.Len(t, devices, 2)
			assert.Equal(t, []string{"d1", "32"}, []string{devices[0].ID(), devices[1].ID()})
			assert.Equal(t, "*********23", devices[1].Name())
			assert.Equal(t, mfa.StatusPending, devices[1].Status())

			devices, err = c.UserDevices(ctx, "carol")
			require.NoError(t, err)
			assert.Empty(t, devices)

			_, err = c.Device(ctx, "bob", "nothing")
			assertOnly(t, err, mfa.ErrNotFound)
			_, err = c.UserDevices(ctx, "nobody")
			assertOnly(t, err, mfa.ErrNotFound)
		})
	}
}

func TestSimMaxListing(t *testing.T) {
	srv := newServer(t, rackspacetest.Options{UserCount: 23})
	c := simClient(t, srv, rackspace.JSON, func(cfg *rackspace.Config) { cfg.MaxListing = 7 })
	n := 0
	var failure error
	for _, err := range c.Users(context.Background()) {
		if err != nil {
			failure = err
			continue
		}
		n++
	}
	assert.Equal(t, 7, n)
	assertOnly(t, failure, mfa.ErrInvalidResponse)
	assert.ErrorContains(t, failure, "the listing passed 7 rows, the most one listing reads (Config.MaxListing)")
}

// TestSimListingSurvivesFaults: a listing rides out rate limiting and
// server errors by retrying, and a token that expires midway by logging
// in again; a fault it cannot ride out ends it, keeping what was read.
func TestSimListingSurvivesFaults(t *testing.T) {
	srv := newServer(t, rackspacetest.Options{UserCount: 23})
	c := simClient(t, srv, rackspace.XML, nil)
	ctx := context.Background()
	n := 0
	for _, err := range c.Users(ctx) {
		require.NoError(t, err)
		if n++; n == 6 {
			srv.Inject(mfatest.RateLimit(2, "0"))
		}
		if n == 11 {
			srv.ExpireTokens()
		}
		if n == 16 {
			srv.Inject(mfatest.ServerErrors(1, 503))
		}
	}
	assert.Equal(t, 23, n)

	c = simClient(t, srv, rackspace.JSON, func(cfg *rackspace.Config) { cfg.Retry.MaxAttempts = 2 })
	n = 0
	var failure error
	for _, err := range c.Users(ctx) {
		if err != nil {
			failure = err
			continue
		}
		if n++; n == 5 {
			srv.Inject(mfatest.ServerErrors(2, 503))
		}
	}
	assert.Equal(t, 5, n)
	assertOnly(t, failure, mfa.ErrUnavailable)
}

func TestSimPacing(t *testing.T) {
	srv := newServer(t, rackspacetest.Options{})
	ctx := context.Background()
	user := srv.Users()[0].ID

	fixed := simClient(t, srv, rackspace.JSON, func(cfg *rackspace.Config) { cfg.Pacing = mfa.Pacing{Rate: 40, Burst: 2} })
	assert.Equal(t, 40.0, fixed.Rate())

	c := simClient(t, srv, rackspace.JSON, func(cfg *rackspace.Config) { cfg.Token = srv.Token; cfg.Username, cfg.APIKey = "", mfa.Secret{} })
	assert.Zero(t, c.Rate(), "not paced until a refusal")
	for range 10 {
		_, err := c.UserDevices(ctx, user)
		require.NoError(t, err)
	}
	assert.Zero(t, c.Rate())
	srv.Inject(mfatest.RateLimit(1, "0"))
	_, err := c.OTPDevices(ctx, user)
	require.NoError(t, err, "the refusal is retried")
	assert.Positive(t, c.Rate(), "a refusal sets a pace for every call of the Client")
}
