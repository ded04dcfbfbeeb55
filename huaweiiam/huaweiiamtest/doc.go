// Package huaweiiamtest runs Huawei Cloud IAM and Huawei Cloud Workspace on
// two loopback ports for tests, in the manner of net/http/httptest: start
// them with users and devices, point a client at them, make them
// misbehave, and read what they saw.
//
//	srv, err := huaweiiamtest.NewServer(huaweiiamtest.Options{})
//	if err != nil { ... }
//	defer srv.Close()
//	c, err := huaweiiam.NewClient(huaweiiam.Config{
//		IAMEndpoint:       srv.IAMURL,
//		WorkspaceEndpoint: srv.WorkspaceURL,
//		ProjectID:         srv.ProjectID,
//		Token:             srv.Token,
//	})
//	...
//	srv.Workspace.Inject(mfatest.Down()) // Workspace answers 503, IAM works
//
// The server writes Huawei's wire formats itself, from the vendor's
// documentation, without the huaweiiam package: a bug of the client is not
// mirrored by its test server. No package of this module but tests and
// examples imports it.
//
// # What it serves
//
// IAM (Server.IAMURL):
//   - POST /v3/auth/tokens: password login (domain name, user name,
//     password; scoped to the project, the domain or unscoped): 201 with
//     the token in X-Subject-Token, expiring 24 h later; a wrong password
//     401 in Keystone's form, {"error":{"code":401,...}}.
//   - GET /v3/users: Keystone's shape with links (no paging). Only
//     enabled users unless enabled=false, which lists the disabled ones;
//     name and domain_id filter.
//   - GET /v3.0/OS-MFA/users/{user_id}/virtual-mfa-device: 404 IAM.0004
//     for a user without a device, 404 Iam.0004 for an unknown user.
//   - GET /v3.0/OS-MFA/virtual-mfa-devices: every device, no paging.
//     Serial numbers come as "iam/mfa/<user_id>" and "iam:<user_id>:mfa".
//   - GET /v3.0/OS-USER/users/{user_id}/login-protect and
//     GET /v3.0/OS-USER/login-protects: enabled and verification_method
//     (vmfa, sms, email).
//
// Workspace (Server.WorkspaceURL):
//   - GET /v2/{project_id}/users?offset=&limit=: total_count and a page of
//     at most Options.MaxPageSize users, even without limit: a client
//     pages by offset until total_count. Users carry disabled, locked and
//     account_expired. A limit or offset that is not a number (or a limit
//     under 1) answers 400 WKS.0002.
//   - GET /v2/{project_id}/users/{user_id}/otp-devices: at most 55
//     devices, status REGISTERED, UNREGISTER or another word, create_time
//     in every layout Huawei has used. An unknown user answers 404
//     WKS.0004; a user without a device 200 and an empty list.
//
// Another project id answers 403 WKS.0003 with an
// encoded_authorization_message. An unpublished method or path answers 404
// APIGW.0101. Every response carries an X-Request-Id header, which the
// gateway's error bodies repeat in request_id.
//
// # Credentials
//
// Both services accept an X-Auth-Token (Server.Token, which never expires,
// or a token from the password login of Server.DomainName,
// Server.Username and Server.Password, scoped to Server.ProjectID) or an
// AK/SK signature (SDK-HMAC-SHA256 with Server.AccessKey and
// Server.SecretKey, recomputed from the request; the signed headers must
// include host and x-sdk-date, and X-Sdk-Date must be within 15 minutes).
// A refused credential answers 401 APIGW.0301; an expired login token 401
// APIG.0307. Every credential derives from Options.Seed.
//
// # The sample organisation
//
// Without Options.IAMUsers and Options.WorkspaceUsers the services hold a
// sample organisation drawn from the seed; each service has its own users,
// and the ids of one mean nothing at the other. IAM has users whose login
// asks for their virtual MFA device, users with a device login does not
// ask for (protection off), SMS-only users (protection by sms or email, no
// device), users with no factor, and one user in twelve disabled.
// Workspace has users whose first device is REGISTERED, UNREGISTER or in
// another status, users with no device, and one user in four disabled,
// locked or expired in turn; its users span more than one page of the
// default page size. When there are enough users, each kind the weights of
// Options allow appears at least once among the enabled users.
//
// # Faults and counts
//
// Server.Inject queues an mfatest.Fault on both services,
// Server.IAM.Inject and Server.Workspace.Inject on one. Rate limiting
// answers 429 APIG.0308 with Retry-After; server errors answer 500 in the
// service's envelope (IAM.0006, WKS.0001), 503 APIG.0202 or 504 APIG.0203
// (502 is an HTML page from a proxy); truncated bodies and HTML pages
// break the answer itself. Login is spared unless the fault says
// otherwise. SetLatency delays every request; RequestCount,
// ConnectionCount and Requests say what the services received, for both
// or (on a Host) for one.
//
// # Limits
//
// The services are faithful to the documented shapes, envelopes and auth
// rules, not to everything Huawei does: tokens are not scoped (any valid
// token reads any project it names correctly), tokens do not expire by
// time, nothing can be created or deleted, and the error codes Huawei does
// not document for these calls (WKS.0002, WKS.0003, WKS.0004, APIG.0202,
// APIG.0203) are plausible choices. They are plain HTTP on 127.0.0.1.
package huaweiiamtest
