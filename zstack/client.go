package zstack

import (
	"context"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/openmfa/mfa-go/internal/redact"
	"github.com/openmfa/mfa-go/internal/transport"
	"github.com/openmfa/mfa-go/mfa"
)

// DefaultName is the provider name of a Client whose Config has none.
const DefaultName = "zstack"

// DefaultPageSize is the number of secrets asked for per page when
// Config.PageSize is 0: 1000, the server's own default limit.
const DefaultPageSize = 1000

// MaxPageSize is the largest page size a Client accepts, in Config.PageSize
// and in QueryOptions.Limit. It keeps every response well below the default
// response size limit.
const MaxPageSize = 10000

// LogoutTimeout bounds the logout call that Close makes.
const LogoutTimeout = 10 * time.Second

// ErrClosed is returned by every call made through a Client after Close or
// Logout. It matches mfa.ErrBadRequest: the call was refused before sending.
var ErrClosed = fmt.Errorf("zstack: the client is closed: %w", mfa.ErrBadRequest)

// Config configures a Client. The zero values of the optional fields are
// the defaults.
//
// Give either SessionID, a session the caller already holds, or AccountName
// and Password, which the Client logs in with. Config is safe to print: its
// String, GoString, Format and LogValue show secrets as "[REDACTED]", and
// the secret fields are left out of JSON. (Like any value, it is printed
// raw, its methods bypassed, under a verb that fmt reports as wrong for it,
// such as %p of a Config; go vet flags such a call.)
type Config struct {
	// Endpoint is the server root, such as "http://zstack.example.com:8080".
	// A trailing "/zstack" or "/zstack/v1" (the API base as the ZStack
	// manual prints it) is accepted and removed; any other path is kept as
	// a prefix, for a server behind a reverse proxy.
	Endpoint string
	// SessionID is an existing session uuid, sent as "Authorization: OAuth
	// <SessionID>". The Client never logs it out: Close leaves it valid.
	SessionID string `json:"-"`
	// AccountName and Password log in with PUT /zstack/v1/accounts/login;
	// the password is sent as its hex SHA-512, as ZStack expects. The
	// session is renewed once when the server reports it invalid or
	// expired, and logged out by Close.
	AccountName string
	Password    string `json:"-"`
	// Location is the server's time zone, in which its zone-less dates are
	// read. nil means UTC.
	Location *time.Location
	// PageSize is the number of secrets asked for per request when listing.
	// 0 means DefaultPageSize; at most MaxPageSize.
	PageSize int
	// Name is the provider name (Provider.Name, Device.Provider, errors).
	// "" means DefaultName.
	Name string
	// HTTPClient is copied, never modified. nil means a client with a
	// connection pool sized for concurrent calls.
	HTTPClient *http.Client `json:"-"`
	// Logger receives debug lines for requests and retries, and warnings
	// for values the Client could not read. nil means silent.
	Logger *slog.Logger `json:"-"`
	// Retry says how calls that failed for a transient reason are retried.
	Retry mfa.RetryPolicy
	// MaxResponseBytes caps every response body. 0 means 8 MiB.
	MaxResponseBytes int64
}

// String returns the Config with its secrets shown as "[REDACTED]".
func (c Config) String() string {
	return "zstack.Config{" + c.fields() + "}"
}

// GoString returns the Config, as %#v prints it, with its secrets shown
// as "[REDACTED]".
func (c Config) GoString() string {
	return "zstack.Config{" + c.fields() + "}"
}

func (c Config) fields() string {
	loc := "<nil>"
	if c.Location != nil {
		loc = c.Location.String()
	}
	return fmt.Sprintf("Endpoint:%q, SessionID:%q, AccountName:%q, Password:%q, Location:%q, PageSize:%d, Name:%q, HTTPClient:%t, Logger:%t, Retry:%+v, MaxResponseBytes:%d",
		c.Endpoint, redact.IfSet(c.SessionID), c.AccountName, redact.IfSet(c.Password), loc,
		c.PageSize, c.Name, c.HTTPClient != nil, c.Logger != nil, c.Retry, c.MaxResponseBytes)
}

