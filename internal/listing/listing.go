package listing

import (
	"errors"
	"fmt"
	"slices"
)

// ErrLoop is the error of a page whose rows were all read before in its
// pass: the server does not honour where a page starts, or sends its pages
// in a loop, and the next page would be one read already.
var ErrLoop = errors.New("the listing loops: a page holds only rows already read, as a server sends that ignores where a page starts")

// ErrUnsorted is the error of a page of a sorted listing whose ids are
// out of order: the server does not sort as asked, and a row left behind
// would be taken for one read before, and lost.
var ErrUnsorted = errors.New("the listing is not in the order asked for: its rows cannot be told apart from rows already read")

// Guard watches one listing: it counts the rows read against a limit,
// tells the rows already read (a table that changed under the listing),
// and a page made only of them (a loop). It is not safe for concurrent
// use: a listing reads one page at a time.
type Guard struct {
	max  int
	rows int
	pass uint8 // the bit of the pass being read
	seen idSet

	sorted bool     // ids come in increasing order
	last   string   // the greatest id read, when sorted
	prev   []string // the ids of the page before, when sorted
}

// New returns the Guard of a listing that may read at most max rows. It
// remembers every id read, some 30 bytes each.
func New(max int) *Guard { return &Guard{max: max, pass: 1} }

// NewSorted returns the Guard of a listing whose ids come in increasing
// order (a walk sorted by id): a row whose id is not above every id read
// before was read before, so the Guard remembers only the greatest, and
// the ids of the page before, and its memory stays flat however long the
// listing. A page out of order is ErrUnsorted: only a row of the page
// before may come again (the table shifted under the listing). It has one
// pass.
func NewSorted(max int) *Guard { return &Guard{max: max, pass: 1, sorted: true} }

// NextPass begins another pass over the listing (Huawei IAM lists its
// enabled users, then its disabled ones): a row read in an earlier pass is
// not new, but a page made of such rows is no loop, since a server that
// ignores the pass's filter sends them again. A Guard has at most 8
// passes.
func (g *Guard) NextPass() {
	if g.pass < 1<<7 {
		g.pass <<= 1
	}
}

// Page counts the rows of one page by their ids. fresh[i] reports whether
// row i is new to the listing, to be yielded; a row read before is not.
// A page that takes the listing past its limit counts the rows up to it,
// and returns an error for the rest, whose fresh are false; a page whose
// rows this pass has all read before is ErrLoop, and none is fresh. The
// caller yields the fresh rows, then the error.
func (g *Guard) Page(ids []string) (fresh []bool, err error) {
	fresh = make([]bool, len(ids))
	if len(ids) > 0 && g.allRead(ids) {
		return fresh, ErrLoop
	}
	if g.sorted && !g.inOrder(ids) {
		return fresh, ErrUnsorted
	}
	for i, id := range ids {
		if g.rows == g.max {
			return fresh, fmt.Errorf("the listing passed %d rows, the most one listing reads (Config.MaxListing): the rest is not read", g.max)
		}
		g.rows++
		if g.sorted {
			fresh[i] = g.rows == 1 || id > g.last
			g.last = max(g.last, id)
			continue
		}
		fresh[i] = g.seen.add(id, g.pass)
	}
	if g.sorted {
		g.prev = append(g.prev[:0], ids...)
	}
	return fresh, nil
}

// inOrder reports whether the ids of a page of a sorted listing rise, and
// whether the ids not above what was read before are of the page before.
func (g *Guard) inOrder(ids []string) bool {
	for i, id := range ids {
		if i > 0 && id < ids[i-1] {
			return false
		}
		if g.rows > 0 && id <= g.last {
			if _, found := slices.BinarySearch(g.prev, id); !found {
				return false
			}
		}
	}
	return true
}

// allRead reports whether every id was read before in this pass.
func (g *Guard) allRead(ids []string) bool {
	if !g.sorted {
		return g.seen.allIn(ids, g.pass)
	}
	if g.rows == 0 {
		return false
	}
	for _, id := range ids {
		if id > g.last {
			return false
		}
	}
	return true
}

// idSet holds the ids a listing has read, each with the passes it was
// read in. An id of 32 lower-case hex digits, the form of the vendors'
// generated ids, is kept as its 16 bytes (some 30 bytes a row with the
// map's own cost, a third of what the string costs); any other id as a
// string. The set is exact: a hash would be smaller, but a collision would
// drop a user from an audit without a word. A listing reads at most its
// limit of rows, which bounds the set.
type idSet struct {
	hex   map[[16]byte]uint8
	other map[string]uint8
}

func (s *idSet) passes(id string) uint8 {
	if key, ok := hexKey(id); ok {
		return s.hex[key]
	}
	return s.other[id]
}

// add records that id was read in pass, and reports whether it is new.
func (s *idSet) add(id string, pass uint8) bool {
	if key, ok := hexKey(id); ok {
		if s.hex == nil {
			s.hex = make(map[[16]byte]uint8)
		}
		before := s.hex[key]
		s.hex[key] = before | pass
		return before == 0
	}
	if s.other == nil {
		s.other = make(map[string]uint8)
	}
	before := s.other[id]
	s.other[id] = before | pass
	return before == 0
}

// allIn reports whether every id was read in pass before.
func (s *idSet) allIn(ids []string, pass uint8) bool {
	for _, id := range ids {
		if s.passes(id)&pass == 0 {
			return false
		}
	}
	return true
}

// hexKey returns the bytes of an id of 32 lower-case hex digits. Upper
// case is refused, so that two ids that differ as strings never share a
// key.
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

// Fresh counts a page's rows with g, by their ids, and returns those new
// to the listing, in order, and the error of Page: the caller yields the
// rows, then the error.
func Fresh[T any](g *Guard, rows []T, id func(T) string) ([]T, error) {
	ids := make([]string, len(rows))
	for i, row := range rows {
		ids[i] = id(row)
	}
	isFresh, err := g.Page(ids)
	if !slices.Contains(isFresh, false) {
		return rows, err
	}
	fresh := make([]T, 0, len(rows))
	for i, row := range rows {
		if isFresh[i] {
			fresh = append(fresh, row)
		}
	}
	return fresh, err
}
