package e2e

import (
	"context"
	"crypto/sha512"
	"encoding/hex"
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

	"github.com/openmfa/mfa-go/internal/sim"
	"github.com/openmfa/mfa-go/mfa"
)

// The fault matrix: one test per fault, each run against every client it
// applies to, through UserDevices, AllDevices and Device. Every row checks
// the sentinel with errors.Is, that the message names the provider, and
// that no goroutine is left (noLeaks); run checks that no credential
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
			rec := newRecorder(t)
			tg := mustBuild(t, k, fakeSetup(f, static, rec))
			return tg, fakeOps(tg)
		}, func(t *testing.T, tg *target, o op) {
			_, err := run(t, context.Background(), o)
			assertKind(t, err, mfa.ErrUnavailable, tg.kind.provider())
		})
	})
	t.Run("before-response", func(t *testing.T) {
		for _, k := range kinds {
			t.Run(k.String(), func(t *testing.T) {
				var hits atomic.Int64
				f := newFake(t, k, func(w http.ResponseWriter, r *http.Request) {
					hits.Add(1)
					hijack(t, w, "")
				})
				rec := newRecorder(t)
				tg := mustBuild(t, k, fakeSetup(f, static, rec))
				for _, o := range fakeOps(tg) {
					t.Run(o.name, func(t *testing.T) {
						before := hits.Load()
						_, err := run(t, context.Background(), o)
						assertKind(t, err, mfa.ErrUnavailable, k.provider())
						assert.EqualValues(t, fastRetry.MaxAttempts, hits.Load()-before, "attempts")
					})
				}
			})
		}
	})
}

// simOps builds the client of k over the emulators with static
// credentials, and returns its calls on a user who has a device.
func simOps(s *sim.Sim) func(t *testing.T, k kind) (*target, []op) {
	return func(t *testing.T, k kind) (*target, []op) {
		tg := mustBuild(t, k, simSetup(s, k, static, newRecorder(t)))
		user, device := simIDs(t, s, k)
		return tg, tg.ops(user, device)
	}
}

// Rows: a body cut in half (JSON, and XML for rackspace-xml) and an HTML
// page with a 200 status: ErrInvalidResponse, not retried (one request),
// and the next call succeeds.
func TestFaultTruncatedAndHTML(t *testing.T) {
	noLeaks(t)
	s := startSim(t, sim.Options{Seed: 5, Users: 6})
	for _, fault := range []struct {
		name string
		f    sim.Fault
	}{
		{"truncated", sim.Truncated(1)},
		{"html-200", sim.HTMLPage(1)},
	} {
		t.Run(fault.name, func(t *testing.T) {
			eachOp(t, kinds, simOps(s), func(t *testing.T, tg *target, o op) {
				api := tg.kind.api(s)
				api.Inject(fault.f)
				before := api.Requests()
				_, err := run(t, context.Background(), o)
				assertKind(t, err, mfa.ErrInvalidResponse, tg.kind.provider())
				assert.EqualValues(t, 1, api.Requests()-before, "requests")
				var ae *mfa.APIError
				if assert.ErrorAs(t, err, &ae) {
					assert.Equal(t, http.StatusOK, ae.StatusCode)
				}
				devs, err := run(t, context.Background(), o)
				assert.NoError(t, err, "the call after the fault")
				assert.NotEmpty(t, devs)
			})
		})
	}
}

