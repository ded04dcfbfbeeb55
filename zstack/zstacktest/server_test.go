package zstacktest_test

import (
	"context"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/openmfa/mfa-go/internal/sim"
	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/mfatest"
	"github.com/openmfa/mfa-go/zstack"
	"github.com/openmfa/mfa-go/zstack/zstacktest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func newServer(t *testing.T, o zstacktest.Options) *zstacktest.Server {
	t.Helper()
	srv, err := zstacktest.NewServer(o)
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	return srv
}

// call sends a request with the server's session (or the one given) and
// returns the status and the body.
func call(t *testing.T, srv *zstacktest.Server, method, path, body string, session ...string) (int, []byte) {
	t.Helper()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	sess := srv.SessionID.Reveal()
	if len(session) > 0 {
		sess = session[0]
	}
	req.Header.Set("Authorization", "OAuth "+sess)
	resp, err := (&http.Client{Transport: tr}).Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, b
}

type reply struct {
	Inventories []map[string]any `json:"inventories"`
	Total       int              `json:"total"`
}

// all reads every row of a query page by page, as a client must.
func all(t *testing.T, srv *zstacktest.Server, path string) []map[string]any {
	t.Helper()
	var rows []map[string]any
	for {
		status, body := call(t, srv, "GET", path+"?replyWithCount=true&start="+strconv.Itoa(len(rows)), "")
		require.Equal(t, 200, status, string(body))
		var r reply
		require.NoError(t, json.Unmarshal(body, &r))
		rows = append(rows, r.Inventories...)
		if len(rows) >= r.Total || len(r.Inventories) == 0 {
			return rows
		}
	}
}

func TestSampleOrganisation(t *testing.T) {
	srv := newServer(t, zstacktest.Options{})
	assert.True(t, strings.HasPrefix(srv.URL, "http://127.0.0.1:"), srv.URL)
	accounts, vids := srv.Accounts(), srv.VirtualIDs()
	assert.Len(t, append(accountIDs(accounts), vidIDs(vids)...), 12)
	assert.Greater(t, len(accounts), zstacktest.DefaultMaxPageSize, "accounts span more than a page")
	assert.NotEmpty(t, vids)

	states := map[string]int{}
	var secrets []zstacktest.Secret
	for _, a := range accounts {
		states[a.State]++
		secrets = append(secrets, a.Secrets...)
		assert.Equal(t, mfa.EnforcementUnknown, a.LoginMFA())
	}
	for _, v := range vids {
		states["virtual "+v.State]++
		secrets = append(secrets, v.Secrets...)
	}
	for _, s := range []string{"Enabled", "Disabled", "Staled", ""} {
		assert.Positive(t, states[s], "state %q in %v", s, states)
	}
	devices := srv.Devices()
	require.Len(t, devices, len(secrets))
	byID := map[string]zstacktest.Secret{}
	for _, s := range secrets {
		byID[s.UUID] = s
	}
	for _, d := range devices {
		s := byID[d.ID]
		assert.Equal(t, s.Status, d.VendorStatus)
		assert.Equal(t, s.Secret.Reveal(), d.Secret.Reveal())
		assert.Len(t, d.Secret.Reveal(), 16)
		assert.Equal(t, s.Created, d.Created)
		assert.Equal(t, mfa.KindTOTP, d.Kind)
	}

	// What the server serves is the ground truth.
	rows := all(t, srv, "/zstack/v1/accounts")
	assert.Equal(t, accountIDs(accounts), column(rows, "uuid"))
	rows = all(t, srv, "/zstack/v1/iam2/virtual-ids")
	assert.Equal(t, vidIDs(vids), column(rows, "uuid"))
	rows = all(t, srv, "/zstack/v1/twofactorauthentication/secrets")
	var want []string
	for _, d := range devices {
		want = append(want, d.ID)
	}
	assert.Equal(t, want, column(rows, "uuid"))
}

func accountIDs(as []zstacktest.Account) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.UUID)
	}
	return out
}

func vidIDs(vs []zstacktest.VirtualID) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.UUID)
	}
	return out
}

func column(rows []map[string]any, name string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, fmt.Sprint(r[name]))
	}
	return out
}

