package huaweiiam

import (
	"fmt"
	"hash/maphash"

	"github.com/openmfa/mfa-go/internal/transport"
	"github.com/openmfa/mfa-go/mfa"
)

// idKey is an id as a listing remembers it: 128 bits of two seeded
// hashes. Ids come from the server and may be long; 16 bytes each keep the
// memory of a listing at the limit (DefaultMaxListing ids) within a few
// hundred megabytes, where the ids themselves (32 hex digits and a string
// header each, in a map) would take about twice that. Two 64-bit hashes
// make a collision, which would drop a user as a duplicate, as unlikely
// as a hardware fault even at the limit, and the seeds, drawn afresh for
// every listing, keep a server from choosing ids that collide.
type idKey [2]uint64

// listing is the bookkeeping of one paged user listing: the rows read,
// the ids seen, and the two ways a listing may fail to end (a server that
// serves pages again, or pages without end).
type listing struct {
	provider string
	max      int // the most rows read
	read     int
	seeds    [2]maphash.Seed
	// seen maps each id to the passes it was listed in, a bit each. A
	// listing made of passes (IAM lists enabled users, then disabled
	// ones) tells a page that repeats the pass it is in (a loop) from one
	// that repeats another pass (a server that ignores the pass's filter).
	seen map[idKey]uint8
}

func newListing(provider string, max int) *listing {
	return &listing{
		provider: provider,
		max:      max,
		seeds:    [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()},
		seen:     make(map[idKey]uint8),
	}
}

func (l *listing) key(id string) idKey {
	return idKey{maphash.String(l.seeds[0], id), maphash.String(l.seeds[1], id)}
}

// page checks a page of users read in a pass (a bit: 1, 2, ...) and
// returns, for each user, whether it is new to the listing: a duplicate,
// within the page or across pages and passes, is read but not yielded. A
// page whose users this pass has all listed before is a loop: an error,
// and none is fresh. A page that passes the limit is an error after the
// rows within it: fresh marks those, the rows after the limit are false,
// so that the caller yields what was read and then the error. where says
// which page it was, for the error.
func (l *listing) page(resp *transport.Response, pass uint8, users []mfa.User, where string) (fresh []bool, err error) {
	keys := make([]idKey, len(users))
	loop := len(users) > 0
	for i, u := range users {
		keys[i] = l.key(u.ID)
		if l.seen[keys[i]]&pass == 0 {
			loop = false
		}
	}
	fresh = make([]bool, len(users))
	if loop {
		return fresh, l.fail(resp, fmt.Sprintf("the listing loops: the page %s lists only users already listed (%d), as a server does that ignores where a page starts", where, len(users)))
	}
	for i, k := range keys {
		if l.read == l.max {
			return fresh, l.fail(resp, fmt.Sprintf("the listing passed %d rows (Config.MaxListing) at the page %s; the rest is not read", l.max, where))
		}
		l.read++
		passes := l.seen[k]
		fresh[i] = passes == 0
		l.seen[k] = passes | pass
	}
	return fresh, nil
}

// fail returns the error of a listing that cannot go on although the page
// itself was read: it matches mfa.ErrInvalidResponse.
func (l *listing) fail(resp *transport.Response, msg string) *mfa.APIError {
	e := &mfa.APIError{Provider: l.provider, Message: msg, Kind: mfa.ErrInvalidResponse}
	if resp != nil {
		e.StatusCode, e.RequestID = resp.StatusCode, resp.RequestID()
	}
	return e
}
