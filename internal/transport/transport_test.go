package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/openmfa/mfa-go/internal/pause"
	"github.com/openmfa/mfa-go/mfa"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	base        = "https://api.test/root"
	secretToken = "TOKEN-SENTINEL-7f3a9c"
)

// fast is a retry policy with waits short enough for tests.
var fast = mfa.RetryPolicy{MaxAttempts: 3, MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond, MaxRetryAfter: 5 * time.Millisecond}

// envelope is a vendor error envelope for tests: {"code":..,"message":..}.
func decodeEnvelope(r *Response) *mfa.APIError {
	var env struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Kind    string `json:"kind"`
	}
	if json.Unmarshal(r.Body, &env) != nil || env.Code == "" {
		return nil
	}
	e := &mfa.APIError{Code: env.Code, Message: env.Message}
	switch env.Kind {
	case "not-found":
		e.Kind = mfa.ErrNotFound
	case "transient":
		e.Kind = mfa.ErrUnavailable
	case "unauthorized":
		e.Kind = mfa.ErrUnauthorized
	}
	return e
}

type option func(*Config)

func mockClient(t *testing.T, opts ...option) (*Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		t.Errorf("unexpected request %s %s", req.Method, req.URL)
		return httpmock.NewStringResponse(599, "unexpected"), nil
	})
	u, err := url.Parse(base)
	require.NoError(t, err)
	cfg := Config{Provider: "test", BaseURL: u, HTTPClient: &http.Client{Transport: mt}, Retry: fast, DecodeError: decodeEnvelope}
	for _, o := range opts {
		o(&cfg)
	}
	c, err := New(cfg)
	require.NoError(t, err)
	return c, mt
}

func get(path string) *Request {
	return &Request{Method: http.MethodGet, Path: path, Accept: "application/json"}
}

func TestRetriesOnlyTransientStatuses(t *testing.T) {
	cases := []struct {
		status int
		calls  int
		want   error
	}{
		{429, 3, mfa.ErrRateLimited},
		{413, 3, mfa.ErrRateLimited},
		{502, 3, mfa.ErrUnavailable},
		{503, 3, mfa.ErrUnavailable},
		{504, 3, mfa.ErrUnavailable},
		{500, 1, mfa.ErrUnavailable},
		{400, 1, mfa.ErrBadRequest},
		{401, 1, mfa.ErrUnauthorized},
		{403, 1, mfa.ErrForbidden},
		{404, 1, mfa.ErrNotFound},
		{405, 1, mfa.ErrUnsupported},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			c, mt := mockClient(t)
			mt.RegisterResponder("GET", base+"/x", httpmock.NewStringResponder(tc.status, `{"code":"E.1","message":"it failed"}`))
			_, err := c.Do(context.Background(), get("/x"))
			assert.ErrorIs(t, err, tc.want)
			var apiErr *mfa.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode)
			assert.Equal(t, "E.1", apiErr.Code, "the final response is decoded, not dropped")
			assert.Equal(t, "it failed", apiErr.Message)
			assert.Equal(t, "test", apiErr.Provider)
			assert.Equal(t, tc.calls, mt.GetTotalCallCount())
		})
	}
}

func TestRetrySucceeds(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder("GET", base+"/x",
		httpmock.NewStringResponder(429, "").Then(httpmock.NewStringResponder(503, "")).Then(httpmock.NewStringResponder(200, `{"ok":1}`)))
	resp, err := c.Do(context.Background(), get("/x"))
	require.NoError(t, err)
	assert.Equal(t, `{"ok":1}`, string(resp.Body))
	assert.Equal(t, 3, mt.GetTotalCallCount())
}

func TestMaxAttempts(t *testing.T) {
	for _, attempts := range []int{1, 2, 5} {
		c, mt := mockClient(t, func(c *Config) { c.Retry.MaxAttempts = attempts })
		mt.RegisterResponder("GET", base+"/x", httpmock.NewStringResponder(503, ""))
		_, err := c.Do(context.Background(), get("/x"))
		assert.ErrorIs(t, err, mfa.ErrUnavailable)
		assert.Equal(t, attempts, mt.GetTotalCallCount())
	}
}

func TestNonIdempotentMethodsAreNotRetried(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder("POST", base+"/login", httpmock.NewStringResponder(503, ""))
	mt.RegisterResponder("PATCH", base+"/x", httpmock.NewErrorResponder(errors.New("connection reset by peer")))
	_, err := c.Do(context.Background(), &Request{Method: "POST", Path: "/login", Body: []byte(`{}`), ContentType: "application/json"})
	assert.ErrorIs(t, err, mfa.ErrUnavailable)
	_, err = c.Do(context.Background(), &Request{Method: "PATCH", Path: "/x"})
	assert.ErrorIs(t, err, mfa.ErrUnavailable)
	assert.Equal(t, 2, mt.GetTotalCallCount())
}

func TestIdempotentWritesAreRetriedWithTheirBody(t *testing.T) {
	c, mt := mockClient(t)
	var bodies []string
	mt.RegisterResponder("PUT", base+"/login", func(req *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(req.Body)
		bodies = append(bodies, string(b))
		if len(bodies) < 3 {
			return httpmock.NewStringResponse(503, ""), nil
		}
		return httpmock.NewStringResponse(200, "{}"), nil
	})
	_, err := c.Do(context.Background(), &Request{Method: "PUT", Path: "/login", Body: []byte(`{"a":1}`), ContentType: "application/json"})
	require.NoError(t, err)
	assert.Equal(t, []string{`{"a":1}`, `{"a":1}`, `{"a":1}`}, bodies, "the body is sent whole on every attempt")
}

