package listing

import (
	"fmt"
	"runtime"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPagesOfNewRows(t *testing.T) {
	g := New(100)
	fresh, err := g.Page([]string{"a", "b"})
	require.NoError(t, err)
	assert.Equal(t, []bool{true, true}, fresh)
	fresh, err = g.Page([]string{"b", "c", "c"})
	require.NoError(t, err)
	assert.Equal(t, []bool{false, true, false}, fresh, "a row read before, on this page or an earlier one, is not new")
	fresh, err = g.Page(nil)
	require.NoError(t, err, "an empty page is the end, no loop")
	assert.Empty(t, fresh)
}

func TestALoopIsFoundAtOnce(t *testing.T) {
	g := New(100)
	page := []string{"0123456789abcdef0123456789abcdef", "x"}
	_, err := g.Page(page)
	require.NoError(t, err)
	fresh, err := g.Page(page)
	assert.ErrorIs(t, err, ErrLoop, "the same page again")
	assert.Equal(t, []bool{false, false}, fresh)

	// Two pages in turn: the third page read is the first again.
	g = New(100)
	_, _ = g.Page([]string{"a"})
	_, _ = g.Page([]string{"b"})
	_, err = g.Page([]string{"a"})
	assert.ErrorIs(t, err, ErrLoop)
}

func TestALaterPassIsNoLoop(t *testing.T) {
	g := New(100)
	_, _ = g.Page([]string{"a", "b"})
	g.NextPass()
	fresh, err := g.Page([]string{"a", "b"})
	require.NoError(t, err, "a server that ignores the second pass's filter sends the first pass's rows")
	assert.Equal(t, []bool{false, false}, fresh, "but they are not yielded twice")
	_, err = g.Page([]string{"b", "a"})
	assert.ErrorIs(t, err, ErrLoop, "within the pass, a page read again is a loop")
}

func TestTheLimitKeepsWhatWasRead(t *testing.T) {
	g := New(5)
	fresh, err := g.Page([]string{"1", "2", "3"})
	require.NoError(t, err)
	assert.Equal(t, []bool{true, true, true}, fresh)
	fresh, err = g.Page([]string{"4", "5", "6", "7"})
	assert.ErrorContains(t, err, "passed 5 rows")
	assert.Equal(t, []bool{true, true, false, false}, fresh, "the rows within the limit are yielded before the error")

	g = New(3)
	_, err = g.Page([]string{"1", "2", "3"})
	assert.NoError(t, err, "a listing of exactly its limit ends well")
}

func TestASortedListingRemembersOneID(t *testing.T) {
	g := NewSorted(100)
	fresh, err := g.Page([]string{"a", "b", "b"})
	require.NoError(t, err)
	assert.Equal(t, []bool{true, true, false}, fresh)
	fresh, err = g.Page([]string{"b", "c"})
	require.NoError(t, err)
	assert.Equal(t, []bool{false, true}, fresh, "a row that shifted onto the next page is not read twice")
	_, err = g.Page([]string{"a", "b"})
	assert.ErrorIs(t, err, ErrLoop, "a page at or below what was read: the server ignores where a page starts")

	// A server that does not sort as asked: a row left behind would pass
	// for one read before.
	g = NewSorted(100)
	_, _ = g.Page([]string{"b", "d"})
	_, err = g.Page([]string{"c", "e"})
	assert.ErrorIs(t, err, ErrUnsorted)
	g = NewSorted(100)
	_, err = g.Page([]string{"d", "b"})
	assert.ErrorIs(t, err, ErrUnsorted, "a page whose ids fall")

	g = NewSorted(3)
	_, err = g.Page([]string{"", "x"})
	require.NoError(t, err, "an empty first id is no loop")
	_, err = g.Page([]string{"y", "z"})
	assert.ErrorContains(t, err, "passed 3 rows")
}

func TestHexKeys(t *testing.T) {
	k, ok := hexKey("00ff00ff00ff00ff00ff00ff00ff00ff")
	require.True(t, ok)
	assert.Equal(t, [16]byte{0, 0xff, 0, 0xff, 0, 0xff, 0, 0xff, 0, 0xff, 0, 0xff, 0, 0xff, 0, 0xff}, k)
	for _, id := range []string{"00FF00FF00FF00FF00FF00FF00FF00FF", "00ff00ff00ff00ff00ff00ff00ff00f", "g0ff00ff00ff00ff00ff00ff00ff00ff", ""} {
		_, ok := hexKey(id)
		assert.False(t, ok, id)
	}
	// The two forms never meet: an upper-case id is a string of its own.
	g := New(10)
	fresh, err := g.Page([]string{"00ff00ff00ff00ff00ff00ff00ff00ff", "00FF00FF00FF00FF00FF00FF00FF00FF"})
	require.NoError(t, err)
	assert.Equal(t, []bool{true, true}, fresh)
}

// BenchmarkSeenMemory measures what a listing keeps per row to tell
// duplicates and loops, with ids of 32 hex digits as the vendors send
// them, read in pages of 1,000: bytes/id is the heap the Guard holds once
// every page is read.
func BenchmarkSeenMemory(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			page := make([]string, 1000)
			var perID float64
			for b.Loop() {
				before := heapInUse()
				g := New(n)
				for i := 0; i < n; i += len(page) {
					for j := range page {
						page[j] = fmt.Sprintf("%032x", i+j)
					}
					if _, err := g.Page(page); err != nil {
						b.Fatal(err)
					}
				}
				perID = float64(heapInUse()-before) / float64(n)
				runtime.KeepAlive(g)
			}
			b.ReportMetric(perID, "bytes/id")
		})
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

func ExampleGuard() {
	g := New(1_000_000)
	for _, page := range [][]string{{"u1", "u2"}, {"u2", "u3"}, {"u2", "u3"}} {
		fresh, err := g.Page(page)
		fmt.Println(fresh, err != nil)
	}
	// Output:
	// [true true] false
	// [false true] false
	// [false false] true
}

func TestFreshKeepsTheNewRowsInOrder(t *testing.T) {
	type row struct{ id, name string }
	id := func(r row) string { return r.id }
	g := New(7) // rows read again count
	fresh, err := Fresh(g, []row{{"a", "1"}, {"b", "2"}}, id)
	require.NoError(t, err)
	assert.Equal(t, []row{{"a", "1"}, {"b", "2"}}, fresh)
	fresh, err = Fresh(g, []row{{"b", "again"}, {"c", "3"}, {"a", "again"}, {"d", "4"}}, id)
	require.NoError(t, err)
	assert.Equal(t, []row{{"c", "3"}, {"d", "4"}}, fresh, "rows read before are left out")
	fresh, err = Fresh(g, []row{{"e", "5"}, {"f", "6"}}, id)
	assert.Error(t, err, "the limit")
	assert.Equal(t, []row{{"e", "5"}}, fresh, "the rows up to the limit are kept")
	fresh, err = Fresh(g, []row{{"a", "1"}}, id)
	assert.ErrorIs(t, err, ErrLoop)
	assert.Empty(t, fresh)
}
