package sim

import (
	"bytes"
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/mfatest"
)

// API is one emulated vendor API: an HTTP server on a loopback port with
// its sample organisation. Its methods are safe for concurrent use.
type API struct {
	kind   kind
	org    *org
	vendor vendor
	url    string
	log    *requestLog

	requests    atomic.Int64
	connections atomic.Int64
	latency     atomic.Int64
	requestSeq  atomic.Uint64
	requestSalt uint64

	faultMu    sync.Mutex
	faults     []*faultState
	faultCount atomic.Int32

	quota    atomic.Pointer[rate.Limiter] // nil: no quota
	refusals atomic.Int64

	srv     *http.Server
	ctx     context.Context
	cancel  context.CancelFunc
	served  chan struct{}
	handler tracker
}

// vendor is the behaviour of one API.
type vendor interface {
	// isLogin reports whether r is a login or logout call.
	isLogin(r *http.Request) bool
	// serve answers r as the vendor does.
	serve(w http.ResponseWriter, r *http.Request)
	// fault answers r with an injected fault of kind FaultRateLimit or
	// FaultServerError (502 excepted) in the vendor's form. It does not
	// set Retry-After: call it through API.fault, which does.
	fault(w http.ResponseWriter, r *http.Request, f mfatest.Fault)
	// expireTokens invalidates every token or session issued by login.
	expireTokens()
	// issued returns the store of the tokens or sessions login issued.
	issued() *tokenStore
}

// Name returns the API's name: "huawei-iam", "huawei-workspace",
// "rackspace" or "zstack" (the default provider names of the vendor
// clients).
func (a *API) Name() string { return kindNames[a.kind] }

// URL returns the API's base URL, such as "http://127.0.0.1:41234".
func (a *API) URL() string { return a.url }

// UserIDs returns the ids of the API's users in the order the API lists
// them (seeded organisations: sorted). Users without a factor are
// included.
func (a *API) UserIDs() []string {
	out := make([]string, len(a.org.users))
	for i := range a.org.users {
		out[i] = a.org.userID(i)
	}
	return out
}

// Users returns every user of the API with its devices, as a faithful
// client reads them, in the order of UserIDs: the ground truth.
func (a *API) Users() []User { return a.org.groundTruth() }

// Devices returns every device the API serves, grouped by user in the
// order of UserIDs, with its owner: the ground truth.
func (a *API) Devices() []OwnedDevice {
	out := make([]OwnedDevice, 0, len(a.org.devices))
	for j := range a.org.devices {
		i := int(a.org.devices[j].user)
		d := OwnedDevice{UserID: a.org.userID(i), Device: a.org.device(j)}
		if a.kind == kindWorkspace {
			d.UserName = a.org.user(i).Name
		}
		out = append(out, d)
	}
	return out
}

// OwnedDevice is a device with its owner.
type OwnedDevice struct {
	// UserID is the owner's id; UserName its name where the device API
	// says it (Workspace), or "".
	UserID, UserName string
	Device
}

// Requests returns the number of requests the API has received, on every
// path, faults and errors included.
func (a *API) Requests() int64 { return a.requests.Load() }

// RequestLog returns the last requests the API received (at most
// maxLoggedRequests), oldest first. The two Huawei APIs share their log, so
// each returns the requests of both in the order they arrived.
func (a *API) RequestLog() []Request { return a.log.list() }

// Connections returns the number of TCP connections the API has accepted.
func (a *API) Connections() int64 { return a.connections.Load() }

// SetLatency sets the delay added to every request of the API, login
// included. A request whose context ends during the delay is dropped: its
// connection is closed without an answer.
func (a *API) SetLatency(d time.Duration) { a.latency.Store(int64(max(d, 0))) }

// ExpireTokens makes every token or session issued by the API's login so
// far invalid: its next use gets the vendor's expired or unauthorized form.
// The static credentials of Credentials stay valid. The two Huawei APIs
// share their tokens, so ExpireTokens on either expires both.
func (a *API) ExpireTokens() { a.vendor.expireTokens() }

