package zstack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/zstack"
)

// pagedServer holds n secrets and answers queries as ZStack does: limit
// defaults to 1000, start to 0, replyWithCount adds the total (unless
// noTotal), and at most maxRows rows go in one reply (0: no cap).
type pagedServer struct {
	n       int
	noTotal bool
	maxRows int

	mu       sync.Mutex
	requests []pageRequest
}

type pagedConfig struct {
	n       int
	noTotal bool
	maxRows int
}

type pageRequest struct {
	start, limit   string
	replyWithCount string
	sort           string
}

func (p *pagedServer) handler(t *testing.T) func(*http.Request) (*http.Response, error) {
	return func(req *http.Request) (*http.Response, error) {
		q := req.URL.Query()
		p.mu.Lock()
		p.requests = append(p.requests, pageRequest{q.Get("start"), q.Get("limit"), q.Get("replyWithCount"), q.Get("sort")})
		p.mu.Unlock()
		assert.Equal(t, "OAuth "+sessionSentinel, req.Header.Get("Authorization"))
		start, limit := 0, 1000
		if v := q.Get("start"); v != "" {
			start, _ = strconv.Atoi(v)
		}
		if v := q.Get("limit"); v != "" {
			limit, _ = strconv.Atoi(v)
		}
		if p.maxRows > 0 {
			limit = min(limit, p.maxRows)
		}
		type row struct {
			UUID       string `json:"uuid"`
			Secret     string `json:"secret"`
			UserUUID   string `json:"userUuid"`
			UserType   string `json:"userType"`
			Status     string `json:"status"`
			CreateDate string `json:"createDate"`
		}
		reply := struct {
			Inventories []row `json:"inventories"`
			Total       *int  `json:"total,omitempty"`
		}{Inventories: []row{}}
		for i := start; i < min(start+limit, p.n); i++ {
			reply.Inventories = append(reply.Inventories, row{
				UUID: fmt.Sprintf("%032d", i), Secret: seedSentinel, UserUUID: fmt.Sprintf("user-%d", i%7),
				UserType: "AccountVO", Status: "Logined", CreateDate: "Oct 28, 2025 2:09:26 PM",
			})
		}
		if q.Get("replyWithCount") == "true" && !p.noTotal {
			reply.Total = &p.n
		}
		b, err := json.Marshal(reply)
		require.NoError(t, err)
		return respond(200, b)(req)
	}
}

