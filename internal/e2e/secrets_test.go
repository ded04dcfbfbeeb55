package e2e

import (
	"context"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/huaweiiam"
	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/mfatest"
	"github.com/openmfa/mfa-go/rackspace"
	"github.com/openmfa/mfa-go/zstack"
)

// forms lists the ways a server, or a careless printer, may show secret:
// as it is; escaped as JSON with and without escaping <, > and &, and
// with / as \/; URL-encoded for a query or a path; escaped as XML or HTML
// text, with numeric or named entities.
func forms(secret string) []string {
	jsonForm := func(escapeHTML bool) string {
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(escapeHTML)
		_ = enc.Encode(secret)
		q := strings.TrimSpace(b.String())
		return q[1 : len(q)-1]
	}
	var x strings.Builder
	_ = xml.EscapeText(&x, []byte(secret))
	plain := jsonForm(false)
	return []string{
		secret, plain, jsonForm(true), strings.ReplaceAll(plain, "/", `\/`),
		url.QueryEscape(secret), url.PathEscape(secret), x.String(), html.EscapeString(secret),
		strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace(secret),
	}
}

// formsOf caches forms: a scan looks for the same secrets in thousands of
// texts.
var formsOf sync.Map // secret -> []string

// formsCached is forms without duplicates, from the cache.
func formsCached(secret string) []string {
	fs, ok := formsOf.Load(secret)
	if !ok {
		fs, _ = formsOf.LoadOrStore(secret, slices.Compact(slices.Sorted(slices.Values(forms(secret)))))
	}
	return fs.([]string)
}

// holds reports whether text shows secret in one of its forms, and which.
// Secrets shorter than 4 bytes are never found: they would match ordinary
// text.
func holds(text, secret string) (string, bool) {
	if len(secret) < 4 {
		return "", false
	}
	for _, f := range formsCached(secret) {
		if strings.Contains(text, f) {
			return f, true
		}
	}
	return "", false
}

// matcher finds many secrets, in all their forms, in a text in one pass:
// a scan holds thousands of texts and hundreds of secrets.
type matcher struct {
	heads map[string][]needle // by the first 4 bytes of the form
}

// needle is one form of one secret.
type needle struct{ label, secret, form string }

// add adds every form of secret; one shorter than 4 bytes is never found.
func (m *matcher) add(label, secret string) {
	if len(secret) < 4 {
		return
	}
	if m.heads == nil {
		m.heads = map[string][]needle{}
	}
	for _, f := range formsCached(secret) {
		m.heads[f[:4]] = append(m.heads[f[:4]], needle{label, secret, f})
	}
}

// find returns the needles text holds, each secret once.
func (m *matcher) find(text string) []needle {
	var out []needle
	for i := 0; i+4 <= len(text); i++ {
		for _, n := range m.heads[text[i:i+4]] {
			if strings.HasPrefix(text[i:], n.form) && !slices.ContainsFunc(out, func(o needle) bool { return o.label == n.label && o.secret == n.secret }) {
				out = append(out, n)
			}
		}
	}
	return out
}

// scan collects secrets and the texts a user may see (errors, log lines,
// fmt and JSON forms), and checks that no secret appears in any text.
type scan struct {
	secrets []labelled
	texts   []labelled
	seen    map[string]bool
	errs    int
	devices int
	users   int
}

type labelled struct{ label, value string }

// secret adds a value that must never be shown. Values shorter than 4
// bytes are ignored: they would match ordinary text.
func (s *scan) secret(label, v string) {
	if len(v) >= 4 {
		s.secrets = append(s.secrets, labelled{label, v})
	}
}

// text adds something a user may see. A text seen before is not added
// again: an error repeats in many forms and calls.
func (s *scan) text(label, v string) {
	if s.seen[v] {
		return
	}
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	s.seen[v] = true
	s.texts = append(s.texts, labelled{label, v})
}

// scanVerbs are the fmt forms the scan takes of every error and value; the
// verb test (fmt_test.go) takes every verb of the types that hold
// credentials.
var scanVerbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"}

