package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/huaweiiam"
	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/rackspace"
	"github.com/openmfa/mfa-go/zstack"
)

// entry is one public method of a client that takes a context, with 0, 1
// or 2 ids (a user id, or a device id alone; a user id then a device id).
type entry struct {
	name string
	ids  int
	call func(ctx context.Context, a, b string) error
}

// first returns the first error of a sequence.
func first[V any](seq func(func(V, error) bool)) error {
	_, err := collect(seq)
	return err
}

// entries returns every public method of tg's client that takes a context.
func entries(tg *target) []entry {
	switch c := tg.client.(type) {
	case *huaweiiam.Client:
		if tg.kind == kWorkspace {
			w := c.WorkspaceOTP()
			return []entry{
				{"UserDevices", 1, func(ctx context.Context, a, _ string) error { _, err := w.UserDevices(ctx, a); return err }},
				{"OTPDevices", 1, func(ctx context.Context, a, _ string) error { _, err := w.OTPDevices(ctx, a); return err }},
				{"Users", 0, func(ctx context.Context, _, _ string) error { return first(w.Users(ctx)) }},
			}
		}
		v := c.VirtualMFA()
		return []entry{
			{"UserDevices", 1, func(ctx context.Context, a, _ string) error { _, err := v.UserDevices(ctx, a); return err }},
			{"UserDevice", 1, func(ctx context.Context, a, _ string) error { _, err := v.UserDevice(ctx, a); return err }},
			{"LoginProtect", 1, func(ctx context.Context, a, _ string) error { _, err := v.LoginProtect(ctx, a); return err }},
			{"List", 0, func(ctx context.Context, _, _ string) error { _, err := v.List(ctx); return err }},
			{"LoginProtects", 0, func(ctx context.Context, _, _ string) error { _, err := v.LoginProtects(ctx); return err }},
			{"AllDevices", 0, func(ctx context.Context, _, _ string) error { return first(v.AllDevices(ctx)) }},
			{"Users", 0, func(ctx context.Context, _, _ string) error { return first(v.Users(ctx)) }},
		}
	case *rackspace.Client:
		return []entry{
			{"UserDevices", 1, func(ctx context.Context, a, _ string) error { _, err := c.UserDevices(ctx, a); return err }},
			{"OTPDevices", 1, func(ctx context.Context, a, _ string) error { _, err := c.OTPDevices(ctx, a); return err }},
			{"MobilePhones", 1, func(ctx context.Context, a, _ string) error { _, err := c.MobilePhones(ctx, a); return err }},
			{"UserMFA", 1, func(ctx context.Context, a, _ string) error { _, err := c.UserMFA(ctx, a); return err }},
			{"OTPDevice", 2, func(ctx context.Context, a, b string) error { _, err := c.OTPDevice(ctx, a, b); return err }},
			{"Device", 2, func(ctx context.Context, a, b string) error { _, err := c.Device(ctx, a, b); return err }},
			{"Users", 0, func(ctx context.Context, _, _ string) error { return first(c.Users(ctx)) }},
		}
	case *zstack.Client:
		return []entry{
			{"UserDevices", 1, func(ctx context.Context, a, _ string) error { _, err := c.UserDevices(ctx, a); return err }},
			{"UserSecrets", 1, func(ctx context.Context, a, _ string) error { _, err := c.UserSecrets(ctx, a); return err }},
			{"Secret", 1, func(ctx context.Context, a, _ string) error { _, err := c.Secret(ctx, a); return err }},
			{"Device", 2, func(ctx context.Context, a, b string) error { _, err := c.Device(ctx, a, b); return err }},
			{"AllDevices", 0, func(ctx context.Context, _, _ string) error { return first(c.AllDevices(ctx)) }},
			{"QuerySecrets", 0, func(ctx context.Context, _, _ string) error {
				_, err := c.QuerySecrets(ctx, zstack.QueryOptions{})
				return err
			}},
			{"CountSecrets", 0, func(ctx context.Context, _, _ string) error {
				_, err := c.CountSecrets(ctx, zstack.QueryOptions{})
				return err
			}},
			{"Secrets", 0, func(ctx context.Context, _, _ string) error { return first(c.Secrets(ctx, zstack.QueryOptions{})) }},
			{"Accounts", 0, func(ctx context.Context, _, _ string) error { return first(c.Accounts(ctx, zstack.QueryOptions{})) }},
			{"VirtualIDs", 0, func(ctx context.Context, _, _ string) error { return first(c.VirtualIDs(ctx, zstack.QueryOptions{})) }},
			{"Users", 0, func(ctx context.Context, _, _ string) error { return first(c.Users(ctx)) }},
		}
	}
	panic("unknown client")
}