func TestNetworkErrorsAreRetriedAndNameNoQuery(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder("GET", base+"/x", httpmock.NewErrorResponder(errors.New("connection refused")))
	req := get("/x")
	req.Query = url.Values{"q": {"userUuid=secret-looking-value"}}
	_, err := c.Do(context.Background(), req)
	assert.ErrorIs(t, err, mfa.ErrUnavailable)
	assert.Equal(t, 3, mt.GetTotalCallCount())
	assert.Contains(t, err.Error(), "test: GET /x")
	assert.Contains(t, err.Error(), "connection refused")
	assert.NotContains(t, err.Error(), "secret-looking-value")
	assert.NotContains(t, err.Error(), "api.test")
}

func TestTheDecoderDecidesWhetherA503IsTransient(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder("GET", base+"/gone", httpmock.NewStringResponder(503, `{"code":"SYS.1003","kind":"not-found"}`))
	mt.RegisterResponder("GET", base+"/busy", httpmock.NewStringResponder(503, `{"code":"SYS.1012","kind":"transient"}`))

	_, err := c.Do(context.Background(), get("/gone"))
	assert.ErrorIs(t, err, mfa.ErrNotFound)
	assert.Equal(t, 1, mt.GetCallCountInfo()["GET "+base+"/gone"])

	_, err = c.Do(context.Background(), get("/busy"))
	assert.ErrorIs(t, err, mfa.ErrUnavailable)
	assert.Equal(t, 3, mt.GetCallCountInfo()["GET "+base+"/busy"])
}

