package benchkit_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/openmfa/mfa-go/internal/benchkit"
)

// The floor and net/http's baseline, each against a server of its own:
// both keep their connection alive, so each server accepts one.
func Example() {
	body := []byte(`{"items":[1,2,3]}`)
	conns := func(measure func(b *testing.B, url string)) (n int64) {
		testing.Benchmark(func(b *testing.B) {
			srv := benchkit.NewServer(b, http.Header{"Content-Type": {"application/json"}}, body)
			measure(b, srv.URL)
			n = srv.Conns()
		})
		return n
	}
	floor := conns(benchkit.Floor)
	stdlib := conns(func(b *testing.B, url string) {
		benchkit.Stdlib(b, url, nil, 3, func(r io.Reader) (int, error) {
			var v struct{ Items []int }
			err := json.NewDecoder(r).Decode(&v)
			return len(v.Items), err
		})
	})
	fmt.Println("connections: floor", floor, "stdlib", stdlib)
	// Output: connections: floor 1 stdlib 1
}
