package huaweiiam

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/mfa"
)

const (
	iamUsersURL      = iamBase + "/v3/users"
	loginProtectsURL = iamBase + "/v3.0/OS-USER/login-protects"
)

var wsUsersURL = wsBase + "/v2/" + projectID + "/users"

// collect ranges over a listing and returns what it yielded, failing the
// test if anything follows an error.
func collect(t *testing.T, seq iter.Seq2[mfa.User, error]) ([]mfa.User, error) {
	t.Helper()
	var users []mfa.User
	var last error
	for u, err := range seq {
		require.NoError(t, last, "a pair after the error")
		if err != nil {
			last = err
			continue
		}
		users = append(users, u)
	}
	return users, last
}

func userIDs(users []mfa.User) []string {
	ids := make([]string, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	return ids
}

// queries records the queries a responder was asked, safe for the
// transport's goroutines.
type queries struct {
	mu   sync.Mutex
	list []url.Values
}

func (q *queries) add(r *http.Request) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.list = append(q.list, r.URL.Query())
}

func (q *queries) get() []url.Values {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.list
}

// iamPage is a /v3/users body: the users (enabled unless named in
// disabled) and a links.next, "" for none.
func iamPage(ids []string, next string, disabled ...string) string {
	type user struct {
		ID      string `json:"id"`
		Name    string `json:"name"`
		Enabled bool   `json:"enabled"`
	}
	body := struct {
		Links struct {
			Self string  `json:"self"`
			Next *string `json:"next"`
		} `json:"links"`
		Users []user `json:"users"`
	}{Users: []user{}}
	body.Links.Self = iamUsersURL
	if next != "" {
		body.Links.Next = &next
	}
	off := map[string]bool{}
	for _, id := range disabled {
		off[id] = true
	}
	for _, id := range ids {
		body.Users = append(body.Users, user{ID: id, Name: "name-" + id, Enabled: !off[id]})
	}
	b, _ := json.Marshal(body)
	return string(b)
}

// wsPage is a Workspace /users body.
func wsPage(total int, ids []string) string {
	type user struct {
		ID       string `json:"id"`
		UserName string `json:"user_name"`
	}
	body := struct {
		TotalCount int    `json:"total_count"`
		Users      []user `json:"users"`
	}{TotalCount: total, Users: []user{}}
	for _, id := range ids {
		body.Users = append(body.Users, user{ID: id, UserName: "name-" + id})
	}
	b, _ := json.Marshal(body)
	return string(b)
}

func ids(prefix string, from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf("%s%04d", prefix, i))
	}
	return out
}

// protectsOK answers login-protects with the fixture.
func protectsOK(t *testing.T, mt *httpmock.MockTransport) {
	mt.RegisterResponder(http.MethodGet, loginProtectsURL, jsonResponder(t, 200, "iam_login_protects.json"))
}

func TestIAMUsers(t *testing.T) {
	mt := newMock(t)
	protectsOK(t, mt)
	var q queries
	mt.RegisterResponder(http.MethodGet, iamUsersURL, func(r *http.Request) (*http.Response, error) {
		q.add(r)
		name := "iam_users.json"
		if r.URL.Query().Get("enabled") == "false" {
			name = "iam_users_disabled.json"
		}
		return httpmock.NewBytesResponse(200, fixture(t, name)), nil
	})
	c := newTokenClient(t, mt, nil)
	users, err := collect(t, c.VirtualMFA().Users(context.Background()))
	require.NoError(t, err)
	want := []mfa.User{
		{Provider: "huawei-iam", ID: "16b26081f43d4c628c4bb88cf32e9...", Name: "auditor", Enabled: true, LoginMFA: mfa.EnforcementRequired, LoginMFAMethod: "vmfa"},
		{Provider: "huawei-iam", ID: "7a1b2c3d4e5f", Name: "sms-user", Enabled: true, LoginMFA: mfa.EnforcementRequired, LoginMFAMethod: "sms"},
		{Provider: "huawei-iam", ID: "8b2c3d4e5f6a", Name: "email-user", Enabled: true, LoginMFA: mfa.EnforcementNotRequired},
		{Provider: "huawei-iam", ID: "9c3d4e5f6a7b", Name: "no-protect-entry", Enabled: true, LoginMFA: mfa.EnforcementUnknown},
		{Provider: "huawei-iam", ID: "0d4e5f6a7b8c", Name: "left-the-company", Enabled: false, LoginMFA: mfa.EnforcementUnknown},
	}
	assert.Equal(t, want, users)
	assert.Equal(t, []url.Values{{}, {"enabled": {"false"}}}, q.get(), "enabled users (the default filter), then disabled ones")
	info := mt.GetCallCountInfo()
	assert.Equal(t, 1, info["GET "+loginProtectsURL], "login protection is read once for everyone")
}

