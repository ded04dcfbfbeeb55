package zstack_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/internal/testlog"
	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/zstack"
)

// loginServer answers logins with sessions s1, s2, ... and records what
// each login sent.
type loginServer struct {
	mu       sync.Mutex
	n        int
	bodies   []string
	authHdrs []string
}

func (l *loginServer) responder(t *testing.T) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		b, err := io.ReadAll(req.Body)
		require.NoError(t, err)
		l.mu.Lock()
		defer l.mu.Unlock()
		l.n++
		l.bodies = append(l.bodies, string(b))
		l.authHdrs = append(l.authHdrs, req.Header.Get("Authorization"))
		body := strings.Replace(string(fixture(t, "login.json")), loginSession, sessionName(l.n), 1)
		return respond(200, []byte(body))(req)
	}
}

func sessionName(n int) string { return "SESSIONSENTINEL" + strings.Repeat("x", n) }

func TestStaticSessionIsSentOnEveryCall(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, secretsURL, func(req *http.Request) (*http.Response, error) {
		assert.Equal(t, "OAuth "+sessionSentinel, req.Header.Get("Authorization"))
		assert.Equal(t, "application/json", req.Header.Get("Accept"))
		assert.True(t, strings.HasPrefix(req.Header.Get("User-Agent"), "mfa-go/"), req.Header.Get("User-Agent"))
		return respond(200, fixture(t, "secrets_vendors.json"))(req)
	})
	c := newSessionClient(t, mt)
	for range 3 {
		_, err := c.UserDevices(context.Background(), "264d446f00e43793a2b0dcd21c367aaf")
		require.NoError(t, err)
	}
	assert.Equal(t, 3, mt.GetTotalCallCount())
}

func TestLoginSendsTheHexSHA512OfThePasswordOnce(t *testing.T) {
	mt := newMock(t)
	ls := &loginServer{}
	mt.RegisterResponder(http.MethodPut, loginURL, ls.responder(t))
	var seen []string
	var mu sync.Mutex
	mt.RegisterResponder(http.MethodGet, secretsURL, func(req *http.Request) (*http.Response, error) {
		mu.Lock()
		seen = append(seen, req.Header.Get("Authorization"))
		mu.Unlock()
		return respond(200, fixture(t, "secrets_empty.json"))(req)
	})
	logger, logs := testlog.New()
	c := newLoginClient(t, mt, func(c *zstack.Config) { c.Logger = logger })

	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.UserDevices(context.Background(), "u1")
			assert.NoError(t, err)
		}()
	}
	wg.Wait()

	require.Equal(t, 1, ls.n, "concurrent callers share one login")
	var sent struct {
		LogInByAccount struct {
			AccountName string `json:"accountName"`
			Password    string `json:"password"`
		} `json:"logInByAccount"`
	}
	require.NoError(t, json.Unmarshal([]byte(ls.bodies[0]), &sent))
	assert.Equal(t, "admin", sent.LogInByAccount.AccountName)
	assert.Equal(t, passwordHash(), sent.LogInByAccount.Password)
	assert.Len(t, sent.LogInByAccount.Password, 128)
	assert.Equal(t, strings.ToLower(sent.LogInByAccount.Password), sent.LogInByAccount.Password, "lower-case hex")
	assert.Empty(t, ls.authHdrs[0], "the login carries no session")
	for _, h := range seen {
		assert.Equal(t, "OAuth "+sessionName(1), h)
	}
	assertNoSecret(t, "logs", logs.String())
	assert.NotContains(t, logs.String(), sessionName(1))
}

