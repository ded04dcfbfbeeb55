package zstack_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/zstack"
)

// collectUsers reads every user, and the error that ended the listing.
func collectUsers(t *testing.T, c *zstack.Client) ([]mfa.User, error) {
	t.Helper()
	var users []mfa.User
	var last error
	for u, err := range c.Users(context.Background()) {
		require.NoError(t, last, "nothing after the error")
		if err != nil {
			last = err
			assert.Zero(t, u)
			continue
		}
		users = append(users, u)
	}
	return users, last
}

func user(id, name string, enabled bool) mfa.User {
	return mfa.User{Provider: "zstack", ID: id, Name: name, Enabled: enabled, LoginMFA: mfa.EnforcementUnknown}
}

var (
	fixtureAccounts = []mfa.User{
		user("36c27e8ff05c4780bf6d2fa65700f22e", "admin", true),
		user("4a6c1b2e9f0d4e3a8b7c6d5e4f3a2b1c", "finance", false), // Disabled
		user("5b7d2c3f0a1e4f4b9c8d7e6f5a4b3c2d", "legacy", false),  // Staled
		user("6c8e3d4a1b2f4a5c0d9e8f7a6b5c4d3e", "ops", true),      // no state: an older release
	}
	fixtureVirtualIDs = []mfa.User{
		user("8c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f", "zhangsan", true),
		user("9d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a", "lisi", false),
	}
)

func TestUsersListsAccountsThenVirtualIDs(t *testing.T) {
	mt := newMock(t)
	for url, name := range map[string]string{accountsURL: "accounts.json", virtualIDsURL: "virtual_ids.json"} {
		mt.RegisterResponder(http.MethodGet, url, func(req *http.Request) (*http.Response, error) {
			assert.Equal(t, "OAuth "+sessionSentinel, req.Header.Get("Authorization"))
			assert.Equal(t, "limit=1000&replyWithCount=true&sort=%2Buuid&start=0", req.URL.RawQuery)
			return respond(200, fixture(t, name))(req)
		})
	}
	c := newSessionClient(t, mt)
	var _ mfa.UserLister = c
	users, err := collectUsers(t, c)
	require.NoError(t, err)
	assert.Equal(t, append(fixtureAccounts, fixtureVirtualIDs...), users)
	assert.Equal(t, 1, calls(mt, "GET "+accountsURL))
	assert.Equal(t, 1, calls(mt, "GET "+virtualIDsURL))
}

func TestUsersWithoutIAM2AreTheAccounts(t *testing.T) {
	for name, answer := range map[string]httpmock.Responder{
		"404 plain text":             httpmock.NewStringResponder(404, string(fixture(t, "error_plain_404.txt"))),
		"503 SYS.1014 unsupported":   respond(503, fixture(t, "error_sys1014.json")),
		"503 SYS.1013 no capability": respond(503, fixture(t, "error_sys1013.json")),
		"200 with SYS.1014":          respond(200, fixture(t, "error_sys1014.json")),
	} {
		t.Run(name, func(t *testing.T) {
			mt := newMock(t)
			mt.RegisterResponder(http.MethodGet, accountsURL, respond(200, fixture(t, "accounts.json")))
			mt.RegisterResponder(http.MethodGet, virtualIDsURL, answer)
			users, err := collectUsers(t, newSessionClient(t, mt))
			require.NoError(t, err)
			assert.Equal(t, fixtureAccounts, users)
			assert.Equal(t, 1, calls(mt, "GET "+virtualIDsURL), "not retried")
		})
	}
}

func TestUsersErrors(t *testing.T) {
	t.Run("accounts fail: no virtual ids asked", func(t *testing.T) {
		mt := newMock(t)
		mt.RegisterResponder(http.MethodGet, accountsURL, respond(503, fixture(t, "error_id1002.json")))
		users, err := collectUsers(t, newSessionClient(t, mt))
		assert.Empty(t, users)
		assert.ErrorIs(t, err, mfa.ErrForbidden)
	})
	t.Run("virtual ids refused: the accounts are kept", func(t *testing.T) {
		mt := newMock(t)
		mt.RegisterResponder(http.MethodGet, accountsURL, respond(200, fixture(t, "accounts.json")))
		mt.RegisterResponder(http.MethodGet, virtualIDsURL, respond(503, fixture(t, "error_id1002.json")))
		users, err := collectUsers(t, newSessionClient(t, mt))
		assert.Equal(t, fixtureAccounts, users)
		assert.ErrorIs(t, err, mfa.ErrForbidden)
	})
	t.Run("a 404 after the first page is an error", func(t *testing.T) {
		mt := newMock(t)
		mt.RegisterResponder(http.MethodGet, accountsURL, respond(200, fixture(t, "secrets_empty.json")))
		mt.RegisterResponder(http.MethodGet, virtualIDsURL, sequence(
			respond(200, []byte(`{"inventories":[{"uuid":"8c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f","name":"zhangsan"}],"total":2}`)),
			httpmock.NewStringResponder(404, "no API mapping to the requested URL")))
		users, err := collectUsers(t, newSessionClient(t, mt))
		assert.Equal(t, []mfa.User{user("8c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f", "zhangsan", true)}, users)
		assert.ErrorIs(t, err, mfa.ErrNotFound)
	})
	for _, name := range []string{"broken_users_no_uuid.json", "broken_users_wrong_types.json", "broken_html.html", "broken_truncated.json"} {
		t.Run(name, func(t *testing.T) {
			mt := newMock(t)
			mt.RegisterResponder(http.MethodGet, accountsURL, respond(200, fixture(t, name)))
			users, err := collectUsers(t, newSessionClient(t, mt))
			assert.Empty(t, users)
			assert.ErrorIs(t, err, mfa.ErrInvalidResponse)
			assertNoSecret(t, "error", err.Error())
		})
	}
}