func TestLoginProtectEnforcement(t *testing.T) {
	tests := []struct {
		wire       loginProtectWire
		want       mfa.Enforcement
		wantMethod string
	}{
		{loginProtectWire{Enabled: true, VerificationMethod: "vmfa"}, mfa.EnforcementRequired, "vmfa"},
		{loginProtectWire{Enabled: true, VerificationMethod: "sms"}, mfa.EnforcementRequired, "sms"},
		{loginProtectWire{Enabled: true, VerificationMethod: "email"}, mfa.EnforcementRequired, "email"},
		{loginProtectWire{Enabled: true, VerificationMethod: "fido"}, mfa.EnforcementRequired, "fido"},
		{loginProtectWire{Enabled: false, VerificationMethod: "vmfa"}, mfa.EnforcementNotRequired, ""},
		{loginProtectWire{Enabled: false}, mfa.EnforcementNotRequired, ""},
	}
	for _, tt := range tests {
		got, method := tt.wire.loginMFA()
		assert.Equal(t, tt.want, got, "%+v", tt.wire)
		assert.Equal(t, tt.wantMethod, method, "%+v", tt.wire)
	}
}

// When login-protects fails, the users still come, unknown, and the error
// comes last.
func TestIAMUsersWithoutLoginProtection(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, loginProtectsURL, jsonResponder(t, 403, "iam_error_0003.json"))
	mt.RegisterResponder(http.MethodGet, iamUsersURL, func(r *http.Request) (*http.Response, error) {
		if r.URL.Query().Get("enabled") == "false" {
			return httpmock.NewBytesResponse(200, fixture(t, "iam_users_empty.json")), nil
		}
		return httpmock.NewBytesResponse(200, fixture(t, "iam_users.json")), nil
	})
	c := newTokenClient(t, mt, nil)
	users, err := collect(t, c.VirtualMFA().Users(context.Background()))
	require.Len(t, users, 4)
	for _, u := range users {
		assert.Equal(t, mfa.EnforcementUnknown, u.LoginMFA, u.ID)
		assert.Empty(t, u.LoginMFAMethod)
	}
	require.ErrorIs(t, err, mfa.ErrForbidden)
	assert.Contains(t, err.Error(), "login protection could not be read")
	assert.Equal(t, 403, apiError(t, err).StatusCode)
}

// When both fail, one error: the listing's, saying login protection
// failed too.
func TestIAMUsersBothFail(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, loginProtectsURL, jsonResponder(t, 403, "iam_error_0003.json"))
	mt.RegisterResponder(http.MethodGet, iamUsersURL, jsonResponder(t, 500, "iam_error_0006.json"))
	cfg := tokenConfig(mt, nil)
	cfg.Retry = noRetry
	c, err := NewClient(cfg)
	require.NoError(t, err)
	users, err := collect(t, c.VirtualMFA().Users(context.Background()))
	assert.Empty(t, users)
	require.ErrorIs(t, err, mfa.ErrUnavailable)
	assert.NotErrorIs(t, err, mfa.ErrForbidden, "one sentinel: the listing's")
	assert.Contains(t, err.Error(), "IAM.0006")
	assert.Contains(t, err.Error(), "nor could login protection be read")
}

