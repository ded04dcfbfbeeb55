package rackspace

import (
	"bytes"
	"cmp"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/url"
	"slices"
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

// Kind returns mfa.KindTOTP: an OTP device is an authenticator app or
// token.
func (d *OTPDevice) Kind() mfa.Kind { return mfa.KindTOTP }

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

// MobilePhone is the mobile phone of a Rackspace Identity user: the SMS
// factor, which receives a code at login. It implements mfa.Device; it is
// immutable and safe to share between goroutines.
//
// A phone number is personal data: a MobilePhone never holds it. It keeps
// only the number masked to its last two digits behind a fixed-width mask,
// "*********89" for both "12658943489" and "+1 265-894-3489", so that no
// method, fmt verb, JSON or log record can show more, nor can reflection
// reach more. A number of two digits or fewer shows as the mask alone.
//
// Its status follows its verified flag as an OTPDevice's does.
type MobilePhone struct {
	provider     string
	userID       string
	id           string
	masked       string
	status       mfa.Status
	vendorStatus string
}

var _ mfa.Device = (*MobilePhone)(nil)

// Provider returns the Name of the Client that read the phone.
func (p *MobilePhone) Provider() string { return p.provider }

// ID returns the phone's id (mobilePhoneId).
func (p *MobilePhone) ID() string { return p.id }

// UserID returns the id of the user whose phones were asked for.
func (p *MobilePhone) UserID() string { return p.userID }

// UserName returns "": the phone API does not name the user.
func (p *MobilePhone) UserName() string { return "" }

// Name returns the phone number masked to its last two digits, such as
// "*********89", or "" when the API sent no number.
func (p *MobilePhone) Name() string { return p.masked }

// String returns the masked number, as Name does.
func (p *MobilePhone) String() string { return p.masked }

// Kind returns mfa.KindSMS.
func (p *MobilePhone) Kind() mfa.Kind { return mfa.KindSMS }

// Status returns StatusActive for a verified phone, StatusPending for an
// unverified one, and StatusUnknown when the verified flag reads as
// neither.
func (p *MobilePhone) Status() mfa.Status { return p.status }

// VendorStatus returns VendorVerified, VendorUnverified, or the verified
// flag's raw text, as OTPDevice.VendorStatus does.
func (p *MobilePhone) VendorStatus() string { return p.vendorStatus }

// CreatedAt returns the zero time: the API does not say when a phone was
// added.
func (p *MobilePhone) CreatedAt() time.Time { return time.Time{} }

// Verified reports whether the phone is verified, that is whether Status
// is mfa.StatusActive.
func (p *MobilePhone) Verified() bool { return p.status == mfa.StatusActive }

// MarshalJSON returns the phone in the JSON form of every device of this
// module (mfa.DeviceJSON, whose name is the masked number), with the
// member verified added.
func (p *MobilePhone) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		mfa.DeviceJSON
		Verified bool `json:"verified"`
	}{mfa.NewDeviceJSON(p), p.Verified()})
}

// numberMask hides every digit of a phone number but the last two. Its
// width is fixed, so that it tells nothing of the number's length or
// layout.
const numberMask = "*********"

// maskNumber returns number as a MobilePhone shows it: the mask and the
// last two digits, or the mask alone when the number has two digits or
// fewer (two digits shown would be the whole number), or "" for no number.
func maskNumber(number string) string {
	if number == "" {
		return ""
	}
	var last [2]byte
	digits := 0
	for i := len(number) - 1; i >= 0; i-- {
		if c := number[i]; c >= '0' && c <= '9' {
			if digits < 2 {
				last[1-digits] = c
			}
			digits++
		}
	}
	if digits <= 2 {
		return numberMask
	}
	return numberMask + string(last[:])
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
	Other []xmlElement `xml:",any"`
}

// usersJSON is the user listing in JSON: {"users": [...], "users_links":
// [{"href": "...", "rel": "next"}]}, or the one user that ?name= answers,
// {"user": {...}}.
type usersJSON struct {
	Users *[]userWire `json:"users"`
	User  *userWire   `json:"user"`
	Links []linkWire  `json:"users_links"`
}

// usersXML is the root element of a user body in XML: <users> with its
// <user> children and atom:link elements, or a bare <user>, whose
// attributes a second decode reads.
type usersXML struct {
	XMLName xml.Name
	Users   []userWire `xml:"http://docs.openstack.org/identity/api/v2.0 user"`
	// Links are matched in any namespace: a next link missed would end
	// the listing early without a word.
	Links []linkWire `xml:"link"`
	// Other holds every other child, to tell a <user> in another
	// namespace, an error, from what the listing does not need.
	Other []xmlElement `xml:",any"`
}