func TestUsersStopWhenAsked(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, accountsURL, respond(200, fixture(t, "accounts.json")))
	c := newSessionClient(t, mt)
	for u, err := range c.Users(context.Background()) {
		require.NoError(t, err)
		assert.Equal(t, "admin", u.Name)
		break
	}
	assert.Equal(t, 0, calls(mt, "GET "+virtualIDsURL))
}

func TestTypedAccountsAndVirtualIDs(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, accountsURL, respond(200, fixture(t, "accounts.json")))
	mt.RegisterResponder(http.MethodGet, virtualIDsURL, respond(200, fixture(t, "virtual_ids.json")))
	c := newSessionClient(t, mt)
	ctx := context.Background()

	var accounts []zstack.Account
	for a, err := range c.Accounts(ctx, zstack.QueryOptions{}) {
		require.NoError(t, err)
		accounts = append(accounts, a)
	}
	require.Len(t, accounts, 4)
	assert.Equal(t, zstack.Account{
		UUID: "36c27e8ff05c4780bf6d2fa65700f22e", Name: "admin", Type: "SystemAdmin", State: "Enabled",
		CreatedAt: time.Date(2025, 10, 28, 14, 9, 26, 0, time.UTC), LastOpAt: time.Date(2025, 10, 28, 14, 9, 26, 0, time.UTC),
	}, accounts[0])
	assert.Equal(t, time.Date(2024, 1, 2, 15, 4, 5, 0, time.UTC), accounts[1].CreatedAt)
	assert.Equal(t, time.Date(2024, 1, 3, 15, 4, 5, 0, time.UTC), accounts[1].LastOpAt)
	assert.Empty(t, accounts[3].State)
	for i, want := range []bool{true, false, false, true} {
		assert.Equal(t, want, accounts[i].Enabled(), accounts[i].Name)
	}

	var vids []zstack.VirtualID
	for v, err := range c.VirtualIDs(ctx, zstack.QueryOptions{}) {
		require.NoError(t, err)
		vids = append(vids, v)
	}
	require.Len(t, vids, 2)
	assert.Equal(t, "ZStack", vids[0].Type)
	assert.Equal(t, time.Date(2025, 11, 3, 9, 15, 2, 0, time.UTC), vids[0].LastOpAt)
	assert.True(t, vids[0].Enabled())
	assert.False(t, vids[1].Enabled())
}

// The vendor's own examples, placeholders and all, decode: a date that is
// "..." is no date.
func TestVendorUserExamples(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, accountsURL, respond(200, fixture(t, "accounts_vendors.json")))
	mt.RegisterResponder(http.MethodGet, virtualIDsURL, respond(200, fixture(t, "virtual_ids_vendors.json")))
	c := newSessionClient(t, mt)
	for a, err := range c.Accounts(context.Background(), zstack.QueryOptions{}) {
		require.NoError(t, err)
		assert.Equal(t, zstack.Account{UUID: "...", Name: "admin", Type: "SystemAdmin", State: "Enabled"}, a)
	}
	users, err := collectUsers(t, c)
	require.NoError(t, err)
	assert.Equal(t, []mfa.User{user("...", "admin", true), user("...", "...", true)}, users)
}

// A user state is Enabled to be enabled; none at all is an older release,
// enabled too. Any other word is not.
func TestUserStates(t *testing.T) {
	for state, want := range map[string]bool{
		`"Enabled"`: true, `"enabled"`: true, `null`: true, `""`: true,
		`"Disabled"`: false, `"Staled"`: false, `"Locked"`: false,
	} {
		mt := newMock(t)
		mt.RegisterResponder(http.MethodGet, accountsURL, respond(200, []byte(`{"inventories":[{"uuid":"a1","name":"n","state":`+state+`}]}`)))
		mt.RegisterResponder(http.MethodGet, virtualIDsURL, respond(200, []byte(`{"inventories":[{"uuid":"v1","name":"n","state":`+state+`}]}`)))
		users, err := collectUsers(t, newSessionClient(t, mt))
		require.NoError(t, err, state)
		require.Len(t, users, 2)
		assert.Equal(t, want, users[0].Enabled, state)
		assert.Equal(t, want, users[1].Enabled, state)
	}
}
