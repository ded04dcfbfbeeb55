package huaweiiam

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/mfa"
)

func TestNewClientRejectsConfigsThatCannotWork(t *testing.T) {
	ok := Config{IAMEndpoint: iamBase, WorkspaceEndpoint: wsBase, ProjectID: projectID, Token: tokenSentinel}
	with := func(f func(*Config)) Config { c := ok; f(&c); return c }
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no endpoint", Config{Token: tokenSentinel}, "no endpoint"},
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
		{"no credentials", with(func(c *Config) { c.Token = "" }), "no credentials"},
		{"token and password", with(func(c *Config) { c.UserName, c.Password, c.DomainName = "u", passwordSentinel, "d" }), "more than one kind of credentials (Token, UserName/Password)"},
		{"token and keys", with(func(c *Config) { c.AccessKey, c.SecretKey = accessKey, secretKeySentinel }), "more than one kind of credentials (Token, AccessKey/SecretKey)"},
		{"token with newline", with(func(c *Config) { c.Token = tokenSentinel + "\r\nX-Evil: 1" }), "Config.Token holds a control character"},
		{"password without user", with(func(c *Config) { c.Token, c.Password, c.DomainName = "", passwordSentinel, "d" }), "Config.UserName is required"},
		{"user without password", with(func(c *Config) { c.Token, c.UserName, c.DomainName = "", "u", "d" }), "Config.Password is required"},
		{"password without domain", with(func(c *Config) { c.Token, c.UserName, c.Password = "", "u", passwordSentinel }), "set Config.DomainName"},
		{"password without IAM", with(func(c *Config) {
			c.Token, c.UserName, c.Password, c.DomainName, c.IAMEndpoint = "", "u", passwordSentinel, "d", ""
		}), "password login needs Config.IAMEndpoint"},
		{"secret key without access key", with(func(c *Config) { c.Token, c.SecretKey = "", secretKeySentinel }), "Config.AccessKey is required"},
		{"access key without secret key", with(func(c *Config) { c.Token, c.AccessKey = "", accessKey }), "Config.SecretKey is required"},
		{"security token alone", with(func(c *Config) { c.Token, c.SecurityToken = "", securityTokenSentinel }), "Config.AccessKey is required"},
		{"access key with comma", with(func(c *Config) { c.Token, c.AccessKey, c.SecretKey = "", "AK,x", secretKeySentinel }), "Config.AccessKey holds"},
		{"security token with newline", with(func(c *Config) {
			c.Token, c.AccessKey, c.SecretKey, c.SecurityToken = "", accessKey, secretKeySentinel, securityTokenSentinel+"\n"
		}), "Config.SecurityToken holds a control character"},
		{"negative body limit", with(func(c *Config) { c.MaxResponseBytes = -1 }), "Config.MaxResponseBytes"},
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
		"token":        {IAMEndpoint: iamBase, Token: tokenSentinel},
		"password":     {IAMEndpoint: iamBase, DomainName: "acme", UserName: "auditor", Password: passwordSentinel},
		"password id":  {IAMEndpoint: iamBase, DomainID: domainID, UserName: "auditor", Password: passwordSentinel},
		"keys":         {WorkspaceEndpoint: wsBase, ProjectID: projectID, AccessKey: accessKey, SecretKey: secretKeySentinel},
		"temporary":    {IAMEndpoint: iamBase, AccessKey: accessKey, SecretKey: secretKeySentinel, SecurityToken: securityTokenSentinel},
		"path prefix":  {IAMEndpoint: "http://127.0.0.1:8080/iam/", Token: tokenSentinel},
		"names shared": {IAMEndpoint: iamBase, IAMName: "hw", WorkspaceName: "hw", Token: tokenSentinel}, // one provider only
	} {
		t.Run(name, func(t *testing.T) {
			_, err := NewClient(cfg)
			require.NoError(t, err)
		})
	}
}

func TestProviderNames(t *testing.T) {
	c, err := NewClient(Config{IAMEndpoint: iamBase, WorkspaceEndpoint: wsBase, ProjectID: projectID, Token: tokenSentinel})
	require.NoError(t, err)
	assert.Equal(t, "huawei-iam", c.VirtualMFA().Name())
	assert.Equal(t, "huawei-workspace", c.WorkspaceOTP().Name())
	assert.Same(t, c.VirtualMFA(), c.VirtualMFA())

	c, err = NewClient(Config{IAMEndpoint: iamBase, WorkspaceEndpoint: wsBase, ProjectID: projectID, Token: tokenSentinel,
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
		ProjectID: projectID, Token: tokenSentinel})
	require.NoError(t, err)
}

