package rackspace_test

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
	"github.com/openmfa/mfa-go/rackspace"
)

func TestNewClientRefusesConfigsThatCannotWork(t *testing.T) {
	tests := []struct {
		name  string
		cfg   rackspace.Config
		field string // what the error must name
	}{
		{"no endpoint", rackspace.Config{Token: tokenSentinel}, "Config.Endpoint is empty"},
		{"blank endpoint", rackspace.Config{Endpoint: "  ", Token: tokenSentinel}, "Config.Endpoint is empty"},
		{"unparsable endpoint", rackspace.Config{Endpoint: "https://host:port:bad/", Token: tokenSentinel}, "does not parse"},
		{"no scheme", rackspace.Config{Endpoint: "identity.example.com", Token: tokenSentinel}, "no http or https scheme"},
		{"ftp scheme", rackspace.Config{Endpoint: "ftp://identity.example.com", Token: tokenSentinel}, "no http or https scheme"},
		{"no host", rackspace.Config{Endpoint: "https:///v2.0", Token: tokenSentinel}, "has no host"},
		{"userinfo", rackspace.Config{Endpoint: "https://jqsmith:" + passwordSentinel + "@identity.example.com", Token: tokenSentinel}, "user information"},
		{"query", rackspace.Config{Endpoint: "https://identity.example.com/?x=1", Token: tokenSentinel}, "query or a fragment"},
		{"no credentials", rackspace.Config{Endpoint: endpoint}, "no credentials"},
		{"token and username", rackspace.Config{Endpoint: endpoint, Token: tokenSentinel, Username: "jqsmith", APIKey: apiKeySentinel}, "Config.Token cannot be combined"},
		{"username alone", rackspace.Config{Endpoint: endpoint, Username: "jqsmith"}, "Config.Username needs Config.APIKey or Config.Password"},
		{"api key alone", rackspace.Config{Endpoint: endpoint, APIKey: apiKeySentinel}, "need Config.Username"},
		{"password alone", rackspace.Config{Endpoint: endpoint, Password: passwordSentinel}, "need Config.Username"},
		{"api key and password", rackspace.Config{Endpoint: endpoint, Username: "jqsmith", APIKey: apiKeySentinel, Password: passwordSentinel}, "not both"},
		{"control character in token", rackspace.Config{Endpoint: endpoint, Token: tokenSentinel + "\r\nX-Evil: 1"}, "Config.Token holds a control character"},
		{"unknown format", rackspace.Config{Endpoint: endpoint, Token: tokenSentinel, Format: rackspace.Format(7)}, "Config.Format"},
		{"negative body limit", rackspace.Config{Endpoint: endpoint, Token: tokenSentinel, MaxResponseBytes: -1}, "Config.MaxResponseBytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := rackspace.NewClient(tt.cfg)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), tt.field)
			assertNoSecret(t, "error", err.Error())
		})
	}
}

func TestNewClientDefaults(t *testing.T) {
	c, err := rackspace.NewClient(rackspace.Config{Endpoint: endpoint, Token: tokenSentinel})
	require.NoError(t, err)
	assert.Equal(t, "rackspace", c.Name())
	assert.Equal(t, rackspace.JSON, c.WireFormat())

	c, err = rackspace.NewClient(rackspace.Config{Endpoint: endpoint, Username: "jqsmith", Password: passwordSentinel, Name: "rax-lon", Format: rackspace.XML})
	require.NoError(t, err)
	assert.Equal(t, "rax-lon", c.Name())
	assert.Equal(t, rackspace.XML, c.WireFormat())
}

func TestEndpointWithVersionOrPath(t *testing.T) {
	for _, ep := range []string{endpoint + "/v2.0", endpoint + "/v2.0/", endpoint + "/"} {
		t.Run(ep, func(t *testing.T) {
			mt := newMock(t)
			mt.RegisterResponder(http.MethodGet, listURL, serve(http.StatusOK, fixture(t, "devices_empty.json")))
			c := newClient(t, mt, func(cfg *rackspace.Config) { cfg.Endpoint = ep })
			devices, err := c.OTPDevices(context.Background(), userID)
			require.NoError(t, err)
			assert.Empty(t, devices)
			assert.Equal(t, 1, calls(mt, http.MethodGet, listURL), "the version is not doubled")
		})
	}

	mt := newMock(t)
	prefixed := "https://proxy.example.com/identity/v2.0/users/" + userID + "/RAX-AUTH/multi-factor/otp-devices"
	mt.RegisterResponder(http.MethodGet, prefixed, serve(http.StatusOK, fixture(t, "devices_empty.json")))
	c := newClient(t, mt, func(cfg *rackspace.Config) { cfg.Endpoint = "https://proxy.example.com/identity" })
	_, err := c.OTPDevices(context.Background(), userID)
	require.NoError(t, err)
	assert.Equal(t, 1, calls(mt, http.MethodGet, prefixed), "a path in the endpoint prefixes every call")
}

