package ga

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/idem"
	"github.com/listenercerts/alicloud/internal/rotation"
	"github.com/listenercerts/alicloud/internal/validate"
	"github.com/listenercerts/alicloud/internal/waiter"
)

// The ...AndWait methods converge: they read the listener's additional
// certificates first, send only what is not yet so, and wait until the
// change has taken effect (listener active, domains as wanted, accelerator
// active). When they send fewer items than the caller gave, the call
// carries a token derived from the caller's ClientToken and the items sent
// (internal/idem): re-running with the same caller token after an
// interruption re-sends the same items with the same token, so the service
// acts at most once, and a different list never reuses a token (the
// service would answer IdempotentParameterMismatch). The caller's list
// sent unchanged carries the caller's token as it is.

// maxRelist bounds how often an ...AndWait reads again after the service
// said a domain had no certificate (it went between the read and the call).
const maxRelist = 2

// derivedToken returns the ClientToken of a call that sends part of the
// caller's items: derived from base (the caller's token, or a fresh one
// when the caller gave none, so that two calls never share a token by
// accident), the operation, the target and the items sent (from
// domainItems or pairItems), sorted.
func derivedToken(base, op, acceleratorID, listenerID string, items []string) string {
	base = rotation.BaseToken(base)
	parts := make([]string, 0, len(items)+3)
	parts = append(parts, op, acceleratorID, listenerID)
	sorted := slices.Clone(items)
	slices.Sort(sorted)
	return idem.Derive(base, append(parts, sorted...)...)
}

// domainItems returns the token items of domains: lower-cased, as GA
// compares domains.
func domainItems(domains []string) []string {
	items := make([]string, len(domains))
	for i, d := range domains {
		items[i] = strings.ToLower(d)
	}
	return items
}

// pairItems returns the token items of domain/certificate pairs: the
// domain lower-cased, the certificate id as given (ids are compared
// exactly: two ids differing in case are two certificates, and must not
// share a token).
func pairItems(pairs []DomainCertificate) []string {
	items := make([]string, len(pairs))
	for i, dc := range pairs {
		items[i] = strings.ToLower(dc.Domain) + "=" + dc.CertificateID
	}
	return items
}

// DissociateAndWait converges on "these domains have no additional
// certificate". It first waits until the listener and the accelerator are
// active (checking at once), so that a change still under way (an
// interrupted run's, another caller's) is seen done before it reads; then
// it lists the listener's additional certificates, reports the domains that
// have none in AlreadyDissociated (they are not sent), dissociates the
// others in one call, and waits until the listener is active, none of the
// domains sent has an additional certificate and the accelerator is active
// again (so the next change is not refused with StateError.Accelerator).
// When no domain is left, no Dissociate is sent (ClientToken and RequestID
// are then empty).
//
// maxWait bounds each of the two waits (before and after the call;
// ErrWaitTimeout). It includes any time the accelerator is locked by other
// changes, on this listener or on another listener of the accelerator: GA
// takes one change per accelerator at a time. Give it room for those when
// several changes run against one accelerator. A call refused as busy is
// retried with its ClientToken until alicloud.RetryPolicy.MaxConflictWait,
// which maxWait does not bound; bound everything with ctx.
//
// ClientToken: the caller's list sent unchanged carries in.ClientToken (or
// a generated one) on every retry; a shortened list carries a token derived
// from in.ClientToken and the domains sent (see the package's notes on
// converging calls). Should the service answer NotExist.Certificate (a
// domain went between the read and the call), it reads again and sends the
// rest, up to twice.
//
// Input is validated first (*alicloud.ValidationError, nothing sent). Every
// error after the Dissociate was sent carries its ClientToken
// (alicloud.ClientTokenOf), the wait's errors included; with a wait error
// the output of the accepted call is returned too. A listener or
// accelerator being deleted ends it at once (*ListenerDeletingError,
// *AcceleratorDeletingError, matching alicloud.ErrNotFound); found before
// the call, nothing is sent.
func (c *Client) DissociateAndWait(ctx context.Context, in *DissociateAdditionalCertificatesFromListenerInput,
	maxWait time.Duration, optFns ...func(*alicloud.WaiterOptions)) (*DissociateAdditionalCertificatesFromListenerOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	if err := validate.MaxWait(maxWait); err != nil {
		return nil, err
	}
	opts := waiter.Options(optFns)
	if err := c.settle(ctx, in.AcceleratorID, in.ListenerID, maxWait, opts); err != nil {
		return nil, err
	}
	refused := "" // the token of a Dissociate refused as stale, when one was
	for relist := 0; ; relist++ {
		certs, err := c.additionalCertificates(ctx, in.AcceleratorID, in.ListenerID)
		if err != nil {
			if refused != "" { // a write was sent: its token stays with the error
				return nil, idem.WithToken(refused, err)
			}
			return nil, err
		}
		out := &DissociateAdditionalCertificatesFromListenerOutput{}
		var send []string
		for _, d := range in.Domains {
			if _, ok := certs[strings.ToLower(d)]; ok {
				send = append(send, d)
			} else {
				out.AlreadyDissociated = append(out.AlreadyDissociated, d)
			}
		}
		if len(send) == 0 {
			// settle found listener and accelerator active, and none of
			// the domains is listed: done.
			return out, nil
		}
		call := *in
		if len(send) < len(in.Domains) {
			call.Domains = send
			call.ClientToken = derivedToken(in.ClientToken, opDissociate, in.AcceleratorID, in.ListenerID, domainItems(send))
		}
		res, err := c.DissociateAdditionalCertificatesFromListener(ctx, &call)
		if errors.Is(err, ErrCertificateNotFound) && relist < maxRelist {
			refused = alicloud.ClientTokenOf(err)
			continue
		}
		if err != nil {
			return nil, err
		}
		out.RequestID, out.ClientToken = res.RequestID, res.ClientToken
		// Wait only on the domains sent: one already without a certificate
		// that someone associates meanwhile is not this call's business.
		return out, idem.WithToken(res.ClientToken, c.waitChange(ctx, in.AcceleratorID, in.ListenerID, domainWant{absent: send},
			maxWait, opts, false))
	}
}

