package mfa

import (
	"context"
	"iter"
)

// Kind is what kind of factor a Device is.
type Kind string

// The kinds of factor.
const (
	// KindTOTP is an authenticator app or token that shows time-based
	// codes: a Workspace OTP device, an IAM virtual MFA device, a
	// Rackspace OTP device, a ZStack secret.
	KindTOTP Kind = "totp"
	// KindSMS is a phone that receives codes by text message: a Rackspace
	// mobile phone.
	KindSMS Kind = "sms"
)

// Enforcement is what a provider says about a user's login: whether it
// asks for a second factor.
type Enforcement string

// The three answers a provider can give.
const (
	// EnforcementRequired: login asks for a second factor.
	EnforcementRequired Enforcement = "required"
	// EnforcementNotRequired: login needs no second factor, whatever
	// factors the user holds.
	EnforcementNotRequired Enforcement = "not-required"
	// EnforcementUnknown: the provider does not say.
	EnforcementUnknown Enforcement = "unknown"
)

// User is one user as a provider lists it.
type User struct {
	// Provider is the Name of the Provider that listed the user.
	Provider string `json:"provider"`
	// ID is the user's id at the provider, as UserDevices takes it.
	ID string `json:"id"`
	// Name is the user's name, or "" where the API does not say.
	Name string `json:"name,omitempty"`
	// Enabled is false for a user disabled, locked or expired at the
	// vendor: one who cannot log in.
	Enabled bool `json:"enabled"`
	// LoginMFA says whether the provider asks the user for a second factor
	// at login.
	LoginMFA Enforcement `json:"login_mfa"`
	// LoginMFAMethod is the vendor's word for the second factor login asks
	// for ("vmfa", "sms", "email", "OTP", "SMS"), or "" where there is none
	// or the vendor does not say.
	LoginMFAMethod string `json:"login_mfa_method,omitempty"`
}

// UserLister is a Provider that can list every user it holds.
type UserLister interface {
	// Users yields every user, reading page by page where the API pages.
	// An error is yielded once, as the last pair, and ends the sequence;
	// stopping the range early stops the listing.
	Users(ctx context.Context) iter.Seq2[User, error]
}
