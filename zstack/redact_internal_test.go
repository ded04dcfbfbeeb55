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
	}
	for in, want := range tests {
		assert.Equal(t, want, string(redactSecretValues([]byte(in))), in)
	}
}
