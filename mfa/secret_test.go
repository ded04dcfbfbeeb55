package mfa_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/mfa"
)

// Verbs are every fmt verb and flag a caller might print a value with,
// the ones go vet calls wrong for a string included.
var verbs = []string{
	"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%t", "%p", "%T",
	"%10s", "%-10v", "%.3s", "%e", "%f", "%g", "%b", "%c", "%o", "%O", "%U",
}

const credential = "s3cr3t-Token/with+chars"

func TestSecretPrintsNoCredential(t *testing.T) {
	// The secret alone, a pointer to it, and inside a struct as an
	// exported field (as every vendor Config holds it).
	type config struct {
		Endpoint string
		Token    mfa.Secret
		Nested   struct{ Password mfa.Secret }
	}
	type private struct{ token mfa.Secret }
	c := config{Endpoint: "https://example.com", Token: mfa.NewSecret(credential)}
	c.Nested.Password = mfa.NewSecret(credential)
	s := mfa.NewSecret(credential)
	p := private{token: s}
	for _, v := range []any{s, &s, c, &c, p, &p, []mfa.Secret{s}, map[string]mfa.Secret{"k": s}} {
		for _, verb := range verbs {
			out := fmt.Sprintf(verb, v)
			assert.NotContains(t, out, "s3cr3t", "%s of %T", verb, v)
			assert.NotContains(t, out, fmt.Sprintf("%x", credential[:6]), "%s of %T: hex of the credential", verb, v)
		}
	}
	assert.Equal(t, "[REDACTED]", fmt.Sprint(s))
	assert.Equal(t, `"[REDACTED]"`, fmt.Sprintf("%q", s))
	assert.Equal(t, `"[REDACTED]"`, fmt.Sprintf("%#v", s))
	assert.Equal(t, credential, s.Reveal())
}

func TestSecretEmptyPrintsEmpty(t *testing.T) {
	var s mfa.Secret
	assert.True(t, s.IsZero())
	assert.Equal(t, s, mfa.NewSecret(""))
	assert.Equal(t, "", fmt.Sprint(s), "an unset secret shows that it is unset")
	assert.Equal(t, "", s.Reveal())
	b, err := json.Marshal(s)
	require.NoError(t, err)
	assert.JSONEq(t, `""`, string(b))
}

func TestSecretJSON(t *testing.T) {
	type config struct {
		User  string     `json:"user"`
		Token mfa.Secret `json:"token"`
	}
	b, err := json.Marshal(config{User: "u", Token: mfa.NewSecret(credential)})
	require.NoError(t, err)
	assert.JSONEq(t, `{"user":"u","token":"[REDACTED]"}`, string(b))

	// Reading a config file keeps the value: only printing redacts.
	var back config
	require.NoError(t, json.Unmarshal([]byte(`{"token":"from-file"}`), &back))
	assert.Equal(t, "from-file", back.Token.Reveal())

	text, err := mfa.NewSecret(credential).MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "[REDACTED]", string(text))
}

func TestSecretInLogs(t *testing.T) {
	type config struct{ Token mfa.Secret }
	for _, handler := range []func(*bytes.Buffer) slog.Handler{
		func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	} {
		var buf bytes.Buffer
		log := slog.New(handler(&buf))
		secret := mfa.NewSecret(credential)
		log.Info("login", "token", secret, "config", config{Token: secret}, slog.Any("ptr", &config{Token: secret}))
		assert.NotContains(t, buf.String(), "s3cr3t")
		assert.Contains(t, buf.String(), "[REDACTED]")
	}
}

func ExampleSecret() {
	token := mfa.NewSecret("gAAAAABexample")
	fmt.Println(token)
	fmt.Printf("%q %d %x\n", token, token, token)
	b, _ := json.Marshal(struct{ Token mfa.Secret }{token})
	fmt.Println(string(b))
	fmt.Println(len(token.Reveal()))
	// Output:
	// [REDACTED]
	// "[REDACTED]" [REDACTED] [REDACTED]
	// {"Token":"[REDACTED]"}
	// 14
}
