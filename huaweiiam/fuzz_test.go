package huaweiiam

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/openmfa/mfa-go/internal/jsonscan"
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
func checkResult[T any](t *testing.T, v T, isNil bool, err error) {
	t.Helper()
	if err == nil && isNil {
		t.Fatalf("no result and no error")
	}
	if err != nil && !isNil {
		t.Fatalf("both a result and an error: %v", err)
	}
	if err != nil && !strings.Contains(err.Error(), "invalid") && !strings.Contains(err.Error(), "cannot decode") {
		t.Fatalf("unexpected error %v", err)
	}
}

func FuzzDecodeDevices(f *testing.F) {
	addFixtures(f)
	f.Add([]byte(`{"otp_devices":[{"id":"x","create_time":{"a":[1,2]}}]}`))
	f.Add([]byte(`{"virtual_mfa_devices":[null]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		resp := func() *transport.Response { return &transport.Response{StatusCode: 200, Body: body} }
		otp, err := decodeOTPDevices(resp(), "p", "u", discard)
		checkResult(t, otp, otp == nil, err)
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
		checkResult(t, one, one == nil, err)
		if one != nil && one.ID() == "" {
			t.Fatal("virtual MFA device without serial number")
		}
		all, err := decodeVirtualMFADevices(resp(), "p")
		checkResult(t, all, all == nil, err)
		lp, err := decodeLoginProtect(resp(), "u")
		checkResult(t, lp, lp == nil, err)
		lps, err := decodeLoginProtects(resp())
		checkResult(t, lps, lps == nil, err)
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
				if e.Is(s) {
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
		creds := &akskCredentials{accessKey: "AK", secretKey: "SK", now: time.Now}
		if err := creds.sign(req, time.Unix(0, 0)); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(req.Header.Get("Authorization"), "SDK-HMAC-SHA256 Access=AK, SignedHeaders=") {
			t.Fatalf("bad Authorization %q", req.Header.Get("Authorization"))
		}
	})
}

// FuzzDecodersAgreeWithEncodingJSON holds the jsonscan decoders to the
// encoding/json ones of decode_reference_test.go: the same bodies are
// accepted, and give the same devices (but where a key is repeated: see
// jsonscan.HasDuplicateKeys).
func FuzzDecodersAgreeWithEncodingJSON(f *testing.F) {
	addFixtures(f)
	f.Add([]byte(`{"otp_devices":[{"id":"x","create_time":{"a":[1,2]}},{"id":"y","create_time":12.5e3}]}`))
	f.Add([]byte(`{"virtual_mfa_devices":[null]}`))
	f.Add([]byte(`{"OTP_Devices":[{"ID":"x","Status":"REGISTERED"}],"otp_devices":null}`))
	f.Add([]byte(`{"virtual_mfa_device":{"serial_number":"s"},"virtual_mfa_device":null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		resp := &transport.Response{StatusCode: 200, Body: body}
		agree(t, body, "OTP devices", func() (any, error) { return decodeOTPDevices(resp, "p", "u", nil) },
			func() (any, error) { return referenceOTPDevices(resp, "p", "u", nil) })
		agree(t, body, "virtual MFA device", func() (any, error) { return decodeVirtualMFADevice(resp, "p", "u") },
			func() (any, error) { return referenceVirtualMFADevice(resp, "p", "u") })
		agree(t, body, "virtual MFA devices", func() (any, error) { return decodeVirtualMFADevices(resp, "p") },
			func() (any, error) { return referenceVirtualMFADevices(resp, "p") })
	})
}

func agree(t *testing.T, body []byte, what string, fast, reference func() (any, error)) {
	t.Helper()
	got, err := fast()
	want, wantErr := reference()
	if (err == nil) != (wantErr == nil) {
		t.Fatalf("%s of %q: jsonscan says %v, encoding/json says %v", what, body, err, wantErr)
	}
	if err == nil && !jsonscan.HasDuplicateKeys(string(body)) && !reflect.DeepEqual(got, want) {
		t.Fatalf("%s of %q:\njsonscan:      %#v\nencoding/json: %#v", what, body, got, want)
	}
}
