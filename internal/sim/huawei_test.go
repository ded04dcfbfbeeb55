package sim_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/internal/sim"
	"github.com/openmfa/mfa-go/mfa"
)

// Local copies of the Huawei shapes of vendors.md.
type (
	hwVirtualMFA struct {
		Device *struct {
			UserID       string `json:"user_id"`
			SerialNumber string `json:"serial_number"`
		} `json:"virtual_mfa_device"`
	}
	hwVirtualMFAList struct {
		Devices []struct {
			UserID       string `json:"user_id"`
			SerialNumber string `json:"serial_number"`
		} `json:"virtual_mfa_devices"`
	}
	hwLoginProtect struct {
		UserID             string `json:"user_id"`
		Enabled            bool   `json:"enabled"`
		VerificationMethod string `json:"verification_method"`
	}
	hwOTPDevices struct {
		Devices []struct {
			ID         string `json:"id"`
			UserID     string `json:"user_id"`
			UserName   string `json:"user_name"`
			Status     string `json:"status"`
			CreateTime string `json:"create_time"`
		} `json:"otp_devices"`
	}
	hwError struct {
		ErrorCode                   string  `json:"error_code"`
		ErrorMsg                    string  `json:"error_msg"`
		RequestID                   string  `json:"request_id"`
		EncodedAuthorizationMessage *string `json:"encoded_authorization_message"`
	}
	keystoneErr struct {
		Error struct {
			Code    json.Number `json:"code"`
			Message string      `json:"message"`
			Title   string      `json:"title"`
		} `json:"error"`
	}
)

func decode(t testing.TB, body []byte, v any) {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(string(body)))
	d.DisallowUnknownFields()
	require.NoError(t, d.Decode(v), string(body))
}

var requestIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// checkHWError checks a Huawei error answer: status, code, and the request
// id of the header (repeated in request_id by the gateway envelopes).
func checkHWError(t *testing.T, resp *http.Response, body []byte, status int, code string) hwError {
	t.Helper()
	var e hwError
	decode(t, body, &e)
	assert.Equal(t, status, resp.StatusCode, string(body))
	assert.Equal(t, code, e.ErrorCode)
	assert.NotEmpty(t, e.ErrorMsg)
	rid := resp.Header.Get("X-Request-Id")
	assert.Regexp(t, requestIDPattern, rid)
	if strings.HasPrefix(code, "APIG") {
		assert.Equal(t, rid, e.RequestID)
	}
	return e
}

func byUser(devs []sim.OwnedDevice) map[string][]sim.OwnedDevice {
	m := map[string][]sim.OwnedDevice{}
	for _, d := range devs {
		m[d.UserID] = append(m[d.UserID], d)
	}
	return m
}

