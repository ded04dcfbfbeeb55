package rackspace_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/internal/testlog"
	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/rackspace"
)

// secondToken is the token of a second login.
const secondToken = "SECOND-TOKEN-SENTINEL-b2c4"

func init() { sentinels = append(sentinels, secondToken) }

// tokenBody is a login response.
func tokenBody(id string, expires time.Time) []byte {
	return fmt.Appendf(nil, `{"access":{"token":{"id":%q,"expires":%q},"user":{"id":"u1","name":"jqsmith"}}}`,
		id, expires.In(time.FixedZone("CST", -6*3600)).Format("2006-01-02T15:04:05.000-07:00"))
}

// loginResponder checks a login request and answers with the next body.
func loginResponder(t *testing.T, wantAuth map[string]any, bodies ...[]byte) httpmock.Responder {
	var mu sync.Mutex
	n := 0
	return func(req *http.Request) (*http.Response, error) {
		assert.Equal(t, "application/json", req.Header.Get("Content-Type"))
		assert.Equal(t, "application/json", req.Header.Get("Accept"), "the login is made in JSON whatever the format")
		assert.Empty(t, req.Header.Get("X-Auth-Token"))
		assert.Equal(t, map[string]any{"auth": wantAuth}, readJSON(t, req))
		mu.Lock()
		body := bodies[min(n, len(bodies)-1)]
		n++
		mu.Unlock()
		return respond(http.StatusOK, body), nil
	}
}

var apiKeyAuth = map[string]any{"RAX-KSKEY:apiKeyCredentials": map[string]any{"username": "jqsmith", "apiKey": apiKeySentinel}}
var passwordAuth = map[string]any{"passwordCredentials": map[string]any{"username": "jqsmith", "password": passwordSentinel}}

func withAPIKey(cfg *rackspace.Config) {
	cfg.Token, cfg.Username, cfg.APIKey = mfa.Secret{}, "jqsmith", secretAPIKey
}

func withPassword(cfg *rackspace.Config) {
	cfg.Token, cfg.Username, cfg.Password = mfa.Secret{}, "jqsmith", secretPassword
}

func TestLogin(t *testing.T) {
	later := time.Now().Add(24 * time.Hour)
	tests := []struct {
		name   string
		format rackspace.Format
		edit   func(*rackspace.Config)
		auth   map[string]any
		body   []byte
		token  string
	}{
		{"api key, JSON", rackspace.JSON, withAPIKey, apiKeyAuth, tokenBody(secondToken, later), secondToken},
		{"api key, XML", rackspace.XML, withAPIKey, apiKeyAuth, tokenBody(secondToken, later), secondToken},
		{"password, JSON", rackspace.JSON, withPassword, passwordAuth, tokenBody(secondToken, later), secondToken},
		{"password, vendor's token response", rackspace.XML, withPassword, passwordAuth, fixture(t, "token.json"), tokenSentinel},
		{"api key, token response in XML", rackspace.JSON, withAPIKey, apiKeyAuth, fixture(t, "token.xml"), tokenSentinel},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mt := newMock(t)
			mt.RegisterResponder(http.MethodPost, tokensURL, loginResponder(t, tt.auth, tt.body))
			mt.RegisterResponder(http.MethodGet, listURL, func(req *http.Request) (*http.Response, error) {
				assert.Equal(t, tt.token, req.Header.Get("X-Auth-Token"))
				assert.Equal(t, "application/"+tt.format.String(), req.Header.Get("Accept"))
				return respond(http.StatusOK, fixture(t, "devices_list.json")), nil
			})
			c := newClient(t, mt, func(cfg *rackspace.Config) {
				tt.edit(cfg)
				cfg.Format = tt.format
			})
			for range 3 {
				devices, err := c.OTPDevices(context.Background(), userID)
				require.NoError(t, err)
				assert.Len(t, devices, 3)
			}
			assert.Equal(t, 1, calls(mt, http.MethodPost, tokensURL), "the token is kept")
			assert.Equal(t, 3, calls(mt, http.MethodGet, listURL))
		})
	}
}

func TestLoginPastExpiryIsIgnored(t *testing.T) {
	// The vendor's token response expires in 2014: by the local clock the
	// token is already expired, which would mean a login before every call.
	for _, name := range []string{"token.json", "token.xml"} {
		t.Run(name, func(t *testing.T) {
			mt := newMock(t)
			mt.RegisterResponder(http.MethodPost, tokensURL, loginResponder(t, apiKeyAuth, fixture(t, name)))
			mt.RegisterResponder(http.MethodGet, listURL, serve(http.StatusOK, fixture(t, "devices_empty.json")))
			logger, logs := testlog.New()
			c := newClient(t, mt, func(cfg *rackspace.Config) { withAPIKey(cfg); cfg.Logger = logger })
			for range 2 {
				_, err := c.OTPDevices(context.Background(), userID)
				require.NoError(t, err)
			}
			assert.Equal(t, 1, calls(mt, http.MethodPost, tokensURL))
			assert.Contains(t, logs.String(), "token expiry already past")
			assert.Contains(t, logs.String(), "field=access.token.expires value=2014-01-09T15:08:53.645-06:00")
		})
	}
}

func TestLoginUnreadableExpiry(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodPost, tokensURL, loginResponder(t, apiKeyAuth, fixture(t, "token_bad_expires.json")))
	mt.RegisterResponder(http.MethodGet, listURL, serve(http.StatusOK, fixture(t, "devices_empty.json")))
	logger, logs := testlog.New()
	c := newClient(t, mt, func(cfg *rackspace.Config) { withAPIKey(cfg); cfg.Logger = logger })
	_, err := c.OTPDevices(context.Background(), userID)
	require.NoError(t, err)
	assert.Contains(t, logs.String(), `level=WARN msg="unreadable token expiry`)
	assert.Contains(t, logs.String(), `field=access.token.expires value="next tuesday"`)
}

func TestRenewalBeforeExpiry(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodPost, tokensURL, sequence(
		func(*http.Request) (*http.Response, error) {
			return respond(http.StatusOK, tokenBody(tokenSentinel, time.Now().Add(200*time.Millisecond))), nil
		},
		serve(http.StatusOK, tokenBody(secondToken, time.Now().Add(24*time.Hour)))))
	var seen []string
	mt.RegisterResponder(http.MethodGet, listURL, func(req *http.Request) (*http.Response, error) {
		seen = append(seen, req.Header.Get("X-Auth-Token"))
		return respond(http.StatusOK, fixture(t, "devices_empty.json")), nil
	})
	c := newClient(t, mt, withAPIKey)

	_, err := c.OTPDevices(context.Background(), userID)
	require.NoError(t, err)
	time.Sleep(400 * time.Millisecond) // past the first token's expiry
	_, err = c.OTPDevices(context.Background(), userID)
	require.NoError(t, err)
	_, err = c.OTPDevices(context.Background(), userID)
	require.NoError(t, err)

	assert.Equal(t, 2, calls(mt, http.MethodPost, tokensURL))
	assert.Equal(t, []string{tokenSentinel, secondToken, secondToken}, seen)
}

func TestRenewalOn401(t *testing.T) {
	later := time.Now().Add(24 * time.Hour)
	unauthorized := fixture(t, "faults/unauthorized.json")

	t.Run("renewed once", func(t *testing.T) {
		mt := newMock(t)
		mt.RegisterResponder(http.MethodPost, tokensURL, loginResponder(t, passwordAuth, tokenBody(tokenSentinel, later), tokenBody(secondToken, later)))
		mt.RegisterResponder(http.MethodGet, deviceURL, func(req *http.Request) (*http.Response, error) {
			if req.Header.Get("X-Auth-Token") == tokenSentinel {
				return respond(http.StatusUnauthorized, unauthorized), nil
			}
			return respond(http.StatusOK, fixture(t, "device.json")), nil
		})
		c := newClient(t, mt, withPassword)
		d, err := c.OTPDevice(context.Background(), userID, deviceID)
		require.NoError(t, err)
		assert.Equal(t, deviceID, d.ID())
		assert.Equal(t, 2, calls(mt, http.MethodPost, tokensURL))
		assert.Equal(t, 2, calls(mt, http.MethodGet, deviceURL))
	})

	t.Run("a second 401 is returned", func(t *testing.T) {
		mt := newMock(t)
		mt.RegisterResponder(http.MethodPost, tokensURL, loginResponder(t, apiKeyAuth, tokenBody(tokenSentinel, later), tokenBody(secondToken, later)))
		mt.RegisterResponder(http.MethodGet, deviceURL, serve(http.StatusUnauthorized, fixture(t, "faults/unauthorized.xml")))
		c := newClient(t, mt, func(cfg *rackspace.Config) { withAPIKey(cfg); cfg.Format = rackspace.XML })
		_, err := c.OTPDevice(context.Background(), userID, deviceID)
		assertOnly(t, err, mfa.ErrUnauthorized)
		var apiErr *mfa.APIError
		require.True(t, errors.As(err, &apiErr))
		assert.Equal(t, "unauthorized", apiErr.Code)
		assert.Equal(t, 2, calls(mt, http.MethodPost, tokensURL), "one renewal, no loop")
		assert.Equal(t, 2, calls(mt, http.MethodGet, deviceURL))
		assertNoSecret(t, "error", err.Error())
	})

	t.Run("a static token is not renewed", func(t *testing.T) {
		mt := newMock(t)
		mt.RegisterResponder(http.MethodGet, deviceURL, serve(http.StatusUnauthorized, unauthorized))
		c := newClient(t, mt, nil)
		_, err := c.OTPDevice(context.Background(), userID, deviceID)
		assertOnly(t, err, mfa.ErrUnauthorized)
		assert.Equal(t, 1, calls(mt, http.MethodGet, deviceURL))
	})
}

