package huaweiiam

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/openmfa/mfa-go/internal/transport"
	"github.com/openmfa/mfa-go/mfa"
)

// The longest text an error copies from a body, per field.
const (
	maxCodeBytes    = 64
	maxMessageBytes = 1024
	maxIDBytes      = 128
)

// How much of "details" an error keeps: the first maxCauses sub-errors of
// each level, maxCauseDepth levels deep. Huawei sends a handful, one level
// deep; a body of thousands, or nested thousands deep, would otherwise
// make an error of megabytes, and cost time in the square of its depth.
const (
	maxCauses     = 8
	maxCauseDepth = 3
)

// flexString reads a JSON string or number as text and ignores any other
// value (null, an object, an array, a boolean), so that an envelope with a
// field of an unexpected type still decodes.
type flexString string

// UnmarshalJSON keeps a string or number and ignores any other value.
func (f *flexString) UnmarshalJSON(b []byte) error {
	switch c := b[0]; {
	case c == '"':
		return transport.UnmarshalJSON(b, (*string)(f))
	case c == '-' || '0' <= c && c <= '9':
		*f = flexString(b)
	}
	return nil
}

// errorBody is one Huawei error body. The same fields, but "error", read
// its nested "error" object; "details" are read as errorList:
//
//	{"error_code":"WKS.0001","error_msg":"...","encoded_authorization_message":"..."}
//	{"error_code":"APIGW.0301","error_msg":"...","request_id":"..."}
//	{"code":"WKS.0004","message":"...","details":[{"code":"...","message":"..."}]}
//	{"error":{"code":401,"message":"...","title":"Unauthorized"}}
type errorBody struct {
	innerError
	EncodedAuthorizationMessage flexString  `json:"encoded_authorization_message"`
	Error                       nestedError `json:"error"`
}

// innerError is the nested "error" object. It has no "error" of its own:
// only the outer one is read, so that a chain of them nested costs one
// pass over the body, not one a level.
type innerError struct {
	ErrorCode flexString `json:"error_code"`
	ErrorMsg  flexString `json:"error_msg"`
	Code      flexString `json:"code"`
	Message   flexString `json:"message"`
	Title     flexString `json:"title"`
	RequestID flexString `json:"request_id"`
	Details   errorList  `json:"details"`
}

// nestedError is "error": Keystone's object (or Huawei's own fields nested
// in one), or a bare string.
type nestedError struct {
	body *innerError
	text string
}

// UnmarshalJSON reads an object or a string and ignores any other value.
func (n *nestedError) UnmarshalJSON(b []byte) error {
	switch b[0] {
	case '{':
		n.body = new(innerError)
		return transport.UnmarshalJSON(b, n.body)
	case '"':
		return transport.UnmarshalJSON(b, &n.text)
	}
	return nil
}

// errorList is "details": sub-errors. Items that are not objects, or a
// value that is not a list, are ignored rather than losing the envelope.
type errorList []detail

// UnmarshalJSON reads the objects of a list.
func (l *errorList) UnmarshalJSON(b []byte) error {
	if b[0] == '[' {
		_ = transport.UnmarshalJSON(b, (*[]detail)(l)) // a wrong item is left zero, and skipped
	}
	return nil
}

// detail is one of "details". Its own details are kept as text, decoded
// by causes only as deep as maxCauseDepth: decoded here, each level would
// decode again all the levels under it.
type detail struct {
	ErrorCode flexString      `json:"error_code"`
	ErrorMsg  flexString      `json:"error_msg"`
	Code      flexString      `json:"code"`
	Message   flexString      `json:"message"`
	Details   json.RawMessage `json:"details"`
}

