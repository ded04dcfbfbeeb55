package rackspace_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/internal/testlog"
	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/rackspace"
)

// listUsers ranges over c.Users and returns the users and the error, after
// checking that an error comes once, as the last pair.
func listUsers(t *testing.T, c *rackspace.Client) ([]mfa.User, error) {
	t.Helper()
	var users []mfa.User
	var failure error
	for u, err := range c.Users(context.Background()) {
		require.NoError(t, failure, "nothing follows an error")
		if err != nil {
			assert.Equal(t, mfa.User{}, u)
			failure = err
			continue
		}
		users = append(users, u)
	}
	return users, failure
}

func user(id, name string, enabled bool, login mfa.Enforcement, method string) mfa.User {
	return mfa.User{Provider: "rackspace", ID: id, Name: name, Enabled: enabled, LoginMFA: login, LoginMFAMethod: method}
}

// fixtureUsers are the users of testdata/users.*.
var fixtureUsers = []mfa.User{
	user("c39e3de9be2d4c779f1dfd6abacc176d", "jqsmith", true, mfa.EnforcementRequired, "OTP"),
	user("8f2b1e6f0a9c4d3e8b7a6c5d4e3f2a1b", "bsmith", true, mfa.EnforcementRequired, "SMS"),
	user("938439", "poejo", false, mfa.EnforcementNotRequired, ""),
	user("0a1b2c3d4e5f40718293a4b5c6d7e8f9", "nofactor", true, mfa.EnforcementUnknown, ""),
	user("f0e1d2c3b4a5968778695a4b3c2d1e0f", "mustenrol", true, mfa.EnforcementRequired, ""),
	user("5e4d3c2b1a0f49e8d7c6b5a493827160", "legacy", true, mfa.EnforcementUnknown, ""),
}

func TestUsers(t *testing.T) {
	tests := []struct {
		fixture string
		want    []mfa.User
	}{
		{"users.json", fixtureUsers},
		{"users_lowercase_prefix.json", fixtureUsers},
		{"users.xml", fixtureUsers},
		{"users_prefixed_ns.xml", fixtureUsers},
		{"users_empty.json", nil},
		{"users_empty.xml", nil},
		// The one user that ?name= answers is a list of one.
		{"user.json", []mfa.User{user("123456", "jqsmith", true, mfa.EnforcementRequired, "")}},
		{"user.xml", []mfa.User{user("123456", "jqsmith", true, mfa.EnforcementRequired, "")}},
		{"user_lowercase_prefix.json", []mfa.User{user("123456", "jqsmith", true, mfa.EnforcementRequired, "")}},
		{"user_no_prefix.json", []mfa.User{user("938439", "poejo", false, mfa.EnforcementRequired, "")}},
		{"user_no_mfa.json", []mfa.User{user("c39e3de9be2d4c779f1dfd6abacc176d", "jqsmith", true, mfa.EnforcementUnknown, "")}},
		{"user_undeclared_prefix.xml", []mfa.User{user("123456", "jqsmith", true, mfa.EnforcementRequired, "")}},
	}
	for _, tt := range tests {
		for _, format := range []rackspace.Format{rackspace.JSON, rackspace.XML} {
			t.Run(format.String()+"/"+tt.fixture, func(t *testing.T) {
				mt := newMock(t)
				body := fixture(t, tt.fixture)
				mt.RegisterResponder(http.MethodGet, usersURL, func(req *http.Request) (*http.Response, error) {
					checkRequest(t, req, "application/"+format.String())
					assert.Empty(t, req.URL.RawQuery, "the first page is the server's")
					return respond(http.StatusOK, body), nil
				})
				c := newClient(t, mt, func(cfg *rackspace.Config) { cfg.Format = format })
				users, err := listUsers(t, c)
				require.NoError(t, err)
				assert.Equal(t, tt.want, users)
				assert.Equal(t, 1, calls(mt, http.MethodGet, usersURL))
			})
		}
	}
}

