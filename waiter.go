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
// MinDelay; each later delay grows and is jittered, capped at MaxDelay.
type WaiterOptions struct {
	MinDelay time.Duration // first poll delay; 0 = DefaultWaiterMinDelay
	MaxDelay time.Duration // cap of the growing, jittered poll delay; 0 = DefaultWaiterMaxDelay
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
	return o
}

// ErrWaitTimeout is matched by the error of a waiter that gave up because
// maxWait passed; the error's message names what was still pending.
var ErrWaitTimeout = errors.New("alicloud: waiter timed out")
