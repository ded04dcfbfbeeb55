package transport

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/openmfa/mfa-go/internal/pause"
	"github.com/openmfa/mfa-go/mfa"
)

func TestPacingIsValidated(t *testing.T) {
	_, err := New(Config{BaseURL: &url.URL{Scheme: "http", Host: "x"}, Pacing: mfa.Pacing{Rate: -5}})
	assert.ErrorContains(t, err, "Pacing: rate -5 is not a rate")
}

// quotaServer answers 429 with Retry-After once its token bucket is empty,
// as an API gateway does, and counts what it answered.
type quotaServer struct {
	*httptest.Server
	bucket            *rate.Limiter
	accepted, refused atomic.Int64
}

func newQuotaServer(t *testing.T, perSecond float64, burst int) *quotaServer {
	q := &quotaServer{bucket: rate.NewLimiter(rate.Limit(perSecond), burst)}
	q.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !q.bucket.Allow() {
			q.refused.Add(1)
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		q.accepted.Add(1)
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(q.Close)
	return q
}

func (q *quotaServer) client(t *testing.T, cfg Config) *Client {
	u, err := url.Parse(q.URL)
	require.NoError(t, err)
	cfg.Provider, cfg.BaseURL = "test", u
	if cfg.Retry.MaxAttempts == 0 {
		cfg.Retry = mfa.RetryPolicy{MaxAttempts: 10, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond}
	}
	c, err := New(cfg)
	require.NoError(t, err)
	return c
}

// hammer makes n calls from workers goroutines and returns how many
// failed.
func hammer(c *Client, n, workers int) int {
	var failed atomic.Int64
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				if _, err := c.Do(context.Background(), get("/x")); err != nil {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return int(failed.Load())
}

func TestAConfiguredRateIsNeverRefused(t *testing.T) {
	// A burst of a tenth of a second: room for the scheduling jitter of a
	// busy machine, none for an unpaced client (8 callers at once).
	q := newQuotaServer(t, 100, 10)
	c := q.client(t, Config{Pacing: mfa.Pacing{Rate: 100}})
	assert.Zero(t, hammer(c, 60, 8))
	assert.EqualValues(t, 60, q.accepted.Load())
	assert.Zero(t, q.refused.Load(), "paced at the quota, the server refuses nothing")
	assert.Equal(t, 100.0, c.Rate())
}

func TestRefusalsLowerTheRateForEveryCaller(t *testing.T) {
	var logs bytes.Buffer
	// A second's worth of burst, as API gateways allow.
	q := newQuotaServer(t, 100, 100)
	c := q.client(t, Config{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	assert.Zero(t, c.Rate(), "no rate until the server refuses one")

	assert.Zero(t, hammer(c, 300, 16), "no call is lost")
	assert.EqualValues(t, 300, q.accepted.Load())
	assert.Positive(t, c.Rate(), "the first refusal set a rate")
	assert.Less(t, q.refused.Load(), int64(60), "refusals stay few once paced (16 calls were in flight at the first)")
	assert.Contains(t, logs.String(), "rate lowered after a refusal")
}

func TestFixedRateIsNotLowered(t *testing.T) {
	q := newQuotaServer(t, 1000, 1)
	q.bucket.SetLimit(0) // refuse everything after the first
	once := mfa.RetryPolicy{MaxAttempts: 1}
	c := q.client(t, Config{Pacing: mfa.Pacing{Rate: 200, Fixed: true}, Retry: once})
	hammer(c, 20, 4)
	assert.Equal(t, 200.0, c.Rate())

	c = q.client(t, Config{Pacing: mfa.Pacing{Fixed: true}, Retry: once})
	hammer(c, 20, 4)
	assert.Zero(t, c.Rate(), "a fixed pace without a rate: no pacing at all")
}

func TestWaitingForTheLimiterHonoursTheContext(t *testing.T) {
	q := newQuotaServer(t, 1000, 1000)
	c := q.client(t, Config{Pacing: mfa.Pacing{Rate: 0.01}}) // one call, then one each 100 s
	_, err := c.Do(context.Background(), get("/x"))
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = c.Do(ctx, get("/x"))
	assert.ErrorIs(t, err, mfa.ErrRateLimited, "a turn after the deadline fails at once")
	assert.NoError(t, ctx.Err())

	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(10*time.Millisecond, cancel)
	_, err = c.Do(ctx, get("/x"))
	assert.ErrorIs(t, err, context.Canceled, "cancelling stops the wait")
	assert.EqualValues(t, 1, q.accepted.Load()+q.refused.Load(), "neither waiting call was sent")
}

func TestSuccessWindow(t *testing.T) {
	var w successWindow
	t0 := time.Unix(1000, 0)
	for i := range 30 {
		w.add(t0.Add(time.Duration(i) * 10 * time.Millisecond)) // 30 in 0.3 s
	}
	assert.Equal(t, rate.Limit(30), w.rate(t0.Add(300*time.Millisecond)), "30 in the 0.3 s since the first count as a second's")
	assert.False(t, w.full(t0.Add(300*time.Millisecond)))
	assert.Equal(t, rate.Limit(10), w.rate(t0.Add(1100*time.Millisecond)), "the first two tenths have left the window")
	assert.True(t, w.full(t0.Add(1100*time.Millisecond)))
	assert.Equal(t, rate.Limit(0), w.rate(t0.Add(5*time.Second)))
}

// holder records what the pacer tells the caller's pause.Holder.
type holder struct {
	mu     sync.Mutex
	events []string
}

func (h *holder) Pause() { h.mu.Lock(); h.events = append(h.events, "pause"); h.mu.Unlock() }
func (h *holder) Resume(context.Context) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events = append(h.events, "resume")
	return nil
}

func TestARequestWaitingItsTurnGivesBackWhatItsCallerHolds(t *testing.T) {
	q := newQuotaServer(t, 1000, 1000)
	c := q.client(t, Config{Pacing: mfa.Pacing{Rate: 4, Fixed: true}}) // one each 250 ms
	h := &holder{}
	ctx := pause.With(context.Background(), h)
	_, err := c.Do(ctx, get("/x"))
	require.NoError(t, err)
	assert.Empty(t, h.events, "a request whose turn is now keeps what it holds")
	_, err = c.Do(ctx, get("/x"))
	require.NoError(t, err)
	assert.Equal(t, []string{"pause", "resume"}, h.events, "a request that waits its turn gives it back meanwhile")
}
