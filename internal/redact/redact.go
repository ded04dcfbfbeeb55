package redact

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Mark stands for a secret that is set.
const Mark = "[REDACTED]"

// IfSet returns Mark for a secret that is set, and "" for one that is not.
func IfSet(secret string) string {
	if secret == "" {
		return ""
	}
	return Mark
}

// Endpoint returns an endpoint URL with its user information, if any,
// replaced by Mark. A text with an "@" that does not parse as a URL with
// a scheme is replaced whole: it may be "user:password@host".
func Endpoint(s string) string {
	i := strings.Index(s, "://")
	if i < 0 {
		if strings.Contains(s, "@") {
			return Mark
		}
		return s
	}
	rest := s[i+3:]
	authority := rest
	if end := strings.IndexAny(rest, "/?#"); end >= 0 {
		authority = rest[:end]
	}
	at := strings.LastIndex(authority, "@")
	if at < 0 {
		return s
	}
	return s[:i+3] + Mark + "@" + rest[at+1:]
}

// Format writes text for every verb and flag, quoted for %q, and goText
// for %#v: the body of a Format method that no verb can get past.
func Format(f fmt.State, verb rune, text, goText string) {
	switch {
	case verb == 'v' && f.Flag('#'):
		_, _ = io.WriteString(f, goText)
	case verb == 'q':
		_, _ = io.WriteString(f, strconv.Quote(text))
	default:
		_, _ = io.WriteString(f, text)
	}
}