func TestConcurrentCallsShareOneLogin(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodPost, tokensURL, loginResponder(t, apiKeyAuth, tokenBody(tokenSentinel, time.Now().Add(time.Hour))))
	mt.RegisterResponder(http.MethodGet, listURL, serve(http.StatusOK, fixture(t, "devices_list.xml")))
	c := newClient(t, mt, withAPIKey)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.OTPDevices(context.Background(), userID)
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, calls(mt, http.MethodPost, tokensURL))
	assert.Equal(t, 8, calls(mt, http.MethodGet, listURL))
}

func TestLoginFailures(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		body     []byte
		header   []string
		sentinel error
		contains string
	}{
		{"refused", http.StatusUnauthorized, []byte(`{"unauthorized":{"code":401,"message":"Unable to authenticate user with credentials provided: OWN"}}`),
			nil, mfa.ErrUnauthorized, "Unable to authenticate user with credentials provided"},
		{"multi-factor challenge", http.StatusUnauthorized, fixture(t, "faults/unauthorized_mfa.json"),
			[]string{"WWW-Authenticate", "OS-MF sessionId='c2Vzc2lvbg', factor='PASSCODE'"}, mfa.ErrUnauthorized, "requires a multi-factor passcode"},
		{"user disabled", http.StatusForbidden, fixture(t, "faults/userDisabled.xml"), nil, mfa.ErrForbidden, "userDisabled"},
		{"unavailable, not retried", http.StatusServiceUnavailable, fixture(t, "faults/serviceUnavailable.json"), nil, mfa.ErrUnavailable, "serviceUnavailable"},
		{"over limit, not retried", http.StatusRequestEntityTooLarge, fixture(t, "faults/overLimit.json"), []string{"Retry-After", "0"}, mfa.ErrRateLimited, "overLimit"},
		{"no token id", http.StatusOK, fixture(t, "token_no_id.json"), nil, mfa.ErrInvalidResponse, "no access.token.id"},
		{"truncated token", http.StatusOK, []byte(`{"access":{"token":{"id":"` + tokenSentinel + `","expires":`), nil, mfa.ErrInvalidResponse, "cannot decode the token response"},
		{"HTML", http.StatusOK, fixture(t, "proxy.html"), nil, mfa.ErrInvalidResponse, "cannot decode the token response"},
		{"empty", http.StatusOK, nil, nil, mfa.ErrInvalidResponse, "neither JSON nor XML"},
		{"no token", http.StatusOK, []byte(`{"access":null}`), nil, mfa.ErrInvalidResponse, "no access.token"},
		{"no token in XML", http.StatusOK, []byte(`<access xmlns="http://docs.openstack.org/identity/api/v2.0"><user id="u"/></access>`), nil, mfa.ErrInvalidResponse, "no access.token"},
		{"XML in another namespace", http.StatusOK, []byte(`<access xmlns="urn:x"><token id="OWN"/></access>`), nil, mfa.ErrInvalidResponse, `got <access> in namespace "urn:x"`},
	}
	for _, tt := range tests {
		for own, edit := range map[string]func(*rackspace.Config){apiKeySentinel: withAPIKey, passwordSentinel: withPassword} {
			t.Run(tt.name, func(t *testing.T) {
				mt := newMock(t)
				// The body echoes the client's own credential.
				body := bytes.ReplaceAll(tt.body, []byte("OWN"), []byte(own))
				mt.RegisterResponder(http.MethodPost, tokensURL, serve(tt.status, body, tt.header...))
				logger, logs := testlog.New()
				c := newClient(t, mt, func(cfg *rackspace.Config) { edit(cfg); cfg.Logger = logger })
				_, err := c.OTPDevices(context.Background(), userID)
				require.Error(t, err)
				assertOnly(t, err, tt.sentinel)
				assert.ErrorContains(t, err, tt.contains)
				assert.ErrorContains(t, err, `logging in as "jqsmith"`)
				assert.Equal(t, 1, calls(mt, http.MethodPost, tokensURL), "a login is never retried")
				assert.Equal(t, 0, calls(mt, http.MethodGet, listURL))
				assertNoSecret(t, "error", err.Error())
				assertNoSecret(t, "log", logs.String())
				assert.NotContains(t, err.Error(), "sessionId")
			})
		}
	}
}

