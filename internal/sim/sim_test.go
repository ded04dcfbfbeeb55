package sim_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/openmfa/mfa-go/internal/sim"
	"github.com/openmfa/mfa-go/mfa"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// startSim starts a sim stopped at the end of the test.
func startSim(t testing.TB, o sim.Options) *sim.Sim {
	t.Helper()
	s, err := sim.Start(o)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

// newClient returns a client whose idle connections are closed at the end
// of the test.
func newClient(t testing.TB) *http.Client {
	tr := &http.Transport{MaxIdleConnsPerHost: 100, DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// call sends one request and returns the response with its body read.
func call(t testing.TB, c *http.Client, method, url string, body string, header ...string) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, b
}

func TestStartDefaults(t *testing.T) {
	s := startSim(t, sim.Options{})
	seen := map[string]bool{}
	names := []string{}
	for _, a := range s.APIs() {
		assert.True(t, strings.HasPrefix(a.URL(), "http://127.0.0.1:"), a.URL())
		assert.False(t, seen[a.URL()], "each API has its own server")
		seen[a.URL()] = true
		names = append(names, a.Name())
		assert.Len(t, a.UserIDs(), 12)
		assert.IsIncreasing(t, a.UserIDs())
		for _, d := range a.Devices() {
			assert.Contains(t, a.UserIDs(), d.UserID)
			assert.Contains(t, []mfa.Status{mfa.StatusActive, mfa.StatusPending, mfa.StatusUnknown}, d.Status)
			assert.NotEmpty(t, d.ID)
		}
	}
	assert.Equal(t, []string{"huawei-iam", "huawei-workspace", "rackspace", "zstack"}, names)
	assert.Equal(t, []*sim.API{s.IAM, s.Workspace, s.Rackspace, s.ZStack}, s.APIs())
}

func TestStartOneVendor(t *testing.T) {
	hw, err := sim.StartHuawei(sim.Options{})
	require.NoError(t, err)
	defer hw.Close()
	assert.Equal(t, []*sim.API{hw.IAM, hw.Workspace}, hw.APIs())
	rax, err := sim.StartRackspace(sim.Options{})
	require.NoError(t, err)
	defer rax.Close()
	assert.Equal(t, []*sim.API{rax.Rackspace}, rax.APIs())
	zs, err := sim.StartZStack(sim.Options{})
	require.NoError(t, err)
	defer zs.Close()
	assert.Equal(t, []*sim.API{zs.ZStack}, zs.APIs())

	// A vendor started alone has the organisation and credentials it has
	// among the four.
	all := startSim(t, sim.Options{})
	assert.Equal(t, all.Creds, zs.Creds)
	assert.Equal(t, all.ZStack.Users(), zs.ZStack.Users())
	assert.Equal(t, all.Workspace.Users(), hw.Workspace.Users())
}

func TestOptionsInvalid(t *testing.T) {
	for _, o := range []sim.Options{
		{Users: -1}, {Users: 2_000_000}, {MaxDevicesPerUser: -1}, {MaxDevicesPerUser: 5000},
		{Active: -1}, {NoDevice: -3}, {Latency: -time.Second}, {MaxPageSize: -1}, {IAM2: 9}, {IAM2: -1}, {IAM2: 256},
		{RackspaceUsers: []sim.User{{}}},
	} {
		s, err := sim.Start(o)
		assert.Error(t, err, "%+v", o)
		assert.Nil(t, s)
	}
}

func TestDeterministic(t *testing.T) {
	o := sim.Options{Seed: 42, Users: 40, MaxDevicesPerUser: 4}
	a, b := startSim(t, o), startSim(t, o)
	other := startSim(t, sim.Options{Seed: 43, Users: 40, MaxDevicesPerUser: 4})
	assert.Equal(t, a.Creds, b.Creds)
	assert.NotEqual(t, a.Creds, other.Creds)
	for i, api := range a.APIs() {
		assert.Equal(t, api.Users(), b.APIs()[i].Users(), api.Name())
		assert.NotEqual(t, api.UserIDs(), other.APIs()[i].UserIDs(), api.Name())
	}
	// Seed 0 is seed 1.
	z, one := startSim(t, sim.Options{}), startSim(t, sim.Options{Seed: 1})
	assert.Equal(t, z.ZStack.Users(), one.ZStack.Users())
	// Each API has its own users.
	assert.NotEqual(t, a.IAM.UserIDs(), a.Workspace.UserIDs())
}

func countBy[T any](items []T, f func(T) string) map[string]int {
	m := map[string]int{}
	for _, d := range items {
		m[f(d)]++
	}
	return m
}

func TestMix(t *testing.T) {
	s := startSim(t, sim.Options{Seed: 5, Users: 300, MaxDevicesPerUser: 80})
	perUser := func(a *sim.API) map[string]int {
		return countBy(a.Devices(), func(d sim.OwnedDevice) string { return d.UserID })
	}
	for _, n := range perUser(s.IAM) {
		assert.Equal(t, 1, n, "Huawei IAM has at most one device per user")
	}
	maxWS := 0
	for _, n := range perUser(s.Workspace) {
		maxWS = max(maxWS, n)
	}
	assert.LessOrEqual(t, maxWS, 55)
	assert.Greater(t, maxWS, 40)

	status := func(a *sim.API) map[string]int {
		return countBy(a.Devices(), func(d sim.OwnedDevice) string { return string(d.Kind) + ":" + string(d.Status) })
	}
	assert.Equal(t, []string{"totp:active"}, keys(status(s.IAM)))
	assert.Equal(t, []string{"sms:active", "sms:pending", "totp:active", "totp:pending"}, keys(status(s.Rackspace)))
	assert.Equal(t, []string{"totp:active", "totp:pending", "totp:unknown"}, keys(status(s.Workspace)))
	assert.Equal(t, []string{"totp:active", "totp:pending", "totp:unknown"}, keys(status(s.ZStack)))
	assert.Less(t, len(perUser(s.ZStack)), 300, "some users have no device")
	phones := map[string]int{}
	for _, d := range s.Rackspace.Devices() {
		if d.Kind == mfa.KindSMS {
			phones[d.UserID]++
			assert.Regexp(t, `^(\+1 \d{3}-\d{3}-\d{4}|1\d{10})$`, d.Number)
			assert.Regexp(t, `^\d{8}$`, d.ID)
			assert.Empty(t, d.Name)
		}
	}
	for _, n := range phones {
		assert.Equal(t, 1, n, "at most one phone per user")
	}

	vs := countBy(s.Workspace.Devices(), func(d sim.OwnedDevice) string { return string(d.Status) + ":" + d.VendorStatus })
	for k := range vs {
		assert.Contains(t, []string{"active:REGISTERED", "pending:UNREGISTER", "unknown:LOCKED", "unknown:EXPIRED", "unknown:SUSPENDED"}, k)
	}
	vs = countBy(s.ZStack.Devices(), func(d sim.OwnedDevice) string { return string(d.Status) + ":" + d.VendorStatus })
	for k := range vs {
		assert.Contains(t, []string{"active:Logined", "pending:NewCreated", "unknown:Expired", "unknown:Locked"}, k)
	}
	vs = countBy(s.Rackspace.Devices(), func(d sim.OwnedDevice) string { return string(d.Status) + ":" + d.VendorStatus })
	assert.Equal(t, []string{"active:true", "pending:false"}, keys(vs))

	none := startSim(t, sim.Options{Users: 30, NoDevice: 1})
	for _, a := range none.APIs() {
		assert.Empty(t, a.Devices(), a.Name())
		assert.Len(t, a.UserIDs(), 30)
	}
	active := startSim(t, sim.Options{Users: 30, Active: 1, MaxDevicesPerUser: 3})
	for _, a := range active.APIs() {
		assert.Equal(t, []string{"active"}, keys(countBy(a.Devices(), func(d sim.OwnedDevice) string { return string(d.Status) })), a.Name())
		assert.Len(t, perUser(a), 30, a.Name())
	}
}

func keys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// category sorts a user into what an audit sees in it.
func category(api string, u sim.User) string {
	var totp, sms, pending, unknown bool
	for _, d := range u.Devices {
		switch {
		case d.Status == mfa.StatusPending:
			pending = true
		case d.Status == mfa.StatusUnknown:
			unknown = true
		case d.Kind == mfa.KindSMS:
			sms = true
		default:
			totp = true
		}
	}
	if api == "huawei-iam" && u.LoginProtect && u.LoginMethod != "vmfa" {
		sms = true
	}
	enforced := true
	switch api {
	case "huawei-iam":
		enforced = u.LoginProtect
	case "rackspace":
		enforced = u.MFAEnabled
	}
	switch {
	case !u.Enabled():
		return "disabled"
	case totp && !enforced:
		return "not-enforced"
	case totp:
		return "active"
	case sms:
		return "sms-only"
	case pending:
		return "pending"
	case unknown:
		return "unknown"
	}
	return "no-factor"
}

// TestSampleCategories checks that the default organisation of every seed
// shows each kind of user an audit looks for.
func TestSampleCategories(t *testing.T) {
	want := map[string][]string{
		"huawei-iam":       {"active", "disabled", "no-factor", "not-enforced", "sms-only"},
		"huawei-workspace": {"active", "disabled", "no-factor", "pending"},
		"rackspace":        {"active", "disabled", "no-factor", "not-enforced", "pending", "sms-only"},
		"zstack":           {"active", "disabled", "no-factor", "pending"},
	}
	for seed := range int64(8) {
		s := startSim(t, sim.Options{Seed: seed + 1})
		for _, a := range s.APIs() {
			got := countBy(a.Users(), func(u sim.User) string { return category(a.Name(), u) })
			for _, c := range want[a.Name()] {
				assert.Positive(t, got[c], "seed %d, %s: %s in %v", seed+1, a.Name(), c, got)
			}
		}
		// Unknown statuses where the API has them.
		for _, a := range []*sim.API{s.Workspace, s.ZStack} {
			assert.Contains(t, countBy(a.Devices(), func(d sim.OwnedDevice) string { return string(d.Status) }), "unknown", a.Name())
		}
		// Every inactive form.
		ws := countBy(s.Workspace.Users(), func(u sim.User) string { return fmt.Sprint(u.Disabled, u.Locked, u.Expired) })
		for _, form := range []string{"true false false", "false true false", "false false true"} {
			assert.Positive(t, ws[form], "Workspace %s in %v", form, ws)
		}
		zs := countBy(s.ZStack.Users(), func(u sim.User) string { return u.State })
		for _, state := range []string{"Enabled", "Disabled", "Staled", ""} {
			assert.Positive(t, zs[state], "ZStack state %q in %v", state, zs)
		}
		vids := countBy(s.ZStack.Users(), func(u sim.User) string { return fmt.Sprint(u.VirtualID) })
		assert.Greater(t, vids["false"], sim.DefaultMaxPageSize, "accounts span more than a page")
		assert.Positive(t, vids["true"])
		assert.Greater(t, len(s.Workspace.UserIDs()), sim.DefaultMaxPageSize, "Workspace users span more than a page")
	}
}

func TestNoIAM2(t *testing.T) {
	s := startSim(t, sim.Options{Users: 60, IAM2: sim.IAM2NotInstalled})
	for _, u := range s.ZStack.Users() {
		assert.False(t, u.VirtualID)
	}
}

func TestExplicitOrganisation(t *testing.T) {
	created := time.Date(2024, 3, 1, 10, 11, 12, 999, time.UTC)
	s := startSim(t, sim.Options{
		Explicit: true,
		IAMUsers: []sim.User{
			{ID: "alice", Name: "alice", LoginProtect: true, Devices: []sim.Device{{}}},
			{Name: "bob", Disabled: true},
		},
		WorkspaceUsers: []sim.User{{Name: "carol", Locked: true, Devices: []sim.Device{{VendorStatus: "REGISTERED", Created: created}, {VendorStatus: "FROZEN"}}}},
		RackspaceUsers: []sim.User{{Name: "dave", MFAEnabled: true, Devices: []sim.Device{{VendorStatus: "true", Kind: mfa.KindSMS}, {}}}},
		ZStackUsers: []sim.User{
			{ID: strings.Repeat("ab", 16), Name: "erin", Devices: []sim.Device{{VendorStatus: "Logined"}}},
			{Name: "frank", VirtualID: true, State: "Disabled", Devices: []sim.Device{{}}},
		},
	})
	iam := s.IAM.Users()
	require.Len(t, iam, 2)
	assert.Equal(t, "alice", iam[0].ID)
	assert.Equal(t, "vmfa", iam[0].LoginMethod)
	assert.Equal(t, []sim.Device{{ID: "iam/mfa/alice", Kind: mfa.KindTOTP, Status: mfa.StatusActive}}, iam[0].Devices)
	assert.Regexp(t, `^[0-9a-f]{32}$`, iam[1].ID, "a generated id")
	assert.False(t, iam[1].Enabled())
	assert.Empty(t, iam[1].Devices)

	ws := s.Workspace.Users()[0]
	assert.Equal(t, "carol@example.com", ws.Email)
	assert.False(t, ws.Enabled())
	require.Len(t, ws.Devices, 2)
	assert.Equal(t, created.Truncate(time.Second), ws.Devices[0].Created, "dates keep seconds")
	assert.Equal(t, mfa.StatusActive, ws.Devices[0].Status)
	assert.Equal(t, mfa.StatusUnknown, ws.Devices[1].Status)

	rax := s.Rackspace.Users()[0]
	assert.Equal(t, []string{"ACTIVE", "DEFAULT", "SMS"}, []string{rax.MFAState, rax.Enforcement, rax.FactorType})
	require.Len(t, rax.Devices, 2)
	assert.Equal(t, mfa.KindSMS, rax.Devices[0].Kind)
	assert.NotEmpty(t, rax.Devices[0].Number)
	assert.Equal(t, mfa.StatusPending, rax.Devices[1].Status)
	assert.NotEmpty(t, rax.Devices[1].Name)

	zs := s.ZStack.Users()
	assert.Equal(t, []string{"Normal", "ZStack"}, []string{zs[0].Type, zs[1].Type})
	assert.Equal(t, "", zs[0].State, "an account of an older release")
	assert.True(t, zs[0].Enabled())
	assert.False(t, zs[1].Enabled())
	assert.Equal(t, "NewCreated", zs[1].Devices[0].VendorStatus)
	assert.Len(t, zs[1].Devices[0].Secret, 16)

	// The explicit users are what the APIs serve.
	resp, body := call(t, newClient(t), "GET", s.IAM.URL()+"/v3.0/OS-MFA/users/alice/virtual-mfa-device", "",
		"X-Auth-Token", s.Creds.HuaweiToken)
	assert.Equal(t, 200, resp.StatusCode)
	assert.JSONEq(t, `{"virtual_mfa_device":{"user_id":"alice","serial_number":"iam/mfa/alice"}}`, string(body))

	// Seed still picks the ids left empty.
	again := startSim(t, sim.Options{Explicit: true, IAMUsers: []sim.User{{ID: "alice"}, {Name: "bob", Disabled: true}}})
	assert.Equal(t, iam[1].ID, again.IAM.Users()[1].ID)
	assert.Empty(t, again.ZStack.Users(), "a nil list is an API without users")
}

func TestExplicitOrganisationInvalid(t *testing.T) {
	for name, o := range map[string]sim.Options{
		"duplicate id":          {IAMUsers: []sim.User{{ID: "a"}, {ID: "a"}}},
		"slash in id":           {RackspaceUsers: []sim.User{{ID: "a/b"}}},
		"control in id":         {WorkspaceUsers: []sim.User{{ID: "a\nb"}}},
		"two IAM devices":       {IAMUsers: []sim.User{{Devices: []sim.Device{{}, {}}}}},
		"two phones":            {RackspaceUsers: []sim.User{{Devices: []sim.Device{{Kind: mfa.KindSMS}, {Kind: mfa.KindSMS}}}}},
		"phone at Workspace":    {WorkspaceUsers: []sim.User{{Devices: []sim.Device{{Kind: mfa.KindSMS}}}}},
		"ZStack uuid":           {ZStackUsers: []sim.User{{ID: "erin"}}},
		"ZStack secret uuid":    {ZStackUsers: []sim.User{{Devices: []sim.Device{{ID: "x"}}}}},
		"virtual id, no IAM2":   {IAM2: sim.IAM2Unsupported, ZStackUsers: []sim.User{{VirtualID: true}}},
		"duplicate device id":   {RackspaceUsers: []sim.User{{Devices: []sim.Device{{ID: "d"}}}, {Devices: []sim.Device{{ID: "d"}}}}},
		"56 Workspace devices":  {WorkspaceUsers: []sim.User{{Devices: make([]sim.Device, 56)}}},
		"id too long":           {IAMUsers: []sim.User{{ID: strings.Repeat("x", 200)}}},
		"dot-dot is not an id":  {IAMUsers: []sim.User{{ID: ".."}}},
		"uppercase ZStack uuid": {ZStackUsers: []sim.User{{ID: strings.Repeat("AB", 16)}}},
	} {
		o.Explicit = true
		_, err := sim.Start(o)
		assert.Error(t, err, name)
	}
}

func TestRequestLog(t *testing.T) {
	s := startSim(t, sim.Options{})
	c := newClient(t)
	call(t, c, "GET", s.IAM.URL()+"/v3/users?enabled=false", "", "X-Auth-Token", s.Creds.HuaweiToken)
	call(t, c, "GET", s.Workspace.URL()+"/v2/p/users", "")
	call(t, c, "POST", s.IAM.URL()+"/v3/auth/tokens", hwLoginBody(s.Creds, s.Creds.HuaweiPassword))
	call(t, c, "GET", s.ZStack.URL()+"/zstack/v1/accounts?q=name%3Dx", "", "Authorization", "OAuth "+s.Creds.ZStackSession)
	want := []sim.Request{
		{API: "huawei-iam", Method: "GET", Path: "/v3/users", Query: "enabled=false"},
		{API: "huawei-workspace", Method: "GET", Path: "/v2/p/users"},
		{API: "huawei-iam", Method: "POST", Path: "/v3/auth/tokens"},
	}
	assert.Equal(t, want, s.IAM.RequestLog(), "the Huawei APIs share one log, in order")
	assert.Equal(t, want, s.Workspace.RequestLog())
	assert.Equal(t, []sim.Request{{API: "zstack", Method: "GET", Path: "/zstack/v1/accounts", Query: "q=name%3Dx"}}, s.ZStack.RequestLog())
	assert.Empty(t, s.Rackspace.RequestLog())
}

// TestRequestLogHoldsNoSession checks that ZStack's logout, whose path
// holds the session, is logged without it.
func TestRequestLogHoldsNoSession(t *testing.T) {
	s := startSim(t, sim.Options{})
	c := newClient(t)
	sess := strings.Repeat("1", 32)
	call(t, c, "DELETE", s.ZStack.URL()+"/zstack/v1/accounts/sessions/"+sess, "")
	call(t, c, "GET", s.ZStack.URL()+"/zstack/v1/accounts/sessions/"+sess+"/x", "")
	call(t, c, "GET", s.ZStack.URL()+"/zstack/v1/accounts/%73essions/"+sess, "")
	call(t, c, "GET", s.ZStack.URL()+"/zstack/v1/accounts/sessions", "")
	assert.Equal(t, []sim.Request{
		{API: "zstack", Method: "DELETE", Path: "/zstack/v1/accounts/sessions/{session}"},
		{API: "zstack", Method: "GET", Path: "/zstack/v1/accounts/sessions/{session}"},
		{API: "zstack", Method: "GET", Path: "/zstack/v1/accounts/sessions/{session}"},
		{API: "zstack", Method: "GET", Path: "/zstack/v1/accounts/sessions"},
	}, s.ZStack.RequestLog())
}

func TestRequestLogIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("10,050 requests")
	}
	s := startSim(t, sim.Options{})
	c := newClient(t)
	for i := range 10_050 {
		get(c, s.Rackspace.URL()+"/v2.0/x?n="+strconv.Itoa(i))
	}
	log := s.Rackspace.RequestLog()
	require.Len(t, log, 10_000)
	assert.Equal(t, "n=50", log[0].Query, "the oldest are dropped")
	assert.Equal(t, "n=10049", log[len(log)-1].Query)
	assert.EqualValues(t, 10_050, s.Rackspace.Requests())
}

