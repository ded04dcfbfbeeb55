package rackspace

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// The XML decoders read tokens rather than unmarshal into tagged structs:
// encoding/xml silently skips an element whose namespace differs from its
// tag, and a device must never be dropped that way. Names are compared by
// namespace URI, never by prefix.

// newXMLDecoder returns a strict decoder of r, a strings.Reader or a
// bytes.Reader: an io.ByteReader, which encoding/xml reads without a
// buffer of its own.
func newXMLDecoder(r io.Reader) *xml.Decoder {
	d := xml.NewDecoder(r)
	d.Strict = true
	return d
}

// nextToken is d.Token with the end of input made an error: every caller
// expects more of the document.
func nextToken(d *xml.Decoder) (xml.Token, error) {
	tok, err := d.Token()
	if err == io.EOF {
		return nil, errors.New("the XML document ends early")
	}
	return tok, err
}

// rootElement reads the prolog and returns the root element's start.
func rootElement(d *xml.Decoder) (xml.StartElement, error) {
	for {
		tok, err := nextToken(d)
		if err != nil {
			return xml.StartElement{}, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return t, nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) != 0 {
				return xml.StartElement{}, errors.New("text before the XML root element")
			}
		}
	}
}

func is(n xml.Name, space, local string) bool { return n.Space == space && n.Local == local }

// describe names an element for an error message.
func describe(n xml.Name) string {
	if n.Space == "" {
		return fmt.Sprintf("<%s> in no namespace", shorten(n.Local))
	}
	return fmt.Sprintf("<%s> in namespace %q", shorten(n.Local), shorten(n.Space))
}

// unexpected is the error for an element that is not the one the API
// promises.
func unexpected(n xml.Name, want string) error {
	return fmt.Errorf("got %s, want <%s> in namespace %q", describe(n), want, nsRAXAUTH)
}

