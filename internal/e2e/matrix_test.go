package e2e

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/mfatest"
)

// The fault matrix: one test per fault, each run against every client it
// applies to, through UserDevices, AllDevices, Device and Users. Every row
// checks the sentinel with errors.Is, that the message names the provider,
// and that no goroutine is left (noLeaks); run checks that no credential
// header value the client sent or received reaches the error.

// eachOp runs body for every public call of every kind, each in a subtest
// named kind/op. mk builds the client of a kind (once per kind).
func eachOp(t *testing.T, ks []kind, mk func(t *testing.T, k kind) (*target, []op), body func(t *testing.T, tg *target, o op)) {
	for _, k := range ks {
		t.Run(k.String(), func(t *testing.T) {
			tg, ops := mk(t, k)
			for _, o := range ops {
				t.Run(o.name, func(t *testing.T) { body(t, tg, o) })
			}
		})
	}
}

// times is how many requests o sends when every request fails the same
// way and each sends n: twice n for the call that goes on past a failure.
func times(o op, n int) int {
	if o.tolerant {
		return 2 * n
	}
	return n
}

// hijack takes over the connection of a request and writes raw to it, then
// resets the connection (SO_LINGER 0: the peer reads ECONNRESET).
func hijack(t testing.TB, w http.ResponseWriter, raw string) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	if raw != "" {
		_, _ = buf.WriteString(raw)
		_ = buf.Flush()
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// Row: the connection is reset in the middle of a 200 body. The body is
// read after the response arrived, so the call fails at once with
// ErrUnavailable. A reset before any response is a network error: the
// call is retried, MaxAttempts times in all.
func TestFaultConnectionReset(t *testing.T) {
	noLeaks(t)
	t.Run("mid-body", func(t *testing.T) {
		eachOp(t, kinds, func(t *testing.T, k kind) (*target, []op) {
			f := newFake(t, k, func(w http.ResponseWriter, r *http.Request) {
				ct, body := validBody(k, r)
				raw := "HTTP/1.1 200 OK\r\nContent-Type: " + ct + "\r\nContent-Length: " + strconv.Itoa(len(body)+4096) + "\r\n\r\n" + body[:len(body)/2]
				hijack(t, w, raw)
			})
			tg := mustBuild(t, k, fakeSetup(f, static, newRecorder(t)))
			return tg, fakeOps(tg)
		}, func(t *testing.T, tg *target, o op) {
			_, err := run(t, context.Background(), o)
			assertKind(t, err, mfa.ErrUnavailable, tg.kind.provider())
		})
	})
	t.Run("before-response", func(t *testing.T) {
		var hits atomic.Int64
		eachOp(t, kinds, func(t *testing.T, k kind) (*target, []op) {
			f := newFake(t, k, func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				hijack(t, w, "")
			})
			tg := mustBuild(t, k, fakeSetup(f, static, newRecorder(t)))
			return tg, fakeOps(tg)
		}, func(t *testing.T, tg *target, o op) {
			before := hits.Load()
			_, err := run(t, context.Background(), o)
			assertKind(t, err, mfa.ErrUnavailable, tg.kind.provider())
			assert.EqualValues(t, times(o, fastRetry.MaxAttempts), hits.Load()-before, "attempts")
		})
	})
}

// serverOps builds the client of k over the test servers with static
// credentials, and returns its calls on a user who has a device.
func serverOps(s *servers) func(t *testing.T, k kind) (*target, []op) {
	return func(t *testing.T, k kind) (*target, []op) {
		tg := mustBuild(t, k, s.setup(k, static, newRecorder(t)))
		user, device := s.ids(t, k)
		return tg, tg.ops(user, device)
	}
}

// baseline returns how many requests o sends when nothing goes wrong.
func baseline(t *testing.T, api faulty, o op) int {
	t.Helper()
	before := api.RequestCount()
	res, err := run(t, context.Background(), o)
	require.NoError(t, err, "%s without a fault", o.name)
	require.NotZero(t, res.len(), "%s without a fault", o.name)
	return api.RequestCount() - before
}

