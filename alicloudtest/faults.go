package alicloudtest

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

// FaultKind is what an injected fault does to a request.
type FaultKind int

// The kinds of fault. All but FaultDropAfterAction strike after the request
// is read but before it is authenticated, so the request leaves no trace:
// its nonce stays unused, it takes no rate-limit token and changes nothing.
const (
	// FaultThrottle answers 400 Throttling.User.
	FaultThrottle FaultKind = iota + 1
	// FaultInternalError answers 500 InternalError.
	FaultInternalError
	// FaultServiceUnavailable answers 503 ServiceUnavailable.
	FaultServiceUnavailable
	// FaultDropConnection closes the connection without an answer, before
	// acting.
	FaultDropConnection
	// FaultDropAfterAction processes the request normally (authentication,
	// rate limit, action), then closes the connection without an answer:
	// the client cannot tell whether the service acted. A retry carrying the
	// same ClientToken gets the first result.
	FaultDropAfterAction
	// FaultDelay waits Fault.Delay, then processes the request normally. If
	// the client gives up meanwhile, nothing is done; Close ends the wait.
	FaultDelay
)

// String returns the constant's name.
func (k FaultKind) String() string {
	switch k {
	case FaultThrottle:
		return "FaultThrottle"
	case FaultInternalError:
		return "FaultInternalError"
	case FaultServiceUnavailable:
		return "FaultServiceUnavailable"
	case FaultDropConnection:
		return "FaultDropConnection"
	case FaultDropAfterAction:
		return "FaultDropAfterAction"
	case FaultDelay:
		return "FaultDelay"
	}
	return fmt.Sprintf("FaultKind(%d)", int(k))
}

// Fault describes faults to inject into matching requests.
//
// With Rate zero, the fault strikes each of the next Count matching requests
// (Count zero means one). With Rate in (0, 1], it strikes each matching
// request with that probability, until it has struck Count times (Count
// zero means without end, until [Emulator.ClearFaults]).
type Fault struct {
	Kind   FaultKind
	Count  int
	Rate   float64
	Action string        // the operation (Action) to match; "" matches every request
	Delay  time.Duration // for FaultDelay
}

type activeFault struct {
	Fault
	left int // strikes left; -1 for no end
}

// faultSet holds the injected faults in injection order; the first match
// strikes.
type faultSet struct {
	mu     sync.Mutex
	faults []*activeFault
}

// InjectFault arms a fault. It panics on an invalid Fault (unknown Kind,
// negative Count, Rate outside [0, 1], FaultDelay without a positive Delay),
// a programming error in the test.
func (e *Emulator) InjectFault(f Fault) {
	if f.Kind < FaultThrottle || f.Kind > FaultDelay || f.Count < 0 || f.Rate < 0 || f.Rate > 1 ||
		(f.Kind == FaultDelay && f.Delay <= 0) {
		panic(fmt.Sprintf("alicloudtest: invalid Fault %+v", f))
	}
	af := &activeFault{Fault: f, left: f.Count}
	if f.Count == 0 {
		af.left = 1
		if f.Rate > 0 {
			af.left = -1
		}
	}
	e.faults.mu.Lock()
	e.faults.faults = append(e.faults.faults, af)
	e.faults.mu.Unlock()
}

// ClearFaults disarms every injected fault.
func (e *Emulator) ClearFaults() {
	e.faults.mu.Lock()
	e.faults.faults = nil
	e.faults.mu.Unlock()
}

// pick returns the fault that strikes a request for action, if any: among
// FaultDropAfterAction faults when after is true, among the others otherwise.
func (s *faultSet) pick(action string, after bool) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if (f.Kind == FaultDropAfterAction) != after || (f.Action != "" && f.Action != action) {
			continue
		}
		if f.Rate > 0 && rand.Float64() >= f.Rate {
			continue
		}
		if f.left > 0 {
			f.left--
			if f.left == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return f.Fault, true
	}
	return Fault{}, false
}