func TestFormat(t *testing.T) {
	assert.Equal(t, "json", rackspace.JSON.String())
	assert.Equal(t, "xml", rackspace.XML.String())
	assert.Equal(t, "Format(9)", rackspace.Format(9).String())
	assert.Equal(t, "rackspace.XML", fmt.Sprintf("%#v", rackspace.XML))

	for in, want := range map[string]rackspace.Format{"": rackspace.JSON, "json": rackspace.JSON, " XML ": rackspace.XML, "Json": rackspace.JSON} {
		got, err := rackspace.ParseFormat(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := rackspace.ParseFormat("yaml")
	assert.ErrorContains(t, err, `unknown format "yaml"`)

	var cfg struct {
		Format rackspace.Format `json:"format"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"format":"xml"}`), &cfg))
	assert.Equal(t, rackspace.XML, cfg.Format)
	assert.Error(t, json.Unmarshal([]byte(`{"format":"csv"}`), &cfg))
	out, err := json.Marshal(cfg)
	require.NoError(t, err)
	assert.JSONEq(t, `{"format":"xml"}`, string(out))
	_, err = json.Marshal(struct{ F rackspace.Format }{rackspace.Format(5)})
	assert.Error(t, err)
}

func TestConfigPrintsNoSecret(t *testing.T) {
	logger, _ := testlog.New()
	configs := []rackspace.Config{
		{Endpoint: endpoint, Token: tokenSentinel, Logger: logger, HTTPClient: &http.Client{}},
		{Endpoint: endpoint, Username: "jqsmith", APIKey: apiKeySentinel},
		{Endpoint: endpoint, Username: "jqsmith", Password: passwordSentinel, Format: rackspace.XML},
		{Endpoint: "https://jqsmith:" + passwordSentinel + "@identity.example.com/v2.0", Token: tokenSentinel},
		{Endpoint: "jqsmith:" + passwordSentinel + "@identity.example.com", Token: tokenSentinel},
	}
	for i, cfg := range configs {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			for _, v := range []any{cfg, &cfg} {
				out := fmt.Sprintf(verb, v)
				assertNoSecret(t, fmt.Sprintf("config %d %s", i, verb), out)
				assert.Contains(t, out, "[REDACTED]", "config %d %s shows that a secret is set", i, verb)
			}
		}
		out, err := json.Marshal(cfg)
		require.NoError(t, err)
		assertNoSecret(t, "JSON", string(out))
	}
	assert.Contains(t, configs[1].String(), `Username: "jqsmith"`)
	assert.Contains(t, configs[1].String(), `APIKey: "[REDACTED]"`)
	assert.Contains(t, configs[1].String(), `Password: ""`, "an unset secret shows empty")
	assert.Contains(t, fmt.Sprintf("%#v", configs[2]), "Format:rackspace.XML")
	assert.Contains(t, configs[3].String(), `"https://[REDACTED]@identity.example.com/v2.0"`)
}

func TestClientPrintsNoSecret(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodPost, tokensURL, serve(http.StatusOK, fixture(t, "token.json")))
	mt.RegisterResponder(http.MethodGet, listURL, serve(http.StatusOK, fixture(t, "devices_list.json")))
	for _, edit := range []func(*rackspace.Config){
		nil,
		func(cfg *rackspace.Config) { cfg.Token, cfg.Username, cfg.APIKey = "", "jqsmith", apiKeySentinel },
		func(cfg *rackspace.Config) { cfg.Token, cfg.Username, cfg.Password = "", "jqsmith", passwordSentinel },
	} {
		c := newClient(t, mt, edit)
		devices, err := c.OTPDevices(context.Background(), userID)
		require.NoError(t, err)
		out := fmt.Sprintf("%v %+v %#v %#v", c, *c, c, *c)
		assertNoSecret(t, "client", out)
		for _, d := range devices {
			assertNoSecret(t, "device", fmt.Sprintf("%v %+v %#v %#v", d, *d, d, *d))
		}
	}
}

func TestClientIsAProvider(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, listURL, serve(http.StatusOK, fixture(t, "devices_list.json")))
	mt.RegisterResponder(http.MethodGet, deviceURL, serve(http.StatusOK, fixture(t, "device.json")))
	c := newClient(t, mt, func(cfg *rackspace.Config) { cfg.Name = "rax" })

	dir, err := mfa.NewDirectory(c)
	require.NoError(t, err)
	devices, err := dir.UserDevices(context.Background(), "rax", userID)
	require.NoError(t, err)
	require.Len(t, devices, 3)
	assert.Equal(t, "rax", devices[2].Provider())

	var getter mfa.DeviceGetter = c
	d, err := getter.Device(context.Background(), userID, deviceID)
	require.NoError(t, err)
	assert.Equal(t, deviceID, d.ID())
	assert.Equal(t, mfa.StatusActive, d.Status())
}

func TestCanceledContext(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, listURL, serve(http.StatusOK, fixture(t, "devices_list.json")))
	c := newClient(t, mt, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.OTPDevices(ctx, userID)
	assert.ErrorIs(t, err, context.Canceled)
}
