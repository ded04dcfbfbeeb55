package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/openmfa/mfa-go/huaweiiam"
	"github.com/openmfa/mfa-go/internal/sim"
	"github.com/openmfa/mfa-go/internal/testlog"
	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/rackspace"
	"github.com/openmfa/mfa-go/zstack"
)

// fastRetry keeps retried calls short: tiny backoffs, and a Retry-After cap
// far below any wait a server asks for in these tests.
var fastRetry = mfa.RetryPolicy{
	MaxAttempts:   3,
	MinWait:       time.Millisecond,
	MaxWait:       2 * time.Millisecond,
	MaxRetryAfter: 5 * time.Millisecond,
}

// hangLimit bounds every call that must end on its own: a call still
// running after it is a hang, not a slow machine.
const hangLimit = 20 * time.Second

// sentinels are the mfa errors a failed call matches exactly one of.
var sentinels = []error{
	mfa.ErrNotFound, mfa.ErrUnauthorized, mfa.ErrForbidden, mfa.ErrRateLimited,
	mfa.ErrUnavailable, mfa.ErrBadRequest, mfa.ErrUnsupported, mfa.ErrInvalidResponse,
	mfa.ErrUnknownProvider,
}

// noLeaks fails t if a goroutine started during t is still running once t
// and its subtests have cleaned up. Call it first, so that its cleanup runs
// last.
func noLeaks(t *testing.T) {
	t.Helper()
	opt := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, opt) })
}

// ---- the recording RoundTripper ----

// credentialHeaders are the headers whose values a recorder keeps.
var credentialHeaders = []string{"Authorization", "X-Auth-Token", "X-Subject-Token", "X-Security-Token"}

// recorder is the http.RoundTripper of every client under test. It counts
// the requests that reach the network and keeps every credential header
// value it sees, in requests and responses, so that a test can check that
// none reappears in an error or a log line. It owns its transport: Close
// closes its idle connections.
type recorder struct {
	next *http.Transport

	mu       sync.Mutex
	requests int
	values   map[string]bool
}

// newRecorder returns a recorder over a fresh transport; its idle
// connections are closed when t ends.
func newRecorder(t testing.TB) *recorder {
	r := &recorder{next: http.DefaultTransport.(*http.Transport).Clone(), values: map[string]bool{}}
	t.Cleanup(r.next.CloseIdleConnections)
	return r
}

// Client returns an *http.Client that sends through r.
func (r *recorder) Client() *http.Client { return &http.Client{Transport: r} }

// RoundTrip records req's credential headers, sends it, and records the
// response's.
func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.requests++
	r.keep(req.Header)
	r.mu.Unlock()
	resp, err := r.next.RoundTrip(req)
	if resp != nil {
		r.mu.Lock()
		r.keep(resp.Header)
		r.mu.Unlock()
	}
	return resp, err
}

// keep records the credential values of h: each whole value, the
// credential after a scheme ("OAuth <session>", "Bearer <token>"), and the
// signature of a signed Authorization header.
func (r *recorder) keep(h http.Header) {
	for _, name := range credentialHeaders {
		for _, v := range h.Values(name) {
			r.add(v)
			if _, cred, ok := strings.Cut(v, " "); ok {
				r.add(strings.TrimSpace(cred))
			}
			for _, part := range strings.Split(v, ",") {
				if sig, ok := strings.CutPrefix(strings.TrimSpace(part), "Signature="); ok {
					r.add(sig)
				}
			}
		}
	}
}

func (r *recorder) add(v string) {
	if len(v) >= 4 {
		r.values[v] = true
	}
}

// Requests returns how many requests r has sent.
func (r *recorder) Requests() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests
}

