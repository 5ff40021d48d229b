package alicloudtest

import (
	"maps"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// Stats are the emulator's counters since it started (or since
// [Emulator.ResetStats]).
type Stats struct {
	// Requests is how many requests arrived, whatever became of them.
	Requests int
	// RequestsByAction counts the requests per Action ("" when none was given).
	RequestsByAction map[string]int
	// ErrorsByCode counts the error answers per error code.
	ErrorsByCode map[string]int
	// Throttled is how many requests the rate limit refused (injected
	// throttling counts in FaultsInjected instead).
	Throttled int
	// FaultsInjected is how many requests an injected fault struck.
	FaultsInjected int
	// Dropped is how many requests got no answer (dropped connections,
	// clients that gave up during a FaultDelay).
	Dropped int
	// Actions is how many effective state changes the operations made (a
	// dissociation started); replays of a ClientToken, dry runs and errors
	// are not actions.
	Actions int
	// ActionsByAction counts Actions per operation name.
	ActionsByAction map[string]int
}

// RecordedRequest is one request as it arrived, for wire-level assertions.
type RecordedRequest struct {
	Time        time.Time   // when it was answered, on the emulator's clock
	Method      string      // POST or GET
	Action      string      // from x-acs-action or the Action parameter
	Version     string      // from x-acs-version or the Version parameter
	Params      url.Values  // query and form parameters, merged
	Header      http.Header // request headers
	AccessKeyID string      // the AccessKeyId the request named, if any
	RequestID   string      // the RequestId of the answer
	StatusCode  int         // the HTTP status answered; 0 when dropped
	ErrorCode   string      // the error code answered; "" on success
}

type statsRecorder struct {
	mu      sync.Mutex
	s       Stats
	byToken map[string]int
}

func (r *statsRecorder) init() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.s = Stats{
		RequestsByAction: map[string]int{},
		ErrorsByCode:     map[string]int{},
		ActionsByAction:  map[string]int{},
	}
	r.byToken = map[string]int{}
}

func (r *statsRecorder) request() {
	r.mu.Lock()
	r.s.Requests++
	r.mu.Unlock()
}

func (r *statsRecorder) action(name string) {
	r.mu.Lock()
	r.s.RequestsByAction[name]++
	r.mu.Unlock()
}

func (r *statsRecorder) errorCode(code string) {
	r.mu.Lock()
	r.s.ErrorsByCode[code]++
	r.mu.Unlock()
}

func (r *statsRecorder) throttled() {
	r.mu.Lock()
	r.s.Throttled++
	r.mu.Unlock()
}

func (r *statsRecorder) fault() {
	r.mu.Lock()
	r.s.FaultsInjected++
	r.mu.Unlock()
}

func (r *statsRecorder) dropped() {
	r.mu.Lock()
	r.s.Dropped++
	r.mu.Unlock()
}

// acted counts one effective state change made under clientToken.
func (r *statsRecorder) acted(action, clientToken string) {
	r.mu.Lock()
	r.s.Actions++
	r.s.ActionsByAction[action]++
	if clientToken != "" {
		r.byToken[clientToken]++
	}
	r.mu.Unlock()
}

// Stats returns a snapshot of the counters.
func (e *Emulator) Stats() Stats {
	e.stats.mu.Lock()
	defer e.stats.mu.Unlock()
	s := e.stats.s
	s.RequestsByAction = maps.Clone(s.RequestsByAction)
	s.ErrorsByCode = maps.Clone(s.ErrorsByCode)
	s.ActionsByAction = maps.Clone(s.ActionsByAction)
	return s
}

// ActionsByClientToken returns how many effective actions each ClientToken
// caused, over both APIs. A client that retried correctly shows 1 for its
// token however many attempts it made.
func (e *Emulator) ActionsByClientToken() map[string]int {
	e.stats.mu.Lock()
	defer e.stats.mu.Unlock()
	return maps.Clone(e.stats.byToken)
}

// ResetStats zeroes the counters and forgets the recorded requests. The
// service state, idempotency store and nonces are kept.
func (e *Emulator) ResetStats() {
	e.stats.init()
	e.recorder.init(MaxRecordedRequests)
}

// Requests returns the last requests answered (at most
// MaxRecordedRequests), oldest first.
func (e *Emulator) Requests() []RecordedRequest {
	return e.recorder.snapshot()
}

// requestRing keeps the last max requests.
type requestRing struct {
	mu   sync.Mutex
	buf  []RecordedRequest
	max  int
	next int
	full bool
}

func (r *requestRing) init(max int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.buf = make([]RecordedRequest, 0, min(max, 256))
	r.max = max
	r.next, r.full = 0, false
}

func (r *requestRing) add(req RecordedRequest) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.full {
		r.buf = append(r.buf, req)
		if len(r.buf) == r.max {
			r.full = true
		}
		return
	}
	r.buf[r.next] = req
	r.next = (r.next + 1) % len(r.buf)
}

func (r *requestRing) snapshot() []RecordedRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]RecordedRequest, 0, len(r.buf))
	if r.full {
		out = append(out, r.buf[r.next:]...)
		out = append(out, r.buf[:r.next]...)
		return out
	}
	return append(out, r.buf...)
}
