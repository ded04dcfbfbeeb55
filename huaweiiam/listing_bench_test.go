package huaweiiam

import (
	"encoding/binary"
	"encoding/hex"
	"runtime"
	"strconv"
	"testing"

	"github.com/openmfa/mfa-go/mfa"
)

// BenchmarkListingMemory measures what a listing keeps per user to tell
// duplicates and loops: ids of 32 hex digits, as Workspace and IAM send
// them, read in pages of 100. bytes/id is the heap the listing holds once
// every page is read; the package documentation quotes it.
func BenchmarkListingMemory(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			page := make([]mfa.User, 100)
			var perID float64
			for b.Loop() {
				before := heapInUse()
				l := newListing("p", n)
				var buf [16]byte
				for i := 0; i < n; i += len(page) {
					for j := range page {
						binary.BigEndian.PutUint64(buf[8:], uint64(i+j))
						page[j].ID = hex.EncodeToString(buf[:])
					}
					if _, err := l.page(nil, 1, page, "x"); err != nil {
						b.Fatal(err)
					}
				}
				perID = float64(heapInUse()-before) / float64(n)
				runtime.KeepAlive(l)
			}
			b.ReportMetric(perID, "bytes/id")
		})
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