func TestHuaweiIAMShapes(t *testing.T) {
	s := startSim(t, sim.Options{Seed: 3, Users: 40})
	c := newClient(t)
	tok := []string{"X-Auth-Token", s.Creds.HuaweiToken}
	truth := byUser(s.IAM.Devices())
	forms := map[string]int{}
	for _, uid := range s.IAM.UserIDs() {
		resp, body := call(t, c, "GET", s.IAM.URL()+"/v3.0/OS-MFA/users/"+uid+"/virtual-mfa-device", "", tok...)
		want := truth[uid]
		if len(want) == 0 {
			e := checkHWError(t, resp, body, 404, "IAM.0004")
			assert.Nil(t, e.EncodedAuthorizationMessage)
			continue
		}
		require.Equal(t, 200, resp.StatusCode, string(body))
		assert.Equal(t, "application/json;charset=UTF-8", resp.Header.Get("Content-Type"))
		var got hwVirtualMFA
		decode(t, body, &got)
		require.NotNil(t, got.Device)
		assert.Equal(t, uid, got.Device.UserID)
		assert.Equal(t, want[0].ID, got.Device.SerialNumber)
		switch {
		case got.Device.SerialNumber == "iam/mfa/"+uid:
			forms["slash"]++
		case strings.HasPrefix(got.Device.SerialNumber, "iam:"+uid):
			forms["colon"]++
		default:
			t.Errorf("serial number %q", got.Device.SerialNumber)
		}
		assert.Equal(t, mfa.StatusActive, want[0].Status)
		assert.Empty(t, want[0].VendorStatus)
		assert.True(t, want[0].Created.IsZero())
	}
	assert.Len(t, forms, 2, "both serial number forms")

	resp, body := call(t, c, "GET", s.IAM.URL()+"/v3.0/OS-MFA/virtual-mfa-devices", "", tok...)
	require.Equal(t, 200, resp.StatusCode)
	var list hwVirtualMFAList
	decode(t, body, &list)
	require.Len(t, list.Devices, len(s.IAM.Devices()))
	for i, d := range s.IAM.Devices() {
		assert.Equal(t, d.UserID, list.Devices[i].UserID)
		assert.Equal(t, d.ID, list.Devices[i].SerialNumber)
	}

	methods := map[string]bool{}
	for _, uid := range s.IAM.UserIDs() {
		resp, body := call(t, c, "GET", s.IAM.URL()+"/v3.0/OS-USER/users/"+uid+"/login-protect", "", tok...)
		require.Equal(t, 200, resp.StatusCode)
		var lp struct {
			LoginProtect hwLoginProtect `json:"login_protect"`
		}
		decode(t, body, &lp)
		assert.Equal(t, uid, lp.LoginProtect.UserID)
		methods[lp.LoginProtect.VerificationMethod] = true
	}
	assert.True(t, methods["vmfa"])
	resp, body = call(t, c, "GET", s.IAM.URL()+"/v3.0/OS-USER/login-protects", "", tok...)
	require.Equal(t, 200, resp.StatusCode)
	var lps struct {
		LoginProtects []hwLoginProtect `json:"login_protects"`
	}
	decode(t, body, &lps)
	assert.Len(t, lps.LoginProtects, 40)

	// Unknown users: 404, the code in the odd case the API has shown.
	for _, id := range []string{strings.Repeat("0", 32), "nobody", "a/b"} {
		resp, body := call(t, c, "GET", s.IAM.URL()+"/v3.0/OS-MFA/users/"+url.PathEscape(id)+"/virtual-mfa-device", "", tok...)
		e := checkHWError(t, resp, body, 404, "Iam.0004")
		assert.True(t, strings.EqualFold(e.ErrorCode, "IAM.0004"))
		resp, body = call(t, c, "GET", s.IAM.URL()+"/v3.0/OS-USER/users/"+url.PathEscape(id)+"/login-protect", "", tok...)
		checkHWError(t, resp, body, 404, "Iam.0004")
	}
	// Unpublished paths and methods: the gateway's 404.
	for _, p := range []string{"/", "/v3.0/OS-MFA/users/x", "/v3.0/OS-MFA/virtual-mfa-devices/"} {
		resp, body := call(t, c, "GET", s.IAM.URL()+p, "", tok...)
		checkHWError(t, resp, body, 404, "APIGW.0101")
	}
	resp, body = call(t, c, "DELETE", s.IAM.URL()+"/v3.0/OS-MFA/virtual-mfa-devices", "", tok...)
	checkHWError(t, resp, body, 404, "APIGW.0101")
}

// parseWorkspaceTime reads create_time in the layouts of vendors.md
// section 1 and says which matched.
func parseWorkspaceTime(s string) (time.Time, string) {
	for _, l := range []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05Z", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(l, s, time.UTC); err == nil {
			return t.UTC(), l
		}
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		if strings.Contains(s, ".") {
			return t.UTC(), "RFC3339 fraction"
		}
		return t.UTC(), "RFC3339"
	}
	return time.Time{}, ""
}

