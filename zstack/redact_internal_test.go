package zstack

import (
	"testing"

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
		got, redacted := redactSecretValues([]byte(in))
		assert.Equal(t, want, string(got), in)
		assert.Equal(t, want != in, redacted, in)
	}
}