func TestBackoff(t *testing.T) {
	c, _ := mockClient(t, func(c *Config) { c.Retry = mfa.RetryPolicy{MaxRetryAfter: 20 * time.Second} })
	withRetryAfter := func(v string) *http.Response {
		return &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {v}}}
	}
	assert.Equal(t, 3*time.Second, c.backoff(time.Second, 4*time.Second, 0, withRetryAfter("3")), "seconds")
	assert.Equal(t, 20*time.Second, c.backoff(time.Second, 4*time.Second, 0, withRetryAfter("86400")), "an absurd wait is capped")
	assert.Equal(t, time.Duration(0), c.backoff(time.Second, 4*time.Second, 0, withRetryAfter("Mon, 02 Jan 2006 15:04:05 GMT")), "a date in the past")

	date := time.Now().Add(10 * time.Second).UTC().Format(http.TimeFormat)
	d := c.backoff(time.Second, 4*time.Second, 0, withRetryAfter(date))
	assert.InDelta(t, float64(10*time.Second), float64(d), float64(1100*time.Millisecond), "an HTTP date")

	for attempt := range 70 {
		exp := time.Second
		for i := 0; i < attempt && exp < 4*time.Second; i++ {
			exp *= 2
		}
		exp = min(exp, 4*time.Second)
		for _, resp := range []*http.Response{nil, withRetryAfter("soon"), withRetryAfter("-5")} {
			d := c.backoff(time.Second, 4*time.Second, attempt, resp)
			assert.GreaterOrEqual(t, d, exp/2, "attempt %d", attempt)
			assert.LessOrEqual(t, d, exp, "attempt %d", attempt)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := map[string]time.Duration{
		"0":                              0,
		" 7 ":                            7 * time.Second,
		"Fri, 02 Jan 2026 03:04:35 GMT":  30 * time.Second,
		"Friday, 02-Jan-26 03:04:15 GMT": 10 * time.Second,
		"Fri Jan  2 03:04:25 2026":       20 * time.Second,
		"Fri, 02 Jan 2026 03:00:00 GMT":  0,
		"99999999999":                    24 * time.Hour,
	}
	for v, want := range cases {
		got, ok := RetryAfter(v, now)
		assert.True(t, ok, v)
		assert.Equal(t, want, got, v)
	}
	for _, v := range []string{"", "-1", "1.5", "soon", "2026-01-02T03:04:35Z"} {
		_, ok := RetryAfter(v, now)
		assert.False(t, ok, v)
	}
}

func TestRetryAfterIsHonouredAndCapped(t *testing.T) {
	var logs bytes.Buffer
	c, mt := mockClient(t, func(c *Config) {
		c.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	resp := httpmock.NewStringResponse(429, "")
	resp.Header.Set("Retry-After", "3600")
	mt.RegisterResponder("GET", base+"/x", httpmock.ResponderFromResponse(resp).Then(httpmock.NewStringResponder(200, "{}")))
	_, err := c.Do(context.Background(), get("/x"))
	require.NoError(t, err)
	assert.Contains(t, logs.String(), "wait=5ms", "the server's hour is capped at MaxRetryAfter")
}

func TestCancelDuringBackoff(t *testing.T) {
	c, mt := mockClient(t, func(c *Config) { c.Retry.MaxRetryAfter = time.Hour })
	resp := httpmock.NewStringResponse(503, "")
	resp.Header.Set("Retry-After", "3600")
	mt.RegisterResponder("GET", base+"/x", httpmock.ResponderFromResponse(resp))

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	_, err := c.Do(ctx, get("/x"))
	assert.ErrorIs(t, err, context.Canceled)
	assert.Contains(t, err.Error(), "test: GET /x")
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestRetryAfterPastTheDeadlineFailsAtOnce(t *testing.T) {
	c, mt := mockClient(t, func(c *Config) { c.Retry.MaxRetryAfter = time.Hour })
	resp := httpmock.NewStringResponse(429, "")
	resp.Header.Set("Retry-After", "60")
	mt.RegisterResponder("GET", base+"/x", httpmock.ResponderFromResponse(resp))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := c.Do(ctx, get("/x"))
	assert.ErrorIs(t, err, mfa.ErrRateLimited, "the server's answer, not a wait to the deadline")
	assert.NoError(t, ctx.Err(), "the call returned without sleeping to the deadline")
	assert.Equal(t, 1, mt.GetTotalCallCount())

	// A wait that ends before the deadline is waited for.
	resp.Header.Set("Retry-After", "0")
	mt.RegisterResponder("GET", base+"/x", httpmock.ResponderFromResponse(resp))
	_, err = c.Do(ctx, get("/x"))
	assert.ErrorIs(t, err, mfa.ErrRateLimited)
	assert.Equal(t, 1+fast.MaxAttempts, mt.GetTotalCallCount())
}

func TestBodySizeLimit(t *testing.T) {
	c, mt := mockClient(t, func(c *Config) { c.MaxBodyBytes = 1000 })
	big := strings.Repeat("x", 1001)
	mt.RegisterResponder("GET", base+"/sized", httpmock.NewStringResponder(200, big))
	mt.RegisterResponder("GET", base+"/chunked", func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(200, big)
		resp.ContentLength = -1
		return resp, nil
	})
	mt.RegisterResponder("GET", base+"/exact", httpmock.NewStringResponder(200, big[:1000]))
	mt.RegisterResponder("GET", base+"/error", httpmock.NewStringResponder(404, big))

	for _, path := range []string{"/sized", "/chunked", "/error"} {
		_, err := c.Do(context.Background(), get(path))
		assert.ErrorIs(t, err, mfa.ErrInvalidResponse, path)
		assert.ErrorContains(t, err, "exceeds the 1000-byte limit", path)
	}
	resp, err := c.Do(context.Background(), get("/exact"))
	require.NoError(t, err)
	assert.Len(t, resp.Body, 1000)
}

func TestDefaultBodyLimitIs8MiB(t *testing.T) {
	c, _ := mockClient(t)
	assert.EqualValues(t, 8<<20, c.maxBody)
}

func TestHeaders(t *testing.T) {
	c, mt := mockClient(t, func(c *Config) {
		c.Auth = &StaticAuth{Header: "X-Auth-Token", Value: secretToken}
	})
	var got http.Header
	mt.RegisterResponder("POST", base+"/x", func(req *http.Request) (*http.Response, error) {
		got = req.Header
		return httpmock.NewStringResponse(200, ""), nil
	})
	_, err := c.Do(context.Background(), &Request{
		Method: "POST", Path: "/x", Accept: "application/xml",
		Body: []byte("<a/>"), ContentType: "application/xml",
		Header: http.Header{"X-Project-Id": {"p1"}},
	})
	require.NoError(t, err)
	assert.Equal(t, "mfa-go/"+mfa.Version, got.Get("User-Agent"))
	assert.Equal(t, "application/xml", got.Get("Accept"))
	assert.Equal(t, "application/xml", got.Get("Content-Type"))
	assert.Equal(t, "p1", got.Get("X-Project-Id"))
	assert.Equal(t, secretToken, got.Get("X-Auth-Token"))
}

func TestBasePathAndQuery(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder("GET", base+"/users/a%2Fb/devices", func(req *http.Request) (*http.Response, error) {
		assert.Equal(t, "/root/users/a%2Fb/devices", req.URL.EscapedPath())
		assert.Equal(t, []string{"userUuid=1", "status=x"}, req.URL.Query()["q"])
		return httpmock.NewStringResponse(200, ""), nil
	})
	p, err := EscapePath("/users/%s/devices", "a/b")
	require.NoError(t, err)
	req := get(p)
	req.Query = url.Values{"q": {"userUuid=1", "status=x"}}
	_, err = c.Do(context.Background(), req)
	require.NoError(t, err)
}

func TestNilContext(t *testing.T) {
	c, mt := mockClient(t)
	//lint:ignore SA1012 a nil context is what this test is about
	_, err := c.Do(nil, get("/x")) //nolint:staticcheck
	assert.ErrorIs(t, err, mfa.ErrBadRequest)
	assert.ErrorContains(t, err, "nil context")
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestAuthenticatorRunsBeforeEveryAttempt(t *testing.T) {
	var stamps []string
	n := 0
	c, mt := mockClient(t, func(c *Config) {
		c.Auth = authFunc(func(req *http.Request) error {
			n++
			req.Header.Set("X-Sdk-Date", fmt.Sprint("stamp-", n))
			return nil
		})
	})
	mt.RegisterResponder("GET", base+"/x", func(req *http.Request) (*http.Response, error) {
		stamps = append(stamps, req.Header.Get("X-Sdk-Date"))
		return httpmock.NewStringResponse(502, ""), nil
	})
	_, err := c.Do(context.Background(), get("/x"))
	assert.ErrorIs(t, err, mfa.ErrUnavailable)
	assert.Equal(t, []string{"stamp-1", "stamp-2", "stamp-3"}, stamps, "every retry is signed afresh")
}

func TestNoAuthRequestsAreNeverAuthenticated(t *testing.T) {
	c, mt := mockClient(t, func(c *Config) {
		c.Auth = authFunc(func(req *http.Request) error {
			t.Error("a NoAuth request was authenticated")
			return nil
		})
	})
	mt.RegisterResponder("PUT", base+"/login", httpmock.NewStringResponder(503, ""))
	_, err := c.Do(context.Background(), &Request{Method: "PUT", Path: "/login", NoAuth: true})
	assert.ErrorIs(t, err, mfa.ErrUnavailable)
	assert.Equal(t, 3, mt.GetTotalCallCount())
}

// loginCounter is a LoginFunc that hands out tok-1, tok-2, ...
type loginCounter struct{ n atomic.Int32 }

func (l *loginCounter) login(ctx context.Context) (Token, error) {
	return Token{Value: fmt.Sprint("tok-", l.n.Add(1)), Expires: time.Now().Add(time.Hour)}, nil
}

func TestRenewalOnUnauthorized(t *testing.T) {
	var logins loginCounter
	c, mt := mockClient(t, func(c *Config) {
		c.Auth = &TokenAuth{Header: "X-Auth-Token", Source: NewTokenSource(logins.login, time.Minute)}
	})
	mt.RegisterResponder("GET", base+"/x", func(req *http.Request) (*http.Response, error) {
		if req.Header.Get("X-Auth-Token") != "tok-2" {
			return httpmock.NewStringResponse(401, `{"code":"APIG.0307","message":"token expired"}`), nil
		}
		return httpmock.NewStringResponse(200, "{}"), nil
	})
	_, err := c.Do(context.Background(), get("/x"))
	require.NoError(t, err)
	assert.EqualValues(t, 2, logins.n.Load())
	assert.Equal(t, 2, mt.GetTotalCallCount())
}

func TestRenewalHappensOnce(t *testing.T) {
	var logins loginCounter
	c, mt := mockClient(t, func(c *Config) {
		c.Auth = &TokenAuth{Header: "X-Auth-Token", Source: NewTokenSource(logins.login, time.Minute)}
	})
	mt.RegisterResponder("GET", base+"/x", httpmock.NewStringResponder(401, `{"code":"E.401","message":"no"}`))
	_, err := c.Do(context.Background(), get("/x"))
	assert.ErrorIs(t, err, mfa.ErrUnauthorized)
	assert.Equal(t, 2, mt.GetTotalCallCount(), "one renewal, then the refusal is final")
	assert.EqualValues(t, 2, logins.n.Load())
}

func TestRenewalByDecodedSuccessBody(t *testing.T) {
	// ZStack may report an expired session in a 200 reply's error object:
	// the decoder's refusal renews the session as a 401 does, once.
	var logins loginCounter
	c, mt := mockClient(t, func(c *Config) {
		c.Auth = &TokenAuth{Header: "Authorization", Prefix: "OAuth ", Source: NewTokenSource(logins.login, time.Minute)}
	})
	mt.RegisterResponder("GET", base+"/x", func(req *http.Request) (*http.Response, error) {
		if req.Header.Get("Authorization") != "OAuth tok-2" {
			return httpmock.NewStringResponse(200, `{"error":"expired"}`), nil
		}
		return httpmock.NewStringResponse(200, `{"ok":true}`), nil
	})
	decoded := 0
	req := get("/x")
	req.Decode = func(r *Response) error {
		decoded++
		var body struct {
			Error string `json:"error"`
			OK    bool   `json:"ok"`
		}
		if err := r.DecodeJSON(&body); err != nil {
			return err
		}
		if body.Error != "" {
			return &mfa.APIError{Code: "ID.1001", Message: body.Error, Kind: mfa.ErrUnauthorized}
		}
		return nil
	}
	resp, err := c.Do(context.Background(), req)
	require.NoError(t, err)
	assert.JSONEq(t, `{"ok":true}`, string(resp.Body))
	assert.Equal(t, 2, decoded)
	assert.EqualValues(t, 2, logins.n.Load(), "one login, one renewal")

	// A second refusal is final, and a decoder's other errors are not
	// renewed at all.
	mt.RegisterResponder("GET", base+"/y", httpmock.NewStringResponder(200, `{"error":"expired"}`))
	req.Path = "/y"
	_, err = c.Do(context.Background(), req)
	assert.ErrorIs(t, err, mfa.ErrUnauthorized)
	assert.Equal(t, 2, mt.GetCallCountInfo()["GET "+base+"/y"])
	mt.RegisterResponder("GET", base+"/z", httpmock.NewStringResponder(200, `[1,2]`))
	req.Path = "/z"
	_, err = c.Do(context.Background(), req)
	assert.ErrorIs(t, err, mfa.ErrInvalidResponse)
	assert.Equal(t, 1, mt.GetCallCountInfo()["GET "+base+"/z"])
}

func TestRenewalByVendorCode(t *testing.T) {
	// ZStack says "session expired" with a 503 and a code.
	var logins loginCounter
	c, mt := mockClient(t, func(c *Config) {
		c.Auth = &TokenAuth{Header: "Authorization", Prefix: "OAuth ", Source: NewTokenSource(logins.login, time.Minute)}
	})
	mt.RegisterResponder("GET", base+"/x", func(req *http.Request) (*http.Response, error) {
		if req.Header.Get("Authorization") != "OAuth tok-2" {
			return httpmock.NewStringResponse(503, `{"code":"ID.1001","kind":"unauthorized"}`), nil
		}
		return httpmock.NewStringResponse(200, "{}"), nil
	})
	_, err := c.Do(context.Background(), get("/x"))
	require.NoError(t, err)
	assert.Equal(t, 2, mt.GetTotalCallCount(), "an expired session is renewed, not retried")
}

func TestStaticCredentialsAreNotRenewed(t *testing.T) {
	c, mt := mockClient(t, func(c *Config) { c.Auth = &StaticAuth{Header: "X-Auth-Token", Value: secretToken} })
	mt.RegisterResponder("GET", base+"/x", httpmock.NewStringResponder(401, ""))
	_, err := c.Do(context.Background(), get("/x"))
	assert.ErrorIs(t, err, mfa.ErrUnauthorized)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestLoginFailureIsReturned(t *testing.T) {
	loginErr := &mfa.APIError{Provider: "test", StatusCode: 401, Message: "The username or password is wrong."}
	c, mt := mockClient(t, func(c *Config) {
		c.Auth = &TokenAuth{Header: "X-Auth-Token", Source: NewTokenSource(func(context.Context) (Token, error) { return Token{}, loginErr }, 0)}
	})
	_, err := c.Do(context.Background(), get("/x"))
	assert.ErrorIs(t, err, mfa.ErrUnauthorized)
	assert.ErrorContains(t, err, "authenticating")
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestConcurrentRenewalsShareOneLogin(t *testing.T) {
	var logins loginCounter
	src := NewTokenSource(func(ctx context.Context) (Token, error) {
		time.Sleep(5 * time.Millisecond) // let the others pile up
		return logins.login(ctx)
	}, time.Minute)
	c, mt := mockClient(t, func(c *Config) { c.Auth = &TokenAuth{Header: "X-Auth-Token", Source: src} })
	mt.RegisterResponder("GET", base+"/x", func(req *http.Request) (*http.Response, error) {
		if req.Header.Get("X-Auth-Token") == "tok-1" {
			return httpmock.NewStringResponse(401, ""), nil
		}
		return httpmock.NewStringResponse(200, "{}"), nil
	})
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Do(context.Background(), get("/x"))
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	assert.EqualValues(t, 2, logins.n.Load(), "one first login, one renewal for all twenty callers")
}

func TestTokenSourceRenewsBeforeExpiry(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	n := 0
	src := NewTokenSource(func(context.Context) (Token, error) {
		n++
		return Token{Value: fmt.Sprint("tok-", n), Expires: now.Add(time.Hour)}, nil
	}, 10*time.Minute)
	src.now = func() time.Time { return now }
	ctx := context.Background()

	tok, err := src.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, "tok-1", tok)
	now = now.Add(49 * time.Minute)
	tok, _ = src.Token(ctx)
	assert.Equal(t, "tok-1", tok, "still valid")
	now = now.Add(time.Minute)
	tok, _ = src.Token(ctx)
	assert.Equal(t, "tok-2", tok, "renewed ten minutes before expiry")

	src.Invalidate("tok-1")
	tok, _ = src.Token(ctx)
	assert.Equal(t, "tok-2", tok, "invalidating an old token leaves the new one")
	src.Invalidate("tok-2")
	tok, _ = src.Token(ctx)
	assert.Equal(t, "tok-3", tok)
	assert.Equal(t, "tok-3", src.Current())
}

func TestTokenSourceShortLivedTokens(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	n := 0
	src := NewTokenSource(func(context.Context) (Token, error) {
		n++
		return Token{Value: fmt.Sprint("tok-", n), Expires: now.Add(4 * time.Minute)}, nil
	}, 10*time.Minute)
	src.now = func() time.Time { return now }
	_, _ = src.Token(context.Background())
	_, _ = src.Token(context.Background())
	assert.Equal(t, 1, n, "a token shorter-lived than the renewal margin is still used for half its life")
}

func TestTokenSourceWaitHonoursContext(t *testing.T) {
	release := make(chan struct{})
	src := NewTokenSource(func(ctx context.Context) (Token, error) {
		<-release
		return Token{Value: "t"}, nil
	}, 0)
	go func() { _, _ = src.Token(context.Background()) }()
	time.Sleep(5 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
	defer cancel()
	_, err := src.Token(ctx)
	assert.ErrorIs(t, err, context.DeadlineExceeded, "a caller waiting for another's login can give up")
	close(release)
}

// The callers waiting for a login hold their slots: the login, whatever
// it waits for, keeps its own (see package pause).
func TestALoginKeepsItsCallersSlot(t *testing.T) {
	h := &holder{}
	src := NewTokenSource(func(ctx context.Context) (Token, error) {
		return Token{Value: "t"}, pause.During(ctx, func() error { return nil })
	}, 0)
	_, err := src.Token(pause.With(context.Background(), h))
	require.NoError(t, err)
	assert.Empty(t, h.events)
}

func TestErrorBodiesAreCleanedAndCarryNoSecrets(t *testing.T) {
	c, mt := mockClient(t, func(c *Config) { c.Auth = &StaticAuth{Header: "Authorization", Prefix: "OAuth ", Value: secretToken} })
	html := "<html><head><style>body{}</style><title>502 Bad Gateway</title></head>\n<body><h1>Bad\tGateway</h1>\x00 token " + secretToken + "</body></html>"
	mt.RegisterResponder("GET", base+"/proxy", httpmock.NewStringResponder(502, html))
	mt.RegisterResponder("GET", base+"/echo", httpmock.NewStringResponder(400, "bad session OAuth "+secretToken))
	mt.RegisterResponder("GET", base+"/garbage", httpmock.NewStringResponder(200, `{"devices": [`+secretToken))

	_, err := c.Do(context.Background(), get("/proxy"))
	assert.ErrorIs(t, err, mfa.ErrUnavailable)
	var apiErr *mfa.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "502 Bad Gateway Bad Gateway token [REDACTED]", apiErr.Message)

	_, err = c.Do(context.Background(), get("/echo"))
	assert.ErrorIs(t, err, mfa.ErrBadRequest)
	assert.NotContains(t, err.Error(), secretToken)

	resp, err := c.Do(context.Background(), get("/garbage"))
	require.NoError(t, err)
	var v struct{ Devices []string }
	err = resp.DecodeJSON(&v)
	assert.ErrorIs(t, err, mfa.ErrInvalidResponse)
	assert.ErrorContains(t, err, "test: HTTP 200: cannot decode the response")
	assert.ErrorContains(t, err, `body starts "{\"devices\": [[REDACTED]"`)
	assert.NotContains(t, err.Error(), secretToken)
}

func TestEmptyBodyIsInvalid(t *testing.T) {
	c, mt := mockClient(t)
	mt.RegisterResponder("GET", base+"/x", httpmock.NewStringResponder(200, ""))
	resp, err := c.Do(context.Background(), get("/x"))
	require.NoError(t, err)
	var v map[string]any
	err = resp.DecodeJSON(&v)
	assert.ErrorIs(t, err, mfa.ErrInvalidResponse)
	assert.ErrorContains(t, err, "the body is empty")
}

func TestRequestIDFromHeaders(t *testing.T) {
	c, mt := mockClient(t)
	resp := httpmock.NewStringResponse(404, "")
	resp.Header.Set("X-Request-Id", "req-42")
	mt.RegisterResponder("GET", base+"/x", httpmock.ResponderFromResponse(resp))
	_, err := c.Do(context.Background(), get("/x"))
	var apiErr *mfa.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "req-42", apiErr.RequestID)
	assert.Equal(t, "Not Found", apiErr.Message, "an empty error body gets the status text")
}

func TestSilentByDefault(t *testing.T) {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	stderr := os.Stderr
	os.Stderr = w
	c, mt := mockClient(t)
	mt.RegisterResponder("GET", base+"/x", httpmock.NewErrorResponder(errors.New("boom")))
	_, _ = c.Do(context.Background(), get("/x?secret=1"))
	os.Stderr = stderr
	require.NoError(t, w.Close())
	out, _ := io.ReadAll(r)
	assert.Empty(t, string(out), "nothing is written to stderr")
}

func TestLogsNameTheCallButNoSecret(t *testing.T) {
	var logs bytes.Buffer
	var logins loginCounter
	c, mt := mockClient(t, func(c *Config) {
		c.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		c.Auth = &TokenAuth{Header: "X-Auth-Token", Source: NewTokenSource(logins.login, 0)}
	})
	mt.RegisterResponder("GET", base+"/x", httpmock.NewStringResponder(429, "").Then(httpmock.NewStringResponder(401, "")).
		Then(httpmock.NewStringResponder(200, "{}")))
	mt.RegisterResponder("POST", base+"/login", httpmock.NewStringResponder(400, "wrong password "+secretToken))
	_, err := c.Do(context.Background(), get("/x"))
	require.NoError(t, err)
	_, err = c.Do(context.Background(), &Request{Method: "POST", Path: "/login", NoAuth: true, Secrets: []string{secretToken}})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), secretToken)

	out := logs.String()
	assert.Contains(t, out, `"msg":"retrying"`)
	assert.Contains(t, out, `"msg":"renewing credentials"`)
	assert.Contains(t, out, `"path":"/x"`)
	assert.Contains(t, out, `"status":200`)
	assert.NotContains(t, out, "tok-1")
	assert.NotContains(t, out, "tok-2")
	assert.NotContains(t, out, secretToken)
	assert.NotContains(t, out, "api.test", "hosts and queries stay out of the logs")
}

// countingServer is an httptest server that counts the connections it
// accepts.
func countingServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &conns
}

func realClient(t *testing.T, srvURL string, opts ...option) *Client {
	u, err := url.Parse(srvURL)
	require.NoError(t, err)
	cfg := Config{Provider: "test", BaseURL: u, Retry: fast, DecodeError: decodeEnvelope}
	for _, o := range opts {
		o(&cfg)
	}
	c, err := New(cfg)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func TestConnectionReuse(t *testing.T) {
	srv, conns := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			_, _ = w.Write([]byte(strings.Repeat(`{"id":"x"},`, 300)))
		case "/missing":
			w.WriteHeader(404)
			_, _ = w.Write([]byte(`{"code":"IAM.0004","message":"` + strings.Repeat("long ", 2000) + `"}`))
		case "/busy":
			w.WriteHeader(503)
			_, _ = w.Write([]byte(strings.Repeat("busy ", 2000)))
		}
	})
	c := realClient(t, srv.URL)
	ctx := context.Background()
	for i := range 50 {
		_, err := c.Do(ctx, get("/ok"))
		require.NoError(t, err)
		_, err = c.Do(ctx, get("/missing"))
		require.ErrorIs(t, err, mfa.ErrNotFound)
		if i%10 == 0 {
			_, err = c.Do(ctx, get("/busy")) // a retry run that gives up
			require.ErrorIs(t, err, mfa.ErrUnavailable)
		}
	}
	assert.EqualValues(t, 1, conns.Load(), "150 sequential calls, retries and errors included, use one connection")
}

