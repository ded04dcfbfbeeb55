package zstack_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/internal/testlog"
	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/mfatest"
	"github.com/openmfa/mfa-go/zstack"
	"github.com/openmfa/mfa-go/zstack/zstacktest"
)

func newTestServer(t *testing.T, o zstacktest.Options) *zstacktest.Server {
	t.Helper()
	srv, err := zstacktest.NewServer(o)
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	return srv
}

func describeTruth(d zstacktest.Device) string {
	return fmt.Sprintf("%s %s %s %s %s %s", d.ID, d.UserID, d.Kind, d.Status, d.VendorStatus, d.Created.Format(time.RFC3339))
}

func describe(d mfa.Device) string {
	return fmt.Sprintf("%s %s %s %s %s %s", d.ID(), d.UserID(), d.Kind(), d.Status(), d.VendorStatus(), d.CreatedAt().Format(time.RFC3339))
}

// usersOf is what a faithful client lists: every account, then every IAM2
// user.
func usersOf(srv *zstacktest.Server) []mfa.User {
	var out []mfa.User
	for _, a := range srv.Accounts() {
		out = append(out, mfa.User{Provider: "zstack", ID: a.UUID, Name: a.Name, Enabled: a.Enabled(), LoginMFA: a.LoginMFA(), LoginMFAMethod: a.LoginMFAMethod()})
	}
	for _, v := range srv.VirtualIDs() {
		out = append(out, mfa.User{Provider: "zstack", ID: v.UUID, Name: v.Name, Enabled: v.Enabled(), LoginMFA: v.LoginMFA(), LoginMFAMethod: v.LoginMFAMethod()})
	}
	return out
}

// End to end over loopback: both kinds of credentials read back exactly
// the users and secrets the server holds, across pages the server caps.
func TestAgainstTestServer(t *testing.T) {
	srv := newTestServer(t, zstacktest.Options{Seed: 11, UserCount: 300, MaxDevicesPerUser: 4, MaxPageSize: 40})
	truth := srv.Devices()
	var want []string
	seeds := map[string]string{}
	byUser := map[string][]string{}
	for _, d := range truth {
		want = append(want, describeTruth(d))
		seeds[d.ID] = d.Secret.Reveal()
		byUser[d.UserID] = append(byUser[d.UserID], describeTruth(d))
	}
	sort.Strings(want)
	require.Greater(t, len(want), 100, "enough devices for several pages")
	vids := srv.VirtualIDs()
	require.NotEmpty(t, vids)

	for name, cfg := range map[string]zstack.Config{
		"session": {SessionID: srv.SessionID},
		"account": {AccountName: srv.AccountName, Password: srv.Password},
	} {
		t.Run(name, func(t *testing.T) {
			logger, logs := testlog.New()
			cfg.Endpoint, cfg.Logger, cfg.Retry, cfg.PageSize = srv.URL, logger, fastRetry, 100
			c, err := zstack.NewClient(cfg)
			require.NoError(t, err)
			ctx := context.Background()

			var got []string
			for dev, err := range c.AllDevices(ctx) {
				require.NoError(t, err)
				got = append(got, describe(dev))
				sec := dev.(*zstack.Secret)
				assert.Equal(t, seeds[dev.ID()], sec.TOTPSecret().Reveal())
				assertNoSecretValue(t, fmt.Sprintf("%v %+v %#v %s %q", sec, sec, sec, sec, sec), seeds[dev.ID()])
			}
			sort.Strings(got)
			assert.Equal(t, want, got)

			users, err := collectUsers(t, c)
			require.NoError(t, err)
			assert.ElementsMatch(t, usersOf(srv), users)

			// An IAM2 user's id reads its secrets as an account's does.
			ids := []string{vids[0].UUID, vids[1].UUID}
			for _, a := range srv.Accounts()[:40] {
				ids = append(ids, a.UUID)
			}
			for _, u := range ids {
				devs, err := c.UserDevices(ctx, u)
				require.NoError(t, err, u)
				var g []string
				for _, d := range devs {
					g = append(g, describe(d))
				}
				assert.ElementsMatch(t, byUser[u], g, u)
			}

			d := truth[0]
			dev, err := c.Device(ctx, d.UserID, d.ID)
			require.NoError(t, err)
			assert.Equal(t, describeTruth(d), describe(dev))

			n, err := c.CountSecrets(ctx, zstack.QueryOptions{})
			require.NoError(t, err)
			assert.Equal(t, len(truth), n)

			if name == "account" {
				srv.ExpireTokens()
				_, err = c.UserDevices(ctx, d.UserID)
				require.NoError(t, err, "the expired session is renewed")
			}
			require.NoError(t, c.Close())
			for _, secret := range seeds {
				assertNoSecretValue(t, logs.String(), secret)
			}
			assertNoSecret(t, "logs", logs.String())
		})
	}
}

