package sim_test

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/internal/sim"
	"github.com/openmfa/mfa-go/mfa/mfatest"
)

// target is one API call that succeeds when no fault is injected.
type target struct {
	name   string
	api    func(*sim.Sim) *sim.API
	url    func(*sim.Sim) string
	header func(*sim.Sim) []string
	xml    bool
}

var targets = []target{
	{
		name:   "huawei-iam",
		api:    func(s *sim.Sim) *sim.API { return s.IAM },
		url:    func(s *sim.Sim) string { return s.IAM.URL() + "/v3.0/OS-MFA/virtual-mfa-devices" },
		header: func(s *sim.Sim) []string { return []string{"X-Auth-Token", s.Creds.HuaweiToken} },
	},
	{
		name: "huawei-workspace",
		api:  func(s *sim.Sim) *sim.API { return s.Workspace },
		url: func(s *sim.Sim) string {
			return s.Workspace.URL() + "/v2/" + s.Creds.HuaweiProjectID + "/users/" + s.Workspace.UserIDs()[0] + "/otp-devices"
		},
		header: func(s *sim.Sim) []string { return []string{"X-Auth-Token", s.Creds.HuaweiToken} },
	},
	{
		name: "rackspace-json",
		api:  func(s *sim.Sim) *sim.API { return s.Rackspace },
		url: func(s *sim.Sim) string {
			return s.Rackspace.URL() + "/v2.0/users/" + s.Rackspace.UserIDs()[0] + "/RAX-AUTH/multi-factor/otp-devices"
		},
		header: func(s *sim.Sim) []string {
			return []string{"X-Auth-Token", s.Creds.RackspaceToken, "Accept", "application/json"}
		},
	},
	{
		name: "rackspace-xml",
		api:  func(s *sim.Sim) *sim.API { return s.Rackspace },
		url: func(s *sim.Sim) string {
			return s.Rackspace.URL() + "/v2.0/users/" + s.Rackspace.UserIDs()[0] + "/RAX-AUTH/multi-factor/otp-devices"
		},
		header: func(s *sim.Sim) []string {
			return []string{"X-Auth-Token", s.Creds.RackspaceToken, "Accept", "application/xml"}
		},
		xml: true,
	},
	{
		name:   "zstack",
		api:    func(s *sim.Sim) *sim.API { return s.ZStack },
		url:    func(s *sim.Sim) string { return s.ZStack.URL() + "/zstack/v1/twofactorauthentication/secrets" },
		header: func(s *sim.Sim) []string { return []string{"Authorization", "OAuth " + s.Creds.ZStackSession} },
	},
	// The user listings answer faults as the device calls do.
	{
		name:   "huawei-iam/users",
		api:    func(s *sim.Sim) *sim.API { return s.IAM },
		url:    func(s *sim.Sim) string { return s.IAM.URL() + "/v3/users" },
		header: func(s *sim.Sim) []string { return []string{"X-Auth-Token", s.Creds.HuaweiToken} },
	},
	{
		name: "huawei-workspace/users",
		api:  func(s *sim.Sim) *sim.API { return s.Workspace },
		url: func(s *sim.Sim) string {
			return s.Workspace.URL() + "/v2/" + s.Creds.HuaweiProjectID + "/users?offset=5&limit=5"
		},
		header: func(s *sim.Sim) []string { return []string{"X-Auth-Token", s.Creds.HuaweiToken} },
	},
	{
		name: "rackspace-xml/users",
		api:  func(s *sim.Sim) *sim.API { return s.Rackspace },
		url:  func(s *sim.Sim) string { return s.Rackspace.URL() + "/v2.0/users" },
		header: func(s *sim.Sim) []string {
			return []string{"X-Auth-Token", s.Creds.RackspaceToken, "Accept", "application/xml"}
		},
		xml: true,
	},
	{
		name:   "zstack/accounts",
		api:    func(s *sim.Sim) *sim.API { return s.ZStack },
		url:    func(s *sim.Sim) string { return s.ZStack.URL() + "/zstack/v1/accounts?replyWithCount=true" },
		header: func(s *sim.Sim) []string { return []string{"Authorization", "OAuth " + s.Creds.ZStackSession} },
	},
}

