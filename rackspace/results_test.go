package rackspace

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/internal/transport"
	"github.com/openmfa/mfa-go/mfa"
)

// The fuzz targets hold every decoder to its promise: no panic, a value or
// an error, and every error typed. Their seeds, the testdata fixtures, run
// in plain go test.

// ok200 is a success response with body, fresh for each decoder: the
// decoders drop a byte order mark from it.
func ok200(body []byte) *transport.Response {
	return &transport.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: body}
}

// addFixtures seeds f with the testdata files matching patterns.
func addFixtures(f *testing.F, patterns ...string) {
	for _, p := range patterns {
		names, err := filepath.Glob(filepath.Join("testdata", p))
		require.NoError(f, err)
		require.NotEmpty(f, names, p)
		for _, name := range names {
			body, err := os.ReadFile(name)
			require.NoError(f, err)
			f.Add(body)
		}
	}
}

// checkResult fails unless exactly one of v and err is set, and err is an
// invalid response.
func checkResult(t *testing.T, what string, isNil bool, err error) {
	t.Helper()
	if isNil == (err == nil) {
		t.Fatalf("%s: nil value %v, error %v", what, isNil, err)
	}
	if err != nil && !errors.Is(err, mfa.ErrInvalidResponse) {
		t.Fatalf("%s: untyped error %v", what, err)
	}
}

func checkDevice(t *testing.T, d *OTPDevice) {
	t.Helper()
	switch {
	case d.ID() == "":
		t.Fatal("a device without an id")
	case d.Status() == mfa.StatusActive && d.VendorStatus() != VendorVerified,
		d.Status() == mfa.StatusPending && d.VendorStatus() != VendorUnverified,
		d.Status() != mfa.StatusActive && d.Status() != mfa.StatusPending && d.Status() != mfa.StatusUnknown:
		t.Fatalf("status %q, vendor status %q", d.Status(), d.VendorStatus())
	}
	if _, err := json.Marshal(d); err != nil {
		t.Fatal(err)
	}
}

