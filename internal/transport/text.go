package transport

import (
	"cmp"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/openmfa/mfa-go/mfa"
)

// MaxIDBytes is the longest id accepted in a path.
const MaxIDBytes = 1024

// CheckID returns an error matching mfa.ErrBadRequest when id cannot be a
// valid path segment: empty, longer than MaxIDBytes, not UTF-8, holding a
// control character, or a dot segment ("." or "..") that a server would
// resolve as a relative path.
func CheckID(id string) error {
	var reason string
	switch {
	case id == "":
		reason = "it is empty"
	case len(id) > MaxIDBytes:
		reason = "it is longer than " + strconv.Itoa(MaxIDBytes) + " bytes"
	case !utf8.ValidString(id):
		reason = "it is not valid UTF-8"
	case id == "." || id == "..":
		reason = "it is a dot segment"
	case strings.IndexFunc(id, unicode.IsControl) >= 0:
		reason = "it holds a control character"
	default:
		return nil
	}
	shown := id
	if len(shown) > 64 {
		shown = strings.ToValidUTF8(shown[:64], "") + "..."
	}
	return fmt.Errorf("%w: invalid id %q: %s", mfa.ErrBadRequest, shown, reason)
}

// EscapePath fills the %s verbs of format with ids, each checked by CheckID
// and escaped as one path segment, so that "a/b" or "../x" can never change
// the path: EscapePath("/users/%s/devices", "a/b") is "/users/a%2Fb/devices".
func EscapePath(format string, ids ...string) (string, error) {
	if n := strings.Count(format, "%s"); n != len(ids) {
		return "", fmt.Errorf("transport: path %q takes %d ids, got %d", format, n, len(ids))
	}
	var b strings.Builder
	b.Grow(len(format) + 48*len(ids))
	for _, id := range ids {
		if err := CheckID(id); err != nil {
			return "", err
		}
		i := strings.Index(format, "%s")
		b.WriteString(format[:i])
		b.WriteString(escapeSegment(id))
		format = format[i+2:]
	}
	b.WriteString(format)
	return b.String(), nil
}

// escapeSegment is url.PathEscape without its allocation for the plain ids
// most APIs use.
func escapeSegment(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~') {
			return url.PathEscape(s)
		}
	}
	return s
}

// Redact replaces every secret in s with "[REDACTED]", in each form a
// server may echo it in (see forms). Secrets shorter than four bytes are
// left alone: they would match ordinary text.
func Redact(s string, secrets []string) string {
	return redactForms(s, expand(secrets))
}

// expand lists the forms of the secrets Redact removes, in the order it
// removes them.
func expand(secrets []string) []string {
	var out []string
	for _, secret := range secrets {
		if len(secret) < 4 {
			continue
		}
		out = append(out, forms(secret)...)
	}
	return out
}

// redactForms replaces every form of a list made by expand, in its order.
func redactForms(s string, forms []string) string {
	for _, form := range forms {
		s = strings.ReplaceAll(s, form, mfa.Redacted)
	}
	return s
}

// forms lists the ways a body may quote a credential: as sent; escaped as
// JSON, with and without escaping <, > and & (\u003c), and with / as \/;
// URL-encoded for a query or a path; escaped as XML or HTML text. The
// longest come first, so that no form is left half replaced by another.
func forms(secret string) []string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	jsonForm := func(escapeHTML bool) string {
		b.Reset()
		enc.SetEscapeHTML(escapeHTML)
		_ = enc.Encode(secret)
		q := strings.TrimSpace(b.String())
		return q[1 : len(q)-1]
	}
	var x strings.Builder
	_ = xml.EscapeText(&x, []byte(secret))
	plainJSON := jsonForm(false)
	out := []string{
		secret, plainJSON, jsonForm(true), strings.ReplaceAll(plainJSON, "/", `\/`),
		url.QueryEscape(secret), url.PathEscape(secret), x.String(), html.EscapeString(secret),
		strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace(secret),
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Or(len(b)-len(a), strings.Compare(a, b)) })
	return slices.Compact(out)
}

