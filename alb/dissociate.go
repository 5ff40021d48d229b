package alb

import (
	"context"
	"errors"
	"strconv"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/signer"
	"github.com/listenercerts/alicloud/internal/transport"
	"github.com/listenercerts/alicloud/internal/validate"
)

// MaxCertificatesPerCall is the most certificates one
// DissociateAdditionalCertificatesFromListener call takes. The API schema
// says 15 (its prose says 20); the schema is what the service enforces.
const MaxCertificatesPerCall = 15

// DissociateAdditionalCertificatesFromListenerInput is the input of
// [Client.DissociateAdditionalCertificatesFromListener].
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
// [Client.DissociateAdditionalCertificatesFromListener].
type DissociateAdditionalCertificatesFromListenerOutput struct {
	JobID        string // the asynchronous job; empty for a dry run
	RequestID    string
	DryRunPassed bool   // true when DryRun was set and the precheck passed (service code DryRunOperation)
	ClientToken  string // the token the call carried, given or generated
}

type dissociateResponse struct {
	RequestId string
	JobId     string
	Code      string // DryRunOperation, should a dry run ever be answered with a 2xx
	dryRun    bool   // not decoded: whether the request was a dry run
}

func (r *dissociateResponse) RequestID() string { return r.RequestId }

// errNoJobID is the decode error of an accepted write answered without a
// JobId.
var errNoJobID = errors.New("the answer has no JobId")

// Validate makes an accepted write without a JobId a decode error: there
// would be nothing to wait for. A dry run has no job.
func (r *dissociateResponse) Validate() error {
	if r.JobId == "" && !r.dryRun {
		return errNoJobID
	}
	return nil
}

// DissociateAdditionalCertificatesFromListener removes additional
// certificates from an HTTPS or QUIC listener.
//
// The operation is asynchronous: it returns a JobID while the certificates
// are still Dissociating; use [Client.DissociateAndWait] or a
// [CertificatesDissociatedWaiter] to wait until they are Dissociated.
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
	if err := in.validate(); err != nil {
		return nil, err
	}
	params := make([]signer.Param, 0, len(in.CertificateIDs)+3)
	params = append(params, signer.Param{Key: "ListenerId", Value: in.ListenerID})
	for i, id := range in.CertificateIDs {
		params = append(params, signer.Param{Key: certificateKey(i), Value: id})
	}
	if in.DryRun {
		params = append(params, signer.Param{Key: "DryRun", Value: "true"})
	}
	resp := dissociateResponse{dryRun: in.DryRun}
	res, err := c.t.Do(ctx, &transport.Request{
		Operation:   "DissociateAdditionalCertificatesFromListener",
		Params:      params,
		Idempotent:  true,
		ClientToken: in.ClientToken,
	}, &resp)
	if err != nil {
		var apiErr *alicloud.APIError
		if in.DryRun && errors.As(err, &apiErr) && apiErr.Code == codeDryRunOperation {
			return &DissociateAdditionalCertificatesFromListenerOutput{
				RequestID: apiErr.RequestID, DryRunPassed: true, ClientToken: res.ClientToken}, nil
		}
		return nil, err
	}
	return &DissociateAdditionalCertificatesFromListenerOutput{JobID: resp.JobId, RequestID: resp.RequestId,
		DryRunPassed: in.DryRun && resp.Code == codeDryRunOperation, ClientToken: res.ClientToken}, nil
}

var certificateKeys = func() (k [MaxCertificatesPerCall]string) {
	for i := range k {
		k[i] = "Certificates." + strconv.Itoa(i+1) + ".CertificateId"
	}
	return k
}()

func certificateKey(i int) string { return certificateKeys[i] }

func (in *DissociateAdditionalCertificatesFromListenerInput) validate() error {
	if in == nil {
		return &alicloud.ValidationError{Field: "input", Reason: "must not be nil"}
	}
	if err := validate.ID("ListenerID", in.ListenerID); err != nil {
		return err
	}
	if err := validate.List("CertificateIDs", in.CertificateIDs, MaxCertificatesPerCall); err != nil {
		return err
	}
	return validate.ClientToken(in.ClientToken)
}