// safeCall calls e and turns a panic into a test failure.
func safeCall(t *testing.T, e entry, ctx context.Context, a, b string) (err error) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Errorf("%s panicked: %v", e.name, p)
		}
	}()
	return e.call(ctx, a, b)
}

// countingServer is a server no test request may reach: it counts what
// does, and answers 500.
func countingServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		http.Error(w, "no request was expected", http.StatusInternalServerError)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// badIDs are ids that can never be valid path segments.
var badIDs = map[string]string{
	"empty":        "",
	"dot":          ".",
	"dot-dot":      "..",
	"overlong":     strings.Repeat("a", 1025),
	"newline":      "\n",
	"nul":          "\x00",
	"del":          "\x7f",
	"inner-LF":     "user\nX-Injected: 1",
	"inner-CR":     "user\r",
	"inner-NUL":    "us\x00er",
	"inner-DEL":    "us\x7fer",
	"inner-tab":    "us\ter",
	"C1-control":   "us\u0085er",
	"invalid-utf8": "us\xffer",
}

// Every public method that takes an id refuses an id that cannot be valid
// with an error matching mfa.ErrBadRequest that names the provider, before
// sending any request: not even a login.
func TestBadIDs(t *testing.T) {
	noLeaks(t)
	for _, k := range kinds {
		t.Run(k.String(), func(t *testing.T) {
			srv, hits := countingServer(t)
			rec := newRecorder(t)
			tg := mustBuild(t, k, setup{URL: srv.URL, IAMURL: srv.URL, Creds: fakeCreds, Auth: login, Rec: rec})
			for _, e := range entries(tg) {
				for pos := 1; pos <= e.ids; pos++ {
					for name, id := range badIDs {
						a, b := id, fakeDevice
						if pos == 2 {
							a, b = fakeUser, id
						}
						err := safeCall(t, e, context.Background(), a, b)
						if assert.Error(t, err, "%s id %d %s", e.name, pos, name) {
							assert.ErrorIs(t, err, mfa.ErrBadRequest, "%s id %d %s", e.name, pos, name)
							assert.Contains(t, err.Error(), k.provider(), "%s id %d %s", e.name, pos, name)
							assert.Less(t, len(err.Error()), 400, "%s id %d %s: the error quotes the whole id", e.name, pos, name)
						}
					}
				}
			}
			assert.Zero(t, rec.Requests(), "requests sent")
			assert.Zero(t, hits.Load(), "requests received")
		})
	}
}

// Every public method given a nil context returns an error matching
// mfa.ErrBadRequest that says "nil context", without a panic and without
// sending a request. So do the methods of mfa.Directory.
func TestNilContext(t *testing.T) {
	noLeaks(t)
	var nilCtx context.Context
	for _, k := range kinds {
		for _, auth := range []creds{static, login} {
			t.Run(k.String()+"-"+auth.String(), func(t *testing.T) {
				srv, hits := countingServer(t)
				rec := newRecorder(t)
				tg := mustBuild(t, k, setup{URL: srv.URL, IAMURL: srv.URL, Creds: fakeCreds, Auth: auth, Rec: rec})
				for _, e := range entries(tg) {
					err := safeCall(t, e, nilCtx, fakeUser, fakeDevice)
					if assert.Error(t, err, e.name) {
						assert.ErrorIs(t, err, mfa.ErrBadRequest, e.name)
						assert.Contains(t, err.Error(), "nil context", e.name)
						assert.Contains(t, err.Error(), k.provider(), e.name)
					}
				}
				assert.Zero(t, rec.Requests(), "requests sent")
				assert.Zero(t, hits.Load(), "requests received")
			})
		}
	}

	t.Run("zstack-Logout", func(t *testing.T) {
		f := newFake(t, kZStack, serveValid(kZStack))
		tg := mustBuild(t, kZStack, fakeSetup(f, login, newRecorder(t)))
		_, err := tg.p.UserDevices(context.Background(), fakeUser)
		require.NoError(t, err)
		err = safeLogout(t, tg.client.(*zstack.Client), nilCtx)
		if assert.Error(t, err) {
			assert.ErrorIs(t, err, mfa.ErrBadRequest)
			assert.Contains(t, err.Error(), "nil context")
		}
	})

	t.Run("directory", func(t *testing.T) {
		srv, hits := countingServer(t)
		var providers []mfa.Provider
		for _, k := range []kind{kIAM, kWorkspace, kRaxJSON, kZStack} {
			providers = append(providers, mustBuild(t, k, setup{URL: srv.URL, Creds: fakeCreds, Auth: static, Rec: newRecorder(t)}).p)
		}
		dir, err := mfa.NewDirectory(providers...)
		require.NoError(t, err)
		check := func(name string, err error) {
			if assert.Error(t, err, name) {
				assert.ErrorIs(t, err, mfa.ErrBadRequest, name)
				assert.Contains(t, err.Error(), "nil context", name)
			}
		}
		_, err = dir.UserDevices(nilCtx, "zstack", fakeUser)
		check("UserDevices", err)
		_, err = dir.Device(nilCtx, mfa.DeviceRef{Provider: "rackspace", UserID: fakeUser, DeviceID: fakeDevice})
		check("Device", err)
		check("Devices", first(dir.Devices(nilCtx, []mfa.UserRef{{Provider: "zstack", UserID: fakeUser}})))
		check("AllDevices", first(dir.AllDevices(nilCtx)))
		check("Users", first(dir.Users(nilCtx)))
		assert.Zero(t, hits.Load(), "requests received")
	})
}

