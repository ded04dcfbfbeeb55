package zstack

import (
	"bytes"
	"context"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/openmfa/mfa-go/internal/jsonscan"
	"github.com/openmfa/mfa-go/internal/transport"
)

// agreeingClient is a Client whose warnings land in a buffer, without
// their time, so that two decoders' logs can be compared.
func agreeingClient(t testing.TB, loc *time.Location) (*Client, *bytes.Buffer) {
	var buf bytes.Buffer
	h := slog.NewTextHandler(&buf, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	})
	c, err := NewClient(Config{Endpoint: "http://zs.test:8080", SessionID: "s", Location: loc, Logger: slog.New(h)})
	if err != nil {
		t.Fatal(err)
	}
	return c, &buf
}

// decoderPair runs the jsonscan decoders and the encoding/json ones of
// decode_reference_test.go on the same bodies, each with its own Client
// and log.
type decoderPair struct {
	fast, ref       *Client
	fastLog, refLog *bytes.Buffer
}

func newDecoderPair(t testing.TB) *decoderPair {
	cst := time.FixedZone("CST", 8*3600)
	p := &decoderPair{}
	p.fast, p.fastLog = agreeingClient(t, cst)
	p.ref, p.refLog = agreeingClient(t, cst)
	return p
}

// agree checks that both decoders accept body or both refuse it; that
// they refuse it with the same error; that they read the same page and
// log the same warnings. Where the body repeats a key, encoding/json
// decodes the later value into what the earlier one left (the fields of
// an earlier list's rows survive, a uuid among them), while jsonscan keeps
// the later value alone: there only acceptance is compared, of every row
// uuid or none.
func (p *decoderPair) agree(t *testing.T, body []byte, limit int, needUUID bool) {
	t.Helper()
	resp := &transport.Response{StatusCode: 200, Body: body}
	ctx := context.Background()
	dup := jsonscan.HasDuplicateKeys(string(body))
	if dup {
		needUUID = false
	}
	p.fastLog.Reset()
	p.refLog.Reset()
	got, err := p.fast.decodePage(ctx, resp, limit, needUUID)
	want, wantErr := p.ref.referencePage(ctx, resp, limit, needUUID)
	if (err == nil) != (wantErr == nil) {
		t.Fatalf("page of %q (limit %d, uuid %t):\njsonscan:      %v\nencoding/json: %v", body, limit, needUUID, err, wantErr)
	}
	n, countErr := p.fast.decodeCount(resp)
	wantN, wantCountErr := p.ref.referenceCount(resp)
	if (countErr == nil) != (wantCountErr == nil) {
		t.Fatalf("count of %q:\njsonscan:      %v\nencoding/json: %v", body, countErr, wantCountErr)
	}
	if dup {
		return
	}
	sameError(t, "page", body, err, wantErr)
	sameError(t, "count", body, countErr, wantCountErr)
	if n != wantN {
		t.Fatalf("count of %q: jsonscan %d, encoding/json %d", body, n, wantN)
	}
	if err == nil {
		samePage(t, body, got, want)
	}
	if p.fastLog.String() != p.refLog.String() {
		t.Fatalf("logs of %q:\njsonscan:\n%s\nencoding/json:\n%s", body, p.fastLog, p.refLog)
	}
}

func sameError(t *testing.T, what string, body []byte, err, want error) {
	t.Helper()
	if err == nil && want == nil {
		return
	}
	if err.Error() != want.Error() || !reflect.DeepEqual(err, want) {
		t.Fatalf("%s of %q:\njsonscan:      %#v\nencoding/json: %#v", what, body, err, want)
	}
}

func samePage(t *testing.T, body []byte, got, want *SecretPage) {
	t.Helper()
	if got.Total != want.Total || got.HasTotal != want.HasTotal || len(got.Secrets) != len(want.Secrets) ||
		(got.Secrets == nil) != (want.Secrets == nil) {
		t.Fatalf("page of %q: jsonscan %d secrets, total %d %t; encoding/json %d, %d %t", body,
			len(got.Secrets), got.Total, got.HasTotal, len(want.Secrets), want.Total, want.HasTotal)
	}
	for i, g := range got.Secrets {
		w := want.Secrets[i]
		type view struct {
			Provider, ID, UserID, UserType, ResourceUUID, ResourceType, VendorStatus string
			Status                                                                   string
			CreatedAt, LastOpAt                                                      time.Time
			CreateText, LastOpText, Seed                                             string
			HasSeed                                                                  bool
		}
		see := func(s *Secret) view {
			return view{s.Provider(), s.ID(), s.UserID(), s.UserType(), s.ResourceUUID(), s.ResourceType(), s.VendorStatus(),
				string(s.Status()), s.CreatedAt(), s.LastOpAt(), s.CreateDateText(), s.LastOpDateText(),
				s.TOTPSecret().Reveal(), !s.TOTPSecret().IsZero()}
		}
		if gv, wv := see(g), see(w); gv != wv || !reflect.DeepEqual(g, w) {
			t.Fatalf("secret %d of %q:\njsonscan:      %+v\nencoding/json: %+v", i, body, gv, wv)
		}
	}
}

