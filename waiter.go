package alicloud

import (
	"errors"
	"time"
)

// Default waiter delays, used where a WaiterOptions field is zero.
const (
	DefaultWaiterMinDelay = 1 * time.Second
	DefaultWaiterMaxDelay = 10 * time.Second
)

// WaiterOptions controls how waiters poll: the first poll comes after
// FirstDelay, or MinDelay when FirstDelay is 0; each later delay grows and
// is jittered, capped at MaxDelay.
type WaiterOptions struct {
	MinDelay time.Duration // first poll delay; 0 = DefaultWaiterMinDelay
	MaxDelay time.Duration // cap of the growing, jittered poll delay; 0 = DefaultWaiterMaxDelay
	// FirstDelay, when positive, is the delay before the first poll, and
	// the delays after it start from MinDelay (growing by half each time,
	// jittered, capped at MaxDelay) instead of from 1.5 × MinDelay. It
	// suits a change whose duration is known: for ALB jobs of about 7 s,
	// FirstDelay = 7 s with MinDelay = MaxDelay = 700 ms polls once at 7 s,
	// then every 0.7 s, where MinDelay alone would either poll a running
	// job often or see it done late. 0 (the default) = MinDelay,
	// as before; a maxWait shorter than twice the first delay still gets a
	// poll, at maxWait/2.
	FirstDelay time.Duration
	// OnPoll, when set, is called after every poll from the waiting
	// goroutine (for a progress line, say). It must be quick.
	OnPoll func(WaitPoll)
}

// WithDefaults returns o with every zero field replaced by its default.
func (o WaiterOptions) WithDefaults() WaiterOptions {
	if o.MinDelay <= 0 {
		o.MinDelay = DefaultWaiterMinDelay
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = DefaultWaiterMaxDelay
	}
	if o.MaxDelay < o.MinDelay {
		o.MaxDelay = o.MinDelay
	}
	if o.FirstDelay < 0 {
		o.FirstDelay = 0
	}
	return o
}

// ErrWaitTimeout is matched by the error of a waiter that gave up because
// maxWait passed; the error's message names what was still pending.
var ErrWaitTimeout = errors.New("alicloud: waiter timed out")
