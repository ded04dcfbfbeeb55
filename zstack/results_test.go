package zstack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/internal/testlog"
	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/zstack"
)

// query serves body to one QuerySecrets call and returns the page.
func query(t *testing.T, body []byte, mutate ...func(*zstack.Config)) (*zstack.SecretPage, *testlog.Buffer) {
	t.Helper()
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, secretsURL, respond(200, body))
	logger, logs := testlog.New()
	c := newSessionClient(t, mt, append([]func(*zstack.Config){func(c *zstack.Config) { c.Logger = logger }}, mutate...)...)
	page, err := c.QuerySecrets(context.Background(), zstack.QueryOptions{})
	require.NoError(t, err)
	assertNoSecret(t, "logs", logs.String())
	return page, logs
}

func TestDecodeVendorExamples(t *testing.T) {
	created := time.Date(2025, 10, 28, 14, 9, 26, 0, time.UTC)
	for _, name := range []string{"secrets_vendors.json", "secrets_seed.json"} {
		t.Run(name, func(t *testing.T) {
			page, _ := query(t, fixture(t, name))
			require.Len(t, page.Secrets, 1)
			s := page.Secrets[0]
			assert.Equal(t, "zstack", s.Provider())
			assert.Equal(t, "16620c01d20b390891ae1a1bc072ac0b", s.ID())
			assert.Equal(t, "264d446f00e43793a2b0dcd21c367aaf", s.UserID())
			assert.Equal(t, "AccountVO", s.UserType())
			assert.Equal(t, mfa.KindTOTP, s.Kind())
			assert.Equal(t, mfa.StatusPending, s.Status())
			assert.Equal(t, "NewCreated", s.VendorStatus())
			assert.Empty(t, s.UserName())
			assert.Empty(t, s.Name())
			assert.Equal(t, vendorSeed, s.TOTPSecret().Reveal())
			assert.False(t, page.HasTotal)
			if name == "secrets_vendors.json" {
				assert.Equal(t, created, s.CreatedAt())
				assert.Equal(t, time.UTC, s.CreatedAt().Location())
				assert.Equal(t, created, s.LastOpAt())
				assert.Equal(t, "Oct 28, 2025 2:09:26 PM", s.CreateDateText())
			} else {
				assert.True(t, s.CreatedAt().IsZero(), "the seed example has no dates")
				assert.Empty(t, s.CreateDateText())
			}
		})
	}
}

func TestDecodeStatusObjects(t *testing.T) {
	page, _ := query(t, fixture(t, "secrets_status_object.json"))
	require.Len(t, page.Secrets, 3)

	s := page.Secrets[0]
	assert.Equal(t, mfa.StatusActive, s.Status())
	assert.Equal(t, "Logined", s.VendorStatus())
	assert.Equal(t, "8c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f", s.UserID())
	assert.Equal(t, "IAM2VirtualIDVO", s.UserType())
	assert.Equal(t, "8c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f", s.ResourceUUID())
	assert.Equal(t, "IAM2VirtualIDVO", s.ResourceType())
	assert.Equal(t, time.Date(2025, 11, 3, 9, 15, 2, 0, time.UTC), s.LastOpAt())

	assert.Equal(t, mfa.StatusPending, page.Secrets[1].Status())
	assert.Equal(t, "NewCreated", page.Secrets[1].VendorStatus())

	assert.Equal(t, mfa.StatusUnknown, page.Secrets[2].Status(), "a word this module does not know")
	assert.Equal(t, "Disabled", page.Secrets[2].VendorStatus(), "kept unchanged")
}