// Values returns the credential values r has seen, sorted.
func (r *recorder) Values() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, 0, len(r.values))
	for v := range r.values {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

// assertNoHeaderValues fails t if a credential header value one of the
// recorders saw appears in one of texts (errors, log lines, output), and
// returns how many values were checked.
func assertNoHeaderValues(t testing.TB, texts []string, recs ...*recorder) int {
	t.Helper()
	n := 0
	for _, r := range recs {
		for _, v := range r.Values() {
			n++
			for _, text := range texts {
				if strings.Contains(text, v) {
					t.Errorf("the credential header value %s appears in %q", shorten(v), shorten(text))
				}
			}
		}
	}
	return n
}

// shorten abbreviates s for a failure message.
func shorten(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}

// ---- log capture ----

// logs captures every record at debug level in text and in JSON.
type logs struct {
	text, json testlog.Buffer
}

// Logger returns a debug-level logger that writes to both buffers.
func (l *logs) Logger() *slog.Logger {
	opts := &slog.HandlerOptions{Level: slog.LevelDebug}
	return slog.New(tee{slog.NewTextHandler(&l.text, opts), slog.NewJSONHandler(&l.json, opts)})
}

// Lines returns every line written so far, text lines then JSON lines.
func (l *logs) Lines() []string {
	var out []string
	for _, s := range []string{l.text.String(), l.json.String()} {
		for line := range strings.Lines(s) {
			out = append(out, strings.TrimSuffix(line, "\n"))
		}
	}
	return out
}

// Records returns the JSON records written so far.
func (l *logs) Records(t testing.TB) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range strings.Lines(l.json.String()) {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &rec), "log line %q", line)
		out = append(out, rec)
	}
	return out
}

// tee is a slog.Handler that hands every record to each of its handlers.
type tee []slog.Handler

func (h tee) Enabled(ctx context.Context, l slog.Level) bool {
	for _, x := range h {
		if x.Enabled(ctx, l) {
			return true
		}
	}
	return false
}

func (h tee) Handle(ctx context.Context, r slog.Record) error {
	var errs []error
	for _, x := range h {
		if x.Enabled(ctx, r.Level) {
			errs = append(errs, x.Handle(ctx, r.Clone()))
		}
	}
	return errors.Join(errs...)
}

func (h tee) WithAttrs(attrs []slog.Attr) slog.Handler {
	out := make(tee, len(h))
	for i, x := range h {
		out[i] = x.WithAttrs(attrs)
	}
	return out
}

func (h tee) WithGroup(name string) slog.Handler {
	out := make(tee, len(h))
	for i, x := range h {
		out[i] = x.WithGroup(name)
	}
	return out
}

// ---- the clients under test ----

// kind is one client configuration of the matrix.
type kind int

const (
	kIAM       kind = iota // huaweiiam VirtualMFA
	kWorkspace             // huaweiiam WorkspaceOTP
	kRaxJSON               // rackspace, JSON
	kRaxXML                // rackspace, XML
	kZStack                // zstack
)

var kinds = []kind{kIAM, kWorkspace, kRaxJSON, kRaxXML, kZStack}

func (k kind) String() string {
	return [...]string{"huawei-iam", "huawei-workspace", "rackspace-json", "rackspace-xml", "zstack"}[k]
}

// provider is the default provider Name of k's client.
func (k kind) provider() string {
	return [...]string{huaweiiam.DefaultIAMName, huaweiiam.DefaultWorkspaceName, rackspace.DefaultName, rackspace.DefaultName, zstack.DefaultName}[k]
}

// api is the emulator k talks to.
func (k kind) api(s *sim.Sim) *sim.API {
	return [...]*sim.API{s.IAM, s.Workspace, s.Rackspace, s.Rackspace, s.ZStack}[k]
}

// creds says how a client authenticates.
type creds int

const (
	static creds = iota // Huawei Token, Rackspace Token, ZStack SessionID
	login               // Huawei password, Rackspace API key (JSON) or password (XML), ZStack account
	aksk                // Huawei AK/SK signing (with a security token): Huawei only
)

func (c creds) String() string { return [...]string{"static", "login", "aksk"}[c] }

// setup is what a client is built from.
type setup struct {
	URL    string // the endpoint of k's API
	IAMURL string // Huawei Workspace: the IAM endpoint, where password login happens; "" for none
	Creds  sim.Credentials
	Auth   creds
	// SecurityToken goes with AK/SK signing.
	SecurityToken string
	Retry         mfa.RetryPolicy
	MaxBytes      int64
	Logger        *slog.Logger
	Rec           *recorder
}

