package e2e

import (
	"context"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/huaweiiam"
	"github.com/openmfa/mfa-go/internal/sim"
	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/rackspace"
	"github.com/openmfa/mfa-go/zstack"
)

// scan collects secrets and the texts a user may see (errors, log lines,
// fmt and JSON forms), and checks that no secret appears in any text.
type scan struct {
	secrets []labelled
	texts   []labelled
	errs    int
	devices int
}

type labelled struct{ label, value string }

// secret adds a value that must never be shown. Values shorter than 4
// bytes are ignored: they would match ordinary text.
func (s *scan) secret(label, v string) {
	if len(v) >= 4 {
		s.secrets = append(s.secrets, labelled{label, v})
	}
}

// text adds something a user may see.
func (s *scan) text(label, v string) { s.texts = append(s.texts, labelled{label, v}) }

// err adds an error's text and its fmt forms.
func (s *scan) err(label string, err error) {
	if err == nil {
		return
	}
	s.errs++
	s.text(label+" Error()", err.Error())
	for _, f := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		s.text(label+" "+f, fmt.Sprintf(f, err))
	}
}

// value adds the fmt forms of v and, where it marshals, its JSON.
func (s *scan) value(label string, v any) {
	for _, f := range fmtForms(v) {
		s.text(label, f)
	}
	if b, err := json.Marshal(v); err == nil {
		s.text(label+" JSON", string(b))
	}
}

// client adds the %v, %+v and %#v forms of a *Client and of the Client it
// points to (TestClientFmtOtherVerbs covers the other verbs).
func (s *scan) client(label string, c any) {
	for _, v := range []any{c, reflect.ValueOf(c).Elem().Interface()} {
		for _, f := range []string{"%v", "%+v", "%#v"} {
			s.text(label+" "+f, fmt.Sprintf(f, v))
		}
	}
}

// result adds the outcome of a call.
func (s *scan) result(label string, devs []mfa.Device, err error) {
	s.err(label, err)
	for _, d := range devs {
		s.devices++
		s.value(label+" device", d)
	}
}

// exempt reports whether the secret may appear in the text: the Huawei
// access key id, which identifies a key pair and is printed by Config by
// design, in the forms of a huaweiiam.Config.
func exempt(secret, text labelled) bool {
	return strings.HasSuffix(secret.label, "HuaweiAK") && strings.HasPrefix(text.label, "huaweiiam config")
}

// check fails t for every secret in a text, whole or as its first or last
// 12 characters (a secret cut in the middle of a body snippet), and for
// every fmt form that shows a recovered panic.
func (s *scan) check(t testing.TB) {
	t.Helper()
	for _, x := range s.texts {
		if strings.Contains(x.value, "PANIC=") {
			t.Errorf("%s: a method panicked under fmt: %s", x.label, shorten(x.value))
		}
		for _, sec := range s.secrets {
			if exempt(sec, x) {
				continue
			}
			parts := []string{sec.value}
			if len(sec.value) >= 20 {
				parts = append(parts, sec.value[:12], sec.value[len(sec.value)-12:])
			}
			for _, p := range parts {
				if strings.Contains(x.value, p) {
					t.Errorf("secret %s (%s) appears in %s: %s", sec.label, shorten(p), x.label, shorten(x.value))
					break
				}
			}
		}
	}
}

// allTexts returns every text collected, with the log lines of l.
func (s *scan) allTexts(l *logs) []string {
	out := make([]string, 0, len(s.texts))
	for _, x := range s.texts {
		out = append(out, x.value)
	}
	return append(out, l.Lines()...)
}

// credSecrets adds the credentials of c.
func (s *scan) credSecrets(prefix string, c sim.Credentials) {
	s.secret(prefix+"HuaweiToken", c.HuaweiToken)
	s.secret(prefix+"HuaweiPassword", c.HuaweiPassword)
	s.secret(prefix+"HuaweiAK", c.HuaweiAK)
	s.secret(prefix+"HuaweiSK", c.HuaweiSK)
	s.secret(prefix+"RackspaceToken", c.RackspaceToken)
	s.secret(prefix+"RackspaceAPIKey", c.RackspaceAPIKey)
	s.secret(prefix+"RackspacePassword", c.RackspacePassword)
	s.secret(prefix+"ZStackSession", c.ZStackSession)
	s.secret(prefix+"ZStackPassword", c.ZStackPassword)
	sum := sha512.Sum512([]byte(c.ZStackPassword))
	s.secret(prefix+"ZStackPasswordSHA512", hex.EncodeToString(sum[:]))
}

