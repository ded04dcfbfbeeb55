package huaweiiam

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/internal/testlog"
	"github.com/openmfa/mfa-go/mfa"
)

const (
	iamBase   = "https://iam.example.com"
	wsBase    = "https://workspace.example.com"
	projectID = "0bec5db98280d2d02fd6c00c2de791ce"
	domainID  = "d78cbac186b744899480f25bd022f468"

	wsUserID  = "8a2c3f9579d240820179d51e6caf0001"
	iamUserID = "16b26081f43d4c628c4bb88cf32e9"

	// Distinctive secrets: none may ever show in an error, a log line or
	// a printed value.
	tokenSentinel         = "TOKEN-SENTINEL-7f3a"
	passwordSentinel      = "PASSWORD-SENTINEL-91c2"
	secretKeySentinel     = "SECRETKEY-SENTINEL-4d8e"
	securityTokenSentinel = "SECTOKEN-SENTINEL-b5a0"
	subjectTokenSentinel  = "SUBJECT-TOKEN-SENTINEL-e6f1"

	accessKey = "AKEXAMPLE0123456789"
)

var sentinels = []string{tokenSentinel, passwordSentinel, secretKeySentinel, securityTokenSentinel, subjectTokenSentinel}

// The sentinels as Config holds them.
var (
	tok = mfa.NewSecret(tokenSentinel)
	pw  = mfa.NewSecret(passwordSentinel)
	sk  = mfa.NewSecret(secretKeySentinel)
	st  = mfa.NewSecret(securityTokenSentinel)
)

// fastRetry keeps retry tests quick.
var fastRetry = mfa.RetryPolicy{MaxAttempts: 3, MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond}

// noRetry is for tests that count one call per status.
var noRetry = mfa.RetryPolicy{MaxAttempts: 1}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// newMock returns a mock transport that fails the test on any request no
// responder expects.
func newMock(t *testing.T) *httpmock.MockTransport {
	t.Helper()
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		t.Errorf("unexpected request %s %s", req.Method, req.URL.String())
		return httpmock.NewStringResponse(http.StatusTeapot, `{"error_code":"TEST.0000","error_msg":"unexpected request"}`), nil
	})
	return mt
}

// jsonResponder answers with a fixture's body.
func jsonResponder(t *testing.T, status int, name string) httpmock.Responder {
	return httpmock.NewBytesResponder(status, fixture(t, name)).
		HeaderSet(http.Header{"Content-Type": {"application/json"}})
}

// tokenConfig is a Config for both APIs with a static token, through mt.
func tokenConfig(mt *httpmock.MockTransport, logs *testlog.Buffer) Config {
	cfg := Config{
		IAMEndpoint:       iamBase,
		WorkspaceEndpoint: wsBase,
		ProjectID:         projectID,
		Token:             tok,
		HTTPClient:        &http.Client{Transport: mt},
		Retry:             fastRetry,
	}
	if logs != nil {
		cfg.Logger = logs.Logger()
	}
	return cfg
}

func newTokenClient(t *testing.T, mt *httpmock.MockTransport, logs *testlog.Buffer) *Client {
	t.Helper()
	c, err := NewClient(tokenConfig(mt, logs))
	require.NoError(t, err)
	return c
}

// assertNoSecrets fails when any sentinel secret is in s.
func assertNoSecrets(t *testing.T, what, s string) {
	t.Helper()
	for _, secret := range sentinels {
		if strings.Contains(s, secret) {
			t.Errorf("%s holds the secret %q:\n%s", what, secret, s)
		}
	}
}

// apiError returns err as an *mfa.APIError, failing the test if it is not.
func apiError(t *testing.T, err error) *mfa.APIError {
	t.Helper()
	var ae *mfa.APIError
	require.True(t, errors.As(err, &ae), "error %v (%T) is not an *mfa.APIError", err, err)
	return ae
}

func otpURL(userID string) string {
	return wsBase + "/v2/" + projectID + "/users/" + userID + "/otp-devices"
}

func vmfaURL(userID string) string {
	return iamBase + "/v3.0/OS-MFA/users/" + userID + "/virtual-mfa-device"
}
