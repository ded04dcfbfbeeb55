package huaweiiam

import (
	"bytes"
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

// errorBody is one Huawei error object. The same fields read the body, its
// nested "error" object and each of its "details":
//
//	{"error_code":"WKS.0001","error_msg":"...","encoded_authorization_message":"..."}
//	{"error_code":"APIGW.0301","error_msg":"...","request_id":"..."}
//	{"code":"WKS.0004","message":"...","details":[{"code":"...","message":"..."}]}
//	{"error":{"code":401,"message":"...","title":"Unauthorized"}}
type errorBody struct {
	ErrorCode                   flexString  `json:"error_code"`
	ErrorMsg                    flexString  `json:"error_msg"`
	Code                        flexString  `json:"code"`
	Message                     flexString  `json:"message"`
	Title                       flexString  `json:"title"`
	RequestID                   flexString  `json:"request_id"`
	EncodedAuthorizationMessage flexString  `json:"encoded_authorization_message"`
	Error                       nestedError `json:"error"`
	Details                     errorList   `json:"details"`
}

// nestedError is "error": Keystone's object (or Huawei's own fields nested
// in one), or a bare string.
type nestedError struct {
	body *errorBody
	text string
}

// UnmarshalJSON reads an object or a string and ignores any other value.
func (n *nestedError) UnmarshalJSON(b []byte) error {
	switch b[0] {
	case '{':
		n.body = new(errorBody)
		return transport.UnmarshalJSON(b, n.body)
	case '"':
		return transport.UnmarshalJSON(b, &n.text)
	}
	return nil
}

// errorList is "details": sub-errors. Items that are not objects, or a
// value that is not a list, are ignored rather than losing the envelope.
type errorList []errorBody

// UnmarshalJSON reads the objects of a list.
func (l *errorList) UnmarshalJSON(b []byte) error {
	if b[0] == '[' {
		_ = transport.UnmarshalJSON(b, (*[]errorBody)(l)) // a wrong item is left zero, and skipped
	}
	return nil
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
	if r.DecodeJSON(&e) != nil {
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
	code = cut(strings.TrimSpace(code), maxCodeBytes)
	msg = cut(strings.TrimSpace(msg), maxMessageBytes)
	if code == "" && msg == "" {
		return nil
	}
	return &mfa.APIError{
		Code:                        code,
		Message:                     msg,
		RequestID:                   cut(strings.TrimSpace(reqID), maxIDBytes),
		EncodedAuthorizationMessage: cut(string(e.EncodedAuthorizationMessage), 4*maxMessageBytes),
		Kind:                        kindOf(code),
		Causes:                      causes(details),
	}
}

// causes returns the sub-errors of "details" as *mfa.APIError values with
// their code and message (error_code and error_msg, else code and message)
// and their own details. They carry no status: they match no sentinel.
func causes(details errorList) []error {
	var out []error
	for _, d := range details {
		code, msg := d.ErrorCode, d.ErrorMsg
		if code == "" && msg == "" {
			code, msg = d.Code, d.Message
		}
		e := &mfa.APIError{
			Code:    cut(strings.TrimSpace(string(code)), maxCodeBytes),
			Message: cut(strings.TrimSpace(string(msg)), maxMessageBytes),
			Causes:  causes(d.Details),
		}
		if e.Code != "" || e.Message != "" || e.Causes != nil {
			out = append(out, e)
		}
	}
	return out
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
