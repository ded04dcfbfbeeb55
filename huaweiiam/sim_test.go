package huaweiiam_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/huaweiiam"
	"github.com/openmfa/mfa-go/huaweiiam/huaweiiamtest"
	"github.com/openmfa/mfa-go/internal/testlog"
	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/mfatest"
)

var quickRetry = mfa.RetryPolicy{MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond}

func newServer(t *testing.T, opts huaweiiamtest.Options) *huaweiiamtest.Server {
	t.Helper()
	srv, err := huaweiiamtest.NewServer(opts)
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	return srv
}

// tokenClient is a Client of both services of srv with its static token.
func tokenClient(t *testing.T, srv *huaweiiamtest.Server, edit func(*huaweiiam.Config)) *huaweiiam.Client {
	t.Helper()
	cfg := huaweiiam.Config{
		IAMEndpoint: srv.IAMURL, WorkspaceEndpoint: srv.WorkspaceURL, ProjectID: srv.ProjectID,
		Token: srv.Token, Retry: quickRetry,
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := huaweiiam.NewClient(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func listUsers(t *testing.T, l mfa.UserLister) ([]mfa.User, error) {
	t.Helper()
	var users []mfa.User
	var last error
	for u, err := range l.Users(context.Background()) {
		require.NoError(t, last, "a pair after the error")
		if err != nil {
			last = err
			continue
		}
		users = append(users, u)
	}
	return users, last
}

// End to end over loopback: each kind of credentials reads back exactly
// the users and devices the test server holds.
func TestAgainstTestServer(t *testing.T) {
	srv := newServer(t, huaweiiamtest.Options{Seed: 7, UserCount: 40})
	kinds := map[string]huaweiiam.Config{
		"token":    {Token: srv.Token},
		"password": {DomainName: srv.DomainName, Username: srv.Username, Password: srv.Password},
		"keys":     {AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, DomainID: srv.DomainID},
	}
	for name, cfg := range kinds {
		t.Run(name, func(t *testing.T) {
			var logs testlog.Buffer
			cfg.IAMEndpoint, cfg.WorkspaceEndpoint, cfg.ProjectID = srv.IAMURL, srv.WorkspaceURL, srv.ProjectID
			cfg.Logger = logs.Logger()
			cfg.Retry = quickRetry
			c, err := huaweiiam.NewClient(cfg)
			require.NoError(t, err)
			ctx := context.Background()

			iamUsers, err := listUsers(t, c.VirtualMFA())
			require.NoError(t, err)
			assert.Equal(t, iamTruth(srv.IAMUsers()), sortUsers(iamUsers))
			wsUsers, err := listUsers(t, c.WorkspaceOTP())
			require.NoError(t, err)
			assert.Equal(t, workspaceTruth(srv.WorkspaceUsers()), wsUsers, "in the server's order")
			kinds := map[string]bool{}
			for _, u := range append(iamUsers, wsUsers...) {
				kinds[u.Provider+" enabled="+strconv.FormatBool(u.Enabled)] = true
				method := u.LoginMFAMethod
				if method == "email" {
					method = "sms" // the sample draws one or the other
				}
				kinds[u.Provider+" "+string(u.LoginMFA)+" "+method] = true
			}
			for _, k := range []string{"huawei-iam enabled=false", "huawei-workspace enabled=false", "huawei-iam required vmfa",
				"huawei-iam required sms", "huawei-iam not-required ", "huawei-workspace unknown "} {
				assert.True(t, kinds[k], "the sample has no user %q", k)
			}

			for _, api := range []struct {
				p     mfa.Provider
				truth []huaweiiamtest.Device
				users []mfa.User
			}{
				{c.VirtualMFA(), srv.IAMDevices(), iamUsers},
				{c.WorkspaceOTP(), srv.WorkspaceDevices(), wsUsers},
			} {
				want := map[string][]string{}
				for _, d := range api.truth {
					want[d.UserID] = append(want[d.UserID], describeTruth(d))
				}
				for _, u := range api.users {
					devs, err := api.p.UserDevices(ctx, u.ID)
					require.NoError(t, err, "%s user %s", api.p.Name(), u.ID)
					var got []string
					for _, d := range devs {
						assert.Equal(t, api.p.Name(), d.Provider())
						got = append(got, describe(d))
					}
					slices.Sort(got)
					slices.Sort(want[u.ID])
					assert.Equal(t, want[u.ID], got, "%s user %s", api.p.Name(), u.ID)
				}
			}

			var listed []string
			for d, err := range c.VirtualMFA().AllDevices(ctx) {
				require.NoError(t, err)
				listed = append(listed, describe(d))
			}
			var truth []string
			for _, d := range srv.IAMDevices() {
				truth = append(truth, describeTruth(d))
			}
			slices.Sort(listed)
			slices.Sort(truth)
			assert.Equal(t, truth, listed)

			secrets := []string{srv.Token.Reveal(), srv.Password.Reveal(), srv.SecretKey.Reveal()}
			for _, tok := range srv.IssuedTokens() {
				secrets = append(secrets, tok.Reveal())
			}
			for _, secret := range secrets {
				assert.NotContains(t, logs.String(), secret)
			}
		})
	}
}

// The listings ask what the reference documents: IAM enabled then
// disabled users, Workspace by offset with limit, as strings.
func TestUserListingRequests(t *testing.T) {
	srv := newServer(t, huaweiiamtest.Options{Seed: 2, UserCount: 12, MaxPageSize: 5})
	c := tokenClient(t, srv, func(c *huaweiiam.Config) { c.WorkspacePageSize = 20 })
	_, err := listUsers(t, c.VirtualMFA())
	require.NoError(t, err)
	_, err = listUsers(t, c.WorkspaceOTP())
	require.NoError(t, err)
	var got []string
	for _, r := range srv.Requests() {
		got = append(got, r.Service+" "+r.Method+" "+r.Path+"?"+r.Query)
	}
	p := "/v2/" + srv.ProjectID + "/users?"
	assert.Equal(t, []string{
		"iam GET /v3.0/OS-USER/login-protects?",
		"iam GET /v3/users?",
		"iam GET /v3/users?enabled=false",
		"workspace GET " + p + "limit=20&offset=0",
		"workspace GET " + p + "limit=20&offset=5",
		"workspace GET " + p + "limit=20&offset=10",
	}, got)
}

// Login protection unreadable: the users come, unknown, and the error
// last.
func TestTestServerLoginProtectsFail(t *testing.T) {
	srv := newServer(t, huaweiiamtest.Options{Seed: 5, UserCount: 10})
	c := tokenClient(t, srv, func(c *huaweiiam.Config) { c.Retry = mfa.RetryPolicy{MaxAttempts: 1} })
	srv.IAM.Inject(mfatest.ServerErrors(1, 500)) // the first IAM call is login-protects
	users, err := listUsers(t, c.VirtualMFA())
	require.Len(t, users, len(srv.IAMUsers()))
	for _, u := range users {
		assert.Equal(t, mfa.EnforcementUnknown, u.LoginMFA)
	}
	require.ErrorIs(t, err, mfa.ErrUnavailable)
	assert.Contains(t, err.Error(), "login protection could not be read")
}

// A page that fails after retries ends the listing; the users of the
// pages before it are kept.
func TestTestServerWorkspacePageFails(t *testing.T) {
	srv := newServer(t, huaweiiamtest.Options{Seed: 5, UserCount: 23, MaxPageSize: 5})
	c := tokenClient(t, srv, func(c *huaweiiam.Config) { c.Retry = mfa.RetryPolicy{MaxAttempts: 1} })
	srv.Workspace.Inject(mfatest.Fault{Kind: mfatest.FaultTruncated, Every: 3, Count: 1})
	users, err := listUsers(t, c.WorkspaceOTP())
	assert.Len(t, users, 10, "the two pages before the broken one")
	require.ErrorIs(t, err, mfa.ErrInvalidResponse)
}

// A refusal for rate at Workspace slows Workspace only: each API keeps
// its own pace.
func TestTestServerPacing(t *testing.T) {
	srv := newServer(t, huaweiiamtest.Options{Seed: 5, UserCount: 12})
	c := tokenClient(t, srv, func(c *huaweiiam.Config) { c.Pacing = mfa.Pacing{Rate: 200, Burst: 5} })
	iam, ws := c.VirtualMFA(), c.WorkspaceOTP()
	assert.Equal(t, 200.0, iam.Rate())
	assert.Equal(t, 200.0, ws.Rate())

	users, err := listUsers(t, ws)
	require.NoError(t, err)
	srv.Workspace.Inject(mfatest.RateLimit(1, "0"))
	_, err = ws.UserDevices(context.Background(), users[0].ID)
	require.NoError(t, err, "retried after the refusal")
	assert.Less(t, ws.Rate(), 200.0, "Workspace slowed down")
	assert.Equal(t, 200.0, iam.Rate(), "IAM did not")
}

// A login token that expires on the server is renewed (APIG.0307), in the
// middle of a listing too.
func TestTestServerExpiredToken(t *testing.T) {
	srv := newServer(t, huaweiiamtest.Options{Seed: 3, UserCount: 5})
	c, err := huaweiiam.NewClient(huaweiiam.Config{
		IAMEndpoint: srv.IAMURL, WorkspaceEndpoint: srv.WorkspaceURL, ProjectID: srv.ProjectID,
		DomainName: srv.DomainName, Username: srv.Username, Password: srv.Password,
	})
	require.NoError(t, err)
	ctx := context.Background()
	u := srv.WorkspaceUsers()[0].ID
	_, err = c.WorkspaceOTP().UserDevices(ctx, u)
	require.NoError(t, err)
	srv.ExpireTokens()
	_, err = c.WorkspaceOTP().UserDevices(ctx, u)
	require.NoError(t, err)

	n := 0
	for _, err := range c.WorkspaceOTP().Users(ctx) {
		require.NoError(t, err)
		if n++; n == 2 {
			srv.ExpireTokens() // between the first page and the second
		}
	}
	assert.Equal(t, 5, n)
}

func iamTruth(users []huaweiiamtest.IAMUser) []mfa.User {
	out := make([]mfa.User, len(users))
	for i, u := range users {
		out[i] = mfa.User{Provider: huaweiiam.DefaultIAMName, ID: u.ID, Name: u.Name, Enabled: u.Enabled(),
			LoginMFA: u.LoginMFA(), LoginMFAMethod: u.LoginMFAMethod()}
	}
	return sortUsers(out)
}

func workspaceTruth(users []huaweiiamtest.WorkspaceUser) []mfa.User {
	out := make([]mfa.User, len(users))
	for i, u := range users {
		out[i] = mfa.User{Provider: huaweiiam.DefaultWorkspaceName, ID: u.ID, Name: u.Name, Enabled: u.Enabled(),
			LoginMFA: u.LoginMFA(), LoginMFAMethod: u.LoginMFAMethod()}
	}
	return out
}

func sortUsers(users []mfa.User) []mfa.User {
	slices.SortFunc(users, func(a, b mfa.User) int { return strings.Compare(a.ID, b.ID) })
	return users
}

func describe(d mfa.Device) string {
	return strings.Join([]string{d.UserID(), d.ID(), d.UserName(), d.Name(), string(d.Kind()), string(d.Status()), d.VendorStatus(),
		d.CreatedAt().Format(time.RFC3339Nano)}, "|")
}

func describeTruth(d huaweiiamtest.Device) string {
	return strings.Join([]string{d.UserID, d.ID, d.UserName, d.Name, string(d.Kind), string(d.Status), d.VendorStatus,
		d.Created.Format(time.RFC3339Nano)}, "|")
}
