package zstack

import (
	"cmp"
	"context"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
	"unicode"

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

// DefaultMaxListing is the most rows one listing reads when
// Config.MaxListing is 0.
const DefaultMaxListing = 10_000_000

// LogoutTimeout bounds the logout call that Close makes.
const LogoutTimeout = 10 * time.Second

// ErrClosed is returned by every call made through a Client after Close or
// Logout. It matches mfa.ErrBadRequest: the call was refused before sending.
var ErrClosed = fmt.Errorf("zstack: the client is closed: %w", mfa.ErrBadRequest)

// Config configures a Client. The zero values of the optional fields are
// the defaults.
//
// Give either SessionID, a session the caller already holds, or AccountName
// and Password, which the Client logs in with. The credentials are
// mfa.Secret values: a Config prints, logs and marshals them as
// "[REDACTED]".
type Config struct {
	// Endpoint is the server root, such as "http://zstack.example.com:8080".
	// A trailing "/zstack" or "/zstack/v1" (the API base as the ZStack
	// manual prints it) is accepted and removed; any other path is kept as
	// a prefix, for a server behind a reverse proxy.
	Endpoint string
	// SessionID is an existing session uuid, sent as "Authorization: OAuth
	// <SessionID>". The Client never logs it out: Close leaves it valid.
	SessionID mfa.Secret
	// AccountName and Password log in with PUT /zstack/v1/accounts/login;
	// the password is sent as its hex SHA-512, as ZStack expects. The
	// session is renewed once when the server reports it invalid or
	// expired, and logged out by Close.
	AccountName string
	Password    mfa.Secret
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
	// MaxListing is the most rows one listing (Secrets, Accounts,
	// VirtualIDs, and what is built on them) reads before it ends with an
	// error matching mfa.ErrInvalidResponse: a server that never stops
	// sending new rows is not read until memory or time runs out. 0 means
	// DefaultMaxListing.
	MaxListing int
	// Pacing says how fast the Client sends its requests (see mfa.Pacing).
	// Every request of the Client shares one pace, login, logout and
	// retries included. ZStack itself refuses no request for rate with a
	// status of its own (a busy management node answers 503 SYS.1012,
	// retried as a transient failure), so the pace lowers only on an HTTP
	// 429 or 413, from a gateway in front of the server: set Rate to spare
	// the management node.
	Pacing mfa.Pacing
}

// Client reads ZStack two-factor authentication secrets, accounts and
// IAM2 users. It is an mfa.Provider, an mfa.DeviceGetter, an
// mfa.DeviceLister and an mfa.UserLister, and is safe for concurrent use.
// Printing a Client shows no credential: it holds them as mfa.Secret
// values, or two pointers away.
type Client struct {
	name       string
	loc        *time.Location
	pageSize   int
	maxListing int
	tc         *transport.Client
	session    *loginSession // nil for a Client built with a SessionID
	state      *clientState
}

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
	_ mfa.UserLister   = (*Client)(nil)
)

// NewClient returns a Client for cfg. A Config that cannot work is an
// error naming the field: no or a bad endpoint, no credentials or two
// kinds of them, a page size out of range, a negative MaxListing, a Pacing
// that cannot work.
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
	if cfg.MaxListing < 0 {
		return nil, fmt.Errorf("zstack: Config.MaxListing %d is negative: give the most rows one listing reads, or 0 for %d", cfg.MaxListing, DefaultMaxListing)
	}
	if err := cfg.Pacing.Validate(); err != nil {
		return nil, fmt.Errorf("zstack: Config.Pacing: %w", err)
	}
	c := &Client{
		name:       cmp.Or(cfg.Name, DefaultName),
		loc:        cmp.Or(cfg.Location, time.UTC),
		pageSize:   pageSize,
		maxListing: cmp.Or(cfg.MaxListing, DefaultMaxListing),
		state:      &clientState{},
	}
	var auth transport.Authenticator
	if !cfg.SessionID.IsZero() {
		auth = &transport.StaticAuth{Header: "Authorization", Prefix: "OAuth ", Value: cfg.SessionID.Reveal()}
	} else {
		sum := sha512.Sum512([]byte(cfg.Password.Reveal()))
		c.session = &loginSession{account: cfg.AccountName, hash: mfa.NewSecret(hex.EncodeToString(sum[:]))}
		c.session.src = transport.NewTokenSource(c.login, 0)
		auth = &transport.TokenAuth{Header: "Authorization", Prefix: "OAuth ", Source: c.session.src}
	}
	c.tc, err = transport.New(transport.Config{
		Provider:     c.name,
		BaseURL:      base,
		HTTPClient:   cfg.HTTPClient,
		Logger:       cfg.Logger,
		Retry:        cfg.Retry,
		MaxBodyBytes: cfg.MaxResponseBytes,
		Auth:         auth,
		DecodeError:  decodeError,
		RedactBody:   redactSecretValues,
		Pacing:       cfg.Pacing,
	})
	if err != nil {
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
	session := cfg.SessionID.Reveal()
	account := cfg.AccountName != "" || !cfg.Password.IsZero()
	switch {
	case session != "" && account:
		return errors.New("zstack: Config has both SessionID and AccountName/Password: give one kind of credentials")
	case session != "":
		if !printable(session) || strings.ContainsAny(session, " \t") {
			return errors.New("zstack: Config.SessionID holds a space or a control character")
		}
	case !account:
		return errors.New("zstack: Config has no credentials: give SessionID, or AccountName and Password")
	case cfg.AccountName == "":
		return errors.New("zstack: Config.AccountName is empty (Password is set)")
	case cfg.Password.IsZero():
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

// Rate returns the pace the Client sends its requests at now, in requests
// per second, or 0 when they are not paced. A Client is one provider on
// one host: all its calls share this pace.
func (c *Client) Rate() float64 { return c.tc.Rate() }

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
