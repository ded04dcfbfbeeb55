package transport

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/openmfa/mfa-go/internal/pause"
	"github.com/openmfa/mfa-go/mfa"
)

// StaticAuth sets one header to a fixed credential: Header to Prefix+Value.
// It cannot renew: a refusal goes back to the caller.
type StaticAuth struct {
	Header string // "X-Auth-Token", "Authorization"
	Prefix string // "" or a scheme and a space, such as "OAuth "
	Value  string
}

// Authenticate sets the header.
func (a *StaticAuth) Authenticate(req *http.Request) error {
	req.Header.Set(a.Header, a.Prefix+a.Value)
	return nil
}

// TokenAuth sets one header to Prefix plus a token from Source, and renews
// the token when the server refuses it.
type TokenAuth struct {
	Header string
	Prefix string
	Source *TokenSource
}

// Authenticate sets the header to a valid token, logging in first when the
// token is missing or near its expiry.
func (a *TokenAuth) Authenticate(req *http.Request) error {
	tok, err := a.Source.Token(req.Context())
	if err != nil {
		return err
	}
	req.Header.Set(a.Header, a.Prefix+tok)
	return nil
}

// Renew drops the token the refused request carried, so the next
// Authenticate logs in again. Calls refused together renew once.
func (a *TokenAuth) Renew(ctx context.Context, refused *http.Request) error {
	a.Source.Invalidate(strings.TrimPrefix(refused.Header.Get(a.Header), a.Prefix))
	return nil
}

// Token is a credential and when it expires (zero, or a time not after the
// login: unknown, used until the server refuses it).
type Token struct {
	Value   string
	Expires time.Time
}

// LoginFunc obtains a new token.
type LoginFunc func(ctx context.Context) (Token, error)

// TokenSource caches a token obtained by a login call and logs in again
// when it nears its expiry or is invalidated. Concurrent callers share one
// login. It is safe for concurrent use.
type TokenSource struct {
	login LoginFunc
	early time.Duration
	now   func() time.Time

	gate chan struct{} // held by the one caller logging in

	mu      sync.Mutex
	token   string
	renewAt time.Time // zero: no expiry known
}

// NewTokenSource returns a TokenSource that logs in with login and renews a
// token early before it expires (but never sooner than half its lifetime).
func NewTokenSource(login LoginFunc, early time.Duration) *TokenSource {
	return &TokenSource{login: login, early: early, now: time.Now, gate: make(chan struct{}, 1)}
}

// Token returns a valid token, logging in when there is none. A login
// that returns an empty token, or one holding a space or a control
// character, fails with an error matching mfa.ErrInvalidResponse.
func (s *TokenSource) Token(ctx context.Context) (string, error) {
	if tok, ok := s.cached(); ok {
		return tok, nil
	}
	select {
	case s.gate <- struct{}{}:
	case <-ctx.Done():
		return "", context.Cause(ctx)
	}
	defer func() { <-s.gate }()
	if tok, ok := s.cached(); ok {
		return tok, nil // another caller logged in while this one waited
	}
	obtained := s.now()
	// The callers waiting at the gate hold their slots (see package
	// pause): the login keeps its own, even while it waits for its turn.
	t, err := s.login(pause.Without(ctx))
	if err != nil {
		return "", err
	}
	switch {
	case t.Value == "":
		return "", fmt.Errorf("%w: login returned an empty token", mfa.ErrInvalidResponse)
	case strings.IndexFunc(t.Value, unusable) >= 0:
		// Not quoted: it is a credential.
		return "", fmt.Errorf("%w: login returned a token holding a control character or a space", mfa.ErrInvalidResponse)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.token, s.renewAt = t.Value, time.Time{}
	// An expiry not after the login (a skewed clock) would renew the token
	// on every call: it is used until the server refuses it instead.
	if t.Expires.After(obtained) {
		early := min(s.early, t.Expires.Sub(obtained)/2)
		s.renewAt = t.Expires.Add(-early)
	}
	return s.token, nil
}

// unusable reports whether r cannot be part of a token sent in a header
// (after a scheme such as "OAuth ", where a space would split it).
func unusable(r rune) bool { return r == ' ' || unicode.IsControl(r) }

func (s *TokenSource) cached() (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token == "" || (!s.renewAt.IsZero() && !s.now().Before(s.renewAt)) {
		return "", false
	}
	return s.token, true
}

// Invalidate drops token if it is the one cached; a token already replaced
// by a newer login is left alone.
func (s *TokenSource) Invalidate(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if token != "" && token == s.token {
		s.token = ""
	}
}

// Current returns the cached token, or "" (to log it out, say).
func (s *TokenSource) Current() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.token
}