// links.next is followed on IAMEndpoint, whatever host the link names;
// only its query is taken.
func TestIAMUsersFollowNext(t *testing.T) {
	mt := newMock(t)
	protectsOK(t, mt)
	var q queries
	mt.RegisterResponder(http.MethodGet, iamUsersURL, func(r *http.Request) (*http.Response, error) {
		q.add(r)
		v := r.URL.Query()
		switch {
		case v.Get("enabled") == "false" && v.Get("marker") == "":
			return httpmock.NewStringResponse(200, iamPage(ids("off", 0, 2), "http://10.0.0.7:8080/v3/users?enabled=false&marker=off0001", "off0000", "off0001")), nil
		case v.Get("enabled") == "false":
			return httpmock.NewStringResponse(200, iamPage(ids("off", 2, 3), "", "off0002")), nil
		case v.Get("marker") == "":
			return httpmock.NewStringResponse(200, iamPage(ids("u", 0, 3), iamUsersURL+"?marker=u0002&limit=3")), nil
		case v.Get("marker") == "u0002":
			return httpmock.NewStringResponse(200, iamPage(ids("u", 3, 6), "/v3/users?marker=u0005&limit=3")), nil
		default:
			return httpmock.NewStringResponse(200, iamPage(ids("u", 6, 7), "")), nil
		}
	})
	c := newTokenClient(t, mt, nil)
	users, err := collect(t, c.VirtualMFA().Users(context.Background()))
	require.NoError(t, err)
	assert.Equal(t, append(ids("u", 0, 7), ids("off", 0, 3)...), userIDs(users))
	for _, u := range users {
		assert.Equal(t, u.ID[0] == 'u', u.Enabled, u.ID)
	}
	assert.Equal(t, []url.Values{
		{}, {"marker": {"u0002"}, "limit": {"3"}}, {"marker": {"u0005"}, "limit": {"3"}},
		{"enabled": {"false"}}, {"enabled": {"false"}, "marker": {"off0001"}},
	}, q.get())
}

func TestIAMUsersBadNext(t *testing.T) {
	for name, next := range map[string]string{
		"another path":   iamBase + "/v3/projects?marker=x",
		"not a URL":      "http://[::1/v3/users",
		"bad query":      iamBase + "/v3/users?a=%zz",
		"path traversal": iamBase + "/v3/users/../../v3.0/OS-MFA/virtual-mfa-devices",
	} {
		t.Run(name, func(t *testing.T) {
			mt := newMock(t)
			protectsOK(t, mt)
			mt.RegisterResponder(http.MethodGet, iamUsersURL, httpmock.NewStringResponder(200, iamPage(ids("u", 0, 2), next)))
			c := newTokenClient(t, mt, nil)
			users, err := collect(t, c.VirtualMFA().Users(context.Background()))
			assert.Equal(t, ids("u", 0, 2), userIDs(users), "the page read is kept")
			require.ErrorIs(t, err, mfa.ErrInvalidResponse)
			assert.Contains(t, err.Error(), "links.next")
		})
	}
}

// A server that serves the same page again (links.next to itself) loops:
// an error at once, and each user once.
func TestIAMUsersLoop(t *testing.T) {
	mt := newMock(t)
	protectsOK(t, mt)
	mt.RegisterResponder(http.MethodGet, iamUsersURL, httpmock.NewStringResponder(200, iamPage(ids("u", 0, 3), iamUsersURL+"?marker=u0002")))
	c := newTokenClient(t, mt, nil)
	users, err := collect(t, c.VirtualMFA().Users(context.Background()))
	assert.Equal(t, ids("u", 0, 3), userIDs(users))
	require.ErrorIs(t, err, mfa.ErrInvalidResponse)
	assert.Contains(t, err.Error(), "the listing loops")
	assert.Contains(t, err.Error(), "page 2 of the enabled users")
	assert.Equal(t, 2, mt.GetCallCountInfo()["GET "+iamUsersURL])
}

