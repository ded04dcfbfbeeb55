package sim_test

import (
	"io"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/internal/sim"
)

// get sends one GET and drains the body; it returns the status or 0.
func get(c *http.Client, url string, header ...string) int {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		return 0
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestSustained sends 10,000 requests from 64 goroutines over keep-alive
// connections, spread over the four APIs.
func TestSustained(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 requests")
	}
	s := startSim(t, sim.Options{})
	c := newClient(t)
	var next, failed atomic.Int64
	var wg sync.WaitGroup
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n := next.Add(1)
				if n > 10_000 {
					return
				}
				tg := targets[n%int64(len(targets))]
				if get(c, tg.url(s), tg.header(s)...) != http.StatusOK {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	assert.Zero(t, failed.Load())
	var reqs, conns int64
	for _, a := range s.APIs() {
		reqs += a.Requests()
		conns += a.Connections()
	}
	assert.EqualValues(t, 10_000, reqs)
	assert.LessOrEqual(t, conns, int64(4*2*64), "connections are reused")
}

// benchAPI measures one call at 64 concurrent callers over keep-alive.
func benchAPI(b *testing.B, s *sim.Sim, a *sim.API, url string, header ...string) {
	tr := &http.Transport{MaxIdleConnsPerHost: 128}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	require.Equal(b, 200, get(c, url, header...))
	conns := a.Connections()
	b.SetParallelism((64 + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if get(c, url, header...) != http.StatusOK {
				b.Error("request failed")
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(a.Connections()-conns), "new-conns")
}

func BenchmarkServe(b *testing.B) {
	s, err := sim.Start(sim.Options{Users: 2500})
	require.NoError(b, err)
	defer s.Close()
	for _, tg := range targets {
		b.Run(tg.name, func(b *testing.B) { benchAPI(b, s, tg.api(s), tg.url(s), tg.header(s)...) })
	}
}

// BenchmarkZStackPage reads pages of 1000 secrets out of 100,000.
func BenchmarkZStackPage(b *testing.B) {
	s, err := sim.StartZStack(sim.Options{Users: 100_000, MaxDevicesPerUser: 1, Active: 1, MaxPageSize: 1000})
	require.NoError(b, err)
	defer s.Close()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		url := s.ZStack.URL() + "/zstack/v1/twofactorauthentication/secrets?start=" + strconv.Itoa(i%100*1000)
		if get(c, url, "Authorization", "OAuth "+s.Creds.ZStackSession) != http.StatusOK {
			b.Fatal("request failed")
		}
	}
}

// BenchmarkStart builds and starts 2,500 users per API, then stops.
func BenchmarkStart(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		s, err := sim.Start(sim.Options{Users: 2500})
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}
