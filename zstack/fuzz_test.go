package zstack

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/openmfa/mfa-go/internal/transport"
	"github.com/openmfa/mfa-go/mfa"
)

// addFixtures seeds f with every file of testdata/.
func addFixtures(f *testing.F, add func(b []byte)) {
	f.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range paths {
		if fi, err := os.Stat(p); err != nil || fi.IsDir() {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		add(b)
	}
}

func fuzzClient(f *testing.F) *Client {
	c, err := NewClient(Config{Endpoint: "http://zs.test:8080", SessionID: "s", Location: time.FixedZone("CST", 8*3600)})
	if err != nil {
		f.Fatal(err)
	}
	return c
}

func FuzzDecodePage(f *testing.F) {
	addFixtures(f, func(b []byte) { f.Add(b, 0) })
	f.Add([]byte(`{"inventories":[{"uuid":"a","status":{"name":"Logined"},"createDate":"Oct 28, 2025 2:09:26 PM"}],"total":-1}`), 1)
	c := fuzzClient(f)
	f.Fuzz(func(t *testing.T, body []byte, limit int) {
		resp := &transport.Response{StatusCode: 200, Body: body}
		page, err := c.decodePage(context.Background(), resp, limit%2000, limit%2 == 0)
		if (page == nil) == (err == nil) {
			t.Fatalf("page %v and error %v", page, err)
		}
		if err != nil {
			var ae *mfa.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("%T is not an *mfa.APIError: %v", err, err)
			}
			_ = err.Error()
			return
		}
		for _, s := range page.Secrets {
			if s.CreatedAt().Location() != time.UTC {
				t.Fatalf("CreatedAt not in UTC: %v", s.CreatedAt())
			}
			_, _ = json.Marshal(s)
			_ = s.String() + s.GoString()
		}
	})
}

func FuzzDecodeError(f *testing.F) {
	addFixtures(f, func(b []byte) { f.Add(b, 503) })
	f.Add([]byte(`{"error":{"code":"ID.1001","cause":{"cause":{"code":7}}},"success":"false","id":"x"}`), 200)
	c := fuzzClient(f)
	f.Fuzz(func(t *testing.T, body []byte, status int) {
		resp := &transport.Response{StatusCode: status, Body: body}
		if e := decodeError(resp); e != nil {
			_ = e.Error()
			for cause := e.Cause; cause != nil; cause = errors.Unwrap(cause) {
				if ce, ok := cause.(*mfa.APIError); !ok || ce.StatusCode != 0 {
					t.Fatalf("cause %T %v", cause, cause)
				}
			}
		}
		var env envelope
		if json.Unmarshal(body, &env) == nil {
			if e := c.envelopeError(resp, env); e != nil {
				_ = e.Error()
				if e.Provider != c.name {
					t.Fatalf("provider %q", e.Provider)
				}
			}
		}
	})
}

func FuzzStatus(f *testing.F) {
	for _, s := range []string{`"NewCreated"`, `"Logined"`, `{"name":"NewCreated","ordinal":0}`, `{"name":"Logined","ordinal":1}`,
		`{"ordinal":1}`, `null`, `0`, `[]`, `{"name":7}`, `"x`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var s wireStatus
		if err := s.UnmarshalJSON(raw); err != nil {
			return
		}
		switch statusFor(s.name) {
		case mfa.StatusActive, mfa.StatusPending, mfa.StatusUnknown:
		default:
			t.Fatalf("status %q", statusFor(s.name))
		}
		// The same value inside a reply decodes the same way.
		var w wireSecret
		if json.Valid(raw) {
			if err := json.Unmarshal([]byte(`{"status":`+string(raw)+`}`), &w); err == nil && w.Status.name != s.name {
				t.Fatalf("%q in a reply is %q, alone %q", raw, w.Status.name, s.name)
			}
		}
	})
}

func FuzzDate(f *testing.F) {
	for _, s := range []string{"Oct 28, 2025 2:09:26 PM", "Oct 28, 2025 2:09:26\u202fPM", "Oct 28, 2025, 2:09:26 PM",
		"Jan 2, 2006 15:04:05", "2025-10-28T14:09:26Z", "2025-10-28T22:09:26.000+08:00", "2025-10-28 14:09:26.0", "", "yesterday"} {
		f.Add(s)
	}
	loc := time.FixedZone("CST", 8*3600)
	f.Fuzz(func(t *testing.T, s string) {
		tm, ok := parseDate(s, loc)
		if ok && tm.Location() != time.UTC {
			t.Fatalf("%q parsed to %v, not UTC", s, tm)
		}
		if !ok && !tm.IsZero() {
			t.Fatalf("%q failed but gave %v", s, tm)
		}
		// As a JSON string, the text is kept as it is (json.Marshal turns
		// invalid UTF-8 into U+FFFD, so compare only valid text).
		var d wireDate
		b, _ := json.Marshal(s)
		if err := d.UnmarshalJSON(b); err != nil || utf8.ValidString(s) && d.text != s {
			t.Fatalf("%q read back as %q, %v", s, d.text, err)
		}
	})
}

// FuzzCondition checks that a condition Validate accepts is read by the
// server (as parseCondition models it) exactly as meant.
func FuzzCondition(f *testing.F) {
	for _, s := range [][2]string{{"userUuid", "abc"}, {"n", "=5"}, {"n", "a!=b"}, {"n", "~="}, {"a.b", "x y"}, {"n", ""}} {
		for _, op := range serverOps {
			f.Add(s[0], string(op), s[1])
		}
	}
	f.Fuzz(func(t *testing.T, field, op, value string) {
		c := Where(field, Operator(op), value)
		if c.Validate() != nil {
			return
		}
		gf, gop, gv := parseCondition(c.String())
		if gf != field || gop != Operator(op) || gv != value {
			t.Fatalf("%q accepted, but the server reads %q %q %q", c.String(), gf, gop, gv)
		}
	})
}

func FuzzRedactSecretValues(f *testing.F) {
	addFixtures(f, func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, body []byte) {
		out, _ := redactSecretValues(body)
		var in, red struct {
			Inventories []struct {
				Secret *string `json:"secret"`
			} `json:"inventories"`
		}
		if json.Unmarshal(body, &in) != nil {
			return
		}
		if err := json.Unmarshal(out, &red); err != nil {
			t.Fatalf("redacting %q broke the JSON: %q: %v", body, out, err)
		}
		for i, s := range red.Inventories {
			if s.Secret != nil && *s.Secret != "[REDACTED]" && in.Inventories[i].Secret != nil && *in.Inventories[i].Secret != "" {
				t.Fatalf("secret %d left: %q", i, *s.Secret)
			}
		}
	})
}

func FuzzDecodeLogin(f *testing.F) {
	addFixtures(f, func(b []byte) { f.Add(b) })
	c := fuzzClient(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		session, err := c.decodeLogin(&transport.Response{StatusCode: 200, Body: body})
		if (session == "") == (err == nil) {
			t.Fatalf("session %q and error %v", session, err)
		}
	})
}
