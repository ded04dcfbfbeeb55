package rackspace_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/rackspace"
)

// faultCases are the Identity API's faults, one fixture per format each.
var faultCases = []struct {
	name     string
	status   int
	sentinel error
	message  string
	details  string
}{
	{"identityFault", http.StatusInternalServerError, mfa.ErrUnavailable, "Internal server error.", "Error code: 4f1c"},
	{"serviceUnavailable", http.StatusServiceUnavailable, mfa.ErrUnavailable, "Service is not available.", "Try again later."},
	{"badRequest", http.StatusBadRequest, mfa.ErrBadRequest, "Invalid json request body", ""},
	{"unauthorized", http.StatusUnauthorized, mfa.ErrUnauthorized, "Unable to authenticate user with credentials provided.", ""},
	{"overLimit", http.StatusRequestEntityTooLarge, mfa.ErrRateLimited, "Over Limit", "Too many requests: resubmit in a few seconds."},
	{"userDisabled", http.StatusForbidden, mfa.ErrForbidden, "User 'jqsmith' is disabled.", ""},
	{"forbidden", http.StatusForbidden, mfa.ErrForbidden, "Not Authorized", ""},
	{"itemNotFound", http.StatusNotFound, mfa.ErrNotFound, "Not found", "OTP device not found"},
	{"tenantConflict", http.StatusConflict, mfa.ErrBadRequest, "Tenant with Name/Id: 'tenant-1' already exists.", ""},
}

// allSentinels are the sentinels an APIError may match.
var allSentinels = []error{mfa.ErrNotFound, mfa.ErrUnauthorized, mfa.ErrForbidden, mfa.ErrRateLimited,
	mfa.ErrUnavailable, mfa.ErrBadRequest, mfa.ErrUnsupported, mfa.ErrInvalidResponse}

// assertOnly checks that err matches want and no other sentinel.
func assertOnly(t *testing.T, err, want error) {
	t.Helper()
	for _, s := range allSentinels {
		assert.Equal(t, s == want, errors.Is(err, s), "errors.Is(%v, %v)", err, s)
	}
}

func TestFaults(t *testing.T) {
	for _, fc := range faultCases {
		for _, ext := range []string{"json", "xml"} {
			// Each fixture is served to a client of each format: a proxy
			// may answer JSON to an XML request and the reverse.
			for _, format := range []rackspace.Format{rackspace.JSON, rackspace.XML} {
				t.Run(fc.name+"."+ext+"/"+format.String(), func(t *testing.T) {
					mt := newMock(t)
					mt.RegisterResponder(http.MethodGet, deviceURL,
						serve(fc.status, fixture(t, "faults/"+fc.name+"."+ext), "X-Request-Id", "req-"+fc.name))
					c := newClient(t, mt, func(cfg *rackspace.Config) {
						cfg.Format = format
						cfg.Retry = mfa.RetryPolicy{MaxAttempts: 1}
					})
					d, err := c.OTPDevice(context.Background(), userID, deviceID)
					assert.Nil(t, d)
					require.Error(t, err)
					assertOnly(t, err, fc.sentinel)
					var apiErr *mfa.APIError
					require.True(t, errors.As(err, &apiErr))
					assert.Equal(t, "rackspace", apiErr.Provider)
					assert.Equal(t, fc.status, apiErr.StatusCode)
					assert.Equal(t, fc.name, apiErr.Code)
					assert.Equal(t, fc.message, apiErr.Message)
					assert.Equal(t, fc.details, apiErr.Details)
					assert.Equal(t, "req-"+fc.name, apiErr.RequestID)
					assert.Equal(t, 1, calls(mt, http.MethodGet, deviceURL))
				})
			}
		}
	}
}

