package rackspace

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/openmfa/mfa-go/internal/transport"
	"github.com/openmfa/mfa-go/mfa"
)

// faultKinds maps the Identity API's fault names to the sentinel each
// matches. identityFault (sent with 500 or 400) has none: its status
// decides. The others say the same as the status they come with, and keep
// saying it when a proxy changes the status: overLimit is rate limiting
// (retried) and a 413 that is not overLimit is not.
var faultKinds = map[string]error{
	"identityFault":      nil,
	"serviceUnavailable": mfa.ErrUnavailable,
	"badRequest":         mfa.ErrBadRequest,
	"unauthorized":       mfa.ErrUnauthorized,
	"overLimit":          mfa.ErrRateLimited,
	"userDisabled":       mfa.ErrForbidden,
	"forbidden":          mfa.ErrForbidden,
	"itemNotFound":       mfa.ErrNotFound,
	"tenantConflict":     mfa.ErrBadRequest,
}

// faultWire is an Identity API fault: in JSON the object under the fault's
// name, {"itemNotFound": {"code": 404, "message": "...", "details": "..."}};
// in XML the root element, named after the fault, in the Identity
// namespace: <itemNotFound code="404"><message/><details/></itemNotFound>.
type faultWire struct {
	XMLName xml.Name `json:"-"`
	// Code is kept as sent (a JSON number or string, an XML attribute): it
	// only tells a fault from another body.
	Code    json.RawMessage `json:"code" xml:"code,attr"`
	Message string          `json:"message" xml:"http://docs.openstack.org/identity/api/v2.0 message"`
	Details string          `json:"details" xml:"http://docs.openstack.org/identity/api/v2.0 details"`
}

// parseFault reads a fault from a body in either format, whatever the
// Accept header asked for: a proxy may answer JSON to an XML request. ok
// is false for a body that is no fault (HTML, text, empty, truncated).
func parseFault(r *transport.Response) (name string, f faultWire, ok bool) {
	switch sniff(r) {
	case '{':
		var faults map[string]faultWire
		if r.DecodeJSON(&faults) != nil {
			return "", f, false
		}
		// A known fault name is taken; any other single key is taken
		// when its object looks like a fault.
		for _, key := range slices.Sorted(maps.Keys(faults)) {
			if _, known := faultKinds[key]; known || len(faults) == 1 {
				name, f = key, faults[key]
				break
			}
		}
	case '<':
		if xml.Unmarshal(r.Body, &f) != nil || f.XMLName.Space != nsIdentity {
			return "", f, false
		}
		name = f.XMLName.Local
	}
	_, known := faultKinds[name]
	if strings.TrimSpace(name) == "" || (!known && f.Code == nil && f.Message == "") {
		return "", f, false
	}
	f.Message, f.Details = strings.TrimSpace(f.Message), strings.TrimSpace(f.Details)
	return name, f, true
}

// decodeError is the transport's DecodeError hook: it turns an Identity
// fault into an *mfa.APIError, and returns nil for any other body, so that
// the transport reports the status and a cleaned snippet.
func decodeError(r *transport.Response) *mfa.APIError {
	name, f, ok := parseFault(r)
	if !ok {
		return nil
	}
	e := &mfa.APIError{
		Code:    name,
		Message: r.Redact(f.Message),
		Details: r.Redact(f.Details),
		Kind:    faultKinds[name],
	}
	if e.Message == "" {
		e.Message = http.StatusText(r.StatusCode)
	}
	if r.StatusCode == http.StatusUnauthorized && e.Details == "" &&
		strings.HasPrefix(strings.TrimSpace(r.Header.Get("WWW-Authenticate")), "OS-MF") {
		e.Details = "the account requires a multi-factor passcode to log in, which this client cannot send; use Config.Token"
	}
	return e
}

// numberValue matches the value of a member or attribute named number,
// in JSON ("number": "...", or a bare number) or XML (number="..."), in
// any case; a quoted value cut short runs to the end of the body.
var numberValue = regexp.MustCompile(`(?i)("number"\s*:\s*|\bnumber\s*=\s*)("(?:[^"\\]|\\.)*"?|'[^']*'?|[^\s,}\]<>/"']+)`)

// maskNumbers returns body with every phone number masked as a
// MobilePhone shows it: the transport's RedactBody, so that an error
// quoting a mobile phone body never shows a whole number.
func maskNumbers(body []byte) []byte {
	matches := numberValue.FindAllSubmatchIndex(body, -1)
	if matches == nil {
		return body
	}
	out := make([]byte, 0, len(body))
	copied := 0
	for _, m := range matches {
		value := body[m[4]:m[5]]
		var quote []byte
		if value[0] == '"' || value[0] == '\'' {
			quote = value[:1]
		}
		inner := bytes.TrimSuffix(value[len(quote):], quote)
		out = append(out, body[copied:m[4]]...)
		out = append(out, quote...)
		out = append(out, maskNumber(string(inner))...)
		if len(value) > len(quote)+len(inner) {
			out = append(out, quote...)
		}
		copied = m[5]
	}
	return append(out, body[copied:]...)
}
