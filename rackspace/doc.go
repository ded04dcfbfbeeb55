// Package rackspace reads the OTP devices of Rackspace Cloud Identity users
// (the v2.0 API's RAX-AUTH multi-factor extension), in JSON or in XML.
//
// A Client is an mfa.Provider (UserDevices) and an mfa.DeviceGetter
// (Device); its typed methods return the package's own types:
//
//	GET /v2.0/users/{userId}/RAX-AUTH/multi-factor/otp-devices                OTPDevices, UserDevices
//	GET /v2.0/users/{userId}/RAX-AUTH/multi-factor/otp-devices/{otpDeviceId}  OTPDevice, Device
//	GET /v2.0/users/{userId}                                                  UserMFA
//
// User ids are the Identity service's user ids (not user names). Every id is
// checked and escaped as one path segment before any request: an empty id,
// "." or "..", or one holding a control character is refused with an error
// matching mfa.ErrBadRequest, and nothing is sent.
//
//	c, err := rackspace.NewClient(rackspace.Config{
//		Endpoint: rackspace.PublicEndpoint,
//		Username: "jqsmith",
//		APIKey:   mfa.NewSecret(os.Getenv("RAX_API_KEY")),
//		Format:   rackspace.XML, // rackspace.JSON is the default
//	})
//	if err != nil {
//		return err
//	}
//	defer c.Close()
//	devices, err := c.OTPDevices(ctx, "e0fb2b4ddb594819b697d0048614c117")
//	for _, d := range devices {
//		fmt.Println(d.ID(), d.Name(), d.Verified())
//	}
//	settings, err := c.UserMFA(ctx, "e0fb2b4ddb594819b697d0048614c117")
//	// settings.Enabled, settings.State ("ACTIVE"), settings.EnforcementLevel ("OPTIONAL")
//
// # Authentication
//
// Give one kind of credential, or NewClient fails:
//
//   - Token: a token obtained elsewhere, sent as X-Auth-Token. It is never
//     renewed; once it expires calls fail with mfa.ErrUnauthorized.
//   - Username and APIKey, or Username and Password: the Client logs in
//     with POST /v2.0/tokens (RAX-KSKEY:apiKeyCredentials or
//     passwordCredentials) at its first call, keeps access.token.id, and
//     logs in again five minutes before access.token.expires (an RFC 3339
//     time such as "2014-01-09T15:08:53.645-06:00"), and once when the
//     server refuses the token with a 401; a second refusal is returned.
//     Concurrent calls share one login. The login call is always made in
//     JSON whatever Config.Format says; its answer is read in JSON or XML.
//     An expiry that cannot be read, or that is already past by the local
//     clock, is logged as a warning and the token is used until refused.
//     An account that requires a multi-factor passcode to log in cannot log
//     in this way (the 401 says so in its Details); give it a Token.
//
// Tokens, API keys and passwords never appear in an error, a log line, the
// fmt forms of Config or Client, or any JSON: a Config holds them as
// mfa.Secret values, which print as [REDACTED] under every verb, and a
// Client holds them only behind pointers.
//
// # Formats
//
// Config.Format chooses the Accept header: application/json (JSON, the
// default) or application/xml (XML). Every body is decoded by what it is,
// not by what was asked for: a body starting with "{" is JSON, one
// starting with "<" is XML (after a UTF-8 byte order mark, if any).
//
// JSON: the list is {"RAX-AUTH:otpDevices": [ ... ]}, a bare array, and
// one device is {"RAX-AUTH:otpDevice": {...}}; keys match in any case, so
// "rax-auth:otpDevices" does too. A body without that array or object
// (including {} and a null) is an error: the service always sends the key,
// with [] for a user with no device.
//
// XML: names are matched by namespace URI, never by prefix. The devices are
// <otpDevices> and <otpDevice> elements in the RAX-AUTH namespace
// (http://docs.rackspace.com/identity/api/ext/RAX-AUTH/v1.0), under any
// prefix or as the default namespace, with unqualified id, name and verified
// attributes. One device may come bare or wrapped in <otpDevices>, as the
// vendor's reference shows; both decode (where a wrapper holds several
// devices, the one with the requested id is taken). An element with the
// right local name in another namespace, or a prefix left undeclared, is
// an error matching mfa.ErrInvalidResponse.
//
// # Statuses
//
// The API says only whether a device is verified:
//
//	verified true   mfa.StatusActive    VendorStatus "verified"
//	verified false  mfa.StatusPending   VendorStatus "unverified"
//	anything else   mfa.StatusUnknown   VendorStatus the raw text ("" when absent)
//
// The flag is read as a JSON boolean or number, or as text ("true",
// "false", "1", "0", in any case): XML attributes are text, and some JSON
// writers quote booleans. A value that reads as neither never loses the
// device: it is kept as StatusUnknown with its raw text, and a warning is
// logged. A JSON object or array where the flag belongs makes the body
// invalid. The API
// sends no creation time and no user name: CreatedAt is zero and UserName
// is "". UserID is the id that was asked for.
//
// # User settings
//
// UserMFA reads RAX-AUTH:multiFactorEnabled (a boolean, or the string
// "true"/"false" in any case; false when absent), RAX-AUTH:multiFactorState
// and RAX-AUTH:userMultiFactorEnforcementLevel from the user object. JSON
// keys match with or without the "RAX-AUTH:" prefix, in any case (the
// prefixed key wins where both are sent); XML attributes must be in the
// RAX-AUTH namespace, except that the literal, undeclared prefix
// "RAX-AUTH:" of some published examples is accepted too.
//
// # Errors
//
// The Identity API's faults, {"itemNotFound": {"code": 404, "message":
// "...", "details": "..."}} in JSON and <itemNotFound
// xmlns="http://docs.openstack.org/identity/api/v2.0" code="404">
// <message>...</message><details>...</details></itemNotFound> in XML, are
// decoded in either format whatever the Accept header asked for, into an
// *mfa.APIError whose Code is the fault name and whose Message and Details
// are the fault's. Each matches one sentinel with errors.Is:
//
//	identityFault       500 or 400: by its status (mfa.ErrUnavailable, mfa.ErrBadRequest)
//	serviceUnavailable  503  mfa.ErrUnavailable (retried)
//	badRequest          400  mfa.ErrBadRequest
//	unauthorized        401  mfa.ErrUnauthorized (a login client renews once)
//	overLimit           413  mfa.ErrRateLimited (retried)
//	userDisabled        403  mfa.ErrForbidden
//	forbidden           403  mfa.ErrForbidden
//	itemNotFound        404  mfa.ErrNotFound
//	tenantConflict      409  mfa.ErrBadRequest
//
// A body that is no fault (an HTML page from a proxy, an empty or truncated
// body) gives an *mfa.APIError matching the sentinel of its status (405 is
// mfa.ErrUnsupported), with a cleaned snippet of the body as its Message. A
// 2xx body that is not what the API promises is an error matching
// mfa.ErrInvalidResponse that names the status and quotes the first bytes
// of the body.
//
// # Retries
//
// GET calls are retried, per Config.Retry, on 413 overLimit, 429, 502, 503
// and 504 and on network errors: after the wait a Retry-After header asks
// for (seconds or an HTTP date, capped by RetryPolicy.MaxRetryAfter), or
// else an exponential backoff with jitter. The login call (a POST) is never
// retried; 400, 401, 403 and 404 never are.
//
// # Connections
//
// A Client keeps idle connections open for its next calls. Close releases
// them; the Client stays usable.
package rackspace