func TestHuaweiWorkspaceShapes(t *testing.T) {
	s := startSim(t, sim.Options{Seed: 9, Users: 60, MaxDevicesPerUser: 4})
	c := newClient(t)
	tok := []string{"X-Auth-Token", s.Creds.HuaweiToken}
	base := s.Workspace.URL() + "/v2/" + s.Creds.HuaweiProjectID + "/users/"
	truth := byUser(s.Workspace.Devices())
	layouts := map[string]int{}
	statuses := map[string]int{}
	for _, uid := range s.Workspace.UserIDs() {
		resp, body := call(t, c, "GET", base+uid+"/otp-devices", "", tok...)
		require.Equal(t, 200, resp.StatusCode, string(body))
		assert.Regexp(t, requestIDPattern, resp.Header.Get("X-Request-Id"))
		var got hwOTPDevices
		decode(t, body, &got)
		require.NotNil(t, got.Devices, "an empty list, not null")
		want := truth[uid]
		require.Len(t, got.Devices, len(want))
		for i, d := range got.Devices {
			assert.Equal(t, want[i].ID, d.ID)
			assert.Equal(t, uid, d.UserID)
			assert.Equal(t, want[i].UserName, d.UserName)
			assert.NotEmpty(t, d.UserName)
			assert.Equal(t, want[i].VendorStatus, d.Status)
			statuses[d.Status]++
			created, layout := parseWorkspaceTime(d.CreateTime)
			require.NotEmpty(t, layout, d.CreateTime)
			layouts[layout]++
			assert.Equal(t, want[i].Created, created, d.CreateTime)
			assert.Equal(t, time.UTC, want[i].Created.Location())
		}
	}
	assert.Len(t, layouts, 5, "every create_time layout: %v", layouts)
	assert.Positive(t, statuses["REGISTERED"])
	assert.Positive(t, statuses["UNREGISTER"])
	assert.Greater(t, len(statuses), 2, "an unknown word too: %v", statuses)

	// Unknown user, or an id with "/" escaped into one segment: 404 WKS.
	for _, id := range []string{strings.Repeat("f", 32), "a/b", "../x"} {
		resp, body := call(t, c, "GET", base+url.PathEscape(id)+"/otp-devices", "", tok...)
		e := checkHWError(t, resp, body, 404, "WKS.0004")
		assert.Empty(t, e.RequestID)
	}
	// Another project: 403 with an encoded authorization message.
	resp, body := call(t, c, "GET", s.Workspace.URL()+"/v2/0bec5db98280d2d02fd6c00c2de791ce/users/"+s.Workspace.UserIDs()[0]+"/otp-devices", "", tok...)
	e := checkHWError(t, resp, body, 403, "WKS.0003")
	require.NotNil(t, e.EncodedAuthorizationMessage)
	assert.NotEmpty(t, *e.EncodedAuthorizationMessage)
	// The token API lives on the IAM server only.
	resp, body = call(t, c, "POST", s.Workspace.URL()+"/v3/auth/tokens", "{}")
	checkHWError(t, resp, body, 404, "APIGW.0101")
}

func hwLoginBody(c sim.Credentials, password string) string {
	return `{"auth":{"identity":{"methods":["password"],"password":{"user":{"domain":{"name":"` + c.HuaweiDomain +
		`"},"name":"` + c.HuaweiUser + `","password":"` + password + `"}}},"scope":{"project":{"id":"` + c.HuaweiProjectID + `"}}}}`
}

