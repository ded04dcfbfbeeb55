package rackspace

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/openmfa/mfa-go/internal/transport"
	"github.com/openmfa/mfa-go/mfa"
)

// DefaultName is the provider name of a Client whose Config.Name is empty.
const DefaultName = "rackspace"

// PublicEndpoint is the endpoint of the Rackspace Cloud Identity service.
const PublicEndpoint = "https://identity.api.rackspacecloud.com"

// Format is the wire format a Client asks for with its Accept header. The
// zero value is JSON.
type Format int

// The two wire formats of the Identity API.
const (
	// JSON asks for application/json. It is the default.
	JSON Format = iota
	// XML asks for application/xml.
	XML
)

// String returns "json" or "xml".
func (f Format) String() string {
	switch f {
	case JSON:
		return "json"
	case XML:
		return "xml"
	}
	return "Format(" + strconv.Itoa(int(f)) + ")"
}

// GoString returns "rackspace.JSON" or "rackspace.XML".
func (f Format) GoString() string {
	switch f {
	case JSON:
		return "rackspace.JSON"
	case XML:
		return "rackspace.XML"
	}
	return "rackspace.Format(" + strconv.Itoa(int(f)) + ")"
}

// MarshalText returns the format's name, so that a Config in a JSON file
// reads "format": "xml".
func (f Format) MarshalText() ([]byte, error) {
	if f != JSON && f != XML {
		return nil, fmt.Errorf("rackspace: unknown format %d", int(f))
	}
	return []byte(f.String()), nil
}

// UnmarshalText sets f from its name, as ParseFormat reads it.
func (f *Format) UnmarshalText(text []byte) error {
	v, err := ParseFormat(string(text))
	if err != nil {
		return err
	}
	*f = v
	return nil
}

// ParseFormat reads a format name: "json" or "xml", in any case, or ""
// for the default, JSON.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "json":
		return JSON, nil
	case "xml":
		return XML, nil
	}
	return JSON, fmt.Errorf("rackspace: unknown format %q (want json or xml)", s)
}

// mediaType is the Accept header of the format.
func (f Format) mediaType() string {
	if f == XML {
		return mediaXML
	}
	return mediaJSON
}

const (
	mediaJSON = "application/json"
	mediaXML  = "application/xml"
)

// Config configures a Client. Endpoint and one kind of credential are
// required: Token alone, Username with APIKey, or Username with Password.
//
// The credentials are mfa.Secret values, so a Config prints them as
// [REDACTED] under every fmt verb, in JSON and in a log record, and reads
// them from a JSON file as plain strings.
type Config struct {
	// Endpoint is the Identity service root, such as PublicEndpoint. A
	// trailing "/v2.0" is accepted and dropped; an http or https scheme and
	// a host are required, and user information (user:pass@) is refused.
	Endpoint string

	// Token is an authentication token, sent as X-Auth-Token. A token
	// cannot be renewed: when it expires, calls fail with
	// mfa.ErrUnauthorized.
	Token mfa.Secret
	// Username logs in with APIKey or Password (POST /v2.0/tokens); the
	// token obtained is renewed before it expires and once when the
	// server refuses it.
	Username string
	// APIKey is the user's API key (RAX-KSKEY:apiKeyCredentials).
	APIKey mfa.Secret
	// Password is the user's password (passwordCredentials). An account
	// that requires a multi-factor passcode at login cannot log in this
	// way; give it a Token instead.
	Password mfa.Secret

	// Format selects the Accept header: JSON (the default) or XML.
	Format Format
	// Name is the provider name; "" means DefaultName.
	Name string

	// HTTPClient is copied, never modified; nil means a pooled client of
	// the module's own.
	HTTPClient *http.Client `json:"-"`
	// Logger receives debug lines and warnings; nil means silent.
	Logger *slog.Logger `json:"-"`
	// Retry is the retry policy; its zero value is mfa's default.
	Retry mfa.RetryPolicy
	// MaxResponseBytes caps every response body; 0 means 8 MiB.
	MaxResponseBytes int64
	// Pacing says how fast the Client sends its requests, login included:
	// one pace for every call of the Client, which has one host. Its zero
	// value paces calls only once the server refuses one with 413
	// overLimit or 429. See Client.Rate.
	Pacing mfa.Pacing
	// MaxListing is the most users one listing (Users) reads before it
	// ends with an error; 0 means DefaultMaxListing. It bounds a server
	// that never stops sending new pages.
	MaxListing int
}

// DefaultMaxListing is the most users one listing reads when
// Config.MaxListing is 0: far more than any organisation, few enough that
// a listing that never ends stops within minutes and within memory.
const DefaultMaxListing = 10_000_000

// Client reads users, OTP devices, mobile phones and multi-factor settings
// from the Rackspace Identity v2.0 API. It is an mfa.Provider, an
// mfa.DeviceGetter and an mfa.UserLister, and is safe for concurrent use.
//
// It holds its credentials only behind pointers, which fmt prints as
// addresses, so that printing a Client shows none.
type Client struct {
	name       string
	format     Format
	maxListing int
	tc         *transport.Client
	cred       *credentials // nil with a static token
}

var (
	_ mfa.Provider     = (*Client)(nil)
	_ mfa.DeviceGetter = (*Client)(nil)
	_ mfa.UserLister   = (*Client)(nil)
)

