package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/openmfa/mfa-go/mfa"
)

// DefaultMaxBodyBytes is the size limit of a response body when
// Config.MaxBodyBytes is 0.
const DefaultMaxBodyBytes = 8 << 20

// UserAgent is sent with every request.
const UserAgent = "mfa-go/" + mfa.Version

// Config configures a Client.
type Config struct {
	// Provider is the provider name put in errors and log lines.
	Provider string
	// BaseURL is the API root, such as "https://iam.myhuaweicloud.com"; a
	// path in it prefixes every request path.
	BaseURL *url.URL
	// HTTPClient is copied, never modified. nil means a client with a
	// connection pool sized for concurrent calls to one host.
	HTTPClient *http.Client
	// Logger receives debug lines for requests and retries, and warnings.
	// nil means silent.
	Logger *slog.Logger
	// Retry is the retry policy; its zero value is the default.
	Retry mfa.RetryPolicy
	// MaxBodyBytes caps every response body; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Auth sets credentials on every request not marked NoAuth.
	Auth Authenticator
	// DecodeError turns a response that is not a success into the vendor's
	// error. It may return nil when the body is not the vendor's envelope;
	// the Client then makes an *mfa.APIError from the status and a cleaned
	// snippet of the body. Provider, StatusCode and RequestID are filled in
	// afterwards where the decoder left them empty.
	DecodeError func(r *Response) *mfa.APIError
	// RequestIDHeaders are the response headers that carry the vendor's
	// request id, tried in order. nil means X-Request-Id and
	// X-Openstack-Request-Id.
	RequestIDHeaders []string
	// Pacing says how fast the Client sends its requests; a refusal for
	// rate is an HTTP 429 or 413 (the vendors' rate-limit statuses).
	Pacing mfa.Pacing
	// RedactBody, when set, returns a body, or a text taken from one,
	// without what the vendor's bodies hold that no error may show (ZStack's
	// TOTP seeds). Every error applies it to what it quotes, besides
	// removing the call's credentials.
	RedactBody func([]byte) []byte
}

// Authenticator sets credentials on a request. Authenticate runs before
// every attempt, retries included, with the request's context.
type Authenticator interface {
	Authenticate(req *http.Request) error
}

// Renewer is an Authenticator whose credentials can be renewed. When the
// server refuses a request as unauthorized, the Client calls Renew with the
// refused request, then sends the call once more; a second refusal is
// returned to the caller.
type Renewer interface {
	Authenticator
	Renew(ctx context.Context, refused *http.Request) error
}

// Request is one API call.
type Request struct {
	Method string
	// Path is the escaped path below the base URL, built with EscapePath.
	Path string
	// Query is encoded after the path.
	Query url.Values
	// Accept is the media type asked for, such as "application/json".
	Accept string
	// Body is sent with ContentType; nil means no body.
	Body        []byte
	ContentType string
	// Header holds extra headers.
	Header http.Header
	// NoAuth skips the Authenticator (for the login call itself).
	NoAuth bool
	// Secrets are values to remove from any error this call returns, such
	// as the password of a login call. Credential headers set by the
	// Authenticator are removed without being listed.
	Secrets []string
	// Decode, when set, reads a 2xx response; its error is the call's.
	// An error that matches mfa.ErrUnauthorized (a vendor that reports an
	// expired session in a success body) renews the credentials once and
	// sends the call again, as a 401 does.
	Decode func(*Response) error
}

// Response is a response read in full, with its status and headers.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte

	provider  string
	requestID string
	sent      *http.Request // for its credentials, which errors must not show
	extra     []string      // the Request's own Secrets
	clean     func([]byte) []byte

	// formsOnce guards forms: the forms of secrets(), worked out by the
	// first error made, as a decoder may make several.
	formsOnce sync.Once
	forms     []string
}

// quotable is the body as an error may quote it, before its credentials
// are removed.
func (r *Response) quotable() []byte {
	if r.clean == nil {
		return r.Body
	}
	return r.clean(r.Body)
}