func TestExpiredSessionIsRenewedOnce(t *testing.T) {
	tests := []struct {
		name    string
		refusal httpmock.Responder
	}{
		{"ID.1001 with 503", respond(503, fixture(t, "error_id1001.json"))},
		{"plain-text 401", func(*http.Request) (*http.Response, error) {
			return httpmock.NewBytesResponse(401, fixture(t, "error_plain_401.txt")), nil
		}},
		{"ID.1001 in a 200 body", respond(200, fixture(t, "error_200_id1001.json"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mt := newMock(t)
			ls := &loginServer{}
			mt.RegisterResponder(http.MethodPut, loginURL, ls.responder(t))
			var auths []string
			mt.RegisterResponder(http.MethodGet, secretsURL, func(req *http.Request) (*http.Response, error) {
				auths = append(auths, req.Header.Get("Authorization"))
				if len(auths) == 1 {
					return tt.refusal(req)
				}
				return respond(200, fixture(t, "secrets_vendors.json"))(req)
			})
			c := newLoginClient(t, mt)
			devs, err := c.UserDevices(context.Background(), "264d446f00e43793a2b0dcd21c367aaf")
			require.NoError(t, err)
			assert.Len(t, devs, 1)
			assert.Equal(t, 2, ls.n, "logged in again")
			assert.Equal(t, []string{"OAuth " + sessionName(1), "OAuth " + sessionName(2)}, auths)
		})
	}
}

func TestSecondRefusalIsUnauthorizedWithoutLoop(t *testing.T) {
	for _, status := range []int{503, 200} {
		mt := newMock(t)
		ls := &loginServer{}
		mt.RegisterResponder(http.MethodPut, loginURL, ls.responder(t))
		body := fixture(t, "error_id1001.json")
		mt.RegisterResponder(http.MethodGet, secretsURL, respond(status, body))
		c := newLoginClient(t, mt)
		_, err := c.UserDevices(context.Background(), "u1")
		require.Error(t, err)
		assert.ErrorIs(t, err, mfa.ErrUnauthorized)
		var ae *mfa.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, "ID.1001", ae.Code)
		assert.Equal(t, 2, ls.n, "one renewal, status %d", status)
		assert.Equal(t, 2, calls(mt, "GET "+secretsURL), "status %d", status)
		assertNoSecret(t, "error", err.Error())
	}
}

func TestStaticSessionRefusedIsNotRenewed(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, secretsURL, respond(503, fixture(t, "error_id1001.json")))
	c := newSessionClient(t, mt)
	_, err := c.UserDevices(context.Background(), "u1")
	assert.ErrorIs(t, err, mfa.ErrUnauthorized)
	assert.Equal(t, 1, mt.GetTotalCallCount())
	assertNoSecret(t, "error", err.Error())
}

func TestLoginFailures(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		want    error
		code    string
		logins  int
		contain string
	}{
		{"wrong password", 503, "error_id1000.json", mfa.ErrUnauthorized, "ID.1000", 1, "Authentication failed"},
		{"second factor needed", 503, "error_id2001.json", mfa.ErrUnauthorized, "ID.2001", 1, "additional"},
		{"transient, retried", 503, "error_sys1000.json", mfa.ErrUnavailable, "SYS.1000", 4, "internal error"},
		{"200 with error", 200, "error_id1000.json", mfa.ErrUnauthorized, "ID.1000", 1, "Authentication failed"},
		{"no session in reply", 200, "broken_login_no_uuid.json", mfa.ErrInvalidResponse, "", 1, "no session"},
		{"HTML reply", 200, "broken_html.html", mfa.ErrInvalidResponse, "", 1, "cannot decode the login reply"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mt := newMock(t)
			mt.RegisterResponder(http.MethodPut, loginURL, respond(tt.status, fixture(t, tt.body)))
			logger, logs := testlog.New()
			c := newLoginClient(t, mt, func(c *zstack.Config) { c.Logger = logger })
			_, err := c.UserDevices(context.Background(), "u1")
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.want)
			var ae *mfa.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.code, ae.Code)
			assert.Contains(t, strings.ToLower(err.Error()), strings.ToLower(tt.contain))
			assert.Contains(t, err.Error(), `logging in as "admin"`)
			assert.Equal(t, tt.logins, calls(mt, "PUT "+loginURL))
			assert.Zero(t, calls(mt, "GET "+secretsURL), "no query without a session")
			assertNoSecret(t, "error", err.Error())
			assertNoSecret(t, "logs", logs.String())
		})
	}
}

func TestLoginReplyErrorsQuoteNoSession(t *testing.T) {
	mt := newMock(t)
	// A session that is not a string: the reply is refused, and the error
	// quotes none of the body.
	mt.RegisterResponder(http.MethodPut, loginURL, respond(200, []byte(`{"inventory":{"uuid":["`+loginSession+`"]}}`)))
	c := newLoginClient(t, mt)
	_, err := c.UserDevices(context.Background(), "u1")
	assert.ErrorIs(t, err, mfa.ErrInvalidResponse)
	assertNoSecret(t, "error", err.Error())
}