func TestLargeOrganisation(t *testing.T) {
	if testing.Short() {
		t.Skip("large organisation")
	}
	s := startSim(t, sim.Options{Users: 100_000, MaxDevicesPerUser: 1, Active: 1})
	devs := s.ZStack.Devices()
	require.Len(t, devs, 100_000)
	c := newClient(t)
	resp, body := call(t, c, "GET", s.ZStack.URL()+"/zstack/v1/twofactorauthentication/secrets?count=true",
		"", "Authorization", "OAuth "+s.Creds.ZStackSession)
	require.Equal(t, 200, resp.StatusCode)
	assert.JSONEq(t, `{"total":100000}`, string(body))
}

func TestConnectionsKeepAlive(t *testing.T) {
	s := startSim(t, sim.Options{})
	c := newClient(t)
	url := s.Rackspace.URL() + "/v2.0/users/" + s.Rackspace.UserIDs()[0] + "/RAX-AUTH/multi-factor/otp-devices"
	for range 50 {
		resp, _ := call(t, c, "GET", url, "", "X-Auth-Token", s.Creds.RackspaceToken)
		require.Equal(t, 200, resp.StatusCode)
	}
	assert.EqualValues(t, 50, s.Rackspace.Requests())
	assert.EqualValues(t, 1, s.Rackspace.Connections())
	// A big streamed answer keeps the connection too.
	for range 3 {
		resp, _ := call(t, c, "GET", s.IAM.URL()+"/v3.0/OS-MFA/virtual-mfa-devices", "", "X-Auth-Token", s.Creds.HuaweiToken)
		require.Equal(t, 200, resp.StatusCode)
	}
	assert.EqualValues(t, 1, s.IAM.Connections())
	assert.EqualValues(t, 0, s.ZStack.Requests())

	// A second client opens a second connection.
	call(t, newClient(t), "GET", url, "")
	assert.EqualValues(t, 2, s.Rackspace.Connections())
	assert.EqualValues(t, 51, s.Rackspace.Requests())
}

