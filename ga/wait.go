package ga

import (
	"context"
	"fmt"
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
	return &ListenerActiveWaiter{client: c, opts: waiter.Options(optFns), poller: c.t.Poller("ListenerActive")}
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

// AcceleratorDeletingError reports an accelerator that is being deleted
// while waited on. It matches alicloud.ErrNotFound.
type AcceleratorDeletingError struct{ AcceleratorID string }

// Error names the accelerator.
func (e *AcceleratorDeletingError) Error() string {
	return "ga: accelerator " + e.AcceleratorID + " is being deleted"
}

// Is reports whether target is alicloud.ErrNotFound.
func (e *AcceleratorDeletingError) Is(target error) bool { return target == alicloud.ErrNotFound }

// AcceleratorLockedError reports an accelerator that GA has locked for an
// overdue payment (state finacialLocked, GA's spelling) while waited on. It
// takes no change until the account is settled, which no wait can bring
// about, so a wait ends at once with it. It matches alicloud.ErrConflict
// (the accelerator is in the wrong state), not ErrWaitTimeout.
type AcceleratorLockedError struct {
	AcceleratorID string
	State         string // as GA spelled it
}

// Error names the accelerator and its state.
func (e *AcceleratorLockedError) Error() string {
	return "ga: accelerator " + e.AcceleratorID + " is locked for an overdue payment (state " + e.State +
		"): it takes no change until the account is settled"
}

// Is reports whether target is alicloud.ErrConflict.
func (e *AcceleratorLockedError) Is(target error) bool { return target == alicloud.ErrConflict }

// Wait returns nil once the listener's State is active (compared
// case-insensitively). It polls with a growing, jittered delay (see
// alicloud.WaiterOptions); after maxWait it returns an error matching
// alicloud.ErrWaitTimeout that names the last state seen; it returns at
// once when ctx ends, the listener does not exist (ErrListenerNotFound) or
// is being deleted (*ListenerDeletingError).
//
// An active listener does not mean its accelerator takes changes again:
// the ...AndWait methods also wait for the accelerator
// ([AcceleratorActiveWaiter]).
func (w *ListenerActiveWaiter) Wait(ctx context.Context, listenerID string, maxWait time.Duration) error {
	if err := validate.ID("listenerID", listenerID); err != nil {
		return err
	}
	what := fmt.Sprintf("listener %s to be active", listenerID)
	return w.poller.Wait(ctx, what, w.opts, maxWait, func(ctx context.Context) (bool, string, error) {
		return w.client.listenerActive(ctx, listenerID)
	})
}

// AcceleratorActiveWaiter waits until an accelerator is active, polling
// DescribeAccelerator.
type AcceleratorActiveWaiter struct {
	client *Client
	opts   alicloud.WaiterOptions
	poller waiter.Poller
}

// NewAcceleratorActiveWaiter returns a waiter using c. optFns adjust the
// polling delays.
func NewAcceleratorActiveWaiter(c *Client, optFns ...func(*alicloud.WaiterOptions)) *AcceleratorActiveWaiter {
	return &AcceleratorActiveWaiter{client: c, opts: waiter.Options(optFns), poller: c.t.Poller("AcceleratorActive")}
}

// Wait returns nil once the accelerator's State is active (compared
// case-insensitively): GA takes the next certificate change on any of its
// listeners. It polls as [ListenerActiveWaiter.Wait] does; it returns at
// once when ctx ends, the accelerator does not exist
// (ErrAcceleratorNotFound), is being deleted (*AcceleratorDeletingError,
// matching alicloud.ErrNotFound) or is locked for an overdue payment
// (state finacialLocked: *AcceleratorLockedError, matching
// alicloud.ErrConflict; no wait would end it). The ...AndWait methods and
// RotateCertificates end the same way.
func (w *AcceleratorActiveWaiter) Wait(ctx context.Context, acceleratorID string, maxWait time.Duration) error {
	if err := validate.ID("acceleratorID", acceleratorID); err != nil {
		return err
	}
	what := fmt.Sprintf("accelerator %s to be active", acceleratorID)
	return w.poller.Wait(ctx, what, w.opts, maxWait, func(ctx context.Context) (bool, string, error) {
		return w.client.acceleratorActive(ctx, acceleratorID)
	})
}

func (c *Client) listenerActive(ctx context.Context, listenerID string) (bool, string, error) {
	out, err := c.DescribeListener(ctx, &DescribeListenerInput{ListenerID: listenerID})
	switch {
	case err != nil:
		return false, "", err
	case strings.EqualFold(out.State, StateDeleting):
		return false, "", &ListenerDeletingError{ListenerID: listenerID}
	case !strings.EqualFold(out.State, StateActive):
		return false, "listener " + listenerID + " is " + out.State, nil
	}
	return true, "", nil
}

func (c *Client) acceleratorActive(ctx context.Context, acceleratorID string) (bool, string, error) {
	out, err := c.DescribeAccelerator(ctx, &DescribeAcceleratorInput{AcceleratorID: acceleratorID})
	switch {
	case err != nil:
		return false, "", err
	case strings.EqualFold(out.State, AcceleratorStateDeleting):
		return false, "", &AcceleratorDeletingError{AcceleratorID: acceleratorID}
	case strings.EqualFold(out.State, AcceleratorStateFinancialLocked):
		return false, "", &AcceleratorLockedError{AcceleratorID: acceleratorID, State: out.State}
	case !strings.EqualFold(out.State, AcceleratorStateActive):
		return false, "accelerator " + acceleratorID + " is " + out.State, nil
	}
	return true, "", nil
}

// domainWant is what a change waits for on a listener's additional
// certificates: domains that must have none, and domains that must be
// served (state active) by a given certificate.
type domainWant struct {
	absent []string
	served []DomainCertificate
}

// pending lists what of want is not yet so in certs (keyed by lower-cased
// domain), or "" when all is.
func (want domainWant) pending(certs map[string]ListenerCertificate) string {
	var left []string
	for _, d := range want.absent {
		if cur, ok := certs[strings.ToLower(d)]; ok {
			left = append(left, d+" still has "+cur.CertificateID)
		}
	}
	for _, dc := range want.served {
		cur, ok := certs[strings.ToLower(dc.Domain)]
		switch {
		case !ok:
			left = append(left, dc.Domain+" has no certificate yet")
		case cur.CertificateID != dc.CertificateID:
			left = append(left, dc.Domain+" is served by "+cur.CertificateID)
		case !strings.EqualFold(cur.State, StateActive):
			left = append(left, dc.Domain+" is "+cur.State)
		}
	}
	return strings.Join(left, ", ")
}

// waitUnlessSo is the wait of a converging call that sends nothing, after
// settle found the listener and the accelerator active and certs were
// read: it returns at once when certs show want, and otherwise (a domain
// listed with its certificate but not active yet) waits as after a change,
// checking at once.
func (c *Client) waitUnlessSo(ctx context.Context, acceleratorID, listenerID string, want domainWant,
	certs map[string]ListenerCertificate, maxWait time.Duration, opts alicloud.WaiterOptions) error {
	if want.pending(certs) == "" {
		return nil
	}
	return c.waitChange(ctx, acceleratorID, listenerID, want, maxWait, opts, true)
}

// additionalCertificates returns a listener's additional certificates
// over all pages, keyed by lower-cased domain.
func (c *Client) additionalCertificates(ctx context.Context, acceleratorID, listenerID string) (map[string]ListenerCertificate, error) {
	certs := map[string]ListenerCertificate{}
	for cert, err := range c.AllListenerCertificates(ctx, &ListListenerCertificatesInput{
		AcceleratorID: acceleratorID, ListenerID: listenerID, Role: "additional", MaxResults: MaxListResults}) {
		if err != nil {
			return nil, err
		}
		if cert.IsDefault || cert.Domain == "" {
			continue
		}
		certs[strings.ToLower(cert.Domain)] = cert
	}
	return certs, nil
}

// settle returns once the listener and the accelerator are active (at
// once when they are), before a converging operation reads what to do:
// a change still under way (an interrupted run's, another caller's) could
// otherwise be planned again, and GA would refuse the write anyway while
// the accelerator is locked. A listener or accelerator being deleted, or
// an accelerator locked for an overdue payment, ends it at once
// (*ListenerDeletingError, *AcceleratorDeletingError,
// *AcceleratorLockedError), before any write is retried against it.
func (c *Client) settle(ctx context.Context, acceleratorID, listenerID string, maxWait time.Duration, opts alicloud.WaiterOptions) error {
	return c.waitChange(ctx, acceleratorID, listenerID, domainWant{}, maxWait, opts, true)
}

// waitChange waits, up to maxWait, until a certificate change has taken
// effect: the listener is active with its domains as wanted, and then the
// accelerator is active (it can stay configuring after the listener, and
// GA refuses the next change until it is not). The listener is not polled
// again once it was seen done. With now, the first check comes at once
// instead of after opts.FirstDelay or MinDelay (nothing was sent, so
// nothing needs time); a caller's FirstDelay is then not used.
func (c *Client) waitChange(ctx context.Context, acceleratorID, listenerID string, want domainWant, maxWait time.Duration,
	opts alicloud.WaiterOptions, now bool) error {
	listenerDone := false
	check := func(ctx context.Context) (bool, string, error) {
		if !listenerDone {
			done, pending, err := c.listenerActive(ctx, listenerID)
			if !done || err != nil {
				return false, pending, err
			}
			if len(want.absent)+len(want.served) > 0 {
				certs, err := c.additionalCertificates(ctx, acceleratorID, listenerID)
				if err != nil {
					return false, "", err
				}
				if p := want.pending(certs); p != "" {
					return false, "listener " + listenerID + " is active but " + p, nil
				}
			}
			listenerDone = true
		}
		return c.acceleratorActive(ctx, acceleratorID)
	}
	if now {
		// The first check comes at once, inside the poller: maxWait bounds
		// it too, and observers see it as a poll.
		opts.FirstDelay = time.Nanosecond
	}
	what := fmt.Sprintf("the change of listener %s to take effect (listener active, domains as wanted, accelerator %s active)",
		listenerID, acceleratorID)
	return c.t.Poller("ChangeApplied").Wait(ctx, what, opts, maxWait, check)
}