func TestDecodeStatusForms(t *testing.T) {
	tests := []struct {
		status string
		want   mfa.Status
		vendor string
	}{
		{`"NewCreated"`, mfa.StatusPending, "NewCreated"},
		{`"Logined"`, mfa.StatusActive, "Logined"},
		{`"LOGINED"`, mfa.StatusActive, "LOGINED"},
		{`{"name":"NewCreated","ordinal":0}`, mfa.StatusPending, "NewCreated"},
		{`{"ordinal":1,"name":"Logined"}`, mfa.StatusActive, "Logined"},
		{`{"name":"Locked","ordinal":7}`, mfa.StatusUnknown, "Locked"},
		{`{"ordinal":1}`, mfa.StatusUnknown, ""},
		{`null`, mfa.StatusUnknown, ""},
		{`""`, mfa.StatusUnknown, ""},
	}
	for _, tt := range tests {
		t.Run(tt.status, func(t *testing.T) {
			body := `{"inventories":[{"uuid":"s1","userUuid":"u1","status":` + tt.status + `}]}`
			page, _ := query(t, []byte(body))
			require.Len(t, page.Secrets, 1)
			assert.Equal(t, tt.want, page.Secrets[0].Status())
			assert.Equal(t, tt.vendor, page.Secrets[0].VendorStatus())
		})
	}
	t.Run("no status", func(t *testing.T) {
		page, _ := query(t, []byte(`{"inventories":[{"uuid":"s1","userUuid":"u1"}]}`))
		assert.Equal(t, mfa.StatusUnknown, page.Secrets[0].Status())
	})
}

func TestDecodeOlderAccountUUIDForm(t *testing.T) {
	page, _ := query(t, fixture(t, "secrets_account_uuid.json"))
	require.Len(t, page.Secrets, 1)
	s := page.Secrets[0]
	assert.Equal(t, "2b7e151628aed2a6abf7158809cf4f3c", s.ID())
	assert.Equal(t, "36d4a1f07c8e4b2f9a1e5d3c7b9f2a4e", s.UserID(), "the owner is accountUuid")
	assert.Empty(t, s.UserType())
	assert.Equal(t, mfa.StatusActive, s.Status())
	assert.Equal(t, time.Date(2021, 3, 4, 11, 2, 3, 0, time.UTC), s.CreatedAt())
	assert.Equal(t, time.Date(2021, 3, 5, 13, 0, 0, 0, time.UTC), s.LastOpAt())
}

func TestDecodeEveryDateLayout(t *testing.T) {
	want := time.Date(2025, 10, 28, 14, 9, 26, 0, time.UTC)
	page, logs := query(t, fixture(t, "secrets_dates.json"))
	require.Len(t, page.Secrets, 7)
	byID := map[string]*zstack.Secret{}
	for _, s := range page.Secrets {
		byID[s.ID()[len(s.ID())-1:]] = s
	}
	assert.Equal(t, want, byID["1"].CreatedAt(), "Java default")
	assert.Equal(t, want, byID["2"].CreatedAt(), "Java default with U+202F before PM")
	assert.Equal(t, want, byID["2"].LastOpAt(), "newer JDK: comma after the year, U+202F")
	assert.Equal(t, want, byID["3"].CreatedAt(), "24-hour")
	assert.Equal(t, want, byID["3"].LastOpAt(), "comma after the year")
	assert.Equal(t, want, byID["4"].CreatedAt(), "RFC 3339")
	assert.Equal(t, want, byID["4"].LastOpAt(), "RFC 3339 with fraction and offset")
	assert.Equal(t, want, byID["5"].CreatedAt(), "SQL form")
	assert.Equal(t, want, byID["5"].LastOpAt(), "SQL form with fraction")
	for _, s := range page.Secrets {
		if !s.CreatedAt().IsZero() {
			assert.Equal(t, time.UTC, s.CreatedAt().Location())
		}
	}

	unknown := byID["6"]
	assert.True(t, unknown.CreatedAt().IsZero(), "a date in no known layout")
	assert.Equal(t, "28/10/2025 14h09", unknown.CreateDateText(), "kept as text")
	assert.True(t, unknown.LastOpAt().IsZero())
	assert.Equal(t, "1761660566000", unknown.LastOpDateText(), "a number is kept as its text")
	assert.True(t, byID["7"].CreatedAt().IsZero())
	assert.Empty(t, byID["7"].CreateDateText())

	out := logs.String()
	assert.Contains(t, out, "level=WARN")
	assert.Contains(t, out, "field=createDate")
	assert.Contains(t, out, `value="28/10/2025 14h09"`)
	assert.Contains(t, out, "field=lastOpDate")
	assert.Contains(t, out, "value=1761660566000")
	assert.Contains(t, out, "secret=d0000000000000000000000000000006")
	assert.Equal(t, 2, strings.Count(out, "field="), "only the two unknown dates warn")
}