// Rows: a body cut in half (JSON, and XML for rackspace-xml) and an HTML
// page with a 200 status: ErrInvalidResponse, not retried (one request),
// and the next call succeeds.
func TestFaultTruncatedAndHTML(t *testing.T) {
	noLeaks(t)
	s := startServers(t, 5, 6, 0)
	for _, fault := range []struct {
		name string
		f    mfatest.Fault
	}{
		{"truncated", mfatest.Truncated(1)},
		{"html-200", mfatest.HTMLPage(1)},
	} {
		t.Run(fault.name, func(t *testing.T) {
			eachOp(t, kinds, serverOps(s), func(t *testing.T, tg *target, o op) {
				api := s.api(tg.kind)
				api.Inject(fault.f)
				before := api.RequestCount()
				_, err := run(t, context.Background(), o)
				assertKind(t, err, mfa.ErrInvalidResponse, tg.kind.provider())
				if !o.tolerant {
					assert.Equal(t, 1, api.RequestCount()-before, "requests")
				}
				var ae *mfa.APIError
				if assert.ErrorAs(t, err, &ae) {
					assert.Equal(t, http.StatusOK, ae.StatusCode)
				}
				res, err := run(t, context.Background(), o)
				assert.NoError(t, err, "the call after the fault")
				assert.NotZero(t, res.len())
			})
		})
	}
}

// Row: a proxy in front of the API answers 502 with an HTML page. The call
// is retried (MaxAttempts requests), then fails with ErrUnavailable whose
// message quotes the page's text, not its markup; a single 502 is retried
// away, at the cost of one request.
func TestFaultProxy502(t *testing.T) {
	noLeaks(t)
	s := startServers(t, 6, 6, 0)
	eachOp(t, kinds, serverOps(s), func(t *testing.T, tg *target, o op) {
		api := s.api(tg.kind)
		clean := baseline(t, api, o)
		api.Inject(mfatest.ServerErrors(fastRetry.MaxAttempts, http.StatusBadGateway))
		before := api.RequestCount()
		_, err := run(t, context.Background(), o)
		api.ClearFaults()
		assertKind(t, err, mfa.ErrUnavailable, tg.kind.provider())
		if !o.tolerant {
			assert.Equal(t, fastRetry.MaxAttempts, api.RequestCount()-before, "requests")
		}
		var ae *mfa.APIError
		if assert.ErrorAs(t, err, &ae) {
			assert.Equal(t, http.StatusBadGateway, ae.StatusCode)
			assert.NotContains(t, err.Error(), "<html", "the message quotes markup")
			assert.NotContains(t, strings.ToLower(err.Error()), "<body", "the message quotes markup")
		}

		api.Inject(mfatest.ServerErrors(1, http.StatusBadGateway))
		before = api.RequestCount()
		res, err := run(t, context.Background(), o)
		assert.NoError(t, err, "one 502 is retried away")
		assert.NotZero(t, res.len())
		assert.Equal(t, clean+1, api.RequestCount()-before, "requests")
	})
}

// Row: a 200 with an empty body is ErrInvalidResponse, never an empty list.
func TestFaultEmpty200(t *testing.T) {
	noLeaks(t)
	eachOp(t, kinds, func(t *testing.T, k kind) (*target, []op) {
		f := newFake(t, k, func(w http.ResponseWriter, r *http.Request) {
			ct, _ := validBody(k, r)
			w.Header().Set("Content-Type", ct)
			w.WriteHeader(http.StatusOK)
		})
		tg := mustBuild(t, k, fakeSetup(f, static, newRecorder(t)))
		return tg, fakeOps(tg)
	}, func(t *testing.T, tg *target, o op) {
		res, err := run(t, context.Background(), o)
		assertKind(t, err, mfa.ErrInvalidResponse, tg.kind.provider())
		assert.Zero(t, res.len())
	})
}

// padTo pads body with trailing spaces (still a valid JSON or XML body) to
// n bytes.
func padTo(body string, n int) string {
	if len(body) >= n {
		return body
	}
	return body + strings.Repeat(" ", n-len(body))
}