// securityToken is the temporary-key token of the AK/SK clients.
const securityToken = "SECTOKEN-SENTINEL-5d6e7f80a1b2"

// wrong are credentials no server accepts, as distinctive as the right
// ones: a refusal must not echo them either.
var wrong = sim.Credentials{
	HuaweiToken:       "WRONGTOKEN-SENTINEL-1a2b3c4d5e",
	HuaweiPassword:    "WRONGPASS-SENTINEL-6f7a8b9c0d",
	HuaweiAK:          "WRONGAKSENTINEL12345",
	HuaweiSK:          "WRONGSK-SENTINEL-0123456789abcdef0123456789",
	RackspaceToken:    "WRONGRAXTOKEN-SENTINEL-e1f2a3b4",
	RackspaceAPIKey:   "WRONGRAXKEY-SENTINEL-c5d6e7f8",
	RackspacePassword: "WRONGRAXPASS-SENTINEL-091a2b3c",
	ZStackSession:     "WRONGZSSESSION-SENTINEL-4d5e6f7a",
	ZStackPassword:    "WRONGZSPASS-SENTINEL-8b9c0d1e",
}

// TestSecretScan runs every client with every kind of credentials against
// the emulators, through success and failure paths, with a debug logger in
// text and JSON, and checks that no secret appears in any error, log line,
// fmt form of an error, device, Config or Client, or JSON of a device. It
// also checks that no credential header value the clients sent or received
// appears in an error or a log line, and that nothing panics.
func TestSecretScan(t *testing.T) {
	noLeaks(t)
	s := startSim(t, sim.Options{Seed: 11, Users: 8, MaxDevicesPerUser: 3})
	ctx := context.Background()
	var (
		sc   scan
		lg   logs
		recs []*recorder
	)
	newClient := func(t *testing.T, k kind, auth creds, c sim.Credentials) *target {
		rec := newRecorder(t)
		recs = append(recs, rec)
		st := simSetup(s, k, auth, rec)
		st.Creds, st.Logger, st.SecurityToken = c, lg.Logger(), securityToken
		tg := mustBuild(t, k, st)
		sc.value(configLabel(k)+" "+auth.String(), tg.config)
		sc.client(k.String()+" client "+auth.String(), tg.client)
		return tg
	}

	variants := credVariants()

	revealed := 0
	for _, v := range variants {
		t.Run(v.k.String()+"-"+v.auth.String(), func(t *testing.T) {
			tg := newClient(t, v.k, v.auth, s.Creds)
			revealed += exercise(t, ctx, s, tg, &sc)
			if v.auth == login {
				// Login faults, each on a client that has not logged in yet.
				issuer := v.k.api(s)
				if v.k == kWorkspace {
					issuer = s.IAM
				}
				for _, f := range []sim.Fault{
					{Kind: sim.FaultTruncated, Count: 1, Login: true},
					{Kind: sim.FaultHTML, Count: 1, Login: true},
					{Kind: sim.FaultServerError, Status: 500, Count: 1, Login: true},
					{Kind: sim.FaultRateLimit, Count: 0, Login: true},
				} {
					fresh := newClient(t, v.k, login, s.Creds)
					issuer.Inject(f)
					user, device := simIDs(t, s, v.k)
					for _, o := range fresh.ops(user, device) {
						devs, err := run(t, ctx, o)
						sc.result(v.k.String()+" login fault "+f.Kind.String()+" "+o.name, devs, err)
					}
					issuer.ClearFaults()
				}
			}
		})
	}
	assert.Positive(t, revealed, "no ZStack seed was read: the scan of seeds proves nothing")

	t.Run("wrong-credentials", func(t *testing.T) {
		for _, v := range variants {
			tg := newClient(t, v.k, v.auth, withNames(wrong, s.Creds))
			user, device := simIDs(t, s, v.k)
			for _, o := range tg.ops(user, device) {
				devs, err := run(t, ctx, o)
				assert.Error(t, err, "%v %v %s with wrong credentials", v.k, v.auth, o.name)
				sc.result(v.k.String()+" wrong "+o.name, devs, err)
			}
		}
	})

	t.Run("directory", func(t *testing.T) {
		var providers []mfa.Provider
		var refs []mfa.UserRef
		for _, k := range []kind{kIAM, kWorkspace, kRaxJSON, kZStack} {
			tg := newClient(t, k, login, s.Creds)
			providers = append(providers, tg.p)
			for _, u := range append(k.api(s).Users(), "00000000000000000000000000000000", "a\nb") {
				refs = append(refs, mfa.UserRef{Provider: tg.p.Name(), UserID: u})
			}
		}
		dir, err := mfa.NewDirectory(providers...)
		require.NoError(t, err)
		pass := func(label string) {
			for d, err := range dir.Devices(ctx, refs, mfa.WithConcurrency(4)) {
				sc.result(label+" Devices", nil, err)
				if d != nil {
					sc.result(label+" Devices", []mfa.Device{d}, nil)
				}
			}
			for d, err := range dir.AllDevices(ctx) {
				sc.result(label+" AllDevices", nil, err)
				if d != nil {
					sc.result(label+" AllDevices", []mfa.Device{d}, nil)
				}
			}
		}
		pass("directory")
		for _, api := range s.APIs() {
			api.ExpireTokens()
			api.Inject(sim.Down())
		}
		pass("directory down")
		for _, api := range s.APIs() {
			api.ClearFaults()
		}
	})

	// The secrets known only now: every token and session the emulators
	// issued, and the TOTP seeds.
	sc.credSecrets("", s.Creds)
	sc.credSecrets("wrong ", wrong)
	sc.secret("SecurityToken", securityToken)
	for _, api := range s.APIs() {
		for _, tok := range api.IssuedTokens() {
			sc.secret(api.Name()+" issued token", tok)
		}
	}
	seeds := 0
	for _, d := range s.ZStack.Devices() {
		sc.secret("ZStack TOTP seed", d.Secret)
		seeds++
	}
	for _, line := range lg.Lines() {
		sc.text("log line", line)
	}

	// The scan must have had something to find.
	assert.Positive(t, seeds, "ZStack seeds")
	assert.Greater(t, len(s.IAM.IssuedTokens()), 1, "Huawei logins")
	assert.Greater(t, len(s.Rackspace.IssuedTokens()), 1, "Rackspace logins")
	assert.Greater(t, len(s.ZStack.IssuedTokens()), 1, "ZStack logins")
	assert.Greater(t, sc.errs, 100, "errors collected")
	assert.Greater(t, sc.devices, 100, "devices collected")
	assert.Greater(t, len(lg.Lines()), 100, "log lines")
	assert.Contains(t, lg.text.String(), "level=DEBUG")
	assert.Contains(t, lg.text.String(), "level=WARN")

	sc.check(t)
	n := assertNoHeaderValues(t, sc.allTexts(&lg), recs...)
	assert.Greater(t, n, 20, "credential header values recorded")
	t.Logf("scanned %d texts and %d log lines for %d secrets and %d header values; %d errors, %d devices",
		len(sc.texts), len(lg.Lines()), len(sc.secrets), n, sc.errs, sc.devices)
}