// target is one client under test.
type target struct {
	kind   kind
	p      mfa.Provider
	config any // the Config it was built from, for the fmt checks
	client any // the *Client
	rec    *recorder
	close  func()
}

// build makes the client of k from s.
func build(k kind, s setup) (*target, error) {
	var hc *http.Client
	if s.Rec != nil {
		hc = s.Rec.Client()
	}
	cr := s.Creds
	tg := &target{kind: k, rec: s.Rec, close: func() {}}
	switch k {
	case kIAM, kWorkspace:
		cfg := huaweiiam.Config{
			ProjectID:        cr.HuaweiProjectID,
			HTTPClient:       hc,
			Logger:           s.Logger,
			Retry:            s.Retry,
			MaxResponseBytes: s.MaxBytes,
		}
		if k == kIAM {
			cfg.IAMEndpoint = s.URL
		} else {
			cfg.WorkspaceEndpoint, cfg.IAMEndpoint = s.URL, s.IAMURL
		}
		switch s.Auth {
		case static:
			cfg.Token = cr.HuaweiToken
		case login:
			cfg.DomainName, cfg.UserName, cfg.Password = cr.HuaweiDomain, cr.HuaweiUser, cr.HuaweiPassword
		case aksk:
			cfg.AccessKey, cfg.SecretKey, cfg.SecurityToken, cfg.DomainID = cr.HuaweiAK, cr.HuaweiSK, s.SecurityToken, cr.HuaweiDomainID
		}
		c, err := huaweiiam.NewClient(cfg)
		if err != nil {
			return nil, err
		}
		tg.config, tg.client = cfg, c
		if k == kIAM {
			tg.p = c.VirtualMFA()
		} else {
			tg.p = c.WorkspaceOTP()
		}
	case kRaxJSON, kRaxXML:
		cfg := rackspace.Config{
			Endpoint:         s.URL,
			HTTPClient:       hc,
			Logger:           s.Logger,
			Retry:            s.Retry,
			MaxResponseBytes: s.MaxBytes,
		}
		if k == kRaxXML {
			cfg.Format = rackspace.XML
		}
		switch {
		case s.Auth == static:
			cfg.Token = cr.RackspaceToken
		case k == kRaxJSON:
			cfg.Username, cfg.APIKey = cr.RackspaceUser, cr.RackspaceAPIKey
		default:
			cfg.Username, cfg.Password = cr.RackspaceUser, cr.RackspacePassword
		}
		c, err := rackspace.NewClient(cfg)
		if err != nil {
			return nil, err
		}
		tg.config, tg.client, tg.p = cfg, c, c
	case kZStack:
		cfg := zstack.Config{
			Endpoint:         s.URL,
			HTTPClient:       hc,
			Logger:           s.Logger,
			Retry:            s.Retry,
			MaxResponseBytes: s.MaxBytes,
		}
		if s.Auth == static {
			cfg.SessionID = cr.ZStackSession
		} else {
			cfg.AccountName, cfg.Password = cr.ZStackAccount, cr.ZStackPassword
		}
		c, err := zstack.NewClient(cfg)
		if err != nil {
			return nil, err
		}
		tg.config, tg.client, tg.p = cfg, c, c
		tg.close = func() { _ = c.Close() }
	}
	return tg, nil
}

// mustBuild builds the client of k or fails t; the client is closed when t
// ends.
func mustBuild(t testing.TB, k kind, s setup) *target {
	t.Helper()
	if s.Retry == (mfa.RetryPolicy{}) {
		s.Retry = fastRetry
	}
	tg, err := build(k, s)
	require.NoError(t, err, "building the %v client", k)
	require.Equal(t, k.provider(), tg.p.Name(), "the provider's default name")
	t.Cleanup(tg.close)
	return tg
}

// simSetup is the setup of k against the emulators of s.
func simSetup(s *sim.Sim, k kind, auth creds, rec *recorder) setup {
	st := setup{URL: k.api(s).URL(), Creds: s.Creds, Auth: auth, Rec: rec}
	if k == kWorkspace {
		st.IAMURL = s.IAM.URL()
	}
	return st
}