func TestDatesAreReadInTheServerZone(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	page, _ := query(t, fixture(t, "secrets_dates.json"), func(c *zstack.Config) { c.Location = shanghai })
	want := time.Date(2025, 10, 28, 6, 9, 26, 0, time.UTC) // 14:09:26 in UTC+8
	assert.Equal(t, want, page.Secrets[0].CreatedAt(), "Java default, zone-less")
	assert.Equal(t, want, page.Secrets[2].CreatedAt(), "24-hour, zone-less")
	assert.Equal(t, want, page.Secrets[4].CreatedAt(), "SQL form, zone-less")
	assert.Equal(t, time.Date(2025, 10, 28, 14, 9, 26, 0, time.UTC), page.Secrets[3].CreatedAt(), "RFC 3339 carries its own offset")
	assert.Equal(t, time.UTC, page.Secrets[0].CreatedAt().Location())
}

func TestDecodeEmptyListsAndTotal(t *testing.T) {
	for _, name := range []string{"secrets_empty.json", "secrets_null.json"} {
		page, _ := query(t, fixture(t, name))
		assert.Empty(t, page.Secrets, name)
		assert.NotNil(t, page.Secrets, name)
	}
	page, _ := query(t, fixture(t, "secrets_total.json"))
	assert.Len(t, page.Secrets, 1)
	assert.True(t, page.HasTotal)
	assert.Equal(t, 3, page.Total)
}

var verbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%t", "%p", "%T %v", "%10.3s", "%-20v"}

func TestDeprecatedTOTPSecretIsAnMFASecret(t *testing.T) {
	s := zstack.NewTOTPSecret(seedSentinel)
	var m mfa.Secret = s
	assert.Equal(t, seedSentinel, m.Reveal())
	assert.Equal(t, "[REDACTED]", fmt.Sprint(s))
	assert.True(t, zstack.NewTOTPSecret("").IsZero())
}

func TestSecretDeviceIsSafeUnderEveryVerb(t *testing.T) {
	for _, name := range []string{"secrets_status_object.json", "secrets_vendors.json", "secrets_dates.json"} {
		page, _ := query(t, fixture(t, name))
		require.NotEmpty(t, page.Secrets)
		for _, p := range page.Secrets {
			v := *p
			for _, verb := range verbs {
				for _, x := range []any{p, v, page.Secrets, page, *page, []zstack.Secret{v}, struct{ s zstack.Secret }{v}, struct{ S *zstack.Secret }{p}} {
					out := fmt.Sprintf(verb, x)
					assertNoSecret(t, name+" "+verb, out)
				}
			}
			for _, x := range []any{p, v, page} {
				b, err := json.Marshal(x)
				require.NoError(t, err)
				assertNoSecret(t, "JSON", string(b))
			}
			var text, js bytes.Buffer
			slog.New(slog.NewTextHandler(&text, nil)).Info("m", "dev", p, "val", v, "page", page)
			slog.New(slog.NewJSONHandler(&js, nil)).Info("m", "dev", p, "val", v, "page", page)
			assertNoSecret(t, "slog text", text.String())
			assertNoSecret(t, "slog JSON", js.String())
			assert.Contains(t, text.String(), "ID:"+p.ID())
			assert.Equal(t, p.TOTPSecret().Reveal(), v.TOTPSecret().Reveal(), "the seed is still there to reveal")
		}
	}
}

