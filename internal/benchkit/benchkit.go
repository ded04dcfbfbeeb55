package benchkit

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
)

// Server answers every request with one body, as the API would, and counts
// the connections it accepts.
type Server struct {
	*httptest.Server
	conns atomic.Int64
}

// NewServer starts a Server on loopback that answers body with header and
// its Content-Length (so that every client can size its buffer), and closes
// it when b ends.
func NewServer(b *testing.B, header http.Header, body []byte) *Server {
	s := &Server{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		for k, v := range header {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}))
	s.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	b.Cleanup(s.Close)
	return s
}

// Conns returns how many connections the server has accepted.
func (s *Server) Conns() int64 { return s.conns.Load() }

// Run runs f as the sub-benchmark name and reports conns, the connections
// the server accepted meanwhile: 1 when the client keeps its connection
// alive.
func (s *Server) Run(b *testing.B, name string, f func(b *testing.B)) {
	b.Run(name, func(b *testing.B) {
		before := s.Conns()
		f(b)
		b.ReportMetric(float64(s.Conns()-before), "conns")
	})
}

// Floor is a round trip to url with the body read and thrown away, on a
// client of its own.
func Floor(b *testing.B, url string) {
	hc := client(b)
	b.ReportAllocs()
	for b.Loop() {
		resp, err := hc.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// Stdlib is net/http and a standard decoder, straight: each call sends GET
// url with header, and decode reads the body and returns how many items it
// read, which must be n.
func Stdlib(b *testing.B, url string, header http.Header, n int, decode func(io.Reader) (int, error)) {
	hc := client(b)
	b.ReportAllocs()
	for b.Loop() {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			b.Fatal(err)
		}
		for k, v := range header {
			req.Header[k] = v
		}
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		k, err := decode(resp.Body)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || k != n {
			b.Fatal(err, k)
		}
	}
}

// client is a client with a pool of its own, emptied when b ends.
func client(b *testing.B) *http.Client {
	hc := &http.Client{Transport: &http.Transport{}}
	b.Cleanup(hc.CloseIdleConnections)
	return hc
}
