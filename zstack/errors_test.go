package zstack_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/internal/testlog"
	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/zstack"
)

func TestErrorForms(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		body      string
		want      error
		code      string
		message   string
		details   string
		requestID string
		calls     int // requests sent, retries included
	}{
		{"SYS.1000 transient", 503, "error_sys1000.json", mfa.ErrUnavailable, "SYS.1000",
			"An internal error happened in system", "unhandled exception happened when calling org.zstack.twoFactorAuthentication.APIQueryTwoFactorAuthenticationMsg", "", mfa.DefaultMaxAttempts},
		{"nested cause, transient", 503, "error_nested_cause.json", mfa.ErrUnavailable, "SYS.1001",
			"Operation timeout", "the query timed out", "", mfa.DefaultMaxAttempts},
		{"SYS.1003 not found", 503, "error_sys1003.json", mfa.ErrNotFound, "SYS.1003",
			"Resource not found", "cannot find the secret[uuid:0f0e0d0c0b0a09080706050403020100]", "", 1},
		{"SYS.1007 invalid argument", 503, "error_sys1007.json", mfa.ErrBadRequest, "SYS.1007",
			"One or more API argument is invalid", "entity[TwoFactorAuthenticationSecretInventory] has no field[userUuid]", "", 1},
		{"SYS.1006 operation failure", 503, "error_sys1006.json", mfa.ErrBadRequest, "SYS.1006",
			"An operation failed", "the query failed; the database refused the statement", "", 1},
		{"SYS.1013 no capability", 503, "error_sys1013.json", mfa.ErrUnsupported, "SYS.1013",
			"No capability", "the two-factor authentication module is not licensed", "", 1},
		{"ID.1002 permission denied", 503, "error_id1002.json", mfa.ErrForbidden, "ID.1002",
			"Permission denied", "the account has no permission for APIQueryTwoFactorAuthenticationMsg", "", 1},
		{"ID.1003 quota: not rate limited, not retried", 503, "error_id1003.json", mfa.ErrForbidden, "ID.1003",
			"Quota exceeding", "quota exceeding", "", 1},
		{"success false with error and id", 503, "error_success_false.json", mfa.ErrForbidden, "ID.1002",
			"Permission denied", "operation denied", "9a8b7c6d5e4f30211f2e3d4c5b6a7988", 1},
		{"success false with error in a 200 reply", 200, "error_success_false.json", mfa.ErrForbidden, "ID.1002",
			"Permission denied", "operation denied", "9a8b7c6d5e4f30211f2e3d4c5b6a7988", 1},
		{"error in a 200 reply", 200, "error_200.json", mfa.ErrNotFound, "SYS.1003",
			"Resource not found", "no such secret", "", 1},
		{"success false string in a 200 reply", 200, "success_false_only.json", mfa.ErrInvalidResponse, "",
			"the reply says success is false, and carries no error", "", "", 1},
		{"success false bool in a 200 reply", 200, "success_false_bool.json", mfa.ErrInvalidResponse, "",
			"the reply says success is false, and carries no error", "", "", 1},
		{"success false, 503, no code: status decides", 503, "success_false_only.json", mfa.ErrUnavailable, "",
			"the reply says success is false, and carries no error", "", "", mfa.DefaultMaxAttempts},
		{"error as a string: status decides", 503, "error_string.json", mfa.ErrUnavailable, "",
			"Service temporarily unavailable", "", "", mfa.DefaultMaxAttempts},
		{"error fields of odd types: a coded error, not transient", 503, "broken_error_wrong_types.json", mfa.ErrBadRequest, "1000",
			`["An","internal","error"]`, `{"text":"odd"}; 7`, "", 1},
		{"plain-text 400", 400, "error_plain_400.txt", mfa.ErrBadRequest, "",
			"Invalid query parameter. 'limit' must be an integer", "", "", 1},
		{"plain-text 401", 401, "error_plain_401.txt", mfa.ErrUnauthorized, "",
			"the session[uuid:0123456789abcdef0123456789abcdef] is invalid or expired", "", "", 1},
		{"HTML 502 from a proxy", 502, "broken_html.html", mfa.ErrUnavailable, "",
			"502 Bad Gateway 502 Bad Gateway nginx", "", "", mfa.DefaultMaxAttempts},
		{"empty 503", 503, "broken_empty.txt", mfa.ErrUnavailable, "", "Service Unavailable", "", "", mfa.DefaultMaxAttempts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mt := newMock(t)
			mt.RegisterResponder(http.MethodGet, secretsURL, respond(tt.status, fixture(t, tt.body)))
			c := newSessionClient(t, mt)
			_, err := c.QuerySecrets(context.Background(), zstack.QueryOptions{})
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.want)
			for _, other := range []error{mfa.ErrNotFound, mfa.ErrUnauthorized, mfa.ErrForbidden, mfa.ErrRateLimited,
				mfa.ErrUnavailable, mfa.ErrBadRequest, mfa.ErrUnsupported, mfa.ErrInvalidResponse} {
				if other != tt.want {
					assert.NotErrorIs(t, err, other, "one sentinel only")
				}
			}
			var ae *mfa.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, "zstack", ae.Provider)
			assert.Equal(t, tt.status, ae.StatusCode)
			assert.Equal(t, tt.code, ae.Code)
			assert.Equal(t, tt.message, ae.Message)
			assert.Equal(t, tt.details, ae.Details)
			assert.Equal(t, tt.requestID, ae.RequestID)
			assert.Equal(t, tt.calls, mt.GetTotalCallCount(), "requests sent")
			assertNoSecret(t, "error", err.Error())
		})
	}
}

