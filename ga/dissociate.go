package ga

import (
	"context"
	"strconv"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/signer"
	"github.com/listenercerts/alicloud/internal/transport"
	"github.com/listenercerts/alicloud/internal/validate"
)

// MaxDomainsPerCall is the most domains one
// DissociateAdditionalCertificatesFromListener call takes.
const MaxDomainsPerCall = 10

// DissociateAdditionalCertificatesFromListenerInput is the input of
// [Client.DissociateAdditionalCertificatesFromListener].
type DissociateAdditionalCertificatesFromListenerInput struct {
	AcceleratorID string   // required, e.g. "ga-bp1odcab8tmno0hdq****"
	ListenerID    string   // required, e.g. "lsr-bp1bpn0kn908w4nbw****"
	Domains       []string // required: 1 to MaxDomainsPerCall distinct domains. Wire: Domains.N
	// ClientToken makes the call idempotent. When empty, a UUID is
	// generated, and every retry of the call reuses it.
	ClientToken string
}

// DissociateAdditionalCertificatesFromListenerOutput is the result of
// [Client.DissociateAdditionalCertificatesFromListener].
type DissociateAdditionalCertificatesFromListenerOutput struct {
	RequestID   string
	ClientToken string // the token the call carried, given or generated
}

type dissociateResponse struct{ RequestId string }

func (r *dissociateResponse) RequestID() string { return r.RequestId }

// DissociateAdditionalCertificatesFromListener removes the additional
// certificates of the given domains from an HTTPS listener.
//
// The operation is asynchronous: the listener is "updating" until the
// change is done, then "active"; use [Client.DissociateAndWait] or a
// [ListenerActiveWaiter]. GA refuses another change on the same accelerator
// for a short while (ErrAcceleratorState); the client retries such busy
// answers with the same ClientToken until RetryPolicy.MaxConflictWait
// (see alicloud.RetryPolicy; DisableConflictRetry returns them at once).
//
// Input is validated before anything is sent (*alicloud.ValidationError);
// service errors are *alicloud.APIError and match this package's sentinels.
func (c *Client) DissociateAdditionalCertificatesFromListener(ctx context.Context,
	in *DissociateAdditionalCertificatesFromListenerInput) (*DissociateAdditionalCertificatesFromListenerOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	params := make([]signer.Param, 0, len(in.Domains)+4)
	params = append(params,
		signer.Param{Key: "RegionId", Value: RegionID},
		signer.Param{Key: "AcceleratorId", Value: in.AcceleratorID},
		signer.Param{Key: "ListenerId", Value: in.ListenerID},
	)
	for i, d := range in.Domains {
		params = append(params, signer.Param{Key: domainKeys[i], Value: d})
	}
	var resp dissociateResponse
	res, err := c.t.Do(ctx, &transport.Request{
		Operation:   "DissociateAdditionalCertificatesFromListener",
		Params:      params,
		Idempotent:  true,
		ClientToken: in.ClientToken,
	}, &resp)
	if err != nil {
		return nil, err
	}
	return &DissociateAdditionalCertificatesFromListenerOutput{RequestID: resp.RequestId, ClientToken: res.ClientToken}, nil
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
	if err := validate.ID("AcceleratorID", in.AcceleratorID); err != nil {
		return err
	}
	if err := validate.ID("ListenerID", in.ListenerID); err != nil {
		return err
	}
	if err := validate.Domains("Domains", in.Domains, MaxDomainsPerCall); err != nil {
		return err
	}
	return validate.ClientToken(in.ClientToken)
}