// Row: a proxy in front of the API answers 502 with an HTML page. The call
// is retried (MaxAttempts requests), then fails with ErrUnavailable whose
// message quotes the page's text, not its markup; a single 502 is retried
// away.
func TestFaultProxy502(t *testing.T) {
	noLeaks(t)
	s := startSim(t, sim.Options{Seed: 6, Users: 6})
	eachOp(t, kinds, simOps(s), func(t *testing.T, tg *target, o op) {
		api := tg.kind.api(s)
		api.Inject(sim.ServerErrors(fastRetry.MaxAttempts, http.StatusBadGateway))
		before := api.Requests()
		_, err := run(t, context.Background(), o)
		assertKind(t, err, mfa.ErrUnavailable, tg.kind.provider())
		assert.EqualValues(t, fastRetry.MaxAttempts, api.Requests()-before, "requests")
		var ae *mfa.APIError
		if assert.ErrorAs(t, err, &ae) {
			assert.Equal(t, http.StatusBadGateway, ae.StatusCode)
			assert.NotContains(t, err.Error(), "<html", "the message quotes markup")
			assert.NotContains(t, strings.ToLower(err.Error()), "<body", "the message quotes markup")
		}

		api.Inject(sim.ServerErrors(1, http.StatusBadGateway))
		before = api.Requests()
		devs, err := run(t, context.Background(), o)
		assert.NoError(t, err, "one 502 is retried away")
		assert.NotEmpty(t, devs)
		assert.EqualValues(t, 2, api.Requests()-before, "requests")
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
		devs, err := run(t, context.Background(), o)
		assertKind(t, err, mfa.ErrInvalidResponse, tg.kind.provider())
		assert.Empty(t, devs)
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
								devs, err := run(t, context.Background(), o)
								if limit < size {
									assertKind(t, err, mfa.ErrInvalidResponse, k.provider())
									if err != nil {
										assert.Contains(t, err.Error(), "limit", o.name)
									}
									continue
								}
								assert.NoError(t, err, o.name)
								assert.Len(t, devs, 1, o.name)
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

// Row: a server that stalls, before its headers or after them, on an API
// call or on the login. The caller's deadline ends the call promptly with
// an error matching context.DeadlineExceeded that names the provider.
func TestFaultStall(t *testing.T) {
	noLeaks(t)
	for _, when := range []string{"before-headers", "after-headers", "login"} {
		t.Run(when, func(t *testing.T) {
			eachOp(t, kinds, func(t *testing.T, k kind) (*target, []op) {
				release := make(chan struct{})
				if when == "login" {
					srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						if !isLogin(k, r) {
							t.Errorf("%s %s before the login", r.Method, r.URL.Path)
						}
						select {
						case <-r.Context().Done():
						case <-release:
						}
					}))
					t.Cleanup(srv.Close)
					t.Cleanup(func() { close(release) })
					tg := mustBuild(t, k, setup{URL: srv.URL, IAMURL: srv.URL, Creds: fakeCreds, Auth: login, Rec: newRecorder(t)})
					return tg, fakeOps(tg)
				}
				f := newFake(t, k, func(w http.ResponseWriter, r *http.Request) {
					if when == "after-headers" {
						ct, _ := validBody(k, r)
						w.Header().Set("Content-Type", ct)
						w.Header().Set("Content-Length", "100")
						w.WriteHeader(http.StatusOK)
						w.(http.Flusher).Flush()
					}
					select {
					case <-r.Context().Done():
					case <-release:
					}
				})
				t.Cleanup(func() { close(release) }) // before f closes: cleanups run last-in first-out
				tg := mustBuild(t, k, fakeSetup(f, static, newRecorder(t)))
				return tg, fakeOps(tg)
			}, func(t *testing.T, tg *target, o op) {
				ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
				defer cancel()
				_, err := run(t, ctx, o) // run fails the test on a hang
				require.Error(t, err)
				assert.ErrorIs(t, err, context.DeadlineExceeded)
				assert.Contains(t, err.Error(), tg.kind.provider())
			})
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

// Rows: Retry-After in seconds, as an HTTP date, and absurd (a day). The
// rate-limited call is retried after the wait the server asks for, capped
// by RetryPolicy.MaxRetryAfter: the debug line of the retry shows the
// capped wait (above the 2ms the backoff alone would give), and the call
// returns long before the wait asked for. Rate limiting on every attempt
// ends in ErrRateLimited (ZStack: ErrUnavailable) after MaxAttempts
// requests.
func TestFaultRetryAfter(t *testing.T) {
	noLeaks(t)
	s := startSim(t, sim.Options{Seed: 8, Users: 6})
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
					api := k.api(s)
					user, device := simIDs(t, s, k)
					var l logs
					st := simSetup(s, k, static, newRecorder(t))
					st.Logger = l.Logger()
					tg := mustBuild(t, k, st)
					for _, o := range tg.ops(user, device) {
						t.Run(o.name, func(t *testing.T) {
							api.Inject(sim.RateLimit(1, ra.value()))
							before, waits := api.Requests(), len(retryWaits(t, &l))
							start := time.Now()
							devs, err := run(t, context.Background(), o)
							require.NoError(t, err)
							assert.NotEmpty(t, devs)
							assert.Less(t, time.Since(start), time.Minute, "the call waited as the server asked")
							assert.EqualValues(t, 2, api.Requests()-before, "requests")
							if w := retryWaits(t, &l)[waits:]; assert.Len(t, w, 1, "retry debug lines") {
								assert.Equal(t, fastRetry.MaxRetryAfter, w[0], "the wait used")
							}

							api.Inject(sim.RateLimit(0, ra.value()))
							defer api.ClearFaults()
							before = api.Requests()
							_, err = run(t, context.Background(), o)
							// ZStack has no 429: its rate limit is the transient
							// SYS.1012 "management node unavailable".
							want := mfa.ErrRateLimited
							if k == kZStack {
								want = mfa.ErrUnavailable
							}
							assertKind(t, err, want, k.provider())
							assert.EqualValues(t, fastRetry.MaxAttempts, api.Requests()-before, "requests")
						})
					}
				})
			}
		})
	}
}