// causeTree describes an error and its causes, depth first, as errors.Is
// and errors.As walk them: "code[cause1 cause2[...]]".
func causeTree(t *testing.T, err error) string {
	t.Helper()
	ae, ok := err.(*mfa.APIError)
	require.True(t, ok, "%T", err)
	s := ae.Code
	if len(ae.Causes) > 0 {
		var parts []string
		for _, c := range ae.Causes {
			parts = append(parts, causeTree(t, c))
		}
		s += "[" + strings.Join(parts, " ") + "]"
	}
	return s
}

func TestEveryCauseIsKept(t *testing.T) {
	tests := []struct {
		body string
		want error
		tree string
		text string
	}{
		{"error_nested_cause.json", mfa.ErrUnavailable, "SYS.1001[SYS.1009[SYS.1003]]",
			"caused by SYS.1009: No route (no management node serves the message): caused by SYS.1003"},
		{"error_causes.json", mfa.ErrBadRequest, "SYS.1006[HOST.1001 SYS.1001[SYS.1009]]",
			"caused by HOST.1001: Host unreachable (host[uuid:4f3e2d1c0b0a09080706050403020100] is unreachable); and by SYS.1001: Operation timeout (the query timed out): caused by SYS.1009"},
		{"error_cause_and_causes.json", mfa.ErrUnavailable, "SYS.1000[SYS.1006 SYS.1016[SYS.1003] ]",
			"caused by SYS.1006: An operation failed (the first query failed); and by SYS.1016: I/O error (disk read failed): caused by SYS.1003: Resource not found (no such file); and by a plain string cause"},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			mt := newMock(t)
			mt.RegisterResponder(http.MethodGet, secretsURL, respond(503, fixture(t, tt.body)))
			c := newSessionClient(t, mt, func(c *zstack.Config) { c.Retry.MaxAttempts = 1 })
			_, err := c.QuerySecrets(context.Background(), zstack.QueryOptions{})
			var top *mfa.APIError
			require.ErrorAs(t, err, &top)
			assert.Equal(t, tt.tree, causeTree(t, top))
			assert.Contains(t, err.Error(), tt.text)
			assert.ErrorIs(t, err, tt.want)
			if tt.want != mfa.ErrNotFound {
				assert.NotErrorIs(t, err, mfa.ErrNotFound, "an inner SYS.1003 does not make the error not-found")
			}
			var walk func(e *mfa.APIError)
			walk = func(e *mfa.APIError) {
				for _, cause := range e.Causes {
					ce := cause.(*mfa.APIError)
					assert.Zero(t, ce.StatusCode, "a cause has no status")
					assert.Empty(t, ce.Provider)
					assert.Nil(t, ce.Kind, "a cause matches no sentinel")
					assert.True(t, errors.Is(err, ce), "errors.Is reaches every cause")
					walk(ce)
				}
			}
			walk(top)
		})
	}
}

func TestDeepCauseChainIsCut(t *testing.T) {
	body := `{"error":`
	for i := range 100 {
		body += `{"code":"SYS.1006","description":"d","cause":`
		if i%2 == 1 {
			body = strings.TrimSuffix(body, `"cause":`) + `"causes":[`
		}
	}
	body += `null`
	for i := range 100 {
		if i%2 == 0 {
			body += `]`
		}
		body += `}`
	}
	body += `}`
	require.True(t, json.Valid([]byte(body)))
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, secretsURL, respond(503, []byte(body)))
	c := newSessionClient(t, mt)
	_, err := c.QuerySecrets(context.Background(), zstack.QueryOptions{})
	var e *mfa.APIError
	require.ErrorAs(t, err, &e)
	n := 1
	for len(e.Causes) > 0 {
		e = e.Causes[0].(*mfa.APIError)
		n++
	}
	assert.Equal(t, 16, n, "causes kept to a depth of 16")
	assert.ErrorIs(t, err, mfa.ErrBadRequest)
}

