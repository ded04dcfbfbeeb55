package zstack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/zstack"
)

// pagedServer holds n rows and answers queries as ZStack does: limit
// defaults to 1000, start to 0, replyWithCount adds the total (unless
// noTotal; total, when set, is sent instead of n), and at most maxRows
// rows go in one reply (0: no cap). Rows are secrets, or accounts and
// virtual ids (users). The other fields make it misbehave.
type pagedServer struct {
	n       int
	noTotal bool
	maxRows int
	users   bool

	total       *int64 // a total other than n
	endless     bool   // rows never run out
	ignoreStart bool   // every request gets the first page
	alternate   bool   // requests get the first and the second page in turn
	insert      bool   // after the first request, a row is inserted first

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

func rowID(i int) string { return fmt.Sprintf("%032d", i) }

func (p *pagedServer) handler(t *testing.T) func(*http.Request) (*http.Response, error) {
	return func(req *http.Request) (*http.Response, error) {
		q := req.URL.Query()
		p.mu.Lock()
		p.requests = append(p.requests, pageRequest{q.Get("start"), q.Get("limit"), q.Get("replyWithCount"), q.Get("sort")})
		count := len(p.requests)
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
		switch {
		case p.ignoreStart:
			start = 0
		case p.alternate:
			start = (count + 1) % 2 * limit
		}
		end := min(start+limit, p.n)
		if p.insert && count > 1 {
			end = min(start+limit, p.n+1)
		}
		if p.endless {
			end = start + limit
		}
		rows := []any{}
		for i := start; i < end; i++ {
			k := i
			if p.insert && count > 1 {
				k-- // row -1 is the one inserted first
			}
			rows = append(rows, p.row(k))
		}
		reply := map[string]any{"inventories": rows}
		if q.Get("replyWithCount") == "true" && !p.noTotal {
			reply["total"] = p.n
			if p.total != nil {
				reply["total"] = *p.total
			}
		}
		b, err := json.Marshal(reply)
		require.NoError(t, err)
		return respond(200, b)(req)
	}
}

func (p *pagedServer) row(i int) any {
	id := rowID(i)
	if i < 0 {
		id = "ffffffffffffffffffffffffffffffff"
	}
	if p.users {
		return map[string]string{"uuid": id, "name": "user-" + id[28:], "state": "Enabled"}
	}
	return map[string]string{
		"uuid": id, "secret": seedSentinel, "userUuid": fmt.Sprintf("user-%d", i%7),
		"userType": "AccountVO", "status": "Logined", "createDate": "Oct 28, 2025 2:09:26 PM",
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

// listings are the paged listings of a Client, each read whole into the
// ids it yielded and the error that ended it.
var listings = []struct {
	name  string
	url   string
	users bool
	read  func(*zstack.Client) ([]string, error)
}{
	{"secrets", secretsURL, false, func(c *zstack.Client) ([]string, error) {
		return readIDs(c.AllDevices(context.Background()), mfa.Device.ID)
	}},
	{"accounts", accountsURL, true, func(c *zstack.Client) ([]string, error) {
		return readIDs(c.Accounts(context.Background(), zstack.QueryOptions{}), func(a zstack.Account) string { return a.UUID })
	}},
	{"IAM2 virtual ids", virtualIDsURL, true, func(c *zstack.Client) ([]string, error) {
		return readIDs(c.VirtualIDs(context.Background(), zstack.QueryOptions{}), func(v zstack.VirtualID) string { return v.UUID })
	}},
}

func readIDs[T any](seq iter.Seq2[T, error], id func(T) string) ([]string, error) {
	var ids []string
	for row, err := range seq {
		if err != nil {
			return ids, err
		}
		ids = append(ids, id(row))
	}
	return ids, nil
}

// assertRows checks that ids are the rows from, from+1, ... to-1, and
// says where they differ first rather than printing every id.
func assertRows(t *testing.T, from, to int, ids []string) {
	t.Helper()
	want := rowIDs(from, to)
	for i := range min(len(want), len(ids)) {
		if ids[i] != want[i] {
			t.Errorf("row %d is %s, want %s", i, ids[i], want[i])
			return
		}
	}
	if len(ids) != len(want) {
		t.Errorf("%d rows, want %d", len(ids), len(want))
	}
}

func rowIDs(from, to int) []string {
	var ids []string
	for i := from; i < to; i++ {
		ids = append(ids, rowID(i))
	}
	return ids
}

// A server that ignores start, or alternates two pages, is caught at the
// first page that holds nothing new; what was read before is kept.
func TestListingsThatLoopEndAtOnce(t *testing.T) {
	for _, l := range listings {
		for _, tt := range []struct {
			name     string
			srv      *pagedServer
			yielded  int
			requests int
		}{
			{"ignores start", &pagedServer{n: 5000, ignoreStart: true}, 1000, 2},
			{"alternates two pages", &pagedServer{n: 5000, alternate: true}, 2000, 3},
			{"ignores start, no total", &pagedServer{n: 5000, ignoreStart: true, noTotal: true}, 1000, 2},
		} {
			t.Run(l.name+"/"+tt.name, func(t *testing.T) {
				mt := newMock(t)
				tt.srv.users = l.users
				mt.RegisterResponder(http.MethodGet, l.url, tt.srv.handler(t))
				ids, err := l.read(newSessionClient(t, mt))
				assertRows(t, 0, tt.yielded, ids)
				assert.ErrorIs(t, err, mfa.ErrInvalidResponse)
				assert.Contains(t, err.Error(), "listing "+l.name+", the page at start "+strconv.Itoa(tt.yielded)+": the listing loops")
				assert.Contains(t, err.Error(), "a page holds only rows already read")
				assert.Len(t, tt.srv.requests, tt.requests)
			})
		}
	}
}

// A server that keeps sending full pages of new rows, with no total or an
// absurd one, is read up to Config.MaxListing rows, then the listing ends
// with an error; what was read is kept.
func TestEndlessListingsEndAtMaxListing(t *testing.T) {
	huge := int64(1e12)
	for _, l := range listings {
		for name, srv := range map[string]*pagedServer{
			"no total":        {endless: true, noTotal: true},
			"total of 10^12":  {endless: true, total: &huge},
			"honest but long": {n: 5000},
		} {
			t.Run(l.name+"/"+name, func(t *testing.T) {
				mt := newMock(t)
				srv.users = l.users
				mt.RegisterResponder(http.MethodGet, l.url, srv.handler(t))
				ids, err := l.read(newSessionClient(t, mt, func(c *zstack.Config) { c.MaxListing = 2500 }))
				assertRows(t, 0, 2500, ids)
				assert.ErrorIs(t, err, mfa.ErrInvalidResponse)
				assert.Contains(t, err.Error(), "the listing passed 2500 rows, the most one listing reads (Config.MaxListing)")
				assert.Len(t, srv.requests, 3)
			})
		}
	}
}

// A listing of exactly MaxListing rows is whole: no error.
func TestListingOfMaxListingRowsIsWhole(t *testing.T) {
	for _, l := range listings {
		for name, srv := range map[string]*pagedServer{
			"total":                     {n: 2500},
			"no total, short last page": {n: 2500, noTotal: true},
			"no total, empty last page": {n: 2000, noTotal: true},
		} {
			t.Run(l.name+"/"+name, func(t *testing.T) {
				mt := newMock(t)
				srv.users = l.users
				mt.RegisterResponder(http.MethodGet, l.url, srv.handler(t))
				ids, err := l.read(newSessionClient(t, mt, func(c *zstack.Config) { c.MaxListing = srv.n }))
				require.NoError(t, err)
				assertRows(t, 0, srv.n, ids)
			})
		}
	}
}

// A row inserted during the walk shifts the next pages by one: the row
// read again at the start of the next page is skipped, not yielded twice.
func TestRowsReadTwiceAreYieldedOnce(t *testing.T) {
	for _, l := range listings {
		t.Run(l.name, func(t *testing.T) {
			mt := newMock(t)
			srv := &pagedServer{n: 2500, noTotal: true, insert: true, users: l.users}
			mt.RegisterResponder(http.MethodGet, l.url, srv.handler(t))
			ids, err := l.read(newSessionClient(t, mt))
			require.NoError(t, err)
			assertRows(t, 0, 2500, ids)
			assert.Len(t, srv.requests, 3)
		})
	}
}

func TestUsersEndAtALoopingListing(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, accountsURL, respond(200, fixture(t, "accounts.json")))
	srv := &pagedServer{n: 5000, ignoreStart: true, users: true}
	mt.RegisterResponder(http.MethodGet, virtualIDsURL, srv.handler(t))
	users, err := collectUsers(t, newSessionClient(t, mt))
	assert.Len(t, users, len(fixtureAccounts)+1000)
	assert.ErrorIs(t, err, mfa.ErrInvalidResponse)
	assert.Contains(t, err.Error(), "listing IAM2 virtual ids, the page at start 1000")
}

func TestWalkAsksForTheUUIDItTellsRowsApartBy(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, secretsURL, func(req *http.Request) (*http.Response, error) {
		assert.Equal(t, "userUuid,status,uuid", req.URL.Query().Get("fields"))
		return respond(200, []byte(`{"inventories":[{"uuid":"s1","userUuid":"u1","status":"Logined"}],"total":1}`))(req)
	})
	c := newSessionClient(t, mt)
	fields := []string{"userUuid", "status"}
	ids, err := readIDs(c.Secrets(context.Background(), zstack.QueryOptions{Fields: fields}), (*zstack.Secret).ID)
	require.NoError(t, err)
	assert.Equal(t, []string{"s1"}, ids)
	assert.Equal(t, []string{"userUuid", "status"}, fields, "the caller's options are not changed")
}