// op is one call of the public API: UserDevices, AllDevices or Device.
type op struct {
	name string
	call func(ctx context.Context) ([]mfa.Device, error)
	rec  *recorder // the client's, or nil
}

// ops returns the public calls tg offers: UserDevices, AllDevices where
// the provider is a DeviceLister, Device where it is a DeviceGetter.
func (tg *target) ops(user, device string) []op {
	out := tg.calls(user, device)
	for i := range out {
		out[i].rec = tg.rec
	}
	return out
}

func (tg *target) calls(user, device string) []op {
	out := []op{{name: "UserDevices", call: func(ctx context.Context) ([]mfa.Device, error) {
		return tg.p.UserDevices(ctx, user)
	}}}
	if l, ok := tg.p.(mfa.DeviceLister); ok {
		out = append(out, op{name: "AllDevices", call: func(ctx context.Context) ([]mfa.Device, error) {
			var devs []mfa.Device
			for d, err := range l.AllDevices(ctx) {
				if err != nil {
					return devs, err
				}
				devs = append(devs, d)
			}
			return devs, nil
		}})
	}
	if g, ok := tg.p.(mfa.DeviceGetter); ok {
		out = append(out, op{name: "Device", call: func(ctx context.Context) ([]mfa.Device, error) {
			d, err := g.Device(ctx, user, device)
			if err != nil {
				return nil, err
			}
			return []mfa.Device{d}, nil
		}})
	}
	return out
}

// run calls o with ctx and fails t if it does not return within hangLimit,
// panics, or returns an error that shows a credential header value its
// client sent or received.
func run(t testing.TB, ctx context.Context, o op) ([]mfa.Device, error) {
	t.Helper()
	type result struct {
		devs  []mfa.Device
		err   error
		panic any
	}
	done := make(chan result, 1)
	go func() {
		var r result
		defer func() {
			r.panic = recover()
			done <- r
		}()
		r.devs, r.err = o.call(ctx)
	}()
	timer := time.NewTimer(hangLimit)
	defer timer.Stop()
	select {
	case r := <-done:
		if r.panic != nil {
			t.Fatalf("%s panicked: %v", o.name, r.panic)
		}
		if r.err != nil && o.rec != nil {
			assertNoHeaderValues(t, []string{r.err.Error(), fmt.Sprintf("%+v", r.err)}, o.rec)
		}
		return r.devs, r.err
	case <-timer.C:
		t.Fatalf("%s did not return within %v", o.name, hangLimit)
		return nil, nil
	}
}

// simIDs returns a user of k's API who has a device, and that device.
func simIDs(t testing.TB, s *sim.Sim, k kind) (user, device string) {
	t.Helper()
	devs := k.api(s).Devices()
	require.NotEmpty(t, devs, "%v has no device", k)
	return devs[0].UserID, devs[0].ID
}

// startSim starts the emulators for t.
func startSim(t testing.TB, opts sim.Options) *sim.Sim {
	t.Helper()
	s, err := sim.Start(opts)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

// assertKind checks that err matches want and no other sentinel, and that
// its message names the provider.
func assertKind(t testing.TB, err, want error, provider string) {
	t.Helper()
	if !assert.Error(t, err) {
		return
	}
	assert.ErrorIs(t, err, want)
	for _, s := range sentinels {
		if s != want && errors.Is(err, s) {
			t.Errorf("the error also matches %q: %v", s, err)
		}
	}
	assert.Contains(t, err.Error(), provider, "the error does not name the provider")
}

// fmtForms returns the ways a value is commonly printed.
func fmtForms(v any) []string {
	return []string{
		fmt.Sprintf("%v", v), fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v),
		fmt.Sprintf("%s", v), fmt.Sprintf("%q", v),
	}
}

// credVariant is a vendor and one kind of credentials it takes.
type credVariant struct {
	k    kind
	auth creds
}

// credVariants lists every kind of credentials of every vendor: a static
// one and a login for each, and AK/SK signing for the two Huawei APIs.
func credVariants() []credVariant {
	var variants []credVariant
	for _, k := range kinds {
		variants = append(variants, credVariant{k, static}, credVariant{k, login})
	}
	return append(variants, credVariant{kIAM, aksk}, credVariant{kWorkspace, aksk})
}