// A server that ignores the enabled filter lists everyone twice: no loop,
// each user once, enabled as each says.
func TestIAMUsersFilterIgnored(t *testing.T) {
	mt := newMock(t)
	protectsOK(t, mt)
	mt.RegisterResponder(http.MethodGet, iamUsersURL, httpmock.NewStringResponder(200, iamPage(ids("u", 0, 4), "", "u0003")))
	c := newTokenClient(t, mt, nil)
	users, err := collect(t, c.VirtualMFA().Users(context.Background()))
	require.NoError(t, err)
	assert.Equal(t, ids("u", 0, 4), userIDs(users))
	assert.False(t, users[3].Enabled)
	assert.Equal(t, 2, mt.GetCallCountInfo()["GET "+iamUsersURL])
}

// A user without "enabled" takes the filter of its listing.
func TestIAMUsersEnabledAbsent(t *testing.T) {
	mt := newMock(t)
	protectsOK(t, mt)
	mt.RegisterResponder(http.MethodGet, iamUsersURL, func(r *http.Request) (*http.Response, error) {
		if r.URL.Query().Get("enabled") == "false" {
			return httpmock.NewStringResponse(200, `{"users":[{"id":"off"}]}`), nil
		}
		return httpmock.NewStringResponse(200, `{"users":[{"id":"on"}]}`), nil
	})
	c := newTokenClient(t, mt, nil)
	users, err := collect(t, c.VirtualMFA().Users(context.Background()))
	require.NoError(t, err)
	require.Len(t, users, 2)
	assert.True(t, users[0].Enabled)
	assert.False(t, users[1].Enabled)
}

// Duplicates across pages are skipped; a page with a new id is no loop.
func TestIAMUsersDuplicates(t *testing.T) {
	mt := newMock(t)
	protectsOK(t, mt)
	mt.RegisterResponder(http.MethodGet, iamUsersURL, func(r *http.Request) (*http.Response, error) {
		switch r.URL.Query().Get("marker") {
		case "":
			if r.URL.Query().Get("enabled") == "false" {
				return httpmock.NewStringResponse(200, iamPage(nil, "")), nil
			}
			return httpmock.NewStringResponse(200, iamPage([]string{"a", "b", "b"}, iamUsersURL+"?marker=b")), nil
		default:
			return httpmock.NewStringResponse(200, iamPage([]string{"b", "c", "a"}, "")), nil
		}
	})
	c := newTokenClient(t, mt, nil)
	users, err := collect(t, c.VirtualMFA().Users(context.Background()))
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b", "c"}, userIDs(users))
}

// A server that always links to a next page of new users ends at
// MaxListing.
func TestIAMUsersMaxListing(t *testing.T) {
	mt := newMock(t)
	protectsOK(t, mt)
	mt.RegisterResponder(http.MethodGet, iamUsersURL, func(r *http.Request) (*http.Response, error) {
		n, _ := strconv.Atoi(r.URL.Query().Get("marker"))
		return httpmock.NewStringResponse(200, iamPage(ids("u", n, n+4), iamUsersURL+"?marker="+strconv.Itoa(n+4))), nil
	})
	cfg := tokenConfig(mt, nil)
	cfg.MaxListing = 10
	c, err := NewClient(cfg)
	require.NoError(t, err)
	users, err := collect(t, c.VirtualMFA().Users(context.Background()))
	assert.Equal(t, ids("u", 0, 10), userIDs(users), "the rows up to the limit are kept")
	require.ErrorIs(t, err, mfa.ErrInvalidResponse)
	assert.Contains(t, err.Error(), "the page 3 of the enabled users: the listing passed 10 rows, the most one listing reads (Config.MaxListing)")
	assert.Equal(t, 3, mt.GetCallCountInfo()["GET "+iamUsersURL])
}

