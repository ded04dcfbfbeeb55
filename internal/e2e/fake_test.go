package e2e

import (
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// The ids the fake servers answer with.
const (
	fakeUser   = "u1"
	fakeDevice = "d1"
	// fakeSeed is the TOTP seed of the fake ZStack secret.
	fakeSeed = "SEEDSENTINEL7F3A"
	// fakePhone is the number of the fake Rackspace mobile phone; its XML
	// form is written as people write it.
	fakePhone    = "12658943489"
	fakePhoneXML = "+1 265-894-3489"
)

// fakeCreds are distinctive credentials for clients that talk to fake
// servers.
var fakeCreds = credentials{
	HuaweiToken:         "HWTOKEN-SENTINEL-7f3a91c2",
	HuaweiDomain:        "fake-domain",
	HuaweiUser:          "fake-auditor",
	HuaweiPassword:      "HWPASS-SENTINEL-2b8c44d1",
	HuaweiProjectID:     "0bec5db98280d2d02fd6c00c2de791ce",
	HuaweiDomainID:      "d78cbac186b744899480f25bd022f468",
	HuaweiAK:            "HWAKSENTINEL5E6F7A8B",
	HuaweiSK:            "HWSK-SENTINEL-9c0d1e2f3a4b5c6d7e8f9a0b1c2d",
	HuaweiSecurityToken: "SECTOKEN-SENTINEL-3f4a5b6c",
	RackspaceToken:      "RAXTOKEN-SENTINEL-6a1b2c3d",
	RackspaceUser:       "fake-auditor",
	RackspaceAPIKey:     "RAXKEY-SENTINEL-4e5f6a7b",
	RackspacePassword:   "RAXPASS-SENTINEL-8c9d0e1f",
	ZStackSession:       "ZSSESSION-SENTINEL-2d3e4f5a",
	ZStackAccount:       "admin",
	ZStackPassword:      "ZSPASS-SENTINEL-6b7c8d9e",
}

// isLogin reports whether r is a login or logout call of k's API.
func isLogin(k kind, r *http.Request) bool {
	switch k {
	case kIAM, kWorkspace:
		return r.Method == http.MethodPost && r.URL.Path == "/v3/auth/tokens"
	case kRaxJSON, kRaxXML:
		return r.Method == http.MethodPost && r.URL.Path == "/v2.0/tokens"
	default:
		return (r.Method == http.MethodPut && r.URL.Path == "/zstack/v1/accounts/login") ||
			(r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/zstack/v1/accounts/sessions/"))
	}
}

// serveLogin answers a login or logout call of k's API with token.
func serveLogin(k kind, w http.ResponseWriter, r *http.Request, token string) {
	expires := time.Now().Add(24 * time.Hour).UTC()
	switch k {
	case kIAM, kWorkspace:
		w.Header().Set("X-Subject-Token", token)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"token":{"expires_at":%q,"methods":["password"]}}`, expires.Format("2006-01-02T15:04:05.000000Z"))
	case kRaxJSON, kRaxXML:
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access":{"token":{"id":%q,"expires":%q}}}`, token, expires.Format(time.RFC3339))
	default:
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodDelete {
			fmt.Fprint(w, `{}`)
			return
		}
		fmt.Fprintf(w, `{"inventory":{"uuid":%q,"accountUuid":"36d4a1f07c8e4b2f9a1e5d3c7b9f2a4e"}}`, token)
	}
}

// The XML namespaces of Rackspace Identity.
const (
	raxNS      = "http://docs.rackspace.com/identity/api/ext/RAX-AUTH/v1.0"
	identityNS = "http://docs.openstack.org/identity/api/v2.0"
)

