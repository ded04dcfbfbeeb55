package redact

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEndpoint(t *testing.T) {
	cases := map[string]string{
		"https://iam.myhuaweicloud.com":     "https://iam.myhuaweicloud.com",
		"https://u:p4ss@host:8080/path?q=1": "https://[REDACTED]@host:8080/path?q=1",
		"http://host/path@not-userinfo":     "http://host/path@not-userinfo",
		"auditor:PASS@host:8080":            "[REDACTED]",
		"host:8080":                         "host:8080",
		"":                                  "",
		"https://a@b@host":                  "https://[REDACTED]@host",
	}
	for in, want := range cases {
		assert.Equal(t, want, Endpoint(in), in)
	}
}

type secretive struct{ key string }

func (s secretive) Format(f fmt.State, verb rune) {
	Format(f, verb, "secretive{key:[REDACTED]}", `redact.secretive{key:"[REDACTED]"}`)
}

func TestFormatCoversEveryVerb(t *testing.T) {
	v := secretive{key: "TOPSECRET"}
	// %p is left out: fmt handles it before any method, and on a value that
	// is no pointer it is a mistake go vet reports.
	for _, verb := range []string{"%v", "%+v", "%s", "%d", "%t", "%x", "%X", "%q", "%#v", "%10.3s"} {
		for _, arg := range []any{v, &v, []any{v}, map[string]secretive{"k": v}} {
			out := fmt.Sprintf(verb, arg)
			assert.NotContains(t, out, "TOPSECRET", "%s of %T", verb, arg)
		}
	}
	assert.Equal(t, `"secretive{key:[REDACTED]}"`, fmt.Sprintf("%q", v))
	assert.Equal(t, `redact.secretive{key:"[REDACTED]"}`, fmt.Sprintf("%#v", v))
	assert.Equal(t, "", IfSet(""))
	assert.Equal(t, Mark, IfSet("x"))
}
