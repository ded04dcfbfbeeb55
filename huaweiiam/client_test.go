package huaweiiam

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/mfa"
)

func TestNewClientRejectsConfigsThatCannotWork(t *testing.T) {
	ok := Config{IAMEndpoint: iamBase, WorkspaceEndpoint: wsBase, ProjectID: projectID, Token: tok}
	with := func(f func(*Config)) Config { c := ok; f(&c); return c }
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no endpoint", Config{Token: tok}, "no endpoint"},
		{"not a URL", with(func(c *Config) { c.IAMEndpoint = "https://iam example.com:x" }), "does not parse as a URL"},
		{"no scheme", with(func(c *Config) { c.IAMEndpoint = "iam.myhuaweicloud.com" }), "has no http or https scheme"},
		{"ftp scheme", with(func(c *Config) { c.WorkspaceEndpoint = "ftp://workspace.example.com" }), "has no http or https scheme"},
		{"no host", with(func(c *Config) { c.IAMEndpoint = "https:///v3" }), "has no host"},
		{"opaque", with(func(c *Config) { c.IAMEndpoint = "https:iam.example.com" }), "has no host"},
		{"userinfo", with(func(c *Config) { c.IAMEndpoint = "https://admin:" + passwordSentinel + "@iam.example.com" }), "carries user information"},
		{"bad userinfo", with(func(c *Config) { c.IAMEndpoint = "https://admin:" + passwordSentinel + "%zz@iam.example.com" }), "does not parse as a URL"},
		{"query", with(func(c *Config) { c.WorkspaceEndpoint = wsBase + "?x=1" }), "has a query or a fragment"},
		{"fragment", with(func(c *Config) { c.WorkspaceEndpoint = wsBase + "#f" }), "has a query or a fragment"},
		{"workspace without project", with(func(c *Config) { c.ProjectID = "" }), "Config.ProjectID is required with Config.WorkspaceEndpoint"},
		{"bad project id", with(func(c *Config) { c.ProjectID = "a\nb" }), "Config.ProjectID"},
		{"dot project id", with(func(c *Config) { c.ProjectID = ".." }), "Config.ProjectID"},
		{"bad domain id", with(func(c *Config) { c.DomainID = "d\r\n" }), "Config.DomainID"},
		{"no credentials", with(func(c *Config) { c.Token = mfa.Secret{} }), "no credentials"},
		{"token and password", with(func(c *Config) { c.Username, c.Password, c.DomainName = "u", pw, "d" }), "more than one kind of credentials (Token, Username/Password)"},
		{"token and keys", with(func(c *Config) { c.AccessKey, c.SecretKey = accessKey, sk }), "more than one kind of credentials (Token, AccessKey/SecretKey)"},
		{"token with newline", with(func(c *Config) { c.Token = mfa.NewSecret(tokenSentinel + "\r\nX-Evil: 1") }), "Config.Token holds a control character"},
		{"password without user", with(func(c *Config) { c.Token, c.Password, c.DomainName = mfa.Secret{}, pw, "d" }), "Config.Username is required"},
		{"user without password", with(func(c *Config) { c.Token, c.Username, c.DomainName = mfa.Secret{}, "u", "d" }), "Config.Password is required"},
		{"password without domain", with(func(c *Config) { c.Token, c.Username, c.Password = mfa.Secret{}, "u", pw }), "set Config.DomainName"},
		{"password without IAM", with(func(c *Config) {
			c.Token, c.Username, c.Password, c.DomainName, c.IAMEndpoint = mfa.Secret{}, "u", pw, "d", ""
		}), "password login needs Config.IAMEndpoint"},
		{"secret key without access key", with(func(c *Config) { c.Token, c.SecretKey = mfa.Secret{}, sk }), "Config.AccessKey is required"},
		{"access key without secret key", with(func(c *Config) { c.Token, c.AccessKey = mfa.Secret{}, accessKey }), "Config.SecretKey is required"},
		{"security token alone", with(func(c *Config) { c.Token, c.SecurityToken = mfa.Secret{}, st }), "Config.AccessKey is required"},
		{"access key with comma", with(func(c *Config) { c.Token, c.AccessKey, c.SecretKey = mfa.Secret{}, "AK,x", sk }), "Config.AccessKey holds"},
		{"security token with newline", with(func(c *Config) {
			c.Token, c.AccessKey, c.SecretKey, c.SecurityToken = mfa.Secret{}, accessKey, sk, mfa.NewSecret(securityTokenSentinel+"\n")
		}), "Config.SecurityToken holds a control character"},
		{"negative body limit", with(func(c *Config) { c.MaxResponseBytes = -1 }), "Config.MaxResponseBytes"},
		{"negative rate", with(func(c *Config) { c.Pacing.Rate = -1 }), "huaweiiam: Config.Pacing: rate -1 is not a rate"},
		{"NaN rate", with(func(c *Config) { c.Pacing.Rate = math.NaN() }), "Config.Pacing: rate NaN is not a rate"},
		{"absurd burst", with(func(c *Config) { c.Pacing = mfa.Pacing{Rate: 5, Burst: mfa.MaxBurst + 1} }), "Config.Pacing: burst"},
		{"burst without rate", with(func(c *Config) { c.Pacing.Burst = 3 }), "Config.Pacing: a burst is set without a rate"},
		{"negative listing limit", with(func(c *Config) { c.MaxListing = -1 }), "Config.MaxListing -1 is negative"},
		{"negative page size", with(func(c *Config) { c.WorkspacePageSize = -1 }), "Config.WorkspacePageSize -1 is out of range"},
		{"huge page size", with(func(c *Config) { c.WorkspacePageSize = MaxWorkspacePageSize + 1 }), "Config.WorkspacePageSize 1001 is out of range"},
		{"same names", with(func(c *Config) { c.IAMName, c.WorkspaceName = "hw", "hw" }), `both "hw"`},
		{"default name twice", with(func(c *Config) { c.WorkspaceName = DefaultIAMName }), `both "huawei-iam"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewClient(tt.cfg)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), tt.want)
			assertNoSecrets(t, "error", err.Error())
		})
	}
}

func TestNewClientAcceptsEachCredentialKind(t *testing.T) {
	for name, cfg := range map[string]Config{
		"token":        {IAMEndpoint: iamBase, Token: tok},
		"password":     {IAMEndpoint: iamBase, DomainName: "acme", Username: "auditor", Password: pw},
		"password id":  {IAMEndpoint: iamBase, DomainID: domainID, Username: "auditor", Password: pw},
		"keys":         {WorkspaceEndpoint: wsBase, ProjectID: projectID, AccessKey: accessKey, SecretKey: sk},
		"temporary":    {IAMEndpoint: iamBase, AccessKey: accessKey, SecretKey: sk, SecurityToken: st},
		"path prefix":  {IAMEndpoint: "http://127.0.0.1:8080/iam/", Token: tok},
		"names shared": {IAMEndpoint: iamBase, IAMName: "hw", WorkspaceName: "hw", Token: tok}, // one provider only
	} {
		t.Run(name, func(t *testing.T) {
			_, err := NewClient(cfg)
			require.NoError(t, err)
		})
	}
}

func TestProviderNames(t *testing.T) {
	c, err := NewClient(Config{IAMEndpoint: iamBase, WorkspaceEndpoint: wsBase, ProjectID: projectID, Token: tok})
	require.NoError(t, err)
	assert.Equal(t, "huawei-iam", c.VirtualMFA().Name())
	assert.Equal(t, "huawei-workspace", c.WorkspaceOTP().Name())
	assert.Same(t, c.VirtualMFA(), c.VirtualMFA())

	c, err = NewClient(Config{IAMEndpoint: iamBase, WorkspaceEndpoint: wsBase, ProjectID: projectID, Token: tok,
		IAMName: "hw-iam", WorkspaceName: "hw-ws"})
	require.NoError(t, err)
	assert.Equal(t, "hw-iam", c.VirtualMFA().Name())
	assert.Equal(t, "hw-ws", c.WorkspaceOTP().Name())

	// Both providers can sit in one Directory.
	_, err = mfa.NewDirectory(c.VirtualMFA(), c.WorkspaceOTP())
	require.NoError(t, err)
}

func TestEndpointHelpers(t *testing.T) {
	assert.Equal(t, "https://iam.myhuaweicloud.com", IAMEndpoint(""))
	assert.Equal(t, "https://iam.myhuaweicloud.com", IAMEndpoint("global"))
	assert.Equal(t, "https://iam.cn-north-4.myhuaweicloud.com", IAMEndpoint("cn-north-4"))
	assert.Equal(t, "https://iam.ap-southeast-1.myhuaweicloud.com", IAMEndpoint(" ap-southeast-1 "))
	assert.Equal(t, "https://workspace.ap-southeast-1.myhuaweicloud.com", WorkspaceEndpoint("ap-southeast-1"))
	assert.Equal(t, "https://workspace.la-south-2.myhuaweicloud.com", WorkspaceEndpoint("la-south-2"))
	assert.Equal(t, "", WorkspaceEndpoint(""))

	// What they build is accepted by NewClient.
	_, err := NewClient(Config{IAMEndpoint: IAMEndpoint("sa-brazil-1"), WorkspaceEndpoint: WorkspaceEndpoint("sa-brazil-1"),
		ProjectID: projectID, Token: tok})
	require.NoError(t, err)
}

func fullConfig() Config {
	return Config{
		IAMEndpoint:       iamBase,
		WorkspaceEndpoint: wsBase,
		ProjectID:         projectID,
		DomainID:          domainID,
		Token:             tok,
		DomainName:        "acme",
		Username:          "auditor",
		Password:          pw,
		AccessKey:         accessKey,
		SecretKey:         sk,
		SecurityToken:     st,
		HTTPClient:        &http.Client{},
		Retry:             fastRetry,
		MaxResponseBytes:  1 << 20,
	}
}

// No credential prints, whatever the verb, flag or width, in the Config
// (by value, by pointer, nested), the Client of each kind of credentials
// (once it has logged in) and its providers, in JSON or in a log record.
func TestNothingPrintsSecrets(t *testing.T) {
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "% x", "%d", "%t", "%p", "%T", "%10s", "%-12v",
		"%e", "%f", "%g", "%b", "%c", "%o", "%O", "%U", "%#x", "%#q", "%+q", "%08d", "%.3s", "%!", "%w"}
	assertClean := func(t *testing.T, what, out string) {
		t.Helper()
		assertNoSecrets(t, what, out)
		for _, secret := range sentinels {
			for _, hexed := range []string{hex.EncodeToString([]byte(secret)), fmt.Sprintf("% x", secret)} {
				if strings.Contains(strings.ToLower(out), hexed) {
					t.Errorf("%s holds the secret %q in hex:\n%s", what, secret, out)
				}
			}
		}
	}

	cfg := fullConfig()
	mt := newMock(t)
	mt.RegisterResponder(http.MethodPost, iamBase+"/v3/auth/tokens",
		httpmock.NewBytesResponder(http.StatusCreated, farFutureToken(t)).HeaderSet(http.Header{"X-Subject-Token": {subjectTokenSentinel}}))
	mt.RegisterResponder(http.MethodGet, vmfaURL(iamUserID), jsonResponder(t, 200, "iam_virtual_mfa_device.json"))
	values := map[string]any{"config": cfg, "config pointer": &cfg, "nested config": struct{ C Config }{cfg}}
	for _, kind := range []string{"token", "password", "keys"} {
		kc := fullConfig()
		kc.HTTPClient = &http.Client{Transport: mt}
		switch kind {
		case "token":
			kc.Username, kc.Password, kc.AccessKey, kc.SecretKey, kc.SecurityToken = "", mfa.Secret{}, "", mfa.Secret{}, mfa.Secret{}
		case "password":
			kc.Token, kc.AccessKey, kc.SecretKey, kc.SecurityToken = mfa.Secret{}, "", mfa.Secret{}, mfa.Secret{}
		case "keys":
			kc.Token, kc.Username, kc.Password = mfa.Secret{}, "", mfa.Secret{}
		}
		c, err := NewClient(kc)
		require.NoError(t, err)
		_, err = c.VirtualMFA().UserDevice(context.Background(), iamUserID) // logs in where it must
		require.NoError(t, err)
		values[kind+" client"], values[kind+" client value"] = c, *c
		values[kind+" iam"], values[kind+" iam value"] = c.VirtualMFA(), *c.VirtualMFA()
		values[kind+" workspace"], values[kind+" workspace value"] = c.WorkspaceOTP(), *c.WorkspaceOTP()
	}
	for name, v := range values {
		for _, verb := range verbs {
			assertClean(t, name+" "+verb, fmt.Sprintf(verb, v))
		}
		b, err := json.Marshal(v)
		require.NoError(t, err, name)
		assertClean(t, name+" JSON", string(b))
		var logs bytes.Buffer
		slog.New(slog.NewTextHandler(&logs, nil)).Info("x", "v", v)
		slog.New(slog.NewJSONHandler(&logs, nil)).Info("x", "v", v)
		assertClean(t, name+" log", logs.String())
	}

	// What is no secret still shows, and a set secret is visibly there.
	out := fmt.Sprintf("%+v", cfg)
	assert.Contains(t, out, "Username:auditor")
	assert.Contains(t, out, "AccessKey:"+accessKey)
	assert.Contains(t, out, "Token:[REDACTED]")
	assert.Contains(t, fmt.Sprintf("%+v", Config{}), "Token: ", "an unset secret prints empty")
	b, err := json.Marshal(cfg)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"Username":"auditor"`)
	assert.Contains(t, string(b), `"Password":"[REDACTED]"`)
}

