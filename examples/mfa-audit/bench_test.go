package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openmfa/mfa-go/huaweiiam/huaweiiamtest"
	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/audit"
	"github.com/openmfa/mfa-go/rackspace/rackspacetest"
	"github.com/openmfa/mfa-go/zstack/zstacktest"
)

// The audit at scale: users on each of the four emulated APIs, 20 ms added
// to every request, 64 calls in flight.
const (
	benchLatency     = 20 * time.Millisecond
	benchConcurrency = 64
	benchPageSize    = 1000 // the servers' page cap: the real servers' default
)

// benchServers are the three test servers of one run, with usersPerAPI
// users on each of the four APIs, and the config of an audit of them
// (every user of every provider).
type benchServers struct {
	hw   *huaweiiamtest.Server
	rax  *rackspacetest.Server
	zs   *zstacktest.Server
	cfg  *Config
	env  map[string]string
	apis map[string]interface {
		RequestCount() int
		ConnectionCount() int
		Refusals() int
	}
}

func startBenchServers(b *testing.B, usersPerAPI int) *benchServers {
	hw, err := huaweiiamtest.NewServer(huaweiiamtest.Options{UserCount: usersPerAPI, MaxPageSize: benchPageSize, Latency: benchLatency})
	if err != nil {
		b.Fatal(err)
	}
	rax, err := rackspacetest.NewServer(rackspacetest.Options{UserCount: usersPerAPI, MaxPageSize: benchPageSize, Latency: benchLatency})
	if err != nil {
		b.Fatal(err)
	}
	zs, err := zstacktest.NewServer(zstacktest.Options{UserCount: usersPerAPI, MaxPageSize: benchPageSize, Latency: benchLatency})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { hw.Close(); rax.Close(); zs.Close() })
	s := &benchServers{hw: hw, rax: rax, zs: zs,
		env: map[string]string{"HW_TOKEN": hw.Token.Reveal(), "RAX_TOKEN": rax.Token.Reveal(), "ZS_SESSION": zs.SessionID.Reveal()},
		cfg: &Config{Providers: []ProviderConfig{
			{Type: TypeHuaweiIAM, Name: "hw-iam", Endpoint: hw.IAMURL, TokenEnv: "HW_TOKEN"},
			{Type: TypeHuaweiWorkspace, Name: "hw-ws", Endpoint: hw.WorkspaceURL, ProjectID: hw.ProjectID, TokenEnv: "HW_TOKEN"},
			{Type: TypeRackspace, Name: "rax", Endpoint: rax.URL, TokenEnv: "RAX_TOKEN"},
			{Type: TypeZStack, Name: "zs", Endpoint: zs.URL, SessionEnv: "ZS_SESSION"},
		}},
	}
	s.apis = map[string]interface {
		RequestCount() int
		ConnectionCount() int
		Refusals() int
	}{"hw-iam": hw.IAM, "hw-ws": hw.Workspace, "rax": rax, "zs": zs}
	return s
}

