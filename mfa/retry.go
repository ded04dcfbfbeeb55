package mfa

import "time"

// RetryPolicy says how a vendor client retries a call that failed for a
// reason that may pass: HTTP 429, 413 (over limit), 502, 503, 504, an error
// code the vendor marks as transient, or a network error. Only idempotent
// methods are retried; 400, 401, 403 and 404 never are. The zero value is
// the default policy.
type RetryPolicy struct {
	// MaxAttempts is the number of attempts, the first included. 0 means 4;
	// 1 turns retries off.
	MaxAttempts int
	// MinWait is the first backoff; each retry doubles it, with jitter.
	// 0 means 200ms.
	MinWait time.Duration
	// MaxWait caps the exponential backoff. 0 means 5s.
	MaxWait time.Duration
	// MaxRetryAfter caps a wait the server asks for with Retry-After
	// (seconds or an HTTP date). 0 means 30s.
	MaxRetryAfter time.Duration
}

// The defaults a zero RetryPolicy stands for.
const (
	DefaultMaxAttempts   = 4
	DefaultMinWait       = 200 * time.Millisecond
	DefaultMaxWait       = 5 * time.Second
	DefaultMaxRetryAfter = 30 * time.Second
)

// WithDefaults returns p with every zero field set to its default.
func (p RetryPolicy) WithDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = DefaultMaxAttempts
	}
	if p.MinWait <= 0 {
		p.MinWait = DefaultMinWait
	}
	if p.MaxWait <= 0 {
		p.MaxWait = DefaultMaxWait
	}
	if p.MaxWait < p.MinWait {
		p.MaxWait = p.MinWait
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = DefaultMaxRetryAfter
	}
	return p
}