// configLabel names the Config forms of k (see exempt).
func configLabel(k kind) string {
	switch k {
	case kIAM, kWorkspace:
		return "huaweiiam config"
	case kRaxJSON, kRaxXML:
		return "rackspace config"
	}
	return "zstack config"
}

// withNames returns the secrets of w with the names of c, so that a login
// is refused for its password, not for an unknown user.
func withNames(w, c sim.Credentials) sim.Credentials {
	w.HuaweiDomain, w.HuaweiUser, w.HuaweiProjectID, w.HuaweiDomainID = c.HuaweiDomain, c.HuaweiUser, c.HuaweiProjectID, c.HuaweiDomainID
	w.RackspaceUser, w.ZStackAccount = c.RackspaceUser, c.ZStackAccount
	return w
}

// exercise drives tg through success and failure paths and collects what
// a user may see. It returns how many ZStack seeds the client read back
// (Reveal) equal to the emulator's.
func exercise(t *testing.T, ctx context.Context, s *sim.Sim, tg *target, sc *scan) int {
	t.Helper()
	api := tg.kind.api(s)
	label := tg.kind.String()
	firstDevice := map[string]string{}
	for _, d := range api.Devices() {
		if _, ok := firstDevice[d.UserID]; !ok {
			firstDevice[d.UserID] = d.ID
		}
	}
	call := func(what, user, device string) {
		for _, o := range tg.ops(user, device) {
			devs, err := run(t, ctx, o)
			sc.result(label+" "+what+" "+o.name, devs, err)
		}
	}

	// Success paths: every user, every device.
	for _, u := range api.Users() {
		dev := firstDevice[u]
		if dev == "" {
			dev = "00000000000000000000000000000000"
		}
		for _, o := range tg.ops(u, dev) {
			devs, err := run(t, ctx, o)
			if o.name != "Device" || firstDevice[u] != "" {
				assert.NoError(t, err, "%s %s", o.name, u)
			}
			sc.result(label+" user "+o.name, devs, err)
		}
	}
	user, device := simIDs(t, s, tg.kind)
	revealed := typedCalls(t, ctx, s, tg, sc, user, device)

	// Bad, unknown and foreign ids.
	for _, id := range []string{"", "..", "a\nb", "a/b", "../x", "00000000000000000000000000000000", strings.Repeat("x", 1100)} {
		call("bad id", id, id)
		call("bad device", user, id)
	}
	if len(api.Devices()) > 1 {
		last := api.Devices()[len(api.Devices())-1]
		call("foreign device", user, last.ID)
	}

	// Faults.
	for _, f := range []sim.Fault{
		sim.RateLimit(0, "1"),
		sim.ServerErrors(0, 500), sim.ServerErrors(0, 502), sim.ServerErrors(0, 503), sim.ServerErrors(0, 504),
		sim.Truncated(0), sim.HTMLPage(0),
	} {
		api.Inject(f)
		call("fault "+f.Kind.String(), user, device)
		api.ClearFaults()
	}

	// Expired login tokens: renewed.
	api.ExpireTokens()
	call("expired", user, device)

	if zc, ok := tg.client.(*zstack.Client); ok {
		sc.err(label+" Close", zc.Close())
		call("closed", user, device)
	}
	return revealed
}

