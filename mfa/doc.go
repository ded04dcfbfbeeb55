// Package mfa is the common model of mfa-go: one Device interface for the
// MFA and OTP devices of every supported vendor API, the errors every client
// returns, and a Directory that looks devices up across providers.
//
// A vendor package (huaweiiam, rackspace, zstack) turns its API into one or
// more Providers. Code that audits MFA enrolment depends on this package
// alone and works with any of them:
//
//	dir, err := mfa.NewDirectory(iam, workspace, rax, zs)
//	...
//	for dev, err := range dir.Devices(ctx, users) {
//		if err != nil {
//			var le *mfa.LookupError
//			errors.As(err, &le) // which provider and user failed
//			continue
//		}
//		if dev.Status() != mfa.StatusActive { ... }
//	}
//
// # Statuses
//
// Each vendor has its own words for a device's lifecycle. Status normalises
// them to four values; VendorStatus keeps the vendor's word unchanged, so a
// value this module does not know is never lost (it maps to StatusUnknown).
//
// # Errors
//
// Every failed call returns an error that matches exactly one of the
// sentinels (ErrNotFound, ErrUnauthorized, ...) with errors.Is. When the
// server answered, the error also unwraps to *APIError with errors.As, which
// carries the HTTP status, the vendor's error code and message and the
// request id. Errors never contain tokens, passwords, keys or TOTP secrets.
// A call cut short by its context returns an error that matches the
// context's error (context.Canceled or context.DeadlineExceeded).
//
// # Optional capabilities
//
// Every Provider lists the devices of one user. Some can also fetch one
// device by id (DeviceGetter) or list every device they hold
// (DeviceLister); callers and the Directory discover these with a type
// assertion.
package mfa