func TestCountersConcurrent(t *testing.T) {
	s := startSim(t, sim.Options{})
	c := newClient(t)
	url := s.ZStack.URL() + "/zstack/v1/twofactorauthentication/secrets"
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 25 {
				req, _ := http.NewRequest("GET", url, nil)
				req.Header.Set("Authorization", "OAuth "+s.Creds.ZStackSession)
				resp, err := c.Do(req)
				if assert.NoError(t, err) {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					assert.Equal(t, 200, resp.StatusCode)
				}
			}
		}()
	}
	wg.Wait()
	assert.EqualValues(t, 800, s.ZStack.Requests())
	// The client may dial a spare connection while another turns idle.
	assert.LessOrEqual(t, s.ZStack.Connections(), int64(64))
	assert.GreaterOrEqual(t, s.ZStack.Connections(), int64(1))
}

func TestLatency(t *testing.T) {
	s := startSim(t, sim.Options{Latency: time.Hour})
	c := newClient(t)
	for _, a := range s.APIs() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		req, _ := http.NewRequestWithContext(ctx, "GET", a.URL()+"/", nil)
		_, err := c.Do(req)
		cancel()
		assert.ErrorIs(t, err, context.DeadlineExceeded, a.Name())
		a.SetLatency(time.Millisecond)
		resp, _ := call(t, c, "GET", a.URL()+"/", "")
		assert.Equal(t, 404, resp.StatusCode, a.Name())
		assert.EqualValues(t, 2, a.Requests())
	}
}

