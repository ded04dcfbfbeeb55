package huaweiiam

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/internal/testlog"
	"github.com/openmfa/mfa-go/mfa"
)

// farFutureToken is the login body of the fixture with an expiry far
// ahead, so that no test renews by time.
func farFutureToken(t testing.TB) []byte {
	return []byte(strings.Replace(string(fixture(t, "iam_token.json")), "2020-01-04T09:08:49.965000Z", "2099-01-04T09:08:49.965000Z", 1))
}

func passwordConfig(mt *httpmock.MockTransport, logs *testlog.Buffer) Config {
	cfg := tokenConfig(mt, logs)
	cfg.Token = mfa.Secret{}
	cfg.DomainName, cfg.Username, cfg.Password = "example-account", "auditor", pw
	return cfg
}

// loginServer answers password logins with tokens "<prefix>-1", "-2", ...
// and records the bodies it received.
type loginServer struct {
	t       *testing.T
	body    []byte // response body
	status  int
	n       atomic.Int32
	mu      sync.Mutex
	bodies  []map[string]any
	headers []http.Header
}

func (s *loginServer) token(i int) string { return fmt.Sprintf("%s-%d", subjectTokenSentinel, i) }

func (s *loginServer) respond(r *http.Request) (*http.Response, error) {
	b, err := io.ReadAll(r.Body)
	require.NoError(s.t, err)
	var m map[string]any
	require.NoError(s.t, json.Unmarshal(b, &m))
	s.mu.Lock()
	s.bodies = append(s.bodies, m)
	s.headers = append(s.headers, r.Header.Clone())
	s.mu.Unlock()
	i := int(s.n.Add(1))
	status := s.status
	if status == 0 {
		status = http.StatusCreated
	}
	resp := httpmock.NewBytesResponse(status, s.body)
	if status < 300 {
		resp.Header.Set("X-Subject-Token", s.token(i))
	}
	return resp, nil
}

// tokenCheck answers 200 with body when the X-Auth-Token is one of ok,
// else 401 with refusal; it records the tokens it saw.
type tokenCheck struct {
	mu   sync.Mutex
	seen []string
}

func (tc *tokenCheck) responder(t *testing.T, body []byte, refusal []byte, ok func(tok string) bool) httpmock.Responder {
	return func(r *http.Request) (*http.Response, error) {
		tok := r.Header.Get("X-Auth-Token")
		tc.mu.Lock()
		tc.seen = append(tc.seen, tok)
		tc.mu.Unlock()
		if ok(tok) {
			return httpmock.NewBytesResponse(200, body), nil
		}
		return httpmock.NewBytesResponse(401, refusal), nil
	}
}

func TestStaticTokenOnBothAPIs(t *testing.T) {
	mt := newMock(t)
	var tokens []string
	record := func(name string) httpmock.Responder {
		return func(r *http.Request) (*http.Response, error) {
			tokens = append(tokens, r.Header.Get("X-Auth-Token"))
			assert.Empty(t, r.Header.Get("Authorization"))
			assert.Empty(t, r.Header.Get("X-Sdk-Date"))
			return httpmock.NewBytesResponse(200, fixture(t, name)), nil
		}
	}
	mt.RegisterResponder(http.MethodGet, vmfaURL("u1"), record("iam_virtual_mfa_device.json"))
	mt.RegisterResponder(http.MethodGet, otpURL("u1"), record("ws_otp_devices.json"))
	c := newTokenClient(t, mt, nil)
	_, err := c.VirtualMFA().UserDevices(context.Background(), "u1")
	require.NoError(t, err)
	_, err = c.WorkspaceOTP().UserDevices(context.Background(), "u1")
	require.NoError(t, err)
	assert.Equal(t, []string{tokenSentinel, tokenSentinel}, tokens)
}

