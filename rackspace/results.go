package rackspace

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openmfa/mfa-go/mfa"
)

// The vendor statuses of an OTP device, as OTPDevice.VendorStatus reports
// them when the API's verified flag reads as a boolean.
const (
	// VendorVerified is a device whose verified flag is true.
	VendorVerified = "verified"
	// VendorUnverified is a device whose verified flag is false.
	VendorUnverified = "unverified"
)

// OTPDevice is one OTP device of a Rackspace Identity user. It implements
// mfa.Device; it is immutable and safe to share between goroutines.
//
// The API says whether a device is verified, and nothing else about its
// lifecycle: a verified device is mfa.StatusActive, an unverified one
// mfa.StatusPending. A verified flag that reads as neither (a word this
// module does not know, or no flag at all) makes the device
// mfa.StatusUnknown, with the raw text kept in VendorStatus.
type OTPDevice struct {
	provider     string
	userID       string
	id           string
	name         string
	status       mfa.Status
	vendorStatus string
}

var _ mfa.Device = (*OTPDevice)(nil)

// Provider returns the Name of the Client that read the device.
func (d *OTPDevice) Provider() string { return d.provider }

// ID returns the device id (otpDeviceId).
func (d *OTPDevice) ID() string { return d.id }

// UserID returns the id of the user whose devices were asked for.
func (d *OTPDevice) UserID() string { return d.userID }

// UserName returns "": the OTP device API does not name the user.
func (d *OTPDevice) UserName() string { return "" }

// Name returns the device's name.
func (d *OTPDevice) Name() string { return d.name }

// Status returns StatusActive for a verified device, StatusPending for an
// unverified one, and StatusUnknown when the verified flag reads as
// neither.
func (d *OTPDevice) Status() mfa.Status { return d.status }

// VendorStatus returns VendorVerified or VendorUnverified when the
// verified flag reads as a boolean ("true", "false", "1" or "0", in any
// case, or a JSON boolean); otherwise the flag's raw text, or "" when the
// device had no flag.
func (d *OTPDevice) VendorStatus() string { return d.vendorStatus }

// CreatedAt returns the zero time: the API does not say when a device was
// created.
func (d *OTPDevice) CreatedAt() time.Time { return time.Time{} }

// Verified reports whether the device is verified, that is whether Status
// is mfa.StatusActive. An unknown flag is not verified.
func (d *OTPDevice) Verified() bool { return d.status == mfa.StatusActive }

// MarshalJSON returns the device as a JSON object with the keys provider,
// id, user_id, name, status, vendor_status and verified.
func (d *OTPDevice) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Provider     string     `json:"provider"`
		ID           string     `json:"id"`
		UserID       string     `json:"user_id"`
		Name         string     `json:"name"`
		Status       mfa.Status `json:"status"`
		VendorStatus string     `json:"vendor_status"`
		Verified     bool       `json:"verified"`
	}{d.provider, d.id, d.userID, d.name, d.status, d.vendorStatus, d.Verified()})
}

// devFields are the three attributes of an OTP device as a body gives
// them, before they make an OTPDevice.
type devFields struct {
	id       string
	name     string
	verified string // the flag's text; "" when the device has none
	badFlag  bool   // the flag is a JSON object or array
}

var (
	errNoID       = errors.New("an OTP device has no id")
	errNotBoolean = errors.New("not a boolean")
)

// check returns the error for a device that cannot be made.
func (f *devFields) check() error {
	if f.badFlag {
		return fmt.Errorf("OTP device %q: verified: %w", shorten(f.id), errNotBoolean)
	}
	if f.id == "" {
		return errNoID
	}
	return nil
}

// device makes the device of checked fields.
func (f *devFields) device(provider, userID string) OTPDevice {
	status, vendor := statusOf(f.verified)
	return OTPDevice{provider: provider, userID: userID, id: f.id, name: f.name, status: status, vendorStatus: vendor}
}

// newDevice makes one device.
func newDevice(f *devFields, provider, userID string) (*OTPDevice, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	d := f.device(provider, userID)
	return &d, nil
}

// newDevices makes the devices of a list in one allocation, in order; the
// first device that cannot be made is the error.
func newDevices(fields []devFields, provider, userID string) ([]*OTPDevice, error) {
	for i := range fields {
		if err := fields[i].check(); err != nil {
			return nil, err
		}
	}
	devs := make([]OTPDevice, len(fields))
	for i := range fields {
		devs[i] = fields[i].device(provider, userID)
	}
	return pointers(devs), nil
}

// pointers returns a pointer to each device of devs.
func pointers(devs []OTPDevice) []*OTPDevice {
	out := make([]*OTPDevice, len(devs))
	for i := range devs {
		out[i] = &devs[i]
	}
	return out
}

