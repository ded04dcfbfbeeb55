// Package e2e holds the end-to-end tests of the vendor clients: huaweiiam
// (IAM virtual MFA and Workspace OTP), rackspace (JSON and XML) and zstack,
// driven through their public API over real loopback sockets.
//
// The tests run the clients against the emulators of internal/sim, and
// against httptest servers for faults the emulators do not make (a
// connection reset in the middle of a body, a server that stalls, a
// redirect to another host, a body over the size limit). They check:
//
//   - a fault matrix: every fault gives an error matching the right mfa
//     sentinel with errors.Is, naming the provider, with bounded retries
//     and no goroutine left behind;
//   - a secret scan: no token, password, API key, secret key, session or
//     TOTP seed appears in an error, a log line at debug level, the fmt
//     forms of errors, devices, Configs and Clients, or the JSON of a
//     device, on success and failure paths alike;
//   - that no credential header value a client sent or received
//     (Authorization, X-Auth-Token, X-Subject-Token, X-Security-Token)
//     reappears in an error or a log line;
//   - that every public entry refuses bad ids, bad endpoints and nil
//     contexts with a clear error and without sending a request.
//
// The package has no code of its own: everything is in its _test.go files.
package e2e
