package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/huaweiiam"
	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/rackspace"
	"github.com/openmfa/mfa-go/zstack"
)

// fmtVerbs are every verb fmt knows, and one it does not.
var fmtVerbs = []rune{'v', 's', 'q', 'x', 'X', 'd', 't', 'p', 'T', 'e', 'E', 'f', 'F', 'g', 'G', 'b', 'c', 'o', 'O', 'U', 'z'}

// fmtSpecs returns every verb of fmtVerbs under every flag, alone and
// together, with and without a width or a precision, and a few
// argument-index forms.
func fmtSpecs() []string {
	flags := []string{"", "+", "-", "#", " ", "0", "+#", "-# 0"}
	sizes := []string{"", "10", ".3"}
	var out []string
	for _, verb := range fmtVerbs {
		for _, f := range flags {
			for _, size := range sizes {
				out = append(out, "%"+f+size+string(verb))
			}
		}
		out = append(out, "%40.20"+string(verb), "%-+# 040.20"+string(verb))
	}
	return append(out, "%[1]v %[1]s %[1]d", "%*[1]s")
}

// renderings returns how fmt shows secret under spec when a value holds
// it as a string, a []byte or a []rune: what to look for in a struct
// printed with spec. A rendering that does not depend on the secret (%T,
// %p) is left out.
func renderings(spec, secret string) []string {
	other := strings.Repeat("#", len(secret))
	var out []string
	for _, pair := range [][2]any{
		{secret, other},
		{[]byte(secret), []byte(other)},
		{[]rune(secret), []rune(other)},
	} {
		r := fmt.Sprintf(spec, pair[0])
		if r == fmt.Sprintf(spec, pair[1]) || len(r) < 8 {
			continue
		}
		out = append(out, r)
		if i := strings.IndexByte(r, '{'); i > 0 {
			out = append(out, r[i:]) // Go syntax names the type as it likes: []byte, []uint8
		}
	}
	// A field's bytes as hex, whatever the verb that printed them.
	return append(out, fmt.Sprintf("%x", secret), fmt.Sprintf("%X", secret), fmt.Sprintf("% x", secret), fmt.Sprintf("% X", secret))
}

// allCreds are credentials of every kind at once, for Configs that print
// them all.
var allCreds = fakeCreds

// configs returns a Config of every vendor with every credential set, by
// value and by pointer.
func configs() map[string]any {
	secret := mfa.NewSecret
	c := allCreds
	hw := huaweiiam.Config{
		IAMEndpoint: "https://iam.myhuaweicloud.com", WorkspaceEndpoint: "https://workspace.ap-southeast-1.myhuaweicloud.com",
		ProjectID: c.HuaweiProjectID, DomainID: c.HuaweiDomainID, Token: secret(c.HuaweiToken),
		DomainName: c.HuaweiDomain, Username: c.HuaweiUser, Password: secret(c.HuaweiPassword),
		AccessKey: c.HuaweiAK, SecretKey: secret(c.HuaweiSK), SecurityToken: secret(c.HuaweiSecurityToken),
		Logger: slog.New(slog.DiscardHandler), Retry: fastRetry, Pacing: mfa.Pacing{Rate: 5, Burst: 2},
	}
	rax := rackspace.Config{
		Endpoint: rackspace.PublicEndpoint, Token: secret(c.RackspaceToken), Username: c.RackspaceUser,
		APIKey: secret(c.RackspaceAPIKey), Password: secret(c.RackspacePassword), Format: rackspace.XML,
		Logger: slog.New(slog.DiscardHandler), Retry: fastRetry,
	}
	zs := zstack.Config{
		Endpoint: "http://zstack.example.com:8080", SessionID: secret(c.ZStackSession),
		AccountName: c.ZStackAccount, Password: secret(c.ZStackPassword),
		Logger: slog.New(slog.DiscardHandler), Retry: fastRetry,
	}
	return map[string]any{
		"huaweiiam.Config": hw, "*huaweiiam.Config": &hw,
		"rackspace.Config": rax, "*rackspace.Config": &rax,
		"zstack.Config": zs, "*zstack.Config": &zs,
	}
}