// validBody returns a body of k's API for the call r that decodes to one
// row: the device d1 of u1 (Huawei IAM: the serial number iam/mfa/u1), the
// user u1, or (Rackspace) the phone p1 of u1, whose number is fakePhone.
// A Rackspace UserDevices reads d1 and p1.
func validBody(k kind, r *http.Request) (contentType, body string) {
	p := r.URL.Path
	switch k {
	case kIAM:
		switch {
		case strings.HasSuffix(p, "/virtual-mfa-devices"):
			return "application/json", `{"virtual_mfa_devices":[{"user_id":"u1","serial_number":"iam/mfa/u1"}]}`
		case strings.HasSuffix(p, "/login-protects"):
			return "application/json", `{"login_protects":[{"user_id":"u1","enabled":true,"verification_method":"vmfa"}]}`
		case p == "/v3/users":
			return "application/json", `{"links":{"self":"http://iam/v3/users","previous":null,"next":null},"users":[{"id":"u1","name":"zhangsan","enabled":true}]}`
		}
		return "application/json", `{"virtual_mfa_device":{"user_id":"u1","serial_number":"iam/mfa/u1"}}`
	case kWorkspace:
		if strings.HasSuffix(p, "/users") {
			return "application/json", `{"total_count":1,"users":[{"id":"u1","user_name":"zhangsan","disabled":false,"locked":false}]}`
		}
		return "application/json", `{"otp_devices":[{"id":"d1","user_id":"u1","user_name":"zhangsan","status":"REGISTERED","create_time":"2020-04-10 06:45:14"}]}`
	case kRaxJSON:
		switch {
		case strings.HasSuffix(p, "/otp-devices"):
			return "application/json", `{"RAX-AUTH:otpDevices":[{"id":"d1","verified":true,"name":"phone"}]}`
		case strings.HasSuffix(p, "/mobile-phones"):
			return "application/json", `{"RAX-AUTH:mobilePhones":[{"id":"p1","verified":true,"number":"` + fakePhone + `"}]}`
		case p == "/v2.0/users":
			return "application/json", `{"users":[{"id":"u1","username":"zhangsan","enabled":true,"RAX-AUTH:multiFactorEnabled":true}]}`
		}
		return "application/json", `{"RAX-AUTH:otpDevice":{"id":"d1","verified":true,"name":"phone"}}`
	case kRaxXML:
		const head = `<?xml version="1.0" encoding="UTF-8"?>`
		switch {
		case strings.HasSuffix(p, "/otp-devices"):
			return "application/xml", head + `<rax-auth:otpDevices xmlns:rax-auth="` + raxNS +
				`"><rax-auth:otpDevice id="d1" name="phone" verified="true"/></rax-auth:otpDevices>`
		case strings.HasSuffix(p, "/mobile-phones"):
			return "application/xml", head + `<mobilePhones xmlns="` + raxNS + `"><mobilePhone id="p1" number="` + fakePhoneXML +
				`" verified="true"/></mobilePhones>`
		case p == "/v2.0/users":
			return "application/xml", head + `<users xmlns="` + identityNS + `" xmlns:rax-auth="` + raxNS +
				`"><user id="u1" username="zhangsan" enabled="true" rax-auth:multiFactorEnabled="true"/></users>`
		}
		return "application/xml", head + `<rax-auth:otpDevice xmlns:rax-auth="` + raxNS + `" id="d1" name="phone" verified="true"/>`
	default:
		switch {
		case strings.HasSuffix(p, "/accounts"):
			return "application/json", `{"inventories":[{"uuid":"u1","name":"admin","type":"SystemAdmin","state":"Enabled"}],"total":1}`
		case strings.HasSuffix(p, "/virtual-ids"):
			return "application/json", `{"inventories":[{"uuid":"v1","name":"iam2-user","state":"Enabled"}],"total":1}`
		}
		return "application/json", `{"inventories":[{"uuid":"d1","secret":"` + fakeSeed + `","userUuid":"u1","userType":"AccountVO",` +
			`"status":"Logined","createDate":"Oct 28, 2025 2:09:26 PM","lastOpDate":"Oct 28, 2025 2:09:26 PM"}],"total":1}`
	}
}

// fakeWant is how many rows the call o reads from validBody: two for
// Rackspace's UserDevices (the OTP device and the phone) and ZStack's
// Users (the account u1 and the IAM2 user v1), else one.
func fakeWant(k kind, o op) int {
	switch {
	case (k == kRaxJSON || k == kRaxXML) && o.name == "UserDevices", k == kZStack && o.name == "Users":
		return 2
	}
	return 1
}

