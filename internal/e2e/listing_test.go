package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/mfa"
)

// Listings that never end: a server that sends a full page of new rows to
// every request (with no total, or a total of 10^12), one that ignores
// where a page starts and sends the first page again, and one that
// alternates two pages. Without a guard each would be read until the
// caller's deadline, holding every row. Every paged listing ends with an
// error matching mfa.ErrInvalidResponse that names the provider: at once
// for a page already read (a loop), at Config.MaxListing rows for an
// endless one; in both cases after yielding the rows read before it.

// The bounds of the listing tests: small, so that an endless listing ends
// within a few requests.
const (
	listPage = 10
	listMax  = 25 // Config.MaxListing: two full pages and half a third
)

// pager makes the pages of a misbehaving listing: each request gets the
// next page of new ids ("endless"), the first page ("same"), or the first
// and second pages in turn ("alternate"). It counts the requests.
type pager struct {
	mode string

	mu       sync.Mutex
	requests int
}

// next returns the ids of the page for the next request.
func (p *pager) next() []string {
	p.mu.Lock()
	i := p.requests
	p.requests++
	p.mu.Unlock()
	switch p.mode {
	case "same":
		i = 0
	case "alternate":
		i %= 2
	}
	ids := make([]string, listPage)
	for j := range ids {
		ids[j] = fmt.Sprintf("%032x", i*listPage+j+1)
	}
	return ids
}

// Requests returns how many pages were asked for.
func (p *pager) Requests() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.requests
}

// listing is one paged listing of a vendor: the path it pages and how a
// page of it is written.
type listing struct {
	name string
	k    kind
	path string // the path of its pages (a suffix)
	// call is the public call that reads it: AllDevices or Users.
	call string
	// totals says whether the API sends a total (ZStack, Workspace): the
	// endless rows are then run with none and with 10^12.
	totals bool
	// before is how many rows the call yields before this listing (ZStack
	// lists its accounts before its IAM2 users).
	before int
	write  func(w http.ResponseWriter, r *http.Request, ids []string, total string)
}