func TestCloseDropsWaitingRequests(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, err := sim.Start(sim.Options{Latency: time.Hour})
	require.NoError(t, err)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	errs := make(chan error, 4)
	for _, a := range s.APIs() {
		go func() {
			resp, err := c.Get(a.URL() + "/")
			if err == nil {
				resp.Body.Close()
				err = fmt.Errorf("status %d", resp.StatusCode)
			}
			errs <- err
		}()
	}
	for _, a := range s.APIs() {
		for a.Requests() == 0 {
			time.Sleep(time.Millisecond)
		}
	}
	s.Close()
	s.Close() // idempotent
	for range 4 {
		err := <-errs
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "status", "a dropped request gets no answer")
	}
}

func TestCloseLeaksNoGoroutine(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, err := sim.Start(sim.Options{Users: 100})
	require.NoError(t, err)
	tr := &http.Transport{}
	c := &http.Client{Transport: tr}
	for _, a := range s.APIs() {
		for range 5 {
			resp, err := c.Get(a.URL() + "/anything")
			require.NoError(t, err)
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	s.Close()
	tr.CloseIdleConnections()
	_, err = c.Get(s.IAM.URL() + "/")
	assert.Error(t, err, "a closed sim refuses connections")
}

func TestCredentialsRedacted(t *testing.T) {
	s := startSim(t, sim.Options{})
	c := s.Creds
	out := fmt.Sprintf("%v %+v %#v %s", c, c, c, c)
	out += fmt.Sprintf("%v %+v", s, s)
	for _, secret := range []string{c.HuaweiToken, c.HuaweiPassword, c.HuaweiSK, c.HuaweiAK, c.RackspaceToken,
		c.RackspaceAPIKey, c.RackspacePassword, c.ZStackSession, c.ZStackPassword} {
		require.NotEmpty(t, secret)
		assert.NotContains(t, out, secret)
	}
	assert.Contains(t, out, "[REDACTED]")
	assert.Contains(t, out, c.HuaweiProjectID)
}