func TestIAMUsersEmptyPageWithNext(t *testing.T) {
	mt := newMock(t)
	protectsOK(t, mt)
	mt.RegisterResponder(http.MethodGet, iamUsersURL, httpmock.NewStringResponder(200, iamPage(nil, iamUsersURL+"?marker=x")))
	c := newTokenClient(t, mt, nil)
	users, err := collect(t, c.VirtualMFA().Users(context.Background()))
	assert.Empty(t, users)
	require.ErrorIs(t, err, mfa.ErrInvalidResponse)
	assert.Contains(t, err.Error(), "is empty but links to a next page")
}

func TestIAMUsersBrokenBodies(t *testing.T) {
	for _, name := range []string{"broken_users_no_id.json", "broken_users_wrong_types.json", "broken_users_next_not_a_string.json",
		"broken_empty.json", "broken_empty_object.json", "broken_proxy.html", "broken_truncated.json"} {
		t.Run(name, func(t *testing.T) {
			mt := newMock(t)
			protectsOK(t, mt)
			mt.RegisterResponder(http.MethodGet, iamUsersURL, jsonResponder(t, 200, name))
			c := newTokenClient(t, mt, nil)
			users, err := collect(t, c.VirtualMFA().Users(context.Background()))
			assert.Empty(t, users)
			require.ErrorIs(t, err, mfa.ErrInvalidResponse)
			ae := apiError(t, err)
			assert.Equal(t, "huawei-iam", ae.Provider)
			assert.Equal(t, 200, ae.StatusCode)
		})
	}
}

// Stopping the range stops the listing: no further request.
func TestUsersStopEarly(t *testing.T) {
	mt := newMock(t)
	protectsOK(t, mt)
	mt.RegisterResponder(http.MethodGet, iamUsersURL, jsonResponder(t, 200, "iam_users.json"))
	mt.RegisterResponder(http.MethodGet, wsUsersURL, httpmock.NewStringResponder(200, wsPage(10, ids("w", 0, 2))))
	c := newTokenClient(t, mt, nil)
	for _, l := range []mfa.UserLister{c.VirtualMFA(), c.WorkspaceOTP()} {
		for range l.Users(context.Background()) {
			break
		}
	}
	info := mt.GetCallCountInfo()
	assert.Equal(t, 1, info["GET "+iamUsersURL])
	assert.Equal(t, 1, info["GET "+wsUsersURL])
}

func TestUsersNotConfigured(t *testing.T) {
	c, err := NewClient(Config{IAMEndpoint: iamBase, Token: tok})
	require.NoError(t, err)
	_, err = collect(t, c.WorkspaceOTP().Users(context.Background()))
	require.ErrorIs(t, err, mfa.ErrUnsupported)
	assert.Contains(t, err.Error(), "Config.WorkspaceEndpoint")

	c, err = NewClient(Config{WorkspaceEndpoint: wsBase, ProjectID: projectID, Token: tok})
	require.NoError(t, err)
	_, err = collect(t, c.VirtualMFA().Users(context.Background()))
	require.ErrorIs(t, err, mfa.ErrUnsupported)
	assert.Contains(t, err.Error(), "Config.IAMEndpoint")
}

func TestWorkspaceUsersFixtures(t *testing.T) {
	mt := newMock(t)
	var q queries
	mt.RegisterResponder(http.MethodGet, wsUsersURL, func(r *http.Request) (*http.Response, error) {
		q.add(r)
		return jsonResponder(t, 200, "ws_users_states.json")(r)
	})
	c := newTokenClient(t, mt, nil)
	users, err := collect(t, c.WorkspaceOTP().Users(context.Background()))
	require.NoError(t, err)
	want := []mfa.User{
		{Provider: "huawei-workspace", ID: "8a2c3f9579d240820179d51e6caf0001", Name: "api-test", Enabled: true, LoginMFA: mfa.EnforcementUnknown},
		{Provider: "huawei-workspace", ID: "8a2c3f9579d240820179d51e6caf0002", Name: "disabled", LoginMFA: mfa.EnforcementUnknown},
		{Provider: "huawei-workspace", ID: "8a2c3f9579d240820179d51e6caf0003", Name: "locked", LoginMFA: mfa.EnforcementUnknown},
		{Provider: "huawei-workspace", ID: "8a2c3f9579d240820179d51e6caf0004", Name: "expired", LoginMFA: mfa.EnforcementUnknown},
	}
	assert.Equal(t, want, users)
	assert.Equal(t, []url.Values{{"offset": {"0"}, "limit": {"100"}}}, q.get())
}