// Row: the caller's deadline ends a call waiting out a long Retry-After
// (a policy that allows an hour): the call returns promptly with an error
// matching context.DeadlineExceeded, after one request.
func TestFaultRetryAfterCancelled(t *testing.T) {
	noLeaks(t)
	s := startSim(t, sim.Options{Seed: 13, Users: 6})
	eachOp(t, kinds, func(t *testing.T, k kind) (*target, []op) {
		st := simSetup(s, k, static, newRecorder(t))
		st.Retry = mfa.RetryPolicy{MaxAttempts: 3, MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond, MaxRetryAfter: time.Hour}
		tg := mustBuild(t, k, st)
		user, device := simIDs(t, s, k)
		return tg, tg.ops(user, device)
	}, func(t *testing.T, tg *target, o op) {
		api := tg.kind.api(s)
		api.Inject(sim.RateLimit(0, "86400"))
		defer api.ClearFaults()
		before := api.Requests()
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, err := run(t, ctx, o) // run fails the test on a hang
		require.Error(t, err)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Contains(t, err.Error(), tg.p.Name())
		assert.EqualValues(t, 1, api.Requests()-before, "requests")
	})
}

// Row: a storm of server errors. 502, 503 and 504 are retried, MaxAttempts
// requests in all; 500 is not retried. Every one is ErrUnavailable.
func TestFaultServerErrorStorm(t *testing.T) {
	noLeaks(t)
	s := startSim(t, sim.Options{Seed: 9, Users: 6})
	for _, status := range []int{500, 502, 503, 504} {
		attempts := fastRetry.MaxAttempts
		if status == 500 {
			attempts = 1
		}
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			eachOp(t, kinds, simOps(s), func(t *testing.T, tg *target, o op) {
				api := tg.kind.api(s)
				api.Inject(sim.ServerErrors(0, status))
				defer api.ClearFaults()
				before := api.Requests()
				_, err := run(t, context.Background(), o)
				assertKind(t, err, mfa.ErrUnavailable, tg.kind.provider())
				assert.EqualValues(t, attempts, api.Requests()-before, "requests")
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
	s := startSim(t, sim.Options{Seed: 10, Users: 6})
	eachOp(t, kinds, func(t *testing.T, k kind) (*target, []op) {
		rec := newRecorder(t)
		tg := mustBuild(t, k, simSetup(s, k, login, rec))
		user, device := simIDs(t, s, k)
		return tg, tg.ops(user, device)
	}, func(t *testing.T, tg *target, o op) {
		issuer := tg.kind.api(s)
		if tg.kind == kWorkspace {
			issuer = s.IAM // Workspace accepts IAM's tokens
		}
		_, err := run(t, context.Background(), o)
		require.NoError(t, err, "before expiry")
		issuer.ExpireTokens()
		logins := len(issuer.IssuedTokens())
		devs, err := run(t, context.Background(), o)
		require.NoError(t, err, "after expiry")
		assert.NotEmpty(t, devs)
		assert.Equal(t, logins+1, len(issuer.IssuedTokens()), "logins")
	})
}

// Row: the server expires the token while several calls are in flight:
// they share one new login, and all succeed.
func TestFaultRenewalConcurrent(t *testing.T) {
	noLeaks(t)
	s := startSim(t, sim.Options{Seed: 12, Users: 8})
	for _, k := range kinds {
		t.Run(k.String(), func(t *testing.T) {
			tg := mustBuild(t, k, simSetup(s, k, login, newRecorder(t)))
			issuer := k.api(s)
			if k == kWorkspace {
				issuer = s.IAM
			}
			users := k.api(s).Users()
			_, err := tg.p.UserDevices(context.Background(), users[0])
			require.NoError(t, err)
			issuer.ExpireTokens()
			logins := len(issuer.IssuedTokens())
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
			assert.Equal(t, logins+1, len(issuer.IssuedTokens()), "logins")
		})
	}
}

// Row: a server that refuses every token. The client logs in, is refused,
// logs in once more, is refused again, and returns ErrUnauthorized: two
// logins and two calls, no loop. ZStack refuses in three forms: 503
// ID.1001, 200 with an ID.1001 error object, and a plain-text 401.
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
			for _, name := range opNames(v.k) {
				t.Run(name, func(t *testing.T) {
					f := newFake(t, v.k, func(w http.ResponseWriter, r *http.Request) { unauthorized(v.k, w, v.form) })
					rec := newRecorder(t)
					tg := mustBuild(t, v.k, fakeSetup(f, login, rec))
					call := opNamed(t, tg, name)
					_, err := run(t, context.Background(), call)
					assertKind(t, err, mfa.ErrUnauthorized, v.k.provider())
					logins, calls := f.Counts()
					assert.Equal(t, 2, logins, "logins")
					assert.Equal(t, 2, calls, "calls")
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
func opNames(k kind) []string {
	switch k {
	case kIAM:
		return []string{"UserDevices", "AllDevices"}
	case kWorkspace:
		return []string{"UserDevices"}
	case kRaxJSON, kRaxXML:
		return []string{"UserDevices", "Device"}
	default:
		return []string{"UserDevices", "AllDevices", "Device"}
	}
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
// caller gets what the other host answers (one device, d1).
func TestFaultRedirectOtherHost(t *testing.T) {
	noLeaks(t)
	variants := credVariants()
	for _, v := range variants {
		t.Run(v.k.String()+"-"+v.auth.String(), func(t *testing.T) {
			other := newFake(t, v.k, func(w http.ResponseWriter, r *http.Request) {
				ct, body := validBody(v.k, r)
				w.Header().Set("Content-Type", ct)
				_, _ = w.Write([]byte(body))
			})
			origin := newFake(t, v.k, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, other.URL+r.URL.RequestURI(), http.StatusFound)
			})
			rec := newRecorder(t)
			st := fakeSetup(origin, v.auth, rec)
			st.SecurityToken = "SECTOKEN-SENTINEL-3f4a5b6c"
			tg := mustBuild(t, v.k, st)
			for _, o := range fakeOps(tg) {
				t.Run(o.name, func(t *testing.T) {
					devs, err := run(t, context.Background(), o)
					require.NoError(t, err)
					if assert.Len(t, devs, 1) {
						assert.Contains(t, []string{fakeDevice, "iam/mfa/u1"}, devs[0].ID())
					}
				})
			}
			seenOrigin, seenOther := origin.Seen(), other.Seen()
			require.NotEmpty(t, seenOther, "the other host got no call")
			assert.Len(t, seenOther, len(seenOrigin), "one call at the other host per call")
			for _, h := range seenOrigin {
				assert.True(t, hasCredential(h), "the origin got no credentials: the test proves nothing")
			}
			secrets := append(secretsOf(fakeCreds), st.SecurityToken)
			secrets = append(secrets, origin.Tokens()...)
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
		requests int64 // at most
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
				assert.LessOrEqual(t, n, c.requests, "requests")
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
	// And assertNoHeaderValues fails on a text that holds one.
	ft := &fakeT{}
	assertNoHeaderValues(ft, []string{"an error quoting SESSION-1"}, rec)
	assert.True(t, ft.failed, "assertNoHeaderValues did not see the value")
	ft = &fakeT{}
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
	sum := sha512.Sum512([]byte(fakeCreds.ZStackPassword))
	secrets := append(secretsOf(fakeCreds), hex.EncodeToString(sum[:]))
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