func TestServerStallsAfterHeaders(t *testing.T) {
	stop := make(chan struct{})
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(200)
		_, _ = w.Write([]byte(`{"otp_devices":[`))
		w.(http.Flusher).Flush()
		select {
		case <-stop:
		case <-r.Context().Done():
		}
	})
	defer close(stop)
	c := realClient(t, srv.URL)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Do(ctx, get("/x"))
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.ErrorContains(t, err, "test: GET /x: reading the body")
}

func TestOversizedBodyThatStallsFailsAtOnce(t *testing.T) {
	// A Content-Length past the limit is refused before any of the body is
	// read: nothing waits on a server that sends a few bytes and stalls.
	stop := make(chan struct{})
	srv, conns := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "10000000000")
		w.WriteHeader(200)
		_, _ = w.Write(bytes.Repeat([]byte("x"), 4096))
		w.(http.Flusher).Flush()
		select {
		case <-stop:
		case <-r.Context().Done():
		}
	})
	defer close(stop)
	c := realClient(t, srv.URL)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := c.Do(ctx, get("/x"))
	assert.ErrorIs(t, err, mfa.ErrInvalidResponse)
	assert.ErrorContains(t, err, "exceeds the")
	assert.NoError(t, ctx.Err(), "the call failed at once, not at the deadline")
	_, err = c.Do(ctx, get("/x"))
	assert.ErrorIs(t, err, mfa.ErrInvalidResponse)
	assert.EqualValues(t, 2, conns.Load(), "the connection of a refused body is closed, not reused")
}

