package sim

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"sync"
)

// tokenState is what a token store knows of a token.
type tokenState uint8

const (
	tokenUnknown tokenState = iota
	tokenValid
	tokenExpired
)

// tokenStore holds the static token of an API and the tokens its login
// issued.
type tokenStore struct {
	static string
	mu     sync.RWMutex
	issued map[string]bool // token → expired
	all    []string        // every token ever issued, logged out or not
}

func newTokenStore(static string) *tokenStore {
	return &tokenStore{static: static, issued: make(map[string]bool)}
}

func (s *tokenStore) check(tok string) tokenState {
	if tok == "" {
		return tokenUnknown
	}
	if subtle.ConstantTimeCompare([]byte(tok), []byte(s.static)) == 1 {
		return tokenValid
	}
	s.mu.RLock()
	expired, ok := s.issued[tok]
	s.mu.RUnlock()
	switch {
	case !ok:
		return tokenUnknown
	case expired:
		return tokenExpired
	}
	return tokenValid
}

func (s *tokenStore) add(tok string) {
	s.mu.Lock()
	s.issued[tok] = false
	s.all = append(s.all, tok)
	s.mu.Unlock()
}

// remove forgets tok (a logout); it reports whether tok was issued.
func (s *tokenStore) remove(tok string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.issued[tok]
	delete(s.issued, tok)
	return ok
}

func (s *tokenStore) list() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]string(nil), s.all...)
}

func (s *tokenStore) expireAll() {
	s.mu.Lock()
	for tok := range s.issued {
		s.issued[tok] = true
	}
	s.mu.Unlock()
}

// randomHex returns n random bytes as hex (crypto/rand never fails).
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
