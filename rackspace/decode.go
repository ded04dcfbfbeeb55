package rackspace

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/openmfa/mfa-go/internal/jsonscan"
)

// The JSON bodies are read with jsonscan rather than encoding/json: a
// user's device list is read in one pass, without reflection, and the
// devices' strings share the body's memory. The readers accept, refuse and
// read every body as encoding/json does into the wire structs of
// decode_reference_test.go, down to a key repeated in a body; a
// differential fuzz test holds them to it.

// readFlag reads a flag that should be a boolean (verified,
// multiFactorEnabled): a boolean or number as written, a string's value,
// "" for null. An object or array is bad.
func readFlag(d *jsonscan.Decoder) (text string, bad bool) {
	switch d.Peek() {
	case jsonscan.String:
		text, _ = d.String()
		return text, false
	case jsonscan.Null:
		d.Skip()
		return "", false
	case jsonscan.Object, jsonscan.Array:
		d.Skip()
		return "", true
	}
	return d.Raw(), false // a boolean or a number (or the error of no value)
}

// readDevice reads an OTP device object over f, as encoding/json decodes
// an object into a struct: a member sets its field, a null string leaves
// it as it was, and null for the whole object changes nothing.
func readDevice(d *jsonscan.Decoder, f *devFields) {
	for key := range d.Members() {
		switch {
		case jsonscan.Match(key, "id"):
			if v, ok := d.String(); ok {
				f.id = v
			}
		case jsonscan.Match(key, "name"):
			if v, ok := d.String(); ok {
				f.name = v
			}
		case jsonscan.Match(key, "verified"):
			f.verified, f.badFlag = readFlag(d)
		}
	}
}

// readDeviceList reads an array of OTP devices into fields, as
// encoding/json decodes an array into the slice an earlier member of the
// same key filled: item i is read over what fields[i] held (within the
// slice's capacity, even where an earlier, shorter array cut its length),
// the slice takes the array's length, and an empty array leaves a new,
// empty slice. A body that names the list once reads it into a slice
// sized for as many items as the body has objects, filled without
// growing. (Counting one byte is fast; the top-level object makes it one
// too many.)
func readDeviceList(d *jsonscan.Decoder, fields []devFields, text string) []devFields {
	if fields == nil {
		fields = make([]devFields, 0, strings.Count(text, "{"))
	}
	n := 0
	for range d.Elements() {
		if n == len(fields) {
			if n < cap(fields) {
				fields = fields[:n+1]
			} else {
				fields = append(fields, devFields{})
			}
		}
		readDevice(d, &fields[n])
		n++
	}
	if n == 0 {
		return nil
	}
	return fields[:n]
}

// decodeDevicesJSON decodes {"RAX-AUTH:otpDevices": [...]}. The list must
// be there, as an array: null or no member is an error.
func decodeDevicesJSON(text, provider, userID string) ([]*OTPDevice, error) {
	d := jsonscan.NewDecoder(text)
	var fields []devFields
	present := false
	for key := range d.Members() {
		if !jsonscan.Match(key, keyDevices) {
			continue
		}
		if d.Peek() == jsonscan.Null {
			d.Skip()
			fields, present = nil, false
			continue
		}
		fields, present = readDeviceList(d, fields, text), true
	}
	if err := d.End(); err != nil {
		return nil, err
	}
	if !present {
		return nil, errors.New(`the body has no "` + keyDevices + `" array`)
	}
	return newDevices(fields, provider, userID)
}

// decodeDeviceJSON decodes {"RAX-AUTH:otpDevice": {...}}.
func decodeDeviceJSON(text, provider, userID string) (*OTPDevice, error) {
	d := jsonscan.NewDecoder(text)
	var f devFields
	present := false
	for key := range d.Members() {
		if !jsonscan.Match(key, keyDevice) {
			continue
		}
		if d.Peek() == jsonscan.Null {
			d.Skip()
			f, present = devFields{}, false
			continue
		}
		present = true
		readDevice(d, &f) // a repeated member adds to the earlier one
	}
	if err := d.End(); err != nil {
		return nil, err
	}
	if !present {
		return nil, errors.New(`the body has no "` + keyDevice + `" object`)
	}
	return newDevice(&f, provider, userID)
}

// userMember is the value of one member of the user object: whether it
// was sent, its kind, and its text (a string's value, or a boolean or
// number as written).
type userMember struct {
	sent bool
	kind jsonscan.Kind
	text string
}

func (m *userMember) read(d *jsonscan.Decoder) {
	m.sent, m.kind, m.text = true, d.Peek(), ""
	switch m.kind {
	case jsonscan.String:
		m.text, _ = d.String()
	case jsonscan.Bool, jsonscan.Number:
		m.text = d.Raw()
	default:
		d.Skip()
	}
}

// str returns a string member, "" for null or no member.
func (m *userMember) str(field string) (string, error) {
	switch m.kind {
	case jsonscan.String:
		return m.text, nil
	case jsonscan.Null, jsonscan.Invalid: // Invalid: not sent
		return "", nil
	}
	return "", fmt.Errorf("%s is not a string", field)
}

