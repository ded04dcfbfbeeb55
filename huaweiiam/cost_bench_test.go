package huaweiiam

import (
	"context"
	"io"
	"net/http"
	"runtime"
	"testing"
	"time"

	"github.com/openmfa/mfa-go/internal/benchkit"
	"github.com/openmfa/mfa-go/internal/transport"
)

// BenchmarkListCost1000 takes one call for the 1,000-device IAM list
// (132 KB) apart, to show where the time between the floor and mfa-go
// goes. Each step adds one thing to the one before:
//
//   - floor: the round trip, the body read through an 8 KB buffer and
//     dropped (benchkit.Floor);
//   - body: the body read into a buffer of its own, as the transport does
//     (the devices' strings will point into it);
//   - body+busy: then as long a burst of CPU work as decoding takes, that
//     allocates nothing;
//   - body+decode: then the decoding itself;
//   - mfa-go: the whole call through VirtualMFA().AllDevices.
//
// The metrics split a call: headers-us until the response headers,
// body-us reading the body, work-us what follows; gc/1k is the garbage
// collections per 1,000 calls. BENCHMARKS.md reads them.
func BenchmarkListCost1000(b *testing.B) {
	body := benchVMFABody(1000, true)
	srv := benchkit.NewServer(b, http.Header{"Content-Type": {"application/json"}}, body)
	url := srv.URL + virtualMFADevicesPath
	const busy = 110 * time.Microsecond // about what decoding these bytes takes on its own

	steps := []string{"floor", "body", "body+busy", "body+decode"}
	for _, step := range steps {
		srv.Run(b, step, func(b *testing.B) {
			hc := &http.Client{Transport: &http.Transport{}}
			b.Cleanup(hc.CloseIdleConnections)
			var headers, read, work time.Duration
			gcs := numGC()
			b.ReportAllocs()
			for b.Loop() {
				start := time.Now()
				resp, err := hc.Get(url)
				if err != nil {
					b.Fatal(err)
				}
				got := time.Now()
				var buf []byte
				if step == "floor" {
					_, err = io.Copy(io.Discard, resp.Body)
				} else {
					buf = make([]byte, resp.ContentLength)
					_, err = io.ReadFull(resp.Body, buf)
				}
				resp.Body.Close()
				if err != nil {
					b.Fatal(err)
				}
				done := time.Now()
				switch step {
				case "body+busy":
					for time.Since(done) < busy {
					}
				case "body+decode":
					if _, err := decodeVirtualMFADevices(&transport.Response{StatusCode: 200, Body: buf}, "p"); err != nil {
						b.Fatal(err)
					}
				}
				headers += got.Sub(start)
				read += done.Sub(got)
				work += time.Since(done)
			}
			n := float64(b.N)
			b.ReportMetric(float64(headers.Microseconds())/n, "headers-us")
			b.ReportMetric(float64(read.Microseconds())/n, "body-us")
			b.ReportMetric(float64(work.Microseconds())/n, "work-us")
			b.ReportMetric(float64(numGC()-gcs)*1000/n, "gc/1k")
		})
	}
	srv.Run(b, "mfa-go", func(b *testing.B) {
		c, err := NewClient(Config{IAMEndpoint: srv.URL, DomainID: "d", Token: "t"})
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		gcs := numGC()
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			for _, err := range c.VirtualMFA().AllDevices(ctx) {
				if err != nil {
					b.Fatal(err)
				}
				n++
			}
			if n != 1000 {
				b.Fatal(n)
			}
		}
		b.ReportMetric(float64(numGC()-gcs)*1000/float64(b.N), "gc/1k")
	})
}

func numGC() uint32 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.NumGC
}
