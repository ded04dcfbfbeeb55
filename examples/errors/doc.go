// Command errors shows how a program tells failures apart: errors.Is
// with the mfa sentinels says what kind of failure it was, errors.As with
// *mfa.APIError gives the vendor's code, message and request id.
//
//	go run ./examples/errors
//
// It runs against the built-in emulators, with faults injected.
package main