// secretsOf lists the credential values a request carries, and extra.
func secretsOf(req *http.Request, extra []string) []string {
	secrets := extra
	if req == nil {
		return secrets
	}
	for _, h := range credentialHeaders {
		v := req.Header.Get(h)
		if v == "" {
			continue
		}
		if secrets == nil || len(secrets) == len(extra) {
			secrets = append(make([]string, 0, len(extra)+4), extra...)
		}
		secrets = append(secrets, v)
		// "OAuth <session>", "Bearer <token>": the credential alone too;
		// of a signature ("SDK-HMAC-SHA256 Access=..., Signature=<hex>"),
		// the signature alone, which a gateway may quote.
		if _, cred, ok := strings.Cut(v, " "); ok {
			secrets = append(secrets, cred)
			if _, sig, ok := strings.Cut(cred, "Signature="); ok {
				sig, _, _ = strings.Cut(sig, ",")
				secrets = append(secrets, strings.TrimSpace(sig))
			}
		}
	}
	return secrets
}

// snippetBytes is how much of a body an error quotes.
const snippetBytes = 200

// Snippet returns the start of a body fit to quote in an error: secrets
// removed, markup tags stripped, whitespace and control characters folded
// to single spaces, at most about 200 bytes.
func Snippet(body []byte, secrets []string) string {
	return snippet(body, expand(secrets))
}

// snippet is Snippet with the secrets already expanded into their forms.
func snippet(body []byte, forms []string) string {
	// A window wide enough that every secret starting in its first
	// 4*snippetBytes is whole, in its longest form (an escaped form is up
	// to six times as long as the secret), so that it is shown redacted.
	longest := 0
	for _, f := range forms {
		longest = max(longest, len(f))
	}
	var text string
	if limit := 4*snippetBytes + longest; len(body) > limit {
		// Whitespace and tags fold away, so the window's end can be in
		// the part shown: a secret the cut left incomplete would escape
		// redaction there.
		text = dropCutForm(string(body[:limit]), forms)
	} else {
		text = string(body)
	}
	text = strings.TrimSpace(redactForms(text, forms))
	if strings.HasPrefix(text, "<") {
		// Markup: its text says what went wrong (an HTML error page). A
		// body that is markup alone (truncated XML) is quoted as it is.
		if stripped := stripTags(text); strings.TrimSpace(stripped) != "" {
			text = stripped
		}
	}
	var b strings.Builder
	space := false
	for _, r := range text {
		if r == utf8.RuneError || unicode.IsSpace(r) || unicode.IsControl(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		if b.Len() >= snippetBytes {
			b.WriteString("...")
			break
		}
		b.WriteRune(r)
	}
	return b.String()
}

// dropCutForm drops from the end of s, a window cut out of a longer body,
// what may be the start of a secret's form cut short: the longest end of s
// that begins one of forms. It drops again what that uncovers, in case a
// form overlapped the start it dropped.
func dropCutForm(s string, forms []string) string {
	for {
		cut := 0
		for _, f := range forms {
			for k := min(len(f)-1, len(s)); k > cut; k-- {
				if strings.HasSuffix(s, f[:k]) {
					cut = k
					break
				}
			}
		}
		if cut == 0 {
			return s
		}
		s = s[:len(s)-cut]
	}
}

// stripTags drops markup tags, and the text of script and style elements.
func stripTags(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		lt := strings.IndexByte(s, '<')
		if lt < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:lt])
		b.WriteByte(' ')
		s = s[lt:]
		gt := strings.IndexByte(s, '>')
		if gt < 0 {
			break
		}
		tag := strings.ToLower(s[:gt+1])
		s = s[gt+1:]
		for _, skip := range []string{"script", "style"} {
			if strings.HasPrefix(tag, "<"+skip) {
				if end := strings.Index(strings.ToLower(s), "</"+skip); end >= 0 {
					s = s[end:]
				}
			}
		}
	}
	return b.String()
}
