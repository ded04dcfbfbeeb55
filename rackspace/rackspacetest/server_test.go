package rackspacetest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/openmfa/mfa-go/internal/sim"
	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/mfatest"
	"github.com/openmfa/mfa-go/rackspace"
	"github.com/openmfa/mfa-go/rackspace/rackspacetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func newServer(t *testing.T, o rackspacetest.Options) *rackspacetest.Server {
	t.Helper()
	srv, err := rackspacetest.NewServer(o)
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	return srv
}

// get sends a GET with the server's token and decodes a JSON answer into
// v (when not nil); it returns the status.
func get(t *testing.T, srv *rackspacetest.Server, path string, v any, header ...string) int {
	t.Helper()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	req, err := http.NewRequest("GET", srv.URL+path, nil)
	require.NoError(t, err)
	req.Header.Set("X-Auth-Token", srv.Token.Reveal())
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if v != nil && resp.StatusCode == 200 {
		require.NoError(t, json.Unmarshal(body, v), string(body))
	}
	return resp.StatusCode
}

func TestSampleOrganisation(t *testing.T) {
	srv := newServer(t, rackspacetest.Options{})
	assert.True(t, strings.HasPrefix(srv.URL, "http://127.0.0.1:"), srv.URL)
	for _, s := range []mfa.Secret{srv.Token, srv.APIKey, srv.Password} {
		assert.NotEmpty(t, s.Reveal())
	}
	assert.NotEmpty(t, srv.Username)

	users := srv.Users()
	require.Len(t, users, 12)
	var devices []rackspacetest.Device
	kinds := map[string]int{}
	for _, u := range users {
		var otp, sms bool
		for _, d := range u.OTPDevices {
			devices = append(devices, rackspacetest.Device{UserID: u.ID, ID: d.ID, Name: d.Name, Kind: mfa.KindTOTP,
				Status: map[bool]mfa.Status{true: mfa.StatusActive, false: mfa.StatusPending}[d.Verified], VendorStatus: fmt.Sprint(d.Verified)})
			otp = otp || d.Verified
		}
		if p := u.Phone; p != nil {
			devices = append(devices, rackspacetest.Device{UserID: u.ID, ID: p.ID, Number: p.Number, Kind: mfa.KindSMS,
				Status: map[bool]mfa.Status{true: mfa.StatusActive, false: mfa.StatusPending}[p.Verified], VendorStatus: fmt.Sprint(p.Verified)})
			sms = p.Verified
		}
		switch {
		case !u.Enabled():
			kinds["disabled"]++
		case otp && u.LoginMFA() == mfa.EnforcementNotRequired:
			kinds["not enforced"]++
		case otp:
			kinds["active"]++
			assert.Equal(t, mfa.EnforcementRequired, u.LoginMFA())
			assert.Equal(t, "OTP", u.LoginMFAMethod())
		case sms:
			kinds["sms-only"]++
			assert.Equal(t, "SMS", u.LoginMFAMethod())
		case len(u.OTPDevices) > 0:
			kinds["pending"]++
		default:
			kinds["no factor"]++
		}
	}
	assert.Equal(t, devices, srv.Devices(), "Devices is Users, flat")
	assert.Len(t, kinds, 6, "%v", kinds)

	// The same seed, the same server; another seed, another.
	again := newServer(t, rackspacetest.Options{})
	assert.Equal(t, users, again.Users())
	assert.Equal(t, srv.Token.Reveal(), again.Token.Reveal())
	other := newServer(t, rackspacetest.Options{Seed: 2})
	assert.NotEqual(t, users, other.Users())
}

func TestUsersMatchTheWire(t *testing.T) {
	srv := newServer(t, rackspacetest.Options{UserCount: 9, MaxPageSize: 4})
	var page struct {
		Users []map[string]any `json:"users"`
		Links []struct {
			Href string `json:"href"`
		} `json:"users_links"`
	}
	require.Equal(t, 200, get(t, srv, "/v2.0/users", &page))
	require.Len(t, page.Users, 4)
	require.Len(t, page.Links, 1)
	for i, u := range srv.Users()[:4] {
		assert.Equal(t, u.ID, page.Users[i]["id"])
		assert.Equal(t, u.Username, page.Users[i]["username"])
	}
	users := srv.Users()
	var phones struct {
		Phones []struct {
			ID     string `json:"id"`
			Number string `json:"number"`
		} `json:"RAX-AUTH:mobilePhones"`
	}
	for _, u := range users {
		require.Equal(t, 200, get(t, srv, "/v2.0/users/"+u.ID+"/RAX-AUTH/multi-factor/mobile-phones", &phones))
		if u.Phone == nil {
			assert.Empty(t, phones.Phones)
			continue
		}
		require.Len(t, phones.Phones, 1)
		assert.Equal(t, u.Phone.Number, phones.Phones[0].Number)
	}
}

