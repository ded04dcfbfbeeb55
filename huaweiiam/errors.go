package huaweiiam

import (
	"bytes"
	"encoding/json"
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
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil
	}
	switch c := b[0]; {
	case c == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
	case c == '-' || '0' <= c && c <= '9':
		*f = flexString(b)
	}
	return nil
}

// errorEnvelope is the union of Huawei's error bodies:
//
//	{"error_code":"WKS.0001","error_msg":"...","encoded_authorization_message":"..."}
//	{"error_code":"IAM.0004","error_msg":"..."}
//	{"error_code":"APIGW.0301","error_msg":"...","request_id":"..."}
//	{"error":{"code":401,"message":"...","title":"Unauthorized"}}
type errorEnvelope struct {
	ErrorCode                   flexString      `json:"error_code"`
	ErrorMsg                    flexString      `json:"error_msg"`
	EncodedAuthorizationMessage flexString      `json:"encoded_authorization_message"`
	RequestID                   flexString      `json:"request_id"`
	Error                       json.RawMessage `json:"error"`
}

// keystoneError is the "error" object of Keystone-style bodies; some
// services nest Huawei's own error_code and error_msg in it instead.
type keystoneError struct {
	Code      flexString `json:"code"`
	Message   flexString `json:"message"`
	Title     flexString `json:"title"`
	ErrorCode flexString `json:"error_code"`
	ErrorMsg  flexString `json:"error_msg"`
	RequestID flexString `json:"request_id"`
}

// decodeError is the transport's DecodeError hook for both APIs. It reads
// every Huawei error envelope; for a body that is none of them (HTML from a
// proxy, empty, truncated) it returns nil, and the transport makes an
// *mfa.APIError from the status and a cleaned snippet.
func decodeError(r *transport.Response) *mfa.APIError {
	body := bytes.TrimSpace(r.Body)
	if len(body) == 0 || body[0] != '{' {
		return nil
	}
	var env errorEnvelope
	if json.Unmarshal(body, &env) != nil {
		return nil
	}
	code, msg, reqID := string(env.ErrorCode), string(env.ErrorMsg), string(env.RequestID)
	if raw := bytes.TrimSpace(env.Error); len(raw) > 0 {
		switch raw[0] {
		case '{':
			var k keystoneError
			if json.Unmarshal(raw, &k) == nil {
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
			}
		case '"':
			var s string
			if json.Unmarshal(raw, &s) == nil && msg == "" {
				msg = s
			}
		}
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
		EncodedAuthorizationMessage: r.Redact(cut(string(env.EncodedAuthorizationMessage), 4*maxMessageBytes)),
		Kind:                        kindOf(code),
	}
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
