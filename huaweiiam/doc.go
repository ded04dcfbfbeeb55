// Package huaweiiam reads users, MFA and OTP devices from Huawei Cloud,
// through two APIs that share one Client and one set of credentials.
//
//   - IAM (Client.VirtualMFA, provider "huawei-iam"): the virtual MFA
//     device bound to an IAM user, with
//     GET /v3.0/OS-MFA/users/{user_id}/virtual-mfa-device, and every device
//     of the account with GET /v3.0/OS-MFA/virtual-mfa-devices; the IAM
//     users with GET /v3/users; and login protection
//     (GET /v3.0/OS-USER/users/{user_id}/login-protect and
//     GET /v3.0/OS-USER/login-protects), which says whether a user must
//     give a second factor at console login, and which.
//   - Workspace v2 (Client.WorkspaceOTP, provider "huawei-workspace"): the
//     OTP devices of a Workspace desktop user, with
//     GET /v2/{project_id}/users/{user_id}/otp-devices, and the desktop
//     users with GET /v2/{project_id}/users.
//
// Both providers implement mfa.Provider and mfa.UserLister; VirtualMFA
// also implements mfa.DeviceLister. Each also has typed methods that
// return this package's own types (VirtualMFADevice, OTPDevice,
// LoginProtect).
//
// # Two user namespaces
//
// The two APIs know different users. VirtualMFA takes IAM user ids (the
// users of the cloud account); WorkspaceOTP takes Workspace desktop user
// ids, which are managed by Workspace and are not IAM user ids. An id from
// one is meaningless to the other: ask each provider about its own users.
//
// # Endpoints
//
// Config takes full URLs. IAMEndpoint(region) and WorkspaceEndpoint(region)
// build the standard hosts:
//
//	huaweiiam.IAMEndpoint("")                     // https://iam.myhuaweicloud.com
//	huaweiiam.IAMEndpoint("cn-north-4")           // https://iam.cn-north-4.myhuaweicloud.com
//	huaweiiam.WorkspaceEndpoint("ap-southeast-1") // https://workspace.ap-southeast-1.myhuaweicloud.com
//
// An endpoint left empty turns its provider off: its calls return an error
// matching mfa.ErrUnsupported that names the missing Config field.
// Workspace calls address a project, so WorkspaceEndpoint needs ProjectID.
//
// # Credentials
//
// Exactly one kind, shared by both APIs:
//
//   - Token: a static X-Auth-Token. It is not renewed; a refusal is an
//     error matching mfa.ErrUnauthorized.
//   - DomainName, Username and Password: password login with
//     POST /v3/auth/tokens on IAMEndpoint, scoped to ProjectID when it is
//     set (else to the domain). The token (the X-Subject-Token response
//     header) is shared by both APIs, renewed before its expires_at, and
//     renewed once when a call is refused as unauthorized (HTTP 401, or the
//     API gateway's APIG.0307 "token must be renewed"); a second refusal is
//     returned. Concurrent calls share one login.
//   - AccessKey and SecretKey (and SecurityToken for temporary keys):
//     every request is signed with SDK-HMAC-SHA256. The signature covers
//     the method, the path, the query, the body's SHA-256 and the headers
//     content-type, host, x-sdk-date and, when sent, x-domain-id,
//     x-project-id and x-security-token. Workspace calls send X-Project-Id
//     (ProjectID), IAM calls X-Domain-Id (DomainID, when set), and
//     temporary keys X-Security-Token. Each attempt, retries included, is
//     signed afresh with the current time.
//
// Token, Password, SecretKey and SecurityToken are mfa.Secret values
// (mfa.NewSecret makes one): they print as [REDACTED] under every fmt verb,
// in JSON and in log records, so a Config is safe to print and log. The
// Client keeps them behind pointers, out of reach of fmt. No token,
// password, secret key or security token appears in an error or a log
// line. AccessKey is an id sent in clear, and an ordinary string.
//
// Close releases the Client's idle connections; there is no session to
// end, and the Client stays usable.
//
// # Statuses
//
// Workspace OTP devices: REGISTERED (bound) is mfa.StatusActive, UNREGISTER
// (not bound) mfa.StatusPending; any other word is mfa.StatusUnknown and
// stays readable in VendorStatus. create_time is read in every layout the
// API has used (2006-01-02 15:04:05, 2006-01-02T15:04:05Z,
// 2006-01-02T15:04:05, RFC 3339 with or without fractional seconds), as
// UTC; a value in no known layout does not fail the call: the device keeps
// the text (OTPDevice.RawCreateTime), CreatedAt is zero, and a warning
// naming the field and value is logged.
//
// IAM virtual MFA devices: the API reports only bound devices, as a user
// id and a serial number ("iam/mfa/<id>" or "iam:<id>...", opaque), so
// every device is mfa.StatusActive, its ID is the serial number, and its
// VendorStatus, Name, UserName and CreatedAt are empty. IAM answers 404
// with its code IAM.0004 for a user with no device: UserDevices returns an
// empty list, UserDevice an error matching mfa.ErrNotFound. A 404 without
// that code (a proxy's or a gateway's) is an error for both.
//
// # Factors
//
// Every device of both APIs is an authenticator app or token: Kind is
// mfa.KindTOTP. Huawei IAM also protects logins with codes sent by SMS or
// e-mail; those are no device, and show only in a user's login
// protection (see Users).
//
// # Users
//
// VirtualMFA().Users yields every IAM user of the account. IAM's
// GET /v3/users lists enabled users only unless asked for enabled=false,
// so the users are read in two listings, enabled then disabled, each
// following Keystone's links.next while the server sends one (only the
// link's query is taken: the page is asked of IAMEndpoint, so that a link
// never takes the credentials elsewhere). Enabled is the user's own
// enabled. Login protection is read once for everyone, with
// GET /v3.0/OS-USER/login-protects:
//
//	protection on, verification_method vmfa, sms or email   LoginMFA mfa.EnforcementRequired, LoginMFAMethod that word
//	protection off                                           LoginMFA mfa.EnforcementNotRequired
//	the user not in login-protects                           LoginMFA mfa.EnforcementUnknown
//
// A method word this package does not know is kept, and still required.
// Unless IAM pages it, each listing is one response, some 300 bytes a
// user: an account of more than about 25,000 users needs a
// Config.MaxResponseBytes above the 8 MiB default (a body past the limit
// is an error matching mfa.ErrInvalidResponse).
// When login-protects fails (it is an administrator call), the users are
// yielded all the same, every one mfa.EnforcementUnknown, and that error
// comes last: a caller keeps the users and learns why their login is
// unknown.
//
// WorkspaceOTP().Users yields every desktop user of the project, with
// GET /v2/{project_id}/users?offset=&limit=, Config.WorkspacePageSize
// (100 by default) a page, by offset until total_count. A server may
// answer fewer users than asked: the next page starts after the users
// read, and a short page is never taken for the last while total_count
// says there are more. An empty page before total_count is reached is an
// error matching mfa.ErrInvalidResponse (the rest cannot be read). A user
// is enabled unless disabled, locked or account_expired. Workspace says
// nothing of whether login asks for the OTP device: LoginMFA is
// mfa.EnforcementUnknown.
//
// Name is the IAM user's name, or the Workspace user_name. The two
// listings know different users: see "Two user namespaces" above. Both
// yield an error once, as the last pair, after the users read before it,
// and stop at once when the range stops.
//
// # Listings that never end
//
// A server that pages wrongly cannot hold a listing forever or grow its
// memory without bound:
//
//   - A page whose users were all listed before in the same listing (a
//     server that ignores offset or serves links.next to a page already
//     read, or alternates two pages) is a loop: the listing ends at once
//     with an error matching mfa.ErrInvalidResponse that says so. A user
//     listed again on a page that also holds new users (users added or
//     removed between pages) is yielded once, and the listing goes on.
//     IAM's disabled listing repeating enabled users (a server that
//     ignores the filter) is no loop either.
//   - A listing that reads more than Config.MaxListing rows
//     (DefaultMaxListing, 10 million, when 0), duplicates included, ends
//     with an error matching mfa.ErrInvalidResponse after the rows up to
//     the limit. For IAM, both listings count together.
//
// What was read before either error was yielded. To tell duplicates, a
// listing remembers the id of every row it read, exactly: an id of 32
// hex digits as its 16 bytes, some 40 bytes a row with the map around
// them, so at most about 400 MB at the 10-million default. A lower
// MaxListing bounds it further; the set is dropped when the listing ends.
//
// # Pacing
//
// Config.Pacing sets how fast requests are sent (mfa.Pacing: a rate, a
// burst, and whether refusals may lower it). Every attempt counts,
// retries included. IAM and Workspace are separate services behind
// separate API gateways, which count requests apart, so each keeps a pace
// of its own at that setting: a refusal for rate by one (HTTP 429,
// APIG.0308) lowers that one's rate for all its calls, and leaves the
// other alone. The password login goes to IAM and counts there.
// VirtualMFA().Rate and WorkspaceOTP().Rate say each one's pace now (0:
// not paced). A Pacing that fails mfa.Pacing.Validate is a NewClient
// error naming Config.Pacing.
//
// # Errors
//
// A failed call returns an error that matches one mfa sentinel with
// errors.Is and, when the server answered, unwraps to *mfa.APIError with
// errors.As. Every Huawei error body is decoded into its Code, Message,
// RequestID (from the body's request_id, else the X-Request-Id header) and
// EncodedAuthorizationMessage (to decode with STS
// decode-authorization-message):
//
//	{"error_code":"WKS.0001","error_msg":"...","encoded_authorization_message":"..."}
//	{"error_code":"IAM.0004","error_msg":"Could not find ..."}
//	{"error_code":"APIGW.0301","error_msg":"...","request_id":"..."}
//	{"code":"WKS.0004","message":"The user does not exist."}
//	{"error":{"code":401,"message":"...","title":"Unauthorized"}}
//
// Each sub-error of a "details" list ({"code","message"} or
// {"error_code","error_msg"}) becomes an *mfa.APIError in Causes, with its
// Code and Message: Error prints them ("...: caused by A; and by B"), and
// they sit in the unwrap chain (APIError.Unwrap returns Causes). They carry
// no status and match no sentinel of their own. The first 8 of a list are
// kept, 3 levels deep; the message of the error above says what was left
// out. Every text is cleared of the call's secrets, then cut short.
//
// The HTTP status picks the sentinel, except where the vendor code says
// more: IAM.0004 (any case) is mfa.ErrNotFound, IAM.0002 and IAM.0003
// mfa.ErrForbidden, IAM.0007 and IAM.0011 mfa.ErrBadRequest, IAM.0006
// mfa.ErrUnavailable; the gateway's APIG.0308/APIGW.0308 (throttled) is
// mfa.ErrRateLimited and retried, APIGW.0301 and APIG.0307 are
// mfa.ErrUnauthorized, APIGW.0101 (no such API at this endpoint) is
// mfa.ErrUnsupported. For the Keystone form, Code is the title
// ("Unauthorized"). A body that is none of these (HTML from a proxy, empty,
// truncated) still gives an *mfa.APIError with the status and a cleaned
// snippet of the body.
//
// # Example
//
//	c, err := huaweiiam.NewClient(huaweiiam.Config{
//		IAMEndpoint:       huaweiiam.IAMEndpoint(""),
//		WorkspaceEndpoint: huaweiiam.WorkspaceEndpoint("ap-southeast-1"),
//		ProjectID:         "0bec5db98280d2d02fd6c00c2de791ce",
//		DomainName:        "example-account",
//		Username:          "auditor",
//		Password:          mfa.NewSecret(os.Getenv("HW_PASSWORD")),
//	})
//	if err != nil {
//		return err
//	}
//	defer c.Close()
//	for u, err := range c.VirtualMFA().Users(ctx) {
//		if err != nil {
//			return err // the users before it were read
//		}
//		devs, err := c.VirtualMFA().UserDevices(ctx, u.ID)
//		...
//	}
//	otps, err := c.WorkspaceOTP().OTPDevices(ctx, workspaceUserID)
//	...
//	for _, d := range otps {
//		fmt.Println(d.ID(), d.Status(), d.CreatedAt())
//	}
package huaweiiam