func TestDeprecatedUserName(t *testing.T) {
	base := Config{IAMEndpoint: iamBase, DomainName: "acme", Password: pw}
	for name, names := range map[string][2]string{"UserName alone": {"", "auditor"}, "both the same": {"auditor", "auditor"}} {
		t.Run(name, func(t *testing.T) {
			mt := newMock(t)
			ls := &loginServer{t: t, body: farFutureToken(t)}
			mt.RegisterResponder(http.MethodPost, iamBase+"/v3/auth/tokens", ls.respond)
			mt.RegisterResponder(http.MethodGet, vmfaURL("u1"), jsonResponder(t, 200, "iam_virtual_mfa_device.json"))
			cfg := base
			cfg.Username, cfg.UserName, cfg.HTTPClient = names[0], names[1], &http.Client{Transport: mt}
			c, err := NewClient(cfg)
			require.NoError(t, err)
			_, err = c.VirtualMFA().UserDevice(context.Background(), "u1")
			require.NoError(t, err)
			require.Len(t, ls.bodies, 1)
			user := ls.bodies[0]["auth"].(map[string]any)["identity"].(map[string]any)["password"].(map[string]any)["user"].(map[string]any)
			assert.Equal(t, "auditor", user["name"])
		})
	}
	cfg := base
	cfg.Username, cfg.UserName = "auditor", "someone-else"
	_, err := NewClient(cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Config.Username")
	assert.Contains(t, err.Error(), "Config.UserName")
}

// Close drops the idle connections of both APIs; the Client stays usable.
func TestClose(t *testing.T) {
	var opened atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := "ws_otp_devices.json"
		if strings.HasPrefix(r.URL.Path, "/v3.0/") {
			name = "iam_virtual_mfa_device.json"
		}
		_, _ = w.Write(fixture(t, name))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c, err := NewClient(Config{IAMEndpoint: srv.URL, WorkspaceEndpoint: srv.URL, ProjectID: projectID, Token: tok})
	require.NoError(t, err)
	calls := func() {
		t.Helper()
		for range 2 {
			_, err := c.VirtualMFA().UserDevice(context.Background(), "u1")
			require.NoError(t, err)
			_, err = c.WorkspaceOTP().OTPDevices(context.Background(), "u1")
			require.NoError(t, err)
		}
	}
	calls()
	assert.Equal(t, int32(2), opened.Load(), "one kept-alive connection per API")
	require.NoError(t, c.Close())
	calls()
	assert.Equal(t, int32(4), opened.Load(), "after Close, each API opens a new connection")
	require.NoError(t, c.Close())
	require.NoError(t, c.Close(), "Close may be called again")

	iamOnly, err := NewClient(Config{IAMEndpoint: srv.URL, Token: tok})
	require.NoError(t, err)
	require.NoError(t, iamOnly.Close())
}

func TestUnconfiguredEndpointIsUnsupported(t *testing.T) {
	ctx := context.Background()
	mt := newMock(t) // any request fails the test

	iamOnly, err := NewClient(Config{IAMEndpoint: iamBase, Token: tok, HTTPClient: &http.Client{Transport: mt}})
	require.NoError(t, err)
	ws := iamOnly.WorkspaceOTP()
	assert.Equal(t, DefaultWorkspaceName, ws.Name())
	_, err = ws.OTPDevices(ctx, wsUserID)
	assertUnsupported(t, err, "huawei-workspace", "Config.WorkspaceEndpoint")
	_, err = ws.UserDevices(ctx, wsUserID)
	assertUnsupported(t, err, "huawei-workspace", "Config.WorkspaceEndpoint")

	wsOnly, err := NewClient(Config{WorkspaceEndpoint: wsBase, ProjectID: projectID, Token: tok, HTTPClient: &http.Client{Transport: mt}})
	require.NoError(t, err)
	iam := wsOnly.VirtualMFA()
	_, err = iam.UserDevice(ctx, iamUserID)
	assertUnsupported(t, err, "huawei-iam", "Config.IAMEndpoint")
	_, err = iam.UserDevices(ctx, iamUserID)
	assertUnsupported(t, err, "huawei-iam", "Config.IAMEndpoint")
	_, err = iam.List(ctx)
	assertUnsupported(t, err, "huawei-iam", "Config.IAMEndpoint")
	_, err = iam.LoginProtect(ctx, iamUserID)
	assertUnsupported(t, err, "huawei-iam", "Config.IAMEndpoint")
	_, err = iam.LoginProtects(ctx)
	assertUnsupported(t, err, "huawei-iam", "Config.IAMEndpoint")
	n := 0
	for d, err := range iam.AllDevices(ctx) {
		n++
		assert.Nil(t, d)
		assertUnsupported(t, err, "huawei-iam", "Config.IAMEndpoint")
	}
	assert.Equal(t, 1, n, "the error is yielded once")
	assert.Zero(t, mt.GetTotalCallCount())
}

func assertUnsupported(t *testing.T, err error, provider, field string) {
	t.Helper()
	require.Error(t, err)
	assert.True(t, errors.Is(err, mfa.ErrUnsupported), "%v", err)
	assert.Contains(t, err.Error(), provider)
	assert.Contains(t, err.Error(), field)
}
