package e2e

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"encoding/xml"
	"html"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/rackspace"
)

// Servers that echo what they should not: a request's credentials quoted
// back in every form a server may escape them in, a ZStack error that
// quotes a row holding a TOTP seed, and a Rackspace body or error that
// holds a whole phone number. None reaches an error, a log line, or the
// fmt or JSON forms of what a call returns.

// echoCreds are credentials holding the characters that escaping
// changes: < & > " \ in the passwords, API key and secret key, and / in
// the tokens, session and security token, which some encoders write \/.
var echoCreds = credentials{
	HuaweiToken:         "HWTOK/EN/SENTINEL/3a9c71",
	HuaweiDomain:        "fake-domain",
	HuaweiUser:          "fake-auditor",
	HuaweiPassword:      `HW<pa&ss>"wo\rd/SENTINEL`,
	HuaweiProjectID:     fakeCreds.HuaweiProjectID,
	HuaweiDomainID:      fakeCreds.HuaweiDomainID,
	HuaweiAK:            fakeCreds.HuaweiAK,
	HuaweiSK:            `HWSK<&>"\/SENTINEL-9c0d1e2f3a4b5c6d`,
	HuaweiSecurityToken: "SEC/TOK/EN/SENTINEL/77e1",
	RackspaceToken:      "RAX/TOK/EN/SENTINEL/4d2f",
	RackspaceUser:       "fake-auditor",
	RackspaceAPIKey:     `RAX<k&e>y"\/SENTINEL-5b`,
	RackspacePassword:   `RAX<p&w>d"\/SENTINEL-6c`,
	ZStackSession:       "ZS/SESSION/SENTINEL/5e8a",
	ZStackAccount:       "admin",
	ZStackPassword:      `ZS<p&w>d"\/SENTINEL-7d`,
}

// echoSecrets are the secrets of echoCreds, and the hash of the ZStack
// password, which is what its login sends.
func echoSecrets() []string { return secretsWithHash(echoCreds) }

// echoed returns what a request carries that a careless server quotes
// back: the string values of a login body (the credentials first, so that
// a snippet of the answer holds them), or the credential headers, whole
// and the credential after their scheme ("OAuth <session>"). A signed
// Authorization header is quoted whole only: TestEchoedSignature quotes
// its signature.
func echoed(r *http.Request) (values []string, body []byte) {
	body, _ = io.ReadAll(r.Body)
	if len(body) > 0 {
		var v any
		if json.Unmarshal(body, &v) == nil {
			values = leaves(v)
		}
	}
	for _, h := range credentialHeaders {
		if v := r.Header.Get(h); v != "" {
			values = append(values, v)
			if _, cred, ok := strings.Cut(v, " "); ok && !strings.Contains(cred, "Signature=") {
				values = append(values, cred)
			}
		}
	}
	secrets := echoSecrets()
	rank := func(v string) int {
		if slices.Contains(secrets, v) {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(values, func(a, b string) int { return cmp.Compare(rank(a), rank(b)) })
	return values, body
}

// leaves returns the strings of a decoded JSON value, depth first.
func leaves(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			out = append(out, leaves(x)...)
		}
		return out
	case map[string]any:
		var out []string
		for _, k := range slices.Sorted(maps.Keys(v)) {
			out = append(out, leaves(v[k])...)
		}
		return out
	}
	return nil
}

// echoStyles are the forms a server answers 400 in, quoting the request.
var echoStyles = []string{"body", "json-plain", "json-slash", "envelope", "form", "xml", "html", "text"}

