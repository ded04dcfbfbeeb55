package rackspace

import (
	"bytes"
	"cmp"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openmfa/mfa-go/internal/transport"
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

// MarshalJSON returns the device in the JSON form of every device of this
// module (mfa.DeviceJSON), with the member verified added.
func (d *OTPDevice) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		mfa.DeviceJSON
		Verified bool `json:"verified"`
	}{mfa.NewDeviceJSON(d), d.Verified()})
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

// The XML namespaces of the Identity API. encoding/xml matches names by
// namespace URI, never by prefix.
const (
	nsIdentity = "http://docs.openstack.org/identity/api/v2.0"
	nsRAXAUTH  = "http://docs.rackspace.com/identity/api/ext/RAX-AUTH/v1.0"
)

// otpDeviceWire is an OTP device: in JSON an object of the list or of the
// one-device body, in XML an <otpDevice> element.
type otpDeviceWire struct {
	XMLName  xml.Name `json:"-"`
	ID       string   `json:"id" xml:"id,attr"`
	Name     string   `json:"name" xml:"name,attr"`
	Verified flag     `json:"verified" xml:"verified,attr"`
}

// otpDevicesJSON is the list in JSON: {"RAX-AUTH:otpDevices": [...]}. The
// service always sends the array, [] for a user with no device, so a body
// without it (or with null) is an error.
type otpDevicesJSON struct {
	Devices *[]otpDeviceWire `json:"RAX-AUTH:otpDevices"`
}

// otpDeviceJSON is one device in JSON: {"RAX-AUTH:otpDevice": {...}}.
type otpDeviceJSON struct {
	Device *otpDeviceWire `json:"RAX-AUTH:otpDevice"`
}

// otpDevicesXML is the root element of a device body in XML: <otpDevices>
// with its <otpDevice> children or, from the one-device call, a bare
// <otpDevice> with its attributes.
type otpDevicesXML struct {
	XMLName  xml.Name
	ID       string `xml:"id,attr"`
	Name     string `xml:"name,attr"`
	Verified flag   `xml:"verified,attr"`

	Devices []otpDeviceWire `xml:"http://docs.rackspace.com/identity/api/ext/RAX-AUTH/v1.0 otpDevice"`
	// Other holds every other child. encoding/xml would skip an
	// <otpDevice> in another namespace without a word: found here, it is
	// an error, never a device silently lost.
	Other []otpDeviceWire `xml:",any"`
}

// userJSON is a user in JSON: {"user": {...}}.
type userJSON struct {
	User *userWire `json:"user"`
}

// userWire is a user: in JSON the object under "user", in XML the root
// <user> element. Its RAX-AUTH members come with the prefix (which
// encoding/json matches in any case, as "rax-auth:" in some of the
// vendor's examples) or, in the Plain fields, without it; in XML in the
// RAX-AUTH namespace or, in the Plain fields, under the literal prefix
// "RAX-AUTH:" that some published examples leave undeclared.
type userWire struct {
	XMLName  xml.Name `json:"-"`
	ID       string   `json:"id" xml:"id,attr"`
	Username string   `json:"username" xml:"username,attr"`
	Name     string   `json:"name" xml:"-"` // where username is not sent

	Enabled flag   `json:"RAX-AUTH:multiFactorEnabled" xml:"http://docs.rackspace.com/identity/api/ext/RAX-AUTH/v1.0 multiFactorEnabled,attr"`
	State   string `json:"RAX-AUTH:multiFactorState" xml:"http://docs.rackspace.com/identity/api/ext/RAX-AUTH/v1.0 multiFactorState,attr"`
	Level   string `json:"RAX-AUTH:userMultiFactorEnforcementLevel" xml:"http://docs.rackspace.com/identity/api/ext/RAX-AUTH/v1.0 userMultiFactorEnforcementLevel,attr"`

	PlainEnabled flag   `json:"multiFactorEnabled" xml:"RAX-AUTH multiFactorEnabled,attr"`
	PlainState   string `json:"multiFactorState" xml:"RAX-AUTH multiFactorState,attr"`
	PlainLevel   string `json:"userMultiFactorEnforcementLevel" xml:"RAX-AUTH userMultiFactorEnforcementLevel,attr"`
}

// accessJSON is a login response in JSON: {"access": {"token": {...}, ...}}.
type accessJSON struct {
	Access *accessWire `json:"access"`
}

// accessWire is the access object of a login response, the root <access>
// element in XML; of its service catalog and user, only the token counts.
type accessWire struct {
	XMLName xml.Name   `json:"-"`
	Token   *tokenWire `json:"token" xml:"http://docs.openstack.org/identity/api/v2.0 token"`
}