// The documented example says total_count 2 with one user: the client
// asks on from offset 1, and an empty answer there is an error.
func TestWorkspaceUsersDocumentedExample(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, wsUsersURL, func(r *http.Request) (*http.Response, error) {
		if r.URL.Query().Get("offset") == "0" {
			return jsonResponder(t, 200, "ws_users.json")(r)
		}
		return httpmock.NewStringResponse(200, `{"total_count":2,"users":[]}`), nil
	})
	c := newTokenClient(t, mt, nil)
	users, err := collect(t, c.WorkspaceOTP().Users(context.Background()))
	require.Len(t, users, 1)
	assert.Equal(t, mfa.User{Provider: "huawei-workspace", ID: "8a2c3f9579d240820179d51e6caf0001", Name: "api-test", Enabled: true, LoginMFA: mfa.EnforcementUnknown}, users[0])
	require.ErrorIs(t, err, mfa.ErrInvalidResponse)
	assert.Contains(t, err.Error(), "the page at offset 1 is empty, but total_count is 2")
}

// wsServer answers the listing from ids as a real server would, at most
// pageMax a page whatever the limit, and records the queries.
func wsServer(ids []string, pageMax int, q *queries) httpmock.Responder {
	return func(r *http.Request) (*http.Response, error) {
		q.add(r)
		offset, err1 := strconv.Atoi(r.URL.Query().Get("offset"))
		limit, err2 := strconv.Atoi(r.URL.Query().Get("limit"))
		if err1 != nil || err2 != nil {
			return httpmock.NewStringResponse(400, `{"error_code":"WKS.0002","error_msg":"bad offset or limit"}`), nil
		}
		end := min(len(ids), offset+min(limit, pageMax))
		return httpmock.NewStringResponse(200, wsPage(len(ids), ids[min(offset, end):end])), nil
	}
}

// A server that answers fewer than asked is paged on from what it
// answered, until total_count.
func TestWorkspaceUsersShortPages(t *testing.T) {
	mt := newMock(t)
	var q queries
	all := ids("w", 0, 23)
	mt.RegisterResponder(http.MethodGet, wsUsersURL, wsServer(all, 5, &q))
	cfg := tokenConfig(mt, nil)
	cfg.WorkspacePageSize = 7
	c, err := NewClient(cfg)
	require.NoError(t, err)
	users, err := collect(t, c.WorkspaceOTP().Users(context.Background()))
	require.NoError(t, err)
	assert.Equal(t, all, userIDs(users))
	var offsets []string
	for _, v := range q.get() {
		assert.Equal(t, "7", v.Get("limit"))
		offsets = append(offsets, v.Get("offset"))
	}
	assert.Equal(t, []string{"0", "5", "10", "15", "20"}, offsets)
}

func TestWorkspaceUsersExactPages(t *testing.T) {
	mt := newMock(t)
	var q queries
	mt.RegisterResponder(http.MethodGet, wsUsersURL, wsServer(ids("w", 0, 200), 1000, &q))
	c := newTokenClient(t, mt, nil)
	users, err := collect(t, c.WorkspaceOTP().Users(context.Background()))
	require.NoError(t, err)
	assert.Len(t, users, 200)
	assert.Len(t, q.get(), 2, "no request past total_count")
}

func TestWorkspaceUsersEmpty(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, wsUsersURL, httpmock.NewStringResponder(200, `{"total_count":0,"users":[]}`))
	c := newTokenClient(t, mt, nil)
	users, err := collect(t, c.WorkspaceOTP().Users(context.Background()))
	require.NoError(t, err)
	assert.Empty(t, users)
}