// echoAnswer writes a 400 that quotes values (or the whole body) back in
// style: the request body as sent (JSON-escaped with \u003c), values
// JSON-escaped without HTML escaping, with / as \/, in the vendor's error
// envelope, URL-encoded, XML-escaped, in an HTML page, or as they are.
func echoAnswer(k kind, w http.ResponseWriter, style string, values []string, body []byte) {
	joined := strings.Join(values, " ")
	plain := func() string {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(map[string]any{"echo": values})
		return b.String()
	}
	ct, out := "application/json", ""
	switch style {
	case "body":
		quoted := body
		if len(quoted) == 0 {
			quoted, _ = json.Marshal(values)
		}
		out = `{"echo":` + string(quoted) + `,"message":"bad request"}`
	case "json-plain":
		out = plain()
	case "json-slash":
		out = strings.ReplaceAll(plain(), "/", `\/`)
	case "envelope":
		msg, _ := json.Marshal("cannot read the request: " + joined + " " + string(body))
		switch k {
		case kIAM, kWorkspace:
			out = `{"error_code":"IAM.0001","error_msg":` + string(msg) + `}`
		case kRaxJSON:
			out = `{"badRequest":{"code":400,"message":` + string(msg) + `}}`
		case kRaxXML:
			var x strings.Builder
			_ = xml.EscapeText(&x, []byte(joined))
			ct, out = "application/xml", `<?xml version="1.0" encoding="UTF-8"?><badRequest xmlns="`+identityNS+`" code="400"><message>`+x.String()+`</message></badRequest>`
		default:
			out = `{"error":{"code":"SYS.1007","description":"invalid argument","details":` + string(msg) + `}}`
		}
	case "form":
		ct = "application/x-www-form-urlencoded"
		q := url.Values{"echo": values}
		out = q.Encode()
	case "xml":
		var x strings.Builder
		_ = xml.EscapeText(&x, []byte(joined))
		ct, out = "application/xml", `<?xml version="1.0"?><request><echo>`+x.String()+`</echo></request>`
	case "html":
		ct, out = "text/html", "<html><body><p>"+html.EscapeString(joined)+"</p></body></html>"
	default:
		ct, out = "text/plain", joined
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(http.StatusBadRequest)
	_, _ = io.WriteString(w, out)
}

// A server that answers 400 to a login and quotes the request body
// back (a password or API key holding < & > " \ in its JSON-escaped
// forms), or to a call and quotes its credential headers (a token, session
// or security token holding / as \/, in a body that is not an error
// envelope). No form of any credential reaches an error or a log line.
func TestEchoedCredentials(t *testing.T) {
	noLeaks(t)
	for _, style := range echoStyles {
		for _, v := range credVariants() {
			t.Run(style+"/"+v.String(), func(t *testing.T) {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					values, body := echoed(r)
					echoAnswer(v.k, w, style, values, body)
				}))
				t.Cleanup(srv.Close)
				var l logs
				rec := newRecorder(t)
				tg := mustBuild(t, v.k, setup{URL: srv.URL, IAMURL: srv.URL, Creds: echoCreds, Auth: v.auth, Rec: rec, Logger: l.Logger()})
				var sc scan
				for _, s := range echoSecrets() {
					sc.secret("credential", s)
				}
				for _, o := range fakeOps(tg) {
					res, err := run(t, context.Background(), o)
					require.Error(t, err, o.name)
					sc.result(o.name, res, err)
				}
				for _, line := range l.Lines() {
					sc.text("log line", line)
				}
				sc.check(t)
				assertNoHeaderValues(t, sc.allTexts(&l), rec)
			})
		}
	}
}

// echoSeed is a ZStack TOTP seed long enough that the scan also looks for
// its halves.
const echoSeed = "SEEDSENTINEL7F3AQWERTYUIOPASDFGH"

