package mfa

import (
	"fmt"
	"io"
	"log/slog"
	"strconv"
)

// Redacted is what a Secret that is set prints as.
const Redacted = "[REDACTED]"

// Secret holds a credential: a token, password, API key, secret key,
// session id or TOTP seed. Every vendor Config holds its credentials in
// Secret fields, so that a Config is safe to print, log and marshal with
// no printing code of its own.
//
// A Secret that is set prints as "[REDACTED]" under every fmt verb (%v,
// %+v, %#v, %s, %q, %d, %x, ...), in JSON and text marshalling and in a
// log/slog record; an empty one prints as "". The value sits behind a
// pointer, so even fmt's printing of a struct by reflection (an
// unexported field, or a verb such as %p that bypasses Format) shows an
// address, never the value. Only Reveal gives it.
//
// Decoding JSON or text into a Secret reads the value, so a Config can be
// read from a file. The zero Secret holds nothing.
type Secret struct {
	value *string
}

// NewSecret returns a Secret holding value; "" gives the zero Secret.
func NewSecret(value string) Secret {
	if value == "" {
		return Secret{}
	}
	return Secret{value: &value}
}

// Reveal returns the credential itself ("" for the zero Secret). Handle
// what it returns as the credential it is.
func (s Secret) Reveal() string {
	if s.value == nil {
		return ""
	}
	return *s.value
}

// IsZero reports whether s holds nothing.
func (s Secret) IsZero() bool { return s.value == nil }

// String returns "[REDACTED]", or "" when s holds nothing.
func (s Secret) String() string {
	if s.value == nil {
		return ""
	}
	return Redacted
}

// GoString returns String quoted, as %#v prints it.
func (s Secret) GoString() string { return strconv.Quote(s.String()) }

// Format prints String under every verb and flag: quoted for %q, as
// GoString for %#v. No verb reaches the credential.
func (s Secret) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'q' || (verb == 'v' && f.Flag('#')):
		_, _ = io.WriteString(f, s.GoString())
	default:
		_, _ = io.WriteString(f, s.String())
	}
}

// MarshalText returns String: "[REDACTED]", or "" when s holds nothing.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText sets s to hold text, so that a Secret reads from a JSON
// string or any other text encoding.
func (s *Secret) UnmarshalText(text []byte) error {
	*s = NewSecret(string(text))
	return nil
}

// LogValue returns String for log/slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }
