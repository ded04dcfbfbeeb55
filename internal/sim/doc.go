// Package sim runs loopback HTTP emulators of the four vendor APIs this
// module reads: Huawei Cloud IAM v3.0 and Huawei Cloud Workspace v2 (two
// servers, as the two hosts are in reality), Rackspace Identity v2.0 with
// RAX-AUTH, and ZStack's two-factor authentication query API.
//
// The emulators serve a deterministic sample organisation built from a
// seed, check credentials as the vendors do, and can be made to misbehave.
// The audit example program uses them to run on a fresh machine with
// nothing configured; end-to-end tests and benchmarks use them to drive the
// vendor clients over real sockets. Library code never imports this
// package, and this package imports no vendor client: the wire formats are
// written here independently, from the same vendor facts.
//
//	s, err := sim.Start(sim.Options{Seed: 7, Users: 50})
//	if err != nil { ... }
//	defer s.Close()
//	// s.IAM.URL(), s.Workspace.URL(), s.Rackspace.URL(), s.ZStack.URL()
//	// are the endpoints; s.Creds the credentials they accept;
//	// s.ZStack.Devices() what a client should read back.
//	s.Rackspace.Inject(sim.RateLimit(2, "1")) // the next 2 calls: 413 overLimit
//
// # What each emulator serves
//
// Huawei IAM (s.IAM):
//   - POST /v3/auth/tokens: password login (domain name, user name,
//     password; scoped to the project, the domain or unscoped) → 201 with
//     the token in X-Subject-Token and token.expires_at 24 h ahead in the
//     form 2006-01-02T15:04:05.000000Z; a wrong password → 401
//     {"error":{"code":401,...}}.
//   - GET /v3.0/OS-MFA/users/{user_id}/virtual-mfa-device: 404 IAM.0004 for
//     a user without a device, 404 Iam.0004 for an unknown user.
//   - GET /v3.0/OS-MFA/virtual-mfa-devices: every device, no paging.
//     Serial numbers come as "iam/mfa/<user_id>" and "iam:<user_id>:mfa".
//   - GET /v3.0/OS-USER/users/{user_id}/login-protect and
//     GET /v3.0/OS-USER/login-protects.
//
// Huawei Workspace (s.Workspace):
//   - GET /v2/{project_id}/users/{user_id}/otp-devices: at most 55 devices;
//     status REGISTERED (active), UNREGISTER (pending) or another word
//     (LOCKED, EXPIRED, SUSPENDED: unknown); create_time in every layout of
//     the vendor facts. Another project id → 403 WKS.0003 with an
//     encoded_authorization_message; an unknown user → 404 WKS.0004; a
//     user without a device → 200 and an empty list.
//
// Both Huawei servers accept an X-Auth-Token (Creds.HuaweiToken or a login
// token: the token store is shared) or an AK/SK signature
// (SDK-HMAC-SHA256, recomputed from the request; the signed headers must
// include host and x-sdk-date, X-Sdk-Date must be within 15 minutes).
// Failures → 401 APIGW.0301; an expired login token → 401 APIG.0307.
// Every response carries an X-Request-Id header, which the gateway error
// bodies repeat in request_id. An unpublished method or path → 404
// APIGW.0101.
//
// Rackspace (s.Rackspace), JSON or XML by the Accept header (JSON by
// default), faults in the same format:
//   - POST /v2.0/tokens with RAX-KSKEY:apiKeyCredentials or
//     passwordCredentials (JSON, or XML by Content-Type) → access.token.id
//     and expires 24 h ahead in the form 2014-01-09T15:08:53.645-06:00.
//   - GET /v2.0/users/{userId}: RAX-AUTH:multiFactorEnabled (a bool for
//     some users, the string "true"/"false" for others in JSON),
//     RAX-AUTH:multiFactorState (ACTIVE when enabled) and
//     RAX-AUTH:userMultiFactorEnforcementLevel.
//   - GET /v2.0/users/{userId}/RAX-AUTH/multi-factor/otp-devices and
//     .../otp-devices/{otpDeviceId}. In XML a single device is wrapped in
//     <rax-auth:otpDevices> (as the reference page shows) for some devices
//     and bare for others. verified true is active, false pending; the
//     "unknown" share of Options becomes unverified devices.
//   - Missing or bad X-Auth-Token → 401 unauthorized; unknown user or
//     device → 404 itemNotFound.
//
// ZStack (s.ZStack):
//   - PUT /zstack/v1/accounts/login with logInByAccount (password: the hex
//     SHA-512 of Creds.ZStackPassword) → inventory.uuid is the session;
//     a wrong password → 503 ID.1000. DELETE
//     /zstack/v1/accounts/sessions/{uuid} logs out.
//   - GET /zstack/v1/twofactorauthentication/secrets with repeated q=
//     conditions (=, !=, >, <, >=, <=, ?=, !?=, ~=, !~=, "is null",
//     "not null" on uuid, secret, userUuid, accountUuid, userType, status,
//     createDate, lastOpDate, resourceUuid, resourceType), limit (default
//     1000), start, count=true, replyWithCount=true, sort=+field|-field
//     (or sortBy and sortDirection) on uuid, createDate, lastOpDate,
//     userUuid, and fields=a,b. GET .../secrets/{uuid} is q=uuid={uuid}.
//     userUuid and accountUuid are aliases in conditions, so one query
//     finds records of both owner forms.
//   - Records: status as a string or as {"name":..,"ordinal":..}, in turn;
//     NewCreated (pending), Logined (active), Expired or Locked (unknown);
//     createDate and lastOpDate in Java's default text, "Jan 2, 2006
//     15:04:05" or RFC 3339 (UTC); about one record in five in the older
//     form with accountUuid instead of userUuid and userType; secret is 16
//     base32 characters.
//   - Authorization "OAuth <session>" missing or malformed → 401 plain
//     text; unknown or expired session → 503 ID.1001; a limit or start
//     that is not a non-negative number, or a q= that does not parse → 400
//     plain text; an unknown field → 503 SYS.1007.
//
// Each API has its own users: ids are 32 lower-case hex digits, and the ids
// of one API mean nothing at another. API.Users lists them (sorted, users
// without devices included) and API.Devices gives the ground truth.
//
// # Faults
//
// API.Inject queues a Fault: rate limiting (FaultRateLimit, with
// Retry-After), server errors (FaultServerError: 500, 503 or 504 in the
// vendor's envelope, 502 as an HTML page from a proxy; Down is a 503 that
// lasts until ClearFaults), truncated bodies (FaultTruncated) and HTML
// pages (FaultHTML). A fault answers its next Count requests (or every
// request when Count is 0), optionally only every Every-th one. Faults
// spare login and logout paths unless Fault.Login is set. API.SetLatency
// delays every request, honouring its context; API.ExpireTokens ends every
// login token or session issued so far (the static credentials stay
// valid). API.Requests and API.Connections count requests and accepted TCP
// connections exactly.
//
// # Limits
//
// The emulators are faithful to the documented shapes, envelopes and auth
// rules, not to everything a vendor does: tokens are not scoped (any valid
// Huawei token reads any project it names correctly), tokens do not expire
// by time, nothing can be created or deleted but sessions, and the error
// codes not named in the vendor facts (WKS.0003, WKS.0004, APIG.0202,
// APIG.0203) are plausible choices. The servers are plain HTTP on
// 127.0.0.1.
package sim
