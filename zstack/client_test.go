package zstack_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/zstack"
)

func TestNewClientRefusesConfigsThatCannotWork(t *testing.T) {
	ok := zstack.Config{Endpoint: base, SessionID: mfa.NewSecret(sessionSentinel)}
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
		{"no credentials", func(c *zstack.Config) { c.SessionID = mfa.Secret{} }, "no credentials"},
		{"both credentials", func(c *zstack.Config) { c.AccountName, c.Password = "admin", mfa.NewSecret(passwordSentinel) }, "both SessionID and AccountName/Password"},
		{"account without password", func(c *zstack.Config) { c.SessionID, c.AccountName = mfa.Secret{}, "admin" }, "Config.Password is empty"},
		{"password without account", func(c *zstack.Config) { c.SessionID, c.Password = mfa.Secret{}, mfa.NewSecret(passwordSentinel) }, "Config.AccountName is empty"},
		{"session with newline", func(c *zstack.Config) { c.SessionID = mfa.NewSecret(sessionSentinel + "\n") }, "Config.SessionID holds"},
		{"account with control", func(c *zstack.Config) {
			c.SessionID, c.AccountName, c.Password = mfa.Secret{}, "ad\x00min", mfa.NewSecret(passwordSentinel)
		}, "Config.AccountName holds"},
		{"negative page size", func(c *zstack.Config) { c.PageSize = -1 }, "Config.PageSize -1 is out of range"},
		{"huge page size", func(c *zstack.Config) { c.PageSize = zstack.MaxPageSize + 1 }, "Config.PageSize"},
		{"negative max response", func(c *zstack.Config) { c.MaxResponseBytes = -1 }, "Config.MaxResponseBytes"},
		{"negative max listing", func(c *zstack.Config) { c.MaxListing = -1 }, "zstack: Config.MaxListing -1 is negative"},
		{"negative rate", func(c *zstack.Config) { c.Pacing.Rate = -1 }, "zstack: Config.Pacing: rate -1 is not a rate"},
		{"NaN rate", func(c *zstack.Config) { c.Pacing.Rate = math.NaN() }, "zstack: Config.Pacing: rate NaN is not a rate"},
		{"absurd burst", func(c *zstack.Config) { c.Pacing = mfa.Pacing{Rate: 5, Burst: mfa.MaxBurst + 1} }, "zstack: Config.Pacing: burst 10001 is out of range"},
		{"burst without rate", func(c *zstack.Config) { c.Pacing.Burst = 5 }, "zstack: Config.Pacing: a burst is set without a rate"},
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
	c, err := zstack.NewClient(zstack.Config{Endpoint: base, SessionID: mfa.NewSecret(sessionSentinel)})
	require.NoError(t, err)
	assert.Equal(t, "zstack", c.Name())
	assert.Equal(t, zstack.DefaultName, c.Name())

	c, err = zstack.NewClient(zstack.Config{Endpoint: base, SessionID: mfa.NewSecret(sessionSentinel), Name: "zs-prod"})
	require.NoError(t, err)
	assert.Equal(t, "zs-prod", c.Name())

	var p mfa.Provider = c
	_, isGetter := p.(mfa.DeviceGetter)
	_, isLister := p.(mfa.DeviceLister)
	_, isUserLister := p.(mfa.UserLister)
	assert.True(t, isGetter)
	assert.True(t, isLister)
	assert.True(t, isUserLister)
}