// Without total_count, the listing reads until an empty page.
func TestWorkspaceUsersNoTotal(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, wsUsersURL, func(r *http.Request) (*http.Response, error) {
		if r.URL.Query().Get("offset") == "0" {
			return httpmock.NewStringResponse(200, `{"users":[{"id":"a"},{"id":"b"}]}`), nil
		}
		return httpmock.NewStringResponse(200, `{"users":null}`), nil
	})
	c := newTokenClient(t, mt, nil)
	users, err := collect(t, c.WorkspaceOTP().Users(context.Background()))
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b"}, userIDs(users))
}

// A server that ignores offset serves the first page again: a loop,
// reported at once, what was read kept.
func TestWorkspaceUsersIgnoresOffset(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, wsUsersURL, httpmock.NewStringResponder(200, wsPage(1_000_000_000_000, ids("w", 0, 100))))
	c := newTokenClient(t, mt, nil)
	users, err := collect(t, c.WorkspaceOTP().Users(context.Background()))
	assert.Equal(t, ids("w", 0, 100), userIDs(users))
	require.ErrorIs(t, err, mfa.ErrInvalidResponse)
	assert.Contains(t, err.Error(), "the page at offset 100: the listing loops")
	assert.Equal(t, 2, mt.GetTotalCallCount())
}

// A server that alternates two pages is a loop on the third.
func TestWorkspaceUsersAlternates(t *testing.T) {
	mt := newMock(t)
	n := 0
	mt.RegisterResponder(http.MethodGet, wsUsersURL, func(*http.Request) (*http.Response, error) {
		n++
		return httpmock.NewStringResponse(200, wsPage(1000, ids("w", n%2*3, n%2*3+3))), nil
	})
	c := newTokenClient(t, mt, nil)
	users, err := collect(t, c.WorkspaceOTP().Users(context.Background()))
	assert.Len(t, users, 6)
	require.ErrorIs(t, err, mfa.ErrInvalidResponse)
	assert.Contains(t, err.Error(), "loops")
	assert.Equal(t, 3, n)
}

// Pages that overlap (users added or removed between pages) skip the
// duplicates and go on.
func TestWorkspaceUsersOverlap(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, wsUsersURL, func(r *http.Request) (*http.Response, error) {
		switch r.URL.Query().Get("offset") {
		case "0":
			return httpmock.NewStringResponse(200, wsPage(6, []string{"a", "b", "c"})), nil
		case "3":
			return httpmock.NewStringResponse(200, wsPage(6, []string{"c", "d", "d"})), nil
		}
		return httpmock.NewStringResponse(200, wsPage(6, nil)), nil
	})
	c := newTokenClient(t, mt, nil)
	users, err := collect(t, c.WorkspaceOTP().Users(context.Background()))
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b", "c", "d"}, userIDs(users))
}

// A server that always sends a full page of new users, with a total that
// never comes, ends at MaxListing.
func TestWorkspaceUsersEndless(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, wsUsersURL, func(r *http.Request) (*http.Response, error) {
		o, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		return httpmock.NewStringResponse(200, wsPage(1_000_000_000_000, ids("w", o, o+100))), nil
	})
	cfg := tokenConfig(mt, nil)
	cfg.MaxListing = 250
	c, err := NewClient(cfg)
	require.NoError(t, err)
	users, err := collect(t, c.WorkspaceOTP().Users(context.Background()))
	assert.Equal(t, ids("w", 0, 250), userIDs(users))
	require.ErrorIs(t, err, mfa.ErrInvalidResponse)
	assert.Contains(t, err.Error(), "the page at offset 200: the listing passed 250 rows")
	assert.Equal(t, 3, mt.GetTotalCallCount())
}

// A listing of exactly MaxListing rows is complete.
func TestWorkspaceUsersAtMaxListing(t *testing.T) {
	mt := newMock(t)
	var q queries
	mt.RegisterResponder(http.MethodGet, wsUsersURL, wsServer(ids("w", 0, 30), 10, &q))
	cfg := tokenConfig(mt, nil)
	cfg.MaxListing = 30
	c, err := NewClient(cfg)
	require.NoError(t, err)
	users, err := collect(t, c.WorkspaceOTP().Users(context.Background()))
	require.NoError(t, err)
	assert.Len(t, users, 30)
}