// flag returns the text of a member that should be a boolean, "" for null
// or no member.
func (m *userMember) flag() (string, error) {
	switch m.kind {
	case jsonscan.Object, jsonscan.Array:
		return "", errNotBoolean
	}
	return m.text, nil
}

// userFields are the members of a user object this package reads. Keys
// match in any case (as strings.ToLower folds them); the three
// multi-factor ones also with the "RAX-AUTH:" alias, which wins where both
// are sent. Where a key is sent twice, the later value counts.
type userFields struct {
	id, username, name userMember
	state              aliased
	level              aliased
	enabled            aliased
}

// aliased is a member sent as "name" or "RAX-AUTH:name".
type aliased struct{ plain, rax userMember }

func (a *aliased) get() *userMember {
	if a.rax.sent {
		return &a.rax
	}
	return &a.plain
}

// member returns the field of key, or nil.
func (u *userFields) member(key string) *userMember {
	switch {
	case lowerIs(key, "id"):
		return &u.id
	case lowerIs(key, "username"):
		return &u.username
	case lowerIs(key, "name"):
		return &u.name
	case lowerIs(key, "multifactorstate"):
		return &u.state.plain
	case lowerIs(key, "rax-auth:multifactorstate"):
		return &u.state.rax
	case lowerIs(key, "usermultifactorenforcementlevel"):
		return &u.level.plain
	case lowerIs(key, "rax-auth:usermultifactorenforcementlevel"):
		return &u.level.rax
	case lowerIs(key, "multifactorenabled"):
		return &u.enabled.plain
	case lowerIs(key, "rax-auth:multifactorenabled"):
		return &u.enabled.rax
	}
	return nil
}

// lowerIs reports whether strings.ToLower(s) == lower, for an ASCII
// lower, without the copy.
func lowerIs(s, lower string) bool {
	i := 0
	for _, r := range s {
		if i == len(lower) || unicode.ToLower(r) != rune(lower[i]) {
			return false
		}
		i++
	}
	return i == len(lower)
}

// decodeUserJSON decodes {"user": {...}}: the user's id, name and
// multi-factor attributes.
func decodeUserJSON(text string) (*UserMFA, error) {
	d := jsonscan.NewDecoder(text)
	var f userFields
	present := false
	for key := range d.Members() {
		if !jsonscan.Match(key, "user") {
			continue
		}
		if d.Peek() == jsonscan.Null {
			d.Skip()
			f, present = userFields{}, false
			continue
		}
		present = true
		for key := range d.Members() { // a repeated "user" adds to the earlier one
			if m := f.member(key); m != nil {
				m.read(d)
			}
		}
	}
	if err := d.End(); err != nil {
		return nil, err
	}
	if !present {
		return nil, errors.New(`the body has no "user" object`)
	}
	u := &UserMFA{}
	var err error
	if u.UserID, err = f.id.str("user.id"); err != nil {
		return nil, err
	}
	name, nameField := &f.username, "user.username"
	if !name.sent {
		name, nameField = &f.name, "user.name"
	}
	if u.UserName, err = name.str(nameField); err != nil {
		return nil, err
	}
	if u.State, err = f.state.get().str("user.RAX-AUTH:multiFactorState"); err != nil {
		return nil, err
	}
	if u.EnforcementLevel, err = f.level.get().str("user.RAX-AUTH:userMultiFactorEnforcementLevel"); err != nil {
		return nil, err
	}
	enabled, err := f.enabled.get().flag()
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

// decodeTokenJSON decodes {"access": {"token": {"id": ..., "expires":
// ...}}}. The token id is copied: the Client keeps it for hours, and with
// it would keep the whole login response (its service catalog).
func decodeTokenJSON(text string) (token, error) {
	d := jsonscan.NewDecoder(text)
	var t token
	access, tok := false, false
	for key := range d.Members() {
		if !jsonscan.Match(key, "access") {
			continue
		}
		if d.Peek() == jsonscan.Null {
			d.Skip()
			t, access, tok = token{}, false, false
			continue
		}
		access = true
		for key := range d.Members() {
			if !jsonscan.Match(key, "token") {
				continue
			}
			if d.Peek() == jsonscan.Null {
				d.Skip()
				t, tok = token{}, false
				continue
			}
			tok = true
			for key := range d.Members() {
				switch {
				case jsonscan.Match(key, "id"):
					if v, ok := d.String(); ok {
						t.id = v
					}
				case jsonscan.Match(key, "expires"):
					if v, ok := d.String(); ok {
						t.expires = v
					}
				}
			}
		}
	}
	if err := d.End(); err != nil {
		return token{}, err
	}
	if !access || !tok {
		return token{}, errors.New(`the body has no "access.token" object`)
	}
	t.id = strings.Clone(t.id)
	return t, nil
}
