package zstack

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/openmfa/mfa-go/internal/benchkit"
	"github.com/openmfa/mfa-go/internal/transport"
	"github.com/openmfa/mfa-go/mfa"
)

// benchPage is one page of n secrets as ZStack sends it (compact JSON):
// one record in five in the older form with accountUuid, one in four with
// the status as an object, dates in Java's default text, and the total.
func benchPage(n int) []byte {
	statuses := []string{"Logined", "Logined", "Logined", "NewCreated", "Expired"}
	var b strings.Builder
	b.WriteString(`{"inventories":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		owner := `"userUuid":"` + fmt.Sprintf("%032x", i*104729+7) + `","userType":"IAM2VirtualIDVO"`
		if i%5 == 4 {
			owner = `"accountUuid":"` + fmt.Sprintf("%032x", i*104729+7) + `"`
		}
		status := strconv.Quote(statuses[i%len(statuses)])
		if i%4 == 1 {
			status = `{"name":` + status + `,"ordinal":` + strconv.Itoa(i%len(statuses)) + `}`
		}
		fmt.Fprintf(&b, `{"uuid":"%032x","secret":"ABCDEFGH%08d",%s,"status":%s,"createDate":"Oct 28, 2025 2:09:26 PM","lastOpDate":"Oct 28, 2025 2:09:26 PM"}`,
			i*7919+1, i, owner, status)
	}
	fmt.Fprintf(&b, `],"total":%d}`, n)
	return []byte(b.String())
}

// BenchmarkDecodePage1000 is decoding alone: a page of 1,000 secrets into
// a SecretPage, dates included.
func BenchmarkDecodePage1000(b *testing.B) {
	c, err := NewClient(Config{Endpoint: "http://zs.test:8080", SessionID: mfa.NewSecret("s")})
	if err != nil {
		b.Fatal(err)
	}
	resp := &transport.Response{StatusCode: 200, Body: benchPage(1000)}
	b.SetBytes(int64(len(resp.Body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.decodePage(context.Background(), resp, 1000, true); err != nil {
			b.Fatal(err)
		}
	}
}

// benchSecret is what net/http + encoding/json read of a record: the
// status stays raw, since it is a string or an object.
type benchSecret struct {
	UUID        string          `json:"uuid"`
	Secret      string          `json:"secret"`
	UserUUID    string          `json:"userUuid"`
	UserType    string          `json:"userType"`
	AccountUUID string          `json:"accountUuid"`
	Status      json.RawMessage `json:"status"`
	CreateDate  string          `json:"createDate"`
	LastOpDate  string          `json:"lastOpDate"`
}

// BenchmarkSecretsPage1000 reads one page of 1,000 secrets:
// GET /zstack/v1/twofactorauthentication/secrets?limit=1000.
func BenchmarkSecretsPage1000(b *testing.B) {
	const n = 1000
	body := benchPage(n)
	srv := benchkit.NewServer(b, http.Header{"Content-Type": {"application/json; charset=utf-8"}}, body)
	url := srv.URL + "/zstack/v1/twofactorauthentication/secrets?limit=1000&start=0"

	srv.Run(b, "floor", func(b *testing.B) { benchkit.Floor(b, url) })
	srv.Run(b, "stdlib", func(b *testing.B) {
		benchkit.Stdlib(b, url, http.Header{"Authorization": {"OAuth s"}}, n, func(r io.Reader) (int, error) {
			var v struct {
				Inventories []benchSecret `json:"inventories"`
				Total       int           `json:"total"`
			}
			err := json.NewDecoder(r).Decode(&v)
			return len(v.Inventories), err
		})
	})
	newClient := func(b *testing.B) *Client {
		c, err := NewClient(Config{Endpoint: srv.URL, SessionID: mfa.NewSecret("s")})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = c.Close() })
		return c
	}
	// mfa-go is the page as one call: QuerySecrets.
	srv.Run(b, "mfa-go", func(b *testing.B) {
		c := newClient(b)
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			page, err := c.QuerySecrets(ctx, QueryOptions{Limit: n})
			if err != nil || len(page.Secrets) != n {
				b.Fatal(err)
			}
		}
	})
	// mfa-go-all is the same page through mfa.DeviceLister, as the audit
	// reads it: AllDevices stops after it, since the total is 1,000.
	srv.Run(b, "mfa-go-all", func(b *testing.B) {
		c := newClient(b)
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			k := 0
			for _, err := range c.AllDevices(ctx) {
				if err != nil {
					b.Fatal(err)
				}
				k++
			}
			if k != n {
				b.Fatal(k)
			}
		}
	})
}
