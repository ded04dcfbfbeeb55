// Package e2e holds the end-to-end tests of the vendor clients: huaweiiam
// (IAM virtual MFA and Workspace OTP), rackspace (JSON and XML) and zstack,
// driven through their public API over real loopback sockets.
//
// The tests run the clients against the public test servers
// (huaweiiam/huaweiiamtest, rackspace/rackspacetest, zstack/zstacktest),
// which is what a user of the module tests against, and against httptest
// servers for what those servers do not do on purpose: a connection reset
// in the middle of a body, a server that stalls, a redirect to another
// host, a body over the size limit or one whose Content-Length is a
// terabyte, a listing that never ends, and a server that quotes back what
// it should not. Every call of the public API is driven: UserDevices,
// AllDevices, Device and Users, and the vendors' own (Huawei login
// protection, Rackspace mobile phones, ZStack accounts and IAM2 users,
// ...), with every kind of credentials each vendor takes. They check:
//
//   - a fault matrix (matrix_test.go): every fault gives an error matching
//     the right mfa sentinel with errors.Is, naming the provider, with
//     bounded retries, a Retry-After capped and never slept into the
//     caller's deadline, renewal of an expired login, pacing after a
//     refusal for rate, and no goroutine left behind;
//   - that every paged listing ends (listing_test.go): a server that
//     repeats or alternates its pages is a loop, refused at once, and one
//     that sends new rows forever is cut at Config.MaxListing, both with an
//     error matching mfa.ErrInvalidResponse after the rows read before it;
//   - a secret scan (secrets_test.go): no token, password, API key, secret
//     key, security token, session, issued token, TOTP seed or phone
//     number appears, in any form a server or a printer may give it (raw,
//     JSON-escaped both ways and with \/, URL-encoded, XML or HTML
//     escaped), in an error, a log line at debug level, the fmt forms of
//     errors, devices, users, Configs and Clients, or the JSON of a device
//     or user, on success and failure paths alike;
//   - servers that echo (echo_test.go): credentials quoted back by a
//     login or call that answers 400, a ZStack error quoting a row with its
//     seed, and Rackspace bodies and errors holding a whole phone number,
//     which a phone only ever shows masked;
//   - every fmt verb and flag (fmt_test.go) on every Config, Client and
//     Huawei service, and the JSON and slog forms of every Config, with
//     every credential set: none shows, nor its bytes in hex;
//   - that no credential header value a client sent or received
//     (Authorization and its signature, X-Auth-Token, X-Subject-Token,
//     X-Security-Token) reappears in an error or a log line;
//   - that every public entry refuses bad ids and nil contexts, and
//     NewClient bad endpoints, with a clear error that quotes no password
//     and without sending a request; and that a client whose credentials
//     would cross the network in clear text (http to a host other than
//     loopback) says so through its Logger (inputs_test.go).
//
// The package has no code of its own: everything is in its _test.go files.
package e2e
