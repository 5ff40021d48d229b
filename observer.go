package alicloud

import (
	"context"
	"time"
)

// Observer sees every call a client makes, each attempt of it, and every
// waiter with its polls: the hook for tracing and metrics (the module
// github.com/listenercerts/alicloud/otelalicloud implements it with
// OpenTelemetry). Set it in [Config.Observer]; when it is nil the SDK
// allocates nothing for it (a nil check per call and per attempt).
//
// The methods are called from the goroutine making the call, so they must be
// quick and safe for concurrent use. The context each Start method returns is
// used for what happens inside (attempts, a poll's calls), so spans nest under
// the caller's. None of the values passed ever holds an AccessKeySecret, a
// security token or a signature; errors are those the caller gets.
//
// Embed [NopObserver] to implement only some methods and keep compiling when
// methods are added.
type Observer interface {
	// StartCall is called once a call's ClientToken is fixed, before its
	// first attempt. The returned end function is called exactly once, when
	// the call returns; it must not be nil.
	StartCall(ctx context.Context, call CallInfo) (context.Context, func(CallResult))
	// Attempt is called after every attempt of a call, with the context
	// StartCall returned.
	Attempt(ctx context.Context, attempt AttemptInfo)
	// StartWait is called when a waiter begins. The returned end function is
	// called exactly once, with the waiter's error (nil once the wait is
	// over); it must not be nil.
	StartWait(ctx context.Context, wait WaitInfo) (context.Context, func(error))
	// StartPoll is called before each poll of a waiter, with the context
	// StartWait returned; the calls of the poll use the returned context. The
	// returned end function is called exactly once, with the poll's outcome
	// (WaitPoll.NextPoll is 0: the waiter decides it later); it must not be
	// nil.
	StartPoll(ctx context.Context, poll int) (context.Context, func(WaitPoll))
}

// CallInfo describes a call as it begins.
type CallInfo struct {
	Service     string // "alb" or "ga"
	Operation   string // the API action, e.g. "DissociateAdditionalCertificatesFromListener"
	ClientToken string // the token every attempt carries; "" for operations without one
	Host        string // the endpoint's host[:port]
}

// AttemptInfo describes one attempt of a call, once it is over.
type AttemptInfo struct {
	Attempt    int           // 1 for the first
	HTTPStatus int           // 0 when no answer arrived
	Code       string        // the service's error code; "" on success and when no error body arrived
	RequestID  string        // the service's RequestId, when an answer carried one
	Duration   time.Duration // from sending to the whole answer read (or the failure)
	// Retrying is set when another attempt follows this one (after Backoff).
	Retrying bool
	// Backoff is the sleep before the next attempt (full jitter: it may be
	// 0 even when Retrying); 0 when this attempt is the call's last.
	Backoff time.Duration
	// Throttled is set when the service refused the attempt for its rate
	// limit (a Throttling code or HTTP 429).
	Throttled bool
	// Busy is set when the resource was still applying an earlier change
	// (see RetryPolicy for the codes).
	Busy bool
	Err  error // nil when the attempt succeeded
}

// CallResult describes how a call ended.
type CallResult struct {
	Attempts   int    // attempts made (some may have failed before sending); 0 when the rate limiter or ctx refused the first
	HTTPStatus int    // of the last answer; 0 when none arrived
	Code       string // the last answer's error code; "" on success
	RequestID  string // of the last answer
	Duration   time.Duration
	Err        error // nil on success
}

// WaitInfo describes a waiter as it begins.
type WaitInfo struct {
	Service string        // "alb" or "ga"
	Waiter  string        // the waiter, e.g. "CertificatesDissociated" (span name alb.WaitCertificatesDissociated)
	What    string        // what is waited for, e.g. "listener lsr-1 to be active"
	MaxWait time.Duration // the waiter's bound
}

// NopObserver implements [Observer] by doing nothing; embed it in an
// Observer that implements only some methods.
type NopObserver struct{}

// StartCall returns ctx and a no-op.
func (NopObserver) StartCall(ctx context.Context, _ CallInfo) (context.Context, func(CallResult)) {
	return ctx, func(CallResult) {}
}

// Attempt does nothing.
func (NopObserver) Attempt(context.Context, AttemptInfo) {}

// StartWait returns ctx and a no-op.
func (NopObserver) StartWait(ctx context.Context, _ WaitInfo) (context.Context, func(error)) {
	return ctx, func(error) {}
}

// StartPoll returns ctx and a no-op.
func (NopObserver) StartPoll(ctx context.Context, _ int) (context.Context, func(WaitPoll)) {
	return ctx, func(WaitPoll) {}
}
