package huaweiiam

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/openmfa/mfa-go/internal/transport"
	"github.com/openmfa/mfa-go/mfa"
)

// The default provider names.
const (
	// DefaultIAMName is the Name of the IAM virtual MFA provider when
	// Config.IAMName is empty.
	DefaultIAMName = "huawei-iam"
	// DefaultWorkspaceName is the Name of the Workspace OTP provider when
	// Config.WorkspaceName is empty.
	DefaultWorkspaceName = "huawei-workspace"
)

// Config configures a Client. Set at least one endpoint and exactly one
// kind of credentials: Token; or Username and Password (with DomainName or
// DomainID); or AccessKey and SecretKey (with SecurityToken for temporary
// keys).
//
// Credentials are mfa.Secret values: a Config prints them as [REDACTED]
// under every fmt verb, in JSON and in log records.
type Config struct {
	// IAMEndpoint is the root URL of the IAM API, such as
	// "https://iam.myhuaweicloud.com" (see the IAMEndpoint function).
	// Without it, the calls of VirtualMFA fail with mfa.ErrUnsupported and
	// password login is impossible.
	IAMEndpoint string
	// WorkspaceEndpoint is the root URL of the Workspace API of a region,
	// such as "https://workspace.ap-southeast-1.myhuaweicloud.com" (see the
	// WorkspaceEndpoint function). Without it, the calls of WorkspaceOTP
	// fail with mfa.ErrUnsupported.
	WorkspaceEndpoint string
	// ProjectID is the project the Workspace calls address; required with
	// WorkspaceEndpoint. Password login scopes its token to it when set.
	ProjectID string
	// DomainID is the account (domain) id. With AK/SK it is sent as
	// X-Domain-Id on IAM calls; password login names the user's domain by
	// it when DomainName is empty.
	DomainID string

	// Token is a static X-Auth-Token, used as is on both APIs. A refused
	// token is an error matching mfa.ErrUnauthorized.
	Token mfa.Secret

	// DomainName is the account (domain) name of the user of password
	// login.
	DomainName string
	// Username is the IAM user of password login: POST /v3/auth/tokens on
	// IAMEndpoint. The token is renewed before it expires and once when a
	// call is refused as unauthorized.
	Username string
	// UserName is the former name of Username.
	//
	// Deprecated: use Username.
	UserName string
	// Password is the password of Username.
	Password mfa.Secret

	// AccessKey is the access key id of AK/SK signing (SDK-HMAC-SHA256):
	// every request is signed. It is sent in clear in the Authorization
	// header, and is no secret.
	AccessKey string
	// SecretKey is the secret key of AccessKey. It never leaves the
	// process: only signatures made with it are sent.
	SecretKey mfa.Secret
	// SecurityToken goes with a temporary AccessKey and SecretKey.
	SecurityToken mfa.Secret

	// IAMName is the Name of the VirtualMFA provider; "" means
	// DefaultIAMName.
	IAMName string
	// WorkspaceName is the Name of the WorkspaceOTP provider; "" means
	// DefaultWorkspaceName.
	WorkspaceName string

	// HTTPClient is copied, never modified; nil means a default client.
	HTTPClient *http.Client `json:"-"`
	// Logger receives debug lines for requests and retries and warnings
	// for values that could not be read; nil means silent.
	Logger *slog.Logger `json:"-"`
	// Retry is the retry policy; its zero value is the default.
	Retry mfa.RetryPolicy
	// MaxResponseBytes caps every response body; 0 means the transport's
	// default (8 MiB).
	MaxResponseBytes int64

	// Pacing is how fast requests are sent. IAM and Workspace are served
	// by separate gateways that count requests apart, so each API keeps a
	// pace of its own at this setting: a refusal for rate by one slows
	// that one only. Its zero value sends calls as they come and slows
	// down only once an API refuses one for rate.
	Pacing mfa.Pacing
	// MaxListing is the most user rows one user listing (VirtualMFA's or
	// WorkspaceOTP's Users) reads before it ends with an error matching
	// mfa.ErrInvalidResponse, so that a server that never stops sending
	// pages cannot hold a listing forever; 0 means DefaultMaxListing.
	MaxListing int
	// WorkspacePageSize is how many users one page of the Workspace user
	// listing asks for; 0 means DefaultWorkspacePageSize, and at most
	// MaxWorkspacePageSize.
	WorkspacePageSize int
}