func TestStaticTokenRefusedIsNotRenewed(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, otpURL("u1"), jsonResponder(t, 401, "apigw_error_0301.json"))
	c := newTokenClient(t, mt, nil)
	_, err := c.WorkspaceOTP().UserDevices(context.Background(), "u1")
	require.ErrorIs(t, err, mfa.ErrUnauthorized)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestPasswordLogin(t *testing.T) {
	mt := newMock(t)
	ls := &loginServer{t: t, body: farFutureToken(t)}
	mt.RegisterResponder(http.MethodPost, iamBase+"/v3/auth/tokens", ls.respond)
	var check tokenCheck
	valid := func(tok string) bool { return tok == ls.token(1) }
	mt.RegisterResponder(http.MethodGet, vmfaURL("u1"), check.responder(t, fixture(t, "iam_virtual_mfa_device.json"), fixture(t, "keystone_error_401.json"), valid))
	mt.RegisterResponder(http.MethodGet, otpURL("u1"), check.responder(t, fixture(t, "ws_otp_devices.json"), fixture(t, "keystone_error_401.json"), valid))

	c, err := NewClient(passwordConfig(mt, nil))
	require.NoError(t, err)
	ctx := context.Background()
	for range 2 {
		_, err = c.VirtualMFA().UserDevice(ctx, "u1")
		require.NoError(t, err)
		_, err = c.WorkspaceOTP().OTPDevices(ctx, "u1")
		require.NoError(t, err)
	}
	assert.Equal(t, int32(1), ls.n.Load(), "one login serves both APIs until the token expires")
	assert.Equal(t, []string{ls.token(1), ls.token(1), ls.token(1), ls.token(1)}, check.seen)

	require.Len(t, ls.bodies, 1)
	want := map[string]any{"auth": map[string]any{
		"identity": map[string]any{
			"methods": []any{"password"},
			"password": map[string]any{"user": map[string]any{
				"domain":   map[string]any{"name": "example-account"},
				"name":     "auditor",
				"password": passwordSentinel,
			}},
		},
		"scope": map[string]any{"project": map[string]any{"id": projectID}},
	}}
	assert.Equal(t, want, ls.bodies[0])
	h := ls.headers[0]
	assert.Empty(t, h.Get("X-Auth-Token"), "the login call carries no token")
	assert.Contains(t, h.Get("Content-Type"), "application/json")
	assert.True(t, strings.HasPrefix(h.Get("User-Agent"), "mfa-go/"))
}

func TestPasswordLoginScopes(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		domain map[string]any
		scope  map[string]any
	}{
		{"domain name, no project", func(c *Config) { c.ProjectID, c.WorkspaceEndpoint = "", "" },
			map[string]any{"name": "example-account"}, map[string]any{"domain": map[string]any{"name": "example-account"}}},
		{"domain id, no project", func(c *Config) { c.ProjectID, c.WorkspaceEndpoint, c.DomainName, c.DomainID = "", "", "", domainID },
			map[string]any{"id": domainID}, map[string]any{"domain": map[string]any{"id": domainID}}},
		{"domain id, project", func(c *Config) { c.DomainName, c.DomainID = "", domainID },
			map[string]any{"id": domainID}, map[string]any{"project": map[string]any{"id": projectID}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mt := newMock(t)
			ls := &loginServer{t: t, body: farFutureToken(t)}
			mt.RegisterResponder(http.MethodPost, iamBase+"/v3/auth/tokens", ls.respond)
			mt.RegisterResponder(http.MethodGet, vmfaURL("u1"), jsonResponder(t, 200, "iam_virtual_mfa_device.json"))
			cfg := passwordConfig(mt, nil)
			tt.mutate(&cfg)
			c, err := NewClient(cfg)
			require.NoError(t, err)
			_, err = c.VirtualMFA().UserDevice(context.Background(), "u1")
			require.NoError(t, err)
			require.Len(t, ls.bodies, 1)
			auth := ls.bodies[0]["auth"].(map[string]any)
			user := auth["identity"].(map[string]any)["password"].(map[string]any)["user"].(map[string]any)
			assert.Equal(t, tt.domain, user["domain"])
			assert.Equal(t, tt.scope, auth["scope"])
		})
	}
}

