package sim

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// The emulators parse what clients send: paths, queries, headers and login
// bodies. These targets feed them anything and check that every answer is
// a well-formed HTTP answer of the API, never a panic.

func fuzzSim(f *testing.F) *Sim {
	s, err := Start(Options{Users: 20, MaxDevicesPerUser: 3})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(s.Close)
	return s
}

// serve runs one request through the API's handler, without a socket.
func serve(t *testing.T, a *API, r *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	a.serveHTTP(rec, r)
	if rec.Code < 200 || rec.Code > 599 {
		t.Fatalf("status %d", rec.Code)
	}
	return rec
}

func FuzzZStackQuery(f *testing.F) {
	s := fuzzSim(f)
	uuid := s.ZStack.Devices()[0].ID
	for _, q := range []string{"", "limit=10&start=5", "q=uuid=" + uuid, "q=userUuid?=a,b&sort=-createDate", "q=status~=New%25",
		"q=createDate>2024-01-01 00:00:00", "q=userType is null", "count=true", "replyWithCount=true&sort=+uuid",
		"fields=uuid,secret", "limit=-1", "q=%zz", "sortBy=lastOpDate&sortDirection=desc", "q==", "q=!", "q=uuid~=%5B"} {
		f.Add(q, "/zstack/v1/twofactorauthentication/secrets")
	}
	f.Add("", "/zstack/v1/twofactorauthentication/secrets/"+uuid)
	f.Add("q=state is null&sort=-name&replyWithCount=true", "/zstack/v1/accounts")
	f.Add("q=name~=z%25&fields=uuid,state&start=3", "/zstack/v1/iam2/virtual-ids")
	f.Add("", "/zstack/v1/accounts/sessions/x")
	f.Fuzz(func(t *testing.T, query, path string) {
		u := &url.URL{Path: path, RawQuery: query}
		r := httptest.NewRequest("GET", "http://zstack.test/", nil)
		r.URL = u
		r.Header.Set("Authorization", "OAuth "+s.Creds.ZStackSession)
		rec := serve(t, s.ZStack, r)
		if rec.Code == 200 && !strings.HasPrefix(rec.Body.String(), "{") {
			t.Fatalf("200 that is not JSON: %q", rec.Body.String())
		}
	})
}

func FuzzHuaweiAuth(f *testing.F) {
	s := fuzzSim(f)
	f.Add("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=00", "20250101T000000Z", "", "/v3.0/OS-MFA/virtual-mfa-devices")
	f.Add("SDK-HMAC-SHA256 Access="+s.Creds.HuaweiAK+", SignedHeaders=host;x-sdk-date, Signature=00", "x", "", "/v3.0/OS-USER/login-protects")
	f.Add("SDK-HMAC-SHA256", "", "", "/v2/p/users/u/otp-devices")
	f.Add("", "", s.Creds.HuaweiToken, "/v3.0/OS-MFA/users/%2F/virtual-mfa-device")
	f.Add("", "", "MII", "/v2/"+s.Creds.HuaweiProjectID+"/users/"+s.Workspace.UserIDs()[0]+"/otp-devices")
	f.Fuzz(func(t *testing.T, authz, date, token, path string) {
		for _, a := range []*API{s.IAM, s.Workspace} {
			r := httptest.NewRequest("GET", "http://huawei.test/", nil)
			r.URL = &url.URL{Path: path}
			r.Header.Set("Authorization", authz)
			r.Header.Set("X-Sdk-Date", date)
			r.Header.Set("X-Auth-Token", token)
			rec := serve(t, a, r)
			if rec.Header().Get("X-Request-Id") == "" {
				t.Fatal("no X-Request-Id")
			}
		}
	})
}

func FuzzLogin(f *testing.F) {
	s := fuzzSim(f)
	f.Add(`{"auth":{"identity":{"methods":["password"],"password":{"user":{"domain":{"name":"d"},"name":"u","password":"p"}}},"scope":{"project":{"id":"x"}}}}`, "application/json")
	f.Add(`{"auth":{"RAX-KSKEY:apiKeyCredentials":{"username":"u","apiKey":"k"}}}`, "application/json")
	f.Add(`<auth><passwordCredentials username="u" password="p"/></auth>`, "application/xml")
	f.Add(`{"logInByAccount":{"accountName":"admin","password":"00"}}`, "application/json")
	f.Add(`{"auth":{"identity":{"password":null},"scope":{"project":null}}}`, "")
	f.Fuzz(func(t *testing.T, body, contentType string) {
		for _, c := range []struct {
			a            *API
			method, path string
		}{{s.IAM, "POST", "/v3/auth/tokens"}, {s.Rackspace, "POST", "/v2.0/tokens"}, {s.ZStack, "PUT", "/zstack/v1/accounts/login"}} {
			r := httptest.NewRequest(c.method, "http://login.test"+c.path, strings.NewReader(body))
			r.Header.Set("Content-Type", contentType)
			rec := serve(t, c.a, r)
			if rec.Code == 200 || rec.Code == 201 {
				t.Fatalf("%s accepted a login it should not: %s", c.a.Name(), body)
			}
		}
	})
}

func FuzzUserListings(f *testing.F) {
	s := fuzzSim(f)
	for _, q := range []string{"", "enabled=false", "enabled=x&name=a", "offset=3&limit=2", "limit=-1", "offset=99999999999999999999",
		"marker=" + s.Rackspace.UserIDs()[3] + "&limit=4", "name=jdoe", "limit=0", "marker=%00"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, query string) {
		for _, c := range []struct {
			a      *API
			path   string
			header []string
		}{
			{s.IAM, "/v3/users", []string{"X-Auth-Token", s.Creds.HuaweiToken}},
			{s.Workspace, "/v2/" + s.Creds.HuaweiProjectID + "/users", []string{"X-Auth-Token", s.Creds.HuaweiToken}},
			{s.Rackspace, "/v2.0/users", []string{"X-Auth-Token", s.Creds.RackspaceToken}},
			{s.Rackspace, "/v2.0/users", []string{"X-Auth-Token", s.Creds.RackspaceToken, "Accept", "application/xml"}},
		} {
			r := httptest.NewRequest("GET", "http://users.test/", nil)
			r.URL = &url.URL{Path: c.path, RawQuery: query}
			for i := 0; i+1 < len(c.header); i += 2 {
				r.Header.Set(c.header[i], c.header[i+1])
			}
			rec := serve(t, c.a, r)
			if rec.Code == 200 && rec.Body.Len() == 0 {
				t.Fatalf("%s: an empty 200", c.a.Name())
			}
		}
	})
}
