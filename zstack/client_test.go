package zstack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/internal/testlog"
	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/zstack"
)

func TestNewClientRefusesConfigsThatCannotWork(t *testing.T) {
	ok := zstack.Config{Endpoint: base, SessionID: sessionSentinel}
	tests := []struct {
		name   string
		mutate func(*zstack.Config)
		want   string
	}{
		{"no endpoint", func(c *zstack.Config) { c.Endpoint = "" }, "Config.Endpoint is empty"},
		{"blank endpoint", func(c *zstack.Config) { c.Endpoint = "  " }, "Config.Endpoint is empty"},
		{"unparsable endpoint", func(c *zstack.Config) { c.Endpoint = "http://zs.test:80:80\x7f" }, "does not parse"},
		{"no scheme", func(c *zstack.Config) { c.Endpoint = "zs.test:8080" }, "no http or https scheme"},
		{"ftp scheme", func(c *zstack.Config) { c.Endpoint = "ftp://zs.test" }, "no http or https scheme"},
		{"no host", func(c *zstack.Config) { c.Endpoint = "http:///zstack" }, "has no host"},
		{"userinfo", func(c *zstack.Config) { c.Endpoint = "http://admin:" + passwordSentinel + "@zs.test:8080" }, "carries user information"},
		{"bad userinfo", func(c *zstack.Config) { c.Endpoint = "http://admin:" + passwordSentinel + "%zz@zs.test" }, "Config.Endpoint"},
		{"query", func(c *zstack.Config) { c.Endpoint = base + "?x=1" }, "query or a fragment"},
		{"no credentials", func(c *zstack.Config) { c.SessionID = "" }, "no credentials"},
		{"both credentials", func(c *zstack.Config) { c.AccountName, c.Password = "admin", passwordSentinel }, "both SessionID and AccountName/Password"},
		{"account without password", func(c *zstack.Config) { c.SessionID, c.AccountName = "", "admin" }, "Config.Password is empty"},
		{"password without account", func(c *zstack.Config) { c.SessionID, c.Password = "", passwordSentinel }, "Config.AccountName is empty"},
		{"session with newline", func(c *zstack.Config) { c.SessionID = sessionSentinel + "\n" }, "Config.SessionID holds"},
		{"account with control", func(c *zstack.Config) { c.SessionID, c.AccountName, c.Password = "", "ad\x00min", passwordSentinel }, "Config.AccountName holds"},
		{"negative page size", func(c *zstack.Config) { c.PageSize = -1 }, "Config.PageSize -1 is out of range"},
		{"huge page size", func(c *zstack.Config) { c.PageSize = zstack.MaxPageSize + 1 }, "Config.PageSize"},
		{"negative max response", func(c *zstack.Config) { c.MaxResponseBytes = -1 }, "Config.MaxResponseBytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ok
			tt.mutate(&cfg)
			c, err := zstack.NewClient(cfg)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), tt.want)
			assertNoSecret(t, "NewClient error", err.Error())
		})
	}
}

func TestEndpointForms(t *testing.T) {
	tests := []struct {
		endpoint string
		want     string // the URL the query goes to
	}{
		{"http://zs.test:8080", secretsURL},
		{"http://zs.test:8080/", secretsURL},
		{"http://zs.test:8080/zstack", secretsURL},
		{"http://zs.test:8080/zstack/", secretsURL},
		{"http://zs.test:8080/zstack/v1", secretsURL},
		{"http://zs.test:8080/zstack/v1/", secretsURL},
		{"https://proxy.test/cloud", "https://proxy.test/cloud/zstack/v1/twofactorauthentication/secrets"},
		{"https://proxy.test/cloud/zstack/v1/", "https://proxy.test/cloud/zstack/v1/twofactorauthentication/secrets"},
	}
	for _, tt := range tests {
		t.Run(tt.endpoint, func(t *testing.T) {
			mt := newMock(t)
			mt.RegisterResponder(http.MethodGet, tt.want, respond(200, fixture(t, "secrets_empty.json")))
			c := newSessionClient(t, mt, func(c *zstack.Config) { c.Endpoint = tt.endpoint })
			devs, err := c.UserDevices(context.Background(), "u1")
			require.NoError(t, err)
			assert.Empty(t, devs)
			assert.Equal(t, 1, mt.GetTotalCallCount())
		})
	}
}

func TestNameDefaultsAndIsSettable(t *testing.T) {
	c, err := zstack.NewClient(zstack.Config{Endpoint: base, SessionID: sessionSentinel})
	require.NoError(t, err)
	assert.Equal(t, "zstack", c.Name())
	assert.Equal(t, zstack.DefaultName, c.Name())

	c, err = zstack.NewClient(zstack.Config{Endpoint: base, SessionID: sessionSentinel, Name: "zs-prod"})
	require.NoError(t, err)
	assert.Equal(t, "zs-prod", c.Name())

	var p mfa.Provider = c
	_, isGetter := p.(mfa.DeviceGetter)
	_, isLister := p.(mfa.DeviceLister)
	assert.True(t, isGetter)
	assert.True(t, isLister)
}

func TestConfigPrintsNoSecret(t *testing.T) {
	for _, cfg := range []zstack.Config{
		{Endpoint: base, SessionID: sessionSentinel},
		{Endpoint: base, AccountName: "admin", Password: passwordSentinel},
	} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
			out := fmt.Sprintf(verb, cfg) + fmt.Sprintf(verb, &cfg)
			assertNoSecret(t, "Config "+verb, out)
			assert.Contains(t, out, "[REDACTED]", verb)
		}
		b, err := json.Marshal(cfg)
		require.NoError(t, err)
		assertNoSecret(t, "Config JSON", string(b))
		assert.Contains(t, string(b), `"AccountName"`)

		logger, logs := testlog.New()
		logger.Info("config", "cfg", cfg)
		assertNoSecret(t, "Config log", logs.String())
		assert.Contains(t, logs.String(), "[REDACTED]")
	}
	assert.Contains(t, zstack.Config{AccountName: "admin", Password: "x"}.String(), `AccountName:"admin"`)
	assert.Contains(t, zstack.Config{SessionID: ""}.String(), `SessionID:""`, "an absent secret is shown empty")
}

func TestClientPrintsNoSecret(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodPut, loginURL, respond(200, fixture(t, "login.json")))
	mt.RegisterResponder(http.MethodGet, secretsURL, respond(200, fixture(t, "secrets_empty.json")))
	for _, c := range []*zstack.Client{newSessionClient(t, mt), newLoginClient(t, mt)} {
		_, err := c.UserDevices(context.Background(), "u1") // logged in now
		require.NoError(t, err)
		out := fmt.Sprintf("%v %+v %#v %+v", c, *c, c, *c)
		assertNoSecret(t, "Client", out)
	}
}
