package zstack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/zstack"
)

var verbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T %v", "%10.3s", "%-20v"}

func TestTOTPSecretIsRedactedEverywhere(t *testing.T) {
	s := zstack.NewTOTPSecret(seedSentinel)
	assert.Equal(t, seedSentinel, s.Reveal())
	assert.False(t, s.IsZero())
	for _, verb := range verbs {
		for _, v := range []any{s, &s, []zstack.TOTPSecret{s}, map[string]zstack.TOTPSecret{"k": s}, struct{ S zstack.TOTPSecret }{s}, struct{ s zstack.TOTPSecret }{s}} {
			out := fmt.Sprintf(verb, v)
			assertNoSecret(t, verb, out)
		}
	}
	assert.Equal(t, "[REDACTED]", s.String())
	assert.Equal(t, "[REDACTED]", fmt.Sprint(s))
	assert.Equal(t, `"[REDACTED]"`, fmt.Sprintf("%q", s))
	assert.Equal(t, `"[REDACTED]"`, fmt.Sprintf("%#v", s))

	b, err := json.Marshal(map[string]any{"v": s, "p": &s})
	require.NoError(t, err)
	assert.JSONEq(t, `{"v":"[REDACTED]","p":"[REDACTED]"}`, string(b))
	type holder struct{ S zstack.TOTPSecret }
	b, err = xml.Marshal(holder{s})
	require.NoError(t, err)
	assert.Equal(t, "<holder><S>[REDACTED]</S></holder>", string(b))

	var text, js bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("m", "secret", s, "ptr", &s)
	slog.New(slog.NewJSONHandler(&js, nil)).Info("m", "secret", s, "ptr", &s)
	assertNoSecret(t, "slog text", text.String())
	assertNoSecret(t, "slog JSON", js.String())
	assert.Contains(t, text.String(), "secret=[REDACTED]")

	var zero zstack.TOTPSecret
	assert.True(t, zero.IsZero())
	assert.Empty(t, zero.Reveal())
	assert.Empty(t, zero.String())
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
			assert.Contains(t, text.String(), "dev.id="+p.ID())
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
		"status": "active",
		"vendor_status": "Logined",
		"create_date_text": "28/10/2025 14h09",
		"last_op_date_text": "1761660566000",
		"totp_secret": "[REDACTED]"
	}`, string(b), "unknown dates: no created_at, the text kept")

	page, _ = query(t, []byte(`{"inventories":[{"uuid":"s1","userUuid":"u1"}]}`))
	b, err = json.Marshal(page.Secrets[0])
	require.NoError(t, err)
	assert.JSONEq(t, `{"provider":"zstack","id":"s1","user_id":"u1","status":"unknown","vendor_status":""}`, string(b))
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
