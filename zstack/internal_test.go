package zstack

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestRedactSecretValues(t *testing.T) {
	tests := map[string]string{
		`{"secret":"S3CR3T","uuid":"u"}`:                    `{"secret":"[REDACTED]","uuid":"u"}`,
		`{"secret" : "S3\"CR\\3T" ,"uuid":"u"}`:             `{"secret" : "[REDACTED]" ,"uuid":"u"}`,
		`{"secret":12345}`:                                  `{"secret":"[REDACTED]"}`,
		`{"secret":{"a":"S3CR3T","b":[1,{"c":"x"}]},"d":1}`: `{"secret":"[REDACTED]","d":1}`,
		`{"secret":["S3CR3T",["x"]]}`:                       `{"secret":"[REDACTED]"}`,
		`{"secret":"S3CR`:                                   `{"secret":"[REDACTED]"`,
		`{"secret":{"a":"S3CR`:                              `{"secret":"[REDACTED]"`,
		`{"secret":`:                                        `{"secret":`,
		`{"name":"secret","secret":"S3CR3T"}`:               `{"name":"secret","secret":"[REDACTED]"}`,
		`{"x":"a\"secret","y":"S3CR3T"}`:                    `{"x":"a\"secret","y":"S3CR3T"}`,
		`{"a\"secret":"S3CR3T"}`:                            `{"a\"secret":"[REDACTED]"}`,
		`[{"secret":"A1"},{"secret":"B2"}]`:                 `[{"secret":"[REDACTED]"},{"secret":"[REDACTED]"}]`,
		`no secret here`:                                    `no secret here`,
		`{"secret":null}`:                                   `{"secret":"[REDACTED]"}`,
		// Keys encoding/json, and so the decoders, read as "secret".
		`{"SECRET":"S3CR3T"}`:                 `{"SECRET":"[REDACTED]"}`,
		`{"seCrEt":"0"}`:                      `{"seCrEt":"[REDACTED]"}`,
		`{"\u0073ecret":"S3CR3T"}`:            `{"\u0073ecret":"[REDACTED]"}`,
		`{"\u0053\u0045CRET":"S3CR3T","u":1}`: `{"\u0053\u0045CRET":"[REDACTED]","u":1}`,
		"{\"\u017fecret\":\"S3CR3T\"}":        "{\"\u017fecret\":\"[REDACTED]\"}", // ſ folds to s
		`{"secrets":"x","secre":"y"}`:         `{"secrets":"x","secre":"y"}`,
		`{"\u0073ecret\u0073":"x"}`:           `{"\u0073ecret\u0073":"x"}`,
	}
	for in, want := range tests {
		assert.Equal(t, want, string(redactSecretValues([]byte(in))), in)
	}
}

func TestParseDate(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	want := time.Date(2025, 10, 28, 14, 9, 26, 0, time.UTC)
	for _, s := range []string{
		"Oct 28, 2025 2:09:26 PM", "Oct 28, 2025, 2:09:26 PM", "Oct 28, 2025 2:09:26\u202fPM",
		"Oct 28, 2025, 2:09:26\u202fPM", "Oct 28, 2025 2:09:26\u00a0PM", "Oct 28, 2025 14:09:26",
		"Oct 28, 2025, 14:09:26", " Oct 28, 2025 2:09:26 PM ", "Oct 28, 2025 2:09:26.0 PM",
		"2025-10-28T14:09:26Z", "2025-10-28T22:09:26.000+08:00", "2025-10-28 14:09:26", "2025-10-28 14:09:26.0",
	} {
		got, ok := parseDate(s, time.UTC)
		assert.True(t, ok, s)
		assert.Equal(t, want, got, s)
		assert.Equal(t, time.UTC, got.Location(), s)
	}
	got, ok := parseDate("Jan 2, 2006 12:04:05 AM", cst)
	assert.True(t, ok)
	assert.Equal(t, time.Date(2006, 1, 1, 16, 4, 5, 0, time.UTC), got, "12 AM in the server's zone, UTC+8")
	got, _ = parseDate("2025-10-28T14:09:26Z", cst)
	assert.Equal(t, want, got, "RFC 3339 carries its own offset")

	for _, s := range []string{"", " ", "yesterday", "1761660566000", "28/10/2025 14h09", "Oct 28, 2025 2:09:26\u2009PM",
		"Feb 29, 2023 11:59:59 PM", "Oct 28, 2025 13:09:26 PM", "Oct 28, 2025 2:60:26 PM", "Oct 28 2025 2:09:26 PM"} {
		got, ok := parseDate(s, cst)
		assert.False(t, ok, s)
		assert.True(t, got.IsZero(), s)
	}
}
