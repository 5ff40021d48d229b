package alb

import (
	"context"

	"github.com/listenercerts/alicloud"
)

// MaxCertificatesPerCall is the most certificates one
// AssociateAdditionalCertificatesWithListener or
// DissociateAdditionalCertificatesFromListener call takes. The API schema
// says 15 (the Dissociate prose says 20); the schema is what the service
// enforces. [Client.RotateCertificates] takes any number and splits them.
const MaxCertificatesPerCall = 15

// DissociateAdditionalCertificatesFromListenerInput is the input of
// [Client.DissociateAdditionalCertificatesFromListener] and
// [Client.DissociateAndWait].
type DissociateAdditionalCertificatesFromListenerInput struct {
	// ListenerID is the HTTPS or QUIC listener, e.g. "lsn-5qnirjhpt7****". Required.
	ListenerID string
	// CertificateIDs are the additional certificates to remove: 1 to
	// MaxCertificatesPerCall distinct, non-empty ids. Wire: Certificates.N.CertificateId.
	CertificateIDs []string
	// ClientToken makes the call idempotent. When empty, a UUID is
	// generated, and every retry of the call reuses it.
	ClientToken string
	// DryRun only prechecks the request; nothing changes.
	DryRun bool
}

// DissociateAdditionalCertificatesFromListenerOutput is the result of
// [Client.DissociateAdditionalCertificatesFromListener] and
// [Client.DissociateAndWait].
type DissociateAdditionalCertificatesFromListenerOutput struct {
	JobID        string // the asynchronous job; empty for a dry run (and when DissociateAndWait sent nothing)
	RequestID    string
	DryRunPassed bool   // true when DryRun was set and the precheck passed (service code DryRunOperation)
	ClientToken  string // the token the call carried, given or generated; empty when nothing was sent
	// AlreadyDissociated (DissociateAndWait only) lists the requested
	// certificates that were not sent because the listing showed them
	// already dissociated (not listed) or being dissociated; the call
	// waited for the latter too.
	AlreadyDissociated []string
}

// DissociateAdditionalCertificatesFromListener removes additional
// certificates from an HTTPS or QUIC listener. It is one faithful request:
// a certificate that is not associated fails it whole
// (ErrCertificateNotAssociated); [Client.DissociateAndWait] converges instead.
//
// The operation is asynchronous: it returns a JobID while the certificates
// are still Dissociating; use [Client.DissociateAndWait] or a
// [CertificatesDissociatedWaiter] to wait until they are gone.
//
// Input is validated before anything is sent (*alicloud.ValidationError).
// Service errors are *alicloud.APIError and match the sentinels of this
// package (ErrListenerNotFound, ...) with errors.Is. With DryRun, a passed
// precheck returns DryRunPassed and a nil error (the service answers code
// DryRunOperation, whatever the HTTP status).
//
// Every error after sending carries the call's ClientToken
// (alicloud.ClientTokenOf): when the outcome is unknown, call again with it.
func (c *Client) DissociateAdditionalCertificatesFromListener(ctx context.Context,
	in *DissociateAdditionalCertificatesFromListenerInput) (*DissociateAdditionalCertificatesFromListenerOutput, error) {
	if in == nil {
		return nil, &alicloud.ValidationError{Field: "input", Reason: "must not be nil"}
	}
	res, err := c.change(ctx, opDissociate, in.change())
	if err != nil {
		return nil, err
	}
	return &DissociateAdditionalCertificatesFromListenerOutput{JobID: res.jobID, RequestID: res.requestID,
		DryRunPassed: res.dryRunPassed, ClientToken: res.clientToken}, nil
}

func (in *DissociateAdditionalCertificatesFromListenerInput) change() certificateChange {
	return certificateChange{listenerID: in.ListenerID, ids: in.CertificateIDs, clientToken: in.ClientToken, dryRun: in.DryRun}
}