func TestExplicitUsers(t *testing.T) {
	created := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	srv := newServer(t, zstacktest.Options{
		Accounts: []zstacktest.Account{
			{Name: "alice", State: "Enabled", Secrets: []zstacktest.Secret{{}}},
			{UUID: strings.Repeat("b", 32), Name: "bob", Type: "SystemAdmin"},
		},
		VirtualIDs: []zstacktest.VirtualID{{Name: "carol", State: "Disabled", Created: created,
			Secrets: []zstacktest.Secret{{Secret: mfa.NewSecret("JBSWY3DPEHPK3PXP"), Status: "Logined"}}}},
	})
	accounts := srv.Accounts()
	require.Len(t, accounts, 2)
	alice, bob := accounts[0], accounts[1]
	assert.Regexp(t, `^[0-9a-f]{32}$`, alice.UUID)
	assert.Equal(t, "Normal", alice.Type)
	require.Len(t, alice.Secrets, 1)
	assert.Equal(t, "NewCreated", alice.Secrets[0].Status, "a secret given no status was never used")
	assert.Equal(t, strings.Repeat("b", 32), bob.UUID)
	assert.Empty(t, bob.State, "no state, as older releases")
	assert.True(t, bob.Enabled())

	vids := srv.VirtualIDs()
	require.Len(t, vids, 1)
	carol := vids[0]
	assert.Equal(t, "ZStack", carol.Type)
	assert.Equal(t, created, carol.Created)
	assert.False(t, carol.Enabled())

	status, body := call(t, srv, "GET", "/zstack/v1/twofactorauthentication/secrets?q=userUuid="+carol.UUID, "")
	require.Equal(t, 200, status)
	var r reply
	require.NoError(t, json.Unmarshal(body, &r))
	require.Len(t, r.Inventories, 1)
	assert.Equal(t, "JBSWY3DPEHPK3PXP", r.Inventories[0]["secret"])
	assert.Equal(t, "IAM2VirtualIDVO", r.Inventories[0]["userType"])

	onlyAccounts := newServer(t, zstacktest.Options{Accounts: []zstacktest.Account{{}}})
	assert.Empty(t, onlyAccounts.VirtualIDs())
	assert.Len(t, onlyAccounts.Accounts(), 1)

	for name, o := range map[string]zstacktest.Options{
		"not a uuid":      {Accounts: []zstacktest.Account{{UUID: "alice"}}},
		"virtual, no IAM": {IAM2: zstacktest.IAM2NotInstalled, VirtualIDs: []zstacktest.VirtualID{{}}},
		"bad IAM2 mode":   {IAM2: 7},
		// 256 and -1 must not wrap to a valid mode on their way to the
		// emulator.
		"IAM2 mode 256":      {IAM2: 256},
		"negative IAM2 mode": {IAM2: -1},
		"negative page":      {MaxPageSize: -1},
	} {
		_, err := zstacktest.NewServer(o)
		assert.Error(t, err, name)
	}
}

func TestWithoutIAM2(t *testing.T) {
	for mode, want := range map[zstacktest.IAM2Mode]int{zstacktest.IAM2NotInstalled: 404, zstacktest.IAM2Unsupported: 503} {
		srv := newServer(t, zstacktest.Options{IAM2: mode})
		status, _ := call(t, srv, "GET", "/zstack/v1/iam2/virtual-ids", "")
		assert.Equal(t, want, status)
		assert.Empty(t, srv.VirtualIDs())
		assert.Len(t, srv.Accounts(), 12)
	}
}

func TestFaultsCountsAndRequests(t *testing.T) {
	srv := newServer(t, zstacktest.Options{})
	srv.Inject(mfatest.ServerErrors(1, 500))
	status, body := call(t, srv, "GET", "/zstack/v1/accounts?limit=3", "")
	assert.Equal(t, 500, status)
	assert.Contains(t, string(body), `"SYS.1000"`)
	srv.Inject(mfatest.RateLimit(0, "2"))
	status, body = call(t, srv, "GET", "/zstack/v1/accounts", "")
	assert.Equal(t, 503, status)
	assert.Contains(t, string(body), `"SYS.1012"`)
	srv.ClearFaults()
	status, _ = call(t, srv, "GET", "/zstack/v1/accounts", "")
	assert.Equal(t, 200, status)

	assert.Equal(t, 3, srv.RequestCount())
	assert.Equal(t, 3, srv.ConnectionCount())
	assert.Equal(t, []zstacktest.Request{
		{Method: "GET", Path: "/zstack/v1/accounts", Query: "limit=3"},
		{Method: "GET", Path: "/zstack/v1/accounts"},
		{Method: "GET", Path: "/zstack/v1/accounts"},
	}, srv.Requests())
}