// secrets lists what errors about r must not show. It is worked out only
// when an error is made: a success never pays for it.
func (r *Response) secrets() []string { return secretsOf(r.sent, r.extra) }

// secretForms returns the forms of secrets() that Redact removes.
func (r *Response) secretForms() []string {
	r.formsOnce.Do(func() { r.forms = expand(r.secrets()) })
	return r.forms
}

// Invalid returns the error for a response whose body cannot be decoded:
// an *mfa.APIError matching mfa.ErrInvalidResponse that names the provider
// and status and quotes the first bytes of the body, secrets removed.
func (r *Response) Invalid(cause error) *mfa.APIError {
	msg := "cannot decode the response"
	if cause != nil {
		msg += ": " + cause.Error()
	}
	if len(bytes.TrimSpace(r.Body)) == 0 {
		msg += "; the body is empty"
	} else {
		msg += "; body starts " + strconv.Quote(snippet(r.quotable(), r.secretForms()))
	}
	return &mfa.APIError{
		Provider:   r.provider,
		StatusCode: r.StatusCode,
		Message:    r.Redact(msg),
		RequestID:  r.requestID,
		Kind:       mfa.ErrInvalidResponse,
	}
}

// RequestID returns the vendor's request id from the response headers, or "".
func (r *Response) RequestID() string { return r.requestID }

// Redact removes the response's secrets from s; a decoder calls it on any
// text it copies from the body into an error.
func (r *Response) Redact(s string) string {
	s = redactForms(s, r.secretForms())
	if r.clean != nil {
		s = string(r.clean([]byte(s)))
	}
	return s
}

// Client sends requests for one provider. It is safe for concurrent use.
type Client struct {
	provider     string
	base         *url.URL
	basePath     string
	http         *http.Client
	retrying     *retryablehttp.Client // idempotent methods
	once         *retryablehttp.Client // other methods: never retried
	log          *slog.Logger
	maxBody      int64
	auth         Authenticator
	decodeError  func(*Response) *mfa.APIError
	requestIDHdr []string
	policy       mfa.RetryPolicy
	pacer        *pacer // nil for a fixed Pacing with no Rate
	redactBody   func([]byte) []byte
	idle         http.RoundTripper
}