type tokenWire struct {
	ID      string `json:"id" xml:"id,attr"`
	Expires string `json:"expires" xml:"expires,attr"`
}

// flag is a boolean as the API sends it: a JSON boolean or number, or text
// ("true", "1", in any case): XML attributes are text, and some JSON
// writers quote booleans. It keeps the text as sent, "" when absent or
// null, so that a word this module does not know reaches VendorStatus.
type flag string

// UnmarshalJSON takes a boolean, a number or a string; an object or an
// array is an error.
func (f *flag) UnmarshalJSON(b []byte) error {
	switch b[0] {
	case '{':
		return errors.New("a JSON object where a boolean belongs")
	case '[':
		return errors.New("a JSON array where a boolean belongs")
	case 'n':
		return nil
	case '"':
		var s string
		err := transport.UnmarshalJSON(b, &s)
		*f = flag(s)
		return err
	}
	*f = flag(b)
	return nil
}

// bool reads the flag as an XML Schema boolean ("true", "false", "1",
// "0"), in any case and with surrounding space.
func (f flag) bool() (value, ok bool) {
	switch strings.ToLower(strings.TrimSpace(string(f))) {
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	return false, false
}

// status maps a verified flag to a device's status and vendor status.
func (f flag) status() (mfa.Status, string) {
	switch v, ok := f.bool(); {
	case !ok:
		return mfa.StatusUnknown, string(f)
	case v:
		return mfa.StatusActive, VendorVerified
	}
	return mfa.StatusPending, VendorUnverified
}

var (
	errNotJSONOrXML = errors.New("the body is neither JSON nor XML")
	errNoID         = errors.New("an OTP device has no id")
)

// sniff drops the UTF-8 byte order mark some servers put before a body,
// and returns the body's first byte that is not space: '{' for JSON, '<'
// for XML.
func sniff(resp *transport.Response) byte {
	resp.Body = bytes.TrimPrefix(resp.Body, []byte("\xEF\xBB\xBF"))
	if b := bytes.TrimLeft(resp.Body, " \t\r\n"); len(b) > 0 {
		return b[0]
	}
	return 0
}

// decodeBody decodes resp into jsonWire or xmlWire by what the body is,
// whatever the Accept header asked for (a proxy may answer in the other
// format), and reports which it was. Its errors are resp.Invalid's.
func decodeBody(resp *transport.Response, jsonWire, xmlWire any) (isXML bool, err error) {
	switch sniff(resp) {
	case '{':
		return false, resp.DecodeJSON(jsonWire)
	case '<':
		if err := xml.Unmarshal(resp.Body, xmlWire); err != nil {
			return true, resp.Invalid(err)
		}
		return true, nil
	}
	return false, resp.Invalid(errNotJSONOrXML)
}

// decodeDevices decodes the body of the list call.
func decodeDevices(resp *transport.Response, provider, userID string) ([]*OTPDevice, error) {
	var (
		j otpDevicesJSON
		x otpDevicesXML
	)
	isXML, err := decodeBody(resp, &j, &x)
	if err != nil {
		return nil, err
	}
	var wire []otpDeviceWire
	switch {
	case isXML:
		wire, err = x.devices()
	case j.Devices == nil:
		err = errors.New(`the body has no "RAX-AUTH:otpDevices" array`)
	default:
		wire = *j.Devices
	}
	devices := make([]*OTPDevice, len(wire))
	for i := 0; err == nil && i < len(wire); i++ {
		devices[i], err = wire[i].device(provider, userID)
	}
	if err != nil {
		return nil, resp.Invalid(err)
	}
	return devices, nil
}

// decodeDevice decodes the body of the one-device call.
func decodeDevice(resp *transport.Response, provider, userID, deviceID string) (*OTPDevice, error) {
	var (
		j otpDeviceJSON
		x otpDevicesXML
	)
	isXML, err := decodeBody(resp, &j, &x)
	if err != nil {
		return nil, err
	}
	wire := j.Device
	switch {
	case isXML:
		wire, err = x.device(deviceID)
	case wire == nil:
		err = errors.New(`the body has no "RAX-AUTH:otpDevice" object`)
	}
	var d *OTPDevice
	if err == nil {
		d, err = wire.device(provider, userID)
	}
	if err != nil {
		return nil, resp.Invalid(err)
	}
	return d, nil
}

// device makes the OTPDevice of a wire device.
func (w *otpDeviceWire) device(provider, userID string) (*OTPDevice, error) {
	if w.ID == "" {
		return nil, errNoID
	}
	status, vendor := w.Verified.status()
	return &OTPDevice{provider: provider, userID: userID, id: w.ID, name: w.Name, status: status, vendorStatus: vendor}, nil
}

// devices returns the children of an <otpDevices> root.
func (x *otpDevicesXML) devices() ([]otpDeviceWire, error) {
	if err := checkName(x.XMLName, nsRAXAUTH, "otpDevices"); err != nil {
		return nil, err
	}
	for _, other := range x.Other {
		if other.XMLName.Local == "otpDevice" {
			return nil, checkName(other.XMLName, nsRAXAUTH, "otpDevice")
		}
	}
	return x.Devices, nil
}

// device returns a bare <otpDevice> root, or the device of an
// <otpDevices> root, the one with id where it holds several.
func (x *otpDevicesXML) device(id string) (*otpDeviceWire, error) {
	if x.XMLName.Local == "otpDevice" {
		return &otpDeviceWire{ID: x.ID, Name: x.Name, Verified: x.Verified}, checkName(x.XMLName, nsRAXAUTH, "otpDevice")
	}
	devices, err := x.devices()
	switch {
	case err != nil:
		return nil, err
	case len(devices) == 0:
		return nil, errors.New("the <otpDevices> element holds no <otpDevice>")
	case len(devices) == 1:
		return &devices[0], nil
	}
	for i := range devices {
		if devices[i].ID == id {
			return &devices[i], nil
		}
	}
	return nil, fmt.Errorf("the <otpDevices> element holds %d devices, none with id %q", len(devices), shorten(id))
}

// decodeUserMFA decodes the body of the user call.
func decodeUserMFA(resp *transport.Response) (*UserMFA, error) {
	var (
		j userJSON
		x userWire
	)
	isXML, err := decodeBody(resp, &j, &x)
	if err != nil {
		return nil, err
	}
	wire := j.User
	switch {
	case isXML:
		wire, err = &x, checkName(x.XMLName, nsIdentity, "user")
	case wire == nil:
		err = errors.New(`the body has no "user" object`)
	}
	var u *UserMFA
	if err == nil {
		u, err = wire.settings()
	}
	if err != nil {
		return nil, resp.Invalid(err)
	}
	return u, nil
}

// settings returns the multi-factor settings of a user, the prefixed
// members winning over the plain ones.
func (w *userWire) settings() (*UserMFA, error) {
	enabled := cmp.Or(w.Enabled, w.PlainEnabled)
	on, ok := enabled.bool()
	if !ok && enabled != "" {
		return nil, fmt.Errorf("user RAX-AUTH:multiFactorEnabled: %q is not a boolean", shorten(string(enabled)))
	}
	return &UserMFA{
		UserID:           w.ID,
		UserName:         cmp.Or(w.Username, w.Name),
		Enabled:          on,
		State:            cmp.Or(w.State, w.PlainState),
		EnforcementLevel: cmp.Or(w.Level, w.PlainLevel),
	}, nil
}

// decodeToken decodes the body of the login call. Its errors never quote
// the body, which holds the token.
func decodeToken(resp *transport.Response, provider string) (tokenWire, error) {
	var access accessWire
	var err error
	switch sniff(resp) {
	case '{':
		var j accessJSON
		if resp.DecodeJSON(&j) != nil {
			err = errors.New("the JSON does not decode")
		} else if j.Access != nil {
			access = *j.Access
		}
	case '<':
		if err = xml.Unmarshal(resp.Body, &access); err == nil {
			err = checkName(access.XMLName, nsIdentity, "access")
		}
	default:
		err = errNotJSONOrXML
	}
	switch {
	case err != nil:
	case access.Token == nil:
		err = errors.New("the body has no access.token")
	case access.Token.ID == "":
		err = errors.New("the token response holds no access.token.id")
	}
	if err != nil {
		return tokenWire{}, &mfa.APIError{
			Provider: provider, StatusCode: resp.StatusCode, RequestID: resp.RequestID(), Kind: mfa.ErrInvalidResponse,
			Message: "cannot decode the token response: " + resp.Redact(err.Error()),
		}
	}
	return *access.Token, nil
}

// checkName returns the error for an XML element that is not the one the
// API promises.
func checkName(got xml.Name, space, local string) error {
	if got.Space == space && got.Local == local {
		return nil
	}
	return fmt.Errorf("got %s, want <%s> in namespace %q", describe(got), local, space)
}

// describe names an element for an error message.
func describe(n xml.Name) string {
	if n.Space == "" {
		return fmt.Sprintf("<%s> in no namespace", shorten(n.Local))
	}
	return fmt.Sprintf("<%s> in namespace %q", shorten(n.Local), shorten(n.Space))
}

// shorten cuts a name taken from a body for an error message.
func shorten(s string) string {
	const limit = 64
	if len(s) <= limit {
		return s
	}
	return strings.ToValidUTF8(s[:limit], "") + "..."
}
