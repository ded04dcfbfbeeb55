package rackspace

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/internal/jsonscan"
	"github.com/openmfa/mfa-go/internal/transport"
	"github.com/openmfa/mfa-go/mfa"
)

// fixtures returns the bodies under testdata whose names match pattern.
func fixtures(t testing.TB, patterns ...string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, p := range patterns {
		names, err := filepath.Glob(filepath.Join("testdata", p))
		require.NoError(t, err)
		for _, name := range names {
			b, err := os.ReadFile(name)
			require.NoError(t, err)
			out[name] = b
		}
	}
	require.NotEmpty(t, out, patterns)
	return out
}

func TestParseFaultFixtures(t *testing.T) {
	for name, body := range fixtures(t, "faults/*.json", "faults/*.xml") {
		f, ok := parseFault(body)
		base := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
		if base == "itemNotFound_wrong_ns" {
			assert.False(t, ok, name)
			continue
		}
		require.True(t, ok, name)
		want, _, _ := strings.Cut(base, "_")
		assert.Equal(t, want, f.name, name)
		assert.NotEmpty(t, f.message, name)
		_, known := faultKinds[f.name]
		assert.True(t, known, name)
	}
	for name, body := range fixtures(t, "*.json", "*.xml", "*.html", "*.txt") {
		_, ok := parseFault(body)
		assert.False(t, ok, "%s is no fault", name)
	}
}

func TestSniff(t *testing.T) {
	assert.Equal(t, byte('{'), sniff([]byte("\xEF\xBB\xBF \r\n\t{}")))
	assert.Equal(t, byte('<'), sniff([]byte("  <a/>")))
	assert.Equal(t, byte(0), sniff([]byte(" \n ")))
	assert.Equal(t, byte(0), sniff([]byte(nil)))

	devices, err := decodeDevices("\xEF\xBB\xBF"+`{"RAX-AUTH:otpDevices":[{"id":"d","verified":true}]}`, "p", "u")
	require.NoError(t, err, "a byte order mark is skipped")
	require.Len(t, devices, 1)
	_, err = decodeDevices(`RAX-AUTH:otpDevices`, "p", "u")
	assert.ErrorIs(t, err, errNotJSONOrXML)
}

func TestDecodeToken(t *testing.T) {
	for _, name := range []string{"token.json", "token.xml"} {
		body := fixtures(t, name)[filepath.Join("testdata", name)]
		tok, err := decodeToken(string(body))
		require.NoError(t, err, name)
		assert.Equal(t, "TOKEN-SENTINEL-7f3a", tok.id)
		assert.Equal(t, "2014-01-09T15:08:53.645-06:00", tok.expires)
	}
	_, err := decodeToken(string(fixtures(t, "token_no_id.json")["testdata/token_no_id.json"]))
	assert.ErrorContains(t, err, "no access.token.id")
	_, err = decodeToken(`<access xmlns="http://docs.openstack.org/identity/api/v2.0"><user id="u"/></access>`)
	assert.ErrorContains(t, err, "holds no <token>")
	_, err = decodeToken(`{"access":null}`)
	assert.ErrorContains(t, err, `no "access.token" object`)
}

func TestParseEndpoint(t *testing.T) {
	for in, want := range map[string]string{
		"https://identity.api.rackspacecloud.com":             "https://identity.api.rackspacecloud.com",
		"https://identity.api.rackspacecloud.com/":            "https://identity.api.rackspacecloud.com",
		"https://identity.api.rackspacecloud.com/v2.0":        "https://identity.api.rackspacecloud.com",
		"https://identity.api.rackspacecloud.com/v2.0/":       "https://identity.api.rackspacecloud.com",
		"http://127.0.0.1:8080/identity/v2.0":                 "http://127.0.0.1:8080/identity",
		"https://lon.identity.api.rackspacecloud.com/v2.0abc": "https://lon.identity.api.rackspacecloud.com/v2.0abc",
	} {
		u, err := parseEndpoint(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, u.String(), in)
	}
}