// verbCheck looks for secrets, and their renderings, in what fmt prints.
type verbCheck struct {
	secrets []labelled
	checked int
}

// add adds a secret to look for.
func (c *verbCheck) add(label, secret string) {
	c.secrets = append(c.secrets, labelled{label, secret})
}

// print prints v with every spec and fails t for every secret shown.
func (c *verbCheck) print(t testing.TB, label string, v any, exempt func(secret labelled) bool) {
	t.Helper()
	for _, spec := range fmtSpecs() {
		c.look(t, label+" "+spec, fmt.Sprintf(spec, v), spec, exempt)
	}
}

// look fails t for every secret that text shows, raw, in an escaped form
// or as fmt renders it under spec ("" for no spec).
func (c *verbCheck) look(t testing.TB, label, text, spec string, exempt func(secret labelled) bool) {
	t.Helper()
	c.checked++
	if strings.Contains(text, "PANIC=") {
		t.Errorf("%s: a method panicked under fmt: %s", label, shorten(text))
	}
	for _, sec := range c.secrets {
		if exempt != nil && exempt(sec) {
			continue
		}
		if f, ok := holds(text, sec.value); ok {
			t.Errorf("%s shows %s as %q: %s", label, sec.label, f, shorten(text))
			continue
		}
		if spec == "" {
			continue
		}
		for _, r := range cachedRenderings(spec, sec.value) {
			if strings.Contains(text, r) {
				t.Errorf("%s shows %s as %q: %s", label, sec.label, r, shorten(text))
				break
			}
		}
	}
}

// renderingsOf caches renderings: every value is printed with the same
// specs and looked at for the same secrets.
var renderingsOf sync.Map // [2]string{spec, secret} -> []string

func cachedRenderings(spec, secret string) []string {
	key := [2]string{spec, secret}
	if r, ok := renderingsOf.Load(key); ok {
		return r.([]string)
	}
	r, _ := renderingsOf.LoadOrStore(key, renderings(spec, secret))
	return r.([]string)
}

// akExempt lets the Huawei access key id through in what huaweiiam prints
// (a Config, a Client, a service): it names a key pair, and is sent in
// clear in every signed request, so it is printed by design.
func akExempt(label string) func(labelled) bool {
	return func(s labelled) bool {
		return s.label == "HuaweiAK" && strings.Contains(label, "huawei")
	}
}

