package ga

import (
	"context"
	"strconv"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/signer"
	"github.com/listenercerts/alicloud/internal/validate"
)

// DomainCertificate pairs a domain with the certificate that serves it.
type DomainCertificate struct {
	Domain        string // e.g. "www.example.com"; compared case-insensitively
	CertificateID string // e.g. "6092**-cn-hangzhou"
}

// AssociateAdditionalCertificatesWithListenerInput is the input of
// [Client.AssociateAdditionalCertificatesWithListener].
type AssociateAdditionalCertificatesWithListenerInput struct {
	AcceleratorID string // required
	ListenerID    string // required: an HTTPS listener
	// Certificates: required, 1 to MaxDomainsPerCall pairs, domains
	// distinct case-insensitively, values at most MaxDomainLength bytes.
	// Wire: Certificates.N.Domain, Certificates.N.Id. GA serves at most one
	// additional certificate per domain and 25 per listener.
	Certificates []DomainCertificate
	// ClientToken makes the call idempotent. When empty, a UUID is
	// generated, and every retry of the call reuses it.
	ClientToken string
}

// AssociateAdditionalCertificatesWithListenerOutput is the result of
// [Client.AssociateAdditionalCertificatesWithListener].
type AssociateAdditionalCertificatesWithListenerOutput struct {
	RequestID   string
	ClientToken string // the token the call carried, given or generated
	// AlreadyAssociated (AssociateAndWait only) holds the domains of the
	// input already served by their certificate when it looked; they were
	// not sent.
	AlreadyAssociated []string
}

// AssociateAdditionalCertificatesWithListener adds additional certificates
// to an HTTPS listener, one per domain. It is one request (retried with the
// same ClientToken); [Client.AssociateAndWait] skips what is already there
// and waits. A domain that already has an additional certificate is refused
// (ErrCertificateExists): replace it with
// [Client.UpdateAdditionalCertificateWithListener].
//
// The change is asynchronous and holds the accelerator, as Dissociate does
// (see [Client.DissociateAdditionalCertificatesFromListener] for busy
// answers and errors).
func (c *Client) AssociateAdditionalCertificatesWithListener(ctx context.Context,
	in *AssociateAdditionalCertificatesWithListenerInput) (*AssociateAdditionalCertificatesWithListenerOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	res, err := c.change(ctx, opAssociate, in.AcceleratorID, in.ListenerID, in.ClientToken, false,
		associateParams(in.Certificates)...)
	if err != nil {
		return nil, err
	}
	return &AssociateAdditionalCertificatesWithListenerOutput{RequestID: res.RequestID, ClientToken: res.ClientToken}, nil
}

// associateParams returns Associate's own parameters.
func associateParams(pairs []DomainCertificate) []signer.Param {
	params := make([]signer.Param, 0, 2*len(pairs))
	for i, dc := range pairs {
		params = append(params, signer.Param{Key: certificateKeys[i].domain, Value: dc.Domain},
			signer.Param{Key: certificateKeys[i].id, Value: dc.CertificateID})
	}
	return params
}

var certificateKeys = func() (k [MaxDomainsPerCall]struct{ domain, id string }) {
	for i := range k {
		n := "Certificates." + strconv.Itoa(i+1)
		k[i].domain, k[i].id = n+".Domain", n+".Id"
	}
	return k
}()

func (in *AssociateAdditionalCertificatesWithListenerInput) validate() error {
	if in == nil {
		return &alicloud.ValidationError{Field: "input", Reason: "must not be nil"}
	}
	if err := validateTarget(in.AcceleratorID, in.ListenerID, in.ClientToken); err != nil {
		return err
	}
	return validatePairs("Certificates", in.Certificates, MaxDomainsPerCall)
}

// validatePairs checks 1..max domain/certificate pairs with distinct domains.
func validatePairs(field string, pairs []DomainCertificate, max int) error {
	domains := make([]string, len(pairs))
	for i, dc := range pairs {
		domains[i] = dc.Domain
	}
	if err := validate.Domains(field, domains, max); err != nil {
		return err
	}
	for i, dc := range pairs {
		if err := validate.ID(indexed(field, i)+".CertificateID", dc.CertificateID); err != nil {
			return err
		}
	}
	return nil
}
