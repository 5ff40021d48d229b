package ga

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/validate"
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
	w := &ListenerActiveWaiter{client: c, poller: c.t.Poller("ListenerActive")}
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
	return w.wait(ctx, "", listenerID, nil, maxWait)
}

// wait polls until the listener is active and, when domains are given, none
// of them has an additional certificate any more: an "active" read just
// after the call may predate the change.
func (w *ListenerActiveWaiter) wait(ctx context.Context, acceleratorID, listenerID string, domains []string, maxWait time.Duration) error {
	if err := validate.ID("listenerID", listenerID); err != nil {
		return err
	}
	what := fmt.Sprintf("listener %s to be active", listenerID)
	return w.poller.Wait(ctx, what, w.opts, maxWait, func(ctx context.Context) (bool, string, error) {
		out, err := w.client.DescribeListener(ctx, &DescribeListenerInput{ListenerID: listenerID})
		switch {
		case err != nil:
			return false, "", err
		case out.State == StateDeleting:
			return false, "", &ListenerDeletingError{ListenerID: listenerID}
		case out.State != StateActive:
			return false, "listener " + listenerID + " is " + out.State, nil
		case len(domains) == 0:
			return true, "", nil
		}
		var left []string
		for cert, err := range w.client.AllListenerCertificates(ctx, &ListListenerCertificatesInput{
			AcceleratorID: acceleratorID, ListenerID: listenerID, Role: "additional", MaxResults: MaxListResults}) {
			if err != nil {
				return false, "", err
			}
			if slices.ContainsFunc(domains, func(d string) bool { return strings.EqualFold(d, cert.Domain) }) { // domains are case-insensitive
				left = append(left, cert.Domain)
			}
		}
		if len(left) > 0 {
			return false, "listener " + listenerID + " is active but still has certificates for " + strings.Join(left, ", "), nil
		}
		return true, "", nil
	})
}

// DissociateAndWait calls DissociateAdditionalCertificatesFromListener and
// then waits, up to maxWait, until the listener is active again and none of
// the domains has an additional certificate left. Every
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
	w := NewListenerActiveWaiter(c, optFns...)
	if err := w.wait(ctx, in.AcceleratorID, in.ListenerID, in.Domains, maxWait); err != nil {
		return out, err
	}
	return out, nil
}