// A ZStack error that quotes a row of the secrets table, seed
// included: in the details of a 503 (ZStack answers 503 to every failed
// query), its description, a cause, the second of several causes, with
// the key escaped or in capitals, in a 200 that holds an error, in a body
// that is no envelope, and in a secrets body cut in the middle of the
// seed. The seed reaches no error and no log line.
func TestZStackSeedInErrors(t *testing.T) {
	noLeaks(t)
	row := `{"uuid":"d1","secret":"` + echoSeed + `","userUuid":"u1","userType":"AccountVO","status":"Logined"}`
	quote := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	bodies := map[string]struct {
		status int
		body   string
	}{
		"details":     {503, `{"error":{"code":"SYS.1000","description":"An internal error happened","details":` + quote("failed to handle "+row) + `}}`},
		"description": {503, `{"error":{"code":"SYS.1000","description":` + quote("failed: "+row) + `,"details":"see the cause"}}`},
		"cause": {503, `{"error":{"code":"SYS.1000","description":"query failed","details":"see the cause",` +
			`"cause":{"code":"SYS.1006","description":"a row failed","details":` + quote(row) + `}}}`},
		"causes": {503, `{"error":{"code":"SYS.1000","description":"query failed","details":"see the causes",` +
			`"causes":[{"code":"SYS.1006","details":"fine"},{"code":"SYS.1006","details":` + quote("row "+row) + `}]}}`},
		"escaped-key": {503, `{"error":{"code":"SYS.1000","description":"x","details":` +
			quote(strings.Replace(row, `"secret"`, `"s\u0065cret"`, 1)) + `}}`},
		"capital-key": {503, `{"error":{"code":"SYS.1000","description":"x","details":` +
			quote(strings.Replace(row, `"secret"`, `"SECRET"`, 1)) + `}}`},
		"200-error":      {200, `{"error":{"code":"SYS.1000","description":"x","details":` + quote(row) + `}}`},
		"not-envelope":   {503, `{"failure":` + row + `}`},
		"row-in-text":    {500, "Internal Server Error: " + row},
		"truncated-seed": {200, `{"inventories":[{"uuid":"d1","userUuid":"u1","status":"Logined","secret":"` + echoSeed[:len(echoSeed)/2]},
	}
	for name, b := range bodies {
		t.Run(name, func(t *testing.T) {
			f := newFake(t, kZStack, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(b.status)
				_, _ = io.WriteString(w, b.body)
			})
			var l logs
			st := fakeSetup(f, static, newRecorder(t))
			st.Logger = l.Logger()
			tg := mustBuild(t, kZStack, st)
			var sc scan
			sc.secret("seed", echoSeed)
			for _, o := range fakeOps(tg) {
				res, err := run(t, context.Background(), o)
				require.Error(t, err, o.name)
				sc.result(o.name, res, err)
			}
			for _, line := range l.Lines() {
				sc.text("log line", line)
			}
			sc.check(t)
		})
	}
}

// phoneLabel is the label phone numbers are scanned under.
const phoneLabel = "phone number"