// Row: a body over Config.MaxResponseBytes is ErrInvalidResponse, with or
// without a Content-Length; the same body at exactly the limit decodes. And
// once, the default limit of 8 MiB against a 9 MiB body.
func TestFaultOversizedBody(t *testing.T) {
	noLeaks(t)
	const size = 4096
	for _, mode := range []string{"content-length", "chunked"} {
		t.Run(mode, func(t *testing.T) {
			for _, k := range kinds {
				t.Run(k.String(), func(t *testing.T) {
					f := newFake(t, k, func(w http.ResponseWriter, r *http.Request) {
						ct, body := validBody(k, r)
						body = padTo(body, size)
						w.Header().Set("Content-Type", ct)
						if mode == "content-length" {
							w.Header().Set("Content-Length", strconv.Itoa(len(body)))
							_, _ = w.Write([]byte(body))
							return
						}
						for i := 0; i < len(body); i += 512 {
							_, _ = w.Write([]byte(body[i:min(i+512, len(body))]))
							w.(http.Flusher).Flush()
						}
					})
					for _, limit := range []int64{size - 1, size} {
						t.Run("limit-"+strconv.FormatInt(limit, 10), func(t *testing.T) {
							st := fakeSetup(f, static, newRecorder(t))
							st.MaxBytes = limit
							tg := mustBuild(t, k, st)
							for _, o := range fakeOps(tg) {
								res, err := run(t, context.Background(), o)
								if limit < size {
									assertKind(t, err, mfa.ErrInvalidResponse, k.provider())
									if err != nil {
										assert.Contains(t, err.Error(), "limit", o.name)
									}
									continue
								}
								assert.NoError(t, err, o.name)
								assert.Equal(t, fakeWant(k, o), res.len(), o.name)
							}
						})
					}
				})
			}
		})
	}
	t.Run("default-limit", func(t *testing.T) {
		k := kRaxJSON
		f := newFake(t, k, func(w http.ResponseWriter, r *http.Request) {
			// 9 MiB of a valid start of a list, sent without a
			// Content-Length, so that only the limit stops the read.
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"RAX-AUTH:otpDevices":[`))
			spaces := []byte(strings.Repeat(" ", 64<<10))
			for sent := 0; sent < 9<<20; sent += len(spaces) {
				if _, err := w.Write(spaces); err != nil {
					return // the client stopped reading
				}
			}
		})
		tg := mustBuild(t, k, fakeSetup(f, static, newRecorder(t)))
		_, err := run(t, context.Background(), fakeOps(tg)[0])
		assertKind(t, err, mfa.ErrInvalidResponse, k.provider())
		if err != nil {
			assert.Contains(t, err.Error(), strconv.Itoa(8<<20), "the message gives the limit")
		}
	})
}

// Row: a body whose Content-Length is far over the limit (a terabyte) and
// that stalls after a few KB, as a hostile server may send. The size is
// known at the headers: the call fails at once with ErrInvalidResponse,
// without reading or draining the rest, long before the caller's deadline.
// A 503 so sent is retried, each attempt refused as fast.
func TestFaultHugeContentLengthStalls(t *testing.T) {
	noLeaks(t)
	for _, status := range []int{http.StatusOK, http.StatusServiceUnavailable} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			var hits atomic.Int64
			eachOp(t, kinds, func(t *testing.T, k kind) (*target, []op) {
				release := make(chan struct{})
				f := newFake(t, k, func(w http.ResponseWriter, r *http.Request) {
					hits.Add(1)
					ct, body := validBody(k, r)
					w.Header().Set("Content-Type", ct)
					w.Header().Set("Content-Length", strconv.FormatInt(1<<40, 10))
					w.WriteHeader(status)
					_, _ = w.Write([]byte(padTo(body, 3<<10)))
					w.(http.Flusher).Flush()
					select {
					case <-r.Context().Done():
					case <-release:
					}
				})
				t.Cleanup(func() { close(release) }) // before f closes
				tg := mustBuild(t, k, fakeSetup(f, static, newRecorder(t)))
				return tg, fakeOps(tg)
			}, func(t *testing.T, tg *target, o op) {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				before := hits.Load()
				_, err := run(t, ctx, o)
				assertKind(t, err, mfa.ErrInvalidResponse, tg.kind.provider())
				assert.NotErrorIs(t, err, context.DeadlineExceeded, "the call waited on the body until its deadline")
				if err != nil {
					assert.Contains(t, err.Error(), "limit")
				}
				attempts := 1
				if status != http.StatusOK {
					attempts = fastRetry.MaxAttempts
				}
				assert.EqualValues(t, times(o, attempts), hits.Load()-before, "requests")
			})
		})
	}
}

// Row: a server that stalls, before its headers or after them, on an API
// call or on the login. The caller's deadline ends the call promptly with
// an error matching context.DeadlineExceeded that names the provider. The
// calls wait out their deadlines side by side.
func TestFaultStall(t *testing.T) {
	noLeaks(t)
	type job struct {
		name string
		tg   *target
		o    op
		err  error
	}
	var jobs []*job
	for _, when := range []string{"before-headers", "after-headers", "login"} {
		for _, k := range kinds {
			release := make(chan struct{})
			stall := func(r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-release:
				}
			}
			var tg *target
			if when == "login" {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if !isLogin(k, r) {
						t.Errorf("%s %s before the login", r.Method, r.URL.Path)
					}
					stall(r)
				}))
				t.Cleanup(srv.Close)
				tg = mustBuild(t, k, setup{URL: srv.URL, IAMURL: srv.URL, Creds: fakeCreds, Auth: login, Rec: newRecorder(t)})
			} else {
				f := newFake(t, k, func(w http.ResponseWriter, r *http.Request) {
					if when == "after-headers" {
						ct, _ := validBody(k, r)
						w.Header().Set("Content-Type", ct)
						w.Header().Set("Content-Length", "100")
						w.WriteHeader(http.StatusOK)
						w.(http.Flusher).Flush()
					}
					stall(r)
				})
				tg = mustBuild(t, k, fakeSetup(f, static, newRecorder(t)))
			}
			t.Cleanup(func() { close(release) }) // before the server closes: cleanups run last-in first-out
			for _, o := range fakeOps(tg) {
				jobs = append(jobs, &job{name: when + "/" + k.String() + "/" + o.name, tg: tg, o: o})
			}
		}
	}
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			_, j.err = j.o.call(ctx)
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(hangLimit):
		t.Fatalf("the calls did not return within %v", hangLimit)
	}
	for _, j := range jobs {
		t.Run(j.name, func(t *testing.T) {
			require.Error(t, j.err)
			assert.ErrorIs(t, j.err, context.DeadlineExceeded)
			assert.Contains(t, j.err.Error(), j.tg.kind.provider())
			assertNoHeaderValues(t, []string{j.err.Error(), fmt.Sprintf("%+v", j.err)}, j.tg.rec)
		})
	}
}

// retryWaits returns the waits of the "retrying" debug lines of l.
func retryWaits(t testing.TB, l *logs) []time.Duration {
	var out []time.Duration
	for _, rec := range l.Records(t) {
		if rec["msg"] == "retrying" {
			if w, ok := rec["wait"].(float64); ok {
				out = append(out, time.Duration(w))
			}
		}
	}
	return out
}

// rateLimited is the sentinel of k's refusal for rate. ZStack has no 429:
// its rate limit is the transient SYS.1012 "management node unavailable".
func rateLimited(k kind) error {
	if k == kZStack {
		return mfa.ErrUnavailable
	}
	return mfa.ErrRateLimited
}

// Rows: Retry-After in seconds, as an HTTP date, and absurd (a day). The
// rate-limited call is retried after the wait the server asks for, capped
// by RetryPolicy.MaxRetryAfter: the debug line of the retry shows the
// capped wait (above the 2ms the backoff alone would give), and the call
// returns long before the wait asked for. Rate limiting on every attempt
// ends in ErrRateLimited (ZStack: ErrUnavailable) after MaxAttempts
// requests.
func TestFaultRetryAfter(t *testing.T) {
	noLeaks(t)
	s := startServers(t, 8, 6, 0)
	for _, ra := range []struct {
		name  string
		value func() string
	}{
		{"seconds", func() string { return "2" }},
		{"http-date", func() string { return time.Now().Add(time.Hour).UTC().Format(http.TimeFormat) }},
		{"absurd", func() string { return "86400" }},
	} {
		t.Run(ra.name, func(t *testing.T) {
			for _, k := range kinds {
				t.Run(k.String(), func(t *testing.T) {
					api := s.api(k)
					user, device := s.ids(t, k)
					var l logs
					st := s.setup(k, static, newRecorder(t))
					st.Logger = l.Logger()
					tg := mustBuild(t, k, st)
					for _, o := range tg.ops(user, device) {
						t.Run(o.name, func(t *testing.T) {
							clean := baseline(t, api, o)
							api.Inject(mfatest.RateLimit(1, ra.value()))
							before, waits := api.RequestCount(), len(retryWaits(t, &l))
							start := time.Now()
							res, err := run(t, context.Background(), o)
							require.NoError(t, err)
							assert.NotZero(t, res.len())
							assert.Less(t, time.Since(start), time.Minute, "the call waited as the server asked")
							assert.Equal(t, clean+1, api.RequestCount()-before, "requests")
							if w := retryWaits(t, &l)[waits:]; assert.Len(t, w, 1, "retry debug lines") {
								assert.Equal(t, fastRetry.MaxRetryAfter, w[0], "the wait used")
							}

							api.Inject(mfatest.RateLimit(0, ra.value()))
							defer api.ClearFaults()
							before = api.RequestCount()
							_, err = run(t, context.Background(), o)
							assertKind(t, err, rateLimited(k), k.provider())
							assert.Equal(t, times(o, fastRetry.MaxAttempts), api.RequestCount()-before, "requests")
						})
					}
				})
			}
		})
	}
}

// Row: a server asks for a wait (Retry-After) longer than what is left of
// the caller's deadline, under a policy that would allow it (an hour).
// The call does not sleep into the deadline: it returns the server's
// refusal at once, after one request.
func TestFaultRetryAfterPastDeadline(t *testing.T) {
	noLeaks(t)
	s := startServers(t, 13, 6, 0)
	eachOp(t, kinds, func(t *testing.T, k kind) (*target, []op) {
		st := s.setup(k, static, newRecorder(t))
		st.Retry = mfa.RetryPolicy{MaxAttempts: 3, MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond, MaxRetryAfter: time.Hour}
		tg := mustBuild(t, k, st)
		user, device := s.ids(t, k)
		return tg, tg.ops(user, device)
	}, func(t *testing.T, tg *target, o op) {
		api := s.api(tg.kind)
		api.Inject(mfatest.RateLimit(0, "86400"))
		defer api.ClearFaults()
		before := api.RequestCount()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err := run(t, ctx, o) // run fails the test on a hang
		assertKind(t, err, rateLimited(tg.kind), tg.p.Name())
		assert.NotErrorIs(t, err, context.DeadlineExceeded, "the call slept into its deadline")
		assert.Equal(t, times(o, 1), api.RequestCount()-before, "requests")
	})
}

// Row: a refusal for rate slows the client down. Under the default
// mfa.Pacing a client sends as fast as it is called until a server answers
// 429 (Rackspace: 413 overLimit); from then on it paces its calls, which
// still succeed. ZStack refuses no call for rate with a status of its own.
func TestFaultRateLimitPaces(t *testing.T) {
	noLeaks(t)
	s := startServers(t, 14, 6, 0)
	for _, k := range []kind{kIAM, kWorkspace, kRaxJSON, kRaxXML} {
		t.Run(k.String(), func(t *testing.T) {
			st := s.setup(k, static, newRecorder(t))
			st.Adaptive = true
			tg := mustBuild(t, k, st)
			paced := tg.p.(interface{ Rate() float64 })
			user, device := s.ids(t, k)
			o := tg.ops(user, device)[0]
			// The pace after a refusal is below what the server was seen
			// to accept: calls enough that it is no crawl.
			for range 40 {
				_, err := run(t, context.Background(), o)
				require.NoError(t, err)
			}
			assert.Zero(t, paced.Rate(), "paced before any refusal")
			s.api(k).Inject(mfatest.RateLimit(1, "0"))
			_, err := run(t, context.Background(), o)
			require.NoError(t, err, "the refused call is retried")
			assert.Positive(t, paced.Rate(), "not paced after a refusal")
			_, err = run(t, context.Background(), o)
			assert.NoError(t, err, "the paced call")
		})
	}
}

// Row: a storm of server errors. 502, 503 and 504 are retried, MaxAttempts
// requests in all; 500 is not retried. Every one is ErrUnavailable.
func TestFaultServerErrorStorm(t *testing.T) {
	noLeaks(t)
	s := startServers(t, 9, 6, 0)
	for _, status := range []int{500, 502, 503, 504} {
		attempts := fastRetry.MaxAttempts
		if status == 500 {
			attempts = 1
		}
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			eachOp(t, kinds, serverOps(s), func(t *testing.T, tg *target, o op) {
				api := s.api(tg.kind)
				api.Inject(mfatest.ServerErrors(0, status))
				defer api.ClearFaults()
				before := api.RequestCount()
				_, err := run(t, context.Background(), o)
				assertKind(t, err, mfa.ErrUnavailable, tg.kind.provider())
				assert.Equal(t, times(o, attempts), api.RequestCount()-before, "requests")
				var ae *mfa.APIError
				if assert.ErrorAs(t, err, &ae) {
					assert.Equal(t, status, ae.StatusCode)
				}
			})
		})
	}
}

// Row: the server expires the token or session a client logged in with.
// The refused call logs in again (one more login) and succeeds.
func TestFaultRenewal(t *testing.T) {
	noLeaks(t)
	s := startServers(t, 10, 6, 0)
	eachOp(t, kinds, func(t *testing.T, k kind) (*target, []op) {
		tg := mustBuild(t, k, s.setup(k, login, newRecorder(t)))
		user, device := s.ids(t, k)
		return tg, tg.ops(user, device)
	}, func(t *testing.T, tg *target, o op) {
		_, err := run(t, context.Background(), o)
		require.NoError(t, err, "before expiry")
		s.expire(tg.kind)
		logins := len(s.issued(tg.kind))
		res, err := run(t, context.Background(), o)
		require.NoError(t, err, "after expiry")
		assert.NotZero(t, res.len())
		assert.Equal(t, logins+1, len(s.issued(tg.kind)), "logins")
	})
}

// Row: the server expires the token while several calls are in flight:
// they share one new login, and all succeed.
func TestFaultRenewalConcurrent(t *testing.T) {
	noLeaks(t)
	s := startServers(t, 12, 8, 0)
	for _, k := range kinds {
		t.Run(k.String(), func(t *testing.T) {
			tg := mustBuild(t, k, s.setup(k, login, newRecorder(t)))
			users := s.users(k)
			_, err := tg.p.UserDevices(context.Background(), users[0])
			require.NoError(t, err)
			s.expire(k)
			logins := len(s.issued(k))
			var wg sync.WaitGroup
			errs := make([]error, len(users))
			for i, u := range users {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = tg.p.UserDevices(context.Background(), u)
				}()
			}
			wg.Wait()
			for i, err := range errs {
				assert.NoError(t, err, "user %s", users[i])
			}
			assert.Equal(t, logins+1, len(s.issued(k)), "logins")
		})
	}
}

// Row: a server that refuses every token. The client logs in, is refused,
// logs in once more, is refused again, and returns ErrUnauthorized: two
// logins and two calls, no loop (Huawei IAM's Users: its two reads, login
// protection and the users, each refused twice, three logins). ZStack
// refuses in three forms: 503 ID.1001, 200 with an ID.1001 error object,
// and a plain-text 401.
func TestFaultUnauthorizedTwice(t *testing.T) {
	noLeaks(t)
	type variant struct {
		k    kind
		form string
	}
	var variants []variant
	for _, k := range kinds {
		variants = append(variants, variant{k, ""})
	}
	variants = append(variants, variant{kZStack, "200"}, variant{kZStack, "401"})
	for _, v := range variants {
		name := v.k.String()
		if v.form != "" {
			name += "-" + v.form
		}
		t.Run(name, func(t *testing.T) {
			for _, name := range opNames(t, v.k) {
				t.Run(name, func(t *testing.T) {
					f := newFake(t, v.k, func(w http.ResponseWriter, r *http.Request) { unauthorized(v.k, w, v.form) })
					rec := newRecorder(t)
					tg := mustBuild(t, v.k, fakeSetup(f, login, rec))
					call := opNamed(t, tg, name)
					_, err := run(t, context.Background(), call)
					assertKind(t, err, mfa.ErrUnauthorized, v.k.provider())
					logins, calls := f.Counts()
					want := 2
					if call.tolerant {
						want = 3
					}
					assert.Equal(t, want, logins, "logins")
					assert.Equal(t, times(call, 2), calls, "calls")
					assert.Positive(t, len(rec.Values()), "no credential header recorded")
					if err != nil {
						for _, tok := range f.Tokens() {
							assert.NotContains(t, err.Error(), tok)
						}
					}
				})
			}
		})
	}
}

// opNames returns the names of the public calls of k's provider.
func opNames(t *testing.T, k kind) []string {
	tg := mustBuild(t, k, setup{URL: "http://127.0.0.1:1", IAMURL: "http://127.0.0.1:1", Creds: fakeCreds, Auth: static})
	var out []string
	for _, o := range fakeOps(tg) {
		out = append(out, o.name)
	}
	return out
}

// opNamed returns tg's call named name.
func opNamed(t testing.TB, tg *target, name string) op {
	t.Helper()
	for _, o := range fakeOps(tg) {
		if o.name == name {
			return o
		}
	}
	t.Fatalf("%v has no %s", tg.kind, name)
	return op{}
}

// Row: the API redirects to another host. The client follows, but the
// other host never sees a credential header nor any credential value; the
// caller gets what the other host answers (d1, or the user u1).
func TestFaultRedirectOtherHost(t *testing.T) {
	noLeaks(t)
	for _, v := range credVariants() {
		t.Run(v.String(), func(t *testing.T) {
			other := newFake(t, v.k, serveValid(v.k))
			origin := newFake(t, v.k, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, other.URL+r.URL.RequestURI(), http.StatusFound)
			})
			st := fakeSetup(origin, v.auth, newRecorder(t))
			tg := mustBuild(t, v.k, st)
			for _, o := range fakeOps(tg) {
				t.Run(o.name, func(t *testing.T) {
					res, err := run(t, context.Background(), o)
					require.NoError(t, err)
					if assert.Equal(t, fakeWant(v.k, o), res.len()) {
						if len(res.devs) > 0 {
							assert.Contains(t, []string{fakeDevice, "iam/mfa/u1"}, res.devs[0].ID())
						} else {
							assert.Equal(t, fakeUser, res.users[0].ID)
						}
					}
				})
			}
			seenOrigin, seenOther := origin.Seen(), other.Seen()
			require.NotEmpty(t, seenOther, "the other host got no call")
			assert.Len(t, seenOther, len(seenOrigin), "one call at the other host per call")
			for _, h := range seenOrigin {
				assert.True(t, hasCredential(h), "the origin got no credentials: the test proves nothing")
			}
			secrets := append(secretsOf(fakeCreds), origin.Tokens()...)
			for _, h := range seenOther {
				assert.False(t, hasCredential(h), "credential headers reached the other host: %v", h)
				for name, vs := range h {
					for _, val := range vs {
						for _, s := range secrets {
							assert.NotContains(t, val, s, "header %s", name)
						}
					}
				}
			}
		})
	}
}

// Rows: redirects that cannot be followed to an answer: a loop, a
// Location with another scheme, a 304 to a request that asked for no
// condition. Each ends at once (no retry) with a clear error.
func TestFaultRedirectDeadEnds(t *testing.T) {
	noLeaks(t)
	for _, c := range []struct {
		name     string
		handler  http.HandlerFunc
		want     error
		requests int // at most
	}{
		{"loop", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, r.URL.RequestURI(), http.StatusFound)
		}, mfa.ErrUnavailable, 10},
		{"ftp", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "ftp://example.com/x", http.StatusFound)
		}, mfa.ErrUnavailable, 1},
		{"304", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNotModified)
		}, mfa.ErrInvalidResponse, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			var hits atomic.Int64
			eachOp(t, kinds, func(t *testing.T, k kind) (*target, []op) {
				f := newFake(t, k, func(w http.ResponseWriter, r *http.Request) {
					hits.Add(1)
					c.handler(w, r)
				})
				tg := mustBuild(t, k, fakeSetup(f, static, newRecorder(t)))
				return tg, fakeOps(tg)
			}, func(t *testing.T, tg *target, o op) {
				before := hits.Load()
				_, err := run(t, context.Background(), o)
				assertKind(t, err, c.want, tg.kind.provider())
				n := hits.Load() - before
				assert.Positive(t, n)
				assert.LessOrEqual(t, n, int64(times(o, c.requests)), "requests")
			})
		})
	}
}

// hasCredential reports whether h carries a credential header.
func hasCredential(h http.Header) bool {
	for _, name := range append(credentialHeaders, "Cookie", "Proxy-Authorization") {
		if h.Get(name) != "" {
			return true
		}
	}
	return false
}

// The recorder itself: it sees the values of the credential headers of
// requests and responses, the credential after a scheme, and a signature,
// and counts requests.
func TestRecorder(t *testing.T) {
	noLeaks(t)
	srv := newFake(t, kZStack, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Subject-Token", "RESPONSE-TOKEN-1")
		w.WriteHeader(http.StatusNoContent)
	})
	rec := newRecorder(t)
	req, err := http.NewRequest(http.MethodGet, srv.URL, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "OAuth SESSION-1")
	req.Header.Set("X-Auth-Token", "TOKEN-1")
	req.Header.Set("X-Security-Token", "SECURITY-1")
	resp, err := rec.Client().Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	req.Header = http.Header{"Authorization": {"SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host;x-sdk-date, Signature=abcdef0123"}}
	resp, err = rec.Client().Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, 2, rec.Requests())
	for _, v := range []string{"OAuth SESSION-1", "SESSION-1", "TOKEN-1", "SECURITY-1", "RESPONSE-TOKEN-1", "abcdef0123"} {
		assert.Contains(t, rec.Values(), v)
	}
	// And assertNoHeaderValues fails on a text that holds one, in any form.
	for _, text := range []string{"an error quoting SESSION-1", `{"h":"OAuth SESSION-1"}`, "h=OAuth+SESSION-1"} {
		ft := &fakeT{}
		assertNoHeaderValues(ft, []string{text}, rec)
		assert.True(t, ft.failed, "assertNoHeaderValues did not see the value in %q", text)
	}
	ft := &fakeT{}
	assert.Positive(t, assertNoHeaderValues(ft, []string{"an error quoting nothing"}, rec))
	assert.False(t, ft.failed)
}

// fakeT is a testing.TB that records failures, to test the helpers.
type fakeT struct {
	testing.TB
	mu     sync.Mutex
	failed bool
}

func (f *fakeT) Helper() {}
func (f *fakeT) Errorf(string, ...any) {
	f.mu.Lock()
	f.failed = true
	f.mu.Unlock()
}

// A body over the limit is reported as such, not as an empty body.
func TestOversizedBodyMessage(t *testing.T) {
	noLeaks(t)
	for _, k := range kinds {
		t.Run(k.String(), func(t *testing.T) {
			f := newFake(t, k, func(w http.ResponseWriter, r *http.Request) {
				ct, body := validBody(k, r)
				w.Header().Set("Content-Type", ct)
				_, _ = w.Write([]byte(padTo(body, 2048)))
			})
			st := fakeSetup(f, static, newRecorder(t))
			st.MaxBytes = 1024
			tg := mustBuild(t, k, st)
			_, err := run(t, context.Background(), fakeOps(tg)[0])
			require.Error(t, err)
			assert.Contains(t, err.Error(), "1024-byte limit")
			assert.NotContains(t, err.Error(), "the body is empty")
		})
	}
}

// Row: the login call is redirected to another host with 307 or 308,
// which keep the method and the body. The other host must never see the
// password, API key or ZStack password hash the login body carries.
func TestFaultRedirectLoginOtherHost(t *testing.T) {
	noLeaks(t)
	secrets := secretsWithHash(fakeCreds)
	for _, status := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		for _, k := range kinds {
			t.Run(strconv.Itoa(status)+"-"+k.String(), func(t *testing.T) {
				var mu sync.Mutex
				var got []string
				other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					b, _ := io.ReadAll(r.Body)
					mu.Lock()
					got = append(got, r.Method+" "+r.URL.Path+" "+string(b))
					mu.Unlock()
					http.Error(w, "not here", http.StatusNotFound)
				}))
				t.Cleanup(other.Close)
				origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, other.URL+r.URL.RequestURI(), status)
				}))
				t.Cleanup(origin.Close)
				tg := mustBuild(t, k, setup{URL: origin.URL, IAMURL: origin.URL, Creds: fakeCreds, Auth: login, Rec: newRecorder(t)})
				_, err := run(t, context.Background(), fakeOps(tg)[0])
				assert.Error(t, err, "the login cannot have succeeded")
				mu.Lock()
				defer mu.Unlock()
				for _, req := range got {
					for _, s := range secrets {
						assert.NotContains(t, req, s, "a credential reached the other host")
					}
				}
			})
		}
	}
}