// unauthorized answers a call of k's API as a refused credential, in the
// vendor's form; form picks one of several where the vendor has them.
func unauthorized(k kind, w http.ResponseWriter, form string) {
	w.Header().Set("Content-Type", "application/json")
	switch k {
	case kIAM, kWorkspace:
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: decrypt token fail","request_id":"b1c2d3e4f5a6478899aabbccddeeff00"}`)
	case kRaxJSON:
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"unauthorized":{"code":401,"message":"No valid token provided. Please use the 'X-Auth-Token' header with a valid token."}}`)
	case kRaxXML:
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><unauthorized xmlns="`+identityNS+`" code="401"><message>No valid token provided.</message></unauthorized>`)
	default:
		switch form {
		case "200":
			fmt.Fprint(w, `{"error":{"code":"ID.1001","description":"Session expired","details":"invalid session"}}`)
		case "401":
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `the session is missing or malformed`)
		default:
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, `{"error":{"code":"ID.1001","description":"Session expired","details":"Session expired"}}`)
		}
	}
}

// fake is an httptest server that plays one vendor API: it answers login
// and logout calls itself (each login issues a new token), and hands every
// other call to its handler. It counts both.
type fake struct {
	*httptest.Server
	kind kind

	mu     sync.Mutex
	logins int
	calls  int
	tokens []string
	seen   []http.Header // the headers of every call but logins
}

// newFake starts a fake for k whose API calls go to h; it is closed when t
// ends.
func newFake(t testing.TB, k kind, h http.HandlerFunc) *fake {
	f := &fake{kind: k}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isLogin(k, r) {
			f.mu.Lock()
			f.logins++
			tok := fmt.Sprintf("ISSUED-SENTINEL-%d-%s", f.logins, strings.ReplaceAll(k.String(), "-", ""))
			f.tokens = append(f.tokens, tok)
			f.mu.Unlock()
			serveLogin(k, w, r, tok)
			return
		}
		f.mu.Lock()
		f.calls++
		f.seen = append(f.seen, r.Header.Clone())
		f.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

// serveValid answers every call with validBody.
func serveValid(k kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ct, body := validBody(k, r)
		w.Header().Set("Content-Type", ct)
		_, _ = w.Write([]byte(body))
	}
}

// Counts returns the number of logins and of other calls so far.
func (f *fake) Counts() (logins, calls int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.logins, f.calls
}

// Tokens returns the tokens the fake's logins issued.
func (f *fake) Tokens() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.tokens...)
}

// Seen returns the headers of the calls the fake received (logins aside).
func (f *fake) Seen() []http.Header {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]http.Header(nil), f.seen...)
}

// fakeSetup is the setup of k against the fake f.
func fakeSetup(f *fake, auth creds, rec *recorder) setup {
	st := setup{URL: f.URL, Creds: fakeCreds, Auth: auth, Rec: rec}
	if f.kind == kWorkspace && auth == login {
		st.IAMURL = f.URL // the fake answers the login too
	}
	return st
}

// fakeOps returns the public calls of tg on the fake ids.
func fakeOps(tg *target) []op { return tg.ops(fakeUser, fakeDevice) }

// secretsOf lists the credentials in c, for header and body scans.
func secretsOf(c credentials) []string {
	return []string{c.HuaweiToken, c.HuaweiPassword, c.HuaweiSK, c.HuaweiSecurityToken, c.RackspaceToken, c.RackspaceAPIKey,
		c.RackspacePassword, c.ZStackSession, c.ZStackPassword}
}

// secretsWithHash is secretsOf and the hex SHA-512 of the ZStack password,
// which is what a ZStack login body carries instead of the password: the
// scans of login bodies need it, the others do not, so secretsOf stays
// without it.
func secretsWithHash(c credentials) []string {
	sum := sha512.Sum512([]byte(c.ZStackPassword))
	return append(secretsOf(c), hex.EncodeToString(sum[:]))
}