func TestSecretPrintedForms(t *testing.T) {
	page, _ := query(t, fixture(t, "secrets_vendors.json"))
	s := page.Secrets[0]
	want := `{Provider:zstack ID:16620c01d20b390891ae1a1bc072ac0b UserID:264d446f00e43793a2b0dcd21c367aaf UserType:AccountVO Status:pending VendorStatus:NewCreated CreatedAt:2025-10-28T14:09:26Z LastOpAt:2025-10-28T14:09:26Z TOTPSecret:[REDACTED]}`
	assert.Equal(t, want, s.String())
	assert.Equal(t, want, fmt.Sprintf("%v", s))
	assert.Equal(t, want, fmt.Sprintf("%+v", *s))
	assert.Equal(t, `"`+want+`"`, fmt.Sprintf("%q", s))
	assert.Equal(t, `zstack.Secret{Provider:"zstack", ID:"16620c01d20b390891ae1a1bc072ac0b", UserID:"264d446f00e43793a2b0dcd21c367aaf", UserType:"AccountVO", Status:"pending", VendorStatus:"NewCreated", CreatedAt:"2025-10-28T14:09:26Z", LastOpAt:"2025-10-28T14:09:26Z", TOTPSecret:"[REDACTED]"}`,
		fmt.Sprintf("%#v", s))
}

func TestSecretJSON(t *testing.T) {
	page, _ := query(t, fixture(t, "secrets_status_object.json"))
	b, err := json.Marshal(page.Secrets[0])
	require.NoError(t, err)
	assert.JSONEq(t, `{
		"provider": "zstack",
		"id": "5e2f9a1c7d3b4e8f9a0b1c2d3e4f5a6b",
		"user_id": "8c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f",
		"user_type": "IAM2VirtualIDVO",
		"resource_uuid": "8c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f",
		"resource_type": "IAM2VirtualIDVO",
		"kind": "totp",
		"status": "active",
		"vendor_status": "Logined",
		"created_at": "2025-10-28T14:09:26Z",
		"last_op_at": "2025-11-03T09:15:02Z",
		"totp_secret": "[REDACTED]"
	}`, string(b))

	page, _ = query(t, fixture(t, "secrets_dates.json"))
	b, err = json.Marshal(page.Secrets[5])
	require.NoError(t, err)
	assert.JSONEq(t, `{
		"provider": "zstack",
		"id": "d0000000000000000000000000000006",
		"user_id": "u1",
		"user_type": "AccountVO",
		"kind": "totp",
		"status": "active",
		"vendor_status": "Logined",
		"create_date_text": "28/10/2025 14h09",
		"last_op_date_text": "1761660566000",
		"totp_secret": "[REDACTED]"
	}`, string(b), "unknown dates: no created_at, the text kept")

	page, _ = query(t, []byte(`{"inventories":[{"uuid":"s1","userUuid":"u1"}]}`))
	b, err = json.Marshal(page.Secrets[0])
	require.NoError(t, err)
	assert.JSONEq(t, `{"provider":"zstack","id":"s1","user_id":"u1","kind":"totp","status":"unknown"}`, string(b))
}

func TestFieldsQueryMayLeaveTheSeedAndUUIDOut(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, secretsURL, respond(200, []byte(`{"inventories":[{"userUuid":"u1","status":"Logined"}]}`)))
	c := newSessionClient(t, mt)
	page, err := c.QuerySecrets(context.Background(), zstack.QueryOptions{Fields: []string{"userUuid", "status"}})
	require.NoError(t, err)
	require.Len(t, page.Secrets, 1)
	assert.True(t, page.Secrets[0].TOTPSecret().IsZero())
	assert.Empty(t, page.Secrets[0].ID())
	assert.Equal(t, "u1", page.Secrets[0].UserID())

	_, err = c.QuerySecrets(context.Background(), zstack.QueryOptions{})
	assert.ErrorIs(t, err, mfa.ErrInvalidResponse, "without Fields, a row needs its uuid")
}