// NewClient checks cfg and returns a Client. A Config that cannot work (no
// endpoint, a bad one, no credentials or more than one kind, an unknown
// Format, a Pacing that Validate refuses, a negative limit) is an error
// that names the field at fault, never its secret.
// NewClient sends no request: a login happens at the first call.
func NewClient(cfg Config) (*Client, error) {
	base, err := parseEndpoint(cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	if cfg.Format != JSON && cfg.Format != XML {
		return nil, fmt.Errorf("rackspace: Config.Format %d is neither rackspace.JSON nor rackspace.XML", int(cfg.Format))
	}
	if cfg.MaxResponseBytes < 0 {
		return nil, errors.New("rackspace: Config.MaxResponseBytes is negative")
	}
	if cfg.MaxListing < 0 {
		return nil, fmt.Errorf("rackspace: Config.MaxListing %d is negative: give the most users a listing reads, or 0 for %d", cfg.MaxListing, DefaultMaxListing)
	}
	if err := cfg.Pacing.Validate(); err != nil {
		return nil, fmt.Errorf("rackspace: Config.Pacing: %w", err)
	}
	cred, err := checkCredentials(cfg)
	if err != nil {
		return nil, err
	}
	c := &Client{name: cmp.Or(cfg.Name, DefaultName), format: cfg.Format, maxListing: cmp.Or(cfg.MaxListing, DefaultMaxListing), cred: cred}
	var auth transport.Authenticator
	if cred == nil {
		auth = &transport.StaticAuth{Header: headerToken, Value: cfg.Token.Reveal()}
	} else {
		login := func(ctx context.Context) (transport.Token, error) { return c.login(ctx, cred) }
		auth = &transport.TokenAuth{Header: headerToken, Source: transport.NewTokenSource(login, renewEarly)}
	}
	c.tc, err = transport.New(transport.Config{
		Provider:         c.name,
		BaseURL:          base,
		HTTPClient:       cfg.HTTPClient,
		Logger:           cfg.Logger,
		Retry:            cfg.Retry,
		MaxBodyBytes:     cfg.MaxResponseBytes,
		Auth:             auth,
		DecodeError:      decodeError,
		RequestIDHeaders: requestIDHeaders,
		Pacing:           cfg.Pacing,
		RedactBody:       maskNumbers,
	})
	if err != nil {
		return nil, fmt.Errorf("rackspace: %w", err)
	}
	return c, nil
}

// headerToken carries the token of every call.
const headerToken = "X-Auth-Token"

// requestIDHeaders are the response headers tried for a request id.
var requestIDHeaders = []string{"X-Request-Id", "X-Openstack-Request-Id", "X-Trans-Id"}

// parseEndpoint checks Config.Endpoint and returns it without a trailing
// "/v2.0", the version every path carries.
func parseEndpoint(endpoint string) (*url.URL, error) {
	u, err := transport.ParseEndpoint("rackspace", "Endpoint", endpoint, PublicEndpoint)
	if err != nil {
		return nil, err
	}
	p := strings.TrimRight(u.Path, "/")
	p = strings.TrimSuffix(p, "/v2.0")
	u.Path, u.RawPath = p, ""
	return u, nil
}

// checkCredentials returns the login credentials of cfg, or nil for a
// static token.
func checkCredentials(cfg Config) (*credentials, error) {
	hasLogin := cfg.Username != "" || !cfg.APIKey.IsZero() || !cfg.Password.IsZero()
	switch {
	case !cfg.Token.IsZero() && hasLogin:
		return nil, errors.New("rackspace: Config.Token cannot be combined with Config.Username, Config.APIKey or Config.Password: give one kind of credential")
	case !cfg.Token.IsZero():
		if strings.IndexFunc(cfg.Token.Reveal(), unicode.IsControl) >= 0 {
			return nil, errors.New("rackspace: Config.Token holds a control character")
		}
		return nil, nil
	case !hasLogin:
		return nil, errors.New("rackspace: no credentials: set Config.Token, or Config.Username with Config.APIKey or Config.Password")
	case cfg.Username == "":
		return nil, errors.New("rackspace: Config.APIKey and Config.Password need Config.Username")
	case !cfg.APIKey.IsZero() && !cfg.Password.IsZero():
		return nil, errors.New("rackspace: set Config.APIKey or Config.Password, not both")
	case cfg.APIKey.IsZero() && cfg.Password.IsZero():
		return nil, errors.New("rackspace: Config.Username needs Config.APIKey or Config.Password")
	}
	return &credentials{username: cfg.Username, apiKey: cfg.APIKey, password: cfg.Password}, nil
}

// Name returns the provider name (Config.Name, or DefaultName).
func (c *Client) Name() string { return c.name }

// Rate returns the pace the Client sends its requests at now, in requests
// per second, or 0 when they are not paced: Config.Pacing's rate, lowered
// after a refusal for rate and raised again while calls succeed.
func (c *Client) Rate() float64 { return c.tc.Rate() }

// WireFormat returns the wire format the Client asks for.
func (c *Client) WireFormat() Format { return c.format }

// Close releases the Client's idle keep-alive connections and returns
// nil. The Client holds nothing else to release: it stays usable, and a
// later call opens a new connection.
func (c *Client) Close() error {
	c.tc.CloseIdleConnections()
	return nil
}