func TestLoginAndExpiry(t *testing.T) {
	srv := newServer(t, zstacktest.Options{})
	sum := sha512.Sum512([]byte(srv.Password.Reveal()))
	status, body := call(t, srv, "PUT", "/zstack/v1/accounts/login",
		`{"logInByAccount":{"accountName":"`+srv.AccountName+`","password":"`+hex.EncodeToString(sum[:])+`"}}`)
	require.Equal(t, 200, status, string(body))
	var login struct {
		Inventory struct {
			UUID string `json:"uuid"`
		} `json:"inventory"`
	}
	require.NoError(t, json.Unmarshal(body, &login))
	sess := login.Inventory.UUID
	require.Len(t, srv.IssuedTokens(), 1)
	assert.Equal(t, sess, srv.IssuedTokens()[0].Reveal())
	status, _ = call(t, srv, "GET", "/zstack/v1/accounts", "", sess)
	assert.Equal(t, 200, status)
	srv.ExpireTokens()
	status, body = call(t, srv, "GET", "/zstack/v1/accounts", "", sess)
	assert.Equal(t, 503, status)
	assert.Contains(t, string(body), `"ID.1001"`)
	status, _ = call(t, srv, "GET", "/zstack/v1/accounts", "")
	assert.Equal(t, 200, status, "SessionID does not expire")
}

func TestCredentialsDoNotPrint(t *testing.T) {
	srv := newServer(t, zstacktest.Options{})
	var out strings.Builder
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%t", "%p", "%T", "%10s", "%e", "%f", "%b", "%c", "%o", "%U"} {
		fmt.Fprintf(&out, verb+" "+verb+" "+verb+" "+verb+"\n", srv, *srv, srv.Devices(), srv.Accounts())
	}
	secrets := []string{srv.SessionID.Reveal(), srv.Password.Reveal()}
	for _, d := range srv.Devices() {
		secrets = append(secrets, d.Secret.Reveal())
	}
	for _, secret := range secrets {
		assert.NotContains(t, out.String(), secret)
		assert.NotContains(t, out.String(), fmt.Sprintf("%x", secret))
	}
}

func TestMaxPageSize(t *testing.T) {
	srv := newServer(t, zstacktest.Options{UserCount: 30, MaxPageSize: 12})
	status, body := call(t, srv, "GET", "/zstack/v1/twofactorauthentication/secrets?limit=1000&replyWithCount=true", "")
	require.Equal(t, 200, status)
	var r reply
	require.NoError(t, json.Unmarshal(body, &r))
	assert.Len(t, r.Inventories, 12)
	assert.Equal(t, len(srv.Devices()), r.Total)
}

func TestQuota(t *testing.T) {
	srv := newServer(t, zstacktest.Options{})
	srv.SetQuota(0.001, 1)
	status, _ := call(t, srv, "GET", "/zstack/v1/accounts", "")
	assert.Equal(t, 200, status)
	status, body := call(t, srv, "GET", "/zstack/v1/accounts", "")
	assert.Equal(t, 503, status, "ZStack has no 429")
	assert.Contains(t, string(body), `"SYS.1012"`)
	assert.Equal(t, 1, srv.Refusals())
}

// TestRequestsHoldNoSession logs in with the zstack client, makes a call
// and closes the client, whose logout puts the session in the path
// (DELETE /zstack/v1/accounts/sessions/{session}): Requests, which keeps
// no credential, must not show it.
func TestRequestsHoldNoSession(t *testing.T) {
	srv := newServer(t, zstacktest.Options{})
	c, err := zstack.NewClient(zstack.Config{Endpoint: srv.URL, AccountName: srv.AccountName, Password: srv.Password})
	require.NoError(t, err)
	_, err = c.UserDevices(context.Background(), srv.Accounts()[0].UUID)
	require.NoError(t, err)
	require.NoError(t, c.Close())

	issued := srv.IssuedTokens()
	require.Len(t, issued, 1, "the client logged in once")
	reqs := srv.Requests()
	require.NotEmpty(t, reqs)
	last := reqs[len(reqs)-1]
	assert.Equal(t, "DELETE", last.Method, "the client logged out")
	assert.Equal(t, "/zstack/v1/accounts/sessions/{session}", last.Path)
	for _, s := range issued {
		assert.NotContains(t, fmt.Sprint(reqs), s.Reveal())
	}
	assert.NotContains(t, fmt.Sprint(reqs), srv.SessionID.Reveal())
}

// TestDefaultMaxPageSizeIsTheEmulators checks the documented default
// against the emulator's: NewServer leaves a zero MaxPageSize for the
// emulator to fill, so the two constants must agree.
func TestDefaultMaxPageSizeIsTheEmulators(t *testing.T) {
	assert.Equal(t, sim.DefaultMaxPageSize, zstacktest.DefaultMaxPageSize)
}
