package mfa

import (
	"errors"
	"fmt"
	"math"
	"time"
)

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

// MaxBurst bounds Pacing.Burst: a burst larger than this is no pacing at
// all, and is taken for a mistake.
const MaxBurst = 10_000

// Pacing says how fast a vendor client sends its requests. Every attempt
// counts, retries included, and every provider of one client shares the
// pace. The zero value sends calls as they come, and paces them only once
// the server refuses one for rate.
//
// Unless Fixed is set, a refusal for rate (HTTP 429, Rackspace's 413
// overLimit, Huawei's APIG.0308) lowers the rate of every call of the
// client below what the server was seen to accept, and calls that succeed
// raise it again slowly, never above Rate.
type Pacing struct {
	// Rate is the most requests per second; 0 means no limit until the
	// server refuses one.
	Rate float64
	// Burst is how many requests may go at once within Rate; 0 means 1
	// (evenly spaced, which a server's token bucket accepts best). At most
	// MaxBurst.
	Burst int
	// Fixed keeps the rate at Rate: refusals do not lower it. With Rate 0,
	// nothing paces the calls at all.
	Fixed bool
}

// Validate returns an error naming the field at fault when p cannot work:
// a negative, NaN or infinite Rate, a Burst below 0 or above MaxBurst, or
// a Burst without a Rate.
func (p Pacing) Validate() error {
	switch {
	case math.IsNaN(p.Rate) || math.IsInf(p.Rate, 0) || p.Rate < 0:
		return fmt.Errorf("rate %v is not a rate: give requests per second, or 0 for none", p.Rate)
	case p.Burst < 0 || p.Burst > MaxBurst:
		return fmt.Errorf("burst %d is out of range: give 0 to %d", p.Burst, MaxBurst)
	case p.Burst > 0 && p.Rate == 0:
		return errors.New("a burst is set without a rate")
	}
	return nil
}
