package huaweiiam

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
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
// IAM expires_at), all UTC. time.RFC3339 also reads fractional seconds,
// and the layouts without a zone read a fraction after the seconds too.
var timeLayouts = []string{
	time.DateTime,              // 2006-01-02 15:04:05
	time.RFC3339,               // 2006-01-02T15:04:05Z, +08:00, with or without a fraction
	"2006-01-02T15:04:05",      // no zone: UTC
	"2006-01-02T15:04:05Z0700", // +0800 without the colon
}

// parseTime reads a Huawei timestamp in any layout the APIs are known to
// send and returns it in UTC; a value without a zone is UTC. It reports
// false for a value in no known layout.
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

// Kind returns mfa.KindTOTP: a virtual MFA device is an authenticator app.
func (d *VirtualMFADevice) Kind() mfa.Kind { return mfa.KindTOTP }

// MarshalJSON returns the device as mfa.DeviceJSON, which leaves out what
// the API does not say: {"provider","id","user_id","kind","status"}.
func (d *VirtualMFADevice) MarshalJSON() ([]byte, error) {
	return json.Marshal(mfa.NewDeviceJSON(d))
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

// Status returns the normalised status: REGISTERED is active, UNREGISTER
// pending, any other word (matched exactly) unknown.
func (d *OTPDevice) Status() mfa.Status {
	switch d.vendorStatus {
	case OTPStatusRegistered:
		return mfa.StatusActive
	case OTPStatusUnregistered:
		return mfa.StatusPending
	default:
		return mfa.StatusUnknown
	}
}

// VendorStatus returns the Workspace word, such as "REGISTERED" or
// "UNREGISTER", unchanged.
func (d *OTPDevice) VendorStatus() string { return d.vendorStatus }

// CreatedAt returns create_time in UTC, or the zero time when the API sent
// none or sent one in no known layout (see RawCreateTime).
func (d *OTPDevice) CreatedAt() time.Time { return d.createdAt }

// Kind returns mfa.KindTOTP: a Workspace OTP device is an authenticator
// app or token.
func (d *OTPDevice) Kind() mfa.Kind { return mfa.KindTOTP }

// RawCreateTime returns create_time as the API sent it ("" when absent; a
// value that was not a JSON string is kept as its JSON text).
func (d *OTPDevice) RawCreateTime() string { return d.rawCreateTime }

// MarshalJSON returns the device as mfa.DeviceJSON, plus raw_create_time
// when create_time could not be read, so that the vendor's text is not
// lost.
func (d *OTPDevice) MarshalJSON() ([]byte, error) {
	v := struct {
		mfa.DeviceJSON
		RawCreateTime string `json:"raw_create_time,omitempty"`
	}{DeviceJSON: mfa.NewDeviceJSON(d)}
	if d.createdAt.IsZero() {
		v.RawCreateTime = d.rawCreateTime
	}
	return json.Marshal(v)
}

// String returns a short description of the device.
func (d *OTPDevice) String() string {
	return fmt.Sprintf("%s OTP device %q of user %q (%s)", d.provider, d.id, d.userID, d.vendorStatus)
}

// LoginProtect is the login protection setting of an IAM user: whether a
// second factor is asked for at console login, and which.
//
// A LoginProtect is immutable and safe to share between goroutines.
type LoginProtect struct {
	wire loginProtectWire
}

// UserID returns the IAM user's id.
func (p *LoginProtect) UserID() string { return p.wire.UserID }

// Enabled reports whether login protection is on: the user must give a
// second factor at login.
func (p *LoginProtect) Enabled() bool { return p.wire.Enabled }

// VerificationMethod returns the second factor asked for, as IAM names it:
// VerificationVirtualMFA ("vmfa"), VerificationSMS ("sms"),
// VerificationEmail ("email"), or another word unchanged.
func (p *LoginProtect) VerificationMethod() string { return p.wire.VerificationMethod }

// MarshalJSON returns {"user_id","enabled","verification_method"}.
func (p *LoginProtect) MarshalJSON() ([]byte, error) { return json.Marshal(p.wire) }

// String returns a short description of the setting.
func (p *LoginProtect) String() string {
	if !p.wire.Enabled {
		return fmt.Sprintf("login protection of user %q: off", p.wire.UserID)
	}
	return fmt.Sprintf("login protection of user %q: %s", p.wire.UserID, p.wire.VerificationMethod)
}

// The wire shapes.

type virtualMFADeviceWire struct {
	UserID       string `json:"user_id"`
	SerialNumber string `json:"serial_number"`
}

type otpDeviceWire struct {
	ID         string     `json:"id"`
	UserID     string     `json:"user_id"`
	UserName   string     `json:"user_name"`
	Status     string     `json:"status"`
	CreateTime createTime `json:"create_time"`
}

type loginProtectWire struct {
	UserID             string `json:"user_id"`
	Enabled            bool   `json:"enabled"`
	VerificationMethod string `json:"verification_method"`
}

// iamUserWire is a user of GET /v3/users. Members this package does not
// use (domain_id, description, password_expires_at, pwd_status,
// last_project_id, links) are left out.
type iamUserWire struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Enabled *bool  `json:"enabled"` // nil: absent, and the listing's filter says
}

