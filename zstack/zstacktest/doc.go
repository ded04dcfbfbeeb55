// Package zstacktest runs a ZStack management node on a loopback port for
// tests, in the manner of net/http/httptest: start it with accounts, IAM2
// users and their two-factor secrets, point a client at it, make it
// misbehave, and read what it saw.
//
//	srv, err := zstacktest.NewServer(zstacktest.Options{})
//	if err != nil { ... }
//	defer srv.Close()
//	c, err := zstack.NewClient(zstack.Config{Endpoint: srv.URL, SessionID: srv.SessionID})
//	...
//	srv.Inject(mfatest.ServerErrors(1, 500)) // the next call: 500 SYS.1000
//
// The server writes ZStack's wire formats itself, from the vendor's
// documentation, without the zstack package: a bug of the client is not
// mirrored by its test server. No package of this module but tests and
// examples imports it.
//
// # What it serves
//
//   - PUT /zstack/v1/accounts/login with logInByAccount (the password as
//     its hex SHA-512): inventory.uuid is the session. DELETE
//     /zstack/v1/accounts/sessions/{uuid} logs out.
//   - GET /zstack/v1/accounts: accounts (uuid, name, type SystemAdmin or
//     Normal, state Enabled, Disabled or Staled, createDate, lastOpDate);
//     some have no state, as in older releases.
//   - GET /zstack/v1/iam2/virtual-ids: IAM2 users (uuid, name, state,
//     type, dates), unless Options.IAM2 says the module is missing.
//   - GET /zstack/v1/twofactorauthentication/secrets: uuid, secret,
//     userUuid and userType (AccountVO or IAM2VirtualIDVO), status as a
//     string or as {"name":..,"ordinal":..}, createDate and lastOpDate in
//     Java's default text, "Jan 2, 2006 15:04:05" or RFC 3339;
//     resourceUuid and resourceType on some; about one account's secret in
//     five in the older form with accountUuid and no userType.
//   - GET .../{uuid} on each is the query q=uuid={uuid}.
//
// Every query takes ZStack's parameters: repeated q= conditions (=, !=,
// >, <, >=, <=, ?= in, !?= not in, ~= like, !~=, "is null", "not null";
// userUuid and accountUuid both find a secret's owner), limit, start,
// count=true, replyWithCount=true, sort=+field|-field (or sortBy and
// sortDirection) and fields=a,b. A query answers at most
// Options.MaxPageSize rows: a client pages with start until total.
//
// A missing or malformed "Authorization: OAuth <session>" answers 401 in
// plain text; an unknown or expired session 503 ID.1001; a limit or start
// that is not a non-negative number, or a condition that does not parse,
// 400 in plain text; an unknown field 503 SYS.1007; a wrong login 503
// ID.1000.
//
// # Credentials
//
// Server.SessionID is a session that never expires. Server.AccountName
// logs in with Server.Password; the sessions it gets last until
// ExpireTokens or logout. Every credential derives from Options.Seed.
//
// # The sample organisation
//
// Without Options.Accounts and Options.VirtualIDs the server holds a
// sample organisation drawn from the seed: every third user is an IAM2
// virtual id (when IAM2 is installed), the first account a SystemAdmin;
// users whose first secret is Logined, NewCreated or Expired/Locked, and
// users with none; two users in twelve disabled (state Disabled, or
// Staled for some accounts) and some accounts with no state. Accounts and
// secrets span more than one page of the default page size. When there
// are enough users, each kind the weights of Options allow appears at
// least once among the enabled users.
//
// # Faults and counts
//
// Inject queues an mfatest.Fault: rate limiting answers 503 SYS.1012
// (ZStack has no 429) with Retry-After, server errors 500 SYS.1000 with a
// nested cause, 503 SYS.1012 or 504 SYS.1001 (502 is an HTML page from a
// proxy), and truncated bodies and HTML pages break the answer itself.
// Login and logout are spared unless the fault says otherwise. SetLatency
// delays every request; RequestCount, ConnectionCount and Requests say
// what the server received.
//
// # Limits
//
// The server is faithful to the documented shapes, envelopes and auth
// rules, not to everything ZStack does: sessions do not expire by time,
// nothing can be created or deleted but sessions, and ZStack reports no
// per-user login MFA requirement. It is plain HTTP on 127.0.0.1.
package zstacktest
