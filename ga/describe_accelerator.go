package ga

import (
	"context"
	"time"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/signer"
	"github.com/listenercerts/alicloud/internal/transport"
	"github.com/listenercerts/alicloud/internal/validate"
)

// Accelerator states reported by DescribeAccelerator. Compare them with
// strings.EqualFold: the waiters of this package do.
const (
	AcceleratorStateActive      = "active"
	AcceleratorStateConfiguring = "configuring" // a change (e.g. of a listener's certificates) is applied
	AcceleratorStateInit        = "init"
	AcceleratorStateBinding     = "binding"
	AcceleratorStateUnbinding   = "unbinding"
	AcceleratorStateDeleting    = "deleting"
	// AcceleratorStateFinancialLocked is GA's spelling ("finacialLocked") of
	// an accelerator locked for an overdue payment.
	AcceleratorStateFinancialLocked = "finacialLocked"
)

// DescribeAcceleratorInput is the input of [Client.DescribeAccelerator].
type DescribeAcceleratorInput struct {
	AcceleratorID string // required
}

// DescribeAcceleratorOutput describes an accelerator.
type DescribeAcceleratorOutput struct {
	AcceleratorID      string
	State              string // see the AcceleratorState constants (compare case-insensitively)
	RequestID          string
	Name               string
	DNSName            string
	Spec               string // the bandwidth spec, e.g. "1"
	InstanceChargeType string // PREPAY or POSTPAY
	CreateTime         time.Time
	ExpiredTime        time.Time // zero when the accelerator does not expire (pay-as-you-go)
}

type describeAcceleratorResponse struct {
	RequestId          string
	AcceleratorId      string
	State              string
	Name               string
	DnsName            string
	Spec               string
	InstanceChargeType string
	CreateTime         msTime
	ExpiredTime        msTime
}

func (r *describeAcceleratorResponse) RequestID() string { return r.RequestId }

// DescribeAccelerator returns an accelerator's state and attributes. Every
// certificate change of one of its listeners holds the accelerator
// "configuring"; it may stay so for a while after the listener is active
// again, and GA refuses further changes meanwhile (StateError.Accelerator).
// An unknown accelerator is ErrAcceleratorNotFound.
func (c *Client) DescribeAccelerator(ctx context.Context, in *DescribeAcceleratorInput) (*DescribeAcceleratorOutput, error) {
	if in == nil {
		return nil, &alicloud.ValidationError{Field: "input", Reason: "must not be nil"}
	}
	if err := validate.ID("AcceleratorID", in.AcceleratorID); err != nil {
		return nil, err
	}
	var resp describeAcceleratorResponse
	res, err := c.t.Do(ctx, &transport.Request{Operation: "DescribeAccelerator", Params: []signer.Param{
		{Key: "RegionId", Value: RegionID}, {Key: "AcceleratorId", Value: in.AcceleratorID}}}, &resp)
	if err != nil {
		return nil, err
	}
	return &DescribeAcceleratorOutput{AcceleratorID: resp.AcceleratorId, State: resp.State, RequestID: res.RequestID,
		Name: resp.Name, DNSName: resp.DnsName, Spec: resp.Spec, InstanceChargeType: resp.InstanceChargeType,
		CreateTime: resp.CreateTime.Time(), ExpiredTime: resp.ExpiredTime.Time()}, nil
}