func TestTransient503IsRetriedUntilSuccess(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, secretsURL, sequence(
		respond(503, fixture(t, "error_sys1000.json")),
		respond(503, fixture(t, "error_nested_cause.json")),
		respond(200, fixture(t, "secrets_vendors.json")),
	))
	c := newSessionClient(t, mt)
	page, err := c.QuerySecrets(context.Background(), zstack.QueryOptions{})
	require.NoError(t, err)
	assert.Len(t, page.Secrets, 1)
	assert.Equal(t, 3, mt.GetTotalCallCount())
}

func TestTransientCodesAreRetriedOthersNot(t *testing.T) {
	for code, want := range map[string]int{
		"SYS.1000": mfa.DefaultMaxAttempts, "SYS.1001": mfa.DefaultMaxAttempts, "SYS.1009": mfa.DefaultMaxAttempts,
		"SYS.1010": mfa.DefaultMaxAttempts, "SYS.1011": mfa.DefaultMaxAttempts, "SYS.1012": mfa.DefaultMaxAttempts,
		"SYS.1016": mfa.DefaultMaxAttempts, "ID.2003": mfa.DefaultMaxAttempts,
		"SYS.1002": 1, "SYS.1003": 1, "SYS.1004": 1, "SYS.1005": 1, "SYS.1006": 1, "SYS.1007": 1, "SYS.1008": 1,
		"SYS.1013": 1, "SYS.1014": 1, "SYS.1099": 1, "HOST.1001": 1,
		"ID.1000": 1, "ID.1001": 1, "ID.1002": 1, "ID.1003": 1, "ID.1004": 1, "ID.1005": 1, "ID.1006": 1, "ID.1007": 1,
		"ID.2000": 1, "ID.2001": 1, "ID.2002": 1, "ID.9999": 1,
	} {
		mt := newMock(t)
		mt.RegisterResponder(http.MethodGet, secretsURL, respond(503, []byte(`{"error":{"code":"`+code+`","description":"x"}}`)))
		c := newSessionClient(t, mt)
		_, err := c.QuerySecrets(context.Background(), zstack.QueryOptions{})
		require.Error(t, err)
		assert.Equal(t, want, mt.GetTotalCallCount(), code)
		assert.False(t, errors.Is(err, mfa.ErrRateLimited), "%s: nothing is rate limited", code)
	}
}

func TestCodeSentinels(t *testing.T) {
	for code, want := range map[string]error{
		"SYS.1008": mfa.ErrUnsupported, "SYS.1014": mfa.ErrUnsupported, "SYS.1002": mfa.ErrBadRequest,
		"HOST.1001": mfa.ErrBadRequest, "ID.1000": mfa.ErrUnauthorized, "ID.2002": mfa.ErrUnauthorized,
		"ID.1004": mfa.ErrForbidden, "ID.1005": mfa.ErrForbidden, "ID.1006": mfa.ErrForbidden, "ID.1007": mfa.ErrForbidden,
	} {
		mt := newMock(t)
		mt.RegisterResponder(http.MethodGet, secretsURL, respond(503, []byte(`{"error":{"code":"`+code+`","description":"x"}}`)))
		c := newSessionClient(t, mt)
		_, err := c.QuerySecrets(context.Background(), zstack.QueryOptions{})
		assert.ErrorIs(t, err, want, code)
	}
}

func TestUnknownCodeOutsideA503LetsTheStatusDecide(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, secretsURL, respond(404, []byte(`{"error":{"code":"REST.404","description":"no such API"}}`)))
	c := newSessionClient(t, mt)
	_, err := c.QuerySecrets(context.Background(), zstack.QueryOptions{})
	assert.ErrorIs(t, err, mfa.ErrNotFound)
}

