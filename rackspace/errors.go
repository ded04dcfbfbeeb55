package rackspace

import (
	"encoding/json"
	"fmt"
	"net/http"
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

// fault is an Identity API error envelope.
type fault struct {
	name    string
	message string
	details string
}

// parseFault reads a fault from a body in either format, whatever the
// Accept header asked for: a proxy may answer JSON to an XML request. ok
// is false for a body that is no fault (HTML, text, empty, truncated).
func parseFault(body []byte) (fault, bool) {
	switch sniff(body) {
	case '{':
		return jsonFault(trimBOM(body))
	case '<':
		return xmlFault(trimBOM(body))
	}
	return fault{}, false
}

// jsonFault reads {"<faultName>": {"code": 404, "message": "...",
// "details": "..."}}. A key that is a known fault name is taken; any other
// single key is taken when its object has a code or a message.
func jsonFault(body []byte) (fault, bool) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(body, &doc); err != nil || len(doc) == 0 {
		return fault{}, false
	}
	keys := make([]string, 0, len(doc))
	for k := range doc {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	name := ""
	for _, k := range keys {
		if _, known := faultKinds[k]; known {
			name = k
			break
		}
	}
	_, known := faultKinds[name]
	if !known {
		if len(keys) != 1 || strings.TrimSpace(keys[0]) == "" {
			return fault{}, false
		}
		name = keys[0]
	}
	raw := strings.TrimSpace(string(doc[name]))
	if !strings.HasPrefix(raw, "{") {
		return fault{}, false
	}
	var inner struct {
		Code    json.RawMessage `json:"code"`
		Message json.RawMessage `json:"message"`
		Details json.RawMessage `json:"details"`
	}
	if err := json.Unmarshal([]byte(raw), &inner); err != nil {
		return fault{}, false
	}
	if !known && inner.Code == nil && inner.Message == nil {
		return fault{}, false
	}
	f := fault{name: name}
	f.message, _ = jsonString(inner.Message, "message")
	f.details, _ = jsonString(inner.Details, "details")
	f.message, f.details = strings.TrimSpace(f.message), strings.TrimSpace(f.details)
	return f, true
}

// decodeError is the transport's DecodeError hook: it turns an Identity
// fault into an *mfa.APIError, and returns nil for any other body, so that
// the transport reports the status and a cleaned snippet.
func decodeError(r *transport.Response) *mfa.APIError {
	f, ok := parseFault(r.Body)
	if !ok {
		return nil
	}
	e := &mfa.APIError{
		Code:    f.name,
		Message: r.Redact(f.message),
		Details: r.Redact(f.details),
		Kind:    faultKinds[f.name],
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