// Phone numbers are personal data: a Rackspace mobile phone shows its
// number masked to its last two digits, and no body a server sends, valid
// or not, makes a whole number reach an error, a log line, or any fmt
// (every verb and flag), JSON or slog form of a phone or an error.
func TestPhoneNumbers(t *testing.T) {
	noLeaks(t)
	for _, k := range []kind{kRaxJSON, kRaxXML} {
		number := fakePhone
		if k == kRaxXML {
			number = fakePhoneXML
		}
		valid := func(r *http.Request) string { _, b := validBody(k, r); return b }
		jsonPhones := func(p string) string { return `{"RAX-AUTH:mobilePhones":[` + p + `]}` }
		bodies := map[string]func(r *http.Request) (int, string){
			"valid": func(r *http.Request) (int, string) { return 200, valid(r) },
			"cut-after-number": func(r *http.Request) (int, string) {
				b := valid(r)
				return 200, b[:strings.Index(b, number)+len(number)+1]
			},
			"cut-in-number": func(r *http.Request) (int, string) {
				b := valid(r)
				return 200, b[:strings.Index(b, number)+len(number)-3]
			},
			"unknown-flag": func(r *http.Request) (int, string) {
				b := strings.Replace(valid(r), `"verified":true`, `"verified":"maybe"`, 1)
				return 200, strings.Replace(b, `verified="true"`, `verified="maybe"`, 1)
			},
			"bare-number": func(r *http.Request) (int, string) {
				return 200, jsonPhones(`{"id":"p1","verified":true,"number":` + fakePhone + `}`)
			},
			"error-quoting-phone": func(r *http.Request) (int, string) {
				msg, _ := json.Marshal(`cannot read {"id":"p1","number":"` + fakePhone + `"}`)
				return 500, `{"identityFault":{"code":500,"message":` + string(msg) + `}}`
			},
			"xml-error-quoting-phone": func(r *http.Request) (int, string) {
				return 400, `<?xml version="1.0"?><badRequest xmlns="` + identityNS + `" code="400"><message>mobilePhone number="` +
					fakePhoneXML + `" is not valid</message></badRequest>`
			},
			"html-quoting-phone": func(r *http.Request) (int, string) {
				return 502, `<html><body><pre>{"number":"` + fakePhone + `"}</pre></body></html>`
			},
		}
		for name, body := range bodies {
			t.Run(k.String()+"-"+name, func(t *testing.T) {
				f := newFake(t, k, func(w http.ResponseWriter, r *http.Request) {
					status, b := 200, valid(r)
					if strings.HasSuffix(r.URL.Path, "/mobile-phones") {
						status, b = body(r)
					}
					ct, _ := validBody(k, r)
					w.Header().Set("Content-Type", ct)
					w.WriteHeader(status)
					_, _ = io.WriteString(w, b)
				})
				var l logs
				st := fakeSetup(f, static, newRecorder(t))
				st.Logger = l.Logger()
				tg := mustBuild(t, k, st)
				c := tg.client.(*rackspace.Client)
				var vc verbCheck
				for _, s := range phoneForms(number) {
					vc.add(phoneLabel, s)
				}
				show := func(label string, v any) {
					vc.print(t, label, v, nil)
					if b, err := json.Marshal(v); err == nil {
						vc.look(t, label+" JSON", string(b), "", nil)
					}
					var rec bytes.Buffer
					slog.New(slog.NewJSONHandler(&rec, nil)).Info("x", "v", v)
					slog.New(slog.NewTextHandler(&rec, nil)).Info("x", "v", v)
					vc.look(t, label+" slog", rec.String(), "", nil)
				}
				phones, err := c.MobilePhones(context.Background(), fakeUser)
				if name == "valid" || name == "unknown-flag" {
					require.NoError(t, err)
					require.Len(t, phones, 1)
					assert.Equal(t, "*********89", phones[0].Name(), "the masked number")
					assert.Equal(t, mfa.KindSMS, phones[0].Kind())
				}
				for _, p := range phones {
					show("MobilePhone", p)
					show("MobilePhone value", *p)
				}
				if err != nil {
					show("MobilePhones error", err)
				}
				devs, err := c.UserDevices(context.Background(), fakeUser)
				for _, d := range devs {
					show("device", d)
				}
				if err != nil {
					show("UserDevices error", err)
				}
				d, err := c.Device(context.Background(), fakeUser, "p1")
				if d != nil {
					show("Device", d)
				}
				if err != nil {
					show("Device error", err)
				}
				for _, line := range l.Lines() {
					vc.look(t, "log line", line, "", nil)
				}
			})
		}
	}
}

// phoneForms are the ways a number may be written: as given, as its
// digits with and without the country code.
func phoneForms(number string) []string {
	var sc scan
	sc.phone(phoneLabel, number)
	var out []string
	for _, s := range sc.secrets {
		out = append(out, s.value)
	}
	return out
}

// An AK/SK client's request is refused by a gateway that quotes the
// signature it did not accept, alone or as the signed header without its
// scheme. The signature is what a signed request carries in place of a
// token: replayed within the gateway's clock window, it passes for the
// same request. It reaches no error.
func TestEchoedSignature(t *testing.T) {
	noLeaks(t)
	for _, form := range []string{"signature", "after-scheme"} {
		for _, k := range []kind{kIAM, kWorkspace} {
			t.Run(form+"/"+k.String(), func(t *testing.T) {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					auth := r.Header.Get("Authorization")
					_, quoted, _ := strings.Cut(auth, " ")
					if form == "signature" {
						_, quoted, _ = strings.Cut(auth, "Signature=")
					}
					msg, _ := json.Marshal("verify aksk signature fail: " + quoted)
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(http.StatusUnauthorized)
					_, _ = io.WriteString(w, `{"error_code":"APIGW.0301","error_msg":`+string(msg)+`}`)
				}))
				t.Cleanup(srv.Close)
				rec := newRecorder(t)
				tg := mustBuild(t, k, setup{URL: srv.URL, IAMURL: srv.URL, Creds: fakeCreds, Auth: aksk, Rec: rec})
				var sc scan
				for _, o := range fakeOps(tg) {
					res, err := o.call(context.Background())
					require.Error(t, err, o.name)
					sc.result(o.name, res, err)
				}
				require.NotEmpty(t, rec.Values())
				assertNoHeaderValues(t, sc.allTexts(&logs{}), rec)
			})
		}
	}
}
