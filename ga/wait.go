package ga

import (
	"context"
	"fmt"
	"time"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/waiter"
)

// ListenerActiveWaiter waits until a listener is active, polling DescribeListener.
type ListenerActiveWaiter struct {
	client *Client
	opts   alicloud.WaiterOptions
	poller waiter.Poller
}

// NewListenerActiveWaiter returns a waiter using c. optFns adjust the polling delays.
func NewListenerActiveWaiter(c *Client, optFns ...func(*alicloud.WaiterOptions)) *ListenerActiveWaiter {
	w := &ListenerActiveWaiter{client: c}
	for _, fn := range optFns {
		fn(&w.opts)
	}
	return w
}

// ListenerDeletingError reports a listener that is being deleted while
// waited on. It matches alicloud.ErrNotFound.
type ListenerDeletingError struct{ ListenerID string }

// Error names the listener.
func (e *ListenerDeletingError) Error() string {
	return "ga: listener " + e.ListenerID + " is being deleted"
}

// Is reports whether target is alicloud.ErrNotFound.
func (e *ListenerDeletingError) Is(target error) bool { return target == alicloud.ErrNotFound }

// Wait returns nil once the listener's State is active. It polls with a
// growing, jittered delay (see alicloud.WaiterOptions); after maxWait it
// returns an error matching alicloud.ErrWaitTimeout that names the last
// state seen; it returns at once when ctx ends, the listener does not exist
// (ErrListenerNotFound) or is being deleted (*ListenerDeletingError).
func (w *ListenerActiveWaiter) Wait(ctx context.Context, listenerID string, maxWait time.Duration) error {
	what := fmt.Sprintf("listener %s to be active", listenerID)
	return w.poller.Wait(ctx, what, w.opts, maxWait, func(ctx context.Context) (bool, string, error) {
		out, err := w.client.DescribeListener(ctx, &DescribeListenerInput{ListenerID: listenerID})
		switch {
		case err != nil:
			return false, "", err
		case out.State == StateActive:
			return true, "", nil
		case out.State == StateDeleting:
			return false, "", &ListenerDeletingError{ListenerID: listenerID}
		}
		return false, "listener " + listenerID + " is " + out.State, nil
	})
}

// DissociateAndWait calls DissociateAdditionalCertificatesFromListener and
// then waits, up to maxWait, until the listener is active again. Every
// attempt of the call carries one ClientToken (in.ClientToken, or one
// generated). On a wait error, the output of the successful call is
// returned with it.
func (c *Client) DissociateAndWait(ctx context.Context, in *DissociateAdditionalCertificatesFromListenerInput,
	maxWait time.Duration, optFns ...func(*alicloud.WaiterOptions)) (*DissociateAdditionalCertificatesFromListenerOutput, error) {
	if maxWait <= 0 {
		return nil, &alicloud.ValidationError{Field: "maxWait", Reason: "must be positive"}
	}
	out, err := c.DissociateAdditionalCertificatesFromListener(ctx, in)
	if err != nil {
		return nil, err
	}
	if err := NewListenerActiveWaiter(c, optFns...).Wait(ctx, in.ListenerID, maxWait); err != nil {
		return out, err
	}
	return out, nil
}
