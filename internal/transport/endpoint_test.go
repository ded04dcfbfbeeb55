package transport

import (
	"bytes"
	"log/slog"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseEndpoint(t *testing.T) {
	u, err := ParseEndpoint("pkg", "Endpoint", "https://iam.example.com:8443/base/", "https://x")
	require.NoError(t, err)
	assert.Equal(t, "https://iam.example.com:8443/base/", u.String())

	cases := map[string]string{
		"":                        "pkg: Config.Endpoint is empty",
		"  ":                      "is empty",
		"iam.example.com":         "has no http or https scheme",
		"ftp://h":                 "has no http or https scheme",
		"https://":                "has no host",
		"https:opaque":            "has no host",
		"https://u:p4ssw0rd@h":    "carries user information",
		"auditor:p4ssw0rd@h:8080": "carries user information",
		// A password holding /, ? or # makes the rest of it a path, a query
		// or a fragment: none of them is quoted.
		"https://user:pa/p4ssw0rd@h": "does not parse",
		"https://user:pa?p4ssw0rd@h": "does not parse",
		"https://user:pa#p4ssw0rd@h": "does not parse",
		"https://h/p4ssw0rd?x=1":     "has a query or a fragment",
		"https://h/%zz/p4ssw0rd":     "does not parse",
		"https://h/?q=1":             "has a query or a fragment",
		"https://h/#f":               "has a query or a fragment",
		"https://h/%zz":              "does not parse",
		"http://[::1]:p4ssw0rd":      "does not parse",
		"http://[::1":                "does not parse",
	}
	for raw, want := range cases {
		_, err := ParseEndpoint("pkg", "Endpoint", raw, "https://x")
		require.Error(t, err, raw)
		assert.Contains(t, err.Error(), want, raw)
		assert.NotContains(t, err.Error(), "p4ssw0rd", raw)
	}
}

func TestCleartext(t *testing.T) {
	for raw, want := range map[string]bool{
		"http://zstack.example.com:8080": true,
		"http://10.0.0.5:8080":           true,
		"https://zstack.example.com":     false,
		"http://127.0.0.1:8080":          false,
		"http://[::1]:8080":              false,
		"http://localhost:8080":          false,
	} {
		u, err := url.Parse(raw)
		require.NoError(t, err)
		assert.Equal(t, want, Cleartext(u), raw)
	}
}

func TestCleartextCredentialsAreWarnedOf(t *testing.T) {
	for raw, warned := range map[string]bool{"http://zstack.example.com:8080": true, "https://zstack.example.com": false, "http://127.0.0.1:1": false} {
		var logs bytes.Buffer
		u, err := url.Parse(raw)
		require.NoError(t, err)
		_, err = New(Config{Provider: "zs", BaseURL: u, Auth: &StaticAuth{Header: "Authorization", Value: "OAuth s"},
			Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		require.NoError(t, err)
		assert.Equal(t, warned, strings.Contains(logs.String(), "level=WARN msg=\"credentials will cross the network unencrypted"), raw)
		if warned {
			assert.Contains(t, logs.String(), "host=zstack.example.com:8080")
		}
	}
}

// A password holding "/", "?" or "#" can make url.Parse read
// "user:password" as a host and port: the error must not quote that host.
func TestParseEndpointQuotesNoPasswordReadAsAHost(t *testing.T) {
	for raw, password := range map[string]string{
		"https://admin:123456/abc@iam.example.com": "123456",
		"https://admin:2024?x@h":                   "2024",
		"https://admin:2024#x@h":                   "2024",
	} {
		_, err := ParseEndpoint("pkg", "Endpoint", raw, "https://x")
		require.Error(t, err, raw)
		assert.Contains(t, err.Error(), "carries user information", raw)
		assert.NotContains(t, err.Error(), password, raw)
		assert.NotContains(t, err.Error(), "admin", raw)
	}
}
