package ga

import (
	"context"
	"errors"
	"strconv"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/signer"
	"github.com/listenercerts/alicloud/internal/transport"
	"github.com/listenercerts/alicloud/internal/validate"
)

// The three certificate changes of a GA listener (Associate, Update,
// Dissociate) share their shape: RegionId, AcceleratorId, ListenerId, the
// operation's own parameters, a ClientToken reused by every retry, and a
// RequestId back. change is that shape; each operation's file only builds
// its own parameters.

// MaxDomainLength is the longest domain or certificate id the client
// sends (validate.MaxIDLength).
const MaxDomainLength = validate.MaxIDLength

// Operation names on the wire.
const (
	opAssociate  = "AssociateAdditionalCertificatesWithListener"
	opUpdate     = "UpdateAdditionalCertificateWithListener"
	opDissociate = "DissociateAdditionalCertificatesFromListener"
)

type changeResponse struct {
	RequestId string
	Code      string // DryRunOperation, should a dry run ever be answered with a 2xx
}

func (r *changeResponse) RequestID() string { return r.RequestId }

type changeResult struct {
	RequestID, ClientToken string
	DryRunPassed           bool
}

// change sends one certificate change of a listener. With dryRun, a passed
// precheck (code DryRunOperation, whatever the HTTP status) is a result
// with DryRunPassed, not an error. Errors carry the ClientToken.
func (c *Client) change(ctx context.Context, op, acceleratorID, listenerID, clientToken string, dryRun bool,
	params ...signer.Param) (changeResult, error) {
	all := make([]signer.Param, 0, len(params)+5)
	all = append(all,
		signer.Param{Key: "RegionId", Value: RegionID},
		signer.Param{Key: "AcceleratorId", Value: acceleratorID},
		signer.Param{Key: "ListenerId", Value: listenerID})
	all = append(all, params...)
	if dryRun {
		all = append(all, signer.Param{Key: "DryRun", Value: "true"})
	}
	var resp changeResponse
	res, err := c.t.Do(ctx, &transport.Request{Operation: op, Params: all, Idempotent: true, ClientToken: clientToken}, &resp)
	if err != nil {
		var apiErr *alicloud.APIError
		if dryRun && errors.As(err, &apiErr) && apiErr.Code == codeDryRunOperation {
			return changeResult{RequestID: apiErr.RequestID, ClientToken: res.ClientToken, DryRunPassed: true}, nil
		}
		return changeResult{ClientToken: res.ClientToken}, err
	}
	return changeResult{RequestID: res.RequestID, ClientToken: res.ClientToken,
		DryRunPassed: dryRun && resp.Code == codeDryRunOperation}, nil
}

// validateTarget checks what every change names: the accelerator, the
// listener and the optional ClientToken.
func validateTarget(acceleratorID, listenerID, clientToken string) error {
	if err := validate.ID("AcceleratorID", acceleratorID); err != nil {
		return err
	}
	if err := validate.ID("ListenerID", listenerID); err != nil {
		return err
	}
	return validate.ClientToken(clientToken)
}

func indexed(field string, i int) string { return field + "[" + strconv.Itoa(i) + "]" }
