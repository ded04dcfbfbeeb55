package sim

import (
	"fmt"

	"github.com/openmfa/mfa-go/mfa/mfatest"
)

// normalizeFault checks f and fills its defaults.
func normalizeFault(f mfatest.Fault) (mfatest.Fault, error) {
	switch f.Kind {
	case mfatest.FaultRateLimit:
		if f.RetryAfter == "" {
			f.RetryAfter = "1"
		}
	case mfatest.FaultServerError:
		switch f.Status {
		case 0:
			f.Status = 503
		case 500, 502, 503, 504:
		default:
			return f, fmt.Errorf("mfatest.Fault: Status %d is not 500, 502, 503 or 504", f.Status)
		}
	case mfatest.FaultTruncated, mfatest.FaultHTML:
	default:
		return f, fmt.Errorf("mfatest.Fault: unknown %v", f.Kind)
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
	f    mfatest.Fault
	seen int
	hits int
}

// Inject adds f to the API's fault queue (see mfatest.Fault). It panics
// when f.Kind is not a FaultKind or f.Status is not a status a
// FaultServerError can answer: a fault that cannot be honoured is a bug in
// the test using it.
func (a *API) Inject(f mfatest.Fault) {
	f, err := normalizeFault(f)
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
func (a *API) nextFault(login bool) (mfatest.Fault, bool) {
	if a.faultCount.Load() == 0 {
		return mfatest.Fault{}, false
	}
	a.faultMu.Lock()
	defer a.faultMu.Unlock()
	if len(a.faults) == 0 {
		return mfatest.Fault{}, false
	}
	head := a.faults[0]
	if login && !head.f.Login {
		return mfatest.Fault{}, false
	}
	head.seen++
	if head.seen%head.f.Every != 0 {
		return mfatest.Fault{}, false
	}
	head.hits++
	if head.f.Count > 0 && head.hits >= head.f.Count {
		a.faults = a.faults[1:]
		a.faultCount.Store(int32(len(a.faults)))
	}
	return head.f, true
}