// linkWire is a link of a listing: an object of users_links in JSON, an
// atom:link element in XML.
type linkWire struct {
	Href string `json:"href" xml:"href,attr"`
	Rel  string `json:"rel" xml:"rel,attr"`
}

// xmlElement is an element known by its name alone.
type xmlElement struct {
	XMLName xml.Name
}

// userJSON is a user in JSON: {"user": {...}}.
type userJSON struct {
	User *userWire `json:"user"`
}

// userWire is a user: in JSON the object under "user" or an element of
// "users", in XML a <user> element. Its RAX-AUTH members come with the
// prefix (which encoding/json matches in any case, as "rax-auth:" in some
// of the vendor's examples) or, in the Plain fields, without it; in XML in
// the RAX-AUTH namespace or, in the Plain fields, under the literal prefix
// "RAX-AUTH:" that some published examples leave undeclared.
type userWire struct {
	XMLName  xml.Name `json:"-"`
	ID       string   `json:"id" xml:"id,attr"`
	Username string   `json:"username" xml:"username,attr"`
	Name     string   `json:"name" xml:"-"` // where username is not sent
	Enabled  flag     `json:"enabled" xml:"enabled,attr"`

	MFAEnabled flag   `json:"RAX-AUTH:multiFactorEnabled" xml:"http://docs.rackspace.com/identity/api/ext/RAX-AUTH/v1.0 multiFactorEnabled,attr"`
	State      string `json:"RAX-AUTH:multiFactorState" xml:"http://docs.rackspace.com/identity/api/ext/RAX-AUTH/v1.0 multiFactorState,attr"`
	Level      string `json:"RAX-AUTH:userMultiFactorEnforcementLevel" xml:"http://docs.rackspace.com/identity/api/ext/RAX-AUTH/v1.0 userMultiFactorEnforcementLevel,attr"`
	FactorType string `json:"RAX-AUTH:factorType" xml:"http://docs.rackspace.com/identity/api/ext/RAX-AUTH/v1.0 factorType,attr"`

	PlainMFAEnabled flag   `json:"multiFactorEnabled" xml:"RAX-AUTH multiFactorEnabled,attr"`
	PlainState      string `json:"multiFactorState" xml:"RAX-AUTH multiFactorState,attr"`
	PlainLevel      string `json:"userMultiFactorEnforcementLevel" xml:"RAX-AUTH userMultiFactorEnforcementLevel,attr"`
	PlainFactorType string `json:"factorType" xml:"RAX-AUTH factorType,attr"`
}

// mobilePhoneWire is a mobile phone: in JSON an object of the list, in
// XML a <mobilePhone> element.
type mobilePhoneWire struct {
	ID       string `json:"id" xml:"id,attr"`
	Number   string `json:"number" xml:"number,attr"`
	Verified flag   `json:"verified" xml:"verified,attr"`
}

// mobilePhonesJSON is the list in JSON: {"RAX-AUTH:mobilePhones": [...]},
// [] for a user with no phone, so that a body without it is an error.
type mobilePhonesJSON struct {
	Phones *[]mobilePhoneWire `json:"RAX-AUTH:mobilePhones"`
}

