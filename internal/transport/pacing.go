package transport

import (
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/openmfa/mfa-go/internal/pause"
	"github.com/openmfa/mfa-go/mfa"
)

// Pacing tunes how fast the rate comes back after a refusal, and how far
// it drops.
const (
	// minRate is the floor of a lowered rate, in requests per second: a
	// client paced below it would look stalled.
	minRate = 0.5
	// lowerTo is the share of the rate the server was seen to accept that
	// a refusal lowers the rate to.
	lowerTo = 0.9
	// raiseBy is how much a second of calls without a refusal raises the
	// rate back towards what the server was seen to accept.
	raiseBy = 1.03
	// nearAccepted is the share of the accepted rate that raiseBy raises
	// to; past it, each second raises the rate by probeBy of the accepted
	// rate only, so that a server whose quota is full refuses again seldom,
	// while one whose quota grew is found out in time.
	nearAccepted = 0.97
	probeBy      = 0.005
	// catchUpBy raises a rate set before a full second of answers could
	// tell what the server accepts (a run that is refused at its start).
	catchUpBy = 1.25
)

// pacer spaces the requests of one Client as mfa.Pacing says. It starts
// at the configured rate (none: as fast as calls come). When the server refuses a request
// for rate, it lowers the rate for every caller, below what the server was
// seen to accept; it raises it again, second by second, while calls
// succeed, never above the configured rate.
type pacer struct {
	limiter  *rate.Limiter
	ceiling  rate.Limit // the configured rate, rate.Inf for none; 0 for a fixed rate
	provider string
	log      *slog.Logger

	mu       sync.Mutex
	lowered  time.Time // requests sent before it were sent at a higher rate
	raised   time.Time
	accepted successWindow
	// accepts is the rate the server accepted when it last refused, once
	// a full second of answers was counted; rate.Inf before.
	accepts rate.Limit
}

func newPacer(provider string, pacing mfa.Pacing, log *slog.Logger) *pacer {
	limit := rate.Inf
	if pacing.Rate > 0 {
		limit = rate.Limit(pacing.Rate)
	}
	ceiling := limit
	if pacing.Fixed {
		ceiling = 0 // never raised, and answers are not observed
	}
	return &pacer{limiter: rate.NewLimiter(limit, max(pacing.Burst, 1)), ceiling: ceiling, provider: provider, log: log, accepts: rate.Inf}
}

// Rate returns the current rate in requests per second, or 0 when
// requests are not paced.
func (p *pacer) Rate() float64 {
	if l := p.limiter.Limit(); l != rate.Inf {
		return float64(l)
	}
	return 0
}

// pastDeadline is the refusal of a request whose turn would come after its
// context's deadline.
const pastDeadline = "the client's rate limit would not let the request go before its deadline"

// wait blocks until the request may go. A wait that would outlast ctx's
// deadline fails at once, as rate limited. A request that waits gives
// back what its caller holds for it meanwhile (see package pause).
func (p *pacer) wait(req *http.Request) error {
	ctx := req.Context()
	wait := func() error { return p.limiter.Wait(ctx) }
	var err error
	if p.limiter.Tokens() < 1 {
		err = pause.During(ctx, wait)
	} else {
		err = wait() // its turn is now, or nearly: nothing to give back
	}
	if err == nil || ctx.Err() != nil {
		return err
	}
	return &mfa.APIError{Provider: p.provider, Message: pastDeadline, Kind: mfa.ErrRateLimited}
}

// observe learns from the answer to a request that began waiting for its
// turn at queued.
func (p *pacer) observe(status int, queued time.Time) {
	switch {
	case status >= 200 && status < 300:
		p.succeeded()
	case status == http.StatusTooManyRequests || status == http.StatusRequestEntityTooLarge:
		p.refused(queued)
	}
}