// agreementSeeds are bodies at the edges of what the decoders read.
var agreementSeeds = []string{
	`{"inventories":[{"uuid":"a","status":{"name":"Logined"},"createDate":"Oct 28, 2025 2:09:26 PM"}],"total":-1}`,
	`{"inventories":[null,{"uuid":null,"secret":null,"userUuid":null,"status":null,"createDate":null}]}`,
	`{"INVENTORIES":[{"UUID":"a","Secret":"s","USERUUID":"u","ſtatus":"Logined","createdate":1.5e3}],"Total":0}`,
	`{"inventories":[{"uuid":"a","accountUuid":"acc","userUuid":""}],"total":9223372036854775807}`,
	`{"inventories":[],"total":9223372036854775808}`, `{"inventories":[],"total":1.0}`, `{"inventories":[],"total":-0}`,
	`{"inventories":[],"total":"3"}`, `{"inventories":[],"total":[3]}`, `{"inventories":[],"total":true}`,
	`{"inventories":[],"location":5}`, `{"location":"http://x/job"}`, `{"location":null}`, `null`, `[]`, `"x"`, `7`, `true`,
	`{"inventories":"x"}`, `{"inventories":{}}`, `{"inventories":7}`, `{"inventories":false}`,
	`{"inventories":[1]}`, `{"inventories":["x",{"uuid":1}]}`, `{"inventories":[[]]}`, `{"inventories":[true]}`,
	`{"inventories":[{"uuid":{}}]}`, `{"inventories":[{"uuid":[]}]}`, `{"inventories":[{"uuid":true}]}`,
	`{"inventories":[{"userType":7,"status":0}]}`, `{"inventories":[{"status":0,"userType":7}]}`,
	`{"total":"x","inventories":[{"status":[]}]}`, `{"inventories":[{"uuid":5}],"total":"x"}`,
	`{"total":"x","inventories":[{"uuid":5}]}`, `{"inventories":[{"uuid":5}]},"location":7}`,
	`{"inventories":[{"status":{"name":5}}]}`, `{"inventories":[{"status":{"NAME":null,"ordinal":[1,{}]}}]}`,
	`{"inventories":[{"status":{"ordinal":1}}]}`, `{"inventories":[{"status":true}]}`, `{"inventories":[{"status":"x"}]} x`,
	`{"inventories":[{"createDate":true}]}`, `{"inventories":[{"lastOpDate":{}}]}`, `{"inventories":[{"createDate":-0.5E-3}]}`,
	`{"inventories":[{"uuid":"a\u0000b","secret":"\ud800","createDate":"Oct 28, 2025 2:09:26\u202fPM"}]}`,
	`{"inventories":[{"uuid":"u","createDate":"Oct 28, 2025 2:09:26 PM","lastOpDate":"yesterday"}]}`,
	`{"inventories":[{"uuid":"u","createDate":"  "}]}`, `{"inventories":[{"uuid":"u","createDate":"2025-10-28 14:09:26"}]}`,
	`{"error":{"code":"SYS.1003","description":"x"},"inventories":null}`, `{"error":null,"inventories":[]}`,
	`{"error":{"code":"ID.1001"},"inventories":{}}`, `{"success":"false","inventories":[]}`, `{"success":true,"inventories":[]}`,
	`{"success":"true","inventories":[],"id":"req-1"}`, `{"error":"plain","id":"req-2","inventories":[]}`,
	`{"inventories":[{"uuid":"a"}],"inventories":[{}]}`, `{"inventories":[{"uuid":"a"}],"inventories":null}`,
	`{"inventories":[{"status":"Logined","status":{"ordinal":1}}]}`, `{"total":1,"total":null,"inventories":[]}`,
	`{"inventories":[{"uuid":"a","uuid":null}]}`, `{"inventories":[{"status":{"name":"x","name":null}}]}`,
	`{"inventories":[{"uuid":"a"}`, `{"inventories":[{"uuid":"a\x"}]}`, `{"inventories":[{"uuid":5}]`, ``, ` `, `{"a":tru}`,
}

func FuzzDecodePageAgreesWithEncodingJSON(f *testing.F) {
	addFixtures(f, func(b []byte) {
		f.Add(b, 0)
		f.Add(b, 1)
	})
	for _, s := range agreementSeeds {
		f.Add([]byte(s), 0)
		f.Add([]byte(s), 2)
	}
	p := newDecoderPair(f)
	f.Fuzz(func(t *testing.T, body []byte, limit int) {
		p.agree(t, body, limit%2000, limit%2 == 0)
	})
}

