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
	"github.com/openmfa/mfa-go/huaweiiam/huaweiiamtest"
	"github.com/openmfa/mfa-go/internal/testlog"
	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/mfatest"
	"github.com/openmfa/mfa-go/rackspace"
	"github.com/openmfa/mfa-go/rackspace/rackspacetest"
	"github.com/openmfa/mfa-go/zstack"
	"github.com/openmfa/mfa-go/zstack/zstacktest"
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
// recorders saw appears, in any form a server may echo it in, in one of
// texts (errors, log lines, output), and returns how many values were
// checked.
func assertNoHeaderValues(t testing.TB, texts []string, recs ...*recorder) int {
	t.Helper()
	var m matcher
	n := 0
	for _, r := range recs {
		for _, v := range r.Values() {
			m.add("header value", v)
			n++
		}
	}
	for _, text := range texts {
		for _, found := range m.find(text) {
			t.Errorf("the credential header value %s appears as %s in %q", shorten(found.secret), shorten(found.form), shorten(text))
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

// creds says how a client authenticates.
type creds int

const (
	static creds = iota // Huawei Token, Rackspace Token, ZStack SessionID
	login               // Huawei password, Rackspace API key (JSON) or password (XML), ZStack account
	aksk                // Huawei AK/SK signing (with a security token): Huawei only
)

func (c creds) String() string { return [...]string{"static", "login", "aksk"}[c] }

// credentials are what the clients are given: every vendor's, in plain
// strings so that a test can look for them in what a client shows.
type credentials struct {
	HuaweiToken, HuaweiDomain, HuaweiUser, HuaweiPassword string
	HuaweiProjectID, HuaweiDomainID                       string
	HuaweiAK, HuaweiSK, HuaweiSecurityToken               string

	RackspaceToken, RackspaceUser, RackspaceAPIKey, RackspacePassword string

	ZStackSession, ZStackAccount, ZStackPassword string
}

// setup is what a client is built from.
type setup struct {
	URL    string // the endpoint of k's API
	IAMURL string // Huawei Workspace: the IAM endpoint, where password login happens; "" for none
	Creds  credentials
	Auth   creds
	Retry  mfa.RetryPolicy
	// Adaptive keeps the default mfa.Pacing, which slows a client down
	// after a refusal for rate. The tests refuse for rate on purpose, and
	// most of them then go on with the same client: they send unpaced.
	Adaptive   bool
	MaxBytes   int64
	MaxListing int
	PageSize   int // ZStack's PageSize and Workspace's WorkspacePageSize; 0 for the default
	Logger     *slog.Logger
	Rec        *recorder
}

// target is one client under test.
type target struct {
	kind   kind
	auth   creds
	p      mfa.Provider
	config any // the Config it was built from, for the fmt checks
	client any // the *Client
	rec    *recorder
	close  func() error
}

// build makes the client of k from s.
func build(k kind, s setup) (*target, error) {
	var hc *http.Client
	if s.Rec != nil {
		hc = s.Rec.Client()
	}
	pacing := mfa.Pacing{Fixed: true}
	if s.Adaptive {
		pacing = mfa.Pacing{}
	}
	cr := s.Creds
	secret := mfa.NewSecret
	tg := &target{kind: k, auth: s.Auth, rec: s.Rec}
	switch k {
	case kIAM, kWorkspace:
		cfg := huaweiiam.Config{
			ProjectID:         cr.HuaweiProjectID,
			HTTPClient:        hc,
			Logger:            s.Logger,
			Retry:             s.Retry,
			MaxResponseBytes:  s.MaxBytes,
			Pacing:            pacing,
			MaxListing:        s.MaxListing,
			WorkspacePageSize: s.PageSize,
		}
		if k == kIAM {
			cfg.IAMEndpoint = s.URL
		} else {
			cfg.WorkspaceEndpoint, cfg.IAMEndpoint = s.URL, s.IAMURL
		}
		switch s.Auth {
		case static:
			cfg.Token = secret(cr.HuaweiToken)
		case login:
			cfg.DomainName, cfg.Username, cfg.Password = cr.HuaweiDomain, cr.HuaweiUser, secret(cr.HuaweiPassword)
		case aksk:
			cfg.AccessKey, cfg.SecretKey, cfg.SecurityToken, cfg.DomainID = cr.HuaweiAK, secret(cr.HuaweiSK), secret(cr.HuaweiSecurityToken), cr.HuaweiDomainID
		}
		c, err := huaweiiam.NewClient(cfg)
		if err != nil {
			return nil, err
		}
		tg.config, tg.client, tg.close = cfg, c, c.Close
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
			Pacing:           pacing,
			MaxListing:       s.MaxListing,
		}
		if k == kRaxXML {
			cfg.Format = rackspace.XML
		}
		switch {
		case s.Auth == static:
			cfg.Token = secret(cr.RackspaceToken)
		case k == kRaxJSON:
			cfg.Username, cfg.APIKey = cr.RackspaceUser, secret(cr.RackspaceAPIKey)
		default:
			cfg.Username, cfg.Password = cr.RackspaceUser, secret(cr.RackspacePassword)
		}
		c, err := rackspace.NewClient(cfg)
		if err != nil {
			return nil, err
		}
		tg.config, tg.client, tg.p, tg.close = cfg, c, c, c.Close
	case kZStack:
		cfg := zstack.Config{
			Endpoint:         s.URL,
			HTTPClient:       hc,
			Logger:           s.Logger,
			Retry:            s.Retry,
			MaxResponseBytes: s.MaxBytes,
			Pacing:           pacing,
			MaxListing:       s.MaxListing,
			PageSize:         s.PageSize,
		}
		if s.Auth == static {
			cfg.SessionID = secret(cr.ZStackSession)
		} else {
			cfg.AccountName, cfg.Password = cr.ZStackAccount, secret(cr.ZStackPassword)
		}
		c, err := zstack.NewClient(cfg)
		if err != nil {
			return nil, err
		}
		tg.config, tg.client, tg.p, tg.close = cfg, c, c, c.Close
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
	t.Cleanup(func() { _ = tg.close() })
	return tg
}

// ---- the public test servers ----

// servers are the public test servers of the three vendors, started with
// one seed: what a user of this module tests against.
type servers struct {
	hw    *huaweiiamtest.Server
	rax   *rackspacetest.Server
	zs    *zstacktest.Server
	creds credentials
}

// securityToken is the temporary-key token of the AK/SK clients. The
// Huawei test server does not check it; the clients send it all the same.
const securityToken = "SECTOKEN-SENTINEL-5d6e7f80a1b2"

// startServers starts the three servers for t: users users each, with at
// most maxDevices devices a user.
func startServers(t testing.TB, seed int64, users, maxDevices int) *servers {
	t.Helper()
	hw, err := huaweiiamtest.NewServer(huaweiiamtest.Options{Seed: seed, UserCount: users, MaxDevicesPerUser: maxDevices})
	require.NoError(t, err)
	t.Cleanup(hw.Close)
	rax, err := rackspacetest.NewServer(rackspacetest.Options{Seed: seed, UserCount: users, MaxDevicesPerUser: maxDevices})
	require.NoError(t, err)
	t.Cleanup(rax.Close)
	zs, err := zstacktest.NewServer(zstacktest.Options{Seed: seed, UserCount: users, MaxDevicesPerUser: maxDevices})
	require.NoError(t, err)
	t.Cleanup(zs.Close)
	return &servers{hw: hw, rax: rax, zs: zs, creds: credentials{
		HuaweiToken: hw.Token.Reveal(), HuaweiDomain: hw.DomainName, HuaweiUser: hw.Username,
		HuaweiPassword: hw.Password.Reveal(), HuaweiProjectID: hw.ProjectID, HuaweiDomainID: hw.DomainID,
		HuaweiAK: hw.AccessKey, HuaweiSK: hw.SecretKey.Reveal(), HuaweiSecurityToken: securityToken,
		RackspaceToken: rax.Token.Reveal(), RackspaceUser: rax.Username,
		RackspaceAPIKey: rax.APIKey.Reveal(), RackspacePassword: rax.Password.Reveal(),
		ZStackSession: zs.SessionID.Reveal(), ZStackAccount: zs.AccountName, ZStackPassword: zs.Password.Reveal(),
	}}
}

// faulty is a server, or one Huawei host, that takes faults and counts
// requests.
type faulty interface {
	Inject(mfatest.Fault)
	ClearFaults()
	RequestCount() int
}

// api is the server (or host) k's calls go to.
func (s *servers) api(k kind) faulty {
	return [...]faulty{s.hw.IAM, s.hw.Workspace, s.rax, s.rax, s.zs}[k]
}

// issuer is the server (or host) k's client logs in at: Huawei Workspace
// logs in at IAM.
func (s *servers) issuer(k kind) faulty {
	if k == kWorkspace {
		return s.hw.IAM
	}
	return s.api(k)
}

// all lists every server and host, for faults on all of them.
func (s *servers) all() []faulty { return []faulty{s.hw.IAM, s.hw.Workspace, s.rax, s.zs} }

// expire ends every token k's login issued (both Huawei hosts share theirs).
func (s *servers) expire(k kind) {
	switch k {
	case kIAM, kWorkspace:
		s.hw.ExpireTokens()
	case kRaxJSON, kRaxXML:
		s.rax.ExpireTokens()
	default:
		s.zs.ExpireTokens()
	}
}

// issued returns every token or session k's login issued.
func (s *servers) issued(k kind) []mfa.Secret {
	switch k {
	case kIAM, kWorkspace:
		return s.hw.IssuedTokens()
	case kRaxJSON, kRaxXML:
		return s.rax.IssuedTokens()
	}
	return s.zs.IssuedTokens()
}

// url is the endpoint of k's API.
func (s *servers) url(k kind) string {
	return [...]string{s.hw.IAMURL, s.hw.WorkspaceURL, s.rax.URL, s.rax.URL, s.zs.URL}[k]
}

// owned is a device id with its owner.
type owned struct{ user, id string }

// users returns the ids of k's users, those without a factor included.
func (s *servers) users(k kind) []string {
	var out []string
	switch k {
	case kIAM:
		for _, u := range s.hw.IAMUsers() {
			out = append(out, u.ID)
		}
	case kWorkspace:
		for _, u := range s.hw.WorkspaceUsers() {
			out = append(out, u.ID)
		}
	case kRaxJSON, kRaxXML:
		for _, u := range s.rax.Users() {
			out = append(out, u.ID)
		}
	default:
		for _, a := range s.zs.Accounts() {
			out = append(out, a.UUID)
		}
		for _, v := range s.zs.VirtualIDs() {
			out = append(out, v.UUID)
		}
	}
	return out
}

// devices returns every factor k's API serves, with its owner.
func (s *servers) devices(k kind) []owned {
	var out []owned
	switch k {
	case kIAM:
		for _, d := range s.hw.IAMDevices() {
			out = append(out, owned{d.UserID, d.ID})
		}
	case kWorkspace:
		for _, d := range s.hw.WorkspaceDevices() {
			out = append(out, owned{d.UserID, d.ID})
		}
	case kRaxJSON, kRaxXML:
		for _, d := range s.rax.Devices() {
			out = append(out, owned{d.UserID, d.ID})
		}
	default:
		for _, d := range s.zs.Devices() {
			out = append(out, owned{d.UserID, d.ID})
		}
	}
	return out
}

// ids returns a user of k's API who has a device, and that device.
func (s *servers) ids(t testing.TB, k kind) (user, device string) {
	t.Helper()
	devs := s.devices(k)
	require.NotEmpty(t, devs, "%v has no device", k)
	return devs[0].user, devs[0].id
}

// setup is the setup of k against the servers.
func (s *servers) setup(k kind, auth creds, rec *recorder) setup {
	st := setup{URL: s.url(k), Creds: s.creds, Auth: auth, Rec: rec}
	if k == kWorkspace {
		st.IAMURL = s.hw.IAMURL
	}
	return st
}

// ---- the calls ----

// result is what a call read: devices, or users.
type result struct {
	devs  []mfa.Device
	users []mfa.User
}

func (r result) len() int { return len(r.devs) + len(r.users) }

// op is one call of the public API: UserDevices, AllDevices, Device or
// Users.
type op struct {
	name string
	call func(ctx context.Context) (result, error)
	rec  *recorder // the client's, or nil
	// listing is a call that takes no id.
	listing bool
	// tolerant is the call that goes on past a failed request: Huawei
	// IAM's Users reads login protection first, and lists the users when
	// that fails, its error last. Under a fault on every request, it sends
	// twice what the others send.
	tolerant bool
}

// ops returns the public calls tg offers: UserDevices, AllDevices where
// the provider is a DeviceLister, Device where it is a DeviceGetter, Users
// where it is a UserLister.
func (tg *target) ops(user, device string) []op {
	out := []op{{name: "UserDevices", call: func(ctx context.Context) (result, error) {
		devs, err := tg.p.UserDevices(ctx, user)
		return result{devs: devs}, err
	}}}
	if l, ok := tg.p.(mfa.DeviceLister); ok {
		out = append(out, op{name: "AllDevices", listing: true, call: func(ctx context.Context) (result, error) {
			devs, err := collect(l.AllDevices(ctx))
			return result{devs: devs}, err
		}})
	}
	if g, ok := tg.p.(mfa.DeviceGetter); ok {
		out = append(out, op{name: "Device", call: func(ctx context.Context) (result, error) {
			d, err := g.Device(ctx, user, device)
			if err != nil {
				return result{}, err
			}
			return result{devs: []mfa.Device{d}}, nil
		}})
	}
	if l, ok := tg.p.(mfa.UserLister); ok {
		out = append(out, op{name: "Users", listing: true, tolerant: tg.kind == kIAM, call: func(ctx context.Context) (result, error) {
			users, err := collect(l.Users(ctx))
			return result{users: users}, err
		}})
	}
	for i := range out {
		out[i].rec = tg.rec
	}
	return out
}

// collect reads a sequence to its end: the values, and the error it ends
// with.
func collect[V any](seq func(func(V, error) bool)) ([]V, error) {
	var out []V
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

// run calls o with ctx and fails t if it does not return within hangLimit,
// panics, or returns an error that shows a credential header value its
// client sent or received.
func run(t testing.TB, ctx context.Context, o op) (result, error) {
	t.Helper()
	type outcome struct {
		res   result
		err   error
		panic any
	}
	done := make(chan outcome, 1)
	go func() {
		var r outcome
		defer func() {
			r.panic = recover()
			done <- r
		}()
		r.res, r.err = o.call(ctx)
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
		return r.res, r.err
	case <-timer.C:
		t.Fatalf("%s did not return within %v", o.name, hangLimit)
		return result{}, nil
	}
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

// credVariant is a vendor and one kind of credentials it takes.
type credVariant struct {
	k    kind
	auth creds
}

func (v credVariant) String() string { return v.k.String() + "-" + v.auth.String() }

// credVariants lists every kind of credentials of every vendor: a static
// one and a login for each, and AK/SK signing for the two Huawei APIs.
func credVariants() []credVariant {
	var variants []credVariant
	for _, k := range kinds {
		variants = append(variants, credVariant{k, static}, credVariant{k, login})
	}
	return append(variants, credVariant{kIAM, aksk}, credVariant{kWorkspace, aksk})
}
