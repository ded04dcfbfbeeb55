package rackspace

import (
	"fmt"

	"github.com/openmfa/mfa-go/internal/transport"
	"github.com/openmfa/mfa-go/mfa"
)

// listing keeps the user listing finite against a server that misbehaves:
// it counts the rows read against a limit, skips the users already
// yielded, and tells a page that brings back only such users, a loop.
type listing struct {
	provider string
	max      int
	rows     int
	seen     idSet

	// The page being read: its response names the error's status and
	// request id, its marker the page.
	resp     *transport.Response
	marker   string
	pageRows int
	fresh    int
}

func newListing(provider string, max int) *listing {
	return &listing{provider: provider, max: max}
}

// startPage begins a page, read from resp with the given marker.
func (l *listing) startPage(resp *transport.Response, marker string) {
	l.resp, l.marker, l.pageRows, l.fresh = resp, marker, 0, 0
}

// admit counts the row of a user and reports whether the user is new. A
// row past the limit is an error.
func (l *listing) admit(id string) (fresh bool, err error) {
	if l.rows >= l.max {
		return false, l.fail(fmt.Sprintf("the user listing is longer than Config.MaxListing (%d users) and stops there", l.max))
	}
	l.rows++
	l.pageRows++
	if !l.seen.add(id) {
		return false, nil
	}
	l.fresh++
	return true, nil
}

// endPage returns the error of a page whose users were all listed before:
// the next one would be the same again, or one already read.
func (l *listing) endPage() error {
	if l.pageRows == 0 || l.fresh > 0 {
		return nil
	}
	return l.fail(fmt.Sprintf("the user listing loops: the page after marker %q holds only users listed before", shorten(l.marker)))
}

func (l *listing) fail(msg string) error {
	return &mfa.APIError{
		Provider: l.provider, StatusCode: l.resp.StatusCode, RequestID: l.resp.RequestID(),
		Message: msg, Kind: mfa.ErrInvalidResponse,
	}
}

// idSet is the set of the ids a listing has yielded. An id of 32
// lower-case hex digits, the form of Identity's generated user ids, is
// kept as its 16 bytes, a third of what the string costs with its header;
// any other id (Identity's older numeric ids, say) as a string. The set is
// exact: a hash would be smaller still, but a collision would drop a user
// from an audit without a word. At Config.MaxListing's default of 10
// million hex ids it holds at most a few hundred megabytes.
type idSet struct {
	hex   map[[16]byte]struct{}
	other map[string]struct{}
}

// add adds id and reports whether it was new.
func (s *idSet) add(id string) bool {
	if key, ok := hexKey(id); ok {
		if s.hex == nil {
			s.hex = make(map[[16]byte]struct{})
		}
		if _, dup := s.hex[key]; dup {
			return false
		}
		s.hex[key] = struct{}{}
		return true
	}
	if s.other == nil {
		s.other = make(map[string]struct{})
	}
	if _, dup := s.other[id]; dup {
		return false
	}
	s.other[id] = struct{}{}
	return true
}

// hexKey returns the bytes of an id of 32 lower-case hex digits. Upper
// case is refused: ids are compared as strings, and "AB" is not "ab".
func hexKey(id string) (key [16]byte, ok bool) {
	if len(id) != 32 {
		return key, false
	}
	for i := range 32 {
		var v byte
		switch c := id[i]; {
		case c >= '0' && c <= '9':
			v = c - '0'
		case c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		default:
			return key, false
		}
		key[i/2] |= v << (4 * (1 - i%2))
	}
	return key, true
}
