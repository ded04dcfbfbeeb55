package huaweiiam

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/openmfa/mfa-go/internal/redact"
	"github.com/openmfa/mfa-go/internal/transport"
)

// passwordLogin obtains tokens with POST /v3/auth/tokens. It holds the
// password; it is reached only through pointers, and prints as redacted.
type passwordLogin struct {
	iam        *transport.Client
	domainName string
	domainID   string
	userName   string
	password   string
	projectID  string
}

// Format prints the login without its secrets, whatever the verb.
func (l *passwordLogin) Format(f fmt.State, _ rune) {
	_, _ = io.WriteString(f, "huaweiiam.passwordLogin{"+redact.Mark+"}")
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

type tokenResponse struct {
	Token struct {
		ExpiresAt string `json:"expires_at"`
	} `json:"token"`
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
	u.Domain, u.Name, u.Password = domain, l.userName, l.password
	if l.projectID != "" {
		r.Auth.Scope.Project = &nameOrID{ID: l.projectID}
	} else {
		r.Auth.Scope.Domain = &domain
	}
	return json.Marshal(r)
}

// login is the transport.LoginFunc of password login: the token is the
// X-Subject-Token response header, its expiry the body's token.expires_at.
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
		Secrets:     []string{l.password},
	})
	if err != nil {
		return transport.Token{}, fmt.Errorf("password login: %w", err)
	}
	token := resp.Header.Get("X-Subject-Token")
	if token == "" {
		return transport.Token{}, fmt.Errorf("password login: %w", resp.Invalid(errors.New("no X-Subject-Token header")))
	}
	if hasControl(token) {
		return transport.Token{}, fmt.Errorf("password login: %w", resp.Invalid(errors.New("the X-Subject-Token header holds a control character")))
	}
	t := transport.Token{Value: token}
	var tr tokenResponse
	if json.Unmarshal(resp.Body, &tr) == nil && tr.Token.ExpiresAt != "" {
		if exp, ok := parseTime(tr.Token.ExpiresAt); ok {
			t.Expires = exp
		} else {
			l.iam.Logger().WarnContext(ctx, "huaweiiam: token expires_at in no known layout; the token is used until refused",
				"provider", l.iam.Provider(), "field", "expires_at", "value", logValue(tr.Token.ExpiresAt))
		}
	} else {
		l.iam.Logger().WarnContext(ctx, "huaweiiam: the login response gives no token expiry; the token is used until refused",
			"provider", l.iam.Provider(), "status", resp.StatusCode)
	}
	return t, nil
}