// New returns a Client for cfg.
func New(cfg Config) (*Client, error) {
	if cfg.BaseURL == nil {
		return nil, errors.New("transport: no base URL")
	}
	c := &Client{
		provider:     cfg.Provider,
		base:         cfg.BaseURL,
		basePath:     strings.TrimSuffix(cfg.BaseURL.EscapedPath(), "/"),
		log:          cfg.Logger,
		maxBody:      cfg.MaxBodyBytes,
		auth:         cfg.Auth,
		decodeError:  cfg.DecodeError,
		requestIDHdr: cfg.RequestIDHeaders,
		policy:       cfg.Retry.WithDefaults(),
		redactBody:   cfg.RedactBody,
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.maxBody <= 0 {
		c.maxBody = DefaultMaxBodyBytes
	}
	if c.requestIDHdr == nil {
		c.requestIDHdr = []string{"X-Request-Id", "X-Openstack-Request-Id"}
	}
	if err := cfg.Pacing.Validate(); err != nil {
		return nil, fmt.Errorf("transport: Pacing: %w", err)
	}
	if cfg.Pacing.Rate > 0 || !cfg.Pacing.Fixed {
		c.pacer = newPacer(c.provider, cfg.Pacing, c.log)
	}
	if c.auth != nil && Cleartext(cfg.BaseURL) {
		c.log.Warn("credentials will cross the network unencrypted: the endpoint is plain http to a host other than loopback",
			"provider", c.provider, "host", cfg.BaseURL.Host)
	}
	c.http = c.httpClient(cfg.HTTPClient)
	c.retrying = &retryablehttp.Client{
		HTTPClient:   c.http,
		RetryWaitMin: c.policy.MinWait,
		RetryWaitMax: c.policy.MaxWait,
		RetryMax:     c.policy.MaxAttempts - 1,
		CheckRetry:   c.checkRetry,
		Backoff:      c.backoff,
		ErrorHandler: keepLastResponse,
		PrepareRetry: c.prepareRetry,
	}
	c.once = &retryablehttp.Client{
		HTTPClient:   c.http,
		RetryMax:     0,
		CheckRetry:   func(ctx context.Context, _ *http.Response, _ error) (bool, error) { return false, ctx.Err() },
		ErrorHandler: keepLastResponse,
	}
	return c, nil
}

// CloseIdleConnections closes the idle keep-alive connections of the
// Client's HTTP transport.
func (c *Client) CloseIdleConnections() {
	if ci, ok := c.idle.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

// Rate returns the rate the Client paces its requests at, in requests per
// second, or 0 when they are not paced.
func (c *Client) Rate() float64 {
	if c.pacer == nil {
		return 0
	}
	return c.pacer.Rate()
}

// Provider returns the provider name the Client puts in errors.
func (c *Client) Provider() string { return c.provider }

// Logger returns the Client's logger (never nil).
func (c *Client) Logger() *slog.Logger { return c.log }

// httpClient copies the caller's client, or makes one, paces it, and
// closes two traps: credentials following a redirect to another host, and
// a failed retry run closing the idle connections every other call shares.
func (c *Client) httpClient(caller *http.Client) *http.Client {
	hc := &http.Client{}
	if caller != nil {
		*hc = *caller
	}
	if hc.Transport == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConns = 256
		t.MaxIdleConnsPerHost = 128
		t.ResponseHeaderTimeout = time.Minute
		hc.Transport = t
	}
	// The idle connections are closed by CloseIdleConnections alone: the
	// wrapper hides them from retryablehttp, which closes them whenever a
	// retry run gives up, on a pool every other call shares.
	c.idle = hc.Transport
	hc.Transport = pacedTransport{next: hc.Transport, pacer: c.pacer}
	next := hc.CheckRedirect
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		if req.URL.Host != via[0].URL.Host || req.URL.Scheme != via[0].URL.Scheme {
			if req.Body != nil && req.Body != http.NoBody {
				// A 307 or 308 re-sends the body: a login's password. The
				// redirect comes back to the caller instead.
				return http.ErrUseLastResponse
			}
			for _, h := range credentialHeaders {
				req.Header.Del(h)
			}
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
	return hc
}

// credentialHeaders never follow a redirect to another origin. (net/http
// drops Authorization itself, but not the vendors' own headers.)
var credentialHeaders = []string{
	"Authorization", "Proxy-Authorization", "Cookie",
	"X-Auth-Token", "X-Subject-Token", "X-Security-Token",
}

// Do sends req and returns the response of a 2xx status with its body read
// in full, once req.Decode, when set, has read it. Any other outcome is an
// error: an *mfa.APIError when the server answered, an error matching
// mfa.ErrUnavailable when it could not be reached, or one matching
// ctx.Err() when ctx ended the call. A refusal of the credentials renews
// them once where the Authenticator is a Renewer.
func (c *Client) Do(ctx context.Context, req *Request) (*Response, error) {
	if ctx == nil {
		return nil, fmt.Errorf("%s: %w: nil context", c.provider, mfa.ErrBadRequest)
	}
	renewed := false
	for {
		resp, sent, err := c.send(ctx, req)
		if err != nil {
			return nil, err
		}
		var failure error
		switch {
		case resp.StatusCode < 200 || resp.StatusCode >= 300:
			failure = c.apiError(resp)
		case req.Decode != nil:
			failure = req.Decode(resp)
		}
		if failure == nil {
			return resp, nil
		}
		renewer, ok := c.auth.(Renewer)
		if !ok || req.NoAuth || renewed || !errors.Is(failure, mfa.ErrUnauthorized) {
			return nil, failure
		}
		renewed = true
		c.log.DebugContext(ctx, "renewing credentials", "provider", c.provider, "status", resp.StatusCode)
		if err := renewer.Renew(ctx, sent); err != nil {
			c.log.WarnContext(ctx, "credential renewal failed", "provider", c.provider, "error", err)
			return nil, failure
		}
	}
}

// send makes one call, retries included, and reads the final response. It
// returns the request as last sent, with its credentials.
func (c *Client) send(ctx context.Context, req *Request) (*Response, *http.Request, error) {
	target := c.url(req)
	var body any
	if req.Body != nil {
		body = req.Body
	}
	if req.NoAuth {
		ctx = context.WithValue(ctx, noAuthKey{}, true)
	}
	rr, err := retryablehttp.NewRequestWithContext(ctx, req.Method, target, body)
	if err != nil {
		return nil, nil, c.errorf(req, "%w: %v", mfa.ErrBadRequest, err)
	}
	h := rr.Header
	for k, vs := range req.Header {
		h[k] = vs
	}
	h.Set("User-Agent", UserAgent)
	if req.Accept != "" {
		h.Set("Accept", req.Accept)
	}
	if req.Body != nil && req.ContentType != "" {
		h.Set("Content-Type", req.ContentType)
	}
	if !req.NoAuth && c.auth != nil {
		if err := c.auth.Authenticate(rr.Request); err != nil {
			return nil, nil, c.authError(ctx, req, err)
		}
	}
	rc := c.once
	if idempotent(req.Method) {
		rc = c.retrying
	}
	start := time.Now()
	hresp, err := rc.Do(rr)
	if err != nil {
		return nil, nil, c.callError(ctx, req, rr.Request, err)
	}
	defer hresp.Body.Close()
	resp := &Response{
		StatusCode: hresp.StatusCode,
		Header:     hresp.Header,
		provider:   c.provider,
		sent:       rr.Request,
		extra:      req.Secrets,
		clean:      c.redactBody,
	}
	resp.requestID = c.requestID(hresp.Header)
	resp.Body, err = c.readBody(hresp)
	if c.log.Enabled(ctx, slog.LevelDebug) {
		c.log.DebugContext(ctx, "response", "provider", c.provider, "method", req.Method, "path", req.shownPath(),
			"status", hresp.StatusCode, "bytes", len(resp.Body), "duration", time.Since(start), "request_id", resp.requestID)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, c.errorf(req, "reading the body: %w", context.Cause(ctx))
		}
		if errors.Is(err, errTooLarge) {
			return nil, nil, &mfa.APIError{
				Provider:   c.provider,
				StatusCode: hresp.StatusCode,
				Message:    fmt.Sprintf("the body exceeds the %d-byte limit", c.maxBody),
				RequestID:  resp.requestID,
				Kind:       mfa.ErrInvalidResponse,
			}
		}
		return nil, nil, c.errorf(req, "HTTP %d: reading the body: %w: %v", hresp.StatusCode, mfa.ErrUnavailable, Redact(err.Error(), resp.secrets()))
	}
	return resp, rr.Request, nil
}

func (c *Client) url(req *Request) string {
	var b strings.Builder
	b.Grow(len(c.base.Scheme) + len(c.base.Host) + len(c.basePath) + len(req.Path) + 16)
	b.WriteString(c.base.Scheme)
	b.WriteString("://")
	b.WriteString(c.base.Host)
	b.WriteString(c.basePath)
	b.WriteString(req.Path)
	if len(req.Query) > 0 {
		b.WriteByte('?')
		b.WriteString(req.Query.Encode())
	}
	return b.String()
}

func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

var errTooLarge = errors.New("body too large")

// readBody reads the body through the size limit. A body of known length
// is read into a buffer of exactly its size (a growing buffer would
// double a large body to find its end). A body over the limit is not read
// on: closing it unread drops the connection at once, where draining it
// would wait on a server that may never send the rest.
func (c *Client) readBody(resp *http.Response) ([]byte, error) {
	if n := resp.ContentLength; n >= 0 {
		if n > c.maxBody {
			return nil, errTooLarge
		}
		buf := make([]byte, n)
		if _, err := io.ReadFull(resp.Body, buf); err != nil {
			return nil, err
		}
		return buf, nil
	}
	buf, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1))
	if err != nil {
		return nil, err
	}
	if int64(len(buf)) > c.maxBody {
		return nil, errTooLarge
	}
	return buf, nil
}