func TestHuaweiAuth(t *testing.T) {
	s := startSim(t, sim.Options{})
	c := newClient(t)
	iamURL := s.IAM.URL() + "/v3.0/OS-MFA/virtual-mfa-devices"
	wsURL := s.Workspace.URL() + "/v2/" + s.Creds.HuaweiProjectID + "/users/" + s.Workspace.UserIDs()[0] + "/otp-devices"

	for _, u := range []string{iamURL, wsURL} {
		resp, body := call(t, c, "GET", u, "")
		e := checkHWError(t, resp, body, 401, "APIGW.0301")
		assert.True(t, strings.HasPrefix(e.ErrorMsg, "Incorrect IAM authentication information: "), e.ErrorMsg)
		resp, body = call(t, c, "GET", u, "", "X-Auth-Token", "MIIwrong")
		checkHWError(t, resp, body, 401, "APIGW.0301")
		resp, _ = call(t, c, "GET", u, "", "X-Auth-Token", s.Creds.HuaweiToken)
		assert.Equal(t, 200, resp.StatusCode)
	}

	// Wrong password: Keystone's form, code a number.
	resp, body := call(t, c, "POST", s.IAM.URL()+"/v3/auth/tokens", hwLoginBody(s.Creds, "nope"), "Content-Type", "application/json")
	assert.Equal(t, 401, resp.StatusCode)
	assert.Empty(t, resp.Header.Get("X-Subject-Token"))
	var ke keystoneErr
	decode(t, body, &ke)
	assert.Equal(t, json.Number("401"), ke.Error.Code)
	assert.Equal(t, "The username or password is wrong.", ke.Error.Message)
	assert.Contains(t, string(body), `"code":401`)
	assert.NotContains(t, string(body), "nope")

	// A body that is not JSON: 400 IAM.0011.
	resp, body = call(t, c, "POST", s.IAM.URL()+"/v3/auth/tokens", "{", "Content-Type", "application/json")
	checkHWError(t, resp, body, 400, "IAM.0011")

	login := func() string {
		resp, body := call(t, c, "POST", s.IAM.URL()+"/v3/auth/tokens", hwLoginBody(s.Creds, s.Creds.HuaweiPassword), "Content-Type", "application/json")
		require.Equal(t, 201, resp.StatusCode, string(body))
		var tok struct {
			Token struct {
				ExpiresAt string   `json:"expires_at"`
				IssuedAt  string   `json:"issued_at"`
				Methods   []string `json:"methods"`
				Project   struct {
					ID string `json:"id"`
				} `json:"project"`
			} `json:"token"`
		}
		require.NoError(t, json.Unmarshal(body, &tok))
		exp, err := time.Parse("2006-01-02T15:04:05.000000Z", tok.Token.ExpiresAt)
		require.NoError(t, err, tok.Token.ExpiresAt)
		assert.True(t, exp.After(time.Now().Add(23*time.Hour)), "tokens last 24 h")
		assert.Equal(t, []string{"password"}, tok.Token.Methods)
		assert.Equal(t, s.Creds.HuaweiProjectID, tok.Token.Project.ID)
		assert.Regexp(t, requestIDPattern, resp.Header.Get("X-Request-Id"))
		subject := resp.Header.Get("X-Subject-Token")
		require.NotEmpty(t, subject)
		return subject
	}
	first := login()
	for _, u := range []string{iamURL, wsURL} {
		resp, _ := call(t, c, "GET", u, "", "X-Auth-Token", first)
		assert.Equal(t, 200, resp.StatusCode, "a login token works on both Huawei servers")
	}

	s.Workspace.ExpireTokens()
	for _, u := range []string{iamURL, wsURL} {
		resp, body := call(t, c, "GET", u, "", "X-Auth-Token", first)
		checkHWError(t, resp, body, 401, "APIG.0307")
		resp, _ = call(t, c, "GET", u, "", "X-Auth-Token", s.Creds.HuaweiToken)
		assert.Equal(t, 200, resp.StatusCode, "the static token does not expire")
	}
	second := login()
	assert.NotEqual(t, first, second)
	resp, _ = call(t, c, "GET", wsURL, "", "X-Auth-Token", second)
	assert.Equal(t, 200, resp.StatusCode)

	// Domain-scoped and unscoped logins work too; another project does not.
	for _, scope := range []string{`"scope":{"domain":{"name":"` + s.Creds.HuaweiDomain + `"}}`, ""} {
		b := `{"auth":{"identity":{"methods":["password"],"password":{"user":{"domain":{"name":"` + s.Creds.HuaweiDomain +
			`"},"name":"` + s.Creds.HuaweiUser + `","password":"` + s.Creds.HuaweiPassword + `"}}}`
		if scope != "" {
			b += "," + scope
		}
		resp, body := call(t, c, "POST", s.IAM.URL()+"/v3/auth/tokens", b+"}}")
		assert.Equal(t, 201, resp.StatusCode, string(body))
	}
	resp, _ = call(t, c, "POST", s.IAM.URL()+"/v3/auth/tokens",
		strings.Replace(hwLoginBody(s.Creds, s.Creds.HuaweiPassword), s.Creds.HuaweiProjectID, "other", 1))
	assert.Equal(t, 401, resp.StatusCode)
}

// ---- a signer written from vendors.md, section 2 ----

func signEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-_.~", c) >= 0 {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(hex.EncodeToString([]byte{c})))
		}
	}
	return b.String()
}

// sign signs req with SDK-HMAC-SHA256 at time when, signing the headers
// named (lower case) plus host and x-sdk-date.
func sign(req *http.Request, ak, sk string, body []byte, when time.Time, names ...string) {
	date := when.UTC().Format("20060102T150405Z")
	req.Header.Set("X-Sdk-Date", date)
	names = append(names, "host", "x-sdk-date")
	sort.Strings(names)

	segs := strings.Split(req.URL.Path, "/")
	for i, s := range segs {
		segs[i] = signEscape(s)
	}
	path := strings.Join(segs, "/")
	if !strings.HasSuffix(path, "/") {
		path += "/"
	}
	q := req.URL.Query()
	var keys []string
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var pairs []string
	for _, k := range keys {
		vals := append([]string(nil), q[k]...)
		sort.Strings(vals)
		for _, v := range vals {
			pairs = append(pairs, signEscape(k)+"="+signEscape(v))
		}
	}
	var headers strings.Builder
	for _, n := range names {
		v := req.Header.Get(n)
		if n == "host" {
			v = req.URL.Host
		}
		headers.WriteString(n + ":" + strings.TrimSpace(v) + "\n")
	}
	bodyHash := sha256.Sum256(body)
	canonical := strings.Join([]string{req.Method, path, strings.Join(pairs, "&"), headers.String(),
		strings.Join(names, ";"), hex.EncodeToString(bodyHash[:])}, "\n")
	crHash := sha256.Sum256([]byte(canonical))
	sts := "SDK-HMAC-SHA256\n" + date + "\n" + hex.EncodeToString(crHash[:])
	mac := hmac.New(sha256.New, []byte(sk))
	mac.Write([]byte(sts))
	req.Header.Set("Authorization", "SDK-HMAC-SHA256 Access="+ak+", SignedHeaders="+strings.Join(names, ";")+
		", Signature="+hex.EncodeToString(mac.Sum(nil)))
}