// TestUsersNextLinkFixtures follows the next link of the documented page
// shapes to a page that repeats two of its users.
func TestUsersNextLinkFixtures(t *testing.T) {
	for _, format := range []rackspace.Format{rackspace.JSON, rackspace.XML} {
		t.Run(format.String(), func(t *testing.T) {
			mt := newMock(t)
			mt.RegisterResponder(http.MethodGet, usersURL, func(req *http.Request) (*http.Response, error) {
				if req.URL.RawQuery == "" {
					return respond(http.StatusOK, fixture(t, "users_next."+format.String())), nil
				}
				assert.Equal(t, "limit=2&marker=938439", req.URL.RawQuery)
				return respond(http.StatusOK, fixture(t, "users."+format.String())), nil
			})
			c := newClient(t, mt, func(cfg *rackspace.Config) { cfg.Format = format })
			users, err := listUsers(t, c)
			require.NoError(t, err)
			want := []mfa.User{fixtureUsers[0], user("938439", "poejo", false, mfa.EnforcementUnknown, ""),
				fixtureUsers[1], fixtureUsers[3], fixtureUsers[4], fixtureUsers[5]}
			assert.Equal(t, want, users, "the users of the second page not listed before")
			assert.Equal(t, 2, calls(mt, http.MethodGet, usersURL))
		})
	}
}

func TestUsersWithFlagsThatDoNotRead(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, usersURL, serve(http.StatusOK, fixture(t, "users_odd_flags.json")))
	logger, logs := testlog.New()
	c := newClient(t, mt, func(cfg *rackspace.Config) { cfg.Logger = logger })
	users, err := listUsers(t, c)
	require.NoError(t, err, "a flag that does not read never loses a user")
	assert.Equal(t, []mfa.User{
		user("u1", "odd-enabled", true, mfa.EnforcementRequired, "OTP"),
		user("u2", "odd-mfa-optional", true, mfa.EnforcementUnknown, ""),
		user("u3", "odd-mfa-required", false, mfa.EnforcementRequired, ""),
		user("u4", "plain-members", true, mfa.EnforcementRequired, "SMS"),
	}, users)
	assert.Contains(t, logs.String(), "user_id=u1 field=enabled value=maybe read_as=enabled")
	assert.Contains(t, logs.String(), `user_id=u2 field=RAX-AUTH:multiFactorEnabled value=sometimes read_as="login MFA unknown"`)
	assert.Contains(t, logs.String(), `user_id=u3 field=RAX-AUTH:multiFactorEnabled value=sometimes read_as="login MFA required"`)
	assert.Equal(t, 3, strings.Count(logs.String(), "level=WARN"))
}

func TestUsersInvalidBodies(t *testing.T) {
	for fixtureName, reason := range map[string]string{
		"users_null.json":          `no "users" array and no "user" object`,
		"empty_object.json":        `no "users" array and no "user" object`,
		"devices_list.json":        `no "users" array and no "user" object`,
		"users_object.json":        "cannot unmarshal object",
		"users_no_id.json":         "a user has no id",
		"users_wrong_types.json":   "cannot unmarshal number",
		"users_wrong_ns.xml":       `<users> in namespace "http://docs.openstack.org/identity/api/v3"`,
		"users_wrong_child_ns.xml": `<user> in namespace "urn:example:other"`,
		"user_wrong_ns.xml":        `<user> in namespace`,
		"devices_list.xml":         `<otpDevices> in namespace`,
		"truncated.json":           "unexpected end of JSON input",
		"truncated.xml":            "unexpected EOF",
		"proxy.html":               "XML syntax error",
		"plain.txt":                "neither JSON nor XML",
		"empty.txt":                "the body is empty",
	} {
		t.Run(fixtureName, func(t *testing.T) {
			mt := newMock(t)
			mt.RegisterResponder(http.MethodGet, usersURL, serve(http.StatusOK, fixture(t, fixtureName), "X-Request-Id", "req-7"))
			c := newClient(t, mt, nil)
			users, err := listUsers(t, c)
			assert.Empty(t, users, "a page that does not decode yields nobody")
			assertOnly(t, err, mfa.ErrInvalidResponse)
			assert.ErrorContains(t, err, reason)
			assert.ErrorContains(t, err, "rackspace: HTTP 200")
			assert.ErrorContains(t, err, "req-7")
		})
	}
}