// A token whose expires_at has passed on arrival (a skewed clock) is used
// until the server refuses it, not renewed before every call; renewal
// before a future expiry is the transport's TokenSource, tested there.
func TestPasswordLoginUsesATokenExpiredOnArrival(t *testing.T) {
	mt := newMock(t)
	ls := &loginServer{t: t, body: fixture(t, "iam_token.json")} // expired in 2020
	mt.RegisterResponder(http.MethodPost, iamBase+"/v3/auth/tokens", ls.respond)
	var check tokenCheck
	mt.RegisterResponder(http.MethodGet, otpURL("u1"), check.responder(t, fixture(t, "ws_otp_devices.json"), nil, func(string) bool { return true }))
	c, err := NewClient(passwordConfig(mt, nil))
	require.NoError(t, err)
	for range 2 {
		_, err = c.WorkspaceOTP().OTPDevices(context.Background(), "u1")
		require.NoError(t, err)
	}
	assert.Equal(t, int32(1), ls.n.Load())
	assert.Equal(t, []string{ls.token(1), ls.token(1)}, check.seen)
}

// A refused token is renewed once; the call then succeeds.
func TestPasswordLoginRenewsOnUnauthorized(t *testing.T) {
	for _, refusal := range []string{"apig_error_0307.json", "keystone_error_401.json", "apigw_error_0301.json"} {
		t.Run(refusal, func(t *testing.T) {
			mt := newMock(t)
			ls := &loginServer{t: t, body: farFutureToken(t)}
			mt.RegisterResponder(http.MethodPost, iamBase+"/v3/auth/tokens", ls.respond)
			var check tokenCheck
			mt.RegisterResponder(http.MethodGet, otpURL("u1"), check.responder(t, fixture(t, "ws_otp_devices.json"), fixture(t, refusal),
				func(tok string) bool { return tok == ls.token(2) }))
			c, err := NewClient(passwordConfig(mt, nil))
			require.NoError(t, err)
			devs, err := c.WorkspaceOTP().OTPDevices(context.Background(), "u1")
			require.NoError(t, err)
			assert.Len(t, devs, 1)
			assert.Equal(t, int32(2), ls.n.Load())
			assert.Equal(t, []string{ls.token(1), ls.token(2)}, check.seen)
		})
	}
}

// A second refusal is returned: no loop.
func TestPasswordLoginSecondRefusal(t *testing.T) {
	mt := newMock(t)
	ls := &loginServer{t: t, body: farFutureToken(t)}
	mt.RegisterResponder(http.MethodPost, iamBase+"/v3/auth/tokens", ls.respond)
	mt.RegisterResponder(http.MethodGet, vmfaURL("u1"), jsonResponder(t, 401, "keystone_error_401.json"))
	logs := &testlog.Buffer{}
	c, err := NewClient(passwordConfig(mt, logs))
	require.NoError(t, err)
	_, err = c.VirtualMFA().UserDevices(context.Background(), "u1")
	require.ErrorIs(t, err, mfa.ErrUnauthorized)
	assert.Equal(t, int32(2), ls.n.Load())
	assert.Equal(t, 2, mt.GetCallCountInfo()["GET "+vmfaURL("u1")])
	assertNoSecrets(t, "error", err.Error())
	assertNoSecrets(t, "log", logs.String())
}

func TestPasswordLoginConcurrentCallsShareOneLogin(t *testing.T) {
	mt := newMock(t)
	ls := &loginServer{t: t, body: farFutureToken(t)}
	mt.RegisterResponder(http.MethodPost, iamBase+"/v3/auth/tokens", ls.respond)
	mt.RegisterResponder(http.MethodGet, otpURL("u1"), jsonResponder(t, 200, "ws_otp_devices.json"))
	mt.RegisterResponder(http.MethodGet, vmfaURL("u1"), jsonResponder(t, 200, "iam_virtual_mfa_device.json"))
	c, err := NewClient(passwordConfig(mt, nil))
	require.NoError(t, err)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if i%2 == 0 {
				_, err = c.WorkspaceOTP().UserDevices(context.Background(), "u1")
			} else {
				_, err = c.VirtualMFA().UserDevices(context.Background(), "u1")
			}
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(1), ls.n.Load())
}

