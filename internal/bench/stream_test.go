package bench_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/zstack"
	"github.com/openmfa/mfa-go/zstack/zstacktest"
)

// simUsersEnv, when set in the environment of this test binary, makes
// TestSimServer serve the ZStack emulator with that many users.
const simUsersEnv = "MFA_BENCH_SIM_USERS"

// TestSimServer is the emulator process of BenchmarkZStackStream: it runs
// only when simUsersEnv is set, prints the ZStack URL and session, and
// serves until its standard input closes. The emulator runs in a process
// of its own so that its memory, and the garbage of its replies, stay out
// of the heap measured.
func TestSimServer(t *testing.T) {
	users, err := strconv.Atoi(os.Getenv(simUsersEnv))
	if err != nil {
		t.Skip("the emulator process of BenchmarkZStackStream")
	}
	s, err := zstacktest.NewServer(zstacktest.Options{UserCount: users, MaxDevicesPerUser: 1, Active: 60, Pending: 20, Unknown: 5, MaxPageSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fmt.Printf("%s %s\n", s.URL, s.SessionID.Reveal())
	_, _ = io.Copy(io.Discard, os.Stdin)
}

// startSimProcess starts TestSimServer with n users and returns the ZStack
// endpoint and session.
func startSimProcess(b *testing.B, n int) (url, session string) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestSimServer$")
	cmd.Env = append(os.Environ(), simUsersEnv+"="+strconv.Itoa(n))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		stdin.Close() // the emulator process ends
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	f := strings.Fields(line)
	if err != nil || len(f) != 2 {
		b.Fatalf("emulator process: %q, %v", line, err)
	}
	return f[0], f[1]
}

// heapInUse is the bytes in in-use heap spans, as runtime.MemStats.HeapInuse
// (objects, live or not yet swept, plus the unused part of their spans),
// read without stopping the world.
func heapInUse(s []metrics.Sample) uint64 {
	metrics.Read(s)
	return s[0].Value.Uint64() + s[1].Value.Uint64()
}

// heapLive is the heap the last garbage collection found live.
func heapLive(s []metrics.Sample) uint64 { return s[2].Value.Uint64() }

func heapSamples() []metrics.Sample {
	return []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"},
		{Name: "/gc/heap/live:bytes"}, {Name: "/gc/cycles/total:gc-cycles"},
	}
}

// BenchmarkZStackStream walks every secret of a ZStack emulator (one per
// user) with AllDevices, consuming and discarding each device, while a
// goroutine samples the heap every millisecond. It reports, as the highest
// of the walks of the run: retained-B, the most heap found live by a
// collection forced at the end of each page (timer stopped), less the live
// heap before the walk: what the walk holds, whatever the collector's
// timing; peak-heap-B, the highest heap in use (as MemStats.HeapInuse)
// during a walk less the heap in use before it (after a GC, with the
// client made), which depends on when the collector runs and so grows a
// little with the number of pages sampled; peak-live-B, the same for the
// heap the collector found live; gc/op, the collections the runtime
// started on its own during a walk (the forced ones at each page's end
// are not counted); and secrets, the devices read. B/op is what one walk
// allocates in all, which grows with the secrets; retained-B should not.
//
// The collections forced at each page's end also free the walk's garbage
// sooner than the runtime would, so peak-heap-B, peak-live-B and gc/op are
// lower than in a walk left to the collector: they are the figures of this
// walk, to compare between runs of this benchmark, not bounds on an
// unforced walk.
func BenchmarkZStackStream(b *testing.B) { walkBench(b, false) }

// BenchmarkZStackKeep is BenchmarkZStackStream keeping every device in a
// slice, as a caller that collects the list does: its peak grows with the
// secrets, which shows what the streaming saves and that the measure sees
// it.
func BenchmarkZStackKeep(b *testing.B) { walkBench(b, true) }

func walkBench(b *testing.B, keep bool) {
	for _, n := range []int{10_000, 100_000} {
		b.Run("secrets="+strconv.Itoa(n), func(b *testing.B) {
			url, session := startSimProcess(b, n)
			c, err := zstack.NewClient(zstack.Config{Endpoint: url, SessionID: mfa.NewSecret(session)})
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			ctx := context.Background()
			var peak, peakLive, peakRetained uint64
			var read int
			var cycles uint64 // collections the runtime started, forced ones excluded
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				runtime.GC()
				s := heapSamples()
				base := heapInUse(s)
				baseLive, baseCycles := heapLive(s), s[3].Value.Uint64()
				stop := make(chan struct{})
				var wg sync.WaitGroup
				var max, maxLive uint64
				wg.Add(1)
				go func() {
					defer wg.Done()
					s := heapSamples()
					t := time.NewTicker(time.Millisecond)
					defer t.Stop()
					for {
						if h := heapInUse(s); h > max {
							max = h
						}
						if l := heapLive(s); l > maxLive {
							maxLive = l
						}
						select {
						case <-stop:
							return
						case <-t.C:
						}
					}
				}()
				b.StartTimer()

				var kept []mfa.Device
				k := 0
				var retained, forced uint64
				for d, err := range c.AllDevices(ctx) {
					if err != nil {
						b.Fatal(err)
					}
					if keep {
						kept = append(kept, d)
					}
					if k++; k%1000 == 0 {
						// What the walk holds at a page's end, whatever the
						// collector's timing: a flat walk holds the same at
						// the 10th page and at the 100th.
						b.StopTimer()
						runtime.GC()
						forced++
						metrics.Read(s)
						if l := heapLive(s); l > baseLive && l-baseLive > retained {
							retained = l - baseLive
						}
						b.StartTimer()
					}
				}
				if retained > peakRetained {
					peakRetained = retained
				}

				b.StopTimer()
				close(stop)
				wg.Wait()
				if k != n {
					b.Fatalf("read %d secrets, want %d", k, n)
				}
				runtime.KeepAlive(kept)
				if max > base && max-base > peak {
					peak = max - base
				}
				if maxLive > baseLive && maxLive-baseLive > peakLive {
					peakLive = maxLive - baseLive
				}
				metrics.Read(s)
				// baseCycles was read after the walk's opening GC, and the
				// next walk's opening GC comes after this read: neither is
				// in the difference. The page-end GCs are, one cycle each
				// (runtime.GC returns once its cycle is counted), so they
				// are taken out, leaving the collections the runtime
				// started. A cycle under way when runtime.GC is called is
				// the runtime's own and stays counted, so the difference is
				// never below forced.
				if d := s[3].Value.Uint64() - baseCycles; d > forced {
					cycles += d - forced
				}
				read = k
				b.StartTimer()
			}
			b.ReportMetric(float64(peak), "peak-heap-B")
			b.ReportMetric(float64(peakLive), "peak-live-B")
			b.ReportMetric(float64(peakRetained), "retained-B")
			b.ReportMetric(float64(cycles)/float64(b.N), "gc/op")
			b.ReportMetric(float64(read), "secrets")
		})
	}
}