func TestConnectionResetMidBody(t *testing.T) {
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(200)
		_, _ = w.Write([]byte(`{"otp_devices":[`))
		w.(http.Flusher).Flush()
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	})
	c := realClient(t, srv.URL)
	_, err := c.Do(context.Background(), get("/x"))
	assert.ErrorIs(t, err, mfa.ErrUnavailable)
	assert.ErrorContains(t, err, "reading the body")
}

func TestRedirectToAnotherHostDropsCredentials(t *testing.T) {
	var seen http.Header
	other, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		seen = r.Header.Clone()
		_, _ = w.Write([]byte("{}"))
	})
	var sameHost http.Header
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, other.URL+"/landing", http.StatusFound)
		case "/here":
			http.Redirect(w, r, "/landing", http.StatusFound)
		case "/landing":
			sameHost = r.Header.Clone()
			_, _ = w.Write([]byte("{}"))
		}
	})
	c := realClient(t, srv.URL, func(c *Config) { c.Auth = &StaticAuth{Header: "X-Auth-Token", Value: secretToken} })

	_, err := c.Do(context.Background(), get("/away"))
	require.NoError(t, err)
	require.NotNil(t, seen)
	assert.Empty(t, seen.Get("X-Auth-Token"), "the token never reaches another host")

	_, err = c.Do(context.Background(), get("/here"))
	require.NoError(t, err)
	assert.Equal(t, secretToken, sameHost.Get("X-Auth-Token"), "a redirect on the same host keeps it")
}