// TestSecretsNeverLeak drives every path that builds an error or a log line
// with bodies that echo the token the request carried and the client's own
// key or password, and looks for them everywhere.
func TestSecretsNeverLeak(t *testing.T) {
	later := time.Now().Add(time.Hour)
	for _, kind := range []string{"token", "api key", "password"} {
		t.Run(kind, func(t *testing.T) {
			var own string
			edit := func(*rackspace.Config) {}
			switch kind {
			case "api key":
				own, edit = apiKeySentinel, withAPIKey
			case "password":
				own, edit = passwordSentinel, withPassword
			}
			// echo makes a response whose body repeats the request's token
			// and the client's credential.
			echo := func(status int, format string) httpmock.Responder {
				return func(req *http.Request) (*http.Response, error) {
					return respond(status, fmt.Appendf(nil, format, req.Header.Get("X-Auth-Token"), own)), nil
				}
			}
			mt := newMock(t)
			mt.RegisterResponder(http.MethodPost, tokensURL, sequence(
				serve(http.StatusOK, tokenBody(tokenSentinel, later)),
				serve(http.StatusOK, tokenBody(secondToken, later))))
			mt.RegisterResponder(http.MethodGet, listURL, sequence(
				echo(http.StatusUnauthorized, `{"unauthorized":{"code":401,"message":"Token %s expired","details":"credential %s"}}`),
				echo(http.StatusInternalServerError, `{"identityFault":{"code":500,"message":"token %s","details":"key %s"}}`),
				echo(http.StatusInternalServerError, `<identityFault xmlns="http://docs.openstack.org/identity/api/v2.0" code="500"><message>token %s</message><details>key %s</details></identityFault>`),
				echo(http.StatusBadGateway, `<html><body>X-Auth-Token: %s apiKey %s</body></html>`),
				echo(http.StatusOK, `<html><body>X-Auth-Token: %s apiKey %s</body></html>`),
				echo(http.StatusOK, `{"token":%q,"key":%q}`),
				serve(http.StatusOK, fixture(t, "devices_list.json"))))
			logger, logs := testlog.New()
			c := newClient(t, mt, func(cfg *rackspace.Config) {
				edit(cfg)
				cfg.Logger = logger
				cfg.Retry = mfa.RetryPolicy{MaxAttempts: 1}
			})
			var texts []string
			failures := 0
			for range 7 {
				devices, err := c.OTPDevices(context.Background(), userID)
				if err != nil {
					failures++
					texts = append(texts, err.Error(), fmt.Sprintf("%+v %#v", err, err))
					var apiErr *mfa.APIError
					if errors.As(err, &apiErr) {
						texts = append(texts, apiErr.Message, apiErr.Details)
					}
					continue
				}
				for _, d := range devices {
					texts = append(texts, fmt.Sprintf("%+v %#v", d, d))
				}
			}
			want := 6
			if kind != "token" {
				want = 5 // the 401 is renewed away
			}
			assert.Equal(t, want, failures)
			for _, text := range texts {
				assertNoSecret(t, "error", text)
			}
			assertNoSecret(t, "log", logs.String())
			assertNoSecret(t, "client", fmt.Sprintf("%v %+v %#v %#v", c, *c, c, *c))
		})
	}
}