// typedCalls makes the vendor-specific calls of tg's client.
func typedCalls(t *testing.T, ctx context.Context, s *sim.Sim, tg *target, sc *scan, user, device string) int {
	t.Helper()
	label := tg.kind.String() + " typed"
	keep := func(what string, v any, err error) {
		sc.err(label+" "+what, err)
		if err == nil {
			sc.value(label+" "+what, v)
		}
	}
	revealed := 0
	switch c := tg.client.(type) {
	case *huaweiiam.Client:
		if tg.kind == kIAM {
			v := c.VirtualMFA()
			d, err := v.UserDevice(ctx, user)
			keep("UserDevice", d, err)
			lp, err := v.LoginProtect(ctx, user)
			keep("LoginProtect", lp, err)
			lps, err := v.LoginProtects(ctx)
			keep("LoginProtects", lps, err)
			list, err := v.List(ctx)
			keep("List", list, err)
			_, err = v.UserDevice(ctx, noDeviceUser(s.IAM))
			assert.ErrorIs(t, err, mfa.ErrNotFound)
			keep("UserDevice none", nil, err)
		} else {
			ds, err := c.WorkspaceOTP().OTPDevices(ctx, user)
			keep("OTPDevices", ds, err)
		}
		// The other provider of the client has no endpoint.
		_, err := c.VirtualMFA().UserDevices(ctx, user)
		keep("other provider", nil, err)
		_, err = c.WorkspaceOTP().UserDevices(ctx, user)
		keep("other provider", nil, err)
	case *rackspace.Client:
		u, err := c.UserMFA(ctx, user)
		keep("UserMFA", u, err)
		ds, err := c.OTPDevices(ctx, user)
		keep("OTPDevices", ds, err)
		d, err := c.OTPDevice(ctx, user, device)
		keep("OTPDevice", d, err)
	case *zstack.Client:
		page, err := c.QuerySecrets(ctx, zstack.QueryOptions{Limit: 3, ReplyWithCount: true})
		keep("QuerySecrets", page, err)
		if err == nil {
			for _, sec := range page.Secrets {
				sc.value(label+" QuerySecrets row", sec)
				sc.value(label+" TOTPSecret", sec.TOTPSecret())
			}
		}
		n, err := c.CountSecrets(ctx, zstack.QueryOptions{})
		keep("CountSecrets", n, err)
		sec, err := c.Secret(ctx, device)
		keep("Secret", sec, err)
		if err == nil {
			sc.value(label+" TOTPSecret", sec.TOTPSecret())
			for _, d := range s.ZStack.Devices() {
				if d.ID == sec.ID() && d.Secret != "" && sec.TOTPSecret().Reveal() == d.Secret {
					revealed++
				}
			}
		}
		secs, err := c.UserSecrets(ctx, user)
		keep("UserSecrets", secs, err)
		for sec, err := range c.Secrets(ctx, zstack.QueryOptions{Limit: 2}) {
			keep("Secrets", sec, err)
		}
		_, err = c.QuerySecrets(ctx, zstack.QueryOptions{Conditions: zstack.Conditions{zstack.Eq("nosuchfield", "x")}})
		keep("QuerySecrets unknown field", nil, err)
	}
	return revealed
}