func TestExplicitUsers(t *testing.T) {
	created := time.Date(2023, 5, 6, 7, 8, 9, 0, time.UTC)
	srv := newServer(t, rackspacetest.Options{Users: []rackspacetest.User{
		{Username: "alice", OTPDevices: []rackspacetest.OTPDevice{{}}},
		{ID: "bob-1", Username: "bob", MultiFactorEnabled: true, EnforcementLevel: "REQUIRED", Created: created,
			Phone: &rackspacetest.MobilePhone{Number: "+44 20 7946 0000", Verified: true}},
		{Username: "carol", Disabled: true},
	}})
	users := srv.Users()
	require.Len(t, users, 3)
	alice, bob, carol := users[0], users[1], users[2]

	assert.Regexp(t, `^[0-9a-f]{32}$`, alice.ID)
	assert.Equal(t, "alice@example.com", alice.Email)
	require.Len(t, alice.OTPDevices, 1)
	assert.False(t, alice.OTPDevices[0].Verified)
	assert.NotEmpty(t, alice.OTPDevices[0].Name)
	assert.Equal(t, "DEFAULT", alice.EnforcementLevel)
	assert.Equal(t, mfa.EnforcementUnknown, alice.LoginMFA())

	assert.Equal(t, "bob-1", bob.ID)
	assert.Equal(t, created, bob.Created)
	assert.Equal(t, []string{"ACTIVE", "SMS"}, []string{bob.MultiFactorState, bob.FactorType})
	assert.Equal(t, mfa.EnforcementRequired, bob.LoginMFA())
	require.NotNil(t, bob.Phone)
	assert.Regexp(t, `^\d{8}$`, bob.Phone.ID)
	assert.False(t, carol.Enabled())

	var one struct {
		User map[string]any `json:"user"`
	}
	require.Equal(t, 200, get(t, srv, "/v2.0/users?name=bob", &one))
	assert.Equal(t, "bob-1", one.User["id"])
	var otp struct {
		Devices []struct {
			ID       string `json:"id"`
			Verified bool   `json:"verified"`
		} `json:"RAX-AUTH:otpDevices"`
	}
	require.Equal(t, 200, get(t, srv, "/v2.0/users/"+alice.ID+"/RAX-AUTH/multi-factor/otp-devices", &otp))
	require.Len(t, otp.Devices, 1)
	assert.Equal(t, alice.OTPDevices[0].ID, otp.Devices[0].ID)
	assert.False(t, otp.Devices[0].Verified)

	empty := newServer(t, rackspacetest.Options{Users: []rackspacetest.User{}})
	assert.Empty(t, empty.Users())

	_, err := rackspacetest.NewServer(rackspacetest.Options{Users: []rackspacetest.User{{ID: "x"}, {ID: "x"}}})
	assert.ErrorContains(t, err, `"x" is given twice`)
}

func TestOptionsInvalid(t *testing.T) {
	for _, o := range []rackspacetest.Options{{UserCount: -1}, {MaxPageSize: -1}, {Latency: -time.Second}, {Active: -1}} {
		srv, err := rackspacetest.NewServer(o)
		assert.Error(t, err, "%+v", o)
		assert.Nil(t, srv)
	}
}

func TestFaultsCountsAndRequests(t *testing.T) {
	srv := newServer(t, rackspacetest.Options{})
	srv.Inject(mfatest.RateLimit(1, "3"))
	assert.Equal(t, 413, get(t, srv, "/v2.0/users?limit=2", nil))
	assert.Equal(t, 200, get(t, srv, "/v2.0/users?limit=2", nil))
	srv.Inject(mfatest.Down())
	assert.Equal(t, 503, get(t, srv, "/v2.0/users", nil))
	assert.Equal(t, 503, get(t, srv, "/v2.0/users", nil))
	srv.ClearFaults()
	assert.Equal(t, 200, get(t, srv, "/v2.0/users", nil, "Accept", "application/xml"))
	assert.Panics(t, func() { srv.Inject(mfatest.Fault{}) })

	assert.Equal(t, 5, srv.RequestCount())
	assert.Equal(t, 5, srv.ConnectionCount(), "get uses a new connection each time")
	assert.Equal(t, []rackspacetest.Request{
		{Method: "GET", Path: "/v2.0/users", Query: "limit=2"},
		{Method: "GET", Path: "/v2.0/users", Query: "limit=2"},
		{Method: "GET", Path: "/v2.0/users"},
		{Method: "GET", Path: "/v2.0/users"},
		{Method: "GET", Path: "/v2.0/users"},
	}, srv.Requests())
}