func TestCallerHTTPClientIsNotModified(t *testing.T) {
	mt := httpmock.NewMockTransport()
	caller := &http.Client{Transport: mt, Timeout: 7 * time.Second}
	u, _ := url.Parse(base)
	_, err := New(Config{BaseURL: u, HTTPClient: caller})
	require.NoError(t, err)
	assert.Same(t, mt, caller.Transport)
	assert.Nil(t, caller.CheckRedirect)
	assert.Equal(t, 7*time.Second, caller.Timeout)
}

func TestNewNeedsABaseURL(t *testing.T) {
	_, err := New(Config{})
	assert.Error(t, err)
}

func TestSecretsInThePathStayOutOfErrorsAndLogs(t *testing.T) {
	var logs bytes.Buffer
	c, mt := mockClient(t, func(c *Config) {
		c.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	session := "a1b2c3d4e5f6/session"
	path, err := EscapePath("/sessions/%s", session)
	require.NoError(t, err)
	mt.RegisterResponder("DELETE", base+path, httpmock.NewErrorResponder(errors.New("connection reset")))
	mt.RegisterResponder("GET", base+path, httpmock.NewStringResponder(200, "{}"))

	_, err = c.Do(context.Background(), &Request{Method: "DELETE", Path: path, Secrets: []string{session}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "test: DELETE /sessions/[REDACTED]")
	_, err = c.Do(context.Background(), &Request{Method: "GET", Path: path, Secrets: []string{session}})
	require.NoError(t, err)
	assert.Contains(t, logs.String(), "path=/sessions/[REDACTED]")
	assert.NotContains(t, logs.String(), "a1b2c3d4e5f6")
}

func TestRedirectOfABodyToAnotherHostIsNotFollowed(t *testing.T) {
	var leaked atomic.Int32
	other, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		leaked.Add(1)
	})
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/login", http.StatusTemporaryRedirect)
	})
	c := realClient(t, srv.URL)
	_, err := c.Do(context.Background(), &Request{Method: "POST", Path: "/login", Body: []byte(`{"password":"` + secretToken + `"}`), NoAuth: true, Secrets: []string{secretToken}})
	assert.ErrorIs(t, err, mfa.ErrInvalidResponse)
	assert.ErrorContains(t, err, "HTTP 307: a redirect to another host was not followed")
	assert.Zero(t, leaked.Load(), "the password never reaches the other host")
}