func TestAllDevicesPagesPast1000(t *testing.T) {
	tests := []struct {
		name     string
		server   pagedConfig
		pageSize int
		want     []pageRequest
	}{
		{
			name:   "total known",
			server: pagedConfig{n: 2500},
			want: []pageRequest{
				{"0", "1000", "true", "+uuid"},
				{"1000", "1000", "", "+uuid"},
				{"2000", "1000", "", "+uuid"},
			},
		},
		{
			name:   "no total: ends at the short page",
			server: pagedConfig{n: 2500, noTotal: true},
			want: []pageRequest{
				{"0", "1000", "true", "+uuid"},
				{"1000", "1000", "", "+uuid"},
				{"2000", "1000", "", "+uuid"},
			},
		},
		{
			name:   "no total, a multiple of the page: ends at the empty page",
			server: pagedConfig{n: 2000, noTotal: true},
			want: []pageRequest{
				{"0", "1000", "true", "+uuid"},
				{"1000", "1000", "", "+uuid"},
				{"2000", "1000", "", "+uuid"},
			},
		},
		{
			name:     "server caps rows below the page size",
			server:   pagedConfig{n: 2500, maxRows: 1000},
			pageSize: 2000,
			want: []pageRequest{
				{"0", "2000", "true", "+uuid"},
				{"1000", "2000", "", "+uuid"},
				{"2000", "2000", "", "+uuid"},
			},
		},
		{
			name:     "small pages",
			server:   pagedConfig{n: 2500},
			pageSize: 900,
			want: []pageRequest{
				{"0", "900", "true", "+uuid"},
				{"900", "900", "", "+uuid"},
				{"1800", "900", "", "+uuid"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mt := newMock(t)
			srv := &pagedServer{n: tt.server.n, noTotal: tt.server.noTotal, maxRows: tt.server.maxRows}
			mt.RegisterResponder(http.MethodGet, secretsURL, srv.handler(t))
			c := newSessionClient(t, mt, func(c *zstack.Config) { c.PageSize = tt.pageSize })

			seen := map[string]bool{}
			for dev, err := range c.AllDevices(context.Background()) {
				require.NoError(t, err)
				assert.False(t, seen[dev.ID()], "duplicate %s", dev.ID())
				seen[dev.ID()] = true
				assert.Equal(t, mfa.StatusActive, dev.Status())
			}
			assert.Len(t, seen, srv.n, "every secret arrives")
			assert.True(t, seen[fmt.Sprintf("%032d", 0)])
			assert.True(t, seen[fmt.Sprintf("%032d", srv.n-1)])
			assert.Equal(t, tt.want, srv.requests)
		})
	}
}

func TestStoppingEarlySendsNoFurtherRequest(t *testing.T) {
	for _, stopAt := range []int{1, 10, 1000} {
		mt := newMock(t)
		srv := &pagedServer{n: 2500}
		mt.RegisterResponder(http.MethodGet, secretsURL, srv.handler(t))
		c := newSessionClient(t, mt)
		n := 0
		for _, err := range c.AllDevices(context.Background()) {
			require.NoError(t, err)
			n++
			if n == stopAt {
				break
			}
		}
		assert.Equal(t, stopAt, n)
		assert.Len(t, srv.requests, 1, "stopped at %d: one page read", stopAt)
	}
}

func TestSecretsStartsWhereAsked(t *testing.T) {
	mt := newMock(t)
	srv := &pagedServer{n: 2500}
	mt.RegisterResponder(http.MethodGet, secretsURL, srv.handler(t))
	c := newSessionClient(t, mt)
	n := 0
	for s, err := range c.Secrets(context.Background(), zstack.QueryOptions{Start: 2400, Limit: 60, Sort: zstack.Desc("createDate")}) {
		require.NoError(t, err)
		assert.Equal(t, seedSentinel, s.TOTPSecret().Reveal())
		n++
	}
	assert.Equal(t, 100, n)
	assert.Equal(t, []pageRequest{{"2400", "60", "true", "-createDate"}, {"2460", "60", "", "-createDate"}}, srv.requests)
}

func TestPagingErrorIsYieldedOnceLast(t *testing.T) {
	mt := newMock(t)
	srv := &pagedServer{n: 2500}
	page := 0
	mt.RegisterResponder(http.MethodGet, secretsURL, func(req *http.Request) (*http.Response, error) {
		page++
		if page == 2 {
			return respond(503, fixture(t, "error_id1002.json"))(req)
		}
		return srv.handler(t)(req)
	})
	c := newSessionClient(t, mt)
	var devices, errs int
	var last error
	for dev, err := range c.AllDevices(context.Background()) {
		if err != nil {
			errs++
			last = err
			assert.Nil(t, dev)
			continue
		}
		assert.Zero(t, errs, "no device after the error")
		devices++
	}
	assert.Equal(t, 1000, devices)
	assert.Equal(t, 1, errs)
	assert.ErrorIs(t, last, mfa.ErrForbidden)
	assert.Equal(t, 2, page, "the walk stops at the error")
}

func TestPageLargerThanAskedIsInvalid(t *testing.T) {
	mt := newMock(t)
	srv := &pagedServer{n: 30}
	mt.RegisterResponder(http.MethodGet, secretsURL, func(req *http.Request) (*http.Response, error) {
		q := req.URL.Query()
		q.Set("limit", "1000") // a server that ignores the limit
		req.URL.RawQuery = q.Encode()
		return srv.handler(t)(req)
	})
	c := newSessionClient(t, mt, func(c *zstack.Config) { c.PageSize = 10 })
	var last error
	n := 0
	for _, err := range c.AllDevices(context.Background()) {
		if err != nil {
			last = err
			continue
		}
		n++
	}
	assert.Zero(t, n)
	assert.ErrorIs(t, last, mfa.ErrInvalidResponse)
	assert.Contains(t, last.Error(), "30 rows for a limit of 10")
	assertNoSecret(t, "error", last.Error())
}

func TestUserDevicesReadsEveryPage(t *testing.T) {
	mt := newMock(t)
	srv := &pagedServer{n: 2345}
	mt.RegisterResponder(http.MethodGet, secretsURL, func(req *http.Request) (*http.Response, error) {
		assert.Equal(t, []string{"userUuid=u1"}, req.URL.Query()["q"])
		return srv.handler(t)(req)
	})
	c := newSessionClient(t, mt)
	devs, err := c.UserDevices(context.Background(), "u1")
	require.NoError(t, err)
	assert.Len(t, devs, 2345)
	assert.Len(t, srv.requests, 3)
}

func TestServerIgnoringStartEndsTheWalk(t *testing.T) {
	mt := newMock(t)
	srv := &pagedServer{n: 5000}
	mt.RegisterResponder(http.MethodGet, secretsURL, func(req *http.Request) (*http.Response, error) {
		q := req.URL.Query()
		q.Del("start") // a server that ignores start
		req.URL.RawQuery = q.Encode()
		return srv.handler(t)(req)
	})
	c := newSessionClient(t, mt)
	var last error
	n := 0
	for _, err := range c.AllDevices(context.Background()) {
		if err != nil {
			last = err
			continue
		}
		n++
	}
	assert.Equal(t, 1000, n)
	assert.ErrorIs(t, last, mfa.ErrInvalidResponse)
	assert.Contains(t, last.Error(), "does not honour start")
	assert.Len(t, srv.requests, 2)
}
