// Package benchkit holds what the per-call benchmarks share, so that every
// vendor is measured the same way: a loopback server that answers every
// request with one body and counts the connections it accepts, and the two
// baselines mfa-go is measured against, the floor (a round trip with the
// body read and thrown away: no client can do less) and net/http with a
// standard decoder, straight.
package benchkit
