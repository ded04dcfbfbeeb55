package sim_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/openmfa/mfa-go/internal/sim"
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
		assert.Len(t, a.Users(), 12)
		assert.IsIncreasing(t, a.Users())
		for _, d := range a.Devices() {
			assert.Contains(t, a.Users(), d.UserID)
			assert.Contains(t, []string{sim.StatusActive, sim.StatusPending, sim.StatusUnknown}, d.Status)
			assert.NotEmpty(t, d.ID)
		}
	}
	assert.Equal(t, []string{"huawei-iam", "huawei-workspace", "rackspace", "zstack"}, names)
	assert.Equal(t, []*sim.API{s.IAM, s.Workspace, s.Rackspace, s.ZStack}, s.APIs())
}

func TestOptionsInvalid(t *testing.T) {
	for _, o := range []sim.Options{
		{Users: -1}, {Users: 2_000_000}, {MaxDevicesPerUser: -1}, {MaxDevicesPerUser: 5000},
		{Active: -1}, {NoDevice: -3}, {Latency: -time.Second},
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
		assert.Equal(t, api.Devices(), b.APIs()[i].Devices(), api.Name())
		assert.NotEqual(t, api.Users(), other.APIs()[i].Users(), api.Name())
	}
	// Seed 0 is seed 1.
	z, one := startSim(t, sim.Options{}), startSim(t, sim.Options{Seed: 1})
	assert.Equal(t, z.ZStack.Devices(), one.ZStack.Devices())
	// Each API has its own users.
	assert.NotEqual(t, a.IAM.Users(), a.Workspace.Users())
}

func countBy(devs []sim.Device, f func(sim.Device) string) map[string]int {
	m := map[string]int{}
	for _, d := range devs {
		m[f(d)]++
	}
	return m
}

func TestMix(t *testing.T) {
	s := startSim(t, sim.Options{Seed: 5, Users: 300, MaxDevicesPerUser: 80})
	perUser := func(a *sim.API) map[string]int {
		return countBy(a.Devices(), func(d sim.Device) string { return d.UserID })
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
		return countBy(a.Devices(), func(d sim.Device) string { return d.Status })
	}
	assert.Equal(t, []string{sim.StatusActive}, keys(status(s.IAM)))
	assert.Equal(t, []string{sim.StatusActive, sim.StatusPending}, keys(status(s.Rackspace)))
	assert.Equal(t, []string{sim.StatusActive, sim.StatusPending, sim.StatusUnknown}, keys(status(s.Workspace)))
	assert.Equal(t, []string{sim.StatusActive, sim.StatusPending, sim.StatusUnknown}, keys(status(s.ZStack)))
	assert.Less(t, len(perUser(s.ZStack)), 300, "some users have no device")

	vs := countBy(s.Workspace.Devices(), func(d sim.Device) string { return d.Status + ":" + d.VendorStatus })
	for k := range vs {
		assert.Contains(t, []string{"active:REGISTERED", "pending:UNREGISTER", "unknown:LOCKED", "unknown:EXPIRED", "unknown:SUSPENDED"}, k)
	}
	vs = countBy(s.ZStack.Devices(), func(d sim.Device) string { return d.Status + ":" + d.VendorStatus })
	for k := range vs {
		assert.Contains(t, []string{"active:Logined", "pending:NewCreated", "unknown:Expired", "unknown:Locked"}, k)
	}
	vs = countBy(s.Rackspace.Devices(), func(d sim.Device) string { return d.Status + ":" + d.VendorStatus })
	assert.Equal(t, []string{"active:true", "pending:false"}, keys(vs))

	none := startSim(t, sim.Options{Users: 30, NoDevice: 1})
	for _, a := range none.APIs() {
		assert.Empty(t, a.Devices(), a.Name())
		assert.Len(t, a.Users(), 30)
	}
	active := startSim(t, sim.Options{Users: 30, Active: 1, MaxDevicesPerUser: 3})
	for _, a := range active.APIs() {
		assert.Equal(t, []string{sim.StatusActive}, keys(status(a)), a.Name())
		assert.Len(t, perUser(a), 30, a.Name())
	}
}

func keys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sortStrings(out)
	return out
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
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
	url := s.Rackspace.URL() + "/v2.0/users/" + s.Rackspace.Users()[0] + "/RAX-AUTH/multi-factor/otp-devices"
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
