package huaweiiam

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openmfa/mfa-go/internal/transport"
	"github.com/openmfa/mfa-go/mfa"
)

// addFixtures seeds a fuzz target with every file of testdata.
func addFixtures(f *testing.F) {
	names, err := filepath.Glob(filepath.Join("testdata", "*.*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

var discard = slog.New(slog.DiscardHandler)

// checkResult asserts "a result or an error", and that an error is one a
// caller can classify.
func checkResult(t *testing.T, isNil bool, err error) {
	t.Helper()
	if err == nil && isNil {
		t.Fatalf("no result and no error")
	}
	if err != nil && !isNil {
		t.Fatalf("both a result and an error: %v", err)
	}
	var ae *mfa.APIError
	if err != nil && (!errors.Is(err, mfa.ErrInvalidResponse) || !errors.As(err, &ae)) {
		t.Fatalf("untyped error %v", err)
	}
}

func FuzzDecodeDevices(f *testing.F) {
	addFixtures(f)
	f.Add([]byte(`{"otp_devices":[{"id":"x","create_time":{"a":[1,2]}}]}`))
	f.Add([]byte(`{"virtual_mfa_devices":[null]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		resp := func() *transport.Response { return &transport.Response{StatusCode: 200, Body: body} }
		otp, err := decodeOTPDevices(resp(), "p", "u", discard)
		checkResult(t, otp == nil, err)
		for _, d := range otp {
			if d.ID() == "" || d.Status() == "" {
				t.Fatalf("device without id or status: %+v", d)
			}
			if !d.CreatedAt().IsZero() && d.CreatedAt().Location() != time.UTC {
				t.Fatalf("CreatedAt not in UTC: %v", d.CreatedAt())
			}
			if _, err := d.MarshalJSON(); err != nil {
				t.Fatalf("MarshalJSON: %v", err)
			}
		}
		one, err := decodeVirtualMFADevice(resp(), "p", "u")
		checkResult(t, one == nil, err)
		if one != nil && one.ID() == "" {
			t.Fatal("virtual MFA device without serial number")
		}
		all, err := decodeVirtualMFADevices(resp(), "p")
		checkResult(t, all == nil, err)
		lp, err := decodeLoginProtect(resp(), "u")
		checkResult(t, lp == nil, err)
		lps, err := decodeLoginProtects(resp())
		checkResult(t, lps == nil, err)
	})
}

func FuzzDecodeUsers(f *testing.F) {
	addFixtures(f)
	f.Add([]byte(`{"users":[{"id":"a","enabled":null}],"links":{"next":"/v3/users?marker=a"}}`))
	f.Add([]byte(`{"total_count":1e3,"users":[{"id":"a","disabled":null}]}`))
	f.Add([]byte(`{"total_count":99999999999999999999,"users":[]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		resp := func() *transport.Response { return &transport.Response{StatusCode: 200, Body: body} }
		check := func(p usersPage, err error) {
			checkResult(t, p.users == nil, err)
			for _, u := range p.users {
				if u.ID == "" || u.Provider != "p" || u.LoginMFA != mfa.EnforcementUnknown {
					t.Fatalf("bad user %+v", u)
				}
			}
		}
		for _, enabled := range []bool{true, false} {
			p, err := decodeIAMUsers(resp(), "p", enabled)
			check(p, err)
			if err == nil && p.next != "" {
				if q, err := iamNextPage(p.next); (q == nil) == (err == nil) {
					t.Fatalf("links.next %q: %v, %v", p.next, q, err)
				}
			}
		}
		p, err := decodeWorkspaceUsers(resp(), "p")
		check(p, err)
		if err == nil && p.total < -1 {
			t.Fatalf("total_count %d", p.total)
		}
	})
}

func FuzzDecodeError(f *testing.F) {
	addFixtures(f)
	f.Add([]byte(`{"error":{"code":1e999,"message":7,"title":["x"]}}`))
	f.Add([]byte(`{"error_code":"APIG.0308","error_msg":"\u0000\ud800"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, status := range []int{400, 401, 404, 429, 500, 503} {
			e := decodeError(&transport.Response{StatusCode: status, Body: body})
			if e == nil {
				continue
			}
			if e.Code == "" && e.Message == "" {
				t.Fatal("an envelope with neither code nor message")
			}
			if len(e.Code) > maxCodeBytes+3 || len(e.Message) > maxMessageBytes+3 {
				t.Fatalf("unbounded text: %d, %d bytes", len(e.Code), len(e.Message))
			}
			e.StatusCode = status
			n := 0
			for _, s := range []error{mfa.ErrNotFound, mfa.ErrUnauthorized, mfa.ErrForbidden, mfa.ErrRateLimited,
				mfa.ErrUnavailable, mfa.ErrBadRequest, mfa.ErrUnsupported, mfa.ErrInvalidResponse} {
				if errors.Is(e, s) { // the causes included
					n++
				}
			}
			if n != 1 {
				t.Fatalf("%v matches %d sentinels", e, n)
			}
			_ = e.Error()
		}
	})
}

func FuzzDecodeToken(f *testing.F) {
	addFixtures(f)
	f.Add([]byte(`{"token":{"expires_at":"2099-01-04T09:08:49.965000Z"}}`))
	f.Add([]byte(`{"token":{"expires_at":5}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, header := range []string{"", "tok", "tok\n"} {
			resp := &transport.Response{StatusCode: 201, Header: http.Header{"X-Subject-Token": {header}}, Body: body}
			tok, err := decodeToken(context.Background(), resp, discard)
			checkResult(t, tok.Value == "", err)
			if !tok.Expires.IsZero() && tok.Expires.Location() != time.UTC {
				t.Fatalf("expiry not in UTC: %v", tok.Expires)
			}
		}
	})
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{
		"2020-04-10 06:45:14", "2020-04-10T06:45:14Z", "2020-04-10T06:45:14", "2020-04-10T14:45:14+08:00",
		"2020-04-10T06:45:14.123456Z", "2020-04-10T06:45:14.5+02:00", "10/04/2020 06:45", "", "2020-04-10T06:45:14+0800",
		"9999-12-31T23:59:59-23:59", "0000-01-01 00:00:00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseTime(s)
		if !ok {
			if !got.IsZero() {
				t.Fatalf("%q: not parsed but %v", s, got)
			}
			return
		}
		if got.Location() != time.UTC {
			t.Fatalf("%q: %v not in UTC", s, got)
		}
	})
}

// The signer must not panic on any path, query or header value.
func FuzzSign(f *testing.F) {
	f.Add("/v2/p/users/u/otp-devices", "a=1&b=2", "application/json", []byte(nil))
	f.Add("/a%2Fb/%zz/..", "%zz=&&=x;y", " \t", []byte(`{"x":1}`))
	f.Fuzz(func(t *testing.T, path, query, contentType string, body []byte) {
		u := &url.URL{Scheme: "https", Host: "iam.example.com", RawPath: path, Path: path, RawQuery: query}
		if p, err := url.PathUnescape(path); err == nil {
			u.Path = p
		}
		req := &http.Request{Method: http.MethodPost, URL: u, Host: u.Host, Header: http.Header{}}
		if contentType != "" {
			req.Header["Content-Type"] = []string{contentType}
		}
		if body != nil {
			req.Body = io.NopCloser(bytes.NewReader(body))
		}
		if err := sign(req, "AK", "SK", time.Unix(0, 0)); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(req.Header.Get("Authorization"), "SDK-HMAC-SHA256 Access=AK, SignedHeaders=") {
			t.Fatalf("bad Authorization %q", req.Header.Get("Authorization"))
		}
	})
}