// pager is a fake user listing: ids served in pages after the marker,
// with a next link while more follow, in JSON or XML. Its modes make it
// misbehave.
type pager struct {
	t      *testing.T
	ids    []string
	size   int
	format rackspace.Format
	// mode: "" pages honestly; "ignore-marker" always answers the first
	// page; "alternate" answers the first and second pages in turn;
	// "overlap" starts each page at the marker itself, repeating it;
	// "endless" makes up new ids forever; "no-marker" sends next links
	// without a marker; "fail-second" answers 503 after the first page.
	mode string

	mu      sync.Mutex
	queries []string
	served  int
}

func (p *pager) respond(req *http.Request) (*http.Response, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.queries = append(p.queries, req.URL.RawQuery)
	p.served++
	q := req.URL.Query()
	size := p.size
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		require.NoError(p.t, err)
		size = min(n, size)
	}
	start := 0
	if m := q.Get("marker"); m != "" {
		i := slices.Index(p.ids, m)
		if p.mode != "endless" {
			require.GreaterOrEqual(p.t, i, 0, "marker %q", m)
		}
		start = i + 1
		if p.mode == "overlap" {
			start = i
		}
	}
	switch p.mode {
	case "ignore-marker":
		start = 0
	case "alternate":
		start = size * ((p.served - 1) % 2)
	case "fail-second":
		if p.served > 1 {
			return respond(http.StatusServiceUnavailable, fixture(p.t, "faults/serviceUnavailable.json")), nil
		}
	case "endless":
		for range size {
			p.ids = append(p.ids, fmt.Sprintf("%032x", len(p.ids)+1))
		}
		start = len(p.ids) - size
	}
	end := min(start+size, len(p.ids))
	page := p.ids[start:end]
	next := ""
	if end < len(p.ids) || p.mode == "endless" {
		v := url.Values{"limit": {strconv.Itoa(size)}}
		if p.mode != "no-marker" {
			v.Set("marker", page[len(page)-1])
		}
		// The link names another host: only its query may be used.
		next = "https://elsewhere.example.net/v2.0/users?" + v.Encode()
	}
	return respond(http.StatusOK, pageBody(page, next, p.format)), nil
}

// pageBody is a page of the user listing with the given ids.
func pageBody(ids []string, next string, format rackspace.Format) []byte {
	var b strings.Builder
	if format == rackspace.XML {
		b.WriteString(`<users xmlns="http://docs.openstack.org/identity/api/v2.0" xmlns:rax-auth="http://docs.rackspace.com/identity/api/ext/RAX-AUTH/v1.0" xmlns:atom="http://www.w3.org/2005/Atom">`)
		for _, id := range ids {
			fmt.Fprintf(&b, `<user id=%q username="user-%s" enabled="true" rax-auth:multiFactorEnabled="false"/>`, id, id)
		}
		if next != "" {
			fmt.Fprintf(&b, `<atom:link rel="next" href="%s"/>`, strings.ReplaceAll(next, "&", "&amp;"))
		}
		b.WriteString(`</users>`)
		return []byte(b.String())
	}
	type u struct {
		ID       string `json:"id"`
		Username string `json:"username"`
		Enabled  bool   `json:"enabled"`
	}
	page := struct {
		Users []u                 `json:"users"`
		Links []map[string]string `json:"users_links,omitempty"`
	}{Users: []u{}}
	for _, id := range ids {
		page.Users = append(page.Users, u{id, "user-" + id, true})
	}
	if next != "" {
		page.Links = []map[string]string{{"href": next, "rel": "next"}}
	}
	out, _ := json.Marshal(page)
	return out
}

