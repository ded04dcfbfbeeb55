package rackspace

// The JSON decoders of this package as they were written with
// encoding/json: the reference that the jsonscan decoders of decode.go are
// held to (FuzzJSONDecodersAgreeWithEncodingJSON).

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

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
	return newDevice(&devFields{id: j.ID, name: j.Name, verified: verified}, provider, userID)
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

func referenceDevicesJSON(body []byte, provider, userID string) ([]*OTPDevice, error) {
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

func referenceDeviceJSON(body []byte, provider, userID string) (*OTPDevice, error) {
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

func referenceUserJSON(body []byte) (*UserMFA, error) {
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

func referenceTokenJSON(body []byte) (token, error) {
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

// referenceParseBool is parseBool as it was written.
func referenceParseBool(s string) (value, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	return false, false
}