func TestStatusOf(t *testing.T) {
	for word, want := range map[string][2]string{
		"true": {"active", "verified"}, "TRUE": {"active", "verified"}, " True ": {"active", "verified"}, "1": {"active", "verified"},
		"false": {"pending", "unverified"}, "False": {"pending", "unverified"}, "0": {"pending", "unverified"},
		"": {"unknown", ""}, "yes": {"unknown", "yes"}, "2": {"unknown", "2"},
	} {
		status, vendor := statusOf(word)
		assert.Equal(t, mfa.Status(want[0]), status, word)
		assert.Equal(t, want[1], vendor, word)
	}
}

func TestDecodeErrorHook(t *testing.T) {
	e := decodeError(&transport.Response{StatusCode: http.StatusRequestEntityTooLarge, Header: http.Header{},
		Body: []byte(`{"overLimit":{"code":413,"message":"Over Limit"}}`)})
	require.NotNil(t, e)
	e.StatusCode = http.StatusRequestEntityTooLarge
	assert.ErrorIs(t, e, mfa.ErrRateLimited)

	e = decodeError(&transport.Response{StatusCode: http.StatusNotFound, Header: http.Header{},
		Body: []byte(`{"itemNotFound":{"code":404}}`)})
	require.NotNil(t, e)
	assert.Equal(t, "Not Found", e.Message, "a fault without a message gets the status text")

	assert.Nil(t, decodeError(&transport.Response{StatusCode: http.StatusNotFound, Header: http.Header{}, Body: []byte(`{"itemNotFound":"gone"}`)}))
	assert.Nil(t, decodeError(&transport.Response{StatusCode: http.StatusNotFound, Header: http.Header{}, Body: []byte(`{"a":{},"b":{}}`)}))
	assert.Nil(t, decodeError(&transport.Response{StatusCode: http.StatusNotFound, Header: http.Header{}, Body: []byte(`{"":{"message":"no name"}}`)}), "a fault needs a name")
	assert.Nil(t, decodeError(&transport.Response{StatusCode: http.StatusNotFound, Header: http.Header{}, Body: []byte(`{"thing":{"id":"x"}}`)}))
	assert.Nil(t, decodeError(&transport.Response{StatusCode: http.StatusNotFound, Header: http.Header{}, Body: []byte(`<user xmlns="http://docs.openstack.org/identity/api/v2.0" id="x"/>`)}))
}

// checkDevices asserts what every decoded device promises.
func checkDecoded(t *testing.T, devices []*OTPDevice) {
	for _, d := range devices {
		if d == nil {
			t.Fatal("nil device")
		}
		if d.ID() == "" {
			t.Fatal("device without an id")
		}
		switch d.Status() {
		case mfa.StatusActive:
			if d.VendorStatus() != VendorVerified {
				t.Fatalf("active device with vendor status %q", d.VendorStatus())
			}
		case mfa.StatusPending:
			if d.VendorStatus() != VendorUnverified {
				t.Fatalf("pending device with vendor status %q", d.VendorStatus())
			}
		case mfa.StatusUnknown:
		default:
			t.Fatalf("status %q", d.Status())
		}
		if _, err := json.Marshal(d); err != nil {
			t.Fatal(err)
		}
	}
}

func addFixtures(f *testing.F, patterns ...string) {
	for _, body := range fixtures(f, patterns...) {
		f.Add(body)
	}
}

