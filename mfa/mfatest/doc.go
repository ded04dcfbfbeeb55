// Package mfatest provides an in-memory mfa.Provider for tests of code that
// uses package mfa: devices per user, injected errors and latency, and call
// counts, with no network.
//
//	p := mfatest.NewProvider("fake")
//	p.AddDevices("alice", mfatest.Device{ID: "d1", Status: mfa.StatusActive})
//	p.FailUser("bob", mfatest.APIError("fake", 503))
//	dir, _ := mfa.NewDirectory(p)
package mfatest