// authFunc makes a function an Authenticator.
type authFunc func(req *http.Request) error

func (f authFunc) Authenticate(req *http.Request) error { return f(req) }

func TestCausesAreRedacted(t *testing.T) {
	c, mt := mockClient(t, func(c *Config) {
		c.DecodeError = func(r *Response) *mfa.APIError {
			inner := &mfa.APIError{Message: "inner " + string(r.Body)}
			return &mfa.APIError{Message: "outer", Causes: []error{&mfa.APIError{Details: string(r.Body), Causes: []error{inner}}}}
		}
	})
	mt.RegisterResponder("GET", base+"/x", httpmock.NewStringResponder(400, "echo "+secretToken))
	req := get("/x")
	req.Header = http.Header{"X-Auth-Token": {secretToken}}
	_, err := c.Do(context.Background(), req)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), secretToken, "the vendor's sub-errors are cleaned as the error is")
	assert.Contains(t, err.Error(), "inner echo [REDACTED]")
}

func TestRedactBodyCleansEveryQuote(t *testing.T) {
	seedless := func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("SEED1234"), []byte("[REDACTED]")) }
	c, mt := mockClient(t, func(c *Config) {
		c.RedactBody = seedless
		c.DecodeError = func(r *Response) *mfa.APIError {
			if !bytes.Contains(r.Body, []byte("envelope")) {
				return nil
			}
			return &mfa.APIError{Message: "m " + string(r.Body), Details: "d " + string(r.Body)}
		}
	})
	mt.RegisterResponder("GET", base+"/envelope", httpmock.NewStringResponder(503, `envelope {"secret":"SEED1234"}`))
	mt.RegisterResponder("GET", base+"/plain", httpmock.NewStringResponder(400, `{"secret":"SEED1234"}`))
	mt.RegisterResponder("GET", base+"/ok", httpmock.NewStringResponder(200, `{"secret":"SEED1234",`))
	for _, path := range []string{"/envelope", "/plain"} {
		_, err := c.Do(context.Background(), get(path))
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "SEED1234", path)
		assert.Contains(t, err.Error(), "[REDACTED]", path)
	}
	resp, err := c.Do(context.Background(), get("/ok"))
	require.NoError(t, err)
	assert.Contains(t, string(resp.Body), "SEED1234", "a success body is the caller's, untouched")
	err = resp.DecodeJSON(new(map[string]string))
	assert.ErrorIs(t, err, mfa.ErrInvalidResponse)
	assert.NotContains(t, err.Error(), "SEED1234", "a body that does not decode is quoted without seeds")
}

