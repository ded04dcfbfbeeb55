package huaweiiam

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/internal/transport"
	"github.com/openmfa/mfa-go/mfa"
)

// Every envelope of both APIs decodes into the right sentinel and
// *mfa.APIError fields.
func TestErrorEnvelopes(t *testing.T) {
	tests := []struct {
		name      string
		api       string // "iam" or "ws"
		status    int
		fixture   string
		header    string // X-Request-Id
		want      error
		code      string
		message   string
		requestID string
		encoded   string
	}{
		{"wks 400", "ws", 400, "ws_error_wks.json", "", mfa.ErrBadRequest, "WKS.0001", "The request is invalid.", "", "4cJ1-ENCODED-AUTHZ-MESSAGE-f00d"},
		{"wks 401", "ws", 401, "ws_error_wks.json", "rid-1", mfa.ErrUnauthorized, "WKS.0001", "The request is invalid.", "rid-1", "4cJ1-ENCODED-AUTHZ-MESSAGE-f00d"},
		{"wks seed 403", "ws", 403, "ws_error_wks_seed.json", "", mfa.ErrForbidden, "WKS.0002", "Insufficient permissions.", "", "vR3zH-ENCODED-AUTHZ-MESSAGE"},
		{"wks 404", "ws", 404, "ws_error_wks.json", "", mfa.ErrNotFound, "WKS.0001", "The request is invalid.", "", "4cJ1-ENCODED-AUTHZ-MESSAGE-f00d"},
		{"wks 405", "ws", 405, "ws_error_wks.json", "", mfa.ErrUnsupported, "WKS.0001", "The request is invalid.", "", "4cJ1-ENCODED-AUTHZ-MESSAGE-f00d"},
		{"wks 500", "ws", 500, "ws_error_wks.json", "", mfa.ErrUnavailable, "WKS.0001", "The request is invalid.", "", "4cJ1-ENCODED-AUTHZ-MESSAGE-f00d"},
		{"wks 503", "ws", 503, "ws_error_wks.json", "", mfa.ErrUnavailable, "WKS.0001", "The request is invalid.", "", "4cJ1-ENCODED-AUTHZ-MESSAGE-f00d"},
		{"iam 0002", "iam", 403, "iam_error_0002.json", "", mfa.ErrForbidden, "IAM.0002", "You are not authorized to perform the requested action.", "", ""},
		{"iam 0003", "iam", 403, "iam_error_0003.json", "", mfa.ErrForbidden, "IAM.0003", "Policy doesn't allow %(actions)s to be performed.", "", ""},
		{"iam 0004", "iam", 404, "iam_error_0004.json", "rid-404", mfa.ErrNotFound, "IAM.0004", "Could not find %(target)s: %(target_id)s.", "rid-404", ""},
		{"iam 0004 cased", "iam", 404, "iam_error_0004_cased.json", "", mfa.ErrNotFound, "Iam.0004", "Could not find virtual mfa device.", "", ""},
		{"iam 0004 under 400", "iam", 400, "iam_error_0004.json", "", mfa.ErrNotFound, "IAM.0004", "Could not find %(target)s: %(target_id)s.", "", ""},
		{"iam 0006", "iam", 500, "iam_error_0006.json", "", mfa.ErrUnavailable, "IAM.0006", "An unexpected error prevented the server from fulfilling your request.", "", ""},
		{"iam 0007", "iam", 400, "iam_error_0007.json", "", mfa.ErrBadRequest, "IAM.0007", "Invalid parameter: user_id.", "", ""},
		{"iam 0011", "iam", 400, "iam_error_0011.json", "", mfa.ErrBadRequest, "IAM.0011", "Request body is invalid.", "", ""},
		{"iam 0002 under 500", "iam", 500, "iam_error_0002.json", "", mfa.ErrForbidden, "IAM.0002", "You are not authorized to perform the requested action.", "", ""},
		{"keystone 401", "iam", 401, "keystone_error_401.json", "rid-k", mfa.ErrUnauthorized, "Unauthorized", "The username or password is wrong.", "rid-k", ""},
		{"apigw 0301", "ws", 401, "apigw_error_0301.json", "rid-header", mfa.ErrUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: decrypt token fail", "b1c2d3e4f5a6478899aabbccddeeff00", ""},
		{"apigw 0101", "iam", 404, "apigw_error_0101.json", "", mfa.ErrUnsupported, "APIGW.0101", "The API does not exist or has not been published in the environment", "c0ffee00c0ffee00c0ffee00c0ffee00", ""},
		{"apig 0307", "ws", 401, "apig_error_0307.json", "", mfa.ErrUnauthorized, "APIG.0307", "The token must be updated.", "0307aaaabbbbccccddddeeeeffff0000", ""},
		{"apig 0307 under 400", "iam", 400, "apig_error_0307.json", "", mfa.ErrUnauthorized, "APIG.0307", "The token must be updated.", "0307aaaabbbbccccddddeeeeffff0000", ""},
		{"apig 0308", "iam", 429, "apig_error_0308.json", "", mfa.ErrRateLimited, "APIG.0308", "The throttling threshold has been reached: policy user over ratelimit,limit:5,time:1 minute", "0308aaaabbbbccccddddeeeeffff0000", ""},
		{"wrong types", "iam", 403, "broken_error_wrong_types.json", "", mfa.ErrForbidden, "5001", "", "", ""},
		{"code and message", "ws", 404, "ws_error_code_message.json", "rid-cm", mfa.ErrNotFound, "WKS.0004", "The user does not exist.", "rid-cm", ""},
		{"details", "ws", 400, "ws_error_details.json", "", mfa.ErrBadRequest, "WKS.0010", "The request parameters are invalid.", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mt := newMock(t)
			r := jsonResponder(t, tt.status, tt.fixture)
			if tt.header != "" {
				r = r.HeaderAdd(http.Header{"X-Request-Id": {tt.header}})
			}
			url := otpURL("u1")
			if tt.api == "iam" {
				url = vmfaURL("u1")
			}
			mt.RegisterResponder(http.MethodGet, url, r)
			cfg := tokenConfig(mt, nil)
			cfg.Retry = noRetry
			c, err := NewClient(cfg)
			require.NoError(t, err)
			if tt.api == "iam" {
				_, err = c.VirtualMFA().UserDevice(context.Background(), "u1")
			} else {
				_, err = c.WorkspaceOTP().OTPDevices(context.Background(), "u1")
			}
			require.ErrorIs(t, err, tt.want)
			for _, other := range []error{mfa.ErrNotFound, mfa.ErrUnauthorized, mfa.ErrForbidden, mfa.ErrRateLimited,
				mfa.ErrUnavailable, mfa.ErrBadRequest, mfa.ErrUnsupported, mfa.ErrInvalidResponse} {
				if other != tt.want {
					assert.NotErrorIs(t, err, other, "an error matches exactly one sentinel")
				}
			}
			ae := apiError(t, err)
			assert.Equal(t, tt.status, ae.StatusCode)
			assert.Equal(t, tt.code, ae.Code)
			assert.Equal(t, tt.message, ae.Message)
			assert.Equal(t, tt.requestID, ae.RequestID)
			assert.Equal(t, tt.encoded, ae.EncodedAuthorizationMessage)
			if tt.api == "iam" {
				assert.Equal(t, "huawei-iam", ae.Provider)
			} else {
				assert.Equal(t, "huawei-workspace", ae.Provider)
			}
			assert.Contains(t, err.Error(), tt.code)
		})
	}
}