func TestWorkspaceUsersErrors(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   error
	}{
		{"unauthorized", 401, string(fixture(t, "apigw_error_0301.json")), mfa.ErrUnauthorized},
		{"forbidden", 403, string(fixture(t, "ws_error_wks.json")), mfa.ErrForbidden},
		{"wrong types", 200, string(fixture(t, "broken_users_wrong_types.json")), mfa.ErrInvalidResponse},
		{"no id", 200, string(fixture(t, "broken_users_no_id.json")), mfa.ErrInvalidResponse},
		{"negative total", 200, string(fixture(t, "broken_users_negative_total.json")), mfa.ErrInvalidResponse},
		{"no users member", 200, `{"total_count":3}`, mfa.ErrInvalidResponse},
		{"proxy page", 200, string(fixture(t, "broken_proxy.html")), mfa.ErrInvalidResponse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mt := newMock(t)
			mt.RegisterResponder(http.MethodGet, wsUsersURL, httpmock.NewStringResponder(tt.status, tt.body))
			c := newTokenClient(t, mt, nil)
			users, err := collect(t, c.WorkspaceOTP().Users(context.Background()))
			assert.Empty(t, users)
			require.ErrorIs(t, err, tt.want)
			ae := apiError(t, err)
			assert.Equal(t, "huawei-workspace", ae.Provider)
			assert.Equal(t, tt.status, ae.StatusCode)
			assertNoSecrets(t, "error", err.Error())
		})
	}
}

// A failure on a later page keeps the users read before it.
func TestWorkspaceUsersFailLater(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, wsUsersURL, func(r *http.Request) (*http.Response, error) {
		if r.URL.Query().Get("offset") == "0" {
			return httpmock.NewStringResponse(200, wsPage(4, []string{"a", "b"})), nil
		}
		return httpmock.NewStringResponse(404, `{"error_code":"WKS.0004","error_msg":"gone"}`), nil
	})
	c := newTokenClient(t, mt, nil)
	users, err := collect(t, c.WorkspaceOTP().Users(context.Background()))
	assert.Equal(t, []string{"a", "b"}, userIDs(users))
	require.ErrorIs(t, err, mfa.ErrNotFound)
}

func TestUsersCancelled(t *testing.T) {
	mt := newMock(t)
	protectsOK(t, mt)
	mt.RegisterResponder(http.MethodGet, iamUsersURL, jsonResponder(t, 200, "iam_users.json"))
	mt.RegisterResponder(http.MethodGet, wsUsersURL, httpmock.NewStringResponder(200, wsPage(10, ids("w", 0, 2))))
	c := newTokenClient(t, mt, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, l := range []mfa.UserLister{c.VirtualMFA(), c.WorkspaceOTP()} {
		users, err := collect(t, l.Users(ctx))
		assert.Empty(t, users)
		require.ErrorIs(t, err, context.Canceled)
	}
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestRate(t *testing.T) {
	mt := newMock(t)
	cfg := tokenConfig(mt, nil)
	c, err := NewClient(cfg)
	require.NoError(t, err)
	assert.Zero(t, c.VirtualMFA().Rate(), "not paced until refused")
	assert.Zero(t, c.WorkspaceOTP().Rate())

	cfg.Pacing = mfa.Pacing{Rate: 5, Burst: 2}
	c, err = NewClient(cfg)
	require.NoError(t, err)
	assert.Equal(t, 5.0, c.VirtualMFA().Rate())
	assert.Equal(t, 5.0, c.WorkspaceOTP().Rate())

	c, err = NewClient(Config{IAMEndpoint: iamBase, Token: tok, Pacing: mfa.Pacing{Rate: 5}})
	require.NoError(t, err)
	assert.Zero(t, c.WorkspaceOTP().Rate(), "no endpoint: nothing to pace")
}
