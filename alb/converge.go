package alb

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/idem"
	"github.com/listenercerts/alicloud/internal/rotation"
	"github.com/listenercerts/alicloud/internal/validate"
)

// DissociateAndWait and AssociateAndWait converge on the end state: they
// read before they write, send only what is not done yet, and wait until
// every requested certificate is in the end state. This file holds the
// shape both share.

// DissociateAndWait brings the certificates to the dissociated state and
// waits, up to maxWait, until the listing no longer shows them:
//
//   - it lists the listener's certificates first; requested certificates
//     that are not listed (already dissociated) or already Dissociating are
//     not sent and come back in AlreadyDissociated; when nothing is left, no
//     Dissociate is sent and the result has no JobID;
//   - the listener's default certificate among them is refused before
//     anything is sent, with a *alicloud.ValidationError that also matches
//     ErrDefaultCertificateUsed;
//   - the rest go in one DissociateAdditionalCertificatesFromListener call
//     (1..MaxCertificatesPerCall ids, as for the call itself; use
//     [Client.RotateCertificates] with only Remove for more), whose every
//     attempt carries one ClientToken: in.ClientToken (or one generated)
//     when the whole list is sent, else a token derived from in.ClientToken
//     and the ids sent, so a re-run with the same in.ClientToken that sends
//     the same ids reuses it, and a different list never reuses a token
//     (which the service would refuse as IdempotentParameterMismatch); a
//     call with a derived token sends its ids sorted, so the order of
//     CertificateIDs does not matter to a re-run;
//   - should the service answer ErrCertificateNotAssociated (the listener
//     changed since the listing), it lists again and sends what is left.
//
// A dry run lists, then prechecks what would be sent (DryRunPassed; true
// also when nothing would be sent) under a ClientToken of its own (so the
// real call may carry the caller's) and does not wait.
//
// Every error after sending carries the ClientToken of the call
// (alicloud.ClientTokenOf), wait-phase errors included (timeout, a done
// ctx, the listener gone, a *JobFailedError); errors.Is and errors.As see
// through it. On a wait error the output is returned too, so the JobID is
// not lost. Errors before sending (validation, the listing) carry no token.
func (c *Client) DissociateAndWait(ctx context.Context, in *DissociateAdditionalCertificatesFromListenerInput,
	maxWait time.Duration, optFns ...func(*alicloud.WaiterOptions)) (*DissociateAdditionalCertificatesFromListenerOutput, error) {
	if in == nil {
		return nil, &alicloud.ValidationError{Field: "input", Reason: "must not be nil"}
	}
	r, err := c.converge(ctx, dissociation, in.change(), maxWait, optFns)
	if r == nil {
		return nil, err
	}
	return &DissociateAdditionalCertificatesFromListenerOutput{JobID: r.jobID, RequestID: r.requestID,
		DryRunPassed: r.dryRunPassed, ClientToken: r.clientToken, AlreadyDissociated: r.already}, err
}

// AssociateAndWait brings the certificates to the Associated state and
// waits, up to maxWait, until the listing shows every one Associated. It
// converges as [Client.DissociateAndWait] does: certificates already
// Associated or Associating are not sent and come back in
// AlreadyAssociated (the listener's default certificate counts as
// associated); when nothing is left no Associate is sent; the same
// ClientToken rules; should the service answer
// ErrCertificateAlreadyAssociated, it lists again and sends what is left.
// A job that ends Failed ends the wait with a *JobFailedError. Every error
// after sending carries the call's ClientToken.
func (c *Client) AssociateAndWait(ctx context.Context, in *AssociateAdditionalCertificatesWithListenerInput,
	maxWait time.Duration, optFns ...func(*alicloud.WaiterOptions)) (*AssociateAdditionalCertificatesWithListenerOutput, error) {
	if in == nil {
		return nil, &alicloud.ValidationError{Field: "input", Reason: "must not be nil"}
	}
	r, err := c.converge(ctx, association, in.change(), maxWait, optFns)
	if r == nil {
		return nil, err
	}
	return &AssociateAdditionalCertificatesWithListenerOutput{JobID: r.jobID, RequestID: r.requestID,
		DryRunPassed: r.dryRunPassed, ClientToken: r.clientToken, AlreadyAssociated: r.already}, err
}

// direction is one of the two changes, as a converging operation sees it.
type direction struct {
	op   string
	want string // the end state, for the waiter's messages
	// done: the certificate is in the end state.
	done func(cert ListenerCertificate, listed bool) bool
	// underway: the certificate is on its way to the end state (a job of
	// the same change runs on it).
	underway func(cert ListenerCertificate, listed bool) bool
	// stale is the service's answer when the listing was out of date.
	stale error
	// removes: the change takes certificates away (the default one may not be among them).
	removes bool
}

var (
	dissociation = direction{op: opDissociate, want: "Dissociated", done: dissociated, stale: ErrCertificateNotAssociated, removes: true,
		underway: func(c ListenerCertificate, listed bool) bool {
			return listed && strings.EqualFold(c.Status, StatusDissociating)
		}}
	association = direction{op: opAssociate, want: "Associated", stale: ErrCertificateAlreadyAssociated,
		// The listener's default certificate serves already, as the
		// rotation counts it.
		done: func(c ListenerCertificate, listed bool) bool { return associated(c, listed) || (listed && c.IsDefault) },
		underway: func(c ListenerCertificate, listed bool) bool {
			return listed && strings.EqualFold(c.Status, StatusAssociating)
		}}
)

