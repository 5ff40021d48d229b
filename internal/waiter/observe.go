package waiter

import (
	"context"
	"time"

	"github.com/listenercerts/alicloud"
)

// observed is Wait (its arguments checked, check already escaping what is
// pending) reporting to p.Observer: the wait, and each poll with the
// context its calls use, so that their spans nest under the poll's.
func (p Poller) observed(ctx context.Context, what string, opts alicloud.WaiterOptions, maxWait time.Duration, check Check) error {
	obs := p.Observer
	ctx, end := obs.StartWait(ctx, alicloud.WaitInfo{Service: p.Service, Waiter: p.Name, What: what, MaxWait: maxWait})
	start := time.Now()
	polls := 0
	err := p.poll(ctx, what, opts, maxWait, func(ctx context.Context) (bool, string, error) {
		polls++
		ctx, endPoll := obs.StartPoll(ctx, polls)
		done, pending, err := check(ctx)
		endPoll(alicloud.WaitPoll{What: what, Poll: polls, Done: done && err == nil, Pending: pending, Err: err,
			Elapsed: time.Since(start)})
		return done, pending, err
	})
	end(err)
	return err
}
