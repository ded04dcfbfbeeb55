// Package rackspace reads the users and the second factors of Rackspace
// Cloud Identity (the v2.0 API and its RAX-AUTH multi-factor extension): OTP
// devices and mobile phones, in JSON or in XML.
//
// A Client is an mfa.Provider (UserDevices), an mfa.DeviceGetter (Device)
// and an mfa.UserLister (Users); its typed methods return the package's
// own types:
//
//	GET /v2.0/users                                                           Users
//	GET /v2.0/users/{userId}/RAX-AUTH/multi-factor/otp-devices                OTPDevices, UserDevices
//	GET /v2.0/users/{userId}/RAX-AUTH/multi-factor/otp-devices/{otpDeviceId}  OTPDevice, Device
//	GET /v2.0/users/{userId}/RAX-AUTH/multi-factor/mobile-phones              MobilePhones, UserDevices, Device
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
//	for u, err := range c.Users(ctx) {
//		if err != nil {
//			return err // the users before it were read
//		}
//		devices, err := c.UserDevices(ctx, u.ID) // OTP devices, then phones
//		...
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
// The mobile phone list is {"RAX-AUTH:mobilePhones": [{"id": "12345",
// "verified": true, "number": "12658943489"}]} in JSON, and in XML
// <mobilePhones> and <mobilePhone> elements in the RAX-AUTH namespace, as
// the default namespace (as the vendor's example has it) or under a
// prefix.
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
// # Users
//
// Users lists the users the token can see: every user of the domain for a
// user-admin, the user itself for a plain user. Each becomes an mfa.User:
//
//	ID              id
//	Name            username
//	Enabled         enabled (true when absent)
//	LoginMFA        required      RAX-AUTH:multiFactorEnabled true, or
//	                              RAX-AUTH:userMultiFactorEnforcementLevel REQUIRED
//	                not-required  level OPTIONAL (and multi-factor off)
//	                unknown       level DEFAULT or absent: the domain's level
//	                              decides, which this client does not read
//	LoginMFAMethod  RAX-AUTH:factorType ("OTP" or "SMS") when multi-factor is
//	                on, else ""
//
// Members match as UserMFA's do: with the "RAX-AUTH:" or "rax-auth:"
// prefix or none, booleans as JSON booleans or strings ("true"); in XML the
// identity namespace as the default or under a prefix, and the RAX-AUTH
// attributes under any prefix. A flag that reads as no boolean never loses
// a user: an unreadable enabled counts as enabled (an audit then looks at
// the user), an unreadable multiFactorEnabled leaves the login unknown
// unless the level says REQUIRED, and a warning is logged. A user without
// an id makes the page invalid. A body holding one user, {"user": {...}}
// or a bare <user> (what ?name= answers), is a listing of one.
//
// # Listing limits
//
// The listing pages as OpenStack v2 does: the first request asks for the
// server's first page, and each page's next link (users_links in JSON, an
// atom:link in XML, rel "next") gives the marker and limit of the next
// request; a link without a marker pages after the id of the page's last
// user. Only the link's query is used: every request goes to
// Config.Endpoint, whatever host a link names. A page without a next link,
// or an empty page, ends the listing.
//
// A server that misbehaves cannot make a listing endless:
//
//   - a user listed twice is yielded once;
//   - a page whose users were all listed before (a server that ignores
//     the marker, or alternates two pages) ends the listing at once with
//     an error matching mfa.ErrInvalidResponse that says it loops;
//   - a listing longer than Config.MaxListing rows (DefaultMaxListing, 10
//     million, when 0; a row listed twice counts twice) ends with an error
//     matching mfa.ErrInvalidResponse when the row past the limit arrives.
//
// Every user yielded before such an error stays read. Telling a repeated
// user takes the set of the ids listed so far: an id of 32 lower-case hex
// digits, the form of Identity's generated ids, is kept as its 16 bytes,
// any other id as a string. The set is exact (a hash would be smaller, but
// a collision would drop a user without a word); at the default limit of
// 10 million hex ids it holds a few hundred megabytes.
//
// # Factors
//
// UserDevices returns every factor of a user, two calls one after the
// other: the OTP devices (*OTPDevice, Kind mfa.KindTOTP), then the mobile
// phones (*MobilePhone, Kind mfa.KindSMS; Rackspace allows one per user).
// OTPDevices and MobilePhones return each kind alone. Device looks an id up
// among the OTP devices and, when there is none with that id, among the
// phones; an id that is neither is the OTP device call's not found error.
//
// A phone number is personal data. A MobilePhone keeps only the number
// masked to its last two digits behind a fixed-width mask of nine
// asterisks ("*********89" for "12658943489" and for "+1 265-894-3489"),
// so that Name, String, every fmt verb, JSON, a log record and reflection
// show nothing more; a number of two digits or fewer shows as the mask
// alone. An error that quotes a body masks the number members of it the
// same way.
//
// # Statuses
//
// The API says only whether a device or a phone is verified:
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
// invalid. The API sends no creation time and no user name: CreatedAt is
// zero and UserName is "". UserID is the id that was asked for.
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
// # Pacing
//
// Config.Pacing says how fast a Client sends its requests, every attempt
// counted (retries and logins included). A Client has one host and one
// pace, shared by all its calls and by every goroutine using it; two
// Clients of one account pace apart. Unless Pacing.Fixed is set, a refusal
// for rate (413 overLimit, 429) lowers the pace of every call below what
// the server was seen to accept, and calls that succeed raise it again
// slowly, never above Pacing.Rate; with no Rate, the first refusal sets
// one. Client.Rate reports the pace now (0: not paced). A Pacing that
// Validate refuses (a negative or NaN rate, a burst out of range) is a
// NewClient error naming Config.Pacing.
//
// # Connections
//
// A Client keeps idle connections open for its next calls. Close releases
// them; the Client stays usable.
package rackspace