// The bounds of the user listings.
const (
	// DefaultMaxListing is the most rows one user listing reads when
	// Config.MaxListing is 0: far above any real organisation, and low
	// enough that memory stays bounded (see the package documentation,
	// "Listings that never end").
	DefaultMaxListing = 10_000_000
	// DefaultWorkspacePageSize is the page size of the Workspace user
	// listing when Config.WorkspacePageSize is 0.
	DefaultWorkspacePageSize = 100
	// MaxWorkspacePageSize bounds Config.WorkspacePageSize: one page is
	// read whole into memory, and larger pages gain nothing.
	MaxWorkspacePageSize = 1000
)

// IAMEndpoint returns the standard IAM endpoint of a region:
// "https://iam.{region}.myhuaweicloud.com", or the global endpoint
// "https://iam.myhuaweicloud.com" for "" and "global". IAM is a global
// service, and the global endpoint serves every region. Other sites, such
// as "https://iam.myhuaweicloud.eu", are given to Config as full URLs.
func IAMEndpoint(region string) string {
	region = strings.TrimSpace(region)
	if region == "" || region == "global" {
		return "https://iam.myhuaweicloud.com"
	}
	return "https://iam." + region + ".myhuaweicloud.com"
}

// WorkspaceEndpoint returns the standard Workspace endpoint of a region,
// such as "https://workspace.ap-southeast-1.myhuaweicloud.com" for
// "ap-southeast-1". Workspace is a regional service: there is no default,
// and an empty region gives "".
func WorkspaceEndpoint(region string) string {
	region = strings.TrimSpace(region)
	if region == "" {
		return ""
	}
	return "https://workspace." + region + ".myhuaweicloud.com"
}

// Client is a Huawei Cloud client for the IAM and Workspace APIs, sharing
// one set of credentials. Its two providers are VirtualMFA (IAM users) and
// WorkspaceOTP (Workspace desktop users). It is safe for concurrent use.
//
// Every field is a pointer, so that fmt, which prints unexported fields by
// reflection, shows the credentials behind them as addresses.
type Client struct {
	iam          *transport.Client // nil without Config.IAMEndpoint
	workspace    *transport.Client // nil without Config.WorkspaceEndpoint
	virtualMFA   *VirtualMFAService
	workspaceOTP *WorkspaceOTPService
	signer       *akskCredentials // nil unless AK/SK
}

// credential kinds
const (
	credToken = iota + 1
	credPassword
	credAKSK
)