// statusOf maps the text of a verified flag to a status and vendor status.
func statusOf(verified string) (mfa.Status, string) {
	if v, ok := parseBool(verified); ok {
		if v {
			return mfa.StatusActive, VendorVerified
		}
		return mfa.StatusPending, VendorUnverified
	}
	return mfa.StatusUnknown, verified
}

// parseBool reads an XML Schema boolean ("true", "false", "1", "0"), in
// any case and with surrounding space.
func parseBool(s string) (value, ok bool) {
	switch s = strings.TrimSpace(s); {
	case s == "1" || lowerIs(s, "true"):
		return true, true
	case s == "0" || lowerIs(s, "false"):
		return false, true
	}
	return false, false
}

// UserMFA is the multi-factor authentication settings of a user, read from
// the user's RAX-AUTH attributes.
type UserMFA struct {
	// UserID is the user's id.
	UserID string `json:"user_id"`
	// UserName is the user's name, where the API sends it.
	UserName string `json:"user_name,omitempty"`
	// Enabled is RAX-AUTH:multiFactorEnabled; false when the API does not
	// send it.
	Enabled bool `json:"enabled"`
	// State is RAX-AUTH:multiFactorState, such as "ACTIVE" or "LOCKED", or
	// "" when the API does not send it.
	State string `json:"state,omitempty"`
	// EnforcementLevel is RAX-AUTH:userMultiFactorEnforcementLevel, such as
	// "OPTIONAL", "REQUIRED" or "DEFAULT", or "" when the API does not send
	// it.
	EnforcementLevel string `json:"enforcement_level,omitempty"`
}

// The XML namespaces of the Identity API, matched by URI, never by prefix.
const (
	nsIdentity = "http://docs.openstack.org/identity/api/v2.0"
	nsRAXAUTH  = "http://docs.rackspace.com/identity/api/ext/RAX-AUTH/v1.0"
)

// JSON keys of the RAX-AUTH extension.
const (
	keyDevices = "RAX-AUTH:otpDevices"
	keyDevice  = "RAX-AUTH:otpDevice"
)

// sniff returns the first byte of a body that is not space, after a byte
// order mark: '{' for JSON, '<' for XML.
func sniff[B string | []byte](body B) byte {
	body = trimBOM(body)
	for i := 0; i < len(body); i++ {
		switch b := body[i]; b {
		case ' ', '\t', '\r', '\n':
		default:
			return b
		}
	}
	return 0
}

// trimBOM drops the UTF-8 byte order mark some servers put before a body.
func trimBOM[B string | []byte](body B) B {
	if len(body) >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF {
		return body[3:]
	}
	return body
}

// errNotJSONOrXML is the error for a body that is neither.
var errNotJSONOrXML = errors.New("the body is neither JSON nor XML")

// The decoders read the body as a string (transport.Response.Text): the
// strings of what they return share its memory rather than copy it.

// decodeDevices decodes the body of the list call, JSON or XML whatever the
// Accept header asked for.
func decodeDevices(body, provider, userID string) ([]*OTPDevice, error) {
	switch sniff(body) {
	case '{':
		return decodeDevicesJSON(trimBOM(body), provider, userID)
	case '<':
		return decodeDevicesXML(trimBOM(body), provider, userID)
	}
	return nil, errNotJSONOrXML
}

// decodeDevice decodes the body of the one-device call, JSON or XML. An XML
// body may wrap the device in <otpDevices>; where it holds several, the one
// with deviceID is taken.
func decodeDevice(body, provider, userID, deviceID string) (*OTPDevice, error) {
	switch sniff(body) {
	case '{':
		return decodeDeviceJSON(trimBOM(body), provider, userID)
	case '<':
		return decodeDeviceXML(trimBOM(body), provider, userID, deviceID)
	}
	return nil, errNotJSONOrXML
}

// decodeUserMFA decodes the body of the user call, JSON or XML.
func decodeUserMFA(body string) (*UserMFA, error) {
	switch sniff(body) {
	case '{':
		return decodeUserJSON(trimBOM(body))
	case '<':
		return decodeUserXML(trimBOM(body))
	}
	return nil, errNotJSONOrXML
}

// token is the part of a login response the client keeps.
type token struct {
	id      string
	expires string
}

// decodeToken decodes the body of the login call, JSON or XML.
func decodeToken(body string) (token, error) {
	var (
		t   token
		err error
	)
	switch sniff(body) {
	case '{':
		t, err = decodeTokenJSON(trimBOM(body))
	case '<':
		t, err = decodeTokenXML(trimBOM(body))
	default:
		err = errNotJSONOrXML
	}
	if err == nil && t.id == "" {
		err = errors.New("the token response holds no access.token.id")
	}
	return t, err
}

// shorten cuts a name taken from a body for an error message.
func shorten(s string) string {
	const limit = 64
	if len(s) <= limit {
		return s
	}
	return strings.ToValidUTF8(s[:limit], "") + "..."
}