func FuzzDevicesJSON(f *testing.F) {
	addFixtures(f, "*.json")
	f.Add([]byte(`{"RAX-AUTH:otpDevices":[{"id":"d","verified":"TrUe"},{"id":"e","verified":[]}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		devices, err := decodeDevicesJSON(string(body), "p", "u")
		if (err == nil) == (devices == nil) {
			t.Fatalf("devices %v, error %v", devices, err)
		}
		checkDecoded(t, devices)
		d, err := decodeDeviceJSON(string(body), "p", "u")
		if (err == nil) == (d == nil) {
			t.Fatalf("device %v, error %v", d, err)
		}
		if d != nil {
			checkDecoded(t, []*OTPDevice{d})
		}
	})
}

// FuzzJSONDecodersAgreeWithEncodingJSON holds the jsonscan decoders of
// decode.go to the encoding/json ones of decode_reference_test.go: the
// same bodies are accepted, and give the same values, but where a body
// repeats a key (see jsonscan.HasDuplicateKeys), where only acceptance is
// compared.
//
// One quirk of the reference is left out: it gathered the user object
// into a map and folded its keys in map order, so where the object names
// a member twice in different cases ("id" and "ID") it took one at random.
// The jsonscan decoder takes the later one.
func FuzzJSONDecodersAgreeWithEncodingJSON(f *testing.F) {
	addFixtures(f, "*.json", "faults/*.json")
	for _, seed := range []string{
		`{"RAX-AUTH:otpDevices":[{"id":"d","verified":"TrUe"},{"id":"e","verified":[]}]}`,
		`{"rax-auth:OTPDEVICES":[{"ID":"a","Name":"n","VERIFIED":1e0}],"other":{"RAX-AUTH:otpDevices":null}}`,
		`{"RAX-AUTH:otpDevices":[{"id":"a"},{"id":"b"},{"id":"c"}],"RAX-AUTH:otpDevices":[{"name":"x"}],"RAX-AUTH:otpDevices":[{},null,{}]}`,
		`{"RAX-AUTH:otpDevices":[{"id":"a","verified":{}}],"RAX-AUTH:otpDevices":[{"verified":null}]}`,
		`{"RAX-AUTH:otpDevices":[{"id":"a"}],"RAX-AUTH:otpDevices":null,"RAX-AUTH:otpDevices":[{}]}`,
		`{"RAX-AUTH:otpDevices":[{"id":"a"}],"RAX-AUTH:otpDevices":[],"RAX-AUTH:otpDevices":[{}]}`,
		`{"RAX-AUTH:otpDevices":[null,{"id":"a","name":"\u00e9\ud800"}]}`,
		`{"RAX-AUTH:otpDevices":[{"id":"a","ID":null,"name":"n","name":null}]}`,
		`{"RAX-AUTH:otpDevice":{"id":"a"},"RAX-AUTH:otpDevice":{"verified":"0"}}`,
		`{"RAX-AUTH:otpDevice":{"id":"a"},"RAX-AUTH:otpDevice":null,"RAX-AUTH:otpDevice":{"name":"n"}}`,
		`{"user":{"id":"u","username":null,"name":"n","MultiFactorEnabled":"1","RAX-AUTH:multiFactorEnabled":null}}`,
		`{"user":{"id":"u","rax-auth:multifactorstate":5},"user":{"name":"x"}}`,
		`{"user":{"\u212aey":1,"\u0130d":"x","RAX-AUTH:RAX-AUTH:multiFactorState":[]}}`,
		`{"access":{"token":{"id":"t"}},"access":{"token":{"expires":"e"}}}`,
		`{"access":{"token":{"id":"t"}},"access":{"token":null},"Access":{"TOKEN":{"ID":"u"}}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		text := string(body)
		dup := jsonscan.HasDuplicateKeys(text)
		agree(t, body, dup, "OTP devices",
			func() (any, error) { return decodeDevicesJSON(text, "p", "u") },
			func() (any, error) { return referenceDevicesJSON(body, "p", "u") })
		agree(t, body, dup, "OTP device",
			func() (any, error) { return decodeDeviceJSON(text, "p", "u") },
			func() (any, error) { return referenceDeviceJSON(body, "p", "u") })
		agree(t, body, dup, "token",
			func() (any, error) { return decodeTokenJSON(text) },
			func() (any, error) { return referenceTokenJSON(body) })
		if !userKeyVariants(text) {
			agree(t, body, dup, "user",
				func() (any, error) { return decodeUserJSON(text) },
				func() (any, error) { return referenceUserJSON(body) })
		}
	})
}

func agree(t *testing.T, body []byte, dup bool, what string, fast, reference func() (any, error)) {
	t.Helper()
	got, err := fast()
	want, wantErr := reference()
	if (err == nil) != (wantErr == nil) {
		t.Fatalf("%s of %q: jsonscan says %v, encoding/json says %v", what, body, err, wantErr)
	}
	if err == nil && !dup && !reflect.DeepEqual(got, want) {
		t.Fatalf("%s of %q:\njsonscan:      %#v\nencoding/json: %#v", what, body, got, want)
	}
}

// userKeyVariants reports whether the user object of body names a member
// twice in different cases, which the reference reads at random.
func userKeyVariants(body string) bool {
	d := jsonscan.NewDecoder(body)
	seen := map[string]string{} // lower case → key
	found := false
	for key := range d.Members() {
		if !jsonscan.Match(key, "user") || d.Peek() != jsonscan.Object {
			continue
		}
		for key := range d.Members() {
			lower := strings.ToLower(key)
			if k, ok := seen[lower]; ok && k != key {
				found = true
			}
			seen[lower] = key
		}
	}
	return found
}

func FuzzDevicesXML(f *testing.F) {
	addFixtures(f, "*.xml", "*.html")
	f.Add([]byte(`<a:otpDevices xmlns:a="http://docs.rackspace.com/identity/api/ext/RAX-AUTH/v1.0"><a:otpDevice id="x" verified="1"><b/></a:otpDevice><c/></a:otpDevices>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		devices, err := decodeDevicesXML(string(body), "p", "u")
		if (err == nil) == (devices == nil) {
			t.Fatalf("devices %v, error %v", devices, err)
		}
		checkDecoded(t, devices)
		d, err := decodeDeviceXML(string(body), "p", "u", "x")
		if (err == nil) == (d == nil) {
			t.Fatalf("device %v, error %v", d, err)
		}
		if d != nil {
			checkDecoded(t, []*OTPDevice{d})
		}
	})
}

func fuzzFault(t *testing.T, body []byte) {
	f, ok := parseFault(body)
	if ok && f.name == "" {
		t.Fatal("a fault without a name")
	}
	e := decodeError(&transport.Response{StatusCode: http.StatusBadRequest, Header: http.Header{}, Body: body})
	if (e != nil) != ok {
		t.Fatalf("decodeError %v, parseFault %v", e, ok)
	}
	if e != nil && (e.Code == "" || e.Message == "") {
		t.Fatalf("incomplete error %#v", e)
	}
}

func FuzzFaultJSON(f *testing.F) {
	addFixtures(f, "faults/*.json", "*.json")
	f.Fuzz(fuzzFault)
}

func FuzzFaultXML(f *testing.F) {
	addFixtures(f, "faults/*.xml", "*.xml", "*.html")
	f.Fuzz(fuzzFault)
}

func FuzzUserMFA(f *testing.F) {
	addFixtures(f, "user*.json", "user*.xml")
	f.Add([]byte(`{"user":{"RAX-AUTH:multiFactorEnabled":1,"rax-auth:MULTIFACTORSTATE":null,"username":"x"}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		u, err := decodeUserMFA(string(body))
		if (err == nil) == (u == nil) {
			t.Fatalf("user %v, error %v", u, err)
		}
	})
}

func FuzzToken(f *testing.F) {
	addFixtures(f, "token*.json", "token*.xml")
	f.Fuzz(func(t *testing.T, body []byte) {
		tok, err := decodeToken(string(body))
		if err == nil && tok.id == "" {
			t.Fatal("a token without an id")
		}
	})
}

func FuzzVerified(f *testing.F) {
	for _, w := range []string{"true", "FALSE", " 1 ", "0", "", "maybe", "\xff"} {
		f.Add(w)
	}
	f.Fuzz(func(t *testing.T, word string) {
		status, vendor := statusOf(word)
		switch status {
		case mfa.StatusActive, mfa.StatusPending:
		case mfa.StatusUnknown:
			if vendor != word {
				t.Fatalf("unknown %q kept as %q", word, vendor)
			}
		default:
			t.Fatalf("status %q", status)
		}
		v, ok := parseBool(word)
		if wantV, wantOK := referenceParseBool(word); v != wantV || ok != wantOK {
			t.Fatalf("parseBool(%q) = %v, %v; was %v, %v", word, v, ok, wantV, wantOK)
		}
		raw, _ := json.Marshal(word)
		if _, err := jsonFlag(raw); err != nil {
			t.Fatalf("a JSON string is a flag: %v", err)
		}
	})
}
