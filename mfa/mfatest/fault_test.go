package mfatest_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openmfa/mfa-go/mfa/mfatest"
)

func TestFaultConstructors(t *testing.T) {
	assert.Equal(t, mfatest.Fault{Kind: mfatest.FaultRateLimit, Count: 2, RetryAfter: "3"}, mfatest.RateLimit(2, "3"))
	assert.Equal(t, mfatest.Fault{Kind: mfatest.FaultServerError, Count: 1, Status: 504}, mfatest.ServerErrors(1, 504))
	assert.Equal(t, mfatest.Fault{Kind: mfatest.FaultServerError, Status: 503}, mfatest.Down(), "until ClearFaults")
	assert.Equal(t, mfatest.Fault{Kind: mfatest.FaultTruncated, Count: 4}, mfatest.Truncated(4))
	assert.Equal(t, mfatest.Fault{Kind: mfatest.FaultHTML, Count: 1}, mfatest.HTMLPage(1))
}

func TestFaultKindString(t *testing.T) {
	for k, want := range map[mfatest.FaultKind]string{
		mfatest.FaultRateLimit: "FaultRateLimit", mfatest.FaultServerError: "FaultServerError",
		mfatest.FaultTruncated: "FaultTruncated", mfatest.FaultHTML: "FaultHTML", 0: "FaultKind(0)", 42: "FaultKind(42)",
	} {
		assert.Equal(t, want, k.String())
	}
}