func (p *pacer) refused(queued time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if queued.Before(p.lowered) {
		// Its turn was given at the old rate (a turn, once given, is not
		// moved): its refusal says nothing new.
		return
	}
	now := time.Now()
	from := p.limiter.Limit()
	base := from
	seen := p.accepted.rate(now)
	if seen > 0 && seen < base {
		base = seen
	}
	if base == rate.Inf {
		return // nothing accepted yet to pace by: Retry-After alone says when to come back
	}
	to := max(minRate, base*lowerTo)
	if p.accepted.full(now) && seen > 0 {
		p.accepts = seen
	}
	p.limiter.SetLimitAt(now, to)
	p.lowered, p.raised = now, now
	p.log.Debug("rate lowered after a refusal", "provider", p.provider, "from", limitText(from), "to", limitText(to))
}

func (p *pacer) succeeded() {
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.accepted.add(now)
	from := p.limiter.Limit()
	if from >= p.ceiling || now.Sub(p.raised) < time.Second {
		return
	}
	if p.accepted.rate(now) < from*0.9 {
		// The calls do not use the rate they have (the caller sends
		// fewer): a higher one would be untested, and the first burst at
		// it refused.
		return
	}
	var to rate.Limit
	switch {
	case p.accepts == rate.Inf:
		to = from * catchUpBy
	case from < p.accepts*nearAccepted:
		to = min(from*raiseBy+0.5, p.accepts*nearAccepted)
	default:
		to = from + p.accepts*probeBy
	}
	to = min(p.ceiling, to)
	p.limiter.SetLimitAt(now, to)
	p.raised = now
	p.log.Debug("rate raised", "provider", p.provider, "from", limitText(from), "to", limitText(to))
}

func limitText(l rate.Limit) string {
	if l == rate.Inf {
		return "none"
	}
	return fmt.Sprintf("%.2f/s", float64(l))
}

// successWindow counts the successes of the last second, in tenths of a
// second, to tell the rate the server accepts.
type successWindow struct {
	start  int64 // the tenth of a second counts[0] began at
	counts [10]int
	first  time.Time // the first success counted
}

func (w *successWindow) add(now time.Time) {
	w.advance(now)
	w.counts[9]++
	if w.first.IsZero() {
		w.first = now
	}
}

// rate returns the successes of the last second: the rate the server
// accepts, once it refuses more. A run younger than a second counts its
// successes as a second's: an API gateway's burst is about a second of its
// quota, and a run refused at its start has seen little more.
func (w *successWindow) rate(now time.Time) rate.Limit {
	w.advance(now)
	n := 0
	for _, c := range w.counts {
		n += c
	}
	return rate.Limit(n)
}

// full reports whether the window has counted a whole second.
func (w *successWindow) full(now time.Time) bool {
	return !w.first.IsZero() && now.Sub(w.first) >= time.Second
}

// advance moves the window so that its last tenth is now's.
func (w *successWindow) advance(now time.Time) {
	tenth := now.UnixNano() / int64(100*time.Millisecond)
	shift := tenth - 9 - w.start
	switch {
	case shift <= 0:
		return
	case shift >= int64(len(w.counts)):
		w.counts = [10]int{}
	default:
		copy(w.counts[:], w.counts[shift:])
		clear(w.counts[len(w.counts)-int(shift):])
	}
	w.start = tenth - 9
}

// pacedTransport paces every attempt, retries included, and shows the
// pacer each answer.
type pacedTransport struct {
	next  http.RoundTripper
	pacer *pacer
}

func (t pacedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.pacer == nil {
		return t.next.RoundTrip(req)
	}
	queued := time.Now()
	if err := t.pacer.wait(req); err != nil {
		if req.Body != nil {
			req.Body.Close() // a RoundTripper owns the body, even when it fails
		}
		return nil, err
	}
	resp, err := t.next.RoundTrip(req)
	if err == nil && t.pacer.ceiling != 0 {
		t.pacer.observe(resp.StatusCode, queued)
	}
	return resp, err
}