// err adds an error's text and its fmt forms.
func (s *scan) err(label string, err error) {
	if err == nil {
		return
	}
	s.errs++
	s.text(label+" Error()", err.Error())
	for _, f := range scanVerbs {
		s.text(label+" "+f, fmt.Sprintf(f, err))
	}
}

// value adds the fmt forms of v and, where it marshals, its JSON.
func (s *scan) value(label string, v any) {
	for _, f := range scanVerbs {
		s.text(label+" "+f, fmt.Sprintf(f, v))
	}
	if b, err := json.Marshal(v); err == nil {
		s.text(label+" JSON", string(b))
	}
}

// client adds the %v, %+v and %#v forms of a *Client and of the Client it
// points to (TestEveryVerb covers every verb).
func (s *scan) client(label string, c any) {
	for _, v := range []any{c, reflect.ValueOf(c).Elem().Interface()} {
		for _, f := range []string{"%v", "%+v", "%#v"} {
			s.text(label+" "+f, fmt.Sprintf(f, v))
		}
	}
}

// result adds the outcome of a call.
func (s *scan) result(label string, res result, err error) {
	s.err(label, err)
	for _, d := range res.devs {
		s.devices++
		s.value(label+" device", d)
	}
	for _, u := range res.users {
		s.users++
		s.value(label+" user", u)
	}
}

// exempt reports whether the secret may appear in the text: the Huawei
// access key id, which identifies a key pair and is printed by Config by
// design, in the forms of a huaweiiam.Config.
func exempt(secret, text labelled) bool {
	return strings.Contains(secret.label, "HuaweiAK") && strings.HasPrefix(text.label, "huaweiiam config")
}