// iamLinksWire is Keystone's "links" of a collection; next is null on the
// last page.
type iamLinksWire struct {
	Next *string `json:"next"`
}

// workspaceUserWire is a user of GET /v2/{project_id}/users. Members this
// package does not use (user_email, user_phone, total_desktops,
// account_expires, active_type, ...) are left out: user_phone and
// user_email are personal data it has no need to hold.
type workspaceUserWire struct {
	ID             string `json:"id"`
	UserName       string `json:"user_name"`
	Disabled       bool   `json:"disabled"`
	Locked         bool   `json:"locked"`
	AccountExpired bool   `json:"account_expired"`
}

// createTime is a create_time as sent. Workspace has sent epoch numbers
// where a text belongs: such a value is kept as its JSON text, so that a
// caller can still read it, rather than failing the whole list.
type createTime string

// UnmarshalJSON keeps a string's value, "" for null, and the JSON text of
// any other value.
func (c *createTime) UnmarshalJSON(b []byte) error {
	switch {
	case string(b) == "null":
		*c = ""
	case b[0] == '"':
		return transport.UnmarshalJSON(b, (*string)(c))
	default:
		*c = createTime(b)
	}
	return nil
}

// member is an object the body must hold: a body without it is some other
// answer (the wrong API's, a gateway's), and a null one is no answer. (A
// list member is read with listOf, in one pass.)
type member[T any] struct {
	set, null bool
	value     T
}

// UnmarshalJSON records that the member is there, and whether it is null.
func (m *member[T]) UnmarshalJSON(b []byte) error {
	m.set, m.null = true, string(b) == "null"
	if m.null {
		return nil
	}
	return transport.UnmarshalJSON(b, &m.value)
}

// get returns the member's value, or an error made by resp.Invalid when
// the body lacked it or held null.
func (m *member[T]) get(resp *transport.Response, key string) (T, error) {
	switch {
	case !m.set:
		return m.value, resp.Invalid(fmt.Errorf("no %q member", key))
	case m.null:
		return m.value, resp.Invalid(fmt.Errorf("%q is null", key))
	}
	return m.value, nil
}

// listOf returns the list member of a body, decoded into a pointer set to
// a fresh empty list beforehand: the JSON library leaves it as it is when
// the member is absent, fills it when it is there, and sets it to nil when
// it is null. So the list decodes in one pass, with no method of its own,
// and a body without the member (the wrong API's, a gateway's) is told
// from an empty list: it is an error. A null list is an empty one.
func listOf[T any](resp *transport.Response, list *[]T, key string) ([]T, error) {
	switch {
	case list == nil:
		return nil, nil
	case *list == nil:
		return nil, resp.Invalid(fmt.Errorf("no %q member", key))
	}
	return *list, nil
}