// noDeviceUser returns a user of api without a device, or "" when all have
// one.
func noDeviceUser(api *sim.API) string {
	has := map[string]bool{}
	for _, d := range api.Devices() {
		has[d.UserID] = true
	}
	for _, u := range api.Users() {
		if !has[u] {
			return u
		}
	}
	return ""
}

// The scanner itself finds a secret whole and cut in half, skips the
// documented exemption, and flags a panic under fmt.
func TestScanFinds(t *testing.T) {
	for _, tc := range []struct {
		name  string
		text  labelled
		found bool
	}{
		{"whole", labelled{"error", "token ABCDEFGHIJKLMNOPQRSTUVWX refused"}, true},
		{"first half", labelled{"error", `body starts "{\"id\":\"ABCDEFGHIJKL"`}, true},
		{"last half", labelled{"error", "...MNOPQRSTUVWX"}, true},
		{"absent", labelled{"error", "token [REDACTED] refused"}, false},
		{"panic", labelled{"fmt", "%!v(PANIC=String method: boom)"}, true},
		{"exempt", labelled{"huaweiiam config static", "AccessKey: AKID12345678"}, false},
		{"exempt elsewhere", labelled{"error", "AccessKey: AKID12345678"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var sc scan
			sc.secret("token", "ABCDEFGHIJKLMNOPQRSTUVWX")
			sc.secret("HuaweiAK", "AKID12345678")
			sc.secret("short", "abc")
			sc.texts = []labelled{tc.text, {"other", "abc"}}
			ft := &fakeT{TB: t}
			sc.check(ft)
			assert.Equal(t, tc.found, ft.failed)
		})
	}
	var sc scan
	sc.err("x", errors.New("e"))
	assert.Equal(t, 1, sc.errs)
}

// A *Client, and the Client it points to, printed with any verb show no
// credential. With %v, %+v and %#v (TestSecretScan) they do not; with the
// other verbs fmt prints the struct a direct pointer field points to, and
// the clients that log in or sign keep their credentials in such a field.
func TestClientFmtOtherVerbs(t *testing.T) {
	for _, v := range []struct {
		k    kind
		auth creds
	}{
		{kIAM, aksk}, {kWorkspace, aksk}, {kIAM, login}, {kIAM, static},
		{kRaxJSON, login}, {kRaxXML, login}, {kRaxJSON, static},
		{kZStack, login}, {kZStack, static},
	} {
		t.Run(v.k.String()+"-"+v.auth.String(), func(t *testing.T) {
			st := setup{URL: "http://127.0.0.1:1", IAMURL: "http://127.0.0.1:1", Creds: fakeCreds, Auth: v.auth, SecurityToken: securityToken}
			tg := mustBuild(t, v.k, st)
			var sc scan
			sc.credSecrets("", fakeCreds)
			sc.secret("SecurityToken", securityToken)
			for _, c := range []any{tg.client, reflect.ValueOf(tg.client).Elem().Interface()} {
				for _, f := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%t", "%d", "%[1]v %[1]s"} {
					sc.text(fmt.Sprintf("%s of %T", f, c), fmt.Sprintf(f, c))
				}
			}
			sc.check(t)
		})
	}
}