func (c *Client) requestID(h http.Header) string {
	for _, name := range c.requestIDHdr {
		if v := h.Get(name); v != "" {
			return v
		}
	}
	return ""
}

// apiError decodes the error of a response that is not a success.
func (c *Client) apiError(resp *Response) *mfa.APIError {
	var e *mfa.APIError
	if c.decodeError != nil {
		e = c.decodeError(resp)
	}
	if e == nil {
		e = &mfa.APIError{Message: snippet(resp.quotable(), resp.secretForms())}
		if resp.StatusCode >= 300 && resp.StatusCode < 400 && resp.Header.Get("Location") != "" {
			// Only a redirect that would carry the request body to another
			// host comes back: the others are followed.
			e.Message = "a redirect to another host was not followed: it would send the request body there"
		}
		if e.Message == "" {
			e.Message = http.StatusText(resp.StatusCode)
		}
	}
	if e.Provider == "" {
		e.Provider = c.provider
	}
	if e.StatusCode == 0 {
		e.StatusCode = resp.StatusCode
	}
	if e.RequestID == "" {
		e.RequestID = resp.requestID
	}
	redactError(e, resp)
	return e
}

// redactError removes secrets from every text of e and of its causes.
func redactError(e *mfa.APIError, resp *Response) {
	e.Message = resp.Redact(e.Message)
	e.Details = resp.Redact(e.Details)
	e.EncodedAuthorizationMessage = resp.Redact(e.EncodedAuthorizationMessage)
	for _, cause := range e.Causes {
		if c, ok := cause.(*mfa.APIError); ok {
			redactError(c, resp)
		}
	}
}

