package zstack

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"

	"github.com/openmfa/mfa-go/internal/transport"
	"github.com/openmfa/mfa-go/mfa"
)

// maxCauseDepth bounds the nesting of causes kept from one error object:
// each level is decoded again from its own text, so an unbounded chain
// would cost time in the square of its depth.
const maxCauseDepth = 16

// codeKinds maps ZStack's error codes to the sentinel an error matches.
// ZStack answers HTTP 503 to every failed call, so the code decides.
var codeKinds = map[string]error{
	// Transient: retried (idempotent calls) and ErrUnavailable.
	"SYS.1000": mfa.ErrUnavailable, // internal error
	"SYS.1001": mfa.ErrUnavailable, // timeout
	"SYS.1009": mfa.ErrUnavailable, // no route
	"SYS.1010": mfa.ErrUnavailable, // not ready
	"SYS.1011": mfa.ErrUnavailable, // undeliverable
	"SYS.1012": mfa.ErrUnavailable, // management node unavailable
	"SYS.1016": mfa.ErrUnavailable, // I/O error
	"ID.2003":  mfa.ErrUnavailable, // the second-factor server failed

	"SYS.1003": mfa.ErrNotFound,    // resource not found
	"SYS.1007": mfa.ErrBadRequest,  // invalid argument
	"SYS.1008": mfa.ErrUnsupported, // unknown message: the server lacks the API
	"SYS.1013": mfa.ErrUnsupported, // no capability
	"SYS.1014": mfa.ErrUnsupported, // unimplemented operation

	"ID.1000": mfa.ErrUnauthorized, // authentication error
	"ID.1001": mfa.ErrUnauthorized, // invalid or expired session: renewed once
	"ID.2000": mfa.ErrUnauthorized, // second-factor authentication error
	"ID.2001": mfa.ErrUnauthorized, // the account needs a second factor to log in
	"ID.2002": mfa.ErrUnauthorized, // second-factor authentication failed

	"ID.1002": mfa.ErrForbidden, // permission denied
	"ID.1003": mfa.ErrForbidden, // quota exceeded
	"ID.1004": mfa.ErrForbidden, // operation refused by a quota
	"ID.1005": mfa.ErrForbidden, // the password must be changed
	"ID.1006": mfa.ErrForbidden, // too many concurrent sessions
	"ID.1007": mfa.ErrForbidden, // account disabled
}

// kindFor returns the sentinel for a ZStack error code, or nil to let the
// HTTP status decide.
func kindFor(code string, status int) error {
	if k, ok := codeKinds[code]; ok {
		return k
	}
	switch {
	case code == "":
		return nil // not ZStack's coded error: the status says more
	case strings.HasPrefix(code, "SYS."):
		return mfa.ErrBadRequest // an operation failure retrying cannot fix
	case strings.HasPrefix(code, "ID."):
		return mfa.ErrForbidden
	case status == 503 || status >= 200 && status < 300:
		return mfa.ErrBadRequest // another module's operation failure
	default:
		return nil
	}
}

// envelope is what every ZStack reply may carry besides its payload: an
// error (non-null means failure, whatever the status), a success flag (the
// string "false" in newer releases), and the API message id.
type envelope struct {
	Error  *wireError  `json:"error"`
	Failed failureFlag `json:"success"`
	ID     looseString `json:"id"`
}

// failureFlag is a "success" member read as whether the reply failed: the
// boolean false, or the string "false" as ZStack sends it. Any other value
// says nothing.
type failureFlag bool

func (f *failureFlag) UnmarshalJSON(b []byte) error {
	var v any
	_ = transport.UnmarshalJSON(b, &v)
	s, _ := v.(string)
	*f = failureFlag(v == false || strings.EqualFold(strings.TrimSpace(s), "false"))
	return nil
}

// wireError is ZStack's ErrorCode, and its ErrorCodeList's causes. A bare
// string (or any value that is not an object) is read as its description.
// The causes are kept as text and decoded level by level, as deep as
// maxCauseDepth.
type wireError struct {
	Code        looseString       `json:"code"`
	Description looseString       `json:"description"`
	Details     looseString       `json:"details"`
	Elaboration looseString       `json:"elaboration"`
	Cause       json.RawMessage   `json:"cause"`
	Causes      []json.RawMessage `json:"causes"`
}

func (w *wireError) UnmarshalJSON(b []byte) error {
	if b[0] != '{' {
		return w.Description.UnmarshalJSON(b)
	}
	type fields wireError // without this method
	return transport.UnmarshalJSON(b, (*fields)(w))
}

// failure returns the error a reply reports (a non-null "error", or a
// "success" of false), without provider or status, or nil.
func (env *envelope) failure(r *transport.Response) *mfa.APIError {
	var e *mfa.APIError
	switch {
	case env.Error != nil:
		e = env.Error.apiError(r, r.StatusCode, 0)
	case bool(env.Failed):
		e = &mfa.APIError{Message: "the reply says success is false, and carries no error"}
	default:
		return nil
	}
	if id := string(env.ID); printable(id) {
		e.RequestID = r.Redact(id)
	}
	return e
}