func TestPasswordLoginFailures(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		want    error
		code    string
		message string
	}{
		{"wrong password", 401, string(fixture(t, "keystone_error_401.json")), mfa.ErrUnauthorized, "Unauthorized", "The username or password is wrong."},
		{"echoes the password", 400, `{"error":{"code":400,"message":"bad password ` + passwordSentinel + `","title":"Bad Request"}}`, mfa.ErrBadRequest, "Bad Request", "bad password [REDACTED]"},
		{"echoes it in a detail", 400, `{"code":"IAM.0011","message":"Request body is invalid.","details":[{"code":"IAM.0011","message":"password ` + passwordSentinel + ` is wrong"}]}`,
			mfa.ErrBadRequest, "IAM.0011", "Request body is invalid."},
		{"forbidden", 403, string(fixture(t, "iam_error_0002.json")), mfa.ErrForbidden, "IAM.0002", "You are not authorized to perform the requested action."},
		{"no subject token", 201, string(fixture(t, "iam_token.json")), mfa.ErrInvalidResponse, "", "no X-Subject-Token header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mt := newMock(t)
			mt.RegisterResponder(http.MethodPost, iamBase+"/v3/auth/tokens", httpmock.NewStringResponder(tt.status, tt.body))
			logs := &testlog.Buffer{}
			c, err := NewClient(passwordConfig(mt, logs))
			require.NoError(t, err)
			_, err = c.WorkspaceOTP().OTPDevices(context.Background(), "u1")
			require.ErrorIs(t, err, tt.want)
			assert.Contains(t, err.Error(), "password login")
			ae := apiError(t, err)
			assert.Equal(t, tt.status, ae.StatusCode)
			assert.Equal(t, tt.code, ae.Code)
			assert.Contains(t, ae.Message, tt.message)
			if strings.Contains(tt.body, "details") {
				assert.Contains(t, err.Error(), "caused by IAM.0011: password [REDACTED] is wrong")
			}
			assert.Equal(t, 1, mt.GetTotalCallCount(), "no API call without a token; a login is not retried")
			assertNoSecrets(t, "error", err.Error())
			assertNoSecrets(t, "log", logs.String())
		})
	}
}