// pagedClient returns a Client listing from p.
func pagedClient(t *testing.T, p *pager, edit func(*rackspace.Config)) *rackspace.Client {
	t.Helper()
	p.t = t
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, usersURL, p.respond)
	return newClient(t, mt, func(cfg *rackspace.Config) {
		cfg.Format = p.format
		cfg.Retry = mfa.RetryPolicy{MaxAttempts: 1}
		if edit != nil {
			edit(cfg)
		}
	})
}

func ids(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%032x", i+1)
	}
	return out
}

func userIDs(users []mfa.User) []string {
	out := []string{}
	for _, u := range users {
		out = append(out, u.ID)
	}
	return out
}

func TestUsersPaging(t *testing.T) {
	all := ids(12)
	for _, format := range []rackspace.Format{rackspace.JSON, rackspace.XML} {
		t.Run(format.String(), func(t *testing.T) {
			p := &pager{ids: all, size: 5, format: format}
			users, err := listUsers(t, pagedClient(t, p, nil))
			require.NoError(t, err)
			assert.Equal(t, all, userIDs(users))
			assert.Equal(t, []string{"", "limit=5&marker=" + all[4], "limit=5&marker=" + all[9]}, p.queries,
				"the next link's marker and limit, sent to the Client's endpoint")
		})
		t.Run(format.String()+"/next link without marker", func(t *testing.T) {
			p := &pager{ids: all, size: 5, format: format, mode: "no-marker"}
			users, err := listUsers(t, pagedClient(t, p, nil))
			require.NoError(t, err)
			assert.Equal(t, all, userIDs(users))
			assert.Equal(t, []string{"", "limit=5&marker=" + all[4], "limit=5&marker=" + all[9]}, p.queries,
				"the last user's id is the marker")
		})
	}
	t.Run("exactly full pages", func(t *testing.T) {
		p := &pager{ids: ids(10), size: 5}
		users, err := listUsers(t, pagedClient(t, p, nil))
		require.NoError(t, err)
		assert.Len(t, users, 10)
		assert.Len(t, p.queries, 2, "no next link: the last page")
	})
	t.Run("stopping the range stops the listing", func(t *testing.T) {
		p := &pager{ids: all, size: 5}
		c := pagedClient(t, p, nil)
		n := 0
		for _, err := range c.Users(context.Background()) {
			require.NoError(t, err)
			if n++; n == 7 {
				break
			}
		}
		assert.Len(t, p.queries, 2)
	})
	t.Run("a failure keeps what was read", func(t *testing.T) {
		p := &pager{ids: all, size: 5, mode: "fail-second"}
		users, err := listUsers(t, pagedClient(t, p, nil))
		assert.Equal(t, all[:5], userIDs(users))
		assertOnly(t, err, mfa.ErrUnavailable)
	})
	t.Run("canceled", func(t *testing.T) {
		p := &pager{ids: all, size: 5}
		c := pagedClient(t, p, nil)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		for _, err := range c.Users(ctx) {
			assert.ErrorIs(t, err, context.Canceled)
		}
	})
}