func TestHuaweiAKSK(t *testing.T) {
	s := startSim(t, sim.Options{})
	c := newClient(t)
	ak, sk := s.Creds.HuaweiAK, s.Creds.HuaweiSK
	iamURL := s.IAM.URL() + "/v3.0/OS-MFA/virtual-mfa-devices"
	wsURL := s.Workspace.URL() + "/v2/" + s.Creds.HuaweiProjectID + "/users/" + s.Workspace.UserIDs()[0] + "/otp-devices"

	send := func(req *http.Request) (*http.Response, []byte) {
		t.Helper()
		resp, err := c.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, b
	}
	newReq := func(u string, body string) *http.Request {
		req, err := http.NewRequest("GET", u, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		return req
	}

	// Signed requests pass, on both servers, with extra signed headers and
	// a query string.
	req := newReq(iamURL, "")
	req.Header.Set("X-Domain-Id", s.Creds.HuaweiDomainID)
	sign(req, ak, sk, nil, time.Now(), "content-type", "x-domain-id")
	resp, body := send(req)
	assert.Equal(t, 200, resp.StatusCode, string(body))

	req = newReq(wsURL, "")
	req.Header.Set("X-Project-Id", s.Creds.HuaweiProjectID)
	sign(req, ak, sk, nil, time.Now(), "content-type", "x-project-id")
	resp, body = send(req)
	assert.Equal(t, 200, resp.StatusCode, string(body))

	req = newReq(iamURL+"?b=2&a=z%20y&a=1", "")
	sign(req, ak, sk, nil, time.Now(), "content-type")
	resp, body = send(req)
	assert.Equal(t, 200, resp.StatusCode, string(body))

	// The body is signed too.
	req = newReq(iamURL, `{"x":1}`)
	sign(req, ak, sk, []byte(`{"x":1}`), time.Now(), "content-type")
	resp, body = send(req)
	assert.Equal(t, 200, resp.StatusCode, string(body))

	// An escaped id: the signature still checks, the user does not exist.
	req = newReq(s.Workspace.URL()+"/v2/"+s.Creds.HuaweiProjectID+"/users/"+url.PathEscape("a b:c")+"/otp-devices", "")
	sign(req, ak, sk, nil, time.Now(), "content-type")
	resp, body = send(req)
	checkHWError(t, resp, body, 404, "WKS.0004")

	bad := map[string]func() *http.Request{
		"wrong secret key": func() *http.Request {
			r := newReq(iamURL, "")
			sign(r, ak, sk+"x", nil, time.Now())
			return r
		},
		"wrong access key": func() *http.Request {
			r := newReq(iamURL, "")
			sign(r, "AKNOTKNOWN", sk, nil, time.Now())
			return r
		},
		"old date": func() *http.Request {
			r := newReq(iamURL, "")
			sign(r, ak, sk, nil, time.Now().Add(-20*time.Minute))
			return r
		},
		"missing date": func() *http.Request {
			r := newReq(iamURL, "")
			sign(r, ak, sk, nil, time.Now())
			r.Header.Del("X-Sdk-Date")
			return r
		},
		"host not signed": func() *http.Request {
			r := newReq(iamURL, "")
			sign(r, ak, sk, nil, time.Now())
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "host;", "", 1))
			return r
		},
		"other path": func() *http.Request {
			r := newReq(iamURL, "")
			sign(r, ak, sk, nil, time.Now())
			r2 := newReq(s.IAM.URL()+"/v3.0/OS-USER/login-protects", "")
			r2.Header = r.Header
			return r2
		},
		"changed body": func() *http.Request {
			r := newReq(iamURL, `{"x":2}`)
			sign(r, ak, sk, []byte(`{"x":1}`), time.Now())
			return r
		},
		"changed signed header": func() *http.Request {
			r := newReq(iamURL, "")
			sign(r, ak, sk, nil, time.Now(), "content-type")
			r.Header.Set("Content-Type", "text/plain")
			return r
		},
		"malformed": func() *http.Request {
			r := newReq(iamURL, "")
			r.Header.Set("Authorization", "SDK-HMAC-SHA256 nonsense")
			return r
		},
	}
	for name, mk := range bad {
		resp, body := send(mk())
		e := checkHWError(t, resp, body, 401, "APIGW.0301")
		assert.NotContains(t, e.ErrorMsg, sk, name)
	}
}

