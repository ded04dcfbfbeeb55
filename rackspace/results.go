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

// newDevice makes a device from the API's three attributes; verified is
// the flag's text ("" when the device had none).
func newDevice(provider, userID, id, name, verified string) (*OTPDevice, error) {
	if id == "" {
		return nil, errors.New("an OTP device has no id")
	}
	status, vendor := statusOf(verified)
	return &OTPDevice{provider: provider, userID: userID, id: id, name: name, status: status, vendorStatus: vendor}, nil
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
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1":
		return true, true
	case "false", "0":
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

// bom is the UTF-8 byte order mark some servers put before a body.
var bom = []byte{0xEF, 0xBB, 0xBF}

// sniff returns the first byte of a body that is not space, after a byte
// order mark: '{' for JSON, '<' for XML.
func sniff(body []byte) byte {
	body = trimBOM(body)
	for _, b := range body {
		switch b {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return b
	}
	return 0
}

func trimBOM(body []byte) []byte {
	if len(body) >= 3 && body[0] == bom[0] && body[1] == bom[1] && body[2] == bom[2] {
		return body[3:]
	}
	return body
}

// errNotJSONOrXML is the error for a body that is neither.
var errNotJSONOrXML = errors.New("the body is neither JSON nor XML")

// decodeDevices decodes the body of the list call, JSON or XML whatever the
// Accept header asked for.
func decodeDevices(body []byte, provider, userID string) ([]*OTPDevice, error) {
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
func decodeDevice(body []byte, provider, userID, deviceID string) (*OTPDevice, error) {
	switch sniff(body) {
	case '{':
		return decodeDeviceJSON(trimBOM(body), provider, userID)
	case '<':
		return decodeDeviceXML(trimBOM(body), provider, userID, deviceID)
	}
	return nil, errNotJSONOrXML
}

// decodeUserMFA decodes the body of the user call, JSON or XML.
func decodeUserMFA(body []byte) (*UserMFA, error) {
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
func decodeToken(body []byte) (token, error) {
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

// jsonDevice is an OTP device in JSON.
type jsonDevice struct {
	ID       string          `json:"id"`
	Name     string          `json:"name"`
	Verified json.RawMessage `json:"verified"`
}

func (j *jsonDevice) device(provider, userID string) (*OTPDevice, error) {
	verified, err := jsonFlag(j.Verified)
	if err != nil {
		return nil, fmt.Errorf("OTP device %q: verified: %w", shorten(j.ID), err)
	}
	return newDevice(provider, userID, j.ID, j.Name, verified)
}

// jsonFlag returns the text of a JSON flag that should be a boolean: a
// boolean or number literal as written, a string unquoted, "" for null or
// a missing key. An object or array is an error.
func jsonFlag(raw json.RawMessage) (string, error) {
	s := strings.TrimSpace(string(raw))
	switch {
	case s == "" || s == "null":
		return "", nil
	case s[0] == '"':
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			return "", err
		}
		return v, nil
	case s[0] == '{' || s[0] == '[':
		return "", errors.New("not a boolean")
	}
	return s, nil
}

func decodeDevicesJSON(body []byte, provider, userID string) ([]*OTPDevice, error) {
	var doc struct {
		Devices *[]jsonDevice `json:"RAX-AUTH:otpDevices"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, err
	}
	if doc.Devices == nil {
		return nil, errors.New(`the body has no "` + keyDevices + `" array`)
	}
	devices := make([]*OTPDevice, 0, len(*doc.Devices))
	for i := range *doc.Devices {
		d, err := (*doc.Devices)[i].device(provider, userID)
		if err != nil {
			return nil, err
		}
		devices = append(devices, d)
	}
	return devices, nil
}

func decodeDeviceJSON(body []byte, provider, userID string) (*OTPDevice, error) {
	var doc struct {
		Device *jsonDevice `json:"RAX-AUTH:otpDevice"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, err
	}
	if doc.Device == nil {
		return nil, errors.New(`the body has no "` + keyDevice + `" object`)
	}
	return doc.Device.device(provider, userID)
}

// jsonString returns a JSON string field, "" for null or a missing key.
func jsonString(raw json.RawMessage, field string) (string, error) {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return "", nil
	}
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", fmt.Errorf("%s is not a string", field)
	}
	return v, nil
}

func decodeUserJSON(body []byte) (*UserMFA, error) {
	var doc struct {
		User map[string]json.RawMessage `json:"user"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, err
	}
	if doc.User == nil {
		return nil, errors.New(`the body has no "user" object`)
	}
	// Keys are matched in any case, with or without the RAX-AUTH: alias;
	// the aliased key wins where both are sent.
	plain := make(map[string]json.RawMessage, len(doc.User))
	aliased := make(map[string]json.RawMessage, 4)
	for k, v := range doc.User {
		lk := strings.ToLower(k)
		if rest, ok := strings.CutPrefix(lk, "rax-auth:"); ok {
			aliased[rest] = v
		} else {
			plain[lk] = v
		}
	}
	ext := func(name string) json.RawMessage {
		if v, ok := aliased[name]; ok {
			return v
		}
		return plain[name]
	}
	u := &UserMFA{}
	var err error
	if u.UserID, err = jsonString(plain["id"], "user.id"); err != nil {
		return nil, err
	}
	name, nameField := plain["username"], "user.username"
	if name == nil {
		name, nameField = plain["name"], "user.name"
	}
	if u.UserName, err = jsonString(name, nameField); err != nil {
		return nil, err
	}
	if u.State, err = jsonString(ext("multifactorstate"), "user.RAX-AUTH:multiFactorState"); err != nil {
		return nil, err
	}
	if u.EnforcementLevel, err = jsonString(ext("usermultifactorenforcementlevel"), "user.RAX-AUTH:userMultiFactorEnforcementLevel"); err != nil {
		return nil, err
	}
	enabled, err := jsonFlag(ext("multifactorenabled"))
	if err == nil {
		u.Enabled, err = enabledFlag(enabled)
	}
	if err != nil {
		return nil, fmt.Errorf("user.RAX-AUTH:multiFactorEnabled: %w", err)
	}
	return u, nil
}

// enabledFlag reads multiFactorEnabled: a boolean, false when absent.
func enabledFlag(s string) (bool, error) {
	if s == "" {
		return false, nil
	}
	v, ok := parseBool(s)
	if !ok {
		return false, fmt.Errorf("%q is not a boolean", shorten(s))
	}
	return v, nil
}

func decodeTokenJSON(body []byte) (token, error) {
	var doc struct {
		Access *struct {
			Token *struct {
				ID      string `json:"id"`
				Expires string `json:"expires"`
			} `json:"token"`
		} `json:"access"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return token{}, err
	}
	if doc.Access == nil || doc.Access.Token == nil {
		return token{}, errors.New(`the body has no "access.token" object`)
	}
	return token{id: doc.Access.Token.ID, expires: doc.Access.Token.Expires}, nil
}
