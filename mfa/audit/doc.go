// Package audit answers, for a whole organisation, the question an MFA
// audit asks: which users can log in without a second factor, or with a
// weak one? It takes a Directory of providers (any mfa.Provider: the
// vendor clients of this module, or a caller's own), reads every user in
// scope and every factor each holds, applies the rules and returns a
// Report.
//
//	dir, err := mfa.NewDirectory(iam, workspace, rax, zs)
//	...
//	report, err := audit.Run(ctx, dir, []audit.Scope{
//		{Provider: "huawei-iam"},                     // every user it lists
//		{Provider: "rackspace", Users: []string{"u1"}}, // just these
//	}, audit.Options{Concurrency: 32})
//	...
//	for _, f := range report.Findings { ... }
//	if !report.Complete() { ... } // see report.Errors and report.NotAudited
//
// # Rules
//
// Each finding names one rule by its stable id:
//
//   - no-mfa: an enabled user with no active factor of any kind;
//   - mfa-not-enforced: the user has an active factor, but the provider
//     says login does not ask for it;
//   - sms-only: the user's only active factors are SMS or email (a phone
//     device, or a login that sends codes by text or email);
//   - pending-device: a device created but never bound or verified;
//   - unknown-status: a device whose vendor status this module does not
//     know.
//
// Disabled users are counted and listed, not flagged (see DisabledUsers).
//
// # Who was not checked
//
// A failed call or listing never stops an audit, and never turns into a
// finding: the report lists the failed calls in Errors and the users whose
// factors are not all known in NotAudited, with the reason, so that
// "no finding" never stands for "not checked". A run cut short by its
// context returns what it read, the users not read in NotAudited. Every
// count adds up: per provider, the users listed are the users audited,
// not audited and disabled; the Summary adds up the providers.
//
// # Large organisations
//
// A report holds one row per user and per device. Users and Devices are
// compact lists (UserList, DeviceList), read one row at a time with All:
// a row keeps its own ids and names, and what rows share (the provider,
// the login method, the kind and statuses) once. Half a million users and
// a million devices take about 190 MB, and Report.WriteJSON writes them
// without holding the JSON whole.
//
//	for d := range report.Devices.All() { ... }
//
// # Calls
//
// Options.Concurrency bounds every call in flight across all providers,
// listings included: a listing holds one slot while it pages. A call of
// this module's clients gives its slot back while it waits for its
// vendor's pace (mfa.Pacing), so that a provider held to a low rate does
// not hold up the others. Providers that can list users (mfa.UserLister)
// are listed; a scope that takes every user of a provider that lists
// devices (mfa.DeviceLister) reads them all in one listing; the other
// users are read one call each, the providers' calls interleaved so that
// each vendor sees its share.
package audit