// split sorts ids by what the listing shows: to send, already in the end
// state (done or underway), and underway (another job is changing them).
func (d direction) split(listed map[string]ListenerCertificate, ids []string) (send, already, underway []string) {
	for _, id := range ids {
		cert, ok := listed[id]
		switch {
		case d.done(cert, ok):
			already = append(already, id)
		case d.underway(cert, ok):
			already = append(already, id)
			underway = append(underway, id)
		default:
			send = append(send, id)
		}
	}
	return send, already, underway
}

func (d direction) waiter(c *Client, optFns []func(*alicloud.WaiterOptions)) certWaiter {
	return newCertWaiter(c, d.want, d.done, optFns)
}

// convergeResult is a changeResult plus the certificates not sent.
type convergeResult struct {
	changeResult
	already []string
}

// staleRounds bounds how often converge lists again after a stale answer.
const staleRounds = 3

func (c *Client) converge(ctx context.Context, d direction, in certificateChange, maxWait time.Duration,
	optFns []func(*alicloud.WaiterOptions)) (*convergeResult, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	if err := validate.MaxWait(maxWait); err != nil {
		return nil, err
	}
	base := rotation.BaseToken(in.clientToken)
	refused := "" // the token of a write refused as stale, when one was
	for round := 1; ; round++ {
		listed, err := c.listed(ctx, in.listenerID, in.ids)
		if err != nil {
			if refused != "" { // a write was sent: its token stays with the error
				return nil, idem.WithToken(refused, err)
			}
			return nil, err
		}
		for i, id := range in.ids {
			if cert, ok := listed[id]; d.removes && ok && cert.IsDefault {
				return nil, errDefaultCertificate("CertificateIDs["+strconv.Itoa(i)+"]", in.listenerID, id)
			}
		}
		send, already, underway := d.split(listed, in.ids)
		r := &convergeResult{already: already}
		if len(send) == 0 {
			r.dryRunPassed = in.dryRun
			if in.dryRun || len(underway) == 0 {
				return r, nil
			}
			return r, d.waiter(c, optFns).wait(ctx, in.listenerID, underway, "", maxWait)
		}
		req := in
		req.ids = send
		req.clientToken = callToken(base, d.op, in.listenerID, in.ids, send)
		if in.dryRun {
			// A precheck acts on nothing: its own token, so the real call
			// that follows may use the caller's.
			req.clientToken = alicloud.NewClientToken()
		} else if req.clientToken != base {
			// A derived token stands for the set sent: send it sorted, so a
			// re-run listing the ids in another order sends the same call.
			req.ids = slices.Sorted(slices.Values(send))
		}
		res, err := c.change(ctx, d.op, req)
		if err != nil {
			if errors.Is(err, d.stale) && round < staleRounds {
				refused = req.clientToken
				continue
			}
			return nil, err
		}
		r.changeResult = res
		if in.dryRun {
			return r, nil
		}
		// Wait on what this call changes and what an earlier job still
		// does: not on ids already in the end state, which someone else
		// may change meanwhile.
		if err := d.waiter(c, optFns).wait(ctx, in.listenerID, append(send, underway...), res.jobID, maxWait); err != nil {
			return r, waitError(res, err)
		}
		return r, nil
	}
}

// callToken is the ClientToken of a call a converging operation makes:
// the caller's (base) when it sends the caller's list unchanged, else one
// derived from base and the ids sent, so that equal calls get equal tokens
// and different calls different ones.
func callToken(base, op, listenerID string, asked, sent []string) string {
	if slices.Equal(asked, sent) {
		return base
	}
	return batchToken(base, op, listenerID, sent)
}

// batchToken is the ClientToken derived from base for a call of op that
// sends ids: the same set gives the same token, whatever its order. The
// converging calls and the rotation share it, so they agree on tokens.
func batchToken(base, op, listenerID string, ids []string) string {
	return idem.Derive(base, append([]string{op, listenerID}, slices.Sorted(slices.Values(ids))...)...)
}

// waitError is the error of the wait after the call res: it names the job
// (a *JobFailedError does already) and carries the call's ClientToken.
func waitError(res changeResult, err error) error {
	var jf *JobFailedError
	if !errors.As(err, &jf) {
		err = fmt.Errorf("alb: job %s: %w", res.jobID, err)
	}
	return idem.WithToken(res.clientToken, err)
}

// listed returns the listener's certificates among ids (all of them when
// ids is nil), by id.
func (c *Client) listed(ctx context.Context, listenerID string, ids []string) (map[string]ListenerCertificate, error) {
	in := &ListListenerCertificatesInput{ListenerID: listenerID, MaxResults: MaxListResults}
	if len(ids) <= MaxListResults {
		in.CertificateIDs = ids
	}
	listed := make(map[string]ListenerCertificate)
	for cert, err := range c.AllListenerCertificates(ctx, in) {
		if err != nil {
			return nil, err
		}
		listed[cert.CertificateID] = cert
	}
	return listed, nil
}