// vendor is the name of the target's API, and of its format for Rackspace.
func (tg target) vendor() string { return strings.Split(tg.name, "/")[0] }

func (tg target) call(t *testing.T, s *sim.Sim, c *http.Client) (*http.Response, []byte) {
	t.Helper()
	return call(t, c, "GET", tg.url(s), "", tg.header(s)...)
}

// errorCode returns the vendor code of an error body.
func errorCode(t *testing.T, tg target, resp *http.Response, body []byte) string {
	t.Helper()
	switch {
	case tg.xml:
		var f struct{ XMLName xml.Name }
		require.NoError(t, xml.Unmarshal(body, &f), string(body))
		assert.Equal(t, nsIdentity, f.XMLName.Space)
		return f.XMLName.Local
	case strings.HasPrefix(tg.name, "rackspace"):
		var f map[string]raxJSONFaultBody
		decode(t, body, &f)
		require.Len(t, f, 1)
		for k, v := range f {
			assert.Equal(t, resp.StatusCode, v.Code)
			return k
		}
	case tg.vendor() == "zstack":
		var e struct {
			Error zsErrorCode `json:"error"`
		}
		decode(t, body, &e)
		return e.Error.Code
	}
	var e hwError
	decode(t, body, &e)
	return e.ErrorCode
}

func TestFaultRateLimit(t *testing.T) {
	want := map[string]struct {
		status int
		code   string
	}{
		"huawei-iam":       {429, "APIG.0308"},
		"huawei-workspace": {429, "APIG.0308"},
		"rackspace-json":   {413, "overLimit"},
		"rackspace-xml":    {413, "overLimit"},
		"zstack":           {503, "SYS.1012"},
	}
	date := time.Now().Add(3 * time.Second).UTC().Format(http.TimeFormat)
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			s := startSim(t, sim.Options{})
			c := newClient(t)
			tg.api(s).Inject(mfatest.RateLimit(2, ""))
			for range 2 {
				resp, body := tg.call(t, s, c)
				assert.Equal(t, want[tg.vendor()].status, resp.StatusCode)
				assert.Equal(t, "1", resp.Header.Get("Retry-After"))
				assert.Equal(t, want[tg.vendor()].code, errorCode(t, tg, resp, body))
			}
			resp, _ := tg.call(t, s, c)
			assert.Equal(t, 200, resp.StatusCode)

			tg.api(s).Inject(mfatest.RateLimit(1, date))
			resp, _ = tg.call(t, s, c)
			assert.Equal(t, want[tg.vendor()].status, resp.StatusCode)
			assert.Equal(t, date, resp.Header.Get("Retry-After"))

			tg.api(s).Inject(mfatest.Fault{Kind: mfatest.FaultRateLimit, Count: 1, RetryAfter: "-"})
			resp, _ = tg.call(t, s, c)
			assert.Equal(t, want[tg.vendor()].status, resp.StatusCode)
			assert.NotContains(t, resp.Header, "Retry-After")
		})
	}
}

func TestFaultServerErrors(t *testing.T) {
	want := map[string][3]string{ // codes for 500, 503, 504
		"huawei-iam":       {"IAM.0006", "APIG.0202", "APIG.0203"},
		"huawei-workspace": {"WKS.0001", "APIG.0202", "APIG.0203"},
		"rackspace-json":   {"identityFault", "serviceUnavailable", "serviceUnavailable"},
		"rackspace-xml":    {"identityFault", "serviceUnavailable", "serviceUnavailable"},
		"zstack":           {"SYS.1000", "SYS.1012", "SYS.1001"},
	}
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			s := startSim(t, sim.Options{})
			c := newClient(t)
			a := tg.api(s)
			a.Inject(mfatest.ServerErrors(1, 500))
			a.Inject(mfatest.ServerErrors(1, 503))
			a.Inject(mfatest.ServerErrors(1, 504))
			a.Inject(mfatest.Fault{Kind: mfatest.FaultServerError, Status: 502, Count: 2, RetryAfter: "5"})
			for i, status := range []int{500, 503, 504} {
				resp, body := tg.call(t, s, c)
				assert.Equal(t, status, resp.StatusCode)
				assert.Equal(t, want[tg.vendor()][i], errorCode(t, tg, resp, body))
				assert.Empty(t, resp.Header.Get("Retry-After"))
			}
			for range 2 {
				resp, body := tg.call(t, s, c)
				assert.Equal(t, 502, resp.StatusCode)
				assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
				assert.Contains(t, string(body), "<title>502 Bad Gateway</title>")
				assert.Equal(t, "5", resp.Header.Get("Retry-After"))
			}
			resp, _ := tg.call(t, s, c)
			assert.Equal(t, 200, resp.StatusCode)
			if tg.vendor() == "zstack" {
				a.Inject(mfatest.ServerErrors(1, 500))
				_, body := tg.call(t, s, c)
				e := checkZSError(t, 500, body, 500, "SYS.1000")
				assert.Contains(t, string(e.Cause), `"SYS.1016"`, "a nested cause")
			}
		})
	}
}

