// Package rackspacetest runs a Rackspace Identity v2.0 server on a loopback
// port for tests, in the manner of net/http/httptest: start it with users
// and factors, point a client at it, make it misbehave, and read what it
// saw.
//
//	srv, err := rackspacetest.NewServer(rackspacetest.Options{})
//	if err != nil { ... }
//	defer srv.Close()
//	c, err := rackspace.NewClient(rackspace.Config{Endpoint: srv.URL, Token: srv.Token})
//	...
//	srv.Inject(mfatest.RateLimit(2, "1")) // the next 2 calls: 413 overLimit
//
// The server writes Rackspace's wire formats itself, from the vendor's
// documentation, without the rackspace package: a bug of the client is not
// mirrored by its test server. No package of this module but tests and
// examples imports it.
//
// # What it serves
//
// JSON by default, XML when the Accept header asks for it; errors are
// Rackspace faults in the same format.
//
//   - POST /v2.0/tokens with RAX-KSKEY:apiKeyCredentials or
//     passwordCredentials (JSON, or XML by Content-Type): access.token.id,
//     expiring 24 h later.
//   - GET /v2.0/users: a page of at most Options.MaxPageSize users after
//     the user whose id is marker (limit asks for fewer), with a
//     users_links next link (XML: an atom:link) while more follow. With
//     ?name= the one user of that name, as {"user":{...}}.
//   - GET /v2.0/users/{userId}: one user. A user carries id, username,
//     email, enabled, created and the RAX-AUTH members domainId,
//     defaultRegion, multiFactorEnabled, multiFactorState,
//     userMultiFactorEnforcementLevel, factorType and phonePinState. In
//     JSON, some users write the prefix "rax-auth:" and some send their
//     booleans as strings ("true"), as Rackspace's own examples do; XML
//     has the identity namespace by default and the rax-auth prefix.
//   - GET /v2.0/users/{userId}/RAX-AUTH/multi-factor/otp-devices and
//     .../otp-devices/{otpDeviceId}: in XML a single device comes wrapped
//     in <rax-auth:otpDevices> for some devices and bare for others.
//   - GET /v2.0/users/{userId}/RAX-AUTH/multi-factor/mobile-phones: at
//     most one phone.
//
// A missing or unknown X-Auth-Token answers 401 unauthorized; an expired
// one 401 "Token expired"; an unknown user or device 404 itemNotFound; a
// bad limit or an unknown marker 400 badRequest; a method other than GET
// 405.
//
// # Credentials
//
// Server.Token is a token that never expires. Server.Username logs in with
// Server.APIKey or Server.Password; the tokens it gets last until
// ExpireTokens. Every credential derives from Options.Seed.
//
// # The sample organisation
//
// Without Options.Users the server holds a sample organisation drawn from
// the seed: users with a verified OTP device and multi-factor on (some
// with multiFactorState LOCKED), every third of them with multi-factor off
// and enforcement OPTIONAL (a factor login does not ask for); users whose
// first device is unverified (some also with an unverified phone);
// SMS-only users (a verified phone, no OTP device); users with no factor;
// and one user in twelve disabled. When there are enough users, each kind
// the weights of Options allow appears at least once among the enabled
// users.
//
// # Faults and counts
//
// Inject queues an mfatest.Fault: rate limiting answers 413 overLimit with
// Retry-After, server errors 500 identityFault or 503 serviceUnavailable
// (502 is an HTML page from a proxy), and truncated bodies and HTML pages
// break the answer itself. Login is spared unless the fault says
// otherwise. SetLatency delays every request; RequestCount,
// ConnectionCount and Requests say what the server received.
//
// # Limits
//
// The server is faithful to the documented shapes, envelopes and auth
// rules, not to everything Rackspace does: every token is a user-admin's
// (it sees every user), nothing can be created or deleted, and tokens do
// not expire by time. It is plain HTTP on 127.0.0.1.
package rackspacetest
