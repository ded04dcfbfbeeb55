package mfa_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/mfa"
)

var sentinels = []error{
	mfa.ErrNotFound, mfa.ErrUnauthorized, mfa.ErrForbidden, mfa.ErrRateLimited,
	mfa.ErrUnavailable, mfa.ErrBadRequest, mfa.ErrUnsupported, mfa.ErrInvalidResponse,
	mfa.ErrUnknownProvider,
}

// matching returns the sentinels err matches.
func matching(err error) []error {
	var out []error
	for _, s := range sentinels {
		if errors.Is(err, s) {
			out = append(out, s)
		}
	}
	return out
}

func TestAPIErrorMatchesTheSentinelOfItsStatus(t *testing.T) {
	cases := map[int]error{
		400: mfa.ErrBadRequest,
		401: mfa.ErrUnauthorized,
		403: mfa.ErrForbidden,
		404: mfa.ErrNotFound,
		405: mfa.ErrUnsupported,
		409: mfa.ErrBadRequest,
		413: mfa.ErrRateLimited,
		429: mfa.ErrRateLimited,
		500: mfa.ErrUnavailable,
		502: mfa.ErrUnavailable,
		503: mfa.ErrUnavailable,
		504: mfa.ErrUnavailable,
		200: mfa.ErrInvalidResponse,
		302: mfa.ErrInvalidResponse,
	}
	for status, want := range cases {
		err := error(&mfa.APIError{Provider: "p", StatusCode: status})
		assert.Equal(t, []error{want}, matching(err), "status %d", status)
		assert.Equal(t, want, mfa.StatusFor(status), "status %d", status)
	}
}

func TestAPIErrorKindOverridesTheStatus(t *testing.T) {
	// ZStack answers 503 to every failed query; its code decides.
	err := error(&mfa.APIError{Provider: "zs", StatusCode: 503, Code: "SYS.1003", Kind: mfa.ErrNotFound})
	assert.Equal(t, []error{mfa.ErrNotFound}, matching(err))
}

func TestAPIErrorThroughWrapping(t *testing.T) {
	inner := &mfa.APIError{Provider: "hw", StatusCode: 404, Code: "IAM.0004", Message: "Could not find user", RequestID: "r-1"}
	err := fmt.Errorf("context: %w", &mfa.LookupError{Provider: "hw", UserID: "u1", Err: inner})

	assert.ErrorIs(t, err, mfa.ErrNotFound)
	var apiErr *mfa.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "IAM.0004", apiErr.Code)
	var le *mfa.LookupError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "u1", le.UserID)
	assert.Equal(t, `context: provider "hw" user "u1": hw: HTTP 404 IAM.0004: Could not find user [request id r-1]`, err.Error())
}

func TestAPIErrorCauses(t *testing.T) {
	root := &mfa.APIError{Code: "SYS.1003", Message: "resource not found"}
	second := &mfa.APIError{Code: "SYS.1016", Message: "I/O error"}
	err := &mfa.APIError{Provider: "zs", StatusCode: 503, Code: "SYS.1000", Message: "internal error", Kind: mfa.ErrUnavailable, Causes: []error{root, second}}

	var got *mfa.APIError
	require.ErrorAs(t, err, &got)
	assert.Same(t, err, got, "errors.As finds the top error first")
	for _, cause := range []*mfa.APIError{root, second} {
		assert.ErrorIs(t, err, cause, "every cause is reachable through Unwrap")
	}
	assert.Equal(t, []error{mfa.ErrUnavailable}, matching(err), "a cause must not add a second sentinel")
	assert.Nil(t, matching(root), "a nested cause has no status and matches nothing")
	assert.Equal(t, "zs: HTTP 503 SYS.1000: internal error: caused by SYS.1003: resource not found; and by SYS.1016: I/O error", err.Error())
}

func TestAPIErrorText(t *testing.T) {
	cases := []struct {
		err  mfa.APIError
		want string
	}{
		{mfa.APIError{Provider: "rax", StatusCode: 413, Code: "overLimit", Message: "Over limit", Details: "Retry in 5s"}, "rax: HTTP 413 overLimit: Over limit (Retry in 5s)"},
		{mfa.APIError{Provider: "rax", StatusCode: 502, Message: "Bad Gateway"}, "rax: HTTP 502: Bad Gateway"},
		{mfa.APIError{StatusCode: 401}, "HTTP 401"},
		{mfa.APIError{Code: "X", Message: "m", Details: "m"}, "X: m"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, c.err.Error())
	}
}

func TestRetryPolicyDefaults(t *testing.T) {
	p := mfa.RetryPolicy{}.WithDefaults()
	assert.Equal(t, mfa.RetryPolicy{
		MaxAttempts: mfa.DefaultMaxAttempts, MinWait: mfa.DefaultMinWait,
		MaxWait: mfa.DefaultMaxWait, MaxRetryAfter: mfa.DefaultMaxRetryAfter,
	}, p)

	custom := mfa.RetryPolicy{MaxAttempts: 1, MinWait: 10 * mfa.DefaultMaxWait}.WithDefaults()
	assert.Equal(t, 1, custom.MaxAttempts)
	assert.Equal(t, custom.MinWait, custom.MaxWait, "MaxWait never below MinWait")
}

func TestAPIErrorSkipsNilCauses(t *testing.T) {
	e := &mfa.APIError{Provider: "p", StatusCode: 400, Message: "m",
		Causes: []error{nil, errors.New("a"), nil, errors.New("b"), nil}}
	assert.Equal(t, "p: HTTP 400: m: caused by a; and by b", e.Error())
	assert.Equal(t, "m", (&mfa.APIError{Message: "m", Causes: []error{nil}}).Error())
	assert.Equal(t, []error{mfa.ErrBadRequest}, matching(e))
}
