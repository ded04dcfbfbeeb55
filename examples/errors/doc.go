// Command errors shows how a program tells failures apart: errors.Is
// with the mfa sentinels says what kind of failure it was, errors.As with
// *mfa.APIError gives the vendor's code, message and request id.
//
//	go run ./examples/errors
//
// It runs against the public test servers of the vendor packages
// (huaweiiamtest, rackspacetest, zstacktest), with faults injected.
package main
