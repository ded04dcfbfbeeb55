package zstack

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/openmfa/mfa-go/internal/transport"
	"github.com/openmfa/mfa-go/mfa"
)

// maxCauseDepth bounds the chain of causes kept from one error object.
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

// decodeError is the transport's DecodeError hook: it reads ZStack's error
// object (or a bare "success":"false") from a reply that is not a success.
// Any other body that may hold TOTP seeds (a page of secrets, whole or
// cut short) is quoted with their values removed. The rest (the plain-text
// 400 and 401 of the REST layer, a proxy's HTML) gives nil, so that the
// transport quotes it.
func decodeError(r *transport.Response) *mfa.APIError {
	body := bytes.TrimSpace(r.Body)
	if len(body) > 0 && body[0] == '{' {
		var env envelope
		if json.Unmarshal(body, &env) == nil {
			if e := errorFrom(r, env); e != nil {
				return e
			}
		}
	}
	if redacted, ok := redactSecretValues(body); ok {
		return &mfa.APIError{Message: transport.Snippet(redacted, nil)}
	}
	return nil
}

// envelopeError returns the failure a reply of any status reports, with
// the Client's name and the reply's status, or nil.
func (c *Client) envelopeError(r *transport.Response, env envelope) *mfa.APIError {
	e := errorFrom(r, env)
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

// errorFrom builds the error a reply reports: a non-null "error", or a
// "success" of false (the string, as ZStack sends it, or the boolean).
func errorFrom(r *transport.Response, env envelope) *mfa.APIError {
	var e *mfa.APIError
	switch {
	case !isNull(env.Error):
		e = errorObject(r, env.Error, r.StatusCode, 0)
	case failed(env.Success):
		e = &mfa.APIError{Message: "the reply says success is false, and carries no error"}
	default:
		return nil
	}
	var id string
	if json.Unmarshal(env.ID, &id) == nil && printable(id) {
		e.RequestID = r.Redact(id)
	}
	return e
}

func failed(success json.RawMessage) bool {
	var s any
	if json.Unmarshal(success, &s) != nil {
		return false
	}
	switch v := s.(type) {
	case bool:
		return !v
	case string:
		return strings.EqualFold(strings.TrimSpace(v), "false")
	}
	return false
}

// wireError is ZStack's ErrorCode. Its text fields are read leniently: a
// number or an object where a string belongs still tells something.
type wireError struct {
	Code        looseString     `json:"code"`
	Description looseString     `json:"description"`
	Details     looseString     `json:"details"`
	Elaboration looseString     `json:"elaboration"`
	Cause       json.RawMessage `json:"cause"`
}

// errorObject turns an error object into an *mfa.APIError, its cause
// chain included (nested causes have no status and match no sentinel).
func errorObject(r *transport.Response, raw json.RawMessage, status, depth int) *mfa.APIError {
	raw = bytes.TrimSpace(raw)
	var w wireError
	if len(raw) == 0 || raw[0] != '{' || json.Unmarshal(raw, &w) != nil {
		// Not an object: keep whatever it says as the message.
		var s looseString
		_ = s.UnmarshalJSON(raw)
		w = wireError{Description: s}
	}
	e := &mfa.APIError{
		Code:    strings.TrimSpace(string(w.Code)),
		Message: r.Redact(strings.TrimSpace(string(w.Description))),
		Details: r.Redact(strings.TrimSpace(string(w.Details))),
	}
	if elab := r.Redact(strings.TrimSpace(string(w.Elaboration))); elab != "" && elab != e.Details && elab != e.Message {
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
	if !isNull(w.Cause) && depth+1 < maxCauseDepth {
		e.Cause = errorObject(r, w.Cause, 0, depth+1)
	}
	return e
}

// looseString reads a JSON string as itself, null as "", and any other
// value as its compact JSON text (cut at 512 bytes).
type looseString string

func (s *looseString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case isNull(b):
		*s = ""
	case b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = looseString(v)
	default:
		var buf bytes.Buffer
		if json.Compact(&buf, b) != nil {
			buf.Reset()
			buf.Write(b)
		}
		text := buf.String()
		if len(text) > 512 {
			text = strings.ToValidUTF8(text[:512], "") + "..."
		}
		*s = looseString(text)
	}
	return nil
}