// decodeVirtualMFADevice decodes {"virtual_mfa_device":{...}}. userID fills
// in a user id the body left out.
func decodeVirtualMFADevice(resp *transport.Response, provider, userID string) (*VirtualMFADevice, error) {
	var body struct {
		Device member[virtualMFADeviceWire] `json:"virtual_mfa_device"`
	}
	if err := resp.DecodeJSON(&body); err != nil {
		return nil, err
	}
	w, err := body.Device.get(resp, "virtual_mfa_device")
	if err != nil {
		return nil, err
	}
	if w.SerialNumber == "" {
		return nil, resp.Invalid(errors.New(`"virtual_mfa_device" has no serial_number`))
	}
	if w.UserID == "" {
		w.UserID = userID
	}
	return &VirtualMFADevice{provider: provider, serialNumber: w.SerialNumber, userID: w.UserID}, nil
}

// decodeVirtualMFADevices decodes {"virtual_mfa_devices":[...]}.
func decodeVirtualMFADevices(resp *transport.Response, provider string) ([]*VirtualMFADevice, error) {
	body := struct {
		Devices *[]virtualMFADeviceWire `json:"virtual_mfa_devices"`
	}{Devices: new([]virtualMFADeviceWire)}
	if err := resp.DecodeJSON(&body); err != nil {
		return nil, err
	}
	ws, err := listOf(resp, body.Devices, "virtual_mfa_devices")
	if err != nil {
		return nil, err
	}
	devs := make([]VirtualMFADevice, len(ws)) // one allocation for the whole list
	out := make([]*VirtualMFADevice, len(ws))
	for i, w := range ws {
		if w.SerialNumber == "" {
			return nil, resp.Invalid(fmt.Errorf(`"virtual_mfa_devices"[%d] has no serial_number`, i))
		}
		devs[i] = VirtualMFADevice{provider: provider, serialNumber: w.SerialNumber, userID: w.UserID}
		out[i] = &devs[i]
	}
	return out, nil
}

// decodeOTPDevices decodes {"otp_devices":[...]}. userID fills in a user
// id an item left out. A create_time in no known layout does not fail the
// list: it is kept raw, and a warning goes to log.
func decodeOTPDevices(resp *transport.Response, provider, userID string, log *slog.Logger) ([]*OTPDevice, error) {
	body := struct {
		Devices *[]otpDeviceWire `json:"otp_devices"`
	}{Devices: new([]otpDeviceWire)}
	if err := resp.DecodeJSON(&body); err != nil {
		return nil, err
	}
	ws, err := listOf(resp, body.Devices, "otp_devices")
	if err != nil {
		return nil, err
	}
	devs := make([]OTPDevice, len(ws))
	out := make([]*OTPDevice, len(ws))
	for i, w := range ws {
		if w.ID == "" {
			return nil, resp.Invalid(fmt.Errorf(`"otp_devices"[%d] has no id`, i))
		}
		d := &devs[i]
		*d = OTPDevice{provider: provider, id: w.ID, userID: w.UserID, userName: w.UserName,
			vendorStatus: w.Status, rawCreateTime: string(w.CreateTime)}
		if d.userID == "" {
			d.userID = userID
		}
		if d.rawCreateTime != "" {
			var ok bool
			if d.createdAt, ok = parseTime(d.rawCreateTime); !ok && log != nil {
				log.Warn("huaweiiam: create_time in no known layout; CreatedAt left zero",
					"provider", provider, "field", "create_time", "value", logValue(d.rawCreateTime), "device_id", d.id)
			}
		}
		out[i] = d
	}
	return out, nil
}

// decodeLoginProtect decodes {"login_protect":{...}}. userID fills in a
// user id the body left out.
func decodeLoginProtect(resp *transport.Response, userID string) (*LoginProtect, error) {
	var body struct {
		Protect member[loginProtectWire] `json:"login_protect"`
	}
	if err := resp.DecodeJSON(&body); err != nil {
		return nil, err
	}
	w, err := body.Protect.get(resp, "login_protect")
	if err != nil {
		return nil, err
	}
	if w.UserID == "" {
		w.UserID = userID
	}
	return &LoginProtect{w}, nil
}