// Format prints the Config for every verb without its secrets: %#v as
// GoString, %q quoted, any other verb as String.
func (c Config) Format(f fmt.State, verb rune) {
	redact.Format(f, verb, c.String(), c.GoString())
}

// LogValue returns the Config for log/slog, secrets shown as "[REDACTED]".
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("endpoint", c.Endpoint),
		slog.String("session_id", redact.IfSet(c.SessionID)),
		slog.String("account_name", c.AccountName),
		slog.String("password", redact.IfSet(c.Password)),
		slog.String("name", c.Name),
		slog.Int("page_size", c.PageSize),
	)
}

// Client reads ZStack two-factor authentication secrets. It is an
// mfa.Provider, an mfa.DeviceGetter and an mfa.DeviceLister, and is safe
// for concurrent use.
//
// A Client holds its credentials only inside its authenticator, behind
// pointers: printing a Client shows no secret.
type Client struct {
	name     string
	loc      *time.Location
	pageSize int
	tc       *transport.Client
	session  *loginSession // nil for a Client built with a SessionID
	state    *clientState
}

// String describes the Client: its name and whether it logged in, no
// credential.
func (c Client) String() string {
	return fmt.Sprintf("zstack.Client{Name: %q, Login: %t}", c.name, c.session != nil)
}

// Format prints the Client as String does, whatever the verb, so that no
// verb reaches the credentials it holds.
func (c Client) Format(f fmt.State, verb rune) { redact.Format(f, verb, c.String(), c.String()) }

// clientState is what changes over a Client's life.
type clientState struct {
	closed atomic.Bool
	// accountOwner is set once the server has refused a userUuid condition
	// and accepted accountUuid: an older release.
	accountOwner atomic.Bool
}

var (
	_ mfa.Provider     = (*Client)(nil)
	_ mfa.DeviceGetter = (*Client)(nil)
	_ mfa.DeviceLister = (*Client)(nil)
)

// NewClient returns a Client for cfg. A Config that cannot work is an
// error naming the field: no or a bad endpoint, no credentials or two
// kinds of them, a page size out of range.
func NewClient(cfg Config) (*Client, error) {
	base, err := parseEndpoint(cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	if err := checkCredentials(cfg); err != nil {
		return nil, err
	}
	pageSize := cfg.PageSize
	switch {
	case pageSize == 0:
		pageSize = DefaultPageSize
	case pageSize < 0 || pageSize > MaxPageSize:
		return nil, fmt.Errorf("zstack: Config.PageSize %d is out of range: give 1 to %d, or 0 for %d", cfg.PageSize, MaxPageSize, DefaultPageSize)
	}
	if cfg.MaxResponseBytes < 0 {
		return nil, fmt.Errorf("zstack: Config.MaxResponseBytes %d is negative", cfg.MaxResponseBytes)
	}
	name := cfg.Name
	if name == "" {
		name = DefaultName
	}
	loc := cfg.Location
	if loc == nil {
		loc = time.UTC
	}
	c := &Client{name: name, loc: loc, pageSize: pageSize, state: &clientState{}}

	var auth transport.Authenticator
	if cfg.SessionID != "" {
		auth = &staticSession{header: "OAuth " + cfg.SessionID, state: c.state}
	} else {
		sum := sha512.Sum512([]byte(cfg.Password))
		c.session = &loginSession{account: cfg.AccountName, hash: hex.EncodeToString(sum[:])}
		c.session.src = transport.NewTokenSource(c.login, 0)
		auth = &sessionAuth{src: c.session.src, state: c.state}
	}
	tcfg := transport.Config{
		Provider:     name,
		BaseURL:      base,
		HTTPClient:   cfg.HTTPClient,
		Logger:       cfg.Logger,
		Retry:        cfg.Retry,
		MaxBodyBytes: cfg.MaxResponseBytes,
		Auth:         auth,
		DecodeError:  decodeError,
	}
	if c.tc, err = transport.New(tcfg); err != nil {
		return nil, fmt.Errorf("zstack: %w", err)
	}
	return c, nil
}

// parseEndpoint checks the endpoint and returns the base URL the API paths
// go below.
func parseEndpoint(endpoint string) (*url.URL, error) {
	u, err := transport.ParseEndpoint("zstack", "Endpoint", endpoint, "http://zstack.example.com:8080")
	if err != nil {
		return nil, err
	}
	p := strings.TrimRight(u.Path, "/")
	for _, suffix := range []string{"/zstack/v1", "/zstack"} {
		if strings.HasSuffix(p, suffix) {
			p = strings.TrimSuffix(p, suffix)
			break
		}
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host, Path: p}, nil
}

func checkCredentials(cfg Config) error {
	account := cfg.AccountName != "" || cfg.Password != ""
	switch {
	case cfg.SessionID != "" && account:
		return errors.New("zstack: Config has both SessionID and AccountName/Password: give one kind of credentials")
	case cfg.SessionID != "":
		if !printable(cfg.SessionID) || strings.ContainsAny(cfg.SessionID, " \t") {
			return errors.New("zstack: Config.SessionID holds a space or a control character")
		}
	case !account:
		return errors.New("zstack: Config has no credentials: give SessionID, or AccountName and Password")
	case cfg.AccountName == "":
		return errors.New("zstack: Config.AccountName is empty (Password is set)")
	case cfg.Password == "":
		return errors.New("zstack: Config.Password is empty (AccountName is set)")
	case !printable(cfg.AccountName):
		return errors.New("zstack: Config.AccountName holds a control character")
	}
	return nil
}

func printable(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) < 0
}