func TestErrorBodiesThatAreNoFault(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		body     []byte
		header   []string
		sentinel error
		code     string
		message  string
		details  string
	}{
		{"HTML from a proxy", http.StatusBadGateway, fixture(t, "proxy.html"), nil, mfa.ErrUnavailable, "", "502 Bad Gateway 502 Bad Gateway nginx", ""},
		{"empty 404", http.StatusNotFound, nil, nil, mfa.ErrNotFound, "", "Not Found", ""},
		{"empty 405", http.StatusMethodNotAllowed, nil, nil, mfa.ErrUnsupported, "", "Method Not Allowed", ""},
		{"truncated XML fault", http.StatusNotFound, []byte(`<itemNotFound xmlns="http://docs.openstack.org/identity/api/v2.0" code="404"><message>Not fo`), nil, mfa.ErrNotFound, "", "", ""},
		{"fault in another namespace", http.StatusNotFound, fixture(t, "faults/itemNotFound_wrong_ns.xml"), nil, mfa.ErrNotFound, "", "Node not found", ""},
		{"fault under another prefix", http.StatusNotFound, fixture(t, "faults/itemNotFound_other_prefix.xml"), nil, mfa.ErrNotFound, "itemNotFound", "Not found", "User 'u9' not found"},
		{"fault without details", http.StatusNotFound, fixture(t, "faults/itemNotFound_token.xml"), nil, mfa.ErrNotFound, "itemNotFound", "Invalid Token, not found.", ""},
		{"string code and null details", http.StatusBadRequest, fixture(t, "faults/badRequest_string_code.json"), nil, mfa.ErrBadRequest, "badRequest", "Invalid user id", ""},
		{"fault name not listed", http.StatusUnsupportedMediaType, []byte(`{"badMediaType":{"code":415,"message":"Unsupported media type"}}`), nil, mfa.ErrBadRequest, "badMediaType", "Unsupported media type", ""},
		{"JSON that is no fault", http.StatusBadRequest, []byte(`{"error":"nope"}`), nil, mfa.ErrBadRequest, "", `{"error":"nope"}`, ""},
		{"fault without a message", http.StatusNotFound, []byte(`{"itemNotFound":{"code":404}}`), nil, mfa.ErrNotFound, "itemNotFound", "Not Found", ""},
		{"fault that is a string", http.StatusNotFound, []byte(`{"itemNotFound":"gone"}`), nil, mfa.ErrNotFound, "", `{"itemNotFound":"gone"}`, ""},
		{"two objects", http.StatusNotFound, []byte(`{"a":{},"b":{}}`), nil, mfa.ErrNotFound, "", "", ""},
		{"fault without a name", http.StatusNotFound, []byte(`{"":{"message":"no name"}}`), nil, mfa.ErrNotFound, "", "", ""},
		{"object that is no fault", http.StatusNotFound, []byte(`{"thing":{"id":"x"}}`), nil, mfa.ErrNotFound, "", "", ""},
		{"XML that is no fault", http.StatusNotFound, []byte(`<user xmlns="http://docs.openstack.org/identity/api/v2.0" id="x"/>`), nil, mfa.ErrNotFound, "", "", ""},
		{"413 that is not overLimit", http.StatusRequestEntityTooLarge, fixture(t, "faults/badRequest.json"), nil, mfa.ErrBadRequest, "badRequest", "Invalid json request body", ""},
		{"multi-factor challenge", http.StatusUnauthorized, fixture(t, "faults/unauthorized_mfa.json"),
			[]string{"WWW-Authenticate", "OS-MF sessionId='c2Vzc2lvbg', factor='PASSCODE'"}, mfa.ErrUnauthorized, "unauthorized",
			"Additional authentication credentials required.", "the account requires a multi-factor passcode to log in, which this client cannot send; use Config.Token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mt := newMock(t)
			mt.RegisterResponder(http.MethodGet, listURL, serve(tt.status, tt.body, tt.header...))
			c := newClient(t, mt, func(cfg *rackspace.Config) { cfg.Retry = mfa.RetryPolicy{MaxAttempts: 1} })
			_, err := c.OTPDevices(context.Background(), userID)
			require.Error(t, err)
			assertOnly(t, err, tt.sentinel)
			var apiErr *mfa.APIError
			require.True(t, errors.As(err, &apiErr))
			assert.Equal(t, tt.status, apiErr.StatusCode)
			assert.Equal(t, tt.code, apiErr.Code)
			if tt.message != "" {
				assert.Equal(t, tt.message, apiErr.Message)
			}
			assert.Equal(t, tt.details, apiErr.Details)
			assert.NotContains(t, err.Error(), "sessionId")
		})
	}
}

