package huaweiiam

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/openmfa/mfa-go/internal/timeparse"
	"github.com/openmfa/mfa-go/internal/transport"
	"github.com/openmfa/mfa-go/mfa"
)

// The Workspace words for an OTP device's status.
const (
	// OTPStatusRegistered is a bound OTP device: usable at login.
	OTPStatusRegistered = "REGISTERED"
	// OTPStatusUnregistered is an OTP device created but not yet bound.
	OTPStatusUnregistered = "UNREGISTER"
)

// The IAM verification methods of login protection.
const (
	// VerificationVirtualMFA: a code from the user's virtual MFA device.
	VerificationVirtualMFA = "vmfa"
	// VerificationSMS: a code sent by text message.
	VerificationSMS = "sms"
	// VerificationEmail: a code sent by email.
	VerificationEmail = "email"
)

// timeLayouts are the layouts of Huawei timestamps (Workspace create_time,
// IAM expires_at), all UTC.
// time.RFC3339 also reads fractional seconds, and the layouts without a
// zone read a fraction after the seconds as well.
var timeLayouts = []string{
	time.DateTime,              // 2006-01-02 15:04:05
	time.RFC3339,               // 2006-01-02T15:04:05Z, +08:00, with or without a fraction
	"2006-01-02T15:04:05",      // no zone: UTC
	"2006-01-02T15:04:05Z0700", // +0800 without the colon
}

// parseTime reads a Huawei timestamp, such as a Workspace create_time, in
// any layout the APIs are known to send (2006-01-02 15:04:05, 2006-01-02T15:04:05Z,
// 2006-01-02T15:04:05, RFC 3339 with or without fractional seconds) and
// returns it in UTC. A value without a zone is UTC. It reports false for a
// value in no known layout.
func parseTime(s string) (time.Time, bool) {
	return timeparse.Parse(s, time.UTC, timeLayouts...)
}

// VirtualMFADevice is the virtual MFA device of an IAM user, as the IAM
// v3.0 OS-MFA API reports it. It implements mfa.Device. The API says only
// which user holds which serial number, so the device is always active, and
// its name, user name, vendor status and creation time are empty.
//
// A VirtualMFADevice is immutable and safe to share between goroutines.
type VirtualMFADevice struct {
	provider     string
	serialNumber string
	userID       string
}

// Provider returns the Name of the provider that returned the device.
func (d *VirtualMFADevice) Provider() string { return d.provider }

// ID returns the device's serial number, such as "iam/mfa/<id>" or
// "iam:<id>..."; treat it as opaque.
func (d *VirtualMFADevice) ID() string { return d.serialNumber }

// SerialNumber returns the device's serial number, the same as ID.
func (d *VirtualMFADevice) SerialNumber() string { return d.serialNumber }

// UserID returns the id of the IAM user who holds the device.
func (d *VirtualMFADevice) UserID() string { return d.userID }

// UserName returns "": the API does not say.
func (d *VirtualMFADevice) UserName() string { return "" }

// Name returns "": the API does not say.
func (d *VirtualMFADevice) Name() string { return "" }

// Status returns mfa.StatusActive: IAM reports bound devices only.
func (d *VirtualMFADevice) Status() mfa.Status { return mfa.StatusActive }

// VendorStatus returns "": the API has no status field.
func (d *VirtualMFADevice) VendorStatus() string { return "" }

// CreatedAt returns the zero time: the API does not say.
func (d *VirtualMFADevice) CreatedAt() time.Time { return time.Time{} }

// MarshalJSON returns the device as
// {"provider","id","user_id","status"} with snake_case names.
func (d *VirtualMFADevice) MarshalJSON() ([]byte, error) {
	return json.Marshal(deviceJSON{
		Provider: d.provider,
		ID:       d.serialNumber,
		UserID:   d.userID,
		Status:   mfa.StatusActive,
	})
}

// String returns a short description of the device.
func (d *VirtualMFADevice) String() string {
	return fmt.Sprintf("%s virtual MFA device %q of user %q", d.provider, d.serialNumber, d.userID)
}