// IssuedTokens returns every token or session the API's login has issued,
// expired, logged out or not (the two Huawei APIs share theirs), for tests
// that check no credential reaches an output.
func (a *API) IssuedTokens() []string { return a.vendor.issued().list() }

// IssuedSecrets returns IssuedTokens as mfa.Secret values (nil when login
// has issued none), the form the test servers hand out, so that a test
// printing them by mistake shows no credential.
func (a *API) IssuedSecrets() []mfa.Secret {
	var out []mfa.Secret
	for _, t := range a.IssuedTokens() {
		out = append(out, mfa.NewSecret(t))
	}
	return out
}

// start listens on a loopback port and serves in the background.
func (a *API) start() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	a.url = "http://" + ln.Addr().String()
	a.ctx, a.cancel = context.WithCancel(context.Background())
	a.srv = &http.Server{
		Handler:           http.HandlerFunc(a.serveHTTP),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		BaseContext:       func(net.Listener) context.Context { return a.ctx },
		ConnState: func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				a.connections.Add(1)
			}
		},
		ErrorLog: log.New(io.Discard, "", 0),
	}
	a.served = make(chan struct{})
	go func() {
		defer close(a.served)
		_ = a.srv.Serve(ln)
	}()
	return nil
}

// close stops the server: requests waiting on latency are dropped, the
// others finish, then every connection is closed and every handler has
// returned.
func (a *API) close() {
	if a.srv == nil {
		return
	}
	a.cancel()
	// Shutdown lets requests in flight finish, but waits five seconds for a
	// connection that was opened and never used (a client that dialled
	// ahead): a short grace, then Close, which drops those.
	ctx, cancel := context.WithTimeout(context.Background(), 250*time.Millisecond)
	_ = a.srv.Shutdown(ctx)
	cancel()
	_ = a.srv.Close()
	<-a.served
	a.handler.wait()
}

// serveHTTP counts the request, waits the latency, applies the fault queue
// and hands the request to the vendor.
func (a *API) serveHTTP(w http.ResponseWriter, r *http.Request) {
	a.requests.Add(1)
	a.log.add(Request{API: a.Name(), Method: r.Method, Path: a.loggedPath(r), Query: r.URL.RawQuery})
	if !a.handler.enter() {
		panic(http.ErrAbortHandler)
	}
	defer a.handler.leave()
	if a.kind == kindIAM || a.kind == kindWorkspace {
		w.Header().Set("X-Request-Id", a.requestID())
	}
	if d := time.Duration(a.latency.Load()); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			panic(http.ErrAbortHandler)
		}
	}
	if q := a.quota.Load(); q != nil && !q.Allow() {
		a.refusals.Add(1)
		a.fault(w, r, mfatest.Fault{Kind: mfatest.FaultRateLimit, RetryAfter: "1"})
		return
	}
	f, ok := a.nextFault(a.vendor.isLogin(r))
	if !ok {
		a.vendor.serve(w, r)
		return
	}
	switch {
	case f.Kind == mfatest.FaultTruncated:
		rec := &recorder{header: w.Header()}
		a.vendor.serve(rec, r)
		rec.writeTruncated(w)
	case f.Kind == mfatest.FaultHTML:
		writeHTML(w, http.StatusOK, portalPage)
	case f.Kind == mfatest.FaultServerError && f.Status == http.StatusBadGateway:
		setRetryAfter(w, f)
		writeHTML(w, http.StatusBadGateway, badGatewayPage)
	default:
		a.fault(w, r, f)
	}
}

// fault answers r with f in the vendor's form, Retry-After included. The
// quota and the fault queue both answer through it, so that a refusal
// carries the same headers whichever of them refused.
func (a *API) fault(w http.ResponseWriter, r *http.Request, f mfatest.Fault) {
	setRetryAfter(w, f)
	a.vendor.fault(w, r, f)
}

// setRetryAfter sets the Retry-After header f asks for, if any; it must
// run before the status is written, which vendor.fault does.
func setRetryAfter(w http.ResponseWriter, f mfatest.Fault) {
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
}

