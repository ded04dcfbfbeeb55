package transport

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/mfa"
)

func TestEscapePath(t *testing.T) {
	cases := map[string]string{
		"abc123":       "/users/abc123/devices",
		"a/b":          "/users/a%2Fb/devices",
		"../x":         "/users/..%2Fx/devices",
		"a b?c#d%e":    "/users/a%20b%3Fc%23d%25e/devices",
		"iam/mfa/123":  "/users/iam%2Fmfa%2F123/devices",
		"ünïcode":      "/users/%C3%BCn%C3%AFcode/devices",
		"...":          "/users/.../devices",
		"name@domain;": "/users/name@domain%3B/devices",
	}
	for id, want := range cases {
		got, err := EscapePath("/users/%s/devices", id)
		require.NoError(t, err, id)
		assert.Equal(t, want, got, id)
	}
	got, err := EscapePath("/v2/%s/users/%s/otp-devices", "p1", "u/1")
	require.NoError(t, err)
	assert.Equal(t, "/v2/p1/users/u%2F1/otp-devices", got)

	_, err = EscapePath("/v2/%s/users/%s", "p1")
	assert.ErrorContains(t, err, "takes 2 ids, got 1")
}

func TestCheckIDRefusesWhatCannotBeAnID(t *testing.T) {
	cases := map[string]string{
		"":                        "empty",
		".":                       "dot segment",
		"..":                      "dot segment",
		"a\nb":                    "control character",
		"a\x00":                   "control character",
		"a\x7f":                   "control character",
		"a\u0085":                 "control character",
		"\xff\xfe":                "not valid UTF-8",
		strings.Repeat("a", 1025): "longer than 1024 bytes",
	}
	for id, reason := range cases {
		err := CheckID(id)
		assert.ErrorIs(t, err, mfa.ErrBadRequest, "%q", id)
		assert.ErrorContains(t, err, reason, "%q", id)
		assert.Less(t, len(err.Error()), 200, "an overlong id is not echoed whole")
		_, err = EscapePath("/users/%s", id)
		assert.ErrorIs(t, err, mfa.ErrBadRequest, "%q", id)
	}
	assert.NoError(t, CheckID(strings.Repeat("a", 1024)))
}

func TestSnippet(t *testing.T) {
	cases := []struct{ body, want string }{
		{"", ""},
		{"  plain text\r\n error  ", "plain text error"},
		{"<!DOCTYPE html><html><script>var s='x';</script><body><p>Service\n\n Unavailable</p></body></html>", "Service Unavailable"},
		{"<?xml version=\"1.0\"?><fault><message>m</message></fault>", "m"},
		{"bad \x00\x01 bytes \xff here", "bad bytes here"},
		{"<rax-auth:otpDevices xmlns:rax-auth=\"x\"><rax-auth:otpDevice id=\"1\"", "<rax-auth:otpDevices xmlns:rax-auth=\"x\"><rax-auth:otpDevice id=\"1\""},
		{strings.Repeat("é", 300), strings.Repeat("é", 100) + "..."},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, Snippet([]byte(c.body), nil), "%q", c.body)
	}
}

func TestSnippetNeverLeavesHalfASecret(t *testing.T) {
	secret := strings.Repeat("S", 40)
	for offset := 150; offset < 900; offset += 7 {
		body := strings.Repeat("a", offset) + secret + " tail"
		got := Snippet([]byte(body), []string{secret})
		assert.NotContains(t, got, "SSSS", "offset %d", offset)
	}
}

func TestRedact(t *testing.T) {
	assert.Equal(t, "a [REDACTED] b [REDACTED]", Redact("a s3cret b s3cret", []string{"s3cret"}))
	assert.Equal(t, "a b", Redact("a b", []string{"a"}), "too short to be a secret")
	assert.Equal(t, "x", Redact("x", nil))
}

func TestRedactEveryEchoedForm(t *testing.T) {
	password := `Xq</Zz&"Yy\Ww'`
	token := "Tk/Vv+Uu=Pp"
	for _, echo := range []string{
		`{"auth":{"password":"Xq\u003c/Zz\u0026\"Yy\\Ww'"}}`, // encoding/json
		`{"auth":{"password":"Xq</Zz&\"Yy\\Ww'"}}`,           // without HTML escaping
		`{"auth":{"password":"Xq<\/Zz&\"Yy\\Ww'"}}`,          // with / escaped
		`password=Xq%3C%2FZz%26%22Yy%5CWw%27`,                // a form
		`<password>Xq&lt;/Zz&amp;&#34;Yy\Ww&#39;</password>`, // encoding/xml
		`<p value="Xq&lt;/Zz&amp;&quot;Yy\Ww&apos;"/>`,       // named entities
		`token Tk\/Vv+Uu=Pp and Tk%2FVv%2BUu%3DPp`,
	} {
		out := Redact(echo, []string{password, token})
		assert.Contains(t, out, "[REDACTED]", echo)
		for _, piece := range []string{"Xq", "Zz", "Yy", "Ww", "Tk", "Vv", "Uu", "Pp"} {
			assert.NotContains(t, out, piece, "%s: no part of a credential is left", echo)
		}
	}
}

// Snippet quotes a window of the body: cut short, a secret in an escaped
// form (longer than the secret) or one that whitespace brings into view
// must not be left half redacted.
func TestSnippetNeverLeavesHalfAnEscapedSecret(t *testing.T) {
	secret := "p/s:w@r/d+x!y"
	for _, echo := range []string{url.QueryEscape(secret), secret} {
		for offset := 760; offset < 840; offset++ {
			body := "<p>" + strings.Repeat(" ", offset-3) + echo + " tail</p>"
			got := Snippet([]byte(body), []string{secret})
			assert.NotContains(t, got, echo[:4], "offset %d: %q", offset, got)
			if offset <= 4*snippetBytes {
				assert.True(t, strings.HasPrefix(got, "[REDACTED]"), "offset %d: a secret starting in the window is shown redacted: %q", offset, got)
			}
		}
	}
}