// AssociateAndWait converges on "each domain is served by its certificate":
// it lists the listener's additional certificates, reports the domains
// already served by the given certificate in AlreadyAssociated (not sent),
// associates the others in one call, and waits, up to maxWait, until the
// listener is active, every domain is served by its certificate (state
// active) and the accelerator is active again. A domain served by another
// certificate is sent as given, and GA refuses it (ErrCertificateExists):
// use [Client.UpdateAndWait] or [Client.RotateCertificates] to replace it.
// The first wait, maxWait (which includes time the accelerator is locked
// by other changes), ClientTokens, errors and the nothing-to-send case are
// as in [Client.DissociateAndWait].
func (c *Client) AssociateAndWait(ctx context.Context, in *AssociateAdditionalCertificatesWithListenerInput,
	maxWait time.Duration, optFns ...func(*alicloud.WaiterOptions)) (*AssociateAdditionalCertificatesWithListenerOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	if err := validate.MaxWait(maxWait); err != nil {
		return nil, err
	}
	opts := waiter.Options(optFns)
	if err := c.settle(ctx, in.AcceleratorID, in.ListenerID, maxWait, opts); err != nil {
		return nil, err
	}
	want := domainWant{served: in.Certificates}
	certs, err := c.additionalCertificates(ctx, in.AcceleratorID, in.ListenerID)
	if err != nil {
		return nil, err
	}
	out := &AssociateAdditionalCertificatesWithListenerOutput{}
	var send []DomainCertificate
	for _, dc := range in.Certificates {
		if cur, ok := certs[strings.ToLower(dc.Domain)]; ok && cur.CertificateID == dc.CertificateID {
			out.AlreadyAssociated = append(out.AlreadyAssociated, dc.Domain)
		} else {
			send = append(send, dc)
		}
	}
	if len(send) == 0 {
		return out, c.waitUnlessSo(ctx, in.AcceleratorID, in.ListenerID, want, certs, maxWait, opts)
	}
	call := *in
	if len(send) < len(in.Certificates) {
		call.Certificates = send
		call.ClientToken = derivedToken(in.ClientToken, opAssociate, in.AcceleratorID, in.ListenerID, pairItems(send))
	}
	res, err := c.AssociateAdditionalCertificatesWithListener(ctx, &call)
	if err != nil {
		return nil, err
	}
	out.RequestID, out.ClientToken = res.RequestID, res.ClientToken
	return out, idem.WithToken(res.ClientToken, c.waitChange(ctx, in.AcceleratorID, in.ListenerID, want, maxWait, opts, false))
}

// UpdateAndWait replaces the certificate of one domain in place and waits,
// up to maxWait, until the listener is active, the domain is served by the
// new certificate (state active) and the accelerator is active again. It
// converges: when the domain is already served by that certificate,
// nothing is sent and AlreadyUpdated is set. With DryRun it only sends the
// precheck and does not wait. The call carries in.ClientToken (or a
// generated one); the first wait, maxWait (which includes time the
// accelerator is locked by other changes) and errors are as in
// [Client.DissociateAndWait].
func (c *Client) UpdateAndWait(ctx context.Context, in *UpdateAdditionalCertificateWithListenerInput,
	maxWait time.Duration, optFns ...func(*alicloud.WaiterOptions)) (*UpdateAdditionalCertificateWithListenerOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	if err := validate.MaxWait(maxWait); err != nil {
		return nil, err
	}
	if in.DryRun {
		return c.UpdateAdditionalCertificateWithListener(ctx, in)
	}
	opts := waiter.Options(optFns)
	if err := c.settle(ctx, in.AcceleratorID, in.ListenerID, maxWait, opts); err != nil {
		return nil, err
	}
	want := domainWant{served: []DomainCertificate{{Domain: in.Domain, CertificateID: in.CertificateID}}}
	certs, err := c.additionalCertificates(ctx, in.AcceleratorID, in.ListenerID)
	if err != nil {
		return nil, err
	}
	if cur, ok := certs[strings.ToLower(in.Domain)]; ok && cur.CertificateID == in.CertificateID {
		return &UpdateAdditionalCertificateWithListenerOutput{AlreadyUpdated: true},
			c.waitUnlessSo(ctx, in.AcceleratorID, in.ListenerID, want, certs, maxWait, opts)
	}
	out, err := c.UpdateAdditionalCertificateWithListener(ctx, in)
	if err != nil {
		return nil, err
	}
	return out, idem.WithToken(out.ClientToken, c.waitChange(ctx, in.AcceleratorID, in.ListenerID, want, maxWait, opts, false))
}