// decodeError is the transport's DecodeError hook for both APIs. It reads
// every Huawei error envelope; for a body that is none of them (HTML from a
// proxy, empty, truncated) it returns nil, and the transport makes an
// *mfa.APIError from the status and a cleaned snippet.
func decodeError(r *transport.Response) *mfa.APIError {
	if b := bytes.TrimSpace(r.Body); len(b) == 0 || b[0] != '{' {
		return nil // not JSON: no decoding error to make
	}
	var e errorBody
	// Not r.DecodeJSON: its error, which quotes the body, is not wanted.
	if transport.UnmarshalJSON(r.Body, &e) != nil {
		return nil
	}
	code, msg, reqID := string(e.ErrorCode), string(e.ErrorMsg), string(e.RequestID)
	if code == "" && msg == "" && e.Code != "" {
		// The SDK's other form. A "message" without a code is no Huawei
		// envelope: proxies and gateways of all kinds send those.
		code, msg = string(e.Code), string(e.Message)
	}
	details := e.Details
	if k := e.Error.body; k != nil {
		switch {
		case k.ErrorCode != "":
			code = string(k.ErrorCode)
		case k.Title != "":
			code = string(k.Title)
		case k.Code != "":
			code = string(k.Code)
		}
		if msg == "" {
			msg = string(k.Message)
		}
		if msg == "" {
			msg = string(k.ErrorMsg)
		}
		if reqID == "" {
			reqID = string(k.RequestID)
		}
		details = append(details, k.Details...)
	} else if msg == "" {
		msg = e.Error.text
	}
	code = clean(r, code, maxCodeBytes)
	if msg = strings.TrimSpace(msg); code == "" && msg == "" {
		return nil
	}
	causes, note := causes(r, details, 1)
	return &mfa.APIError{
		Code:                        code,
		Message:                     withNote(r, msg, note),
		RequestID:                   clean(r, reqID, maxIDBytes),
		EncodedAuthorizationMessage: cut(r.Redact(string(e.EncodedAuthorizationMessage)), 4*maxMessageBytes),
		Kind:                        kindOf(code),
		Causes:                      causes,
	}
}

// causes returns the sub-errors of "details", level depth, as
// *mfa.APIError values with their code and message (error_code and
// error_msg, else code and message) and their own details. They carry no
// status: they match no sentinel. Past maxCauses, or below maxCauseDepth,
// the details are left out, and leftOut says so for the error above.
func causes(r *transport.Response, details errorList, depth int) (out []error, leftOut string) {
	for i, d := range details {
		if len(out) == maxCauses {
			return out, strconv.Itoa(len(details)-i) + " more details left out"
		}
		code, msg := d.ErrorCode, d.ErrorMsg
		if code == "" && msg == "" {
			code, msg = d.Code, d.Message
		}
		var sub []error
		var note string
		if len(d.Details) > 0 && d.Details[0] == '[' {
			if depth < maxCauseDepth {
				var list errorList
				_ = list.UnmarshalJSON(d.Details)
				sub, note = causes(r, list, depth+1)
			} else if bytes.IndexByte(d.Details, '{') >= 0 {
				note = "its details left out"
			}
		}
		e := &mfa.APIError{
			Code:    clean(r, string(code), maxCodeBytes),
			Message: withNote(r, string(msg), note),
			Causes:  sub,
		}
		if e.Code != "" || e.Message != "" || e.Causes != nil {
			out = append(out, e)
		}
	}
	return out, ""
}

// withNote returns msg as clean does, followed by note, what was left
// out, when there is one; msg is cut the shorter for it, so that the
// whole keeps to maxMessageBytes (and the "..." of a cut).
func withNote(r *transport.Response, msg, note string) string {
	if note == "" {
		return clean(r, msg, maxMessageBytes)
	}
	if msg = clean(r, msg, maxMessageBytes-len(note)-3); msg == "" {
		return "(" + note + ")"
	}
	return msg + " (" + note + ")"
}

// clean returns a text from the body fit for an error: trimmed, its
// secrets removed, then cut to n bytes. Redacted after the cut, a secret
// the cut ran through would no longer be found, and its start would stay.
func clean(r *transport.Response, s string, n int) string {
	if s = strings.TrimSpace(s); s == "" {
		return ""
	}
	return cut(r.Redact(s), n)
}

// kindOf returns the sentinel a Huawei error code stands for where it says
// more than the HTTP status, or nil to let the status decide. Codes are
// compared without regard to case ("Iam.0004" is IAM.0004).
func kindOf(code string) error {
	switch strings.ToUpper(code) {
	case "APIG.0308", "APIGW.0308": // throttled: wait and retry
		return mfa.ErrRateLimited
	case "APIG.0301", "APIGW.0301", // incorrect IAM authentication information
		"APIG.0307", "APIGW.0307": // the token must be renewed
		return mfa.ErrUnauthorized
	case "APIG.0101", "APIGW.0101": // the API does not exist at this endpoint
		return mfa.ErrUnsupported
	case "IAM.0004":
		return mfa.ErrNotFound
	case "IAM.0002", "IAM.0003":
		return mfa.ErrForbidden
	case "IAM.0007", "IAM.0011":
		return mfa.ErrBadRequest
	case "IAM.0006":
		return mfa.ErrUnavailable
	}
	return nil
}

// cut returns s cut to at most n bytes on a rune boundary, control
// characters replaced by spaces, with "..." when something was cut.
func cut(s string, n int) string {
	if strings.IndexFunc(s, unicode.IsControl) >= 0 || !utf8.ValidString(s) {
		s = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) || r == utf8.RuneError {
				return ' '
			}
			return r
		}, strings.ToValidUTF8(s, "\uFFFD"))
	}
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "..."
}
