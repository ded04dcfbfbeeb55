package zstack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/openmfa/mfa-go/internal/transport"
	"github.com/openmfa/mfa-go/mfa"
)

// loginSession is what a Client needs to log in: the account name and the
// hex SHA-512 of the password, and the session it logged in with. The hash
// is a credential too, held as an mfa.Secret: under a verb that is wrong
// for a pointer (%s of a Client, say), fmt prints the struct a pointer
// field points to. The transport renews that session once when
// the server refuses it (a 401, or an error object with ID.1001 in a reply
// of any status), by logging in again.
type loginSession struct {
	account string
	hash    mfa.Secret
	src     *transport.TokenSource
}

type loginRequest struct {
	LogInByAccount struct {
		AccountName string `json:"accountName"`
		Password    string `json:"password"`
	} `json:"logInByAccount"`
}

type loginReply struct {
	envelope
	Inventory struct {
		UUID string `json:"uuid"`
	} `json:"inventory"`
}

// login obtains a new session. It is the TokenSource's LoginFunc.
func (c *Client) login(ctx context.Context) (transport.Token, error) {
	if c.state.closed.Load() {
		return transport.Token{}, ErrClosed
	}
	s := c.session
	var req loginRequest
	req.LogInByAccount.AccountName, req.LogInByAccount.Password = s.account, s.hash.Reveal()
	body, err := json.Marshal(req)
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
		Secrets:     []string{s.hash.Reveal()},
	})
	var session string
	if err == nil {
		session, err = c.decodeLogin(resp)
	}
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
	invalid := func(msg string) error {
		return &mfa.APIError{Provider: c.name, StatusCode: resp.StatusCode, Message: msg, RequestID: resp.RequestID(), Kind: mfa.ErrInvalidResponse}
	}
	var reply loginReply
	if resp.DecodeJSON(&reply) != nil {
		return "", invalid("cannot decode the login reply: it is not the JSON the API promises")
	}
	if err := c.envelopeError(resp, &reply.envelope); err != nil {
		return "", err
	}
	// The token source refuses a session no header can carry.
	session := reply.Inventory.UUID
	if session == "" {
		return "", invalid("the login reply has no session (inventory.uuid)")
	}
	return session, nil
}

// logout sends DELETE /zstack/v1/accounts/sessions/{session}. The session
// is in the path: the request lists it as a secret, so that no error or
// log line shows it. A reply that is not an envelope ends the session all
// the same.
func (c *Client) logout(ctx context.Context, session string) error {
	path, err := sessionPath(session)
	if err != nil {
		return fmt.Errorf("%s: logging out: the session is not a valid path segment: %w", c.name, mfa.ErrBadRequest)
	}
	_, err = c.tc.Do(ctx, &transport.Request{
		Method:  http.MethodDelete,
		Path:    path,
		Accept:  "application/json",
		NoAuth:  true,
		Secrets: []string{session},
		Decode: func(resp *transport.Response) error {
			var env envelope
			if resp.DecodeJSON(&env) != nil {
				return nil
			}
			return c.envelopeError(resp, &env)
		},
	})
	if err != nil {
		return fmt.Errorf("%s: logging out: %w", c.name, err)
	}
	c.tc.Logger().DebugContext(ctx, "logged out", "provider", c.name)
	return nil
}