// The differential test's own checks: it notices a disagreement.
func TestAgreeNoticesDifferences(t *testing.T) {
	p := newDecoderPair(t)
	body := []byte(`{"inventories":[{"uuid":"a","secret":"s","createDate":"Oct 28, 2025 2:09:26 PM"}]}`)
	resp := &transport.Response{StatusCode: 200, Body: body}
	got, err := p.fast.decodePage(context.Background(), resp, 0, true)
	if err != nil {
		t.Fatal(err)
	}
	want, err := p.ref.referencePage(context.Background(), resp, 0, true)
	if err != nil {
		t.Fatal(err)
	}
	samePage(t, body, got, want)
	for _, change := range []func(s *Secret){
		func(s *Secret) { s.seed = NewTOTPSecret("other") },
		func(s *Secret) { s.createdAt = s.createdAt.Add(time.Second) },
		func(s *Secret) { s.owner = "x" },
	} {
		changed := *got.Secrets[0]
		change(&changed)
		if reflect.DeepEqual(&changed, want.Secrets[0]) {
			t.Fatal("a changed secret compares equal")
		}
	}
}

// TestDecodePageReadsInPlace: the page's strings share the body's memory,
// and its secrets are made in one allocation.
func TestDecodePageReadsInPlace(t *testing.T) {
	c, _ := agreeingClient(t, time.UTC)
	body := benchBody(100)
	resp := &transport.Response{StatusCode: 200, Body: body}
	page, err := c.decodePage(context.Background(), resp, 100, true)
	if err != nil || len(page.Secrets) != 100 {
		t.Fatal(len(page.Secrets), err)
	}
	if !strings.Contains(string(body), page.Secrets[7].ID()) {
		t.Fatal("unexpected id")
	}
	allocs := testing.AllocsPerRun(20, func() {
		if _, err := c.decodePage(context.Background(), resp, 100, true); err != nil {
			t.Fatal(err)
		}
	})
	// The decoder, the rows, the pointers and the page: the iterators'
	// closures stay on the stack, and no string or date allocates.
	if allocs > 8 {
		t.Fatalf("%v allocations for a page of 100", allocs)
	}
}

// benchBody is a page of n secrets in the form of BenchmarkSecretsPage1000.
func benchBody(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"inventories":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		owner := `"userUuid":"` + hex32(i*104729+7) + `","userType":"IAM2VirtualIDVO"`
		if i%5 == 4 {
			owner = `"accountUuid":"` + hex32(i*104729+7) + `"`
		}
		status := `"Logined"`
		if i%4 == 1 {
			status = `{"name":"NewCreated","ordinal":0}`
		}
		b.WriteString(`{"uuid":"` + hex32(i*7919+1) + `","secret":"ABCDEFGH` + hex32(i)[24:] + `",` + owner +
			`,"status":` + status + `,"createDate":"Oct 28, 2025 2:09:26 PM","lastOpDate":"Oct 28, 2025 2:09:26 PM"}`)
	}
	b.WriteString(`],"total":` + strings.Repeat("9", 4) + `}`)
	return []byte(b.String())
}

func hex32(n int) string {
	const digits = "0123456789abcdef"
	var b [32]byte
	for i := range b {
		b[31-i] = digits[n&15]
		n >>= 4
	}
	return string(b[:])
}

// BenchmarkDecodePage1000 is decoding alone, 1,000 secrets: this
// TestRowKeyOf holds rowKeyOf's switch of exact names to rowKeyNames, the
// table its folding pass reads: both give every key its own name.
func TestRowKeyOf(t *testing.T) {
	for k, name := range rowKeyNames {
		if name == "" {
			continue
		}
		if got := rowKeyOf(name); got != rowKey(k) {
			t.Errorf("rowKeyOf(%q) = %d, want %d", name, got, k)
		}
		if got := rowKeyOf(strings.ToUpper(name)); got != rowKey(k) {
			t.Errorf("rowKeyOf(%q) = %d, want %d", strings.ToUpper(name), got, k)
		}
	}
	if got := rowKeyOf("ordinal"); got != keyOther {
		t.Errorf("rowKeyOf(%q) = %d, want keyOther", "ordinal", got)
	}
}

// package's decoder and encoding/json's.
func BenchmarkDecodePage1000(b *testing.B) {
	c, _ := agreeingClient(b, time.FixedZone("CST", 8*3600))
	resp := &transport.Response{StatusCode: 200, Body: benchBody(1000)}
	b.SetBytes(int64(len(resp.Body)))
	ctx := context.Background()
	b.Run("jsonscan", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.decodePage(ctx, resp, 1000, true); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.referencePage(ctx, resp, 1000, true); err != nil {
				b.Fatal(err)
			}
		}
	})
}