func TestUsersThatNeverEnd(t *testing.T) {
	all := ids(12)
	for _, format := range []rackspace.Format{rackspace.JSON, rackspace.XML} {
		t.Run(format.String()+"/marker ignored", func(t *testing.T) {
			p := &pager{ids: all, size: 5, format: format, mode: "ignore-marker"}
			users, err := listUsers(t, pagedClient(t, p, nil))
			assert.Equal(t, all[:5], userIDs(users), "what was read is kept")
			assertOnly(t, err, mfa.ErrInvalidResponse)
			assert.ErrorContains(t, err, fmt.Sprintf("listing users, the page after marker %q: the listing loops", all[4]))
			assert.Len(t, p.queries, 2, "reported at once")
		})
		t.Run(format.String()+"/two pages in turn", func(t *testing.T) {
			p := &pager{ids: all, size: 5, format: format, mode: "alternate"}
			users, err := listUsers(t, pagedClient(t, p, nil))
			assert.Equal(t, all[:10], userIDs(users))
			assertOnly(t, err, mfa.ErrInvalidResponse)
			assert.ErrorContains(t, err, "loops")
			assert.Len(t, p.queries, 3)
		})
		t.Run(format.String()+"/new users forever", func(t *testing.T) {
			p := &pager{size: 7, format: format, mode: "endless"}
			users, err := listUsers(t, pagedClient(t, p, func(cfg *rackspace.Config) { cfg.MaxListing = 100 }))
			assert.Len(t, users, 100, "every row up to the limit is yielded")
			assertOnly(t, err, mfa.ErrInvalidResponse)
			assert.ErrorContains(t, err, "the listing passed 100 rows, the most one listing reads (Config.MaxListing)")
			assert.Len(t, p.queries, 15)
		})
	}
	t.Run("duplicates across pages are skipped", func(t *testing.T) {
		p := &pager{ids: all, size: 5, mode: "overlap"}
		users, err := listUsers(t, pagedClient(t, p, nil))
		require.NoError(t, err)
		assert.Equal(t, all, userIDs(users), "each user once")
		assert.Len(t, p.queries, 3)
	})
	t.Run("a listing as long as the limit", func(t *testing.T) {
		p := &pager{ids: all, size: 5}
		users, err := listUsers(t, pagedClient(t, p, func(cfg *rackspace.Config) { cfg.MaxListing = 12 }))
		require.NoError(t, err)
		assert.Len(t, users, 12)
	})
	t.Run("one row past the limit", func(t *testing.T) {
		p := &pager{ids: all, size: 5}
		users, err := listUsers(t, pagedClient(t, p, func(cfg *rackspace.Config) { cfg.MaxListing = 11 }))
		assert.Len(t, users, 11)
		assertOnly(t, err, mfa.ErrInvalidResponse)
		assert.ErrorContains(t, err, "the listing passed 11 rows")
	})
	t.Run("duplicates count as rows", func(t *testing.T) {
		p := &pager{ids: all, size: 5, mode: "overlap"}
		users, err := listUsers(t, pagedClient(t, p, func(cfg *rackspace.Config) { cfg.MaxListing = 12 }))
		assert.Len(t, users, 10, "14 rows for 12 users: the 13th is past the limit")
		assertOnly(t, err, mfa.ErrInvalidResponse)
	})
	t.Run("ids that differ in case are two users", func(t *testing.T) {
		hex := "0a1b2c3d4e5f40718293a4b5c6d7e8f9"
		mixed := []string{strings.ToUpper(hex), hex, "123456", "0123456"}
		p := &pager{ids: mixed, size: 5}
		users, err := listUsers(t, pagedClient(t, p, nil))
		require.NoError(t, err)
		assert.Equal(t, mixed, userIDs(users))
	})
}

// TestUsersEmptyPageWithNextLink: a page with no user but a next link
// ends the listing. It once asked for that page again and again, tens of
// thousands of requests a second until the context ended, since the loop
// guard counts rows and an empty page has none.
func TestUsersEmptyPageWithNextLink(t *testing.T) {
	for _, format := range []rackspace.Format{rackspace.JSON, rackspace.XML} {
		t.Run(format.String(), func(t *testing.T) {
			mt := newMock(t)
			mt.RegisterResponder(http.MethodGet, usersURL, serve(http.StatusOK, pageBody(nil, usersURL+"?marker=abc", format)))
			c := newClient(t, mt, func(cfg *rackspace.Config) { cfg.Format = format })
			// A deadline, so that the listing that never ends fails the
			// test instead of hanging it.
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			var users []mfa.User
			var failure error
			for u, err := range c.Users(ctx) {
				if err != nil {
					failure = err
					continue
				}
				users = append(users, u)
			}
			require.NoError(t, failure)
			assert.Empty(t, users)
			assert.Equal(t, 1, calls(mt, http.MethodGet, usersURL), "the empty page is the last")
		})
	}
}