func safeLogout(t *testing.T, c *zstack.Client, ctx context.Context) (err error) {
	defer func() {
		if p := recover(); p != nil {
			t.Errorf("Logout panicked: %v", p)
		}
	}()
	return c.Logout(ctx)
}

// endpointPassword is the password of the endpoints with user information.
const endpointPassword = "EPPASS-SENTINEL-77aa"

// badEndpoints cannot work: no scheme, user information, a scheme other
// than http and https, no host, not a URL. The userinfo rows whose
// password holds /, ? or # do not parse as URLs at all, or parse with
// the rest of the password as a path, query or fragment: either way the
// password must not be quoted.
var badEndpoints = map[string]string{
	"empty":                "",
	"no-scheme":            "iam.myhuaweicloud.com",
	"no-scheme-port":       "localhost:8080",
	"no-scheme-path":       "iam.myhuaweicloud.com/v3",
	"userinfo":             "https://auditor:" + endpointPassword + "@iam.myhuaweicloud.com",
	"userinfo-no-scheme":   "auditor:" + endpointPassword + "@iam.myhuaweicloud.com",
	"userinfo-no-scheme-p": "auditor:" + endpointPassword + "@zstack.example.com:8080",
	"userinfo-ftp":         "ftp://auditor:" + endpointPassword + "@h",
	"userinfo-schemeless":  "//auditor:" + endpointPassword + "@h",
	"userinfo-bad-host":    "https://auditor:" + endpointPassword + "@ho st",
	"userinfo-slash":       "https://auditor:pa/" + endpointPassword + "@iam.myhuaweicloud.com",
	"userinfo-question":    "https://auditor:pa?" + endpointPassword + "@iam.myhuaweicloud.com",
	"userinfo-hash":        "https://auditor:pa#" + endpointPassword + "@iam.myhuaweicloud.com",
	"userinfo-hash-port":   "http://auditor:pa#" + endpointPassword + "@zstack.example.com:8080",
	"userinfo-all-three":   "https://auditor:p/a?s#" + endpointPassword + "@iam.myhuaweicloud.com/v3",
	"userinfo-slash-noscm": "auditor:pa/" + endpointPassword + "@zstack.example.com:8080",
	"ftp":                  "ftp://h",
	"no-host":              "https://",
	"space":                " https://h",
}

// NewClient refuses an endpoint that cannot work, names the field, never
// echoes a password (of the endpoint, or of the credentials) nor any part
// of the endpoint past its host, and sends nothing.
func TestBadEndpoints(t *testing.T) {
	checkBadEndpoints(t, badEndpoints)
}

// passwordAsPath are endpoints with user information whose password
// begins with "/", or with digits then "/": they parse as URLs whose host
// is the user name with an empty or numeric port, and whose path holds
// the password and the real host.
var passwordAsPath = map[string]string{
	"userinfo-slash-first":  "https://auditor:/" + endpointPassword + "@iam.myhuaweicloud.com",
	"userinfo-digits-slash": "https://auditor:8443/" + endpointPassword + "@iam.myhuaweicloud.com",
	"userinfo-http-slash":   "http://auditor:/" + endpointPassword + "@zstack.example.com:8080",
}

// An endpoint whose password parses as its path is refused as the others
// with user information are: accepted, every request would carry the
// password, in clear over http, to a host named after the user.
func TestEndpointPasswordAsPath(t *testing.T) {
	checkBadEndpoints(t, passwordAsPath)
}

