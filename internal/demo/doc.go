// Package demo connects the vendor clients to the loopback emulators of
// internal/sim, so that the small programs under examples/ run on a fresh
// machine. A real program builds the same clients with its own endpoints
// and credentials.
package demo
