package transport

import (
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
		"https://h/?q=1":          "has a query or a fragment",
		"https://h/#f":            "has a query or a fragment",
		"https://h/%zz":           "does not parse",
		"http://[::1":             "does not parse",
	}
	for raw, want := range cases {
		_, err := ParseEndpoint("pkg", "Endpoint", raw, "https://x")
		require.Error(t, err, raw)
		assert.Contains(t, err.Error(), want, raw)
		assert.NotContains(t, err.Error(), "p4ssw0rd", raw)
	}
}