func TestHuaweiIAMUsers(t *testing.T) {
	s := startSim(t, sim.Options{Seed: 4, Users: 30})
	c := newClient(t)
	tok := []string{"X-Auth-Token", s.Creds.HuaweiToken}
	truth := s.IAM.Users()
	type iamUsers struct {
		Links struct {
			Self     string  `json:"self"`
			Previous *string `json:"previous"`
			Next     *string `json:"next"`
		} `json:"links"`
		Users []struct {
			ID                string  `json:"id"`
			Name              string  `json:"name"`
			DomainID          string  `json:"domain_id"`
			Enabled           bool    `json:"enabled"`
			Description       string  `json:"description"`
			PasswordExpiresAt *string `json:"password_expires_at"`
			PwdStatus         bool    `json:"pwd_status"`
			LastProjectID     string  `json:"last_project_id"`
			Links             struct {
				Self string `json:"self"`
			} `json:"links"`
		} `json:"users"`
	}
	list := func(query string) iamUsers {
		t.Helper()
		resp, body := call(t, c, "GET", s.IAM.URL()+"/v3/users"+query, "", tok...)
		require.Equal(t, 200, resp.StatusCode, string(body))
		var got iamUsers
		decode(t, body, &got)
		require.NotNil(t, got.Users, "an empty list, not null")
		assert.Equal(t, s.IAM.URL()+"/v3/users"+query, got.Links.Self)
		assert.Nil(t, got.Links.Next, "no paging")
		return got
	}
	var enabled, disabled []string
	for _, u := range truth {
		if u.Enabled() {
			enabled = append(enabled, u.ID)
		} else {
			disabled = append(disabled, u.ID)
		}
	}
	require.NotEmpty(t, disabled)
	ids := func(l iamUsers) []string {
		var out []string
		for _, u := range l.Users {
			out = append(out, u.ID)
		}
		return out
	}
	all := list("")
	assert.Equal(t, enabled, ids(all), "enabled users only by default")
	for _, u := range all.Users {
		assert.True(t, u.Enabled)
		assert.Equal(t, s.Creds.HuaweiDomainID, u.DomainID)
		assert.Equal(t, s.IAM.URL()+"/v3/users/"+u.ID, u.Links.Self)
	}
	assert.Equal(t, enabled, ids(list("?enabled=true")))
	off := list("?enabled=false")
	assert.Equal(t, disabled, ids(off))
	for _, u := range off.Users {
		assert.False(t, u.Enabled)
	}
	assert.Equal(t, enabled[1:2], ids(list("?name="+all.Users[1].Name+"&domain_id="+s.Creds.HuaweiDomainID)))
	assert.Empty(t, list("?domain_id=other").Users)
	assert.Empty(t, list("?name=nobody").Users)
	resp, body := call(t, c, "GET", s.IAM.URL()+"/v3/users?enabled=maybe", "", tok...)
	checkHWError(t, resp, body, 400, "IAM.0007")
	resp, body = call(t, c, "GET", s.IAM.URL()+"/v3/users", "")
	checkHWError(t, resp, body, 401, "APIGW.0301")
}

