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
	"github.com/openmfa/mfa-go/mfa"
)

// BenchmarkCallCost takes one call apart, for the two lists of the
// per-call benchmarks in internal/bench (a Workspace user's 55 OTP
// devices, 12 KB; an account's 1,000 virtual MFA devices, 132 KB), to
// show where the time between the floor and mfa-go goes. Each step adds
// one thing to the one before:
//
//   - floor: the round trip, the body read through an 8 KB buffer and
//     dropped, as benchkit.Floor does;
//   - body: the body read into a buffer of its own, as the transport does;
//   - body+busy: then as long a burst of CPU work as decoding the body
//     takes on its own (benchmarked first; busy-us), allocating nothing;
//   - body+decode: then the decoding itself;
//   - mfa-go: the whole call through the public API.
//
// The metrics split a call: headers-us until the response headers,
// body-us reading the body, work-us what follows; gc/1k is the garbage
// collections per 1,000 calls. BENCHMARKS.md reads them.
func BenchmarkCallCost(b *testing.B) {
	const user = "8a2c3f9579d240820179d51e6caf0001"
	otpPath, err := otpDevicesPath("p", user)
	if err != nil {
		b.Fatal(err)
	}
	calls := []struct {
		name, path string
		body       []byte
		decode     func(*transport.Response) error
		call       func(context.Context, *Client) (int, error)
		devices    int
	}{
		{
			name: "workspace55", path: otpPath, body: benchOTPBody(55, user), devices: 55,
			decode: func(r *transport.Response) error { _, err := decodeOTPDevices(r, "p", user, nil); return err },
			call: func(ctx context.Context, c *Client) (int, error) {
				devs, err := c.WorkspaceOTP().UserDevices(ctx, user)
				return len(devs), err
			},
		},
		{
			name: "iam1000", path: virtualMFADevicesPath, body: benchVMFABody(1000, true), devices: 1000,
			decode: func(r *transport.Response) error { _, err := decodeVirtualMFADevices(r, "p"); return err },
			call: func(ctx context.Context, c *Client) (int, error) {
				n := 0
				for _, err := range c.VirtualMFA().AllDevices(ctx) {
					if err != nil {
						return n, err
					}
					n++
				}
				return n, nil
			},
		},
	}
	for _, call := range calls {
		srv := benchkit.NewServer(b, http.Header{"Content-Type": {"application/json"}}, call.body)
		url := srv.URL + call.path
		busy := decodeTime(b, call.body, call.decode)
		for _, step := range []string{"floor", "body", "body+busy", "body+decode"} {
			srv.Run(b, call.name+"/"+step, func(b *testing.B) {
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
						if err := call.decode(&transport.Response{StatusCode: 200, Body: buf}); err != nil {
							b.Fatal(err)
						}
					}
					headers += got.Sub(start)
					read += done.Sub(got)
					work += time.Since(done)
				}
				n := float64(b.N)
				b.ReportMetric(float64(headers.Nanoseconds())/n/1e3, "headers-us")
				b.ReportMetric(float64(read.Nanoseconds())/n/1e3, "body-us")
				b.ReportMetric(float64(work.Nanoseconds())/n/1e3, "work-us")
				b.ReportMetric(float64(numGC()-gcs)*1000/n, "gc/1k")
				if step == "body+busy" {
					b.ReportMetric(float64(busy.Nanoseconds())/1e3, "busy-us")
				}
			})
		}
		srv.Run(b, call.name+"/mfa-go", func(b *testing.B) {
			c, err := NewClient(Config{IAMEndpoint: srv.URL, WorkspaceEndpoint: srv.URL, ProjectID: "p", DomainID: "d", Token: mfa.NewSecret("t")})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			gcs := numGC()
			b.ReportAllocs()
			for b.Loop() {
				if n, err := call.call(ctx, c); err != nil || n != call.devices {
					b.Fatal(n, err)
				}
			}
			b.ReportMetric(float64(numGC()-gcs)*1000/float64(b.N), "gc/1k")
		})
	}
}

// decodeTime is how long decode takes on body, alone: the mean over 300
// ms of runs, after 50 to warm up. (testing.Benchmark would deadlock
// inside a benchmark.)
func decodeTime(b *testing.B, body []byte, decode func(*transport.Response) error) time.Duration {
	resp := &transport.Response{StatusCode: 200, Body: body}
	for range 50 {
		if err := decode(resp); err != nil {
			b.Fatal(err)
		}
	}
	runs, start := 0, time.Now()
	for ; time.Since(start) < 300*time.Millisecond; runs++ {
		_ = decode(resp)
	}
	return time.Since(start) / time.Duration(runs)
}

func numGC() uint32 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.NumGC
}
