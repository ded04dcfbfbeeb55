package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
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
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
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
		}
	case *rackspace.Client:
		return []entry{
			{"UserDevices", 1, func(ctx context.Context, a, _ string) error { _, err := c.UserDevices(ctx, a); return err }},
			{"OTPDevices", 1, func(ctx context.Context, a, _ string) error { _, err := c.OTPDevices(ctx, a); return err }},
			{"UserMFA", 1, func(ctx context.Context, a, _ string) error { _, err := c.UserMFA(ctx, a); return err }},
			{"OTPDevice", 2, func(ctx context.Context, a, b string) error { _, err := c.OTPDevice(ctx, a, b); return err }},
			{"Device", 2, func(ctx context.Context, a, b string) error { _, err := c.Device(ctx, a, b); return err }},
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
		f := newFake(t, kZStack, func(w http.ResponseWriter, r *http.Request) {
			ct, body := validBody(kZStack, r)
			w.Header().Set("Content-Type", ct)
			_, _ = w.Write([]byte(body))
		})
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
// than http and https, no host, not a URL.
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
	"ftp":                  "ftp://h",
	"no-host":              "https://",
	"space":                " https://h",
}

// bugEndpoints are the rows of badEndpoints a client is known to echo with
// its password; TestBadEndpointsEcho shows them.
var bugEndpoints = map[string]map[string]bool{
	"zstack": {"userinfo-no-scheme": true, "userinfo-no-scheme-p": true},
}

// NewClient refuses an endpoint that cannot work, names the field, never
// echoes a password (of the endpoint, or of the credentials), and sends
// nothing.
func TestBadEndpoints(t *testing.T) {
	checkBadEndpoints(t, func(vendor, name string) bool { return !bugEndpoints[vendor][name] })
}

// The rows TestBadEndpoints leaves out: ZStack quotes an endpoint that has
// no http or https scheme in its error, and "user:password@host" parses as
// scheme "user" with the password in the opaque part.
func TestBadEndpointsEcho(t *testing.T) {
	checkBadEndpoints(t, func(vendor, name string) bool { return bugEndpoints[vendor][name] })
}

func checkBadEndpoints(t *testing.T, include func(vendor, name string) bool) {
	noLeaks(t)
	rec := newRecorder(t)
	type vendor struct {
		name, field string
		build       func(endpoint string) error
	}
	hc := rec.Client()
	vendors := []vendor{
		{"huaweiiam", "IAMEndpoint", func(ep string) error {
			_, err := huaweiiam.NewClient(huaweiiam.Config{IAMEndpoint: ep, Token: fakeCreds.HuaweiToken, HTTPClient: hc})
			return err
		}},
		{"huaweiiam", "WorkspaceEndpoint", func(ep string) error {
			_, err := huaweiiam.NewClient(huaweiiam.Config{WorkspaceEndpoint: ep, ProjectID: fakeCreds.HuaweiProjectID,
				DomainName: "d", UserName: "u", Password: fakeCreds.HuaweiPassword, IAMEndpoint: "https://iam.myhuaweicloud.com", HTTPClient: hc})
			return err
		}},
		{"rackspace", "Endpoint", func(ep string) error {
			_, err := rackspace.NewClient(rackspace.Config{Endpoint: ep, Username: "u", APIKey: fakeCreds.RackspaceAPIKey, HTTPClient: hc})
			return err
		}},
		{"zstack", "Endpoint", func(ep string) error {
			_, err := zstack.NewClient(zstack.Config{Endpoint: ep, AccountName: "admin", Password: fakeCreds.ZStackPassword, HTTPClient: hc})
			return err
		}},
	}
	checked := 0
	for _, v := range vendors {
		for name, ep := range badEndpoints {
			if !include(v.name, name) || (v.name == "huaweiiam" && v.field == "WorkspaceEndpoint" && ep == "") {
				continue // an empty WorkspaceEndpoint turns Workspace off; the IAM row covers "no endpoint"
			}
			checked++
			t.Run(v.name+"-"+v.field+"-"+name, func(t *testing.T) {
				err := v.build(ep)
				require.Error(t, err, "endpoint %q", ep)
				msg := err.Error()
				assert.Contains(t, msg, v.field, "the error does not name the field")
				for _, secret := range append(secretsOf(fakeCreds), endpointPassword) {
					assert.NotContains(t, msg, secret)
				}
			})
		}
	}
	assert.Positive(t, checked)
	assert.Zero(t, rec.Requests(), "NewClient sent a request")
}