// decodeLoginProtects decodes {"login_protects":[...]}.
func decodeLoginProtects(resp *transport.Response) ([]*LoginProtect, error) {
	body := struct {
		Protects *[]loginProtectWire `json:"login_protects"`
	}{Protects: new([]loginProtectWire)}
	if err := resp.DecodeJSON(&body); err != nil {
		return nil, err
	}
	ws, err := listOf(resp, body.Protects, "login_protects")
	if err != nil {
		return nil, err
	}
	out := make([]*LoginProtect, len(ws))
	for i, w := range ws {
		if w.UserID == "" {
			return nil, resp.Invalid(fmt.Errorf(`"login_protects"[%d] has no user_id`, i))
		}
		out[i] = &LoginProtect{w}
	}
	return out, nil
}

// loginMFA is what login protection says about the user's login: with
// protection on, login asks for the second factor of the method (vmfa,
// sms, email, or a word this package does not know, kept as sent); with
// it off, login asks for none, whatever factor the user holds.
func (w loginProtectWire) loginMFA() (mfa.Enforcement, string) {
	if !w.Enabled {
		return mfa.EnforcementNotRequired, ""
	}
	return mfa.EnforcementRequired, w.VerificationMethod
}

// usersPage is one page of a user listing, its users converted.
type usersPage struct {
	users []mfa.User
	// total is the listing's total_count (Workspace), or -1 when the
	// body gives none.
	total int
	// next is the links.next of the page (IAM), or "" on the last page.
	next string
}

// decodeIAMUsers decodes a page of GET /v3/users:
// {"links":{"self","previous","next"},"users":[...]}. A user without
// "enabled" takes enabled, the value the listing filtered on. Login MFA
// is left unknown: login protection is read by another call.
func decodeIAMUsers(resp *transport.Response, provider string, enabled bool) (usersPage, error) {
	body := struct {
		Links iamLinksWire   `json:"links"`
		Users *[]iamUserWire `json:"users"`
	}{Users: new([]iamUserWire)}
	if err := resp.DecodeJSON(&body); err != nil {
		return usersPage{}, err
	}
	ws, err := listOf(resp, body.Users, "users")
	if err != nil {
		return usersPage{}, err
	}
	p := usersPage{users: make([]mfa.User, len(ws)), total: -1}
	if body.Links.Next != nil {
		p.next = *body.Links.Next
	}
	for i, w := range ws {
		if w.ID == "" {
			return usersPage{}, resp.Invalid(fmt.Errorf(`"users"[%d] has no id`, i))
		}
		u := mfa.User{Provider: provider, ID: w.ID, Name: w.Name, Enabled: enabled, LoginMFA: mfa.EnforcementUnknown}
		if w.Enabled != nil {
			u.Enabled = *w.Enabled
		}
		p.users[i] = u
	}
	return p, nil
}

// decodeWorkspaceUsers decodes a page of GET /v2/{project_id}/users:
// {"total_count":N,"users":[...]}. A user is enabled unless disabled,
// locked or expired; the listing does not say whether login asks for the
// OTP device, so login MFA is unknown.
func decodeWorkspaceUsers(resp *transport.Response, provider string) (usersPage, error) {
	body := struct {
		TotalCount *int                 `json:"total_count"`
		Users      *[]workspaceUserWire `json:"users"`
	}{Users: new([]workspaceUserWire)}
	if err := resp.DecodeJSON(&body); err != nil {
		return usersPage{}, err
	}
	ws, err := listOf(resp, body.Users, "users")
	if err != nil {
		return usersPage{}, err
	}
	p := usersPage{users: make([]mfa.User, len(ws)), total: -1}
	if body.TotalCount != nil {
		if *body.TotalCount < 0 {
			return usersPage{}, resp.Invalid(fmt.Errorf(`"total_count" is %d`, *body.TotalCount))
		}
		p.total = *body.TotalCount
	}
	for i, w := range ws {
		if w.ID == "" {
			return usersPage{}, resp.Invalid(fmt.Errorf(`"users"[%d] has no id`, i))
		}
		p.users[i] = mfa.User{
			Provider: provider, ID: w.ID, Name: w.UserName,
			Enabled:  !w.Disabled && !w.Locked && !w.AccountExpired,
			LoginMFA: mfa.EnforcementUnknown,
		}
	}
	return p, nil
}

// logValue is s cut to 64 bytes, fit for a log line.
func logValue(s string) string { return cut(s, 64) }