func FuzzDevices(f *testing.F) {
	addFixtures(f, "*.json", "*.xml", "*.html")
	f.Add([]byte(`{"rax-auth:OTPDEVICES":[{"ID":"a","Name":"n","VERIFIED":1e0},{"id":"d","verified":[]}]}`))
	f.Add([]byte(`<a:otpDevices xmlns:a="http://docs.rackspace.com/identity/api/ext/RAX-AUTH/v1.0"><a:otpDevice id="x" verified="1"><b/></a:otpDevice><c/></a:otpDevices>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		devices, err := decodeDevices(ok200(body), "p", "u")
		checkResult(t, "list", devices == nil, err)
		for _, d := range devices {
			checkDevice(t, d)
		}
		d, err := decodeDevice(ok200(body), "p", "u", "x")
		checkResult(t, "one", d == nil, err)
		if d != nil {
			checkDevice(t, d)
		}
	})
}

func FuzzUserMFA(f *testing.F) {
	addFixtures(f, "user*.json", "user*.xml")
	f.Add([]byte(`{"user":{"RAX-AUTH:multiFactorEnabled":1,"rax-auth:MULTIFACTORSTATE":null,"username":"x"}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		u, err := decodeUserMFA(ok200(body))
		checkResult(t, "user", u == nil, err)
	})
}

func FuzzUsers(f *testing.F) {
	addFixtures(f, "users*.json", "users*.xml", "user*.json", "user*.xml", "*.html")
	f.Add([]byte(`{"USERS":[{"id":"a","Enabled":"1","rax-auth:MULTIFACTORENABLED":"TRUE","multiFactorEnabled":[]}],"users_links":[{"rel":"prev next","href":"%zz"}]}`))
	f.Add([]byte(`<users xmlns="http://docs.openstack.org/identity/api/v2.0"><user id="1"/><link rel="NEXT" href="?marker=&amp;limit=x"/></users>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		page, err := decodeUsers(ok200(body))
		checkResult(t, "users", page == nil, err)
		if page == nil {
			return
		}
		for i := range page.users {
			u, _ := page.users[i].user("p")
			switch {
			case u.ID == "" || u.Provider != "p":
				t.Fatalf("user %+v", u)
			case u.LoginMFA != mfa.EnforcementRequired && u.LoginMFA != mfa.EnforcementNotRequired && u.LoginMFA != mfa.EnforcementUnknown:
				t.Fatalf("login %q", u.LoginMFA)
			case u.LoginMFAMethod != "" && u.LoginMFA != mfa.EnforcementRequired:
				t.Fatalf("a method %q for a login that does not require one", u.LoginMFAMethod)
			}
		}
		if q := page.next(); q != nil && q.Get("marker") == "" {
			t.Fatalf("a next page without a marker: %v", q)
		}
	})
}

func FuzzMobilePhones(f *testing.F) {
	addFixtures(f, "mobile_phones*", "*.html")
	f.Add([]byte(`{"rax-auth:MOBILEPHONES":[{"ID":"a","Number":"+1 (265) 894-3489","VERIFIED":"1"},{"id":"b","number":"1"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		phones, err := decodeMobilePhones(ok200(body), "p", "u")
		checkResult(t, "phones", phones == nil, err)
		for _, p := range phones {
			checkPhone(t, p)
		}
	})
}

func checkPhone(t *testing.T, p *MobilePhone) {
	t.Helper()
	if p.ID() == "" || p.Kind() != mfa.KindSMS {
		t.Fatalf("phone %#v", p)
	}
	// The masked number is all a phone keeps of it.
	if name := p.Name(); name != p.masked || name != "" && (!strings.HasPrefix(name, numberMask) || len(name) > len(numberMask)+2) {
		t.Fatalf("the masked number %q", name)
	}
	if _, err := json.Marshal(p); err != nil {
		t.Fatal(err)
	}
}

// tooManyDigits reports whether s holds more than two ASCII digits in a
// row.
func tooManyDigits(s string) bool {
	run := 0
	for i := range len(s) {
		if s[i] >= '0' && s[i] <= '9' {
			if run++; run > 2 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// FuzzMaskNumbers: the transport's RedactBody never panics, and leaves no
// number member with more than two digits showing.
func FuzzMaskNumbers(f *testing.F) {
	addFixtures(f, "mobile_phones*", "users*.json")
	f.Add([]byte(`{"number" : "12658943489", "Number":12658943489, 'number'='1'} number = '+1 265' number="1234`))
	f.Fuzz(func(t *testing.T, body []byte) {
		out := maskNumbers(body)
		for _, m := range numberValue.FindAllSubmatch(out, -1) {
			if tooManyDigits(string(m[2])) {
				t.Fatalf("%q left %q", body, m[0])
			}
		}
	})
}

func FuzzToken(f *testing.F) {
	addFixtures(f, "token*.json", "token*.xml")
	f.Fuzz(func(t *testing.T, body []byte) {
		tok, err := decodeToken(ok200(body), "p")
		checkResult(t, "token", tok.ID == "", err)
		if err != nil && strings.Contains(err.Error(), tokenIn(body)) {
			t.Fatalf("the error quotes the token: %v", err)
		}
	})
}

// tokenIn returns what a body would hold as a token: an id of 8 bytes
// or more, or a string that no error has.
func tokenIn(body []byte) string {
	var j accessJSON
	if json.Unmarshal(body, &j) == nil && j.Access != nil && j.Access.Token != nil && len(j.Access.Token.ID) >= 8 {
		return j.Access.Token.ID
	}
	return "\x00no token\x00"
}

func FuzzFault(f *testing.F) {
	addFixtures(f, "faults/*", "*.json", "*.xml", "*.html")
	f.Fuzz(func(t *testing.T, body []byte) {
		resp := &transport.Response{StatusCode: http.StatusBadRequest, Header: http.Header{}, Body: body}
		e := decodeError(resp)
		if e == nil {
			return
		}
		e.StatusCode = resp.StatusCode // as the transport sets it
		if e.Code == "" || e.Message == "" {
			t.Fatalf("incomplete error %#v", e)
		}
		if !errors.Is(e, e.Kind) && !errors.Is(e, mfa.ErrBadRequest) {
			t.Fatalf("error %v matches no sentinel", e)
		}
	})
}

// TestFixturesThatAreNoFault: a body that is not a fault, under an error
// status, is never read as one.
func TestFixturesThatAreNoFault(t *testing.T) {
	names, err := filepath.Glob("testdata/*.*")
	require.NoError(t, err)
	names = append(names, "testdata/faults/itemNotFound_wrong_ns.xml")
	for _, name := range names {
		body, err := os.ReadFile(name)
		require.NoError(t, err)
		_, _, ok := parseFault(&transport.Response{StatusCode: http.StatusNotFound, Body: body})
		require.False(t, ok, "%s is no fault", name)
	}
}

// devicesBody is a list of n OTP devices, in JSON pretty-printed as the
// vendor's examples are, or in XML.
func devicesBody(n int, format Format) []byte {
	var b strings.Builder
	if format == XML {
		b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
		b.WriteString(`<rax-auth:otpDevices xmlns:rax-auth="` + nsRAXAUTH + `" xmlns="` + nsIdentity + `">` + "\n")
		for i := range n {
			fmt.Fprintf(&b, "  <rax-auth:otpDevice verified=\"%t\" name=\"OTPDevice%d\" id=\"%032x\"/>\n", i%4 != 0, i, i*7919+1)
		}
		b.WriteString("</rax-auth:otpDevices>\n")
		return []byte(b.String())
	}
	b.WriteString("{\n    \"RAX-AUTH:otpDevices\": [")
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "\n        {\n            \"id\": \"%032x\",\n            \"verified\": %t,\n            \"name\": \"OTPDevice%d\"\n        }", i*7919+1, i%4 != 0, i)
	}
	b.WriteString("\n    ]\n}")
	return []byte(b.String())
}

// BenchmarkDecodeOTPDevices is decoding alone, 1,000 devices, in each
// format.
func BenchmarkDecodeOTPDevices(b *testing.B) {
	const n = 1000
	for _, format := range []Format{JSON, XML} {
		body := devicesBody(n, format)
		b.Run(format.String(), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if devs, err := decodeDevices(ok200(body), "p", "u"); err != nil || len(devs) != n {
					b.Fatal(err)
				}
			}
		})
	}
}