func TestCloseLogsOutTheSessionItMade(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodPut, loginURL, respond(200, fixture(t, "login.json")))
	mt.RegisterResponder(http.MethodGet, secretsURL, respond(200, fixture(t, "secrets_empty.json")))
	var logoutAuth []string
	mt.RegisterResponder(http.MethodDelete, sessionURL+loginSession, func(req *http.Request) (*http.Response, error) {
		logoutAuth = append(logoutAuth, req.Header.Get("Authorization"))
		return respond(200, fixture(t, "logout.json"))(req)
	})
	logger, logs := testlog.New()
	c := newLoginClient(t, mt, func(c *zstack.Config) { c.Logger = logger })
	_, err := c.UserDevices(context.Background(), "u1")
	require.NoError(t, err)

	var closer io.Closer = c
	require.NoError(t, closer.Close())
	assert.Equal(t, []string{""}, logoutAuth, "one logout, with the session in the path only")
	require.NoError(t, c.Close(), "a second Close does nothing")
	assert.Equal(t, 1, calls(mt, "DELETE "+sessionURL+loginSession))

	_, err = c.UserDevices(context.Background(), "u1")
	assert.ErrorIs(t, err, zstack.ErrClosed)
	assert.ErrorIs(t, err, mfa.ErrBadRequest)
	assert.Equal(t, 1, calls(mt, "PUT "+loginURL), "a closed client does not log in again")
	assert.Equal(t, 1, calls(mt, "GET "+secretsURL))
	assertNoSecret(t, "logs", logs.String())
}

func TestCloseWithoutSessionSendsNothing(t *testing.T) {
	mt := newMock(t)
	require.NoError(t, newLoginClient(t, mt).Close(), "never logged in")
	c := newSessionClient(t, mt)
	require.NoError(t, c.Close(), "the caller's session is left alone")
	assert.Zero(t, mt.GetTotalCallCount())
	_, err := c.UserDevices(context.Background(), "u1")
	assert.ErrorIs(t, err, zstack.ErrClosed)
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestLogoutFailureQuotesNoSession(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodPut, loginURL, respond(200, fixture(t, "login.json")))
	mt.RegisterResponder(http.MethodGet, secretsURL, respond(200, fixture(t, "secrets_empty.json")))
	mt.RegisterResponder(http.MethodDelete, sessionURL+loginSession, httpmock.NewErrorResponder(errors.New("connection reset")))
	c := newLoginClient(t, mt)
	_, err := c.UserDevices(context.Background(), "u1")
	require.NoError(t, err)

	err = c.Logout(context.Background())
	require.Error(t, err)
	assert.ErrorIs(t, err, mfa.ErrUnavailable)
	assert.Contains(t, err.Error(), "logging out")
	assert.Contains(t, err.Error(), "[REDACTED]")
	assertNoSecret(t, "logout error", err.Error())
	for e := error(err); e != nil; e = errors.Unwrap(e) {
		assertNoSecret(t, "unwrapped logout error", e.Error())
	}
	assert.Equal(t, mfa.DefaultMaxAttempts, calls(mt, "DELETE "+sessionURL+loginSession), "DELETE is idempotent: retried")
}

func TestLogoutErrorObjectIsAnAPIError(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodPut, loginURL, respond(200, fixture(t, "login.json")))
	mt.RegisterResponder(http.MethodGet, secretsURL, respond(200, fixture(t, "secrets_empty.json")))
	mt.RegisterResponder(http.MethodDelete, sessionURL+loginSession, respond(503, fixture(t, "error_id1002.json")))
	c := newLoginClient(t, mt)
	_, err := c.UserDevices(context.Background(), "u1")
	require.NoError(t, err)
	err = c.Close()
	assert.ErrorIs(t, err, mfa.ErrForbidden)
	var ae *mfa.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "ID.1002", ae.Code)
	assertNoSecret(t, "logout error", err.Error())
}

func TestCloseDuringLoginEndsTheNewSession(t *testing.T) {
	mt := newMock(t)
	var c *zstack.Client
	mt.RegisterResponder(http.MethodPut, loginURL, func(req *http.Request) (*http.Response, error) {
		require.NoError(t, c.Close(), "closed while the login is under way: nothing to log out yet")
		return respond(200, fixture(t, "login.json"))(req)
	})
	mt.RegisterResponder(http.MethodDelete, sessionURL+loginSession, respond(200, fixture(t, "logout.json")))
	c = newLoginClient(t, mt)
	_, err := c.UserDevices(context.Background(), "u1")
	assert.ErrorIs(t, err, zstack.ErrClosed)
	assert.Equal(t, 1, calls(mt, "DELETE "+sessionURL+loginSession), "the session made after Close is logged out at once")
	assert.Zero(t, calls(mt, "GET "+secretsURL))
}