// The secrets of an IAM2 user name it in userUuid, with a userType of
// their own.
func TestIAM2UserSecrets(t *testing.T) {
	const vid = "8a2c3f9579d240820179d51e6caf0001"
	srv := newTestServer(t, zstacktest.Options{
		Accounts: []zstacktest.Account{{UUID: "264d446f00e43793a2b0dcd21c367aaf", Name: "alice"}},
		VirtualIDs: []zstacktest.VirtualID{{UUID: vid, Name: "bob", State: "Disabled", Secrets: []zstacktest.Secret{
			{UUID: "5311a768c22f4d30914fe50ffdfd1ba5", Status: "Logined"}, {UUID: "6311a768c22f4d30914fe50ffdfd1ba5"},
		}}},
	})
	c, err := zstack.NewClient(zstack.Config{Endpoint: srv.URL, SessionID: srv.SessionID})
	require.NoError(t, err)
	secrets, err := c.UserSecrets(context.Background(), vid)
	require.NoError(t, err)
	require.Len(t, secrets, 2)
	for _, s := range secrets {
		assert.Equal(t, vid, s.UserID())
		assert.Equal(t, "IAM2VirtualIDVO", s.UserType())
		assert.Equal(t, mfa.KindTOTP, s.Kind())
	}
	users, err := collectUsers(t, c)
	require.NoError(t, err)
	assert.Equal(t, []mfa.User{user("264d446f00e43793a2b0dcd21c367aaf", "alice", true), user(vid, "bob", false)}, users)
}

// Every state an account or an IAM2 user can have, on pages of two rows.
func TestUsersAgainstTestServer(t *testing.T) {
	srv := newTestServer(t, zstacktest.Options{
		MaxPageSize: 2,
		Accounts: []zstacktest.Account{
			{Type: "SystemAdmin", State: "Enabled"}, {State: "Disabled"}, {State: "Staled"}, {State: ""}, {State: "Enabled"},
		},
		VirtualIDs: []zstacktest.VirtualID{{State: "Enabled"}, {State: "Disabled"}, {}},
	})
	c, err := zstack.NewClient(zstack.Config{Endpoint: srv.URL, SessionID: srv.SessionID})
	require.NoError(t, err)
	users, err := collectUsers(t, c)
	require.NoError(t, err)
	assert.ElementsMatch(t, usersOf(srv), users)
	enabled := 0
	for _, u := range users {
		if u.Enabled {
			enabled++
		}
	}
	assert.Equal(t, 5, enabled)

	var types []string
	for a, err := range c.Accounts(context.Background(), zstack.QueryOptions{Conditions: zstack.Conditions{zstack.Eq("type", "SystemAdmin")}}) {
		require.NoError(t, err)
		types = append(types, a.Type)
		assert.False(t, a.CreatedAt.IsZero())
	}
	assert.Equal(t, []string{"SystemAdmin"}, types)
}

func TestUsersWithoutIAM2AgainstTestServer(t *testing.T) {
	for _, mode := range []zstacktest.IAM2Mode{zstacktest.IAM2NotInstalled, zstacktest.IAM2Unsupported} {
		srv := newTestServer(t, zstacktest.Options{IAM2: mode, Seed: 4, UserCount: 30})
		c, err := zstack.NewClient(zstack.Config{Endpoint: srv.URL, SessionID: srv.SessionID, Retry: fastRetry})
		require.NoError(t, err)
		users, err := collectUsers(t, c)
		require.NoError(t, err, mode)
		require.Len(t, users, 30, mode)
		assert.ElementsMatch(t, usersOf(srv), users, mode)
		asked := 0
		for _, r := range srv.Requests() {
			if r.Path == "/zstack/v1/iam2/virtual-ids" {
				asked++
			}
		}
		assert.Equal(t, 1, asked, "mode %v: asked once, not retried", mode)
	}
}

func TestAgainstTestServerFaults(t *testing.T) {
	srv := newTestServer(t, zstacktest.Options{Seed: 3, UserCount: 20})
	c, err := zstack.NewClient(zstack.Config{Endpoint: srv.URL, SessionID: srv.SessionID, Retry: fastRetry})
	require.NoError(t, err)
	ctx := context.Background()

	srv.Inject(mfatest.ServerErrors(2, 503))
	before := srv.RequestCount()
	_, err = c.QuerySecrets(ctx, zstack.QueryOptions{})
	require.NoError(t, err, "two transient 503s are retried")
	assert.Equal(t, 3, srv.RequestCount()-before)

	srv.Inject(mfatest.Truncated(1))
	_, err = c.QuerySecrets(ctx, zstack.QueryOptions{})
	assert.ErrorIs(t, err, mfa.ErrInvalidResponse)
	for _, d := range srv.Devices() {
		assertNoSecretValue(t, err.Error(), d.Secret.Reveal())
	}

	srv.Inject(mfatest.ServerErrors(1, 503))
	var users int
	var last error
	for _, err := range c.Users(ctx) {
		if err != nil {
			last = err
			continue
		}
		users++
	}
	require.NoError(t, last, "a transient failure of a listing is retried")
	assert.Equal(t, 20, users)

	srv.Inject(mfatest.Down())
	_, err = c.QuerySecrets(ctx, zstack.QueryOptions{})
	assert.ErrorIs(t, err, mfa.ErrUnavailable)
	for _, err := range c.Users(ctx) {
		assert.ErrorIs(t, err, mfa.ErrUnavailable)
	}
	srv.ClearFaults()

	bad, err := zstack.NewClient(zstack.Config{Endpoint: srv.URL, AccountName: srv.AccountName, Password: mfa.NewSecret("wrong"), Retry: fastRetry})
	require.NoError(t, err)
	_, err = bad.UserDevices(ctx, srv.Accounts()[0].UUID)
	assert.ErrorIs(t, err, mfa.ErrUnauthorized)
	var ae *mfa.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "ID.1000", ae.Code)
}

func assertNoSecretValue(t *testing.T, s, secret string) {
	t.Helper()
	if secret != "" {
		assert.NotContains(t, s, secret)
	}
}
