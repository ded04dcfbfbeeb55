package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openmfa/mfa-go/internal/sim"
)

// The audit at scale: 2,500 users on each of the four emulated APIs
// (10,000 in all), 20 ms added to every request, 64 calls in flight.
const (
	benchUsers       = 2500
	benchLatency     = 20 * time.Millisecond
	benchConcurrency = 64
)

// benchTotals adds up what the runs of a benchmark measured.
type benchTotals struct {
	runs                 int
	wall, cpu            time.Duration
	requests, conns      int64
	perAPIReq, perAPICon map[string]int64
}

func (t *benchTotals) add(s *sim.Sim, wall, cpu time.Duration) {
	if t.perAPIReq == nil {
		t.perAPIReq, t.perAPICon = map[string]int64{}, map[string]int64{}
	}
	t.runs++
	t.wall += wall
	t.cpu += cpu
	for _, a := range s.APIs() {
		t.requests += a.Requests()
		t.conns += a.Connections()
		t.perAPIReq[a.Name()] += a.Requests()
		t.perAPICon[a.Name()] += a.Connections()
	}
}

// report gives the means per run: wall-s, the wall time; requests, what
// the four emulators served; bound-s, requests × 20 ms / 64, the latency
// bound of the requests made; wall/bound; bound-10k-s, 10,000 × 20 ms / 64
// = 3.125 s, the bound of one call per user; conns, the TCP connections
// the emulators accepted; cpu-s, the CPU time of the process (the
// emulators' included), from runtime/metrics; and per API, req-<api> and
// conns-<api>.
func (t *benchTotals) report(b *testing.B) {
	n := float64(t.runs)
	bound := float64(t.requests) / n * benchLatency.Seconds() / benchConcurrency
	b.ReportMetric(t.wall.Seconds()/n, "wall-s")
	b.ReportMetric(float64(t.requests)/n, "requests")
	b.ReportMetric(bound, "bound-s")
	b.ReportMetric(t.wall.Seconds()/n/bound, "wall/bound")
	b.ReportMetric(4*benchUsers*benchLatency.Seconds()/benchConcurrency, "bound-10k-s")
	b.ReportMetric(float64(t.conns)/n, "conns")
	b.ReportMetric(t.cpu.Seconds()/n, "cpu-s")
	for name, r := range t.perAPIReq {
		b.ReportMetric(float64(r)/n, "req-"+name)
		b.ReportMetric(float64(t.perAPICon[name])/n, "conns-"+name)
	}
}

// cpuTime is the CPU time the process has used: Go code, the runtime and
// the garbage collector (runtime/metrics' estimate: total less idle).
func cpuTime() time.Duration {
	s := []metrics.Sample{{Name: "/cpu/classes/total:cpu-seconds"}, {Name: "/cpu/classes/idle:cpu-seconds"}}
	metrics.Read(s)
	return time.Duration((s[0].Value.Float64() - s[1].Value.Float64()) * float64(time.Second))
}