// Each of "details" is an *mfa.APIError in Causes: reachable through the
// unwrap chain, printed in Error, matching no sentinel of its own.
func TestErrorDetails(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, otpURL("u1"), jsonResponder(t, 400, "ws_error_details.json"))
	cfg := tokenConfig(mt, nil)
	cfg.Retry = noRetry
	c, err := NewClient(cfg)
	require.NoError(t, err)
	_, err = c.WorkspaceOTP().OTPDevices(context.Background(), "u1")
	ae := apiError(t, err)
	require.Len(t, ae.Causes, 2)
	want := []struct{ code, message string }{
		{"WKS.0011", "user_id: the user does not exist."},
		{"WKS.0012", "project_id: the project does not match the token."},
	}
	for i, w := range want {
		var sub *mfa.APIError
		require.True(t, errors.As(ae.Causes[i], &sub))
		assert.Equal(t, w.code, sub.Code)
		assert.Equal(t, w.message, sub.Message)
		assert.Zero(t, sub.StatusCode)
		assert.Nil(t, sub.Kind)
		assert.ErrorIs(t, err, sub, "reachable from the call's error")
	}
	assert.Contains(t, err.Error(), "The request parameters are invalid.: caused by WKS.0011: user_id: the user does not exist.; and by WKS.0012: project_id")

	// Details nested in Keystone's object, and details of details.
	e := decodeError(&transport.Response{StatusCode: 400, Body: []byte(
		`{"error":{"code":400,"message":"bad","title":"Bad Request","details":[{"code":"A.1","message":"a","details":[{"code":"B.1","message":"b"}]}]}}`)})
	require.NotNil(t, e)
	require.Len(t, e.Causes, 1)
	assert.Equal(t, "Bad Request: bad: caused by A.1: a: caused by B.1: b", e.Error())

	// Items that are no error object, and a "details" that is no list, are
	// left out; the envelope stays.
	for body, n := range map[string]int{
		`{"code":"X.1","message":"m","details":["text",7,null,{},{"code":"Y.1"}]}`: 1,
		`{"code":"X.1","message":"m","details":"some text"}`:                       0,
		`{"code":"X.1","message":"m","details":{"code":"Y.1"}}`:                    0,
	} {
		e := decodeError(&transport.Response{StatusCode: 400, Body: []byte(body)})
		require.NotNil(t, e, body)
		assert.Equal(t, "X.1", e.Code, body)
		assert.Len(t, e.Causes, n, body)
	}
}