// apiError turns an error object into an *mfa.APIError, with its causes
// (which have no status and match no sentinel) in Causes: cause first,
// then causes in order.
func (w *wireError) apiError(r *transport.Response, status, depth int) *mfa.APIError {
	text := func(s looseString) string { return r.Redact(strings.TrimSpace(string(s))) }
	e := &mfa.APIError{
		Code:    strings.TrimSpace(string(w.Code)),
		Message: text(w.Description),
		Details: text(w.Details),
	}
	if elab := text(w.Elaboration); elab != "" && elab != e.Details && elab != e.Message {
		if e.Details == "" {
			e.Details = elab
		} else {
			e.Details += "; " + elab
		}
	}
	if e.Message == "" {
		e.Message, e.Details = e.Details, ""
	}
	if e.Message == "" && e.Code == "" {
		e.Message = "the reply carries an error without code or description"
	}
	if depth == 0 {
		e.Kind = kindFor(e.Code, status)
	}
	if depth+1 >= maxCauseDepth {
		return e
	}
	for _, raw := range append([]json.RawMessage{w.Cause}, w.Causes...) {
		var cause *wireError
		if transport.UnmarshalJSON(raw, &cause) == nil && cause != nil {
			e.Causes = append(e.Causes, cause.apiError(r, 0, depth+1))
		}
	}
	return e
}

// looseString reads a JSON string as itself, null as "", and any other
// value as its compact JSON text (cut at 512 bytes): an error field of an
// unexpected type still tells something.
type looseString string

func (s *looseString) UnmarshalJSON(b []byte) error {
	switch b[0] {
	case 'n':
		*s = ""
	case '"':
		return transport.UnmarshalJSON(b, (*string)(s))
	default:
		var buf bytes.Buffer
		_ = json.Compact(&buf, b)
		text := buf.String()
		if len(text) > 512 {
			text = strings.ToValidUTF8(text[:512], "") + "..."
		}
		*s = looseString(text)
	}
	return nil
}

// decodeError is the transport's DecodeError hook: it reads ZStack's error
// object (or a bare "success":"false") from a reply that is not a success.
// Any other body (the plain-text 400 and 401 of the REST layer, a proxy's
// HTML, a page of secrets cut short) gives nil, so that the transport
// quotes it, seeds removed.
func decodeError(r *transport.Response) *mfa.APIError {
	var env envelope
	if r.DecodeJSON(&env) == nil {
		if e := env.failure(r); e != nil {
			return e
		}
	}
	return nil
}

// envelopeError returns the failure a reply of any status reports, with
// the Client's name and the reply's status, or nil.
func (c *Client) envelopeError(r *transport.Response, env *envelope) error {
	e := env.failure(r)
	if e == nil {
		return nil
	}
	e.Provider = c.name
	e.StatusCode = r.StatusCode
	if e.RequestID == "" {
		e.RequestID = r.RequestID()
	}
	if e.Kind == nil && r.StatusCode >= 200 && r.StatusCode < 300 {
		e.Kind = mfa.ErrInvalidResponse // a success status that says failure, and no code
	}
	return e
}

// memberKey matches a JSON string followed by a colon: a member's key,
// short enough to read "secret" with every letter escaped.
var memberKey = regexp.MustCompile(`"(?:[^"\\]|\\.){1,36}"[ \t\r\n]*:[ \t\r\n]*`)

// redactSecretValues returns body with the value of every member whose key
// reads "secret" replaced by "[REDACTED]": the transport's RedactBody, so
// that no error quotes a seed. A
// key matches as encoding/json matches field names: under Unicode case
// folding, escaped or not ("SECRET", "s\u0065cret"). The body need not be
// valid JSON: every quoted string followed by a colon is looked at, even
// inside what a parser would take for another string, since a body that
// does not decode is exactly the one to be careful with; and a value that
// does not decode (cut short, say) runs to the end of the body.
func redactSecretValues(body []byte) []byte {
	var out []byte
	copied := 0
	for at := 0; at < len(body); {
		m := memberKey.FindIndex(body[at:])
		if m == nil {
			break
		}
		keyStart, valueStart := at+m[0], at+m[1]
		at = keyStart + 1 // the next key may start inside this one
		key := bytes.TrimRight(body[keyStart:valueStart], " \t\r\n:")
		var name string
		if valueStart == len(body) || json.Unmarshal(key, &name) != nil || !strings.EqualFold(name, "secret") {
			continue
		}
		valueEnd := len(body)
		dec := json.NewDecoder(bytes.NewReader(body[valueStart:]))
		if dec.Decode(new(json.RawMessage)) == nil {
			// A value is whole where a member or the body may end: 12AB is no number.
			end := valueStart + int(dec.InputOffset())
			if next := bytes.TrimLeft(body[end:], " \t\r\n"); len(next) == 0 || bytes.IndexByte([]byte(",}]"), next[0]) >= 0 {
				valueEnd = end
			}
		}
		out = append(append(out, body[copied:valueStart]...), `"`+mfa.Redacted+`"`...)
		copied, at = valueEnd, valueEnd
	}
	if out == nil {
		return body
	}
	return append(out, body[copied:]...)
}
