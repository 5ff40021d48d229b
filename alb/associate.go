package alb

import (
	"context"

	"github.com/listenercerts/alicloud"
)

// AssociateAdditionalCertificatesWithListenerInput is the input of
// [Client.AssociateAdditionalCertificatesWithListener] and
// [Client.AssociateAndWait].
type AssociateAdditionalCertificatesWithListenerInput struct {
	// ListenerID is the HTTPS or QUIC listener, e.g. "lsn-5qnirjhpt7****". Required.
	ListenerID string
	// CertificateIDs are the server certificates to add: 1 to
	// MaxCertificatesPerCall distinct, non-empty ids, e.g.
	// "1011****-cn-hangzhou". Wire: Certificates.N.CertificateId.
	CertificateIDs []string
	// ClientToken makes the call idempotent. When empty, a UUID is
	// generated, and every retry of the call reuses it.
	ClientToken string
	// DryRun only prechecks the request; nothing changes.
	DryRun bool
}

// AssociateAdditionalCertificatesWithListenerOutput is the result of
// [Client.AssociateAdditionalCertificatesWithListener] and
// [Client.AssociateAndWait].
type AssociateAdditionalCertificatesWithListenerOutput struct {
	JobID        string // the asynchronous job; empty for a dry run (and when AssociateAndWait sent nothing)
	RequestID    string
	DryRunPassed bool   // true when DryRun was set and the precheck passed (service code DryRunOperation)
	ClientToken  string // the token the call carried, given or generated; empty when nothing was sent
	// AlreadyAssociated (AssociateAndWait only) lists the requested
	// certificates that were not sent because the listing showed them
	// already Associated or Associating; the call waited for the latter too.
	AlreadyAssociated []string
}

// AssociateAdditionalCertificatesWithListener adds additional server
// certificates to an HTTPS or QUIC listener, the mirror image of
// [Client.DissociateAdditionalCertificatesFromListener]: one faithful
// request, same limits, same ClientToken, DryRun and error rules. A
// certificate the listener already has is refused by the service (assumed
// ErrCertificateAlreadyAssociated, as the sibling NLB API answers);
// [Client.AssociateAndWait] lists first and skips it instead.
//
// The operation is asynchronous: it returns a JobID while the certificates
// are Associating; use [Client.AssociateAndWait] or a
// [CertificatesAssociatedWaiter] to wait until they are Associated.
//
// Every error after sending carries the call's ClientToken
// (alicloud.ClientTokenOf): when the outcome is unknown, call again with it.
func (c *Client) AssociateAdditionalCertificatesWithListener(ctx context.Context,
	in *AssociateAdditionalCertificatesWithListenerInput) (*AssociateAdditionalCertificatesWithListenerOutput, error) {
	if in == nil {
		return nil, &alicloud.ValidationError{Field: "input", Reason: "must not be nil"}
	}
	res, err := c.change(ctx, opAssociate, in.change())
	if err != nil {
		return nil, err
	}
	return &AssociateAdditionalCertificatesWithListenerOutput{JobID: res.jobID, RequestID: res.requestID,
		DryRunPassed: res.dryRunPassed, ClientToken: res.clientToken}, nil
}

func (in *AssociateAdditionalCertificatesWithListenerInput) change() certificateChange {
	return certificateChange{listenerID: in.ListenerID, ids: in.CertificateIDs, clientToken: in.ClientToken, dryRun: in.DryRun}
}
