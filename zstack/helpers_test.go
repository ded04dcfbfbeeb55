package zstack_test

import (
	"bytes"
	"crypto/sha512"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/zstack"
)

const (
	base          = "http://zs.test:8080"
	secretsURL    = base + "/zstack/v1/twofactorauthentication/secrets"
	accountsURL   = base + "/zstack/v1/accounts"
	virtualIDsURL = base + "/zstack/v1/iam2/virtual-ids"
	loginURL      = base + "/zstack/v1/accounts/login"
	sessionURL    = base + "/zstack/v1/accounts/sessions/"

	// Sentinels: none of them may ever appear in an error, a log line,
	// or a printed or marshalled value.
	seedSentinel     = "TOTPSENTINEL7F3A"
	vendorSeed       = "ABCDEFGH12345678" // the seed of the vendor's example bodies
	sessionSentinel  = "SESSIONSENTINEL9C2E"
	passwordSentinel = "PASSWORDSENTINEL4B1D"
	loginSession     = "7d9e6c2a1b3f4e5d8c7b6a5f4e3d2c1b" // the session of testdata/login.json
)

// passwordHash is what the server must receive for passwordSentinel.
func passwordHash() string {
	sum := sha512.Sum512([]byte(passwordSentinel))
	return hex.EncodeToString(sum[:])
}

// secretValues lists every value that must never leak.
func secretValues() []string {
	return []string{seedSentinel, vendorSeed, sessionSentinel, passwordSentinel, passwordHash(), loginSession}
}

// assertNoSecret fails when any secret value appears in s.
func assertNoSecret(t *testing.T, what, s string) {
	t.Helper()
	for _, v := range secretValues() {
		if bytes.Contains([]byte(s), []byte(v)) {
			t.Errorf("%s leaks %q: %s", what, v, s)
		}
	}
}

var fastRetry = mfa.RetryPolicy{MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// newMock returns a mock transport that fails the test on any request no
// responder matches.
func newMock(t *testing.T) *httpmock.MockTransport {
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		t.Errorf("unexpected request: %s %s", req.Method, req.URL)
		return httpmock.NewStringResponse(http.StatusTeapot, "no responder"), nil
	})
	return mt
}

// newSessionClient returns a Client with a static session on mt.
func newSessionClient(t *testing.T, mt *httpmock.MockTransport, mutate ...func(*zstack.Config)) *zstack.Client {
	t.Helper()
	cfg := zstack.Config{
		Endpoint:   base,
		SessionID:  mfa.NewSecret(sessionSentinel),
		HTTPClient: &http.Client{Transport: mt},
		Retry:      fastRetry,
	}
	for _, m := range mutate {
		m(&cfg)
	}
	c, err := zstack.NewClient(cfg)
	require.NoError(t, err)
	return c
}

// newLoginClient returns a Client that logs in with an account on mt.
func newLoginClient(t *testing.T, mt *httpmock.MockTransport, mutate ...func(*zstack.Config)) *zstack.Client {
	t.Helper()
	return newSessionClient(t, mt, append([]func(*zstack.Config){func(c *zstack.Config) {
		c.SessionID = mfa.Secret{}
		c.AccountName = "admin"
		c.Password = mfa.NewSecret(passwordSentinel)
	}}, mutate...)...)
}

func respond(status int, body []byte) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		r := httpmock.NewBytesResponse(status, body)
		r.Header.Set("Content-Type", "application/json")
		return r, nil
	}
}

// sequence answers with each responder in turn, then repeats the last.
func sequence(rs ...httpmock.Responder) httpmock.Responder {
	var mu sync.Mutex
	i := 0
	return func(req *http.Request) (*http.Response, error) {
		mu.Lock()
		r := rs[min(i, len(rs)-1)]
		i++
		mu.Unlock()
		return r(req)
	}
}

func calls(mt *httpmock.MockTransport, key string) int {
	return mt.GetCallCountInfo()[key]
}
