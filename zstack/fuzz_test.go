package zstack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

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
	c, err := NewClient(Config{Endpoint: "http://zs.test:8080", SessionID: mfa.NewSecret("s"), Location: time.FixedZone("CST", 8*3600)})
	if err != nil {
		f.Fatal(err)
	}
	return c
}

// requireTyped fails unless err is an *mfa.APIError that matches exactly
// one sentinel.
func requireTyped(t *testing.T, err error) {
	t.Helper()
	var ae *mfa.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("%T is not an *mfa.APIError: %v", err, err)
	}
	n := 0
	for _, s := range []error{mfa.ErrNotFound, mfa.ErrUnauthorized, mfa.ErrForbidden, mfa.ErrRateLimited,
		mfa.ErrUnavailable, mfa.ErrBadRequest, mfa.ErrUnsupported, mfa.ErrInvalidResponse} {
		if errors.Is(err, s) {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%v matches %d sentinels", err, n)
	}
}

// requireCauses fails unless every cause of e, however deep, is an
// *mfa.APIError with no status and no sentinel, within maxCauseDepth.
func requireCauses(t *testing.T, e *mfa.APIError, depth int) {
	t.Helper()
	if depth >= maxCauseDepth {
		t.Fatalf("causes nested %d deep", depth)
	}
	for _, cause := range e.Causes {
		ce, ok := cause.(*mfa.APIError)
		if !ok || ce.StatusCode != 0 || ce.Kind != nil {
			t.Fatalf("cause %T %v", cause, cause)
		}
		requireCauses(t, ce, depth+1)
	}
}

func FuzzDecodePage(f *testing.F) {
	addFixtures(f, func(b []byte) { f.Add(b, 0) })
	for _, s := range []string{
		`{"inventories":[{"uuid":"a","status":{"name":"Logined"},"createDate":"Oct 28, 2025 2:09:26 PM"}],"total":-1}`,
		`{"inventories":[null,{"uuid":null,"secret":null,"userUuid":null,"status":null,"createDate":null}]}`,
		`{"INVENTORIES":[{"UUID":"a","Secret":"s","USERUUID":"u","ſtatus":"Logined","createdate":1.5e3}],"Total":0}`,
		`{"inventories":[{"status":{"name":5}}]}`, `{"inventories":[{"createDate":true}]}`, `{"inventories":[],"total":1.0}`,
		`{"error":{"code":"ID.1001"},"success":"false","id":7}`, `{"location":"http://x/job"}`, `null`, ``,
	} {
		f.Add([]byte(s), 1)
	}
	c := fuzzClient(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, body []byte, limit int) {
		resp := &transport.Response{StatusCode: 200, Body: body}
		page, err := c.decodePage(ctx, resp, limit%2000, limit%2 == 0)
		if (page == nil) == (err == nil) {
			t.Fatalf("page %v and error %v", page, err)
		}
		if err != nil {
			requireTyped(t, err)
		} else {
			for _, s := range page.Secrets {
				if s.CreatedAt().Location() != time.UTC {
					t.Fatalf("CreatedAt not in UTC: %v", s.CreatedAt())
				}
				if _, err := json.Marshal(s); err != nil {
					t.Fatal(err)
				}
				_ = fmt.Sprintf("%v %#v", s, s)
			}
		}
		if _, err := c.decodeCount(resp); err != nil {
			requireTyped(t, err)
		}
	})
}

func FuzzDecodeUsers(f *testing.F) {
	addFixtures(f, func(b []byte) { f.Add(b, 0) })
	for _, s := range []string{
		`{"inventories":[{"uuid":"a","name":"n","type":"Normal","state":"Staled","createDate":"Oct 28, 2025 2:09:26 PM"}],"total":1}`,
		`{"inventories":[null,{"uuid":null,"name":null,"state":null,"createDate":null}]}`,
		`{"inventories":[{"uuid":"a","state":{"name":"Enabled"}}]}`, `{"inventories":[{"uuid":"a","name":7}]}`,
		`{"inventories":[{"uuid":"a","lastOpDate":1761660566000}],"total":-3}`, `{"inventories":[{}]}`,
		`{"error":{"code":"SYS.1014"}}`, `{"location":"http://x/job"}`, `null`, ``,
	} {
		f.Add([]byte(s), 1)
	}
	c := fuzzClient(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, body []byte, limit int) {
		users, total, err := decodeUsers[Account](ctx, c, &transport.Response{StatusCode: 200, Body: body}, limit%2000)
		if err != nil {
			requireTyped(t, err)
			return
		}
		if users == nil || total < -1 {
			t.Fatalf("users %v, total %d", users, total)
		}
		for _, u := range users {
			if u.UUID == "" {
				t.Fatal("a user without uuid")
			}
			for _, tm := range []time.Time{u.CreatedAt, u.LastOpAt} {
				if !tm.IsZero() && tm.Location() != time.UTC {
					t.Fatalf("%v not in UTC", tm)
				}
			}
			_ = c.user(u.UUID, u.Name, u.State)
		}
	})
}

func FuzzDecodeError(f *testing.F) {
	addFixtures(f, func(b []byte) { f.Add(b, 503) })
	f.Add([]byte(`{"error":{"code":"ID.1001","cause":{"cause":{"code":7}},"causes":[null,"x",{"causes":[{}]}]},"success":"false","id":"x"}`), 200)
	f.Fuzz(func(t *testing.T, body []byte, status int) {
		status = 400 + (status%200+200)%200
		resp := &transport.Response{StatusCode: status, Body: body}
		e := decodeError(resp)
		if e == nil {
			return
		}
		e.StatusCode = status // as the transport fills it in
		requireTyped(t, e)
		requireCauses(t, e, 0)
		_ = e.Error()
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
		if err != nil {
			requireTyped(t, err)
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

// FuzzRedactSecretValues checks that redacting a body that is JSON keeps
// it JSON, with every seed of its inventories replaced.
func FuzzRedactSecretValues(f *testing.F) {
	addFixtures(f, func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, body []byte) {
		out := redactSecretValues(body)
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
