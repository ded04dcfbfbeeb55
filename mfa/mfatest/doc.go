// Package mfatest helps test code that uses this module.
//
// Provider is an in-memory mfa.Provider, mfa.DeviceLister and
// mfa.UserLister: users and devices per user, injected errors and latency,
// and call counts, with no network.
//
//	p := mfatest.NewProvider("fake")
//	p.AddDevices("alice", mfatest.Device{ID: "d1", Status: mfa.StatusActive})
//	p.FailUser("bob", mfatest.APIError("fake", 503))
//	dir, _ := mfa.NewDirectory(p)
//
// Fault describes a misbehaviour of a vendor's server (rate limiting,
// server errors, truncated bodies, HTML from a proxy) that the test servers
// of the vendor packages (huaweiiam/huaweiiamtest, rackspace/rackspacetest,
// zstack/zstacktest) answer in their vendor's own form:
//
//	srv.Inject(mfatest.RateLimit(2, "1")) // the next two calls: slow down, retry after 1 s
package mfatest
