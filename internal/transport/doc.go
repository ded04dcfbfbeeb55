// Package transport is the one place where mfa-go speaks HTTP. Every vendor
// package builds a Client from a Config and calls Do; none repeats request
// plumbing.
//
// A Client is built on go-retryablehttp with its traps closed: its logger is
// replaced by an optional slog.Logger that never sees headers or query
// strings; retries are limited to idempotent methods and to 413, 429, 502,
// 503, 504 and network errors (and, where a vendor decoder says a 503 is not
// transient, not even those); Retry-After is honoured and capped; the last
// response after the retries is kept and decoded into *mfa.APIError; a
// failed retry run never closes the idle connections other calls share.
//
// Every body is read through a size limit and drained, so that keep-alive
// works. Credentials come from an Authenticator that runs before every
// attempt (so that signatures stay fresh) and, where it is a Renewer, is
// renewed once when the server refuses them.
package transport