// Every vendor Config, by value and by pointer, with every credential set,
// shows none of them under any fmt verb and flag (nor their bytes in hex),
// in JSON, or in a slog record in text or JSON; and every Client, by
// pointer and by value, and each Huawei service, built with each kind of
// credentials and used (so that it holds a token or session it was
// issued), shows none under any verb either. fmt prints the unexported
// fields of a struct by reflection without their methods, and under a
// verb wrong for a pointer it prints what the pointer points to: the test
// holds credentials redacted by construction, not by a printing method
// per type.
func TestEveryVerb(t *testing.T) {
	noLeaks(t)
	var vc verbCheck
	for _, s := range []struct{ label, value string }{
		{"HuaweiToken", allCreds.HuaweiToken}, {"HuaweiPassword", allCreds.HuaweiPassword},
		{"HuaweiAK", allCreds.HuaweiAK}, {"HuaweiSK", allCreds.HuaweiSK}, {"HuaweiSecurityToken", allCreds.HuaweiSecurityToken},
		{"RackspaceToken", allCreds.RackspaceToken}, {"RackspaceAPIKey", allCreds.RackspaceAPIKey},
		{"RackspacePassword", allCreds.RackspacePassword}, {"ZStackSession", allCreds.ZStackSession},
		{"ZStackPassword", allCreds.ZStackPassword},
	} {
		vc.add(s.label, s.value)
	}
	var sc scan
	sc.credSecrets("", allCreds)
	for _, s := range sc.secrets {
		if s.label == "ZStackPasswordSHA512" {
			vc.add(s.label, s.value)
		}
	}

	t.Run("configs", func(t *testing.T) {
		for label, cfg := range configs() {
			t.Run(label, func(t *testing.T) {
				vc.print(t, label, cfg, akExempt(label))
				b, err := json.Marshal(cfg)
				require.NoError(t, err)
				vc.look(t, label+" JSON", string(b), "", akExempt(label))
				assert.Contains(t, string(b), mfa.Redacted, "the JSON shows no redacted credential: the test proves nothing")
				// A Config logged whole, in a group, and its credentials
				// logged one by one.
				attrs := []any{"config", cfg, slog.Group("g", "config", cfg)}
				rv := reflect.Indirect(reflect.ValueOf(cfg))
				for i := range rv.NumField() {
					if f := rv.Field(i); f.Type() == reflect.TypeFor[mfa.Secret]() {
						attrs = append(attrs, rv.Type().Field(i).Name, f.Interface())
					}
				}
				var text, js bytes.Buffer
				for _, h := range []slog.Handler{slog.NewTextHandler(&text, nil), slog.NewJSONHandler(&js, nil)} {
					slog.New(h).Info("config", attrs...)
				}
				vc.look(t, label+" slog text", text.String(), "", akExempt(label))
				vc.look(t, label+" slog JSON", js.String(), "", akExempt(label))
				assert.Contains(t, text.String(), mfa.Redacted)
			})
		}
	})

	t.Run("clients", func(t *testing.T) {
		for _, v := range credVariants() {
			t.Run(v.String(), func(t *testing.T) {
				f := newFake(t, v.k, serveValid(v.k))
				tg := mustBuild(t, v.k, fakeSetup(f, v.auth, newRecorder(t)))
				_, err := tg.p.UserDevices(context.Background(), fakeUser)
				require.NoError(t, err)
				var issued verbCheck
				for _, tok := range f.Tokens() {
					issued.add("issued token", tok)
				}
				if v.auth == login {
					require.NotEmpty(t, f.Tokens(), "no token issued: the test proves less")
				}
				values := map[string]any{
					"*Client": tg.client,
					"Client":  reflect.ValueOf(tg.client).Elem().Interface(),
				}
				if c, ok := tg.client.(*huaweiiam.Client); ok {
					values["*VirtualMFAService"] = c.VirtualMFA()
					values["VirtualMFAService"] = *c.VirtualMFA()
					values["*WorkspaceOTPService"] = c.WorkspaceOTP()
					values["WorkspaceOTPService"] = *c.WorkspaceOTP()
				}
				for label, val := range values {
					name := fmt.Sprintf("%v %s (%T)", v, label, val)
					vc.print(t, name, val, akExempt(name))
					issued.print(t, name, val, nil)
				}
			})
		}
	})
	t.Logf("%d texts looked at for %d secrets", vc.checked, len(vc.secrets))
}

// The checker itself finds a credential printed by a struct that holds it
// in a plain field, under verbs that escape or encode it, and finds nothing
// in a text without one.
func TestVerbCheckFinds(t *testing.T) {
	type leaky struct {
		Token string
		key   []byte
	}
	v := leaky{Token: "TOKEN-SENTINEL-abc", key: []byte("KEY-SENTINEL-def")}
	for _, spec := range []string{"%v", "%d", "%x", "% X", "%q", "%#v", "%10s", "%U", "%o", "%c", "%-12.5q"} {
		for _, s := range []labelled{{"token", v.Token}, {"key", string(v.key)}} {
			ft := &fakeT{TB: t}
			vc := verbCheck{secrets: []labelled{s}}
			vc.look(ft, spec, fmt.Sprintf(spec, v), spec, nil)
			assert.True(t, ft.failed, "%s of a plain %s not found: %s", spec, s.label, fmt.Sprintf(spec, v))
			ft = &fakeT{TB: t}
			vc.look(ft, spec, fmt.Sprintf(spec, leaky{Token: mfa.Redacted}), spec, nil)
			assert.False(t, ft.failed, "%s found where there is none", spec)
		}
	}
}