func TestRateIsThePaceOfEveryCall(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, secretsURL, respond(200, fixture(t, "secrets_empty.json")))
	for _, tt := range []struct {
		pacing mfa.Pacing
		want   float64
	}{
		{mfa.Pacing{}, 0},
		{mfa.Pacing{Fixed: true}, 0},
		{mfa.Pacing{Rate: 20}, 20},
		{mfa.Pacing{Rate: 20, Burst: 4, Fixed: true}, 20},
	} {
		c := newSessionClient(t, mt, func(c *zstack.Config) { c.Pacing = tt.pacing })
		assert.Equal(t, tt.want, c.Rate(), "%+v", tt.pacing)
		_, err := c.UserDevices(context.Background(), "u1")
		require.NoError(t, err)
		assert.Equal(t, tt.want, c.Rate(), "%+v after a call", tt.pacing)
	}

	// A gateway's 429 lowers the pace of the Client, unless it is fixed.
	for fixed, lowered := range map[bool]bool{false: true, true: false} {
		mt := newMock(t)
		mt.RegisterResponder(http.MethodGet, secretsURL, sequence(
			httpmock.NewStringResponder(http.StatusTooManyRequests, "slow down"),
			respond(200, fixture(t, "secrets_empty.json"))))
		c := newSessionClient(t, mt, func(c *zstack.Config) { c.Pacing = mfa.Pacing{Rate: 50, Fixed: fixed} })
		_, err := c.UserDevices(context.Background(), "u1")
		require.NoError(t, err)
		assert.Equal(t, lowered, c.Rate() < 50, "fixed %v: rate %v", fixed, c.Rate())
		assert.Positive(t, c.Rate())
	}
}

// TestCredentialsNeverPrint prints a Config (by value and pointer) with
// every credential set, and a Client of each kind after a call, under
// every verb and flag, in JSON and in slog records: no credential, nor its
// hex, appears.
func TestCredentialsNeverPrint(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodPut, loginURL, respond(200, fixture(t, "login.json")))
	mt.RegisterResponder(http.MethodGet, secretsURL, respond(200, fixture(t, "secrets_empty.json")))
	var values []any
	for _, c := range []*zstack.Client{newSessionClient(t, mt), newLoginClient(t, mt)} {
		_, err := c.UserDevices(context.Background(), "u1") // logged in now
		require.NoError(t, err)
		values = append(values, c, *c)
	}
	cfg := zstack.Config{
		Endpoint:    base,
		SessionID:   mfa.NewSecret(sessionSentinel),
		AccountName: "admin",
		Password:    mfa.NewSecret(passwordSentinel),
		HTTPClient:  &http.Client{Transport: mt},
		Logger:      slog.New(slog.DiscardHandler),
		Location:    time.UTC,
	}
	values = append(values, cfg, &cfg)

	forbidden := secretValues()
	for _, v := range secretValues() {
		forbidden = append(forbidden, hex.EncodeToString([]byte(v)), strings.ToUpper(hex.EncodeToString([]byte(v))))
	}
	check := func(what, out string) {
		t.Helper()
		for _, v := range forbidden {
			if strings.Contains(out, v) {
				t.Errorf("%s leaks %q: %s", what, v, out)
			}
		}
	}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "% x", "%#x", "%d", "%t", "%p", "%T", "%10s", "%-20v",
		"%e", "%f", "%g", "%b", "%c", "%o", "%O", "%U", "%#U", "%+q", "%#q", "%08.3f", "%v%v"}
	for i, v := range values {
		for _, verb := range verbs {
			check(fmt.Sprintf("value %d under %s", i, verb), fmt.Sprintf(verb, v, v))
		}
		var text, js bytes.Buffer
		slog.New(slog.NewTextHandler(&text, nil)).Info("m", "v", v)
		slog.New(slog.NewJSONHandler(&js, nil)).Info("m", "v", v)
		check(fmt.Sprintf("value %d in slog", i), text.String()+js.String())
	}
	b, err := json.Marshal(cfg)
	require.NoError(t, err)
	check("Config JSON", string(b))
	assert.Contains(t, string(b), `"AccountName":"admin"`)
	assert.Contains(t, string(b), `"Password":"[REDACTED]"`)
	assert.Contains(t, fmt.Sprintf("%+v", cfg), "SessionID:[REDACTED]")
	assert.Contains(t, fmt.Sprintf("%+v", zstack.Config{}), "SessionID: ", "an absent credential prints empty")
}