// A body that is none of the envelopes still gives an *mfa.APIError with
// the status and a cleaned snippet.
func TestErrorsThatAreNoEnvelope(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    []byte
		want    error
		message string
	}{
		{"proxy html", 502, fixture(t, "broken_proxy.html"), mfa.ErrUnavailable, "502 Bad Gateway"},
		{"empty", 500, nil, mfa.ErrUnavailable, "Internal Server Error"},
		{"truncated", 400, fixture(t, "broken_truncated.json"), mfa.ErrBadRequest, `{"otp_devices"`},
		{"unknown json", 403, fixture(t, "broken_error_unknown_json.json"), mfa.ErrForbidden, "not a Huawei envelope"},
		{"empty object", 404, []byte("{}"), mfa.ErrNotFound, "{}"},
		{"plain text", 401, []byte("Unauthorized\r\n"), mfa.ErrUnauthorized, "Unauthorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Nil(t, decodeError(&transport.Response{StatusCode: tt.status, Body: tt.body}))
			mt := newMock(t)
			mt.RegisterResponder(http.MethodGet, otpURL("u1"), httpmock.NewBytesResponder(tt.status, tt.body).
				HeaderSet(http.Header{"X-Request-Id": {"rid-html"}}))
			cfg := tokenConfig(mt, nil)
			cfg.Retry = noRetry
			c, err := NewClient(cfg)
			require.NoError(t, err)
			_, err = c.WorkspaceOTP().OTPDevices(context.Background(), "u1")
			require.ErrorIs(t, err, tt.want)
			ae := apiError(t, err)
			assert.Equal(t, tt.status, ae.StatusCode)
			assert.Equal(t, "", ae.Code)
			assert.Equal(t, "rid-html", ae.RequestID)
			assert.Contains(t, ae.Message, tt.message)
			assert.NotContains(t, ae.Message, "<")
			assert.LessOrEqual(t, len(ae.Message), 210)
		})
	}
}