// attr returns the value of the unqualified attribute local.
func attr(start xml.StartElement, local string) (string, bool) {
	for _, a := range start.Attr {
		if a.Name.Space == "" && a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// deviceXML makes a device of an <otpDevice> element's attributes.
func deviceXML(start xml.StartElement, provider, userID string) (OTPDevice, error) {
	var f devFields
	f.id, _ = attr(start, "id")
	f.name, _ = attr(start, "name")
	f.verified, _ = attr(start, "verified")
	if err := f.check(); err != nil {
		return OTPDevice{}, err
	}
	return f.device(provider, userID), nil
}

// readDevicesXML reads the children of an <otpDevices> element up to its
// end. An <otpDevice> in another namespace is an error; other elements
// (links, extensions) are skipped.
//
// The devices are read into one slice with room for as many as the body
// names, filled without growing. (Where the body names otpDevice far more
// often than it holds one, the devices are copied to a slice of their own
// size, which is what the caller's pointers keep alive.)
func readDevicesXML(d *xml.Decoder, text, provider, userID string) ([]OTPDevice, error) {
	devices := make([]OTPDevice, 0, strings.Count(text, "otpDevice"))
	for {
		tok, err := nextToken(d)
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "otpDevice" {
				if t.Name.Space != nsRAXAUTH {
					return nil, unexpected(t.Name, "otpDevice")
				}
				dev, err := deviceXML(t, provider, userID)
				if err != nil {
					return nil, err
				}
				devices = append(devices, dev)
			}
			if err := d.Skip(); err != nil {
				return nil, err
			}
		case xml.EndElement:
			// The end of <otpDevices>: the decoder checks nesting.
			if len(devices) < cap(devices)/2 {
				devices = slices.Clone(devices)
			}
			return devices, nil
		}
	}
}

func decodeDevicesXML(text, provider, userID string) ([]*OTPDevice, error) {
	d := newXMLDecoder(strings.NewReader(text))
	root, err := rootElement(d)
	if err != nil {
		return nil, err
	}
	if !is(root.Name, nsRAXAUTH, "otpDevices") {
		return nil, unexpected(root.Name, "otpDevices")
	}
	devices, err := readDevicesXML(d, text, provider, userID)
	if err != nil {
		return nil, err
	}
	return pointers(devices), nil
}

func decodeDeviceXML(text, provider, userID, deviceID string) (*OTPDevice, error) {
	d := newXMLDecoder(strings.NewReader(text))
	root, err := rootElement(d)
	if err != nil {
		return nil, err
	}
	var dev OTPDevice
	switch {
	case is(root.Name, nsRAXAUTH, "otpDevice"):
		if dev, err = deviceXML(root, provider, userID); err != nil {
			return nil, err
		}
		if err := d.Skip(); err != nil {
			return nil, err
		}
		return &dev, nil
	case is(root.Name, nsRAXAUTH, "otpDevices"):
		devices, err := readDevicesXML(d, text, provider, userID)
		if err != nil {
			return nil, err
		}
		switch len(devices) {
		case 0:
			return nil, errors.New("the <otpDevices> element holds no <otpDevice>")
		case 1:
			dev = devices[0]
			return &dev, nil
		}
		for i := range devices {
			if devices[i].id == deviceID {
				dev = devices[i]
				return &dev, nil
			}
		}
		return nil, fmt.Errorf("the <otpDevices> element holds %d devices, none with id %q", len(devices), shorten(deviceID))
	}
	return nil, unexpected(root.Name, "otpDevice")
}

// raxAttr returns the RAX-AUTH attribute local of a user element: in the
// RAX-AUTH namespace, or else with the literal prefix "RAX-AUTH" left
// undeclared, as some of the vendor's published examples write it.
func raxAttr(start xml.StartElement, local string) string {
	var loose string
	for _, a := range start.Attr {
		if a.Name.Local != local {
			continue
		}
		if a.Name.Space == nsRAXAUTH {
			return a.Value
		}
		if strings.EqualFold(a.Name.Space, "RAX-AUTH") {
			loose = a.Value
		}
	}
	return loose
}

func decodeUserXML(text string) (*UserMFA, error) {
	d := newXMLDecoder(strings.NewReader(text))
	root, err := rootElement(d)
	if err != nil {
		return nil, err
	}
	if !is(root.Name, nsIdentity, "user") {
		return nil, fmt.Errorf("got %s, want <user> in namespace %q", describe(root.Name), nsIdentity)
	}
	u := &UserMFA{
		State:            raxAttr(root, "multiFactorState"),
		EnforcementLevel: raxAttr(root, "userMultiFactorEnforcementLevel"),
	}
	u.UserID, _ = attr(root, "id")
	u.UserName, _ = attr(root, "username")
	if u.Enabled, err = enabledFlag(raxAttr(root, "multiFactorEnabled")); err != nil {
		return nil, fmt.Errorf("user rax-auth:multiFactorEnabled: %w", err)
	}
	if err := d.Skip(); err != nil {
		return nil, err
	}
	return u, nil
}

func decodeTokenXML(text string) (token, error) {
	d := newXMLDecoder(strings.NewReader(text))
	root, err := rootElement(d)
	if err != nil {
		return token{}, err
	}
	if !is(root.Name, nsIdentity, "access") {
		return token{}, fmt.Errorf("got %s, want <access> in namespace %q", describe(root.Name), nsIdentity)
	}
	var t token
	found := false
	for {
		tok, err := nextToken(d)
		if err != nil {
			return token{}, err
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if is(e.Name, nsIdentity, "token") && !found {
				found = true
				t.id, _ = attr(e, "id")
				t.expires, _ = attr(e, "expires")
			}
			if err := d.Skip(); err != nil {
				return token{}, err
			}
		case xml.EndElement:
			if !found {
				return token{}, errors.New("the <access> element holds no <token>")
			}
			return t, nil
		}
	}
}

// xmlFault reads an Identity fault: a root element in the Identity
// namespace, whose local name is the fault name, with <message> and
// <details> children. ok is false for any other document.
func xmlFault(body []byte) (f fault, ok bool) {
	d := newXMLDecoder(bytes.NewReader(body))
	root, err := rootElement(d)
	if err != nil || root.Name.Space != nsIdentity {
		return fault{}, false
	}
	f.name = root.Name.Local
	_, hasCode := attr(root, "code")
	sawMessage := false
	for {
		tok, err := nextToken(d)
		if err != nil {
			return fault{}, false
		}
		switch e := tok.(type) {
		case xml.StartElement:
			var text *string
			switch {
			case is(e.Name, nsIdentity, "message"):
				text, sawMessage = &f.message, true
			case is(e.Name, nsIdentity, "details"):
				text = &f.details
			}
			if text == nil {
				if err := d.Skip(); err != nil {
					return fault{}, false
				}
				continue
			}
			var s string
			if err := d.DecodeElement(&s, &e); err != nil {
				return fault{}, false
			}
			*text = strings.TrimSpace(s)
		case xml.EndElement:
			if _, known := faultKinds[f.name]; !known && !hasCode && !sawMessage {
				return fault{}, false
			}
			return f, true
		}
	}
}