// callError turns the error of a call that got no usable response into
// one that names the provider, method and path, but never the query or
// host (retryablehttp and net/http put the whole URL in theirs).
func (c *Client) callError(ctx context.Context, req *Request, sent *http.Request, err error) error {
	if ctx.Err() != nil {
		return c.errorf(req, "%w", context.Cause(ctx))
	}
	var ue *url.Error
	for errors.As(err, &ue) {
		err = ue.Err
	}
	var ae *mfa.APIError
	if errors.As(err, &ae) {
		return err
	}
	msg := Redact(err.Error(), secretsOf(sent, req.Secrets))
	return c.errorf(req, "%w: %s", mfa.ErrUnavailable, msg)
}

// authError wraps a failure of the Authenticator (a login that failed, say).
func (c *Client) authError(ctx context.Context, req *Request, err error) error {
	if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		return c.errorf(req, "%w", context.Cause(ctx))
	}
	return c.errorf(req, "authenticating: %w", err)
}

// errorf formats an error about req as "<provider>: <method> <path>: ...",
// the path without the request's secrets (a session can be a path segment).
func (c *Client) errorf(req *Request, format string, args ...any) error {
	return fmt.Errorf("%s: %s %s: "+format, append([]any{c.provider, req.Method, req.shownPath()}, args...)...)
}

