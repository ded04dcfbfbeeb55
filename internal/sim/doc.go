// Package sim runs loopback HTTP emulators of the four vendor APIs this
// module reads: Huawei Cloud IAM and Huawei Cloud Workspace (two servers,
// as the two hosts are in reality), Rackspace Identity v2.0 with RAX-AUTH,
// and ZStack's account, IAM2 and two-factor authentication query APIs.
//
// It is the engine of the public test servers (huaweiiam/huaweiiamtest,
// rackspace/rackspacetest, zstack/zstacktest), which are thin layers over
// it, and of this package's own tests. It serves an organisation (seeded
// and compact, or given user by user), checks credentials as the vendors
// do, and misbehaves on request. Library code never imports it, and it
// imports no vendor client: the wire formats are written here
// independently, from the same vendor facts.
//
//	s, err := sim.Start(sim.Options{Seed: 7, Users: 50})
//	if err != nil { ... }
//	defer s.Close()
//	// s.IAM.URL(), s.Workspace.URL(), s.Rackspace.URL(), s.ZStack.URL()
//	// are the endpoints; s.Creds the credentials they accept;
//	// s.ZStack.Users() what a client should read back.
//	s.Rackspace.Inject(mfatest.RateLimit(2, "1")) // the next 2 calls: 413 overLimit
//
// StartHuawei, StartRackspace and StartZStack start one vendor only, with
// the organisation and credentials it has among the four.
//
// # What each emulator serves
//
// Huawei IAM (s.IAM):
//   - POST /v3/auth/tokens: password login (domain name, user name,
//     password; scoped to the project, the domain or unscoped) → 201 with
//     the token in X-Subject-Token and token.expires_at 24 h ahead in the
//     form 2006-01-02T15:04:05.000000Z; a wrong password → 401
//     {"error":{"code":401,...}}.
//   - GET /v3/users: {"links":{self,previous,next},"users":[...]} with id,
//     name, domain_id, enabled, description, password_expires_at,
//     pwd_status, last_project_id and links; no paging. enabled defaults
//     to true (enabled=false lists the disabled users, another value → 400
//     IAM.0007); name and domain_id filter.
//   - GET /v3.0/OS-MFA/users/{user_id}/virtual-mfa-device: 404 IAM.0004 for
//     a user without a device, 404 Iam.0004 for an unknown user.
//   - GET /v3.0/OS-MFA/virtual-mfa-devices: every device, no paging.
//     Serial numbers come as "iam/mfa/<user_id>" and "iam:<user_id>:mfa".
//   - GET /v3.0/OS-USER/users/{user_id}/login-protect and
//     GET /v3.0/OS-USER/login-protects (every user).
//
// Huawei Workspace (s.Workspace):
//   - GET /v2/{project_id}/users?offset=&limit=: {"total_count":N,
//     "users":[...]} with id, user_name, user_email, total_desktops,
//     account_expires ("0", or Unix milliseconds when expired),
//     account_expired, enable_change_password, next_login_change_password,
//     locked, disabled, active_type, is_pre_user and user_phone. At most
//     Options.MaxPageSize users per answer, even without limit (where the
//     real API answers every user). A limit under 1 or an offset under 0,
//     or either not a number → 400 WKS.0002.
//   - GET /v2/{project_id}/users/{user_id}/otp-devices: at most 55 devices;
//     status REGISTERED (active), UNREGISTER (pending) or another word
//     (LOCKED, EXPIRED, SUSPENDED: unknown); create_time in every layout of
//     the vendor facts. An unknown user → 404 WKS.0004; a user without a
//     device → 200 and an empty list.
//   - Another project id → 403 WKS.0003 with an
//     encoded_authorization_message.
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
//   - GET /v2.0/users: at most Options.MaxPageSize users after the user
//     whose id is marker (limit asks for fewer), with
//     "users_links":[{"href":...,"rel":"next"}] (XML: <atom:link
//     rel="next">) while more follow. ?name= → the one user, as
//     {"user":{...}} or <user>, or 404. A limit under 1 or an unknown
//     marker → 400 badRequest.
//   - GET /v2.0/users/{userId}. A user has id, username, email, enabled,
//     created and the RAX-AUTH members domainId, defaultRegion,
//     multiFactorEnabled, multiFactorState (when on), the enforcement
//     level, factorType (when on) and phonePinState. In JSON every fourth
//     user writes the prefix "rax-auth:" and every third sends enabled and
//     multiFactorEnabled as strings; XML declares the identity namespace by
//     default and the rax-auth prefix.
//   - GET /v2.0/users/{userId}/RAX-AUTH/multi-factor/otp-devices and
//     .../otp-devices/{otpDeviceId}. In XML a single device is wrapped in
//     <rax-auth:otpDevices> (as the reference page shows) for some devices
//     and bare for others. verified true is active, false pending.
//   - GET /v2.0/users/{userId}/RAX-AUTH/multi-factor/mobile-phones: at
//     most one phone (id, verified, number); XML in the RAX-AUTH namespace
//     by default.
//   - Missing or bad X-Auth-Token → 401 unauthorized; unknown user or
//     device → 404 itemNotFound; another method → 405.
//
// ZStack (s.ZStack):
//   - PUT /zstack/v1/accounts/login with logInByAccount (password: the hex
//     SHA-512 of Creds.ZStackPassword) → inventory.uuid is the session;
//     a wrong password → 503 ID.1000. DELETE
//     /zstack/v1/accounts/sessions/{uuid} logs out.
//   - Three query APIs, each also as GET .../{uuid} (q=uuid={uuid}):
//     GET /zstack/v1/twofactorauthentication/secrets, GET
//     /zstack/v1/accounts (uuid, name, type, state, createDate,
//     lastOpDate; no state for some, as older releases) and GET
//     /zstack/v1/iam2/virtual-ids (the same fields). Without IAM2 the
//     last answers 404 in plain text (IAM2NotInstalled) or 503 SYS.1014
//     (IAM2Unsupported).
//   - Every query takes repeated q= conditions (=, !=, >, <, >=, <=, ?=,
//     !?=, ~=, !~=, "is null", "not null"), limit (default 1000), start,
//     count=true, replyWithCount=true, sort=+field|-field (or sortBy and
//     sortDirection) and fields=a,b, and answers at most
//     Options.MaxPageSize rows. Secret fields: uuid, secret, userUuid,
//     accountUuid (the two are aliases in conditions, so one query finds
//     records of both owner forms), userType, status, createDate,
//     lastOpDate, resourceUuid, resourceType; sortable: uuid, userUuid,
//     accountUuid and the dates. User fields: uuid, name, type, state and
//     the dates; sortable: uuid, name and the dates.
//   - Secrets: status as a string or as {"name":..,"ordinal":..}, in turn;
//     NewCreated (pending), Logined (active), Expired or Locked (unknown);
//     dates in Java's default text, "Jan 2, 2006 15:04:05" or RFC 3339
//     (UTC); userType AccountVO or IAM2VirtualIDVO by owner; one account's
//     secret in five in the older form with accountUuid instead of
//     userUuid and userType; secret is 16 base32 characters.
//   - Authorization "OAuth <session>" missing or malformed → 401 plain
//     text; unknown or expired session → 503 ID.1001; a limit or start
//     that is not a non-negative number, or a q= that does not parse → 400
//     plain text; an unknown field → 503 SYS.1007.
//
// # Organisations
//
// Each API has its own users: the ids of one API mean nothing at another.
// API.UserIDs lists them in the order the API does, and API.Users and
// API.Devices give the ground truth: what a faithful client reads.
//
// A seeded organisation is drawn from Options.Seed and stored compactly (a
// user and a device are a few dozen bytes; their texts are derived on
// demand), so a million users fit in memory. A user's draw (Active,
// Pending, Unknown, NoDevice) is its best factor. The APIs without an
// unknown status read it their own way: at Huawei IAM, Active is a device
// login asks for, Pending a device login does not ask for (protection
// off), Unknown an SMS-only user (protection by sms or email, no device);
// at Rackspace, Unknown is an SMS-only user (a verified phone, no OTP
// device), every third Active user has multi-factor off with enforcement
// OPTIONAL, and some Pending users also have an unverified phone. Every
// fourth user is inactive, in turn disabled, locked and expired: Workspace
// shows each form, Huawei IAM and Rackspace show the first as disabled,
// ZStack shows the first two as Disabled or Staled. At ZStack every third
// user is an IAM2 virtual id when IAM2 is installed, the first account is
// a SystemAdmin and some accounts have no state. Each draw of
// non-zero weight is given to at least one enabled user when there are
// enough of them. Wire variants (prefixes, booleans as strings, date
// layouts, status forms, serial forms, owner forms) follow the user's or
// the device's index, so every organisation shows each of them.
//
// An explicit organisation (Options.Explicit) holds the users given, in
// that order, with what they leave empty filled in from the seed: ids,
// names, e-mail addresses, dates (which keep whole seconds), vendor words
// (a device given no status is pending: UNREGISTER, verified false,
// NewCreated), serial numbers, phone numbers and TOTP seeds.
//
// # Faults
//
// API.Inject queues an mfatest.Fault: rate limiting (with Retry-After),
// server errors (500, 503 or 504 in the vendor's envelope, 502 as an HTML
// page from a proxy; mfatest.Down is a 503 that lasts until ClearFaults),
// truncated bodies and HTML pages. A fault answers its next Count requests
// (or every request when Count is 0), optionally only every Every-th one.
// Faults spare login and logout paths unless Fault.Login is set.
// API.SetLatency delays every request, honouring its context;
// API.ExpireTokens ends every login token or session issued so far (the
// static credentials stay valid). API.Requests and API.Connections count
// requests and accepted TCP connections exactly; API.RequestLog keeps the
// method, path and query of the last 10,000 requests (the two Huawei APIs
// share one log), never a header, and a ZStack session path with its
// session replaced by {session}.
//
// # Limits
//
// The emulators are faithful to the documented shapes, envelopes and auth
// rules, not to everything a vendor does: tokens are not scoped (any valid
// Huawei token reads any project it names correctly, any Rackspace token
// is a user-admin's), tokens do not expire by time, nothing can be created
// or deleted but sessions, and the error codes not named in the vendor
// facts (WKS.0002, WKS.0003, WKS.0004, APIG.0202, APIG.0203, SYS.1014 for
// a missing IAM2) are plausible choices. The servers are plain HTTP on
// 127.0.0.1.
package sim