// check fails t for every secret in a text, whole in any of its forms or
// as its first or last 12 characters (a secret cut in the middle of a body
// snippet), and for every fmt form that shows a recovered panic.
func (s *scan) check(t testing.TB) {
	t.Helper()
	var m matcher
	for _, sec := range s.secrets {
		m.add(sec.label, sec.value)
		if len(sec.value) >= 20 {
			m.add(sec.label+" (its start)", sec.value[:12])
			m.add(sec.label+" (its end)", sec.value[len(sec.value)-12:])
		}
	}
	for _, x := range s.texts {
		if strings.Contains(x.value, "PANIC=") {
			t.Errorf("%s: a method panicked under fmt: %s", x.label, shorten(x.value))
		}
		for _, n := range m.find(x.value) {
			if !exempt(labelled{label: n.label}, x) {
				t.Errorf("secret %s (as %s) appears in %s: %s", n.label, shorten(n.form), x.label, shorten(x.value))
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
func (s *scan) credSecrets(prefix string, c credentials) {
	s.secret(prefix+"HuaweiToken", c.HuaweiToken)
	s.secret(prefix+"HuaweiPassword", c.HuaweiPassword)
	s.secret(prefix+"HuaweiAK", c.HuaweiAK)
	s.secret(prefix+"HuaweiSK", c.HuaweiSK)
	s.secret(prefix+"HuaweiSecurityToken", c.HuaweiSecurityToken)
	s.secret(prefix+"RackspaceToken", c.RackspaceToken)
	s.secret(prefix+"RackspaceAPIKey", c.RackspaceAPIKey)
	s.secret(prefix+"RackspacePassword", c.RackspacePassword)
	s.secret(prefix+"ZStackSession", c.ZStackSession)
	s.secret(prefix+"ZStackPassword", c.ZStackPassword)
	sum := sha512.Sum512([]byte(c.ZStackPassword))
	s.secret(prefix+"ZStackPasswordSHA512", hex.EncodeToString(sum[:]))
}

// phone adds a phone number as a secret: as served, and as its digits
// with and without the country code, the forms a number is written in.
func (s *scan) phone(label, number string) {
	s.secret(label, number)
	digits := strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return r
		}
		return -1
	}, number)
	s.secret(label+" digits", digits)
	if len(digits) > 10 {
		s.secret(label+" national", digits[len(digits)-10:])
	}
}

// wrong are credentials no server accepts, as distinctive as the right
// ones: a refusal must not echo them either.
var wrong = credentials{
	HuaweiToken:         "WRONGTOKEN-SENTINEL-1a2b3c4d5e",
	HuaweiPassword:      "WRONGPASS-SENTINEL-6f7a8b9c0d",
	HuaweiAK:            "WRONGAKSENTINEL12345",
	HuaweiSK:            "WRONGSK-SENTINEL-0123456789abcdef0123456789",
	HuaweiSecurityToken: "WRONGSECTOKEN-SENTINEL-9a8b7c6d",
	RackspaceToken:      "WRONGRAXTOKEN-SENTINEL-e1f2a3b4",
	RackspaceAPIKey:     "WRONGRAXKEY-SENTINEL-c5d6e7f8",
	RackspacePassword:   "WRONGRAXPASS-SENTINEL-091a2b3c",
	ZStackSession:       "WRONGZSSESSION-SENTINEL-4d5e6f7a",
	ZStackPassword:      "WRONGZSPASS-SENTINEL-8b9c0d1e",
}

// scanRetry retries once, at once: the scan looks at what failures show,
// not at how they are retried, and meets thousands of them.
var scanRetry = mfa.RetryPolicy{MaxAttempts: 2, MinWait: 50 * time.Microsecond, MaxWait: 100 * time.Microsecond, MaxRetryAfter: 100 * time.Microsecond}

// scanFaults are the faults every client meets in the secret scan.
var scanFaults = []mfatest.Fault{
	mfatest.RateLimit(0, "1"),
	mfatest.ServerErrors(0, 500), mfatest.ServerErrors(0, 502), mfatest.ServerErrors(0, 503), mfatest.ServerErrors(0, 504),
	mfatest.Truncated(0), mfatest.HTMLPage(0),
}

// TestSecretScan runs every client with every kind of credentials against
// the test servers, through success and failure paths of every call
// (UserDevices, AllDevices, Device, Users and the vendors' own: Rackspace
// mobile phones, ZStack accounts and IAM2 users, ...), with a debug logger
// in text and JSON, and checks that no secret appears in any error, log
// line, fmt form of an error, device, user, Config or Client, or JSON of a
// device or user. Secrets are credentials, issued tokens and sessions,
// ZStack TOTP seeds, and phone numbers, which a device shows masked. It
// also checks that no credential header value the clients sent or
// received appears in an error or a log line, and that nothing panics.
func TestSecretScan(t *testing.T) {
	noLeaks(t)
	s := startServers(t, 11, 8, 3)
	ctx := context.Background()
	var (
		sc   scan
		lg   logs
		recs []*recorder
	)
	newClient := func(t *testing.T, k kind, auth creds, c credentials) *target {
		rec := newRecorder(t)
		recs = append(recs, rec)
		st := s.setup(k, auth, rec)
		st.Creds, st.Logger, st.Retry = c, lg.Logger(), scanRetry
		tg := mustBuild(t, k, st)
		sc.value(configLabel(k)+" "+auth.String(), tg.config)
		sc.client(k.String()+" client "+auth.String(), tg.client)
		return tg
	}

	variants := credVariants()
	revealed := 0
	for _, v := range variants {
		t.Run(v.String(), func(t *testing.T) {
			tg := newClient(t, v.k, v.auth, s.creds)
			revealed += exercise(t, ctx, s, tg, &sc)
			sc.client(v.k.String()+" client after use "+v.auth.String(), tg.client)
			if v.auth == login {
				// Login faults, each on a client that has not logged in yet.
				for _, f := range []mfatest.Fault{
					{Kind: mfatest.FaultTruncated, Count: 1, Login: true},
					{Kind: mfatest.FaultHTML, Count: 1, Login: true},
					{Kind: mfatest.FaultServerError, Status: 500, Count: 1, Login: true},
					{Kind: mfatest.FaultRateLimit, Count: 0, Login: true},
				} {
					fresh := newClient(t, v.k, login, s.creds)
					s.issuer(v.k).Inject(f)
					user, device := s.ids(t, v.k)
					for _, o := range fresh.ops(user, device) {
						res, err := run(t, ctx, o)
						sc.result(v.k.String()+" login fault "+f.Kind.String()+" "+o.name, res, err)
					}
					s.issuer(v.k).ClearFaults()
				}
			}
		})
	}
	assert.Positive(t, revealed, "no ZStack seed was read: the scan of seeds proves nothing")

	t.Run("wrong-credentials", func(t *testing.T) {
		for _, v := range variants {
			tg := newClient(t, v.k, v.auth, withNames(wrong, s.creds))
			user, device := s.ids(t, v.k)
			for _, o := range tg.ops(user, device) {
				res, err := run(t, ctx, o)
				assert.Error(t, err, "%v %s with wrong credentials", v, o.name)
				sc.result(v.k.String()+" wrong "+o.name, res, err)
			}
		}
	})

	t.Run("directory", func(t *testing.T) {
		var providers []mfa.Provider
		var refs []mfa.UserRef
		for _, k := range []kind{kIAM, kWorkspace, kRaxJSON, kZStack} {
			tg := newClient(t, k, login, s.creds)
			providers = append(providers, tg.p)
			for _, u := range append(s.users(k), "00000000000000000000000000000000", "a\nb") {
				refs = append(refs, mfa.UserRef{Provider: tg.p.Name(), UserID: u})
			}
		}
		dir, err := mfa.NewDirectory(providers...)
		require.NoError(t, err)
		pass := func(label string) {
			for d, err := range dir.Devices(ctx, refs, mfa.WithConcurrency(4)) {
				sc.err(label+" Devices", err)
				if d != nil {
					sc.result(label+" Devices", result{devs: []mfa.Device{d}}, nil)
				}
			}
			for d, err := range dir.AllDevices(ctx) {
				sc.err(label+" AllDevices", err)
				if d != nil {
					sc.result(label+" AllDevices", result{devs: []mfa.Device{d}}, nil)
				}
			}
			for u, err := range dir.Users(ctx) {
				sc.err(label+" Users", err)
				if err == nil {
					sc.result(label+" Users", result{users: []mfa.User{u}}, nil)
				}
			}
		}
		pass("directory")
		for _, api := range s.all() {
			api.Inject(mfatest.Down())
		}
		for _, k := range []kind{kIAM, kRaxJSON, kZStack} {
			s.expire(k)
		}
		pass("directory down")
		for _, api := range s.all() {
			api.ClearFaults()
		}
	})

	// The secrets known only now: every token and session the servers
	// issued, the TOTP seeds and the phone numbers.
	sc.credSecrets("", s.creds)
	sc.credSecrets("wrong ", wrong)
	issued := 0
	for _, k := range []kind{kIAM, kRaxJSON, kZStack} {
		for _, tok := range s.issued(k) {
			sc.secret(k.provider()+" issued token", tok.Reveal())
			issued++
		}
	}
	seeds := 0
	for _, d := range s.zs.Devices() {
		sc.secret("ZStack TOTP seed", d.Secret.Reveal())
		seeds++
	}
	phones := 0
	for _, d := range s.rax.Devices() {
		if d.Number != "" {
			sc.phone("Rackspace phone number", d.Number)
			phones++
		}
	}
	for _, line := range lg.Lines() {
		sc.text("log line", line)
	}

	// The scan must have had something to find.
	assert.Positive(t, seeds, "ZStack seeds")
	assert.Positive(t, phones, "Rackspace phones")
	assert.Greater(t, len(s.hw.IssuedTokens()), 1, "Huawei logins")
	assert.Greater(t, len(s.rax.IssuedTokens()), 1, "Rackspace logins")
	assert.Greater(t, len(s.zs.IssuedTokens()), 1, "ZStack logins")
	assert.Greater(t, sc.errs, 100, "errors collected")
	assert.Greater(t, sc.devices, 100, "devices collected")
	assert.Greater(t, sc.users, 100, "users collected")
	assert.Greater(t, len(lg.Lines()), 100, "log lines")
	assert.Contains(t, lg.text.String(), "level=DEBUG")
	assert.Contains(t, lg.text.String(), "level=WARN")

	sc.check(t)
	n := assertNoHeaderValues(t, sc.allTexts(&lg), recs...)
	assert.Greater(t, n, 20, "credential header values recorded")
	t.Logf("scanned %d texts and %d log lines for %d secrets (%d issued tokens, %d seeds, %d phones) and %d header values; %d errors, %d devices, %d users",
		len(sc.texts), len(lg.Lines()), len(sc.secrets), issued, seeds, phones, n, sc.errs, sc.devices, sc.users)
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
func withNames(w, c credentials) credentials {
	w.HuaweiDomain, w.HuaweiUser, w.HuaweiProjectID, w.HuaweiDomainID = c.HuaweiDomain, c.HuaweiUser, c.HuaweiProjectID, c.HuaweiDomainID
	w.RackspaceUser, w.ZStackAccount = c.RackspaceUser, c.ZStackAccount
	return w
}

// exercise drives tg through success and failure paths and collects what
// a user may see. It returns how many ZStack seeds the client read back
// (Reveal) equal to the server's.
func exercise(t *testing.T, ctx context.Context, s *servers, tg *target, sc *scan) int {
	t.Helper()
	label := tg.kind.String()
	firstDevice := map[string]string{}
	for _, d := range s.devices(tg.kind) {
		if _, ok := firstDevice[d.user]; !ok {
			firstDevice[d.user] = d.id
		}
	}
	call := func(what, user, device string) {
		for _, o := range tg.ops(user, device) {
			res, err := run(t, ctx, o)
			sc.result(label+" "+what+" "+o.name, res, err)
		}
	}

	// Success paths: every user, every device, every listing once.
	for i, u := range s.users(tg.kind) {
		dev := firstDevice[u]
		if dev == "" {
			dev = "00000000000000000000000000000000"
		}
		for _, o := range tg.ops(u, dev) {
			if o.listing && i > 0 {
				continue
			}
			res, err := run(t, ctx, o)
			if o.name != "Device" || firstDevice[u] != "" {
				assert.NoError(t, err, "%s %s", o.name, u)
			}
			sc.result(label+" user "+o.name, res, err)
		}
	}
	user, device := s.ids(t, tg.kind)
	revealed := typedCalls(t, ctx, s, tg, sc, user, device, true)

	// Bad, unknown and foreign ids.
	for _, id := range []string{"", "..", "a\nb", "a/b", "../x", "00000000000000000000000000000000", strings.Repeat("x", 1100)} {
		call("bad id", id, id)
		call("bad device", user, id)
	}
	if devs := s.devices(tg.kind); len(devs) > 1 {
		call("foreign device", user, devs[len(devs)-1].id)
	}

	// Faults, on the typed calls too.
	api := s.api(tg.kind)
	for _, f := range scanFaults {
		api.Inject(f)
		call("fault "+f.Kind.String(), user, device)
		typedCalls(t, ctx, s, tg, sc, user, device, false)
		api.ClearFaults()
	}

	// Expired login tokens: renewed.
	s.expire(tg.kind)
	call("expired", user, device)

	if zc, ok := tg.client.(*zstack.Client); ok {
		sc.err(label+" Close", zc.Close())
		call("closed", user, device)
	}
	return revealed
}

// typedCalls makes the vendor-specific calls of tg's client; healthy says
// that the server answers as it should, so that the calls' outcomes can be
// checked.
func typedCalls(t *testing.T, ctx context.Context, s *servers, tg *target, sc *scan, user, device string, healthy bool) int {
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
			if none := noDeviceUser(s, kIAM); none != "" {
				_, err = v.UserDevice(ctx, none)
				if healthy {
					assert.ErrorIs(t, err, mfa.ErrNotFound)
				}
				keep("UserDevice none", nil, err)
			}
		} else {
			ds, err := c.WorkspaceOTP().OTPDevices(ctx, user)
			keep("OTPDevices", ds, err)
		}
		// The other provider of the client has no endpoint.
		_, err := c.VirtualMFA().UserDevices(ctx, user)
		keep("other provider", nil, err)
		_, err = c.WorkspaceOTP().UserDevices(ctx, user)
		keep("other provider", nil, err)
		_, err = collect(c.WorkspaceOTP().Users(ctx))
		keep("other provider Users", nil, err)
	case *rackspace.Client:
		u, err := c.UserMFA(ctx, user)
		keep("UserMFA", u, err)
		ds, err := c.OTPDevices(ctx, user)
		keep("OTPDevices", ds, err)
		d, err := c.OTPDevice(ctx, user, device)
		keep("OTPDevice", d, err)
		read := 0
		for _, ru := range s.rax.Users() {
			if ru.Phone == nil {
				continue
			}
			phones, err := c.MobilePhones(ctx, ru.ID)
			keep("MobilePhones", phones, err)
			for _, p := range phones {
				sc.value(label+" MobilePhone", p)
				if healthy {
					assert.Equal(t, mfa.KindSMS, p.Kind())
					assert.Equal(t, "*********"+ru.Phone.Number[len(ru.Phone.Number)-2:], p.Name(), "the masked number")
				}
				read++
			}
		}
		if healthy {
			assert.Positive(t, read, "no mobile phone was read: the scan of numbers proves nothing")
		}
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
			for _, d := range s.zs.Devices() {
				if d.ID == sec.ID() && !d.Secret.IsZero() && sec.TOTPSecret().Reveal() == d.Secret.Reveal() {
					revealed++
				}
			}
		}
		secs, err := c.UserSecrets(ctx, user)
		keep("UserSecrets", secs, err)
		for sec, err := range c.Secrets(ctx, zstack.QueryOptions{Limit: 2}) {
			keep("Secrets", sec, err)
		}
		for a, err := range c.Accounts(ctx, zstack.QueryOptions{Limit: 2}) {
			keep("Accounts", a, err)
		}
		for v, err := range c.VirtualIDs(ctx, zstack.QueryOptions{}) {
			keep("VirtualIDs", v, err)
		}
		_, err = c.QuerySecrets(ctx, zstack.QueryOptions{Conditions: zstack.Conditions{zstack.Eq("nosuchfield", "x")}})
		keep("QuerySecrets unknown field", nil, err)
	}
	return revealed
}

