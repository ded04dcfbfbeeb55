package rackspace_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
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
		{"no endpoint", rackspace.Config{Token: secretToken}, "Config.Endpoint is empty"},
		{"blank endpoint", rackspace.Config{Endpoint: "  ", Token: secretToken}, "Config.Endpoint is empty"},
		{"unparsable endpoint", rackspace.Config{Endpoint: "https://host:port:bad/", Token: secretToken}, "does not parse"},
		{"no scheme", rackspace.Config{Endpoint: "identity.example.com", Token: secretToken}, "no http or https scheme"},
		{"ftp scheme", rackspace.Config{Endpoint: "ftp://identity.example.com", Token: secretToken}, "no http or https scheme"},
		{"no host", rackspace.Config{Endpoint: "https:///v2.0", Token: secretToken}, "has no host"},
		{"userinfo", rackspace.Config{Endpoint: "https://jqsmith:" + passwordSentinel + "@identity.example.com", Token: secretToken}, "user information"},
		{"query", rackspace.Config{Endpoint: "https://identity.example.com/?x=1", Token: secretToken}, "query or a fragment"},
		{"no credentials", rackspace.Config{Endpoint: endpoint}, "no credentials"},
		{"token and username", rackspace.Config{Endpoint: endpoint, Token: secretToken, Username: "jqsmith", APIKey: secretAPIKey}, "Config.Token cannot be combined"},
		{"username alone", rackspace.Config{Endpoint: endpoint, Username: "jqsmith"}, "Config.Username needs Config.APIKey or Config.Password"},
		{"api key alone", rackspace.Config{Endpoint: endpoint, APIKey: secretAPIKey}, "need Config.Username"},
		{"password alone", rackspace.Config{Endpoint: endpoint, Password: secretPassword}, "need Config.Username"},
		{"api key and password", rackspace.Config{Endpoint: endpoint, Username: "jqsmith", APIKey: secretAPIKey, Password: secretPassword}, "not both"},
		{"control character in token", rackspace.Config{Endpoint: endpoint, Token: mfa.NewSecret(tokenSentinel + "\r\nX-Evil: 1")}, "Config.Token holds a control character"},
		{"unknown format", rackspace.Config{Endpoint: endpoint, Token: secretToken, Format: rackspace.Format(7)}, "Config.Format"},
		{"negative body limit", rackspace.Config{Endpoint: endpoint, Token: secretToken, MaxResponseBytes: -1}, "Config.MaxResponseBytes"},
		{"negative listing limit", rackspace.Config{Endpoint: endpoint, Token: secretToken, MaxListing: -1}, "Config.MaxListing -1 is negative"},
		{"negative rate", rackspace.Config{Endpoint: endpoint, Token: secretToken, Pacing: mfa.Pacing{Rate: -1}}, "rackspace: Config.Pacing: rate -1 is not a rate"},
		{"NaN rate", rackspace.Config{Endpoint: endpoint, Token: secretToken, Pacing: mfa.Pacing{Rate: math.NaN()}}, "Config.Pacing: rate NaN"},
		{"absurd burst", rackspace.Config{Endpoint: endpoint, Token: secretToken, Pacing: mfa.Pacing{Rate: 5, Burst: 1 << 30}}, "Config.Pacing: burst"},
		{"burst without rate", rackspace.Config{Endpoint: endpoint, Token: secretToken, Pacing: mfa.Pacing{Burst: 3}}, "Config.Pacing: a burst is set without a rate"},
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
	c, err := rackspace.NewClient(rackspace.Config{Endpoint: endpoint, Token: secretToken})
	require.NoError(t, err)
	assert.Equal(t, "rackspace", c.Name())
	assert.Equal(t, rackspace.JSON, c.WireFormat())

	c, err = rackspace.NewClient(rackspace.Config{Endpoint: endpoint, Username: "jqsmith", Password: secretPassword, Name: "rax-lon", Format: rackspace.XML})
	require.NoError(t, err)
	assert.Equal(t, "rax-lon", c.Name())
	assert.Equal(t, rackspace.XML, c.WireFormat())
}