// NewClient returns a Client for cfg. A Config that cannot work is an
// error naming the field at fault: no endpoint, an endpoint that is not an
// http or https URL with a host (or that carries a user name, a query or a
// fragment), WorkspaceEndpoint without ProjectID, no credentials or more
// than one kind, incomplete credentials, password login without
// IAMEndpoint, Username and the deprecated UserName both set and
// different, a Pacing that fails mfa.Pacing.Validate, or a negative
// MaxResponseBytes or MaxListing, or a WorkspacePageSize out of range.
// Errors never quote a secret.
func NewClient(cfg Config) (*Client, error) {
	iamURL, err := parseEndpoint("IAMEndpoint", cfg.IAMEndpoint)
	if err != nil {
		return nil, err
	}
	wsURL, err := parseEndpoint("WorkspaceEndpoint", cfg.WorkspaceEndpoint)
	if err != nil {
		return nil, err
	}
	if iamURL == nil && wsURL == nil {
		return nil, errors.New("huaweiiam: no endpoint: set Config.IAMEndpoint, Config.WorkspaceEndpoint or both")
	}
	if cfg.ProjectID != "" {
		if err := transport.CheckID(cfg.ProjectID); err != nil {
			return nil, fmt.Errorf("huaweiiam: Config.ProjectID: %w", err)
		}
	} else if wsURL != nil {
		return nil, errors.New("huaweiiam: Config.ProjectID is required with Config.WorkspaceEndpoint")
	}
	if hasControl(cfg.DomainID) {
		return nil, errors.New("huaweiiam: Config.DomainID holds a control character")
	}
	if cfg.Username == "" {
		cfg.Username = cfg.UserName
	} else if cfg.UserName != "" && cfg.UserName != cfg.Username {
		return nil, errors.New("huaweiiam: Config.Username and Config.UserName differ: set Username only (UserName is its deprecated name)")
	}
	kind, err := credentialKind(cfg, iamURL != nil)
	if err != nil {
		return nil, err
	}
	if cfg.MaxResponseBytes < 0 {
		return nil, errors.New("huaweiiam: Config.MaxResponseBytes is negative")
	}
	if err := cfg.Pacing.Validate(); err != nil {
		return nil, fmt.Errorf("huaweiiam: Config.Pacing: %w", err)
	}
	maxListing, pageSize := cfg.MaxListing, cfg.WorkspacePageSize
	switch {
	case maxListing < 0:
		return nil, fmt.Errorf("huaweiiam: Config.MaxListing %d is negative: give the most rows a listing may read, or 0 for %d", maxListing, DefaultMaxListing)
	case maxListing == 0:
		maxListing = DefaultMaxListing
	}
	switch {
	case pageSize < 0 || pageSize > MaxWorkspacePageSize:
		return nil, fmt.Errorf("huaweiiam: Config.WorkspacePageSize %d is out of range: give 1 to %d, or 0 for %d", pageSize, MaxWorkspacePageSize, DefaultWorkspacePageSize)
	case pageSize == 0:
		pageSize = DefaultWorkspacePageSize
	}
	iamName, wsName := cfg.IAMName, cfg.WorkspaceName
	if iamName == "" {
		iamName = DefaultIAMName
	}
	if wsName == "" {
		wsName = DefaultWorkspaceName
	}
	if iamURL != nil && wsURL != nil && iamName == wsName {
		return nil, fmt.Errorf("huaweiiam: Config.IAMName and Config.WorkspaceName are both %q; the two providers need distinct names", iamName)
	}

	var iamAuth, wsAuth transport.Authenticator
	var login *passwordLogin
	c := &Client{}
	switch kind {
	case credToken:
		auth := &transport.StaticAuth{Header: "X-Auth-Token", Value: cfg.Token.Reveal()}
		iamAuth, wsAuth = auth, auth
	case credPassword:
		login = &passwordLogin{
			domainName: cfg.DomainName,
			domainID:   cfg.DomainID,
			username:   cfg.Username,
			password:   cfg.Password,
			projectID:  cfg.ProjectID,
		}
		auth := &transport.TokenAuth{Header: "X-Auth-Token", Source: transport.NewTokenSource(login.login, tokenRenewEarly)}
		iamAuth, wsAuth = auth, auth
	case credAKSK:
		c.signer = &akskCredentials{
			accessKey:     cfg.AccessKey,
			secretKey:     cfg.SecretKey,
			securityToken: cfg.SecurityToken,
			now:           time.Now,
		}
		iamAuth = &signingAuth{creds: c.signer, header: "X-Domain-Id", value: cfg.DomainID}
		wsAuth = &signingAuth{creds: c.signer, header: "X-Project-Id", value: cfg.ProjectID}
	}

	base := transport.Config{
		HTTPClient:   cfg.HTTPClient,
		Logger:       cfg.Logger,
		Retry:        cfg.Retry,
		MaxBodyBytes: cfg.MaxResponseBytes,
		DecodeError:  decodeError,
		Pacing:       cfg.Pacing,
	}
	if iamURL != nil {
		tc := base
		tc.Provider, tc.BaseURL, tc.Auth = iamName, iamURL, iamAuth
		if c.iam, err = transport.New(tc); err != nil {
			return nil, fmt.Errorf("huaweiiam: %w", err)
		}
	}
	if wsURL != nil {
		tc := base
		tc.Provider, tc.BaseURL, tc.Auth = wsName, wsURL, wsAuth
		if c.workspace, err = transport.New(tc); err != nil {
			return nil, fmt.Errorf("huaweiiam: %w", err)
		}
	}
	if login != nil {
		login.iam = c.iam
	}
	c.virtualMFA = &VirtualMFAService{name: iamName, tc: c.iam, maxListing: maxListing}
	c.workspaceOTP = &WorkspaceOTPService{name: wsName, projectID: cfg.ProjectID, tc: c.workspace,
		maxListing: maxListing, pageSize: pageSize}
	return c, nil
}

