package transport

import (
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func FuzzSnippet(f *testing.F) {
	for _, s := range []string{"", "<html><body>502</body></html>", "plain \x00 text", "<script>x", "<", strings.Repeat("ab", 600)} {
		f.Add([]byte(s), "s3cret-value")
	}
	f.Fuzz(func(t *testing.T, body []byte, secret string) {
		got := Snippet(body, []string{secret})
		if !utf8.ValidString(got) {
			t.Fatalf("snippet is not UTF-8: %q", got)
		}
		if len(got) > snippetBytes+utf8.UTFMax+len("...") {
			t.Fatalf("snippet of %d bytes", len(got))
		}
		if len(secret) >= 8 && !strings.Contains(secret, " ") && !strings.ContainsAny(secret, "<>[]") && strings.Contains(got, secret) {
			t.Fatalf("secret %q in snippet %q", secret, got)
		}
	})
}

func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"0", "120", "-1", "Fri, 02 Jan 2026 03:04:35 GMT", "99999999999999999999", "soon"} {
		f.Add(s)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := RetryAfter(v, now)
		if ok && (d < 0 || d > 24*time.Hour) {
			t.Fatalf("RetryAfter(%q) = %v", v, d)
		}
	})
}

func FuzzEscapePath(f *testing.F) {
	for _, s := range []string{"abc", "a/b", "../x", "..", ".", "", "a\nb", "iam/mfa/1", "%2F", "ü"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		p, err := EscapePath("/users/%s/devices", id)
		if err != nil {
			return
		}
		seg, ok := strings.CutPrefix(p, "/users/")
		if !ok {
			t.Fatalf("path %q", p)
		}
		seg, ok = strings.CutSuffix(seg, "/devices")
		if !ok || strings.Contains(seg, "/") || seg == "." || seg == ".." {
			t.Fatalf("id %q escaped to a path %q that is not one segment", id, p)
		}
		back, err := url.PathUnescape(seg)
		if err != nil || back != id {
			t.Fatalf("id %q escaped to %q, which reads back as %q (%v)", id, seg, back, err)
		}
	})
}