// zstackPage writes a page of ZStack's query API; rows makes a row of an
// id.
func zstackPage(row func(id string) map[string]any) func(http.ResponseWriter, *http.Request, []string, string) {
	return func(w http.ResponseWriter, r *http.Request, ids []string, total string) {
		rows := make([]map[string]any, len(ids))
		for i, id := range ids {
			rows[i] = row(id)
		}
		body := map[string]any{"inventories": rows}
		if total != "" {
			body["total"] = json.Number(total)
		}
		writeJSON(w, body)
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// nextLink is the link to the page after ids, as OpenStack writes it.
func nextLink(r *http.Request, ids []string) string {
	return "http://" + r.Host + r.URL.Path + "?marker=" + ids[len(ids)-1] + "&limit=" + fmt.Sprint(listPage)
}

// listings are every paged listing of the module.
var listings = []listing{
	{name: "zstack-secrets", k: kZStack, path: "/twofactorauthentication/secrets", call: "AllDevices", totals: true,
		write: zstackPage(func(id string) map[string]any {
			return map[string]any{"uuid": id, "secret": fakeSeed, "userUuid": "u1", "userType": "AccountVO",
				"status": "Logined", "createDate": "Oct 28, 2025 2:09:26 PM"}
		})},
	{name: "zstack-accounts", k: kZStack, path: "/zstack/v1/accounts", call: "Users", totals: true,
		write: zstackPage(func(id string) map[string]any {
			return map[string]any{"uuid": id, "name": "account-" + id[26:], "type": "Normal", "state": "Enabled"}
		})},
	{name: "zstack-virtual-ids", k: kZStack, path: "/iam2/virtual-ids", call: "Users", totals: true, before: 1,
		write: zstackPage(func(id string) map[string]any {
			return map[string]any{"uuid": id, "name": "user-" + id[26:], "state": "Enabled"}
		})},
	{name: "workspace-users", k: kWorkspace, path: "/users", call: "Users", totals: true,
		write: func(w http.ResponseWriter, r *http.Request, ids []string, total string) {
			users := make([]map[string]any, len(ids))
			for i, id := range ids {
				users[i] = map[string]any{"id": id, "user_name": "user-" + id[26:], "disabled": false, "locked": false}
			}
			body := map[string]any{"users": users}
			if total != "" {
				body["total_count"] = json.Number(total)
			}
			writeJSON(w, body)
		}},
	{name: "iam-users", k: kIAM, path: "/v3/users", call: "Users",
		write: func(w http.ResponseWriter, r *http.Request, ids []string, _ string) {
			users := make([]map[string]any, len(ids))
			for i, id := range ids {
				users[i] = map[string]any{"id": id, "name": "user-" + id[26:], "enabled": true}
			}
			writeJSON(w, map[string]any{"links": map[string]any{"self": "http://" + r.Host + r.URL.Path, "next": nextLink(r, ids)}, "users": users})
		}},
	{name: "rackspace-users-json", k: kRaxJSON, path: "/v2.0/users", call: "Users",
		write: func(w http.ResponseWriter, r *http.Request, ids []string, _ string) {
			users := make([]map[string]any, len(ids))
			for i, id := range ids {
				users[i] = map[string]any{"id": id, "username": "user-" + id[26:], "enabled": true}
			}
			writeJSON(w, map[string]any{"users": users, "users_links": []map[string]string{{"rel": "next", "href": nextLink(r, ids)}}})
		}},
	{name: "rackspace-users-xml", k: kRaxXML, path: "/v2.0/users", call: "Users",
		write: func(w http.ResponseWriter, r *http.Request, ids []string, _ string) {
			var b strings.Builder
			b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><users xmlns="` + identityNS + `" xmlns:atom="http://www.w3.org/2005/Atom">`)
			for _, id := range ids {
				fmt.Fprintf(&b, `<user id="%s" username="user-%s" enabled="true"/>`, id, id[26:])
			}
			fmt.Fprintf(&b, `<atom:link rel="next" href="%s"/></users>`, strings.ReplaceAll(nextLink(r, ids), "&", "&amp;"))
			w.Header().Set("Content-Type", "application/xml")
			_, _ = w.Write([]byte(b.String()))
		}},
}

// TestListingNeverEnds holds every paged listing to an end, whatever the
// server sends.
func TestListingNeverEnds(t *testing.T) {
	noLeaks(t)
	type shape struct {
		mode, total string
		rows, reqs  int // read before the error, and pages asked for
		loop        bool
	}
	for _, l := range listings {
		shapes := []shape{
			{mode: "endless", rows: listMax, reqs: (listMax + listPage - 1) / listPage},
			{mode: "same", rows: listPage, reqs: 2, loop: true},
			{mode: "alternate", rows: 2 * listPage, reqs: 3, loop: true},
		}
		if l.totals {
			for _, sh := range shapes {
				sh.total = "1000000000000"
				shapes = append(shapes, sh)
			}
		}
		for _, sh := range shapes {
			name := l.name + "-" + sh.mode
			if sh.total != "" {
				name += "-total"
			}
			t.Run(name, func(t *testing.T) {
				p := &pager{mode: sh.mode}
				f := newFake(t, l.k, func(w http.ResponseWriter, r *http.Request) {
					if !strings.HasSuffix(r.URL.Path, l.path) {
						serveValid(l.k)(w, r) // IAM's login protection, ZStack's accounts
						return
					}
					l.write(w, r, p.next(), sh.total)
				})
				st := fakeSetup(f, static, newRecorder(t))
				st.MaxListing, st.PageSize = listMax, listPage
				tg := mustBuild(t, l.k, st)
				res, err := run(t, context.Background(), opNamed(t, tg, l.call))
				assertKind(t, err, mfa.ErrInvalidResponse, l.k.provider())
				if err != nil && !sh.loop {
					assert.Contains(t, err.Error(), "MaxListing", "the error does not say which limit ended the listing")
				}
				assert.Equal(t, l.before+sh.rows, res.len(), "rows kept")
				seen := map[string]bool{}
				for _, d := range res.devs {
					seen[d.ID()] = true
				}
				for _, u := range res.users {
					seen[u.ID] = true
				}
				assert.Len(t, seen, res.len(), "a row was yielded twice")
				assert.Equal(t, sh.reqs, p.Requests(), "pages asked for")
			})
		}
	}
}

// The listings above are the module's: each provider's public call lists
// through one of them.
func TestListingsCovered(t *testing.T) {
	calls := map[kind][]string{}
	for _, l := range listings {
		calls[l.k] = append(calls[l.k], l.call)
	}
	for _, k := range kinds {
		tg := mustBuild(t, k, setup{URL: "http://127.0.0.1:1", IAMURL: "http://127.0.0.1:1", Creds: fakeCreds, Auth: static})
		for _, o := range fakeOps(tg) {
			if o.listing && !(k == kIAM && o.name == "AllDevices") { // IAM's device list is one response, unpaged
				require.Contains(t, calls[k], o.name, "%v %s has no row", k, o.name)
			}
		}
	}
}

// A ZStack server that pages honestly (start, limit and total honoured)
// but does not sort by uuid, as the walk asks (sort=+uuid): a proxy that
// drops the parameter, or a release that ignores it. Its rows come in
// table order: pages whose ids go up and down, or pages each in order
// whose ids interleave with those of the pages before. The walk reads
// every row, or ends with an error matching mfa.ErrInvalidResponse: never
// a listing that ends well with rows missing.
func TestListingUnsortedServer(t *testing.T) {
	noLeaks(t)
	const rows = 3 * listPage
	orders := map[string]func(i int) int{
		// Every other row above every id of the pages before, the others
		// below them.
		"up-and-down": func(i int) int {
			if i%2 == 1 {
				return i
			}
			return 1000*(i/listPage+1) + i
		},
		// Page p holds p+1, p+4, p+7, ...: each page in order.
		"interleaved": func(i int) int { return 3*(i%listPage) + i/listPage + 1 },
	}
	for order, id := range orders {
		ids := make([]string, rows)
		for i := range ids {
			ids[i] = fmt.Sprintf("%032x", id(i))
		}
		for _, l := range listings {
			if l.k != kZStack || l.before > 0 {
				continue
			}
			t.Run(order+"/"+l.name, func(t *testing.T) {
				f := newFake(t, kZStack, func(w http.ResponseWriter, r *http.Request) {
					if !strings.HasSuffix(r.URL.Path, l.path) {
						serveValid(kZStack)(w, r)
						return
					}
					q := r.URL.Query()
					start, limit := atoi(q.Get("start")), atoi(q.Get("limit"))
					l.write(w, r, ids[min(start, rows):min(start+limit, rows)], fmt.Sprint(rows))
				})
				st := fakeSetup(f, static, newRecorder(t))
				st.PageSize = listPage
				tg := mustBuild(t, kZStack, st)
				res, err := run(t, context.Background(), opNamed(t, tg, l.call))
				if err != nil {
					assertKind(t, err, mfa.ErrInvalidResponse, kZStack.provider())
					return
				}
				want := rows
				if l.call == "Users" {
					want++ // the IAM2 user of serveValid
				}
				assert.Equal(t, want, res.len(), "the listing ended well with rows missing")
			})
		}
	}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
