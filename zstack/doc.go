// Package zstack reads the two-factor authentication secrets of a ZStack
// Cloud management server, the TOTP devices of its accounts and IAM2
// users, and the users themselves.
//
// A Client speaks the ZStack REST API (GET
// /zstack/v1/twofactorauthentication/secrets, /zstack/v1/accounts and
// /zstack/v1/iam2/virtual-ids, ZStack query APIs) and is an mfa.Provider,
// an mfa.DeviceGetter, an mfa.DeviceLister and an mfa.UserLister. Each
// secret is a *Secret, an mfa.Device of kind mfa.KindTOTP whose ID is the
// secret's uuid and whose UserID is its owner's uuid (an account or an
// IAM2 user: UserType says which).
//
//	c, err := zstack.NewClient(zstack.Config{
//		Endpoint:    "http://zstack.example.com:8080",
//		AccountName: "admin",
//		Password:    mfa.NewSecret(os.Getenv("ZSTACK_PASSWORD")),
//		Location:    shanghai, // the server's time zone; UTC by default
//	})
//	if err != nil { ... }
//	defer c.Close() // logs the session out
//
//	for dev, err := range c.AllDevices(ctx) {
//		if err != nil { ... }
//		fmt.Println(dev.UserID(), dev.Status())
//	}
//	for u, err := range c.Users(ctx) {
//		if err != nil { ... }
//		fmt.Println(u.ID, u.Name, u.Enabled)
//	}
//
// # Endpoint
//
// Config.Endpoint is the server root, "http://{host}:8080". The API base
// as the ZStack manual prints it, "http://{host}:8080/zstack/v1/" (or
// ".../zstack"), is accepted too: that suffix is removed. Any other path
// is kept as a prefix, for a server behind a reverse proxy:
// "https://proxy.example.com/cloud" sends "/cloud/zstack/v1/...".
//
// # Credentials
//
// Every call carries "Authorization: OAuth <session>". The session is
// either Config.SessionID, or one the Client obtains by logging in with
// Config.AccountName and Config.Password (PUT /zstack/v1/accounts/login;
// the password travels as its hex SHA-512, as ZStack expects, and that
// hash is treated as a secret too). Both credentials are mfa.Secret
// values: a Config and a Client print, log and marshal without them.
//
// A logged-in session is renewed once when the server refuses it (an HTTP
// 401, or an error object with ID.1001, invalid or expired session,
// whatever the status, 200 included); a second refusal is an error
// matching mfa.ErrUnauthorized. The session's expiredDate is not used:
// the server's refusal is what counts. An account that needs a second
// factor to log in (ID.2001) cannot be used.
//
// Close (or Logout, with a context) logs out the session the Client
// logged in with (DELETE /zstack/v1/accounts/sessions/{uuid}) and closes
// the Client: later calls fail with ErrClosed. A Client built with a
// SessionID never logs that session out: it belongs to the caller.
//
// # Queries
//
// QuerySecrets makes one query with QueryOptions: q conditions built with
// Eq, NotEq, Gt, Lt, Gte, Lte, In, NotIn, Like, NotLike, IsNull and
// NotNull (or Where), limit, start, replyWithCount, sort (Asc, Desc) and
// fields. A condition the server would read otherwise than meant is
// refused before any request (see Condition). Secrets walks every page
// with start and limit, as an iter.Seq2 that holds one page at a time;
// AllDevices and UserDevices use it, so that no listing stops at the
// server's default of 1000 rows. CountSecrets asks for the total alone.
//
// Accounts and VirtualIDs walk the accounts and the IAM2 users the same
// way, with the same options, as Account and VirtualID values.
//
// UserDevices queries q=userUuid=<id>, for an account's uuid and an IAM2
// user's alike. Older releases name the owner accountUuid and refuse that
// condition: the Client then asks again with accountUuid and keeps doing
// so. Device fetches GET .../secrets/{uuid} and checks that the owner is
// the given user; a secret of another owner is mfa.ErrNotFound.
//
// Queries are synchronous. A reply with a job location (HTTP 202, how
// ZStack answers asynchronous calls) is not followed: it is an error
// matching mfa.ErrInvalidResponse.
//
// # Listings that never end
//
// Every listing (Secrets, Accounts, VirtualIDs, and AllDevices,
// UserDevices and Users, which use them) shares one walk, which does not
// trust the server to end it. It keeps the uuids it has read: a row read
// again (the table changed under the walk, shifting the pages) is skipped,
// not yielded twice; a page with rows but none new (a server that ignores
// start, or sends two pages in turn) ends the walk at once; and a listing
// longer than Config.MaxListing rows (0 means DefaultMaxListing, ten
// million), such as a server that sends full pages of new rows forever
// with no total or an absurd one, ends when that many rows are read. Both
// end with an error matching mfa.ErrInvalidResponse that says which
// listing and why, after every row read before it.
//
// A uuid of 32 lower-case hex digits, as ZStack makes them, is kept as its
// 16 bytes: about 30 bytes a row with the set's own cost, some 300 MB at
// the ten-million limit, a third of what the uuids would cost as strings.
// Any other id is kept as a string. A walk asks for uuid even when
// QueryOptions.Fields leaves it out, since it tells rows apart by it.
//
// # Users
//
// Users (mfa.UserLister) yields every account, then every IAM2 user (a
// virtual id), as mfa.User values: ID is the uuid, which UserDevices
// takes for either; Name the name; Enabled whether the state is Enabled
// or absent (older releases send no state), so that a Disabled or Staled
// account or a Disabled IAM2 user is not enabled. LoginMFA is
// mfa.EnforcementUnknown and LoginMFAMethod "": ZStack reports no per-user
// requirement of a second factor at login. A server without the IAM2
// module answers the first page of virtual ids with HTTP 404 or an
// unsupported code (SYS.1014, SYS.1013, SYS.1008): its users are its
// accounts, and that is no error. Any other failure, or one after the
// first page, is yielded as the last pair, after every user read before
// it.
//
// # Pacing
//
// Config.Pacing sets the rate a Client sends its requests at (see
// mfa.Pacing), and Client.Rate reports the pace now. A Client is one
// provider on one host: all its requests, logins, logouts and retries
// included, share one pace. ZStack has no status of its own for a refusal
// for rate (a busy management node answers 503 SYS.1012, retried as a
// transient failure), so an adaptive pace lowers only on an HTTP 429 or
// 413 from a gateway in front of the server; to spare a management node,
// set Rate.
//
// # Statuses
//
// The status field is a string or an enum object {"name": ..., "ordinal":
// ...}; both are read. NewCreated (made, never used to log in) is
// mfa.StatusPending; Logined (the user has logged in with it) is
// mfa.StatusActive; any other word is mfa.StatusUnknown, kept in
// VendorStatus.
//
// # Dates
//
// createDate and lastOpDate come in Java's default text ("Oct 28, 2025
// 2:09:26 PM", with a comma after the year or a narrow no-break space
// before PM on newer JDKs), as "Jan 2, 2006 15:04:05", as RFC 3339, or as
// "2006-01-02 15:04:05". The zone-less forms are read in Config.Location
// (UTC by default); every time is returned in UTC. A date in no known
// layout does not fail the call: CreatedAt is the zero time, the text is
// kept (CreateDateText) and a warning naming the secret's uuid, the field
// and the value is logged.
//
// # The TOTP seed
//
// A secret's seed is an mfa.Secret (TOTPSecret, its former type, is now a
// deprecated alias of it), which prints, logs and marshals as
// "[REDACTED]"; Reveal returns it. *Secret and Secret print, log and
// marshal without it, whatever the verb. Errors quote no part of a body
// without first removing the value of every "secret" member.
//
// # Memory
//
// Every listing reads one page at a time: AllDevices over 100,000 secrets
// holds about one page (its body, about 245 KB for 1,000 secrets, and the
// secrets decoded from it) at a time, besides the uuids read so far (see
// above). Each Secret is a copy: keeping one keeps no body alive.
//
// # Errors
//
// Every failed call returns an error that matches one mfa sentinel with
// errors.Is and, when the server answered, unwraps to *mfa.APIError with
// errors.As. ZStack answers HTTP 503 to every failed call, with an error
// object {code, description, details, elaboration, opaque, cause}: the
// code decides the sentinel, whatever the status. Code is the code,
// Message the description, Details the details (and the elaboration; opaque
// is not kept), RequestID the reply's id. Every cause is kept in Causes, as
// an *mfa.APIError with no status that matches no sentinel: the cause
// object first, then each of the causes list (ZStack's ErrorCodeList), each
// with its own causes, 16 levels deep at most; errors.Is and errors.As
// walk them, and Error prints them. An error object in a reply with a
// success status, or "success": "false" (the string or the boolean), is a
// failure too.
//
//	SYS.1000, 1001, 1009, 1010, 1011, 1012, 1016   mfa.ErrUnavailable (transient: retried)
//	SYS.1003                                       mfa.ErrNotFound
//	SYS.1007                                       mfa.ErrBadRequest
//	SYS.1008, 1013, 1014                           mfa.ErrUnsupported
//	other SYS codes, other modules' codes          mfa.ErrBadRequest (an operation failure: not retried)
//	ID.1000, 1001, 2000, 2001, 2002                mfa.ErrUnauthorized (a logged-in session is renewed once)
//	ID.1002                                        mfa.ErrForbidden
//	ID.1003, 1004 (quota), 1005 (password must be
//	changed), 1006 (too many sessions), 1007
//	(account disabled), other ID codes             mfa.ErrForbidden (not retried: waiting does not help)
//	ID.2003                                        mfa.ErrUnavailable (the second-factor server failed)
//
// Only idempotent calls are retried, and a 503 only when its code is
// transient (or it carries no ZStack error code). The plain-text bodies of
// the REST layer's own refusals (HTTP 400 for a bad parameter, 401 for a
// missing or bad session) are *mfa.APIError values with that text as
// Message, matching mfa.ErrBadRequest and mfa.ErrUnauthorized.
package zstack