func TestTokenSourceUsesATokenExpiredOnArrivalUntilRefused(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, lifetime := range []time.Duration{-time.Hour, -time.Second, 0} {
		n := 0
		src := NewTokenSource(func(context.Context) (Token, error) {
			n++
			return Token{Value: fmt.Sprint("tok-", n), Expires: now.Add(lifetime)}, nil
		}, 10*time.Minute)
		src.now = func() time.Time { return now }
		for range 3 {
			tok, err := src.Token(context.Background())
			require.NoError(t, err)
			assert.Equal(t, "tok-1", tok, "expiry %v from now", lifetime)
		}
		assert.Equal(t, 1, n, "a clock-skewed expiry does not log in on every call")
		src.Invalidate("tok-1")
		tok, err := src.Token(context.Background())
		require.NoError(t, err)
		assert.Equal(t, "tok-2", tok, "a refusal still renews it")
	}
}

func TestTokenSourceRefusesATokenNoHeaderCanCarry(t *testing.T) {
	for _, value := range []string{"", "tok en", "tok\nen", "tok\ten", "tok\x00", "tok\x7f", "tok\u0085"} {
		src := NewTokenSource(func(context.Context) (Token, error) { return Token{Value: value}, nil }, 0)
		_, err := src.Token(context.Background())
		require.Error(t, err, "%q", value)
		assert.ErrorIs(t, err, mfa.ErrInvalidResponse, "%q", value)
		if value != "" {
			assert.NotContains(t, err.Error(), value, "the token is not quoted")
		}
		assert.Empty(t, src.Current(), "%q is not cached", value)
	}
}

func TestShownPathRedactsEveryFormOfASecret(t *testing.T) {
	for _, c := range []struct{ secret, want string }{
		{"a1b2c3d4e5f6/session", "/s/[REDACTED]/d"},
		{"s3cr#t", "/s/[REDACTED]/d"},
		{"a/b", "/s/[REDACTED]/d"}, // short, but long once escaped
		{"abc", "/s/abc/d"},        // too short to be told from a path
	} {
		path, err := EscapePath("/s/%s/d", c.secret)
		require.NoError(t, err)
		assert.Equal(t, c.want, (&Request{Path: path, Secrets: []string{c.secret}}).shownPath(), c.secret)
	}
}

func TestResponseRedactIsSafeForConcurrentUse(t *testing.T) {
	sent := httptest.NewRequest(http.MethodGet, "https://api.test/x", nil)
	sent.Header.Set("Authorization", "OAuth "+secretToken)
	r := &Response{StatusCode: 400, Body: []byte("echo " + secretToken), sent: sent, extra: []string{"p4ssw0rd/x"}}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.Equal(t, "[REDACTED] [REDACTED] [REDACTED]", r.Redact(secretToken+" p4ssw0rd%2Fx p4ssw0rd\\/x"))
			assert.NotContains(t, r.Invalid(nil).Error(), secretToken)
		}()
	}
	wg.Wait()
}
