package ga

import (
	"context"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/signer"
	"github.com/listenercerts/alicloud/internal/validate"
)

// UpdateAdditionalCertificateWithListenerInput is the input of
// [Client.UpdateAdditionalCertificateWithListener].
type UpdateAdditionalCertificateWithListenerInput struct {
	AcceleratorID string // required
	ListenerID    string // required: an HTTPS listener
	Domain        string // required: a domain that has an additional certificate. Wire: Domain
	CertificateID string // required: the certificate to serve it from now on. Wire: CertificateId
	// ClientToken makes the call idempotent. When empty, a UUID is
	// generated, and every retry of the call reuses it.
	ClientToken string
	// DryRun only prechecks the request; nothing changes.
	DryRun bool
}

// UpdateAdditionalCertificateWithListenerOutput is the result of
// [Client.UpdateAdditionalCertificateWithListener].
type UpdateAdditionalCertificateWithListenerOutput struct {
	RequestID    string
	ClientToken  string // the token the call carried, given or generated
	DryRunPassed bool   // DryRun was set and the precheck passed (service code DryRunOperation)
	// AlreadyUpdated (UpdateAndWait only): the domain was already served by
	// the certificate when it looked; nothing was sent.
	AlreadyUpdated bool
}

// UpdateAdditionalCertificateWithListener replaces the certificate of one
// domain that already has an additional certificate, in place: the domain
// is served throughout. It is one request (retried with the same
// ClientToken); [Client.UpdateAndWait] also waits. A domain without an
// additional certificate is refused (ErrCertificateNotFound, assumed code):
// associate it instead.
//
// With DryRun, a passed precheck returns DryRunPassed and a nil error (the
// service answers code DryRunOperation). The change is asynchronous and
// holds the accelerator, as Dissociate does (see
// [Client.DissociateAdditionalCertificatesFromListener] for busy answers
// and errors).
func (c *Client) UpdateAdditionalCertificateWithListener(ctx context.Context,
	in *UpdateAdditionalCertificateWithListenerInput) (*UpdateAdditionalCertificateWithListenerOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	res, err := c.change(ctx, opUpdate, in.AcceleratorID, in.ListenerID, in.ClientToken, in.DryRun,
		updateParams(in.Domain, in.CertificateID)...)
	if err != nil {
		return nil, err
	}
	return &UpdateAdditionalCertificateWithListenerOutput{RequestID: res.RequestID, ClientToken: res.ClientToken,
		DryRunPassed: res.DryRunPassed}, nil
}

// updateParams returns Update's own parameters.
func updateParams(domain, certificateID string) []signer.Param {
	return []signer.Param{{Key: "Domain", Value: domain}, {Key: "CertificateId", Value: certificateID}}
}

func (in *UpdateAdditionalCertificateWithListenerInput) validate() error {
	if in == nil {
		return &alicloud.ValidationError{Field: "input", Reason: "must not be nil"}
	}
	if err := validateTarget(in.AcceleratorID, in.ListenerID, in.ClientToken); err != nil {
		return err
	}
	if err := validate.ID("Domain", in.Domain); err != nil {
		return err
	}
	return validate.ID("CertificateID", in.CertificateID)
}