func checkBadEndpoints(t *testing.T, endpoints map[string]string) {
	noLeaks(t)
	rec := newRecorder(t)
	type vendor struct {
		name, field string
		build       func(endpoint string) error
	}
	hc := rec.Client()
	secret := mfa.NewSecret
	vendors := []vendor{
		{"huaweiiam", "IAMEndpoint", func(ep string) error {
			_, err := huaweiiam.NewClient(huaweiiam.Config{IAMEndpoint: ep, Token: secret(fakeCreds.HuaweiToken), HTTPClient: hc})
			return err
		}},
		{"huaweiiam", "WorkspaceEndpoint", func(ep string) error {
			_, err := huaweiiam.NewClient(huaweiiam.Config{WorkspaceEndpoint: ep, ProjectID: fakeCreds.HuaweiProjectID,
				DomainName: "d", Username: "u", Password: secret(fakeCreds.HuaweiPassword), IAMEndpoint: "https://iam.myhuaweicloud.com", HTTPClient: hc})
			return err
		}},
		{"rackspace", "Endpoint", func(ep string) error {
			_, err := rackspace.NewClient(rackspace.Config{Endpoint: ep, Username: "u", APIKey: secret(fakeCreds.RackspaceAPIKey), HTTPClient: hc})
			return err
		}},
		{"zstack", "Endpoint", func(ep string) error {
			_, err := zstack.NewClient(zstack.Config{Endpoint: ep, AccountName: "admin", Password: secret(fakeCreds.ZStackPassword), HTTPClient: hc})
			return err
		}},
	}
	checked := 0
	for _, v := range vendors {
		for name, ep := range endpoints {
			if v.name == "huaweiiam" && v.field == "WorkspaceEndpoint" && ep == "" {
				continue // an empty WorkspaceEndpoint turns Workspace off; the IAM row covers "no endpoint"
			}
			checked++
			t.Run(v.name+"-"+v.field+"-"+name, func(t *testing.T) {
				err := v.build(ep)
				if err == nil {
					u, _ := url.Parse(ep)
					t.Fatalf("endpoint %q accepted: requests would go to host %q with %q as their path prefix", ep, u.Host, u.Path)
				}
				msg := err.Error()
				assert.Contains(t, msg, v.field, "the error does not name the field")
				for _, secret := range append(secretsOf(fakeCreds), endpointPassword, endpointPassword[:8], "pa/", "pa?", "pa#", "p/a?s#") {
					if f, ok := holds(msg, secret); ok {
						t.Errorf("the error shows %q: %s", f, msg)
					}
				}
			})
		}
	}
	assert.Positive(t, checked)
	assert.Zero(t, rec.Requests(), "NewClient sent a request")
}

// A client whose credentials would cross the network in clear text (an
// http endpoint to a host other than loopback) says so through its Logger
// when it is built, once per API that would carry them, naming the
// provider and the host but no credential; over https, or to loopback, it
// says nothing. ZStack is often run on plain http inside a network: a
// warning, not a refusal.
func TestCleartextWarning(t *testing.T) {
	noLeaks(t)
	const remote = "http://mfa.example.com:8080"
	for _, c := range []struct {
		endpoint string
		warns    bool
	}{
		{remote, true},
		{"http://10.0.0.7", true},
		{"http://[2001:db8::1]:8080", true},
		{"http://0.0.0.0:8080", true},
		{"https://mfa.example.com", false},
		{"http://127.0.0.1:8080", false},
		{"http://127.8.9.10", false},
		{"http://localhost:8080", false},
		{"http://LocalHost", false},
		{"http://[::1]:8080", false},
	} {
		host := hostOf(t, c.endpoint)
		for _, v := range credVariants() {
			t.Run(v.String()+"-"+host, func(t *testing.T) {
				var l logs
				st := setup{URL: c.endpoint, Creds: fakeCreds, Auth: v.auth, Logger: l.Logger()}
				if v.k == kWorkspace {
					// The login goes to IAM, over https: the token alone
					// crosses to Workspace.
					st.IAMURL = "https://iam.myhuaweicloud.com"
				}
				mustBuild(t, v.k, st)
				var warnings []map[string]any
				for _, rec := range l.Records(t) {
					if rec["level"] == "WARN" {
						warnings = append(warnings, rec)
					}
				}
				if !c.warns {
					assert.Empty(t, warnings, "a warning for %s", c.endpoint)
					return
				}
				if assert.Len(t, warnings, 1, "the warnings for %s", c.endpoint) {
					w := warnings[0]
					assert.Equal(t, v.k.provider(), w["provider"], "the provider named")
					assert.Equal(t, host, w["host"], "the host named")
					assert.Contains(t, w["msg"], "unencrypted")
				}
				var sc scan
				sc.credSecrets("", fakeCreds)
				for _, line := range l.Lines() {
					sc.text("log line", line)
				}
				sc.check(t)
			})
		}
	}
}

// hostOf returns the host (and port) of endpoint.
func hostOf(t *testing.T, endpoint string) string {
	u, err := url.Parse(endpoint)
	require.NoError(t, err)
	return u.Host
}
