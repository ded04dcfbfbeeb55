package sim

import (
	"fmt"
	"strconv"
)

// FaultKind is what a faulty API answers.
type FaultKind int

const (
	// FaultRateLimit answers the vendor's rate-limit form with a
	// Retry-After header: Huawei 429 APIG.0308, Rackspace 413 overLimit (in
	// the Accept format), ZStack 503 with the transient code SYS.1012
	// (ZStack has no 429).
	FaultRateLimit FaultKind = iota + 1

	// FaultServerError answers Fault.Status (500, 502, 503 or 504; 0 means
	// 503) in the vendor's error envelope, except 502, which is an HTML
	// page from a proxy in front of the API. A 503 that never ends
	// (Count 0) is an API that is down; see Down.
	FaultServerError

	// FaultTruncated answers what the API would have answered, status and
	// headers included, with the body cut in half (Content-Length matches
	// the cut body, so the client reads malformed JSON or XML, not a
	// network error).
	FaultTruncated

	// FaultHTML answers 200 with an HTML page (a captive portal or login
	// page of a proxy) instead of the API's body.
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

// Fault is a misbehaviour injected into one API with API.Inject.
//
// Faults hit every path of the API (unknown paths included) except the
// login and logout paths (Huawei POST /v3/auth/tokens, Rackspace POST
// /v2.0/tokens, ZStack PUT /zstack/v1/accounts/login and DELETE
// /zstack/v1/accounts/sessions/{uuid}), which are spared unless Login is
// set: they neither see the fault nor count towards Count and Every.
// Latency (API.SetLatency) comes first and applies to every path.
//
// Injected faults form a queue: a request meets the first fault of the
// queue only; when that fault has answered Count requests it leaves the
// queue and the next one takes over. A fault with Count 0 stays until
// ClearFaults.
type Fault struct {
	// Kind is what the API answers. It is required.
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

	// Login makes the fault hit login and logout paths too.
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

// Down returns a fault that answers every API request with 503 in the
// vendor's envelope until ClearFaults.
func Down() Fault { return Fault{Kind: FaultServerError, Status: 503} }

// Truncated returns a fault that cuts the body of the next n responses in
// half.
func Truncated(n int) Fault { return Fault{Kind: FaultTruncated, Count: n} }

// HTMLPage returns a fault that answers the next n requests with a 200 HTML
// page.
func HTMLPage(n int) Fault { return Fault{Kind: FaultHTML, Count: n} }

// normalize checks f and fills its defaults.
func (f Fault) normalize() (Fault, error) {
	switch f.Kind {
	case FaultRateLimit:
		if f.RetryAfter == "" {
			f.RetryAfter = "1"
		}
	case FaultServerError:
		switch f.Status {
		case 0:
			f.Status = 503
		case 500, 502, 503, 504:
		default:
			return f, fmt.Errorf("sim: Fault.Status %d is not 500, 502, 503 or 504", f.Status)
		}
	case FaultTruncated, FaultHTML:
	default:
		return f, fmt.Errorf("sim: unknown %v", f.Kind)
	}
	if f.RetryAfter == "-" {
		f.RetryAfter = ""
	}
	if f.Count < 0 {
		f.Count = 0
	}
	if f.Every < 1 {
		f.Every = 1
	}
	return f, nil
}

// faultState is a queued fault and what it has seen.
type faultState struct {
	f    Fault
	seen int
	hits int
}

// Inject adds f to the API's fault queue (see Fault). It panics when f.Kind
// is not a FaultKind or f.Status is not a status a FaultServerError can
// answer: a fault that cannot be honoured is a bug in the test using it.
func (a *API) Inject(f Fault) {
	f, err := f.normalize()
	if err != nil {
		panic(err)
	}
	a.faultMu.Lock()
	a.faults = append(a.faults, &faultState{f: f})
	a.faultCount.Store(int32(len(a.faults)))
	a.faultMu.Unlock()
}

// ClearFaults empties the API's fault queue.
func (a *API) ClearFaults() {
	a.faultMu.Lock()
	a.faults = nil
	a.faultCount.Store(0)
	a.faultMu.Unlock()
}

// nextFault returns the fault that answers this request, if any.
func (a *API) nextFault(login bool) (Fault, bool) {
	if a.faultCount.Load() == 0 {
		return Fault{}, false
	}
	a.faultMu.Lock()
	defer a.faultMu.Unlock()
	if len(a.faults) == 0 {
		return Fault{}, false
	}
	head := a.faults[0]
	if login && !head.f.Login {
		return Fault{}, false
	}
	head.seen++
	if head.seen%head.f.Every != 0 {
		return Fault{}, false
	}
	head.hits++
	if head.f.Count > 0 && head.hits >= head.f.Count {
		a.faults = a.faults[1:]
		a.faultCount.Store(int32(len(a.faults)))
	}
	return head.f, true
}