func fullConfig() Config {
	return Config{
		IAMEndpoint:       iamBase,
		WorkspaceEndpoint: wsBase,
		ProjectID:         projectID,
		DomainID:          domainID,
		Token:             tokenSentinel,
		DomainName:        "acme",
		UserName:          "auditor",
		Password:          passwordSentinel,
		AccessKey:         accessKey,
		SecretKey:         secretKeySentinel,
		SecurityToken:     securityTokenSentinel,
		HTTPClient:        &http.Client{},
		Retry:             fastRetry,
		MaxResponseBytes:  1 << 20,
	}
}

func TestConfigPrintsNoSecrets(t *testing.T) {
	cfg := fullConfig()
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%T %v"} {
		for _, v := range []any{cfg, &cfg} {
			out := fmt.Sprintf(verb, v)
			assertNoSecrets(t, verb, out)
			if verb != "%x" && verb != "%T %v" {
				assert.Contains(t, out, "[REDACTED]", verb)
			}
		}
	}
	s := cfg.String()
	assert.Contains(t, s, "UserName: auditor")
	assert.Contains(t, s, "AccessKey: "+accessKey)
	assert.Contains(t, s, "Token: [REDACTED]")
	assert.Contains(t, s, "HTTPClient: (set)")
	assert.Contains(t, s, "Logger: nil")
	g := cfg.GoString()
	assert.Contains(t, g, `Password:"[REDACTED]"`)
	assert.Contains(t, g, `IAMEndpoint:"https://iam.example.com"`)

	// Unset secrets print empty, not [REDACTED].
	assert.Contains(t, Config{}.String(), "Token: , ")

	// Nested in another value, Format still guards it.
	assertNoSecrets(t, "nested", fmt.Sprintf("%+v", struct{ C Config }{cfg}))

	b, err := json.Marshal(Config{Token: tokenSentinel, Password: passwordSentinel, SecretKey: secretKeySentinel,
		SecurityToken: securityTokenSentinel, UserName: "auditor"})
	require.NoError(t, err)
	assertNoSecrets(t, "JSON", string(b))
	assert.Contains(t, string(b), `"UserName":"auditor"`)
}

func TestClientPrintsNoSecrets(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodPost, iamBase+"/v3/auth/tokens",
		httpmock.NewBytesResponder(http.StatusCreated, farFutureToken(t)).HeaderSet(http.Header{"X-Subject-Token": {subjectTokenSentinel}}))
	mt.RegisterResponder(http.MethodGet, vmfaURL(iamUserID), jsonResponder(t, 200, "iam_virtual_mfa_device.json"))
	for _, kind := range []string{"token", "password", "keys"} {
		t.Run(kind, func(t *testing.T) {
			cfg := fullConfig()
			cfg.HTTPClient = &http.Client{Transport: mt}
			switch kind {
			case "token":
				cfg.UserName, cfg.Password, cfg.AccessKey, cfg.SecretKey, cfg.SecurityToken = "", "", "", "", ""
			case "password":
				cfg.Token, cfg.AccessKey, cfg.SecretKey, cfg.SecurityToken = "", "", "", ""
			case "keys":
				cfg.Token, cfg.UserName, cfg.Password = "", "", ""
			}
			c, err := NewClient(cfg)
			require.NoError(t, err)
			d, err := c.VirtualMFA().UserDevice(context.Background(), iamUserID) // logs in where it must
			require.NoError(t, err)
			out := fmt.Sprintf("%v %+v %#v %v", c, *c, c, *c)
			out += fmt.Sprintf("%v %+v %#v", c.VirtualMFA(), *c.VirtualMFA(), c.WorkspaceOTP())
			out += fmt.Sprintf("%v %+v %#v %s", d, d, *d, d)
			if c.signer != nil {
				out += fmt.Sprintf("%v %+v %#v %s %q", c.signer, c.signer, c.signer, c.signer, c.signer)
			}
			assertNoSecrets(t, "printed client", out)
		})
	}
}

func TestUnconfiguredEndpointIsUnsupported(t *testing.T) {
	ctx := context.Background()
	mt := newMock(t) // any request fails the test

	iamOnly, err := NewClient(Config{IAMEndpoint: iamBase, Token: tokenSentinel, HTTPClient: &http.Client{Transport: mt}})
	require.NoError(t, err)
	ws := iamOnly.WorkspaceOTP()
	assert.Equal(t, DefaultWorkspaceName, ws.Name())
	_, err = ws.OTPDevices(ctx, wsUserID)
	assertUnsupported(t, err, "huawei-workspace", "Config.WorkspaceEndpoint")
	_, err = ws.UserDevices(ctx, wsUserID)
	assertUnsupported(t, err, "huawei-workspace", "Config.WorkspaceEndpoint")

	wsOnly, err := NewClient(Config{WorkspaceEndpoint: wsBase, ProjectID: projectID, Token: tokenSentinel, HTTPClient: &http.Client{Transport: mt}})
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
