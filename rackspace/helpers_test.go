package rackspace_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/rackspace"
)

// Distinctive secrets: none may ever appear in an error, a log line or a
// printed value.
const (
	tokenSentinel    = "TOKEN-SENTINEL-7f3a" // also the token of testdata/token.json
	apiKeySentinel   = "APIKEY-SENTINEL-91c2"
	passwordSentinel = "PASSWORD-SENTINEL-5d0e"
)

var sentinels = []string{tokenSentinel, apiKeySentinel, passwordSentinel}

// The sentinels as a Config holds them.
var (
	secretToken    = mfa.NewSecret(tokenSentinel)
	secretAPIKey   = mfa.NewSecret(apiKeySentinel)
	secretPassword = mfa.NewSecret(passwordSentinel)
)

const (
	endpoint = "https://identity.example.com"
	userID   = "e0fb2b4ddb594819b697d0048614c117"
	deviceID = "6b2834a8bef6461e96ef2322b4c72998"
)

var (
	listURL   = endpoint + "/v2.0/users/" + userID + "/RAX-AUTH/multi-factor/otp-devices"
	deviceURL = listURL + "/" + deviceID
	userURL   = endpoint + "/v2.0/users/" + userID
	phonesURL = userURL + "/RAX-AUTH/multi-factor/mobile-phones"
	usersURL  = endpoint + "/v2.0/users"
	tokensURL = endpoint + "/v2.0/tokens"
)

// fastRetry keeps retry tests quick.
var fastRetry = mfa.RetryPolicy{MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond}

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
		return httpmock.NewStringResponse(http.StatusTeapot, ""), nil
	})
	return mt
}

// newClient returns a Client on mt with a static token, after edit.
func newClient(t *testing.T, mt *httpmock.MockTransport, edit func(*rackspace.Config)) *rackspace.Client {
	t.Helper()
	cfg := rackspace.Config{
		Endpoint:   endpoint,
		Token:      secretToken,
		HTTPClient: &http.Client{Transport: mt},
		Retry:      fastRetry,
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := rackspace.NewClient(cfg)
	require.NoError(t, err)
	return c
}

// respond makes a response with a body and headers given as pairs.
func respond(status int, body []byte, header ...string) *http.Response {
	resp := httpmock.NewBytesResponse(status, body)
	for i := 0; i+1 < len(header); i += 2 {
		resp.Header.Set(header[i], header[i+1])
	}
	if resp.Header.Get("Content-Type") == "" && len(body) > 0 {
		switch bytes.TrimSpace(body)[0] {
		case '{':
			resp.Header.Set("Content-Type", "application/json")
		case '<':
			resp.Header.Set("Content-Type", "application/xml")
		}
	}
	return resp
}

// serve answers every request with the same response.
func serve(status int, body []byte, header ...string) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) { return respond(status, body, header...), nil }
}

// sequence answers with each responder in turn, then repeats the last.
func sequence(rs ...httpmock.Responder) httpmock.Responder {
	var mu sync.Mutex
	n := 0
	return func(req *http.Request) (*http.Response, error) {
		mu.Lock()
		r := rs[min(n, len(rs)-1)]
		n++
		mu.Unlock()
		return r(req)
	}
}

// calls returns how many times mt answered method url.
func calls(mt *httpmock.MockTransport, method, url string) int {
	return mt.GetCallCountInfo()[method+" "+url]
}

// assertNoSecret fails when any sentinel, or its hex, appears in text.
func assertNoSecret(t *testing.T, what, text string) {
	t.Helper()
	for _, s := range sentinels {
		for _, form := range []string{s, fmt.Sprintf("%x", s), fmt.Sprintf("%X", s)} {
			if strings.Contains(text, form) {
				t.Errorf("%s reveals a secret %q: %s", what, s, text)
			}
		}
	}
}

// readJSON decodes a request body.
func readJSON(t *testing.T, req *http.Request) map[string]any {
	t.Helper()
	b, err := io.ReadAll(req.Body)
	require.NoError(t, err)
	var v map[string]any
	require.NoError(t, json.Unmarshal(b, &v), string(b))
	return v
}