func TestPasswordLoginOddExpiry(t *testing.T) {
	for name, body := range map[string]string{
		"no body":      "",
		"bad layout":   `{"token":{"expires_at":"tomorrow"}}`,
		"not an obj":   `[]`,
		"no expiry":    `{"token":{}}`,
		"wrong type":   `{"token":{"expires_at":5}}`,
		"html":         `<html>created</html>`,
		"ok, fraction": `{"token":{"expires_at":"2099-01-04T09:08:49.965000Z"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			mt := newMock(t)
			mt.RegisterResponder(http.MethodPost, iamBase+"/v3/auth/tokens", httpmock.NewStringResponder(201, body).
				HeaderSet(http.Header{"X-Subject-Token": {subjectTokenSentinel}}))
			mt.RegisterResponder(http.MethodGet, vmfaURL("u1"), jsonResponder(t, 200, "iam_virtual_mfa_device.json"))
			logs := &testlog.Buffer{}
			c, err := NewClient(passwordConfig(mt, logs))
			require.NoError(t, err)
			for range 2 {
				_, err = c.VirtualMFA().UserDevice(context.Background(), "u1")
				require.NoError(t, err, "the token is used until refused")
			}
			assert.Equal(t, 1, mt.GetCallCountInfo()["POST "+iamBase+"/v3/auth/tokens"])
			if name != "ok, fraction" {
				assert.Contains(t, logs.String(), "level=WARN")
			} else {
				assert.NotContains(t, logs.String(), "level=WARN")
			}
			assertNoSecrets(t, "log", logs.String())
		})
	}
}

// No credential reaches an error or a log line, whatever the path taken.
func TestSecretsNeverLeak(t *testing.T) {
	// Servers that echo what they received into their error bodies.
	echo := func(status int) httpmock.Responder {
		return func(r *http.Request) (*http.Response, error) {
			var b strings.Builder
			for k, vs := range r.Header {
				fmt.Fprintf(&b, "%s=%s;", k, strings.Join(vs, ","))
			}
			body, _ := json.Marshal(map[string]string{
				"error_code":                    "APIGW.0301",
				"error_msg":                     "rejected: " + b.String(),
				"encoded_authorization_message": "enc " + b.String(),
				"request_id":                    "rid",
			})
			return httpmock.NewBytesResponse(status, body), nil
		}
	}
	for _, kind := range []string{"token", "password", "keys"} {
		for _, status := range []int{200, 400, 401, 403, 500, 502} {
			t.Run(fmt.Sprintf("%s/%d", kind, status), func(t *testing.T) {
				mt := newMock(t)
				mt.RegisterResponder(http.MethodPost, iamBase+"/v3/auth/tokens", httpmock.NewBytesResponder(201, farFutureToken(t)).
					HeaderSet(http.Header{"X-Subject-Token": {subjectTokenSentinel}}))
				mt.RegisterResponder(http.MethodGet, vmfaURL("u1"), echo(status))
				mt.RegisterResponder(http.MethodGet, otpURL("u1"), echo(status))
				mt.RegisterResponder(http.MethodGet, iamBase+"/v3.0/OS-MFA/virtual-mfa-devices", echo(status))
				logs := &testlog.Buffer{}
				cfg := tokenConfig(mt, logs)
				switch kind {
				case "password":
					cfg.Token, cfg.DomainName, cfg.Username, cfg.Password = mfa.Secret{}, "example-account", "auditor", pw
				case "keys":
					cfg.Token, cfg.AccessKey, cfg.SecretKey, cfg.SecurityToken = mfa.Secret{}, accessKey, sk, st
				}
				c, err := NewClient(cfg)
				require.NoError(t, err)
				ctx := context.Background()
				var errs []string
				_, err = c.VirtualMFA().UserDevices(ctx, "u1")
				errs = append(errs, fmt.Sprintf("%v %+v %#v", err, err, err))
				_, err = c.WorkspaceOTP().UserDevices(ctx, "u1")
				errs = append(errs, fmt.Sprintf("%v %+v %#v", err, err, err))
				for _, err := range c.VirtualMFA().AllDevices(ctx) {
					errs = append(errs, fmt.Sprintf("%v", err))
				}
				if status >= 400 {
					require.Error(t, err)
				}
				for _, e := range errs {
					assertNoSecrets(t, "error", e)
				}
				assertNoSecrets(t, "log", logs.String())
			})
		}
	}
}

// A login error that echoes the password where an error is cut short (at
// maxMessageBytes, maxCodeBytes, 4*maxMessageBytes) keeps no part of it:
// the texts are redacted before they are cut, in the code and the causes
// too.
func TestPasswordLoginSecretAtTheCut(t *testing.T) {
	filler := func(n int) string { return strings.Repeat("a", n) }
	tests := map[string]string{
		"message":       `{"error_code":"IAM.0011","error_msg":"` + filler(1010) + passwordSentinel + `"}`,
		"keystone":      `{"error":{"code":400,"message":"` + filler(1010) + passwordSentinel + `","title":"Bad Request"}}`,
		"code":          `{"error_code":"` + filler(50) + passwordSentinel + `","error_msg":"x"}`,
		"whole code":    `{"error_code":"` + passwordSentinel + `","error_msg":"x"}`,
		"request id":    `{"error_code":"IAM.0011","error_msg":"x","request_id":"` + filler(120) + passwordSentinel + `"}`,
		"encoded":       `{"error_code":"IAM.0011","error_msg":"x","encoded_authorization_message":"` + filler(4080) + passwordSentinel + `"}`,
		"detail":        `{"code":"IAM.0011","message":"x","details":[{"code":"IAM.0011","message":"` + filler(1010) + passwordSentinel + `"}]}`,
		"detail code":   `{"code":"IAM.0011","message":"x","details":[{"code":"` + filler(50) + passwordSentinel + `","message":"y"}]}`,
		"nested detail": `{"code":"IAM.0011","message":"x","details":[{"code":"A","details":[{"code":"B","message":"` + filler(1010) + passwordSentinel + `"}]}]}`,
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			mt := newMock(t)
			mt.RegisterResponder(http.MethodPost, iamBase+"/v3/auth/tokens", httpmock.NewStringResponder(400, body))
			c, err := NewClient(passwordConfig(mt, nil))
			require.NoError(t, err)
			_, err = c.WorkspaceOTP().OTPDevices(context.Background(), "u1")
			require.ErrorIs(t, err, mfa.ErrBadRequest)
			ae := apiError(t, err)
			for _, s := range []string{err.Error(), ae.EncodedAuthorizationMessage} {
				for i := 0; i+8 <= len(passwordSentinel); i++ {
					assert.NotContains(t, s, passwordSentinel[i:i+8])
				}
			}
		})
	}
}
