// Package testlog captures what a client logs, for the tests that check
// its log lines: what they say, and that no secret is among them. A client
// may log from several goroutines at once (retries, fan-out), so the
// capture is safe for concurrent writers.
package testlog