func TestFaultDown(t *testing.T) {
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			s := startSim(t, sim.Options{})
			c := newClient(t)
			tg.api(s).Inject(mfatest.Down())
			for range 5 {
				resp, body := tg.call(t, s, c)
				assert.Equal(t, 503, resp.StatusCode)
				assert.NotEmpty(t, errorCode(t, tg, resp, body))
			}
			// Unknown paths are down too.
			resp, _ := call(t, c, "GET", tg.api(s).URL()+"/nothing", "", tg.header(s)...)
			assert.Equal(t, 503, resp.StatusCode)
			tg.api(s).ClearFaults()
			resp, _ = tg.call(t, s, c)
			assert.Equal(t, 200, resp.StatusCode)
			assert.EqualValues(t, 7, tg.api(s).Requests())
		})
	}
}

func TestFaultMalformed(t *testing.T) {
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			s := startSim(t, sim.Options{})
			c := newClient(t)
			_, full := tg.call(t, s, c)
			tg.api(s).Inject(mfatest.Truncated(1))
			tg.api(s).Inject(mfatest.HTMLPage(1))

			resp, body := tg.call(t, s, c)
			assert.Equal(t, 200, resp.StatusCode)
			assert.Equal(t, strconv.Itoa(len(body)), resp.Header.Get("Content-Length"))
			assert.Equal(t, string(full[:len(full)/2]), string(body))
			if tg.xml {
				assert.Contains(t, resp.Header.Get("Content-Type"), "xml")
				var v struct{}
				assert.Error(t, xml.Unmarshal(body, &v))
			} else {
				assert.Contains(t, resp.Header.Get("Content-Type"), "json")
				assert.False(t, json.Valid(body), "truncated: %s", body)
			}

			resp, body = tg.call(t, s, c)
			assert.Equal(t, 200, resp.StatusCode)
			assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
			assert.True(t, strings.HasPrefix(string(body), "<!DOCTYPE html>"))

			resp, body = tg.call(t, s, c)
			assert.Equal(t, 200, resp.StatusCode)
			assert.Equal(t, full, body)
		})
	}
}

func TestFaultEveryAndQueue(t *testing.T) {
	s := startSim(t, sim.Options{})
	c := newClient(t)
	tg := targets[0]
	s.IAM.Inject(mfatest.Fault{Kind: mfatest.FaultRateLimit, Every: 3, Count: 2})
	s.IAM.Inject(mfatest.ServerErrors(1, 500))
	s.IAM.Inject(mfatest.Fault{Kind: mfatest.FaultServerError, Status: 503, Every: 2})
	var got []int
	for range 12 {
		resp, _ := tg.call(t, s, c)
		got = append(got, resp.StatusCode)
	}
	assert.Equal(t, []int{200, 200, 429, 200, 200, 429, 500, 200, 503, 200, 503, 200}, got)
	s.IAM.ClearFaults()
	resp, _ := tg.call(t, s, c)
	assert.Equal(t, 200, resp.StatusCode)
}

func TestFaultCountExactUnderConcurrency(t *testing.T) {
	s := startSim(t, sim.Options{})
	c := newClient(t)
	s.ZStack.Inject(mfatest.RateLimit(10, ""))
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				req, _ := http.NewRequest("GET", targets[4].url(s), nil)
				req.Header.Set("Authorization", "OAuth "+s.Creds.ZStackSession)
				resp, err := c.Do(req)
				if !assert.NoError(t, err) {
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mu.Lock()
				statuses[resp.StatusCode]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, map[int]int{503: 10, 200: 70}, statuses)
}

