// Package ctxsleep sleeps the way every wait of the SDK must: until the
// duration passes or the context is done, whichever comes first.
package ctxsleep

import (
	"context"
	"time"
)

// Sleep waits d, or returns ctx.Err() as soon as ctx is done.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