// Name returns the provider name: Config.Name, or DefaultName.
func (c *Client) Name() string { return c.name }

// staticSession authenticates with a session the caller gave. It cannot
// renew: a refusal goes back to the caller.
type staticSession struct {
	header string
	state  *clientState
}

func (a *staticSession) Authenticate(req *http.Request) error {
	if a.state.closed.Load() {
		return ErrClosed
	}
	req.Header.Set("Authorization", a.header)
	return nil
}

// sessionAuth authenticates with the session the Client logged in with,
// and drops it when the server refuses it, so that the next attempt logs
// in again.
type sessionAuth struct {
	src   *transport.TokenSource
	state *clientState
}

func (a *sessionAuth) Authenticate(req *http.Request) error {
	if a.state.closed.Load() {
		return ErrClosed
	}
	tok, err := a.src.Token(req.Context())
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "OAuth "+tok)
	return nil
}

func (a *sessionAuth) Renew(_ context.Context, refused *http.Request) error {
	if a.state.closed.Load() {
		return ErrClosed
	}
	a.src.Invalidate(strings.TrimPrefix(refused.Header.Get("Authorization"), "OAuth "))
	return nil
}

// loginSession is what a Client needs to log in: the account name and the
// hex SHA-512 of the password (itself a credential: never logged).
type loginSession struct {
	account string
	hash    string
	src     *transport.TokenSource
}

type loginRequest struct {
	LogInByAccount loginAccount `json:"logInByAccount"`
}

type loginAccount struct {
	AccountName string `json:"accountName"`
	Password    string `json:"password"`
}

type loginReply struct {
	envelope
	Inventory *struct {
		UUID string `json:"uuid"`
	} `json:"inventory"`
}