// noDeviceUser returns a user of k's API without a device, or "" when all
// have one.
func noDeviceUser(s *servers, k kind) string {
	has := map[string]bool{}
	for _, d := range s.devices(k) {
		has[d.user] = true
	}
	for _, u := range s.users(k) {
		if !has[u] {
			return u
		}
	}
	return ""
}

// The scanner itself finds a secret whole, in its escaped forms and cut in
// half, skips the documented exemption, and flags a panic under fmt.
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
		{"json html-escaped", labelled{"error", `"pw":"P\u003cW\u0026D\"\\/X"`}, true},
		{"json plain", labelled{"error", `"pw":"P<W&D\"\\/X"`}, true},
		{"json slash", labelled{"error", `"pw":"P<W&D\"\\\/X"`}, true},
		{"url", labelled{"error", "pw=P%3CW%26D%22%5C%2FX"}, true},
		{"xml", labelled{"error", "<pw>P&lt;W&amp;D&#34;\\/X</pw>"}, true},
		{"html named", labelled{"error", "<pw>P&lt;W&amp;D&quot;\\/X</pw>"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var sc scan
			sc.secret("token", "ABCDEFGHIJKLMNOPQRSTUVWX")
			sc.secret("HuaweiAK", "AKID12345678")
			sc.secret("password", `P<W&D"\/X`)
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