// mobilePhonesXML is the list in XML: <mobilePhones> in the RAX-AUTH
// namespace (the default one in the vendor's example) with its
// <mobilePhone> children.
type mobilePhonesXML struct {
	XMLName xml.Name
	Phones  []mobilePhoneWire `xml:"http://docs.rackspace.com/identity/api/ext/RAX-AUTH/v1.0 mobilePhone"`
	Other   []xmlElement      `xml:",any"`
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
	errNoPhoneID    = errors.New("a mobile phone has no id")
	errNoUserID     = errors.New("a user has no id")
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

// wireList is the root of a list body, in JSON or in XML: rows returns
// its rows, or the error of a root that is not the API's.
type wireList[W any] interface {
	rows() ([]W, error)
}

// decodeList decodes the body of a list call into j or x, by what the
// body is, and makes each of its rows with convert. Its errors are
// resp.Invalid's.
func decodeList[W, T any](resp *transport.Response, j, x wireList[W], convert func(*W) (T, error)) ([]T, error) {
	isXML, err := decodeBody(resp, j, x)
	if err != nil {
		return nil, err
	}
	var wire []W
	if isXML {
		wire, err = x.rows()
	} else {
		wire, err = j.rows()
	}
	out := make([]T, len(wire))
	for i := 0; err == nil && i < len(wire); i++ {
		out[i], err = convert(&wire[i])
	}
	if err != nil {
		return nil, resp.Invalid(err)
	}
	return out, nil
}

// decodeDevices decodes the body of the list call.
func decodeDevices(resp *transport.Response, provider, userID string) ([]*OTPDevice, error) {
	return decodeList(resp, &otpDevicesJSON{}, &otpDevicesXML{}, func(w *otpDeviceWire) (*OTPDevice, error) {
		return w.device(provider, userID)
	})
}

// rows returns the "RAX-AUTH:otpDevices" array, which the service always
// sends.
func (j *otpDevicesJSON) rows() ([]otpDeviceWire, error) {
	if j.Devices == nil {
		return nil, errors.New(`the body has no "RAX-AUTH:otpDevices" array`)
	}
	return *j.Devices, nil
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

// rows returns the children of an <otpDevices> root.
func (x *otpDevicesXML) rows() ([]otpDeviceWire, error) {
	if err := checkRoot(x.XMLName, x.Other, nsRAXAUTH, "otpDevices", "otpDevice"); err != nil {
		return nil, err
	}
	return x.Devices, nil
}

// device returns a bare <otpDevice> root, or the device of an
// <otpDevices> root, the one with id where it holds several.
func (x *otpDevicesXML) device(id string) (*otpDeviceWire, error) {
	if x.XMLName.Local == "otpDevice" {
		return &otpDeviceWire{ID: x.ID, Name: x.Name, Verified: x.Verified}, checkName(x.XMLName, nsRAXAUTH, "otpDevice")
	}
	devices, err := x.rows()
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

// merged returns w with each member the API sends in two forms read from
// either: the prefixed RAX-AUTH members winning over the plain ones, and
// username over name. Readers of a user look at the prefixed fields and
// Username alone, so that both forms are read the same way everywhere.
func (w *userWire) merged() userWire {
	m := *w
	m.Username = cmp.Or(w.Username, w.Name)
	m.MFAEnabled = cmp.Or(w.MFAEnabled, w.PlainMFAEnabled)
	m.State = cmp.Or(w.State, w.PlainState)
	m.Level = cmp.Or(w.Level, w.PlainLevel)
	m.FactorType = cmp.Or(w.FactorType, w.PlainFactorType)
	return m
}

// settings returns the multi-factor settings of a user.
func (w *userWire) settings() (*UserMFA, error) {
	m := w.merged()
	on, ok := m.MFAEnabled.bool()
	if !ok && m.MFAEnabled != "" {
		return nil, fmt.Errorf("user RAX-AUTH:multiFactorEnabled: %q is not a boolean", shorten(string(m.MFAEnabled)))
	}
	return &UserMFA{
		UserID:           m.ID,
		UserName:         m.Username,
		Enabled:          on,
		State:            m.State,
		EnforcementLevel: m.Level,
	}, nil
}

// usersPage is one page of the user listing.
type usersPage struct {
	users []userWire
	links []linkWire
}

// decodeUsers decodes a page of the user listing: a list, or the one user
// of a ?name= answer as a list of one.
func decodeUsers(resp *transport.Response) (*usersPage, error) {
	var (
		j usersJSON
		x usersXML
	)
	isXML, err := decodeBody(resp, &j, &x)
	if err != nil {
		return nil, err
	}
	page := &usersPage{}
	switch {
	case isXML && x.XMLName.Local == "user":
		var one userWire
		if err = xml.Unmarshal(resp.Body, &one); err == nil {
			err = checkName(one.XMLName, nsIdentity, "user")
		}
		page.users = []userWire{one}
	case isXML:
		page.users, page.links, err = x.Users, x.Links, x.check()
	case j.Users != nil:
		page.users, page.links = *j.Users, j.Links
	case j.User != nil:
		page.users = []userWire{*j.User}
	default:
		err = errors.New(`the body has no "users" array and no "user" object`)
	}
	for i := 0; err == nil && i < len(page.users); i++ {
		if page.users[i].ID == "" {
			err = errNoUserID
		}
	}
	if err != nil {
		return nil, resp.Invalid(err)
	}
	return page, nil
}

// check returns the error of a <users> root that is not the API's.
func (x *usersXML) check() error {
	return checkRoot(x.XMLName, x.Other, nsIdentity, "users", "user")
}

// next returns the query of the page after p, or nil when p is the last:
// a page without a next link, or an empty one. The marker is the next
// link's, else the id of the page's last user, as OpenStack pages; the
// link's limit is kept. Only the query of the link is used: the request
// goes to the Client's endpoint, never to a host a body names.
func (p *usersPage) next() url.Values {
	// An empty page ends the listing whatever its links say: with no row,
	// the loop guard cannot tell a server that sends it forever, and a
	// page past the last user is how a marker listing ends.
	if len(p.users) == 0 {
		return nil
	}
	for _, l := range p.links {
		if !slices.ContainsFunc(strings.Fields(l.Rel), func(r string) bool { return strings.EqualFold(r, "next") }) {
			continue
		}
		var marker, limit string
		if u, err := url.Parse(strings.TrimSpace(l.Href)); err == nil {
			q := u.Query()
			marker, limit = q.Get("marker"), q.Get("limit")
		}
		// decodeUsers refuses a user without id: the marker is never "".
		q := url.Values{"marker": {cmp.Or(marker, p.users[len(p.users)-1].ID)}}
		if limit != "" {
			q.Set("limit", limit)
		}
		return q
	}
	return nil
}

// unreadable is a member whose value this module cannot read: the user is
// kept, read as readAs says, and the value logged.
type unreadable struct {
	field, value, readAs string
}

// user converts a listed user. Enabled is the enabled flag (true when
// absent: a user is audited unless the vendor says otherwise). LoginMFA is
// required when multi-factor is on (its method the factor type) or the
// user's enforcement level is REQUIRED, not required when the level is
// OPTIONAL, and unknown when the level is DEFAULT or absent: then the
// domain's level decides, which the users listing does not carry. A flag
// that reads as no boolean keeps the user, as enabled and with a login
// unknown unless the level says REQUIRED, and is reported in odd.
func (w *userWire) user(provider string) (u mfa.User, odd []unreadable) {
	m := w.merged()
	u = mfa.User{Provider: provider, ID: m.ID, Name: m.Username, Enabled: true, LoginMFA: mfa.EnforcementUnknown}
	if v, ok := m.Enabled.bool(); ok {
		u.Enabled = v
	} else if m.Enabled != "" {
		odd = append(odd, unreadable{"enabled", string(m.Enabled), "enabled"})
	}
	on, ok := m.MFAEnabled.bool()
	switch level := strings.ToUpper(strings.TrimSpace(m.Level)); {
	case on:
		u.LoginMFA, u.LoginMFAMethod = mfa.EnforcementRequired, m.FactorType
	case level == "REQUIRED":
		u.LoginMFA = mfa.EnforcementRequired
	case level == "OPTIONAL" && (ok || m.MFAEnabled == ""):
		u.LoginMFA = mfa.EnforcementNotRequired
	}
	if !ok && m.MFAEnabled != "" {
		odd = append(odd, unreadable{"RAX-AUTH:multiFactorEnabled", string(m.MFAEnabled), "login MFA " + string(u.LoginMFA)})
	}
	return u, odd
}

// decodeMobilePhones decodes the body of the mobile phone list.
func decodeMobilePhones(resp *transport.Response, provider, userID string) ([]*MobilePhone, error) {
	return decodeList(resp, &mobilePhonesJSON{}, &mobilePhonesXML{}, func(w *mobilePhoneWire) (*MobilePhone, error) {
		return w.phone(provider, userID)
	})
}

// rows returns the "RAX-AUTH:mobilePhones" array, which the service always
// sends.
func (j *mobilePhonesJSON) rows() ([]mobilePhoneWire, error) {
	if j.Phones == nil {
		return nil, errors.New(`the body has no "RAX-AUTH:mobilePhones" array`)
	}
	return *j.Phones, nil
}

// rows returns the children of a <mobilePhones> root.
func (x *mobilePhonesXML) rows() ([]mobilePhoneWire, error) {
	if err := checkRoot(x.XMLName, x.Other, nsRAXAUTH, "mobilePhones", "mobilePhone"); err != nil {
		return nil, err
	}
	return x.Phones, nil
}

// phone makes the MobilePhone of a wire phone, its number masked.
func (w *mobilePhoneWire) phone(provider, userID string) (*MobilePhone, error) {
	if w.ID == "" {
		return nil, errNoPhoneID
	}
	status, vendor := w.Verified.status()
	return &MobilePhone{provider: provider, userID: userID, id: w.ID, masked: maskNumber(w.Number), status: status, vendorStatus: vendor}, nil
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

// checkRoot returns the error for a root element of a list that is not
// <root> in namespace space, or that holds a <child> in another namespace:
// encoding/xml matches the children by namespace and would skip such a
// child, a row silently lost, so the roots collect every unmatched child
// in other.
func checkRoot(got xml.Name, other []xmlElement, space, root, child string) error {
	if err := checkName(got, space, root); err != nil {
		return err
	}
	for _, o := range other {
		if o.XMLName.Local == child {
			return checkName(o.XMLName, space, child)
		}
	}
	return nil
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
