package ga

import (
	"context"
	"strconv"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/signer"
	"github.com/listenercerts/alicloud/internal/validate"
)

// MaxDomainsPerCall is the most domains one
// DissociateAdditionalCertificatesFromListener or
// AssociateAdditionalCertificatesWithListener call takes.
const MaxDomainsPerCall = 10

// DissociateAdditionalCertificatesFromListenerInput is the input of
// [Client.DissociateAdditionalCertificatesFromListener].
type DissociateAdditionalCertificatesFromListenerInput struct {
	AcceleratorID string // required, e.g. "ga-bp1odcab8tmno0hdq****"
	ListenerID    string // required, e.g. "lsr-bp1bpn0kn908w4nbw****"
	// Domains: required, 1 to MaxDomainsPerCall domains, distinct
	// case-insensitively, at most MaxDomainLength bytes each. Wire: Domains.N
	Domains []string
	// ClientToken makes the call idempotent. When empty, a UUID is
	// generated, and every retry of the call reuses it.
	ClientToken string
}

// DissociateAdditionalCertificatesFromListenerOutput is the result of
// [Client.DissociateAdditionalCertificatesFromListener].
type DissociateAdditionalCertificatesFromListenerOutput struct {
	RequestID   string
	ClientToken string // the token the call carried, given or generated
	// AlreadyDissociated (DissociateAndWait only) holds the domains of the
	// input that had no additional certificate when it looked, spelled as
	// given; they were not sent.
	AlreadyDissociated []string
}

// DissociateAdditionalCertificatesFromListener removes the additional
// certificates of the given domains from an HTTPS listener. It is one
// request (retried with the same ClientToken); for the converging form that
// skips domains without a certificate and waits, see [Client.DissociateAndWait].
//
// The operation is asynchronous: the listener is "updating" and its
// accelerator "configuring" until the change is done; use
// [Client.DissociateAndWait]. GA refuses another change on the same
// accelerator meanwhile (ErrAcceleratorState); the client retries such busy
// answers with the same ClientToken until RetryPolicy.MaxConflictWait
// (see alicloud.RetryPolicy; DisableConflictRetry returns them at once).
//
// Input is validated before anything is sent (*alicloud.ValidationError);
// service errors are *alicloud.APIError and match this package's sentinels.
// Every error after sending carries the call's ClientToken
// (alicloud.ClientTokenOf).
func (c *Client) DissociateAdditionalCertificatesFromListener(ctx context.Context,
	in *DissociateAdditionalCertificatesFromListenerInput) (*DissociateAdditionalCertificatesFromListenerOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	res, err := c.change(ctx, opDissociate, in.AcceleratorID, in.ListenerID, in.ClientToken, false,
		dissociateParams(in.Domains)...)
	if err != nil {
		return nil, err
	}
	return &DissociateAdditionalCertificatesFromListenerOutput{RequestID: res.RequestID, ClientToken: res.ClientToken}, nil
}

// dissociateParams returns Dissociate's own parameters.
func dissociateParams(domains []string) []signer.Param {
	params := make([]signer.Param, len(domains))
	for i, d := range domains {
		params[i] = signer.Param{Key: domainKeys[i], Value: d}
	}
	return params
}

var domainKeys = func() (k [MaxDomainsPerCall]string) {
	for i := range k {
		k[i] = "Domains." + strconv.Itoa(i+1)
	}
	return k
}()

func (in *DissociateAdditionalCertificatesFromListenerInput) validate() error {
	if in == nil {
		return &alicloud.ValidationError{Field: "input", Reason: "must not be nil"}
	}
	if err := validateTarget(in.AcceleratorID, in.ListenerID, in.ClientToken); err != nil {
		return err
	}
	return validate.Domains("Domains", in.Domains, MaxDomainsPerCall)
}