func TestDecodeErrorDirect(t *testing.T) {
	for _, body := range []string{"", "  ", "[]", `"x"`, "null", "{", `{"a":1}`, `{"error":{}}`, `{"error":null}`,
		`{"error_code":"","error_msg":""}`, "<html>", `{"error_code":"X"} trailing`} {
		assert.Nil(t, decodeError(&transport.Response{StatusCode: 500, Body: []byte(body)}), body)
	}

	e := decodeError(&transport.Response{StatusCode: 400, Body: []byte(`{"error":{"error_code":"ECS.0001","error_msg":"nested","request_id":"r1"}}`)})
	require.NotNil(t, e)
	assert.Equal(t, "ECS.0001", e.Code)
	assert.Equal(t, "nested", e.Message)
	assert.Equal(t, "r1", e.RequestID)

	e = decodeError(&transport.Response{StatusCode: 400, Body: []byte(`{"error":{"code":400,"message":"no title"}}`)})
	require.NotNil(t, e)
	assert.Equal(t, "400", e.Code)

	// Top-level code and message need the code: a bare message is a
	// proxy's.
	e = decodeError(&transport.Response{StatusCode: 404, Body: []byte(`{"code":404,"message":"Not Found"}`)})
	require.NotNil(t, e)
	assert.Equal(t, "404", e.Code)
	assert.Nil(t, decodeError(&transport.Response{StatusCode: 404, Body: []byte(`{"message":"Not Found"}`)}))

	e = decodeError(&transport.Response{StatusCode: 401, Body: []byte(`{"error":"invalid_token"}`)})
	require.NotNil(t, e)
	assert.Equal(t, "invalid_token", e.Message)

	long := strings.Repeat("é", 2000)
	e = decodeError(&transport.Response{StatusCode: 500, Body: []byte(`{"error_code":"X.1","error_msg":"` + long + "\\n\\u0000" + `"}`)})
	require.NotNil(t, e)
	assert.LessOrEqual(t, len(e.Message), maxMessageBytes+3)
	assert.True(t, strings.HasSuffix(e.Message, "..."))
	assert.NotContains(t, e.Message, "\n")

	// APIGW.0308 is throttling whatever its case and prefix.
	for _, code := range []string{"APIG.0308", "APIGW.0308", "apig.0308"} {
		e = decodeError(&transport.Response{StatusCode: 429, Body: []byte(`{"error_code":"` + code + `","error_msg":"x"}`)})
		require.NotNil(t, e)
		assert.ErrorIs(t, e, mfa.ErrRateLimited, code)
	}
}