// login obtains a new session. It is the TokenSource's LoginFunc.
func (c *Client) login(ctx context.Context) (transport.Token, error) {
	if c.state.closed.Load() {
		return transport.Token{}, ErrClosed
	}
	s := c.session
	body, err := json.Marshal(loginRequest{LogInByAccount: loginAccount{AccountName: s.account, Password: s.hash}})
	if err != nil {
		return transport.Token{}, fmt.Errorf("%s: logging in: %w", c.name, err)
	}
	resp, err := c.tc.Do(ctx, &transport.Request{
		Method:      http.MethodPut,
		Path:        loginPath,
		Accept:      "application/json",
		Body:        body,
		ContentType: "application/json",
		NoAuth:      true,
		Secrets:     []string{s.hash},
	})
	if err != nil {
		return transport.Token{}, fmt.Errorf("%s: logging in as %q: %w", c.name, s.account, err)
	}
	session, err := c.decodeLogin(resp)
	if err != nil {
		return transport.Token{}, fmt.Errorf("%s: logging in as %q: %w", c.name, s.account, err)
	}
	if c.state.closed.Load() {
		// Closed while logging in: end the new session at once.
		_ = c.logout(ctx, session)
		return transport.Token{}, ErrClosed
	}
	c.tc.Logger().DebugContext(ctx, "logged in", "provider", c.name, "account", s.account)
	return transport.Token{Value: session}, nil
}

// decodeLogin reads the session from a login reply. The body holds the
// session: errors quote none of it.
func (c *Client) decodeLogin(resp *transport.Response) (string, error) {
	var reply loginReply
	if err := json.Unmarshal(resp.Body, &reply); err != nil {
		return "", c.opaqueInvalid(resp, "cannot decode the login reply: "+jsonErrorText(err))
	}
	if e := c.envelopeError(resp, reply.envelope); e != nil {
		return "", e
	}
	if reply.Inventory == nil || reply.Inventory.UUID == "" {
		return "", c.opaqueInvalid(resp, "the login reply has no session (inventory.uuid)")
	}
	session := reply.Inventory.UUID
	if !printable(session) || strings.ContainsAny(session, " \t") {
		return "", c.opaqueInvalid(resp, "the session in the login reply holds a space or a control character")
	}
	return session, nil
}

// opaqueInvalid is an error matching mfa.ErrInvalidResponse that quotes
// nothing of the body.
func (c *Client) opaqueInvalid(resp *transport.Response, msg string) *mfa.APIError {
	return &mfa.APIError{
		Provider:   c.name,
		StatusCode: resp.StatusCode,
		Message:    msg,
		RequestID:  resp.RequestID(),
		Kind:       mfa.ErrInvalidResponse,
	}
}

// Logout ends the session the Client logged in with, and closes the
// Client: every later call fails with ErrClosed. A Client built with a
// SessionID leaves that session alone (it belongs to the caller) and is
// only closed. Logout is safe to call more than once; calls after the
// first do nothing and return nil.
func (c *Client) Logout(ctx context.Context) error {
	if ctx == nil {
		return fmt.Errorf("%s: logging out: %w: nil context", c.name, mfa.ErrBadRequest)
	}
	if !c.state.closed.CompareAndSwap(false, true) {
		return nil
	}
	if c.session == nil {
		return nil
	}
	session := c.session.src.Current()
	if session == "" {
		return nil // never logged in, or the session was already refused
	}
	c.session.src.Invalidate(session)
	return c.logout(ctx, session)
}

// Close logs out like Logout, within LogoutTimeout. It implements
// io.Closer.
func (c *Client) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), LogoutTimeout)
	defer cancel()
	return c.Logout(ctx)
}

// logout sends DELETE /zstack/v1/accounts/sessions/{session}. The session
// is in the path: the request lists it as a secret, so that no error or
// log line shows it.
func (c *Client) logout(ctx context.Context, session string) error {
	path, err := sessionPath(session)
	if err != nil {
		return fmt.Errorf("%s: logging out: the session is not a valid path segment: %w", c.name, mfa.ErrBadRequest)
	}
	resp, err := c.tc.Do(ctx, &transport.Request{
		Method:  http.MethodDelete,
		Path:    path,
		Accept:  "application/json",
		NoAuth:  true,
		Secrets: []string{session},
	})
	if err == nil {
		var env envelope
		if json.Unmarshal(resp.Body, &env) == nil {
			if e := c.envelopeError(resp, env); e != nil {
				err = e
			}
		}
	}
	if err != nil {
		return fmt.Errorf("%s: logging out: %w", c.name, err)
	}
	c.tc.Logger().DebugContext(ctx, "logged out", "provider", c.name)
	return nil
}
