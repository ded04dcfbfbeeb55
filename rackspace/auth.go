package rackspace

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/openmfa/mfa-go/internal/timeparse"
	"github.com/openmfa/mfa-go/internal/transport"
	"github.com/openmfa/mfa-go/mfa"
)

// renewEarly is how long before its expiry a token is renewed (never
// sooner than half its lifetime).
const renewEarly = 5 * time.Minute

// expiresLayouts are the layouts of access.token.expires, such as
// "2014-01-09T15:08:53.645-06:00".
var expiresLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
}

// credentials are what a login needs. The Client holds them behind a
// pointer, which fmt prints as an address.
type credentials struct {
	username string
	apiKey   mfa.Secret
	password mfa.Secret
}

// secrets lists the values to remove from any error of any call: an error
// body has no reason to echo a key or password, but should one do so, it
// is not repeated.
func (cred *credentials) secrets() []string {
	if cred == nil {
		return nil
	}
	return []string{cred.apiKey.Reveal(), cred.password.Reveal()}
}

// loginRequest is the body of POST /v2.0/tokens: one of the two kinds of
// credentials.
type loginRequest struct {
	Auth struct {
		APIKey   *loginCredentials `json:"RAX-KSKEY:apiKeyCredentials,omitempty"`
		Password *loginCredentials `json:"passwordCredentials,omitempty"`
	} `json:"auth"`
}

type loginCredentials struct {
	Username string `json:"username"`
	APIKey   string `json:"apiKey,omitempty"`
	Password string `json:"password,omitempty"`
}

func (cred *credentials) loginBody() ([]byte, error) {
	var body loginRequest
	if cred.apiKey.IsZero() {
		body.Auth.Password = &loginCredentials{Username: cred.username, Password: cred.password.Reveal()}
	} else {
		body.Auth.APIKey = &loginCredentials{Username: cred.username, APIKey: cred.apiKey.Reveal()}
	}
	return json.Marshal(body)
}

// login obtains a token with POST /v2.0/tokens. The call is always made in
// JSON, whatever the Client's format; its response is read in either.
func (c *Client) login(ctx context.Context, cred *credentials) (transport.Token, error) {
	body, err := cred.loginBody()
	if err != nil {
		return transport.Token{}, fmt.Errorf("%s: login: %w", c.name, err)
	}
	log := c.tc.Logger()
	log.DebugContext(ctx, "logging in", "provider", c.name, "username", cred.username)
	resp, err := c.tc.Do(ctx, &transport.Request{
		Method:      http.MethodPost,
		Path:        tokensPath,
		Accept:      mediaJSON,
		Body:        body,
		ContentType: mediaJSON,
		NoAuth:      true,
		Secrets:     cred.secrets(),
	})
	if err != nil {
		return transport.Token{}, fmt.Errorf("logging in as %q: %w", cred.username, err)
	}
	tok, err := decodeToken(resp, c.name)
	if err != nil {
		return transport.Token{}, fmt.Errorf("logging in as %q: %w", cred.username, err)
	}
	t := transport.Token{Value: tok.ID}
	if tok.Expires != "" {
		exp, ok := timeparse.Parse(tok.Expires, time.UTC, expiresLayouts...)
		switch {
		case !ok:
			log.WarnContext(ctx, "unreadable token expiry; the token is used until the server refuses it",
				"provider", c.name, "field", "access.token.expires", "value", tok.Expires)
		case !exp.After(time.Now()):
			log.WarnContext(ctx, "token expiry already past (clock skew?); the token is used until the server refuses it",
				"provider", c.name, "field", "access.token.expires", "value", tok.Expires)
		default:
			t.Expires = exp
		}
	}
	log.DebugContext(ctx, "logged in", "provider", c.name, "username", cred.username, "expires", t.Expires)
	return t, nil
}
