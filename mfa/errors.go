package mfa

import (
	"errors"
	"strconv"
	"strings"
)

// The sentinel errors. Every error a client returns for a failed call
// matches exactly one of them with errors.Is (or a context error, when the
// caller's context ended the call).
var (
	// ErrNotFound: the user or device does not exist (HTTP 404, or the
	// vendor's not-found code).
	ErrNotFound = errors.New("not found")
	// ErrUnauthorized: the credentials were refused (HTTP 401), after one
	// renewal where the client can renew them.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrForbidden: the credentials are valid but lack permission (HTTP 403).
	ErrForbidden = errors.New("forbidden")
	// ErrRateLimited: the server asked the client to slow down (HTTP 429 or
	// 413), and the retries allowed by the client's RetryPolicy ran out.
	ErrRateLimited = errors.New("rate limited")
	// ErrUnavailable: the server failed (HTTP 5xx) or could not be reached.
	ErrUnavailable = errors.New("service unavailable")
	// ErrBadRequest: the request was refused as malformed (HTTP 400 and
	// other 4xx), or was refused before sending because an argument, such
	// as an empty or control-character id, cannot be valid.
	ErrBadRequest = errors.New("bad request")
	// ErrUnsupported: the API or server does not offer the operation
	// (HTTP 405, or the vendor's unimplemented code).
	ErrUnsupported = errors.New("unsupported")
	// ErrInvalidResponse: the server answered with a body that is not what
	// its API promises (HTML from a proxy, truncated or mistyped JSON or
	// XML, an empty or oversized body).
	ErrInvalidResponse = errors.New("invalid response")
	// ErrUnknownProvider: a Directory was asked for a provider name it does
	// not hold.
	ErrUnknownProvider = errors.New("unknown provider")
)

// APIError is a failure the server reported, decoded from the vendor's
// error envelope, or a response the client could not use.
//
// It matches exactly one sentinel with errors.Is: Kind when set, else the
// one StatusFor gives for StatusCode. Unwrap returns Causes, so errors.Is
// and errors.As reach every sub-error the vendor sent (ZStack's cause and
// causes, Huawei's details); the causes carry no StatusCode and match no
// sentinel themselves.
type APIError struct {
	// Provider is the Name of the provider that made the call.
	Provider string
	// StatusCode is the HTTP status of the response (0 for a nested cause).
	StatusCode int
	// Code is the vendor's error code: "IAM.0004", "WKS.0001", "APIGW.0301",
	// "itemNotFound", "SYS.1000", ... ("" when the body had none).
	Code string
	// Message is the vendor's message, or a cleaned snippet of a body that
	// was not an error envelope. Secrets are removed.
	Message string
	// Details is the vendor's longer explanation, where it sends one
	// (Rackspace details, ZStack details).
	Details string
	// RequestID is the vendor's request id, from the body or a header.
	RequestID string
	// EncodedAuthorizationMessage is Huawei's encrypted reason for a
	// refusal, to be decoded with the STS decode-authorization-message API.
	EncodedAuthorizationMessage string
	// Kind is the sentinel this error matches, set where the vendor's code
	// says more than the status (ZStack answers 503 to every failed query).
	// When nil, StatusFor(StatusCode) decides.
	Kind error
	// Causes are the vendor's underlying errors, where it sends them
	// (ZStack's cause and causes, Huawei's details), in the vendor's order.
	Causes []error
}

// Error returns "<provider>: HTTP <status> <code>: <message> (...)".
func (e *APIError) Error() string {
	var b strings.Builder
	if e.Provider != "" {
		b.WriteString(e.Provider)
		b.WriteString(": ")
	}
	if e.StatusCode != 0 {
		b.WriteString("HTTP ")
		b.WriteString(strconv.Itoa(e.StatusCode))
	}
	if e.Code != "" {
		if e.StatusCode != 0 {
			b.WriteByte(' ')
		}
		b.WriteString(e.Code)
	}
	if e.Message != "" {
		if e.StatusCode != 0 || e.Code != "" {
			b.WriteString(": ")
		}
		b.WriteString(e.Message)
	}
	if e.Details != "" && e.Details != e.Message {
		b.WriteString(" (")
		b.WriteString(e.Details)
		b.WriteByte(')')
	}
	if e.RequestID != "" {
		b.WriteString(" [request id ")
		b.WriteString(e.RequestID)
		b.WriteByte(']')
	}
	first := true
	for _, cause := range e.Causes {
		if cause == nil {
			continue // Causes is exported: a caller may leave a hole in it
		}
		if first {
			b.WriteString(": caused by ")
			first = false
		} else {
			b.WriteString("; and by ")
		}
		b.WriteString(cause.Error())
	}
	return b.String()
}

// Is reports whether target is the one sentinel e matches.
func (e *APIError) Is(target error) bool {
	kind := e.Kind
	if kind == nil {
		kind = StatusFor(e.StatusCode)
	}
	return kind != nil && target == kind
}

// Unwrap returns the vendor's underlying errors, or nil.
func (e *APIError) Unwrap() []error { return e.Causes }

// StatusFor returns the sentinel an HTTP status maps to: 400 and other 4xx
// ErrBadRequest, 401 ErrUnauthorized, 403 ErrForbidden, 404 ErrNotFound,
// 405 ErrUnsupported, 413 and 429 ErrRateLimited, 5xx ErrUnavailable, and
// any other status that reaches an error (1xx, 2xx, 3xx) ErrInvalidResponse.
// It returns nil for 0, the status of a nested cause.
func StatusFor(status int) error {
	switch {
	case status == 0:
		return nil
	case status == 400:
		return ErrBadRequest
	case status == 401:
		return ErrUnauthorized
	case status == 403:
		return ErrForbidden
	case status == 404:
		return ErrNotFound
	case status == 405:
		return ErrUnsupported
	case status == 413 || status == 429:
		return ErrRateLimited
	case status >= 400 && status < 500:
		return ErrBadRequest
	case status >= 500 && status < 600:
		return ErrUnavailable
	default:
		return ErrInvalidResponse
	}
}

// LookupError is the error a Directory yields for one provider and user, so
// a report can say whose devices are missing. It wraps the provider's error.
type LookupError struct {
	Provider string // the provider's Name
	UserID   string // "" for a provider-wide listing
	DeviceID string // "" unless one device was asked for
	Err      error
}

// Error returns `provider "p" user "u": <the provider's error>`.
func (e *LookupError) Error() string {
	var b strings.Builder
	b.WriteString("provider ")
	b.WriteString(strconv.Quote(e.Provider))
	if e.UserID != "" {
		b.WriteString(" user ")
		b.WriteString(strconv.Quote(e.UserID))
	}
	if e.DeviceID != "" {
		b.WriteString(" device ")
		b.WriteString(strconv.Quote(e.DeviceID))
	}
	b.WriteString(": ")
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the provider's error.
func (e *LookupError) Unwrap() error { return e.Err }