func TestEndpointWithVersionOrPath(t *testing.T) {
	users := "/v2.0/users/" + userID + "/RAX-AUTH/multi-factor/otp-devices"
	for ep, want := range map[string]string{
		endpoint + "/v2.0":                        listURL,
		endpoint + "/v2.0/":                       listURL,
		endpoint + "/":                            listURL,
		"https://proxy.example.com/identity":      "https://proxy.example.com/identity" + users,
		"https://proxy.example.com/identity/v2.0": "https://proxy.example.com/identity" + users,
		endpoint + "/v2.0abc":                     endpoint + "/v2.0abc" + users,
	} {
		t.Run(ep, func(t *testing.T) {
			mt := newMock(t)
			mt.RegisterResponder(http.MethodGet, want, serve(http.StatusOK, fixture(t, "devices_empty.json")))
			c := newClient(t, mt, func(cfg *rackspace.Config) { cfg.Endpoint = ep })
			devices, err := c.OTPDevices(context.Background(), userID)
			require.NoError(t, err)
			assert.Empty(t, devices)
			assert.Equal(t, 1, calls(mt, http.MethodGet, want), "the version is not doubled; a path in the endpoint prefixes every call")
		})
	}
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

// TestNothingPrintsACredential prints each Config and Client under every
// fmt verb and flag, in JSON and in log records, with every credential set
// and a token obtained, and looks for the credentials and their hex.
func TestNothingPrintsACredential(t *testing.T) {
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%t", "%p", "%T",
		"%10s", "%-10v", "%.3s", "%e", "%f", "%g", "%b", "%c", "%o", "%O", "%U"}
	mt := newMock(t)
	mt.RegisterResponder(http.MethodPost, tokensURL, serve(http.StatusOK, fixture(t, "token.json")))
	mt.RegisterResponder(http.MethodGet, listURL, serve(http.StatusOK, fixture(t, "devices_list.json")))
	logger, _ := testlog.New()
	for _, cfg := range []rackspace.Config{
		{Endpoint: endpoint, Token: secretToken, Logger: logger},
		{Endpoint: endpoint, Username: "jqsmith", APIKey: secretAPIKey},
		{Endpoint: endpoint, Username: "jqsmith", Password: secretPassword, Format: rackspace.XML},
	} {
		cfg.HTTPClient = &http.Client{Transport: mt}
		c, err := rackspace.NewClient(cfg)
		require.NoError(t, err)
		_, err = c.OTPDevices(context.Background(), userID) // a login client now holds a token too
		require.NoError(t, err)
		assert.Contains(t, fmt.Sprint(cfg), "[REDACTED]", "a Config shows that a credential is set")

		for _, v := range []any{cfg, &cfg, c, *c} {
			for _, verb := range verbs {
				assertNoSecret(t, fmt.Sprintf("%s of %T", verb, v), fmt.Sprintf(verb, v))
			}
		}
		out, err := json.Marshal(cfg)
		require.NoError(t, err)
		assertNoSecret(t, "JSON", string(out))
		var logs bytes.Buffer
		for _, h := range []slog.Handler{slog.NewTextHandler(&logs, nil), slog.NewJSONHandler(&logs, nil)} {
			slog.New(h).Info("configured", "config", cfg, "config_ptr", &cfg, "client", c, "client_value", *c)
		}
		assertNoSecret(t, "log", logs.String())
	}
}

func TestClose(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, listURL, serve(http.StatusOK, fixture(t, "devices_list.json")))
	c := newClient(t, mt, nil)
	require.NoError(t, c.Close())
	_, err := c.OTPDevices(context.Background(), userID)
	require.NoError(t, err, "a closed Client stays usable")
}

func TestClientIsAProvider(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, listURL, serve(http.StatusOK, fixture(t, "devices_list.json")))
	mt.RegisterResponder(http.MethodGet, deviceURL, serve(http.StatusOK, fixture(t, "device.json")))
	mt.RegisterResponder(http.MethodGet, phonesURL, serve(http.StatusOK, fixture(t, "mobile_phones.json")))
	c := newClient(t, mt, func(cfg *rackspace.Config) { cfg.Name = "rax" })

	dir, err := mfa.NewDirectory(c)
	require.NoError(t, err)
	devices, err := dir.UserDevices(context.Background(), "rax", userID)
	require.NoError(t, err)
	require.Len(t, devices, 4, "the OTP devices, then the phone")
	assert.Equal(t, "rax", devices[2].Provider())
	assert.Equal(t, mfa.KindTOTP, devices[2].Kind())
	assert.Equal(t, mfa.KindSMS, devices[3].Kind())
	assert.Equal(t, "12345", devices[3].ID())

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