// shownPath is the path fit for errors and logs: the request's secrets,
// plain or escaped, are removed.
func (req *Request) shownPath() string {
	if len(req.Secrets) == 0 {
		return req.Path
	}
	p := Redact(req.Path, req.Secrets) // its forms include the path-escaped one
	for _, s := range req.Secrets {
		if len(s) < 4 {
			// Redact leaves a secret this short alone, as it may be
			// ordinary text; escaped ("a/b" as "a%2Fb"), it is long enough
			// to remove.
			p = Redact(p, []string{url.PathEscape(s)})
		}
	}
	return p
}

// noAuthKey marks the context of a request sent without credentials, so
// that a retry does not add them.
type noAuthKey struct{}

// keepLastResponse is the retryablehttp ErrorHandler: after the last retry
// it hands the final response back, so that its body is decoded into the
// vendor's error, instead of dropping it.
func keepLastResponse(resp *http.Response, err error, _ int) (*http.Response, error) {
	if err == nil && resp != nil {
		return resp, nil
	}
	if resp != nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
	}
	return nil, err
}

// checkRetry retries network errors and 413, 429, 502, 503, 504; for those
// statuses a vendor decoder has the last word, read from the body.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, context.Cause(ctx)
	}
	if err != nil {
		var refused *mfa.APIError
		if errors.As(err, &refused) {
			return false, nil // the pacer's: waiting would pass the deadline
		}
		retry, _ := retryablehttp.DefaultRetryPolicy(ctx, nil, err)
		if retry {
			c.log.DebugContext(ctx, "network error, will retry", "provider", c.provider, "error", unwrapURLError(err))
		}
		return retry, nil
	}
	switch resp.StatusCode {
	case http.StatusRequestEntityTooLarge, http.StatusTooManyRequests,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
	default:
		return false, nil
	}
	if d, ok := RetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		if deadline, has := ctx.Deadline(); has && time.Now().Add(min(d, c.policy.MaxRetryAfter)).After(deadline) {
			// The server's wait outlasts the call: give its answer now
			// rather than sleep past the deadline.
			return false, nil
		}
	}
	if c.decodeError == nil {
		return true, nil
	}
	// Buffer the body, so the decoder can read it now and Do again later.
	body, rerr := c.readBody(resp)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if rerr != nil {
		return true, nil
	}
	e := c.decodeError(&Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: body, provider: c.provider, clean: c.redactBody})
	if e == nil {
		return true, nil
	}
	e.StatusCode = resp.StatusCode
	return errors.Is(e, mfa.ErrRateLimited) || errors.Is(e, mfa.ErrUnavailable), nil
}

func unwrapURLError(err error) error {
	var ue *url.Error
	for errors.As(err, &ue) {
		err = ue.Err
	}
	return err
}

// backoff waits what Retry-After asks, capped, or else an exponential
// backoff with equal jitter.
func (c *Client) backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	status := 0
	wait := time.Duration(-1)
	if resp != nil {
		status = resp.StatusCode
		if d, ok := RetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			wait = min(d, c.policy.MaxRetryAfter)
		}
	}
	if wait < 0 {
		wait = maxWait
		if attempt < 30 {
			if d := minWait << attempt; d > 0 && d < maxWait {
				wait = d
			}
		}
		wait = wait/2 + rand.N(wait/2+1)
	}
	c.log.Debug("retrying", "provider", c.provider, "status", status, "attempt", attempt+1, "wait", wait)
	return wait
}

// RetryAfter parses a Retry-After value, seconds or an HTTP date, as a
// wait from now, at most a day. A date in the past is a zero wait.
func RetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, int64(maxRetryAfter/time.Second))) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return min(max(t.Sub(now), 0), maxRetryAfter), true
}

// maxRetryAfter bounds what RetryAfter returns, before any policy's cap.
const maxRetryAfter = 24 * time.Hour

// prepareRetry authenticates the request again before a retry: a signature
// carries its time, and a token may have been renewed meanwhile.
func (c *Client) prepareRetry(req *http.Request) error {
	if c.auth == nil || req.Context().Value(noAuthKey{}) != nil {
		return nil
	}
	return c.auth.Authenticate(req)
}
