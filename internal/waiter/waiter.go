// Package waiter is the polling loop shared by the service waiters: a
// growing, jittered delay between polls, bounded by maxWait and ctx.
package waiter

import (
	"context"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"time"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/ctxsleep"
	"github.com/listenercerts/alicloud/internal/safetext"
	"github.com/listenercerts/alicloud/internal/validate"
)

// Options applies the option functions waiters take to a zero
// WaiterOptions.
func Options(fns []func(*alicloud.WaiterOptions)) (o alicloud.WaiterOptions) {
	for _, fn := range fns {
		fn(&o)
	}
	return o
}

// MaxPendingLen bounds the description of what is pending, as it appears in
// errors and WaitPoll values.
const MaxPendingLen = 1024

// Check polls once. It returns done when the wait is over, otherwise a
// description of what is still pending; a non-nil error ends the wait
// at once (a terminal failure).
type Check func(ctx context.Context) (done bool, pending string, err error)

// Poller runs checks. The zero value is ready to use.
type Poller struct {
	// Observer, when set, sees the wait and each poll; Service and Name
	// (e.g. "alb", "CertificatesDissociated") tell it which waiter it is.
	Observer      alicloud.Observer
	Service, Name string

	// Replaced in tests.
	Sleep  func(ctx context.Context, d time.Duration) error
	Jitter func(n int64) int64
}

// Wait sleeps opts.FirstDelay, or opts.MinDelay when that is 0 (or half of
// maxWait, when that is shorter), then checks; until the check is done it
// sleeps a delay that grows by half each time (jittered by ±25 %, capped at
// opts.MaxDelay and at the time left; after a FirstDelay it starts from
// MinDelay) and checks again. When maxWait passes
// first it returns an error matching alicloud.ErrWaitTimeout that names what
// was pending; when ctx ends first, an error matching ctx.Err(). what names
// the thing waited for, for error messages. A nil ctx is a
// *alicloud.ValidationError, not a panic.
func (p Poller) Wait(ctx context.Context, what string, opts alicloud.WaiterOptions, maxWait time.Duration, check Check) error {
	if err := validate.Context(ctx); err != nil {
		return err
	}
	if err := validate.MaxWait(maxWait); err != nil {
		return err
	}
	// What is pending may quote the service (a status it sent): escaped and
	// bounded before it reaches an error message, a log or an observer.
	raw := check
	check = func(ctx context.Context) (bool, string, error) {
		done, pending, err := raw(ctx)
		return done, safetext.String(pending, MaxPendingLen), err
	}
	if p.Observer != nil {
		return p.observed(ctx, what, opts, maxWait, check)
	}
	return p.poll(ctx, what, opts, maxWait, check)
}

// poll is the loop of Wait, its arguments checked.
func (p Poller) poll(ctx context.Context, what string, opts alicloud.WaiterOptions, maxWait time.Duration, check Check) error {
	opts = opts.WithDefaults()
	sleep, jitter := p.Sleep, p.Jitter
	if sleep == nil {
		sleep = ctxsleep.Sleep
	}
	if jitter == nil {
		jitter = mrand.Int64N
	}
	start := time.Now()
	deadline := start.Add(maxWait)
	waitCtx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()

	pending := what
	// delay is the nominal delay before the next poll: the first is exactly
	// FirstDelay (MinDelay when unset), the next ones grow from MinDelay.
	delay := opts.MinDelay
	if opts.FirstDelay > 0 {
		delay = opts.FirstDelay
	}
	for polls := 0; ; polls++ {
		d := delay
		if polls > 0 {
			d = d*3/4 + time.Duration(jitter(int64(d)/2+1))
		} else if d > maxWait/2 {
			// A short maxWait still gets a poll, so a timeout can say what
			// was pending rather than that nothing was looked at.
			d = maxWait / 2
		}
		if polls == 0 && opts.FirstDelay > 0 {
			delay = opts.MinDelay // the delays after a FirstDelay start from MinDelay
		} else {
			delay = min(max(delay*3/2, 0), opts.MaxDelay)
		}
		if left := time.Until(deadline); d > left {
			d = left
		}
		if err := sleep(waitCtx, d); err != nil {
			return timeoutOr(ctx, what, pending, maxWait, polls)
		}
		done, p, err := check(waitCtx)
		if opts.OnPoll != nil {
			next := time.Duration(0)
			if !done && err == nil {
				next = min(delay, time.Until(deadline))
			}
			opts.OnPoll(alicloud.WaitPoll{What: what, Poll: polls + 1, Done: done && err == nil, Pending: p,
				Err: err, Elapsed: time.Since(start), NextPoll: max(next, 0)})
		}
		if err != nil {
			// The deadline is near or past (a rate limiter refuses a wait
			// that would outlast it): that is maxWait running out.
			if ctx.Err() == nil && (waitCtx.Err() != nil || !time.Now().Before(deadline) ||
				(errors.Is(err, context.DeadlineExceeded) && time.Until(deadline) <= opts.MaxDelay)) {
				return timeoutOr(ctx, what, pending, maxWait, polls+1)
			}
			if ctx.Err() != nil {
				return fmt.Errorf("waiting for %s: %w", what, errors.Join(ctx.Err(), err))
			}
			return err
		}
		if done {
			return nil
		}
		pending = p
	}
}

func timeoutOr(ctx context.Context, what, pending string, maxWait time.Duration, polls int) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("waiting for %s: %w (still pending: %s)", what, err, pending)
	}
	return fmt.Errorf("%w: %s not reached within %s (%d polls); still pending: %s",
		alicloud.ErrWaitTimeout, what, maxWait, polls, pending)
}
