package mfatest

import "strconv"

// FaultKind is what a faulty test server answers.
type FaultKind int

const (
	// FaultRateLimit answers the vendor's rate-limit form with a
	// Retry-After header: Huawei 429 APIG.0308, Rackspace 413 overLimit (in
	// the format the request accepts), ZStack 503 with the transient code
	// SYS.1012 (ZStack has no 429).
	FaultRateLimit FaultKind = iota + 1

	// FaultServerError answers Fault.Status (500, 502, 503 or 504; 0 means
	// 503) in the vendor's error envelope, except 502, which is an HTML
	// page from a proxy in front of the API. A 503 that never ends
	// (Count 0) is an API that is down; see Down.
	FaultServerError

	// FaultTruncated answers what the server would have answered, status
	// and headers included, with the body cut in half. Content-Length
	// matches the cut body, so a client reads malformed JSON or XML rather
	// than a network error.
	FaultTruncated

	// FaultHTML answers 200 with an HTML page (the login page of a proxy
	// or a captive portal) instead of the API's body.
	FaultHTML
)

// String returns the constant's name, such as "FaultRateLimit".
func (k FaultKind) String() string {
	switch k {
	case FaultRateLimit:
		return "FaultRateLimit"
	case FaultServerError:
		return "FaultServerError"
	case FaultTruncated:
		return "FaultTruncated"
	case FaultHTML:
		return "FaultHTML"
	}
	return "FaultKind(" + strconv.Itoa(int(k)) + ")"
}

// Fault is a misbehaviour injected into a test server of this module
// (huaweiiamtest, rackspacetest, zstacktest) with its Inject method. Each
// server answers it in its vendor's form.
//
// A fault hits every path (unknown paths included) except login and
// logout (Huawei POST /v3/auth/tokens, Rackspace POST /v2.0/tokens,
// ZStack PUT /zstack/v1/accounts/login and DELETE
// /zstack/v1/accounts/sessions/{uuid}), which are spared unless Login is
// set: a spared request neither sees the fault nor counts towards Count
// and Every. A server's latency comes first and applies to every path.
//
// Injected faults form a queue: a request meets the first fault of the
// queue only; once that fault has answered Count requests it leaves the
// queue and the next one takes over. A fault with Count 0 stays until
// ClearFaults.
type Fault struct {
	// Kind is what the server answers. It is required.
	Kind FaultKind

	// Status is the HTTP status of a FaultServerError: 500, 502, 503 or
	// 504. 0 means 503. Other kinds ignore it.
	Status int

	// Count is how many requests the fault answers; 0 (or less) means every
	// request until ClearFaults.
	Count int

	// Every makes the fault answer only every Every-th request it sees (the
	// Every-th, the 2·Every-th, ...); the requests in between are served
	// normally. 0 or 1 means every request. Count counts answered requests
	// only.
	Every int

	// RetryAfter is the Retry-After header value: a number of seconds
	// ("2") or an HTTP date (time.Format(http.TimeFormat)). For
	// FaultRateLimit "" means "1"; for FaultServerError "" means no header.
	// "-" means no header in both cases.
	RetryAfter string

	// Login makes the fault hit login and logout too.
	Login bool
}

// RateLimit returns a fault that answers the next n requests (every request
// until ClearFaults when n is 0) with the vendor's rate-limit form and a
// Retry-After header of retryAfter ("" means "1").
func RateLimit(n int, retryAfter string) Fault {
	return Fault{Kind: FaultRateLimit, Count: n, RetryAfter: retryAfter}
}

// ServerErrors returns a fault that answers the next n requests with status
// (500, 502, 503 or 504) in the vendor's form.
func ServerErrors(n, status int) Fault {
	return Fault{Kind: FaultServerError, Count: n, Status: status}
}

// Down returns a fault that answers every request but login with 503 in
// the vendor's envelope until ClearFaults.
func Down() Fault { return Fault{Kind: FaultServerError, Status: 503} }

// Truncated returns a fault that cuts the body of the next n responses in
// half.
func Truncated(n int) Fault { return Fault{Kind: FaultTruncated, Count: n} }

// HTMLPage returns a fault that answers the next n requests with a 200 HTML
// page.
func HTMLPage(n int) Fault { return Fault{Kind: FaultHTML, Count: n} }