// startBenchSim starts fresh emulators, so that every connection of a run
// is a new one.
func startBenchSim(b *testing.B) *sim.Sim {
	s, err := sim.Start(sim.Options{Users: benchUsers, Latency: benchLatency})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkAudit10k runs the audit of 10,000 users. program is the whole
// program (-config FILE -concurrency 64 -format json, the report thrown
// away); phases is the Audit function alone, which lists Huawei IAM (one
// call) and ZStack (pages of 1,000) beside the per-user calls to Workspace
// and Rackspace: lookup-start-s is the time until the per-user calls
// start, lookup-s the time they take, lookup-bound-s = per-user calls ×
// 20 ms / 64, and report-s the time to write the JSON report of the
// result (to io.Discard). floor sends the same per-user calls with
// net/http alone (64 goroutines, one shared pool, bodies drained, nothing
// decoded): what this machine and the emulators allow.
func BenchmarkAudit10k(b *testing.B) {
	b.Run("floor", func(b *testing.B) {
		var t benchTotals
		for b.Loop() {
			b.StopTimer()
			s := startBenchSim(b)
			c := s.Creds
			type call struct{ url, token string }
			var calls []call
			ws, rax := s.Workspace.Users(), s.Rackspace.Users()
			for i := range max(len(ws), len(rax)) {
				if i < len(ws) {
					calls = append(calls, call{s.Workspace.URL() + "/v2/" + c.HuaweiProjectID + "/users/" + ws[i] + "/otp-devices", c.HuaweiToken})
				}
				if i < len(rax) {
					calls = append(calls, call{s.Rackspace.URL() + "/v2.0/users/" + rax[i] + "/RAX-AUTH/multi-factor/otp-devices", c.RackspaceToken})
				}
			}
			tr := &http.Transport{MaxIdleConns: benchConcurrency, MaxIdleConnsPerHost: benchConcurrency}
			hc := &http.Client{Transport: tr}
			var next, failed atomic.Int64
			var wg sync.WaitGroup
			b.StartTimer()

			start, cpu := time.Now(), cpuTime()
			for range benchConcurrency {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := next.Add(1) - 1
						if i >= int64(len(calls)) {
							return
						}
						req, err := http.NewRequest(http.MethodGet, calls[i].url, nil)
						if err != nil {
							failed.Add(1)
							continue
						}
						req.Header.Set("X-Auth-Token", calls[i].token)
						resp, err := hc.Do(req)
						if err != nil {
							failed.Add(1)
							continue
						}
						_, _ = io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode != http.StatusOK {
							failed.Add(1)
						}
					}
				}()
			}
			wg.Wait()
			wall, cpu := time.Since(start), cpuTime()-cpu

			b.StopTimer()
			if failed.Load() != 0 {
				b.Fatalf("%d calls failed", failed.Load())
			}
			tr.CloseIdleConnections()
			t.add(s, wall, cpu)
			s.Close()
			b.StartTimer()
		}
		t.report(b)
	})
	b.Run("program", func(b *testing.B) {
		var t benchTotals
		for b.Loop() {
			b.StopTimer()
			s := startBenchSim(b)
			cfg, env := simConfig(s)
			data, err := json.Marshal(cfg)
			if err != nil {
				b.Fatal(err)
			}
			path := filepath.Join(b.TempDir(), "audit.json")
			if err := os.WriteFile(path, data, 0o600); err != nil {
				b.Fatal(err)
			}
			var stderr bytes.Buffer
			b.StartTimer()

			start, cpu := time.Now(), cpuTime()
			code := run(context.Background(), []string{"-config", path, "-concurrency", "64", "-format", "json"}, io.Discard, &stderr, env)
			wall, cpu := time.Since(start), cpuTime()-cpu

			b.StopTimer()
			if code != exitOK {
				b.Fatalf("exit %d: %s", code, stderr.String())
			}
			t.add(s, wall, cpu)
			s.Close()
			b.StartTimer()
		}
		t.report(b)
	})
	b.Run("phases", func(b *testing.B) {
		var t benchTotals
		var lookupStart, lookup, write time.Duration
		var lookups int
		for b.Loop() {
			b.StopTimer()
			s := startBenchSim(b)
			cfg, env := simConfig(s)
			targets, closers, err := buildTargets(cfg, env, slog.New(slog.DiscardHandler))
			if err != nil {
				b.Fatal(err)
			}
			var started, ended time.Time
			progress := func(done, total int) {
				if done == 0 {
					started = time.Now()
					lookups += total
				}
				if done == total {
					ended = time.Now()
				}
			}
			b.StartTimer()

			start, cpu := time.Now(), cpuTime()
			rep, err := Audit(context.Background(), targets, benchConcurrency, progress)
			wall, cpu := time.Since(start), cpuTime()-cpu

			b.StopTimer()
			if err != nil || rep.Summary.Errors != 0 || rep.Summary.Users != 4*benchUsers {
				b.Fatal(err, rep.Summary)
			}
			lookupStart += started.Sub(start)
			lookup += ended.Sub(started)
			w := time.Now()
			if err := Write(io.Discard, FormatJSON, rep); err != nil {
				b.Fatal(err)
			}
			write += time.Since(w)
			for _, c := range closers {
				_ = c.Close()
			}
			t.add(s, wall, cpu)
			s.Close()
			b.StartTimer()
		}
		t.report(b)
		n := float64(t.runs)
		b.ReportMetric(lookupStart.Seconds()/n, "lookup-start-s")
		b.ReportMetric(lookup.Seconds()/n, "lookup-s")
		b.ReportMetric(float64(lookups)/n*benchLatency.Seconds()/benchConcurrency, "lookup-bound-s")
		b.ReportMetric(write.Seconds()/n, "report-s")
	})
}