// audit runs the audit of every user, as the program does with -config and
// -concurrency 64, at defaultRate (0: adaptive), or with pacing off when
// fixed, and returns its report and wall time.
func (s *benchServers) audit(b *testing.B, defaultRate float64, fixed bool) (*audit.Report, time.Duration) {
	built, err := buildProviders(s.cfg, func(k string) string { return s.env[k] }, mfa.Pacing{Rate: defaultRate, Fixed: fixed}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer built.close(nil)
	start := time.Now()
	rep, err := audit.Run(context.Background(), built.dir, built.scopes, audit.Options{Concurrency: benchConcurrency})
	if err != nil {
		b.Fatal(err)
	}
	return rep, time.Since(start)
}

// requests returns the requests each API served, and in all.
func (s *benchServers) requests() (map[string]int, int) {
	per, all := map[string]int{}, 0
	for name, api := range s.apis {
		per[name] = api.RequestCount()
		all += per[name]
	}
	return per, all
}

func (s *benchServers) sum(f func(interface {
	RequestCount() int
	ConnectionCount() int
	Refusals() int
}) int) int {
	n := 0
	for _, api := range s.apis {
		n += f(api)
	}
	return n
}

// BenchmarkAudit runs the audit of every user of the four emulated APIs,
// users=N of each (4N in all), as the program does: each run starts fresh
// servers. It reports wall-s; requests, what the servers answered;
// bound-s, requests × 20 ms / 64, the latency bound of those requests;
// wall/bound; conns, the TCP connections the servers accepted; users and
// devices, what the report holds; and peak-heap-MB, the most heap in use
// during the run (servers included).
func BenchmarkAudit(b *testing.B) {
	for _, n := range []int{2_500, 25_000} {
		b.Run("users="+strconv.Itoa(n), func(b *testing.B) {
			var wall, bound float64
			var requests, conns, users, devices int
			var peak uint64
			runs := 0
			for b.Loop() {
				b.StopTimer()
				s := startBenchServers(b, n)
				runtime.GC()
				stop := sampleHeap(&peak)
				b.StartTimer()
				rep, took := s.audit(b, 0, false)
				b.StopTimer()
				stop()
				if !rep.Complete() {
					b.Fatalf("incomplete: %d errors, first %v", len(rep.Errors), rep.Errors)
				}
				_, all := s.requests()
				runs++
				wall += took.Seconds()
				requests += all
				bound += float64(all) * benchLatency.Seconds() / benchConcurrency
				conns += s.sum(func(a interface {
					RequestCount() int
					ConnectionCount() int
					Refusals() int
				}) int {
					return a.ConnectionCount()
				})
				users, devices = rep.Summary.UsersListed, rep.Summary.Devices
				b.StartTimer()
			}
			r := float64(runs)
			b.ReportMetric(wall/r, "wall-s")
			b.ReportMetric(float64(requests)/r, "requests")
			b.ReportMetric(bound/r, "bound-s")
			b.ReportMetric(wall/bound, "wall/bound")
			b.ReportMetric(float64(conns)/r, "conns")
			b.ReportMetric(float64(users), "users")
			b.ReportMetric(float64(devices), "devices")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		})
	}
}

// BenchmarkAuditQuota runs the audit of 2,500 users on each API against
// servers that allow 50 requests a second per API (burst 50, refusals in
// each vendor's form, Retry-After: 1), 20 ms a request, 64 calls in flight:
// adaptive, with no rate configured (the client paces itself once
// refused); at-quota, with the rate set to 50; unpaced, with pacing off
// (the module's behaviour before pacing). It reports wall-s; bound-s, the
// quota bound (the requests of the busiest API divided by 50 a second);
// wall/bound; requests; refusals and refused-%, the requests the quotas
// refused; and failed, the calls that failed in the end.
func BenchmarkAuditQuota(b *testing.B) {
	const users, quota = 2_500, 50.0
	for _, variant := range []string{"adaptive", "at-quota", "unpaced"} {
		b.Run(variant, func(b *testing.B) {
			var wall, bound float64
			var requests, refusals, failed int
			runs := 0
			for b.Loop() {
				b.StopTimer()
				s := startBenchServers(b, users)
				for _, api := range []interface{ SetQuota(float64, int) }{s.hw.IAM, s.hw.Workspace, s.rax, s.zs} {
					api.SetQuota(quota, int(quota))
				}
				rate := 0.0
				if variant == "at-quota" {
					rate = quota
				}
				b.StartTimer()
				rep, took := s.audit(b, rate, variant == "unpaced")
				b.StopTimer()
				per, all := s.requests()
				busiest := 0
				for name, n := range per {
					// Refused requests do not count towards the bound: it is
					// what the accepted ones need.
					if accepted := n - s.apis[name].Refusals(); accepted > busiest {
						busiest = accepted
					}
				}
				runs++
				wall += took.Seconds()
				bound += float64(busiest) / quota
				requests += all
				refusals += s.sum(func(a interface {
					RequestCount() int
					ConnectionCount() int
					Refusals() int
				}) int {
					return a.Refusals()
				})
				failed += len(rep.Errors)
				b.StartTimer()
			}
			r := float64(runs)
			b.ReportMetric(wall/r, "wall-s")
			b.ReportMetric(bound/r, "bound-s")
			b.ReportMetric(wall/bound, "wall/bound")
			b.ReportMetric(float64(requests)/r, "requests")
			b.ReportMetric(float64(refusals)/r, "refusals")
			b.ReportMetric(100*float64(refusals)/float64(requests), "refused-%")
			b.ReportMetric(float64(failed)/r, "failed")
		})
	}
}

// BenchmarkAuditOnePaced audits 20,000 users of each emulated API at 20
// ms a request and 64 calls in flight, but only 60 named users of
// Rackspace, whose config sets a rate of 20 requests a second (its
// quota): Rackspace's calls spend most of their time waiting for their
// turn. It reports wall-s; bound-s, the longer of Rackspace's requests at
// 20 a second and the others' requests × 20 ms / 64; and wall/bound.
func BenchmarkAuditOnePaced(b *testing.B) {
	const users, rackspaceUsers, quota = 20_000, 60, 20.0
	var wall, bound float64
	runs := 0
	for b.Loop() {
		b.StopTimer()
		s := startBenchServers(b, users)
		s.rax.SetQuota(quota, int(quota))
		for i := range s.cfg.Providers {
			if pc := &s.cfg.Providers[i]; pc.Type == TypeRackspace {
				pc.Rate = quota
				for _, u := range s.rax.Users()[:rackspaceUsers] {
					pc.Users = append(pc.Users, u.ID)
				}
			}
		}
		b.StartTimer()
		rep, took := s.audit(b, 0, false)
		b.StopTimer()
		if !rep.Complete() {
			b.Fatalf("incomplete: %d errors", len(rep.Errors))
		}
		per, all := s.requests()
		runs++
		wall += took.Seconds()
		bound += max(float64(per["rax"])/quota, float64(all-per["rax"])*benchLatency.Seconds()/benchConcurrency)
		b.StartTimer()
	}
	b.ReportMetric(wall/float64(runs), "wall-s")
	b.ReportMetric(bound/float64(runs), "bound-s")
	b.ReportMetric(wall/bound, "wall/bound")
}

// sampleHeap records into peak the most heap in use (as
// MemStats.HeapInuse) until the returned function is called.
func sampleHeap(peak *uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			if h := s[0].Value.Uint64() + s[1].Value.Uint64(); h > *peak {
				*peak = h
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// serverEnv, when set in the environment of this test binary, makes
// TestBenchServer serve ZStack users: "users/devices", the number of
// users and the most secrets a user has (each user has from one to that
// many).
const serverEnv = "MFA_AUDIT_BENCH_ZSTACK"

// TestBenchServer is the server process of BenchmarkAuditMemory: it runs
// only when serverEnv is set, prints the ZStack URL and session, and
// serves until its standard input closes. The server runs in a process of
// its own, so that the audit's memory is measured alone.
func TestBenchServer(t *testing.T) {
	users, devices, ok := strings.Cut(os.Getenv(serverEnv), "/")
	u, err1 := strconv.Atoi(users)
	d, err2 := strconv.Atoi(devices)
	if !ok || err1 != nil || err2 != nil {
		t.Skip("the server process of BenchmarkAuditMemory")
	}
	zs, err := zstacktest.NewServer(zstacktest.Options{UserCount: u, MaxDevicesPerUser: d, NoDevice: 0, Active: 60, Pending: 20, Unknown: 5,
		MaxPageSize: benchPageSize})
	if err != nil {
		t.Fatal(err)
	}
	defer zs.Close()
	fmt.Printf("%s %s\n", zs.URL, zs.SessionID.Reveal())
	_, _ = io.Copy(io.Discard, os.Stdin)
}

// startServerProcess starts TestBenchServer and returns the ZStack
// endpoint and session.
func startServerProcess(b *testing.B, users, devices int) (url, session string) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestBenchServer$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d/%d", serverEnv, users, devices))
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
	b.Cleanup(func() { stdin.Close(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	fields := strings.Fields(line)
	if err != nil || len(fields) != 2 {
		b.Fatalf("server process: %q, %v", line, err)
	}
	return fields[0], fields[1]
}

// BenchmarkAuditMemory runs the whole program (-format json, the report to
// a writer that counts and drops it) on a ZStack server of another
// process holding about 1,000,000 secrets: of 500,000 users (one to three
// each) or of 100,000 users (one to nineteen each). It reports
// peak-rss-MB, the most resident memory of this process during the run
// less what it held before (Linux's VmHWM, reset before the run);
// peak-heap-MB, the most heap in use; and devices and users, what the
// report holds.
func BenchmarkAuditMemory(b *testing.B) {
	for _, shape := range []struct{ users, devices int }{{500_000, 3}, {100_000, 19}} {
		b.Run(fmt.Sprintf("users=%d", shape.users), func(b *testing.B) {
			url, session := startServerProcess(b, shape.users, shape.devices)
			config := b.TempDir() + "/audit.json"
			data, _ := json.Marshal(map[string]any{"providers": []map[string]any{
				{"type": "zstack", "name": "zs", "endpoint": url, "session_env": "ZS_SESSION"}}})
			if err := os.WriteFile(config, data, 0o600); err != nil {
				b.Fatal(err)
			}
			var rss, heap uint64
			var out countingWriter
			for b.Loop() {
				b.StopTimer()
				debug.FreeOSMemory() // what an earlier run left resident goes back
				before := residentKB("VmRSS")
				_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // reset VmHWM to now
				var peak uint64
				stop := sampleHeap(&peak)
				out = countingWriter{}
				b.StartTimer()
				code := run(context.Background(), []string{"-config", config, "-format", "json", "-timeout", "30m"}, &out, io.Discard,
					func(string) string { return session })
				b.StopTimer()
				stop()
				if code != exitComplete {
					b.Fatalf("exit status %d", code)
				}
				if hwm := residentKB("VmHWM"); hwm > before {
					rss = max(rss, (hwm-before)*1024)
				}
				heap = max(heap, peak)
				b.StartTimer()
			}
			b.ReportMetric(float64(rss)/(1<<20), "peak-rss-MB")
			b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(out.count(`"kind"`)), "devices") // only a device has a kind
			b.ReportMetric(float64(out.count(`"audited"`)), "users")
		})
	}
}

// residentKB reads a memory figure of this process from /proc/self/status,
// in kB (0 where there is no /proc).
func residentKB(field string) uint64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// countingWriter throws the report away, keeping the counts of a few
// JSON members. It allocates nothing per write, so that the memory
// measured is the program's.
type countingWriter struct {
	counts [len(counted)]int
	tail   []byte // the end of what came before, for a member cut across writes
	joined []byte
}

var counted = [...]string{`"kind"`, `"audited"`}

const tailLen = 16 // longer than any member counted

func (w *countingWriter) Write(p []byte) (int, error) {
	// A member is counted where it ends: wholly in the tail, it was
	// counted before.
	w.joined = append(append(w.joined[:0], w.tail...), p...)
	for i, s := range counted {
		w.counts[i] += bytes.Count(w.joined, []byte(s)) - bytes.Count(w.tail, []byte(s))
	}
	w.tail = append(w.tail[:0], w.joined[max(0, len(w.joined)-tailLen):]...)
	return len(p), nil
}

func (w *countingWriter) count(s string) int {
	for i, c := range counted {
		if c == s {
			return w.counts[i]
		}
	}
	return 0
}