// VirtualMFA returns the provider of IAM virtual MFA devices. Its user ids
// are IAM user ids.
func (c *Client) VirtualMFA() *VirtualMFAService { return c.virtualMFA }

// WorkspaceOTP returns the provider of Workspace OTP devices. Its user ids
// are Workspace desktop user ids, not IAM user ids.
func (c *Client) WorkspaceOTP() *WorkspaceOTPService { return c.workspaceOTP }

// Close closes the idle keep-alive connections of both APIs and returns
// nil. There is no session to end (a token from password login simply
// expires), so the Client stays usable: a later call opens a connection
// again. Call it when done with a Client whose HTTPClient is shared, or
// to release connections promptly.
func (c *Client) Close() error {
	for _, tc := range []*transport.Client{c.iam, c.workspace} {
		if tc != nil {
			tc.CloseIdleConnections()
		}
	}
	return nil
}

// parseEndpoint checks an endpoint of the Config; "" is nil, no error.
func parseEndpoint(field, raw string) (*url.URL, error) {
	if raw == "" {
		return nil, nil
	}
	return transport.ParseEndpoint("huaweiiam", field, raw, exampleEndpoint(field))
}

func exampleEndpoint(field string) string {
	if field == "IAMEndpoint" {
		return IAMEndpoint("")
	}
	return WorkspaceEndpoint("ap-southeast-1")
}

// credentialKind checks that cfg holds exactly one complete kind of
// credentials.
func credentialKind(cfg Config, haveIAM bool) (int, error) {
	var kinds []string
	kind := 0
	if !cfg.Token.IsZero() {
		kinds = append(kinds, "Token")
		kind = credToken
	}
	if cfg.Username != "" || !cfg.Password.IsZero() {
		kinds = append(kinds, "Username/Password")
		kind = credPassword
	}
	if cfg.AccessKey != "" || !cfg.SecretKey.IsZero() || !cfg.SecurityToken.IsZero() {
		kinds = append(kinds, "AccessKey/SecretKey")
		kind = credAKSK
	}
	switch len(kinds) {
	case 0:
		return 0, errors.New("huaweiiam: no credentials: set Config.Token, Config.Username and Config.Password, or Config.AccessKey and Config.SecretKey")
	case 1:
	default:
		return 0, fmt.Errorf("huaweiiam: more than one kind of credentials (%s): set exactly one", strings.Join(kinds, ", "))
	}
	switch kind {
	case credToken:
		if hasControl(cfg.Token.Reveal()) {
			return 0, errors.New("huaweiiam: Config.Token holds a control character")
		}
	case credPassword:
		switch {
		case cfg.Username == "":
			return 0, errors.New("huaweiiam: Config.Username is required with Config.Password")
		case cfg.Password.IsZero():
			return 0, errors.New("huaweiiam: Config.Password is required with Config.Username")
		case cfg.DomainName == "" && cfg.DomainID == "":
			return 0, errors.New("huaweiiam: password login needs the user's account: set Config.DomainName (or Config.DomainID)")
		case !haveIAM:
			return 0, errors.New("huaweiiam: password login needs Config.IAMEndpoint, where tokens are issued")
		}
	case credAKSK:
		switch {
		case cfg.AccessKey == "":
			return 0, errors.New("huaweiiam: Config.AccessKey is required with Config.SecretKey")
		case cfg.SecretKey.IsZero():
			return 0, errors.New("huaweiiam: Config.SecretKey is required with Config.AccessKey")
		case strings.IndexFunc(cfg.AccessKey, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) || r == ',' }) >= 0:
			return 0, errors.New("huaweiiam: Config.AccessKey holds a space, comma or control character")
		case hasControl(cfg.SecurityToken.Reveal()):
			return 0, errors.New("huaweiiam: Config.SecurityToken holds a control character")
		}
	}
	return kind, nil
}

func hasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}
