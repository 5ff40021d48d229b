package alicloud

import "time"

// Default retry settings, used where a RetryPolicy field is zero.
const (
	DefaultMaxAttempts       = 5
	DefaultBaseDelay         = 100 * time.Millisecond
	DefaultMaxDelay          = 5 * time.Second
	DefaultConflictBaseDelay = 1 * time.Second
	DefaultConflictMaxDelay  = 15 * time.Second
	DefaultMaxConflictWait   = 5 * time.Minute
	DefaultAttemptTimeout    = 30 * time.Second
)

// RetryPolicy controls how a call is retried. Every attempt of one call
// carries the same ClientToken, so a retry never makes the service act twice.
//
// Retried: throttling codes (Throttling, Throttling.User, Throttling.Api,
// Rejected.Throttling, ...), ServiceUnavailable, InternalError,
// ServiceBusy, SignatureNonceUsed (every attempt has a fresh nonce), any
// HTTP 5xx, and transient network errors (connection reset or refused,
// timeouts, AttemptTimeout, a connection dropped before the whole answer
// arrived). A throttling answer's TimeLeft hint (x-ratelimit-user-api)
// lengthens the sleep up to MaxDelay. Never retried: client mistakes (4xx codes such as
// ResourceNotFound.* or InvalidParameter), authentication failures, and
// cancellation of the context. The sleeps between attempts use full-jitter
// exponential backoff and end early when the context is done.
//
// Busy answers — the listener or accelerator is still applying an earlier
// change: alb IncorrectStatus.Listener and ResourceInConfiguring.Listener,
// ga StateError.* and NotActive.Listener, and IdempotenceProcessing and
// SystemBusy of both — are retried by default, with the same ClientToken and
// a longer backoff (ConflictBaseDelay, ConflictMaxDelay), until
// MaxConflictWait has passed since the call began or the context is done.
// They do not count against MaxAttempts. This is what the services need:
// a listener is busy for seconds after every certificate change, and a
// second change in that window is refused. DisableConflictRetry returns them
// at once instead (they match ErrConflict). IncorrectStatus.Listener naming
// a [Stopped] listener is not retried: a stopped listener does not start by
// itself.
type RetryPolicy struct {
	// MaxAttempts is the total number of attempts including the first; 0
	// means DefaultMaxAttempts, 1 disables retries.
	MaxAttempts int
	// BaseDelay is the backoff unit: attempt n sleeps a random duration in
	// [0, min(MaxDelay, BaseDelay*2^(n-1))). 0 means DefaultBaseDelay.
	BaseDelay time.Duration
	// MaxDelay caps one backoff sleep. 0 means DefaultMaxDelay.
	MaxDelay time.Duration
	// DisableConflictRetry returns busy answers (see above) at once instead
	// of retrying them until MaxConflictWait.
	DisableConflictRetry bool
	// ConflictBaseDelay is the backoff unit of busy retries: retry n sleeps
	// a random duration in [c/2, c) with c = min(ConflictMaxDelay,
	// ConflictBaseDelay*2^n). 0 means DefaultConflictBaseDelay.
	ConflictBaseDelay time.Duration
	// ConflictMaxDelay caps one conflict backoff; 0 means DefaultConflictMaxDelay.
	ConflictMaxDelay time.Duration
	// MaxConflictWait bounds the time spent retrying busy answers, counted
	// from the start of the call; 0 means DefaultMaxConflictWait.
	MaxConflictWait time.Duration
	// AttemptTimeout bounds one attempt, from sending the request to reading
	// the whole answer; an attempt that takes longer is abandoned and
	// retried with the same ClientToken. 0 means DefaultAttemptTimeout; a
	// negative value means no bound but the context's.
	AttemptTimeout time.Duration
}

// WithDefaults returns p with every zero field replaced by its default.
func (p RetryPolicy) WithDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = DefaultMaxAttempts
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = DefaultBaseDelay
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = DefaultMaxDelay
	}
	if p.ConflictBaseDelay <= 0 {
		p.ConflictBaseDelay = DefaultConflictBaseDelay
	}
	if p.ConflictMaxDelay <= 0 {
		p.ConflictMaxDelay = DefaultConflictMaxDelay
	}
	if p.MaxConflictWait <= 0 {
		p.MaxConflictWait = DefaultMaxConflictWait
	}
	if p.AttemptTimeout == 0 {
		p.AttemptTimeout = DefaultAttemptTimeout
	}
	return p
}