// OTPDevice is the OTP device of a Workspace desktop user, as the Workspace
// v2 API reports it. It implements mfa.Device. REGISTERED maps to
// mfa.StatusActive, UNREGISTER to mfa.StatusPending and any other word to
// mfa.StatusUnknown, kept in VendorStatus.
//
// An OTPDevice is immutable and safe to share between goroutines.
type OTPDevice struct {
	provider      string
	id            string
	userID        string
	userName      string
	status        mfa.Status
	vendorStatus  string
	createdAt     time.Time
	rawCreateTime string
}

// Provider returns the Name of the provider that returned the device.
func (d *OTPDevice) Provider() string { return d.provider }

// ID returns the OTP device's id.
func (d *OTPDevice) ID() string { return d.id }

// UserID returns the id of the Workspace desktop user who owns the device.
func (d *OTPDevice) UserID() string { return d.userID }

// UserName returns the Workspace user name.
func (d *OTPDevice) UserName() string { return d.userName }

// Name returns "": the API does not name OTP devices.
func (d *OTPDevice) Name() string { return "" }

// Status returns the normalised status.
func (d *OTPDevice) Status() mfa.Status { return d.status }

// VendorStatus returns the Workspace word, such as "REGISTERED" or
// "UNREGISTER", unchanged.
func (d *OTPDevice) VendorStatus() string { return d.vendorStatus }

// CreatedAt returns create_time in UTC, or the zero time when the API sent
// none or sent one in no known layout (see RawCreateTime).
func (d *OTPDevice) CreatedAt() time.Time { return d.createdAt }

// RawCreateTime returns create_time as the API sent it ("" when absent; a
// value that was not a JSON string is kept as its JSON text).
func (d *OTPDevice) RawCreateTime() string { return d.rawCreateTime }

// MarshalJSON returns the device with snake_case names; created_at is RFC
// 3339 in UTC and left out when unknown, raw_create_time is given only
// when create_time could not be read.
func (d *OTPDevice) MarshalJSON() ([]byte, error) {
	v := deviceJSON{
		Provider:     d.provider,
		ID:           d.id,
		UserID:       d.userID,
		UserName:     d.userName,
		Status:       d.status,
		VendorStatus: d.vendorStatus,
	}
	if !d.createdAt.IsZero() {
		t := d.createdAt
		v.CreatedAt = &t
	} else {
		v.RawCreateTime = d.rawCreateTime
	}
	return json.Marshal(v)
}

// String returns a short description of the device.
func (d *OTPDevice) String() string {
	return fmt.Sprintf("%s OTP device %q of user %q (%s)", d.provider, d.id, d.userID, d.vendorStatus)
}

// deviceJSON is the JSON form of both device types.
type deviceJSON struct {
	Provider      string     `json:"provider"`
	ID            string     `json:"id"`
	UserID        string     `json:"user_id"`
	UserName      string     `json:"user_name,omitempty"`
	Status        mfa.Status `json:"status"`
	VendorStatus  string     `json:"vendor_status,omitempty"`
	CreatedAt     *time.Time `json:"created_at,omitempty"`
	RawCreateTime string     `json:"raw_create_time,omitempty"`
}

// otpStatus maps a Workspace status word to an mfa.Status: REGISTERED is
// active, UNREGISTER pending, anything else unknown.
func otpStatus(word string) mfa.Status {
	switch word {
	case OTPStatusRegistered:
		return mfa.StatusActive
	case OTPStatusUnregistered:
		return mfa.StatusPending
	default:
		return mfa.StatusUnknown
	}
}

// LoginProtect is the login protection setting of an IAM user: whether a
// second factor is asked for at console login, and which.
//
// A LoginProtect is immutable and safe to share between goroutines.
type LoginProtect struct {
	userID             string
	enabled            bool
	verificationMethod string
}

// UserID returns the IAM user's id.
func (p *LoginProtect) UserID() string { return p.userID }