func TestRetries(t *testing.T) {
	overLimit := fixture(t, "faults/overLimit.json")
	overLimitXML := fixture(t, "faults/overLimit.xml")
	ok := fixture(t, "devices_list.json")

	t.Run("413 overLimit honours Retry-After", func(t *testing.T) {
		mt := newMock(t)
		mt.RegisterResponder(http.MethodGet, listURL, sequence(
			serve(http.StatusRequestEntityTooLarge, overLimit, "Retry-After", "0"),
			serve(http.StatusOK, ok)))
		// The backoff alone would wait an hour: only Retry-After lets the
		// call finish before the deadline.
		c := newClient(t, mt, func(cfg *rackspace.Config) {
			cfg.Retry = mfa.RetryPolicy{MinWait: time.Hour, MaxWait: time.Hour}
		})
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		devices, err := c.OTPDevices(ctx, userID)
		require.NoError(t, err)
		assert.Len(t, devices, 3)
		assert.Equal(t, 2, calls(mt, http.MethodGet, listURL))
	})

	t.Run("413 overLimit without Retry-After backs off", func(t *testing.T) {
		mt := newMock(t)
		mt.RegisterResponder(http.MethodGet, listURL, sequence(
			serve(http.StatusRequestEntityTooLarge, overLimit),
			serve(http.StatusRequestEntityTooLarge, overLimitXML),
			serve(http.StatusOK, ok)))
		c := newClient(t, mt, nil)
		devices, err := c.OTPDevices(context.Background(), userID)
		require.NoError(t, err)
		assert.Len(t, devices, 3)
		assert.Equal(t, 3, calls(mt, http.MethodGet, listURL))
	})

	t.Run("413 overLimit until the attempts run out", func(t *testing.T) {
		mt := newMock(t)
		mt.RegisterResponder(http.MethodGet, listURL, serve(http.StatusRequestEntityTooLarge, overLimit))
		c := newClient(t, mt, func(cfg *rackspace.Config) { cfg.Retry.MaxAttempts = 3 })
		_, err := c.OTPDevices(context.Background(), userID)
		assertOnly(t, err, mfa.ErrRateLimited)
		var apiErr *mfa.APIError
		require.True(t, errors.As(err, &apiErr))
		assert.Equal(t, "overLimit", apiErr.Code)
		assert.Equal(t, 3, calls(mt, http.MethodGet, listURL))
	})

	t.Run("503 serviceUnavailable", func(t *testing.T) {
		mt := newMock(t)
		mt.RegisterResponder(http.MethodGet, listURL, sequence(
			serve(http.StatusServiceUnavailable, fixture(t, "faults/serviceUnavailable.xml")),
			serve(http.StatusOK, ok)))
		c := newClient(t, mt, func(cfg *rackspace.Config) { cfg.Format = rackspace.XML })
		_, err := c.OTPDevices(context.Background(), userID)
		require.NoError(t, err)
		assert.Equal(t, 2, calls(mt, http.MethodGet, listURL))
	})

	t.Run("502 HTML from a proxy", func(t *testing.T) {
		mt := newMock(t)
		mt.RegisterResponder(http.MethodGet, listURL, sequence(
			serve(http.StatusBadGateway, fixture(t, "proxy.html")),
			serve(http.StatusOK, ok)))
		c := newClient(t, mt, nil)
		_, err := c.OTPDevices(context.Background(), userID)
		require.NoError(t, err)
		assert.Equal(t, 2, calls(mt, http.MethodGet, listURL))
	})

	for _, fc := range []string{"badRequest", "unauthorized", "userDisabled", "forbidden", "itemNotFound", "identityFault", "tenantConflict"} {
		t.Run(fc+" is not retried", func(t *testing.T) {
			status := 0
			for _, c := range faultCases {
				if c.name == fc {
					status = c.status
				}
			}
			mt := newMock(t)
			mt.RegisterResponder(http.MethodGet, listURL, serve(status, fixture(t, "faults/"+fc+".json")))
			c := newClient(t, mt, nil)
			_, err := c.OTPDevices(context.Background(), userID)
			require.Error(t, err)
			assert.Equal(t, 1, calls(mt, http.MethodGet, listURL))
		})
	}

	t.Run("413 that is not overLimit is not retried", func(t *testing.T) {
		mt := newMock(t)
		mt.RegisterResponder(http.MethodGet, listURL, serve(http.StatusRequestEntityTooLarge, fixture(t, "faults/badRequest.xml")))
		c := newClient(t, mt, nil)
		_, err := c.OTPDevices(context.Background(), userID)
		assertOnly(t, err, mfa.ErrBadRequest)
		assert.Equal(t, 1, calls(mt, http.MethodGet, listURL))
	})
}