func TestHuaweiLoginProtection(t *testing.T) {
	s := startSim(t, sim.Options{Seed: 5, Users: 60})
	c := newClient(t)
	tok := []string{"X-Auth-Token", s.Creds.HuaweiToken}
	resp, body := call(t, c, "GET", s.IAM.URL()+"/v3.0/OS-USER/login-protects", "", tok...)
	require.Equal(t, 200, resp.StatusCode)
	var lps struct {
		LoginProtects []hwLoginProtect `json:"login_protects"`
	}
	decode(t, body, &lps)
	methods := map[string]int{}
	for i, u := range s.IAM.Users() {
		require.Equal(t, hwLoginProtect{UserID: u.ID, Enabled: u.LoginProtect, VerificationMethod: u.LoginMethod}, lps.LoginProtects[i])
		method := u.LoginMethod
		if method == "sms" || method == "email" {
			method = "sms/email"
		}
		methods[fmt.Sprintf("%v %s %d", u.LoginProtect, method, len(u.Devices))]++
	}
	// Login asks for the device; a device login does not ask for; SMS or
	// e-mail with no device.
	for _, m := range []string{"true vmfa 1", "false vmfa 1", "true sms/email 0"} {
		assert.Positive(t, methods[m], "%s in %v", m, methods)
	}
	assert.Positive(t, methods["false vmfa 0"]+methods["false sms/email 0"], "no protection and no device: %v", methods)
}

func TestHuaweiWorkspaceUsers(t *testing.T) {
	s := startSim(t, sim.Options{Seed: 6, Users: 23, MaxPageSize: 10})
	c := newClient(t)
	tok := []string{"X-Auth-Token", s.Creds.HuaweiToken}
	base := s.Workspace.URL() + "/v2/" + s.Creds.HuaweiProjectID + "/users"
	type wsUsers struct {
		TotalCount *int `json:"total_count"`
		Users      []struct {
			ID                      string `json:"id"`
			UserName                string `json:"user_name"`
			UserEmail               string `json:"user_email"`
			TotalDesktops           int    `json:"total_desktops"`
			AccountExpires          string `json:"account_expires"`
			AccountExpired          bool   `json:"account_expired"`
			EnableChangePassword    bool   `json:"enable_change_password"`
			NextLoginChangePassword bool   `json:"next_login_change_password"`
			Locked                  bool   `json:"locked"`
			Disabled                bool   `json:"disabled"`
			ActiveType              string `json:"active_type"`
			IsPreUser               bool   `json:"is_pre_user"`
			UserPhone               string `json:"user_phone"`
		} `json:"users"`
	}
	page := func(query string) wsUsers {
		t.Helper()
		resp, body := call(t, c, "GET", base+query, "", tok...)
		require.Equal(t, 200, resp.StatusCode, string(body))
		var got wsUsers
		decode(t, body, &got)
		require.NotNil(t, got.TotalCount)
		assert.Equal(t, 23, *got.TotalCount)
		require.NotNil(t, got.Users)
		return got
	}
	truth := s.Workspace.Users()
	var seen []string
	for offset := 0; offset < 23; offset += 10 {
		p := page("?offset=" + strconv.Itoa(offset) + "&limit=100")
		assert.Len(t, p.Users, min(10, 23-offset), "the server's page is at most 10")
		for _, u := range p.Users {
			want := truth[len(seen)]
			assert.Equal(t, want.ID, u.ID)
			assert.Equal(t, want.Name, u.UserName)
			assert.Equal(t, want.Email, u.UserEmail)
			assert.Equal(t, []bool{want.Disabled, want.Locked, want.Expired}, []bool{u.Disabled, u.Locked, u.AccountExpired})
			if want.Expired {
				assert.NotEqual(t, "0", u.AccountExpires)
			} else {
				assert.Equal(t, "0", u.AccountExpires)
			}
			seen = append(seen, u.ID)
		}
	}
	assert.Equal(t, s.Workspace.UserIDs(), seen)
	assert.Len(t, page("").Users, 10, "without limit, still one page of the server's size")
	assert.Equal(t, seen[3:5], []string{page("?offset=3&limit=2").Users[0].ID, page("?offset=3&limit=2").Users[1].ID})
	assert.Empty(t, page("?offset=23").Users)

	for _, q := range []string{"?limit=0", "?limit=x", "?offset=-1", "?offset=1.5"} {
		resp, body := call(t, c, "GET", base+q, "", tok...)
		checkHWError(t, resp, body, 400, "WKS.0002")
	}
	resp, body := call(t, c, "GET", s.Workspace.URL()+"/v2/other/users", "", tok...)
	checkHWError(t, resp, body, 403, "WKS.0003")
	resp, body = call(t, c, "GET", base, "")
	checkHWError(t, resp, body, 401, "APIGW.0301")
}