// Enabled reports whether login protection is on: the user must give a
// second factor at login.
func (p *LoginProtect) Enabled() bool { return p.enabled }

// VerificationMethod returns the second factor asked for, as IAM names it:
// VerificationVirtualMFA ("vmfa"), VerificationSMS ("sms"),
// VerificationEmail ("email"), or another word unchanged.
func (p *LoginProtect) VerificationMethod() string { return p.verificationMethod }

// MarshalJSON returns {"user_id","enabled","verification_method"}.
func (p *LoginProtect) MarshalJSON() ([]byte, error) {
	return json.Marshal(loginProtectWire{UserID: p.userID, Enabled: p.enabled, VerificationMethod: p.verificationMethod})
}

// String returns a short description of the setting.
func (p *LoginProtect) String() string {
	if !p.enabled {
		return fmt.Sprintf("login protection of user %q: off", p.userID)
	}
	return fmt.Sprintf("login protection of user %q: %s", p.userID, p.verificationMethod)
}

// loginProtectWire is the wire form of a login protection setting.
type loginProtectWire struct {
	UserID             string `json:"user_id"`
	Enabled            bool   `json:"enabled"`
	VerificationMethod string `json:"verification_method"`
}

// member is one member of a JSON object body, recording whether the body
// had it and whether it was null, so that a body lacking it is told apart
// from an empty answer.
type member[T any] struct {
	set, null bool
	v         T
}

// UnmarshalJSON records the member and decodes it.
func (m *member[T]) UnmarshalJSON(b []byte) error {
	m.set = true
	if string(b) == "null" {
		m.null = true
		return nil
	}
	return json.Unmarshal(b, &m.v)
}

// check returns an error made by resp.Invalid when the body lacked the
// member named key, or held null there and allowNull is false (a null
// list may mean empty).
func (m *member[T]) check(resp *transport.Response, key string, allowNull bool) error {
	return presence(resp, key, m.set, m.null, allowNull)
}

// presence returns an error made by resp.Invalid when the body lacked the
// member named key (set is false), or held null there (null) and allowNull
// is false.
func presence(resp *transport.Response, key string, set, null, allowNull bool) error {
	switch {
	case !set:
		return resp.Invalid(fmt.Errorf("no %q member", key))
	case null && !allowNull:
		return resp.Invalid(fmt.Errorf("%q is null", key))
	}
	return nil
}

// logValue is s cut to 64 bytes, fit for a log line.
func logValue(s string) string { return cut(s, 64) }

// decodeLoginProtect decodes {"login_protect":{...}}.
func decodeLoginProtect(resp *transport.Response, userID string) (*LoginProtect, error) {
	var body struct {
		Protect member[loginProtectWire] `json:"login_protect"`
	}
	if err := resp.DecodeJSON(&body); err != nil {
		return nil, err
	}
	if err := body.Protect.check(resp, "login_protect", false); err != nil {
		return nil, err
	}
	w := body.Protect.v
	if w.UserID == "" {
		w.UserID = userID
	}
	return &LoginProtect{userID: w.UserID, enabled: w.Enabled, verificationMethod: w.VerificationMethod}, nil
}

// decodeLoginProtects decodes {"login_protects":[...]}.
func decodeLoginProtects(resp *transport.Response) ([]*LoginProtect, error) {
	var body struct {
		Protects member[[]loginProtectWire] `json:"login_protects"`
	}
	if err := resp.DecodeJSON(&body); err != nil {
		return nil, err
	}
	if err := body.Protects.check(resp, "login_protects", true); err != nil {
		return nil, err
	}
	ws := body.Protects.v
	out := make([]*LoginProtect, 0, len(ws))
	for i, w := range ws {
		if w.UserID == "" {
			return nil, resp.Invalid(fmt.Errorf(`"login_protects"[%d] has no user_id`, i))
		}
		out = append(out, &LoginProtect{userID: w.UserID, enabled: w.Enabled, verificationMethod: w.VerificationMethod})
	}
	return out, nil
}