func TestFaultLogin(t *testing.T) {
	s := startSim(t, sim.Options{})
	c := newClient(t)
	hwLogin := func() int {
		resp, _ := call(t, c, "POST", s.IAM.URL()+"/v3/auth/tokens", hwLoginBody(s.Creds, s.Creds.HuaweiPassword))
		return resp.StatusCode
	}
	raxLogin := func() int {
		resp, _ := call(t, c, "POST", s.Rackspace.URL()+"/v2.0/tokens",
			`{"auth":{"RAX-KSKEY:apiKeyCredentials":{"username":"`+s.Creds.RackspaceUser+`","apiKey":"`+s.Creds.RackspaceAPIKey+`"}}}`)
		return resp.StatusCode
	}
	zsLogout := func() int {
		resp, _ := call(t, c, "DELETE", s.ZStack.URL()+"/zstack/v1/accounts/sessions/"+strings.Repeat("1", 32), "")
		return resp.StatusCode
	}

	// Login is spared and does not use up the fault.
	s.IAM.Inject(mfatest.RateLimit(1, ""))
	s.Rackspace.Inject(mfatest.Down())
	s.ZStack.Inject(mfatest.Down())
	assert.Equal(t, 201, hwLogin())
	assert.Equal(t, 200, raxLogin())
	assert.Equal(t, 200, zsLogout())
	resp, _ := targets[0].call(t, s, c)
	assert.Equal(t, 429, resp.StatusCode)
	resp, _ = targets[2].call(t, s, c)
	assert.Equal(t, 503, resp.StatusCode)

	// Unless the fault says so.
	for _, a := range s.APIs() {
		a.ClearFaults()
	}
	s.IAM.Inject(mfatest.Fault{Kind: mfatest.FaultRateLimit, Count: 1, Login: true})
	s.Rackspace.Inject(mfatest.Fault{Kind: mfatest.FaultServerError, Login: true})
	s.ZStack.Inject(mfatest.Fault{Kind: mfatest.FaultHTML, Count: 1, Login: true})
	assert.Equal(t, 429, hwLogin())
	assert.Equal(t, 201, hwLogin())
	assert.Equal(t, 503, raxLogin())
	resp, body := call(t, c, "PUT", s.ZStack.URL()+"/zstack/v1/accounts/login", `{}`)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Contains(t, string(body), "<html")
	assert.Equal(t, 200, zsLogout())
}

func TestInjectRefusesNonsense(t *testing.T) {
	s := startSim(t, sim.Options{})
	assert.Panics(t, func() { s.IAM.Inject(mfatest.Fault{}) })
	assert.Panics(t, func() { s.IAM.Inject(mfatest.Fault{Kind: mfatest.FaultServerError, Status: 404}) })
}

// TestQuotaRefusalRetryAfter checks that a request the quota refuses carries
// Retry-After: 1 as SetQuota documents, in every vendor's form: the quota
// and the fault queue answer through one path.
func TestQuotaRefusalRetryAfter(t *testing.T) {
	want := map[string]struct {
		status int
		code   string
	}{
		"huawei-iam":       {429, "APIG.0308"},
		"huawei-workspace": {429, "APIG.0308"},
		"rackspace-json":   {413, "overLimit"},
		"rackspace-xml":    {413, "overLimit"},
		"zstack":           {503, "SYS.1012"},
	}
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			s := startSim(t, sim.Options{})
			c := newClient(t)
			tg.api(s).SetQuota(0.001, 1) // one request, then none for a long while
			resp, _ := tg.call(t, s, c)
			require.Equal(t, 200, resp.StatusCode)
			resp, body := tg.call(t, s, c)
			assert.Equal(t, want[tg.vendor()].status, resp.StatusCode)
			assert.Equal(t, "1", resp.Header.Get("Retry-After"))
			assert.Equal(t, want[tg.vendor()].code, errorCode(t, tg, resp, body))
			assert.Equal(t, int64(1), tg.api(s).Refusals())
		})
	}
}