func TestPathEscaping(t *testing.T) {
	var seen atomic.Value
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		seen.Store(r.RequestURI)
		switch {
		case strings.HasSuffix(r.URL.Path, "/otp-devices"):
			_, _ = w.Write([]byte(`{"RAX-AUTH:otpDevices":[]}`))
		case strings.HasSuffix(r.URL.Path, "/mobile-phones"):
			_, _ = w.Write([]byte(`{"RAX-AUTH:mobilePhones":[]}`))
		case strings.Contains(r.URL.Path, "/otp-devices/"):
			_, _ = w.Write([]byte(`{"RAX-AUTH:otpDevice":{"id":"x","verified":true,"name":"n"}}`))
		default:
			_, _ = w.Write([]byte(`{"user":{"id":"x"}}`))
		}
	}))
	defer srv.Close()
	c, err := rackspace.NewClient(rackspace.Config{Endpoint: srv.URL, Token: secretToken})
	require.NoError(t, err)
	ctx := context.Background()

	tests := []struct {
		call func() error
		want string
	}{
		{func() error { _, err := c.OTPDevices(ctx, "a/b"); return err }, "/v2.0/users/a%2Fb/RAX-AUTH/multi-factor/otp-devices"},
		{func() error { _, err := c.OTPDevices(ctx, "../x"); return err }, "/v2.0/users/..%2Fx/RAX-AUTH/multi-factor/otp-devices"},
		{func() error { _, err := c.OTPDevices(ctx, "a b?c#d"); return err }, "/v2.0/users/a%20b%3Fc%23d/RAX-AUTH/multi-factor/otp-devices"},
		{func() error { _, err := c.OTPDevice(ctx, "u/1", "../d"); return err }, "/v2.0/users/u%2F1/RAX-AUTH/multi-factor/otp-devices/..%2Fd"},
		{func() error { _, err := c.UserMFA(ctx, "a/b"); return err }, "/v2.0/users/a%2Fb"},
		{func() error { _, err := c.MobilePhones(ctx, "a/b?c"); return err }, "/v2.0/users/a%2Fb%3Fc/RAX-AUTH/multi-factor/mobile-phones"},
		{func() error { _, err := c.UserDevices(ctx, "../x"); return err }, "/v2.0/users/..%2Fx/RAX-AUTH/multi-factor/mobile-phones"},
	}
	for _, tt := range tests {
		require.NoError(t, tt.call())
		assert.Equal(t, tt.want, seen.Load())
	}
	before := hits.Load()

	for _, bad := range []string{"", ".", "..", "a\nb", "a\x00b", strings.Repeat("x", 1025)} {
		_, err := c.OTPDevices(ctx, bad)
		assertOnly(t, err, mfa.ErrBadRequest)
		assert.ErrorContains(t, err, "rackspace: user id:")
		_, err = c.UserDevices(ctx, bad)
		assertOnly(t, err, mfa.ErrBadRequest)
		_, err = c.OTPDevice(ctx, bad, "d1")
		assertOnly(t, err, mfa.ErrBadRequest)
		_, err = c.OTPDevice(ctx, "u1", bad)
		assertOnly(t, err, mfa.ErrBadRequest)
		assert.ErrorContains(t, err, "rackspace: device id:")
		_, err = c.Device(ctx, "u1", bad)
		assertOnly(t, err, mfa.ErrBadRequest)
		_, err = c.UserMFA(ctx, bad)
		assertOnly(t, err, mfa.ErrBadRequest)
		_, err = c.MobilePhones(ctx, bad)
		assertOnly(t, err, mfa.ErrBadRequest)
		assert.ErrorContains(t, err, "rackspace: user id:")
	}
	assert.Equal(t, before, hits.Load(), "no request is sent for an invalid id")
}
