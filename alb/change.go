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

// The two certificate changes, Associate and Dissociate, are one request
// shape: ListenerId, Certificates.N.CertificateId (1..15), ClientToken,
// DryRun; answered with a JobId. This file holds that shape once.

const (
	opAssociate  = "AssociateAdditionalCertificatesWithListener"
	opDissociate = "DissociateAdditionalCertificatesFromListener"
)

// certificateChange is the input of either change.
type certificateChange struct {
	listenerID  string
	ids         []string
	clientToken string
	dryRun      bool
}

// changeResult is the answer to either change.
type changeResult struct {
	jobID, requestID, clientToken string
	dryRunPassed                  bool
}

type changeResponse struct {
	RequestId string
	JobId     string
	Code      string // DryRunOperation, should a dry run ever be answered with a 2xx
	dryRun    bool   // not decoded: whether the request was a dry run
}

func (r *changeResponse) RequestID() string { return r.RequestId }

// errNoJobID is the decode error of an accepted write answered without a
// JobId.
var errNoJobID = errors.New("the answer has no JobId")

// Validate makes an accepted write without a JobId a decode error: there
// would be nothing to wait for. A dry run has no job.
func (r *changeResponse) Validate() error {
	if r.JobId == "" && !r.dryRun {
		return errNoJobID
	}
	return nil
}

func (in certificateChange) validate() error {
	if err := validate.ID("ListenerID", in.listenerID); err != nil {
		return err
	}
	if err := validate.List("CertificateIDs", in.ids, MaxCertificatesPerCall); err != nil {
		return err
	}
	return validate.ClientToken(in.clientToken)
}

// change validates in and sends one request of operation op: every attempt
// carries one ClientToken (in.clientToken, or one generated). A passed
// DryRun precheck (code DryRunOperation, whatever the HTTP status) is a
// result with dryRunPassed, not an error.
func (c *Client) change(ctx context.Context, op string, in certificateChange) (changeResult, error) {
	if err := in.validate(); err != nil {
		return changeResult{}, err
	}
	params := make([]signer.Param, 0, len(in.ids)+3)
	params = append(params, signer.Param{Key: "ListenerId", Value: in.listenerID})
	for i, id := range in.ids {
		params = append(params, signer.Param{Key: certificateKey(i), Value: id})
	}
	if in.dryRun {
		params = append(params, signer.Param{Key: "DryRun", Value: "true"})
	}
	resp := changeResponse{dryRun: in.dryRun}
	res, err := c.t.Do(ctx, &transport.Request{
		Operation:   op,
		Params:      params,
		Idempotent:  true,
		ClientToken: in.clientToken,
	}, &resp)
	if err != nil {
		var apiErr *alicloud.APIError
		if in.dryRun && errors.As(err, &apiErr) && apiErr.Code == codeDryRunOperation {
			return changeResult{requestID: apiErr.RequestID, clientToken: res.ClientToken, dryRunPassed: true}, nil
		}
		return changeResult{}, err
	}
	return changeResult{jobID: resp.JobId, requestID: res.RequestID, clientToken: res.ClientToken,
		dryRunPassed: in.dryRun && resp.Code == codeDryRunOperation}, nil
}

var certificateKeys = func() (k [MaxCertificatesPerCall]string) {
	for i := range k {
		k[i] = "Certificates." + strconv.Itoa(i+1) + ".CertificateId"
	}
	return k
}()

func certificateKey(i int) string { return certificateKeys[i] }