func TestBrokenBodiesAreInvalidResponses(t *testing.T) {
	tests := []struct {
		body    string
		contain string
	}{
		{"broken_truncated.json", "in string literal"},
		{"broken_cut_in_secret.json", "unexpected end of JSON input"},
		{"broken_html.html", "invalid character '<'"},
		{"broken_empty.txt", "the body is empty"},
		{"broken_wrong_types.json", "uuid of type string"},
		{"broken_status_number.json", "status is neither a string nor an object"},
		{"broken_secret_number.json", "secret of type mfa.Secret"},
		{"broken_no_inventories.json", "the reply has no inventories"},
		{"broken_inventories_object.json", "cannot unmarshal object into Go struct field secretsReply.inventories"},
		{"broken_array.json", "cannot unmarshal array"},
		{"async_202.json", "asynchronous job"},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			mt := newMock(t)
			status := 200
			if tt.body == "async_202.json" {
				status = 202
			}
			mt.RegisterResponder(http.MethodGet, secretsURL, respond(status, fixture(t, tt.body)))
			logger, logs := testlog.New()
			c := newSessionClient(t, mt, func(c *zstack.Config) { c.Logger = logger })
			_, err := c.QuerySecrets(context.Background(), zstack.QueryOptions{})
			require.Error(t, err)
			assert.ErrorIs(t, err, mfa.ErrInvalidResponse)
			var ae *mfa.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, "zstack", ae.Provider)
			assert.Equal(t, status, ae.StatusCode)
			assert.Contains(t, err.Error(), tt.contain)
			assert.Equal(t, 1, mt.GetTotalCallCount())
			assertNoSecret(t, "error", err.Error())
			assertNoSecret(t, "logs", logs.String())
		})
	}
}

func TestInvalidResponseQuotesTheBodyWithoutSeeds(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, secretsURL, respond(200, fixture(t, "broken_truncated.json")))
	c := newSessionClient(t, mt)
	_, err := c.QuerySecrets(context.Background(), zstack.QueryOptions{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `16620c01d20b390891ae1a1bc072ac0b`, "the body is quoted")
	assert.Contains(t, err.Error(), `[REDACTED]`, "with the seed removed")
	assertNoSecret(t, "error", err.Error())
}

func TestErrorBodyHoldingSeedsIsQuotedWithoutThem(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, secretsURL, respond(500, fixture(t, "secrets_status_object.json")))
	c := newSessionClient(t, mt, func(c *zstack.Config) { c.Retry.MaxAttempts = 1 })
	_, err := c.QuerySecrets(context.Background(), zstack.QueryOptions{})
	assert.ErrorIs(t, err, mfa.ErrUnavailable)
	assert.Contains(t, err.Error(), "[REDACTED]")
	assertNoSecret(t, "error", err.Error())
}

func TestNetworkErrorsAreUnavailableAndRetried(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, secretsURL, httpmock.NewErrorResponder(errors.New("connection refused")))
	c := newSessionClient(t, mt)
	_, err := c.QuerySecrets(context.Background(), zstack.QueryOptions{})
	assert.ErrorIs(t, err, mfa.ErrUnavailable)
	assert.Equal(t, mfa.DefaultMaxAttempts, mt.GetTotalCallCount())
	assertNoSecret(t, "error", err.Error())
}

func TestCanceledContext(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, secretsURL, respond(200, fixture(t, "secrets_vendors.json")))
	c := newSessionClient(t, mt)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.QuerySecrets(ctx, zstack.QueryOptions{})
	assert.ErrorIs(t, err, context.Canceled)
	for _, err := range c.AllDevices(ctx) {
		assert.ErrorIs(t, err, context.Canceled)
	}
}

// Whatever a body looks like, a key the decoders would read as "secret"
// has its value removed before the body is quoted in an error.
func TestSeedsInOddBodiesStayOutOfErrors(t *testing.T) {
	const seed = "JBSWY3DPEHPK3PXPODDBODY"
	bodies := map[string]struct {
		status int
		body   string
	}{
		"an array at 500":            {500, `[{"uuid":"u1","secret":"` + seed + `"}]`},
		"upper-case key, cut":        {200, `{"inventories":[{"uuid":"u1","SECRET":"` + seed + `"`},
		"escaped key at 502":         {502, `{"inventories":[{"s\u0065cret":"` + seed + `"}],"x":`},
		"mixed-case key, wrong type": {200, `{"inventories":[{"SeCrEt":"` + seed + `","createDate":false}]}`},
	}
	for name, tt := range bodies {
		t.Run(name, func(t *testing.T) {
			mt := newMock(t)
			mt.RegisterResponder(http.MethodGet, secretsURL, respond(tt.status, []byte(tt.body)))
			c := newSessionClient(t, mt, func(c *zstack.Config) { c.Retry.MaxAttempts = 1 })
			_, err := c.QuerySecrets(context.Background(), zstack.QueryOptions{})
			require.Error(t, err)
			assert.NotContains(t, err.Error(), seed)
			assert.Contains(t, err.Error(), "[REDACTED]", "the body is quoted, the seed replaced")
		})
	}
}