// sessionPathPlaceholder stands in the request log for the session of a
// ZStack session path.
const sessionPathPlaceholder = "/zstack/v1/accounts/sessions/{session}"

// loggedPath returns the path of r as the request log keeps it: the
// escaped path, except that ZStack's logout (DELETE
// /zstack/v1/accounts/sessions/{session}) carries the session in the
// path, and the log, which tests print and search for credentials, must
// hold none. Any deeper path under sessions/ is masked too, so that a
// client sending a session to a wrong path does not leak it either.
func (a *API) loggedPath(r *http.Request) string {
	if a.kind == kindZStack {
		if segs := segments(r); len(segs) >= 5 && match(segs[:4], "zstack", "v1", "accounts", "sessions") {
			return sessionPathPlaceholder
		}
	}
	return r.URL.EscapedPath()
}

// SetQuota makes the API refuse the requests beyond perSecond a second,
// with a burst of burst, as its vendor refuses for rate (Huawei 429
// APIG.0308, Rackspace 413 overLimit, ZStack 503 SYS.1012, each with
// Retry-After: 1), the way an API gateway's token bucket does. Every path
// counts, login included; a perSecond of 0 removes the quota.
func (a *API) SetQuota(perSecond float64, burst int) {
	if perSecond <= 0 {
		a.quota.Store(nil)
		return
	}
	a.quota.Store(rate.NewLimiter(rate.Limit(perSecond), max(burst, 1)))
}

// Refusals returns the number of requests the quota refused.
func (a *API) Refusals() int64 { return a.refusals.Load() }

// requestID returns a fresh 32-hex-digit request id.
func (a *API) requestID() string {
	n := a.requestSeq.Add(1)
	var b [32]byte
	x, y := mix64(a.requestSalt+n), mix64(a.requestSalt^n<<1)
	const digits = "0123456789abcdef"
	for i := range 16 {
		b[i] = digits[(x>>(4*i))&0xf]
		b[16+i] = digits[(y>>(4*i))&0xf]
	}
	return string(b[:])
}

// mix64 is the splitmix64 finaliser.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// tracker counts running handlers so close can wait for them, and refuses
// new ones once closing.
type tracker struct {
	mu     sync.Mutex
	cond   *sync.Cond
	n      int
	closed bool
}

func (t *tracker) enter() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false
	}
	t.n++
	return true
}

func (t *tracker) leave() {
	t.mu.Lock()
	t.n--
	if t.n == 0 && t.cond != nil {
		t.cond.Broadcast()
	}
	t.mu.Unlock()
}

func (t *tracker) wait() {
	t.mu.Lock()
	t.closed = true
	if t.cond == nil {
		t.cond = sync.NewCond(&t.mu)
	}
	for t.n > 0 {
		t.cond.Wait()
	}
	t.mu.Unlock()
}

// recorder captures a response so a fault can alter it.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(p)
}

// writeTruncated writes the recorded response with its body cut in half.
func (r *recorder) writeTruncated(w http.ResponseWriter) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	body := r.body.Bytes()
	body = body[:len(body)/2]
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(r.status)
	_, _ = w.Write(body)
}

// maxLoggedRequests bounds the request log, so a long benchmark keeps a
// flat heap.
const maxLoggedRequests = 10_000

// requestLog is a ring of the last requests.
type requestLog struct {
	mu   sync.Mutex
	ring []Request
	next int // total requests logged
}

func newRequestLog() *requestLog { return &requestLog{} }

func (l *requestLog) add(r Request) {
	l.mu.Lock()
	if len(l.ring) < maxLoggedRequests {
		l.ring = append(l.ring, r)
	} else {
		l.ring[l.next%maxLoggedRequests] = r
	}
	l.next++
	l.mu.Unlock()
}

func (l *requestLog) list() []Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.ring) < maxLoggedRequests {
		return slices.Clone(l.ring)
	}
	cut := l.next % maxLoggedRequests
	return append(slices.Clone(l.ring[cut:]), l.ring[:cut]...)
}