// Retries happen where allowed, and only there.
func TestRetries(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		calls  int
		want   error
	}{
		{"throttled", 429, string(fixture(t, "apig_error_0308.json")), 3, mfa.ErrRateLimited},
		{"wks 503", 503, string(fixture(t, "ws_error_wks.json")), 3, mfa.ErrUnavailable},
		{"proxy 502", 502, string(fixture(t, "broken_proxy.html")), 3, mfa.ErrUnavailable},
		{"504 empty", 504, "", 3, mfa.ErrUnavailable},
		{"iam 0006 500", 500, string(fixture(t, "iam_error_0006.json")), 1, mfa.ErrUnavailable},
		{"503 but API not found", 503, string(fixture(t, "apigw_error_0101.json")), 1, mfa.ErrUnsupported},
		{"400", 400, string(fixture(t, "iam_error_0007.json")), 1, mfa.ErrBadRequest},
		{"401", 401, string(fixture(t, "keystone_error_401.json")), 1, mfa.ErrUnauthorized},
		{"403", 403, string(fixture(t, "iam_error_0003.json")), 1, mfa.ErrForbidden},
		{"404", 404, string(fixture(t, "apigw_error_0101.json")), 1, mfa.ErrUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mt := newMock(t)
			mt.RegisterResponder(http.MethodGet, vmfaURL("u1"), httpmock.NewStringResponder(tt.status, tt.body))
			c := newTokenClient(t, mt, nil) // fastRetry: 3 attempts
			_, err := c.VirtualMFA().UserDevices(context.Background(), "u1")
			require.ErrorIs(t, err, tt.want)
			assert.Equal(t, tt.calls, mt.GetCallCountInfo()["GET "+vmfaURL("u1")])
		})
	}

	t.Run("throttled then served", func(t *testing.T) {
		mt := newMock(t)
		mt.RegisterResponder(http.MethodGet, otpURL("u1"),
			httpmock.NewBytesResponder(429, fixture(t, "apig_error_0308.json")).Once().
				Then(httpmock.NewBytesResponder(200, fixture(t, "ws_otp_devices.json"))))
		c := newTokenClient(t, mt, nil)
		devs, err := c.WorkspaceOTP().OTPDevices(context.Background(), "u1")
		require.NoError(t, err)
		assert.Len(t, devs, 1)
		assert.Equal(t, 2, mt.GetTotalCallCount())
	})
}

// "details" are kept maxCauses to a level and maxCauseDepth levels deep,
// so that a body of many or deeply nested details makes an error of
// bounded size, at a cost linear in the body.
func TestErrorDetailsBounded(t *testing.T) {
	many := `{"code":"X.1","message":"m","details":[` +
		strings.TrimSuffix(strings.Repeat(`{"code":"Y.1","message":"a detail"},`, 10_000), ",") + `]}`
	deep := `{"code":"X.1","message":"m","details":` +
		strings.Repeat(`[{"code":"Y.1","message":"a detail","details":`, 1000) + "[]" + strings.Repeat("}]", 1000) + "}"
	deepError := strings.Repeat(`{"error":`, 1000) + `{"code":"X.1","message":"m"}` + strings.Repeat("}", 1000)
	both := `{"code":"X.1","message":"m","details":[` +
		strings.TrimSuffix(strings.Repeat(`{"code":"Y.1","details":[{"code":"Z.1","details":[{"code":"W.1","details":[{"code":"V.1"},{"code":"V.1"}]},{"code":"W.1"}]}]},`, 2000), ",") + `]}`
	for name, body := range map[string]string{"10,000 details": many, "1,000 deep": deep, "1,000 errors deep": deepError, "many and deep": both} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			e := decodeError(&transport.Response{StatusCode: 400, Body: []byte(body)})
			took := time.Since(start)
			if name == "1,000 errors deep" {
				// Only the outer "error" is read; the ones nested in it
				// are no Huawei envelope.
				assert.Nil(t, e)
				assert.Less(t, took, time.Second)
				return
			}
			require.NotNil(t, e)
			assert.Less(t, len(e.Error()), 64<<10)
			assert.LessOrEqual(t, len(e.Causes), maxCauses)
			var depth func(errs []error) int
			depth = func(errs []error) int {
				d := 0
				for _, c := range errs {
					sub := apiError(t, c)
					assert.LessOrEqual(t, len(sub.Causes), maxCauses)
					d = max(d, 1+depth(sub.Causes))
				}
				return d
			}
			assert.LessOrEqual(t, depth(e.Causes), maxCauseDepth)
			assert.Less(t, took, time.Second)
		})
	}

	// When details are left out, the error says so.
	e := decodeError(&transport.Response{StatusCode: 400, Body: []byte(many)})
	require.NotNil(t, e)
	assert.Contains(t, e.Error(), "9992 more details left out")
}
