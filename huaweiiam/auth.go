package huaweiiam

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/openmfa/mfa-go/internal/transport"
	"github.com/openmfa/mfa-go/mfa"
)

// tokenRenewEarly is how long before its expires_at a token from password
// login is renewed (never sooner than half its lifetime).
const tokenRenewEarly = 10 * time.Minute

// passwordLogin obtains tokens with POST /v3/auth/tokens. The transport's
// TokenSource calls login when it has no token, when the token nears its
// expiry, and once after a refusal.
type passwordLogin struct {
	iam        *transport.Client
	domainName string
	domainID   string
	username   string
	password   mfa.Secret
	projectID  string
}

type authRequest struct {
	Auth struct {
		Identity struct {
			Methods  []string `json:"methods"`
			Password struct {
				User struct {
					Domain   nameOrID `json:"domain"`
					Name     string   `json:"name"`
					Password string   `json:"password"`
				} `json:"user"`
			} `json:"password"`
		} `json:"identity"`
		Scope struct {
			Project *nameOrID `json:"project,omitempty"`
			Domain  *nameOrID `json:"domain,omitempty"`
		} `json:"scope"`
	} `json:"auth"`
}

type nameOrID struct {
	Name string `json:"name,omitempty"`
	ID   string `json:"id,omitempty"`
}

// body returns the login request: the user in its domain (by name, or by
// id when no name is given), scoped to the project when one is set, else
// to the domain.
func (l *passwordLogin) body() ([]byte, error) {
	var r authRequest
	r.Auth.Identity.Methods = []string{"password"}
	u := &r.Auth.Identity.Password.User
	domain := nameOrID{Name: l.domainName}
	if domain.Name == "" {
		domain.ID = l.domainID
	}
	u.Domain, u.Name, u.Password = domain, l.username, l.password.Reveal()
	if l.projectID != "" {
		r.Auth.Scope.Project = &nameOrID{ID: l.projectID}
	} else {
		r.Auth.Scope.Domain = &domain
	}
	return json.Marshal(r)
}

// login is the transport.LoginFunc of password login.
func (l *passwordLogin) login(ctx context.Context) (transport.Token, error) {
	body, err := l.body()
	if err != nil {
		return transport.Token{}, fmt.Errorf("password login: %w", err)
	}
	resp, err := l.iam.Do(ctx, &transport.Request{
		Method:      http.MethodPost,
		Path:        tokensPath,
		Accept:      "application/json",
		Body:        body,
		ContentType: "application/json;charset=utf8",
		NoAuth:      true,
		Secrets:     []string{l.password.Reveal()},
	})
	if err != nil {
		return transport.Token{}, fmt.Errorf("password login: %w", err)
	}
	t, err := decodeToken(ctx, resp, l.iam.Logger().With("provider", l.iam.Provider()))
	if err != nil {
		return transport.Token{}, fmt.Errorf("password login: %w", err)
	}
	return t, nil
}

// decodeToken reads a login response: the token is the X-Subject-Token
// header, its expiry the body's token.expires_at. An expiry that cannot be
// read does not fail the login: the token is then used until refused, and
// a warning says why.
func decodeToken(ctx context.Context, resp *transport.Response, log *slog.Logger) (transport.Token, error) {
	t := transport.Token{Value: resp.Header.Get("X-Subject-Token")}
	// The token source refuses a token no header can carry.
	if t.Value == "" {
		return transport.Token{}, resp.Invalid(errors.New("no X-Subject-Token header"))
	}
	var body struct {
		Token struct {
			ExpiresAt string `json:"expires_at"`
		} `json:"token"`
	}
	// Not resp.DecodeJSON: its error, made to quote the body, would be
	// thrown away.
	if transport.UnmarshalJSON(resp.Body, &body) != nil || body.Token.ExpiresAt == "" {
		log.WarnContext(ctx, "huaweiiam: the login response gives no token expiry; the token is used until refused",
			"status", resp.StatusCode)
		return t, nil
	}
	var ok bool
	if t.Expires, ok = parseTime(body.Token.ExpiresAt); !ok {
		log.WarnContext(ctx, "huaweiiam: token expires_at in no known layout; the token is used until refused",
			"field", "expires_at", "value", logValue(body.Token.ExpiresAt))
	}
	return t, nil
}

// akskCredentials is an access key and its secret key, shared by the
// signers of both APIs.
type akskCredentials struct {
	accessKey     string
	secretKey     mfa.Secret
	securityToken mfa.Secret
	now           func() time.Time // replaced by tests that need a fixed clock
}

// signingAuth is the transport.Authenticator of AK/SK signing for one API:
// it sets the API's scope header (X-Project-Id or X-Domain-Id) and the
// security token, then signs. It runs before every attempt, so a retry
// carries a fresh X-Sdk-Date and signature.
type signingAuth struct {
	creds  *akskCredentials
	header string
	value  string
}

// Authenticate sets the scope headers and signs req.
func (a *signingAuth) Authenticate(req *http.Request) error {
	if a.value != "" {
		req.Header.Set(a.header, a.value)
	}
	if !a.creds.securityToken.IsZero() {
		req.Header.Set("X-Security-Token", a.creds.securityToken.Reveal())
	}
	return sign(req, a.creds.accessKey, a.creds.secretKey.Reveal(), a.creds.now())
}