// TestRequestsHoldNoCredential logs in with the rackspace client and reads
// through it, then checks that no credential, the token login issued
// included, reaches Requests. The Rackspace client sends its credentials in
// headers and bodies only, which Requests does not keep, so this guards
// against a client or server change that moves one into a path or a query;
// the ZStack logout, whose path holds the session, is the case that did
// leak (see zstacktest's TestRequestsHoldNoSession).
func TestRequestsHoldNoCredential(t *testing.T) {
	srv := newServer(t, rackspacetest.Options{})
	c, err := rackspace.NewClient(rackspace.Config{Endpoint: srv.URL, Username: srv.Username, APIKey: srv.APIKey})
	require.NoError(t, err)
	users := 0
	for u, err := range c.Users(context.Background()) {
		require.NoError(t, err)
		_, err = c.UserDevices(context.Background(), u.ID)
		require.NoError(t, err)
		users++
	}
	require.NoError(t, c.Close())
	require.Equal(t, len(srv.Users()), users)

	issued := srv.IssuedTokens()
	require.Len(t, issued, 1, "the client logged in once")
	log := fmt.Sprint(srv.Requests())
	require.Contains(t, log, "/v2.0/tokens", "the log holds the login")
	for _, secret := range append(issued, srv.Token, srv.APIKey, srv.Password) {
		assert.NotContains(t, log, secret.Reveal())
	}
}

func TestLatencyAndExpiry(t *testing.T) {
	srv := newServer(t, rackspacetest.Options{Latency: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/v2.0/users", nil)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	_, err := (&http.Client{Transport: tr}).Do(req)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	srv.SetLatency(0)

	login := `{"auth":{"RAX-KSKEY:apiKeyCredentials":{"username":"` + srv.Username + `","apiKey":"` + srv.APIKey.Reveal() + `"}}}`
	resp, err := (&http.Client{Transport: tr}).Post(srv.URL+"/v2.0/tokens", "application/json", strings.NewReader(login))
	require.NoError(t, err)
	var access struct {
		Access struct {
			Token struct {
				ID string `json:"id"`
			} `json:"token"`
		} `json:"access"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&access))
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	tok := access.Access.Token.ID
	require.Len(t, srv.IssuedTokens(), 1)
	assert.Equal(t, tok, srv.IssuedTokens()[0].Reveal())
	assert.Equal(t, 200, get(t, srv, "/v2.0/users", nil, "X-Auth-Token", tok))
	srv.ExpireTokens()
	assert.Equal(t, 401, get(t, srv, "/v2.0/users", nil, "X-Auth-Token", tok))
	assert.Equal(t, 200, get(t, srv, "/v2.0/users", nil), "Token does not expire")
}

func TestCredentialsDoNotPrint(t *testing.T) {
	srv := newServer(t, rackspacetest.Options{})
	var out strings.Builder
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%t", "%p", "%T", "%10s", "%e", "%f", "%b", "%c", "%o", "%U"} {
		fmt.Fprintf(&out, verb+" "+verb+"\n", srv, *srv)
	}
	for _, secret := range []string{srv.Token.Reveal(), srv.APIKey.Reveal(), srv.Password.Reveal()} {
		assert.NotContains(t, out.String(), secret)
		assert.NotContains(t, out.String(), fmt.Sprintf("%x", secret))
	}
	assert.Contains(t, out.String(), srv.URL)
}

func TestCloseIsIdempotent(t *testing.T) {
	srv, err := rackspacetest.NewServer(rackspacetest.Options{})
	require.NoError(t, err)
	srv.Close()
	srv.Close()
	_, err = http.Get(srv.URL + "/v2.0/users")
	assert.Error(t, err, "a closed server refuses connections")
}

func TestQuota(t *testing.T) {
	srv := newServer(t, rackspacetest.Options{})
	srv.SetQuota(0.001, 2) // two requests, then none for a long while
	assert.Equal(t, 200, get(t, srv, "/v2.0/users", nil))
	assert.Equal(t, 200, get(t, srv, "/v2.0/users", nil))
	assert.Equal(t, 413, get(t, srv, "/v2.0/users", nil), "refused as Rackspace refuses for rate")
	assert.Equal(t, 1, srv.Refusals())
	srv.SetQuota(0, 0)
	assert.Equal(t, 200, get(t, srv, "/v2.0/users", nil), "no quota any more")
}

// TestDefaultMaxPageSizeIsTheEmulators checks the documented default
// against the emulator's: NewServer leaves a zero MaxPageSize for the
// emulator to fill, so the two constants must agree.
func TestDefaultMaxPageSizeIsTheEmulators(t *testing.T) {
	assert.Equal(t, sim.DefaultMaxPageSize, rackspacetest.DefaultMaxPageSize)
}
