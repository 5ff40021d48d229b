package ga

import (
	"context"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/signer"
	"github.com/listenercerts/alicloud/internal/transport"
	"github.com/listenercerts/alicloud/internal/validate"
)

// Listener states reported by DescribeListener.
const (
	StateActive      = "active"
	StateConfiguring = "configuring"
	StateInit        = "init"
	StateUpdating    = "updating"
	StateDeleting    = "deleting"
)

// DescribeListenerInput is the input of [Client.DescribeListener].
type DescribeListenerInput struct {
	ListenerID string // required
}

// PortRange is a range of listener ports.
type PortRange struct {
	FromPort int
	ToPort   int
}

// CertificateRef is a certificate a listener uses.
type CertificateRef struct {
	ID   string
	Type string // "default" or "additional"
}

// DescribeListenerOutput describes a listener.
type DescribeListenerOutput struct {
	ListenerID    string
	AcceleratorID string
	State         string // active, configuring, init, updating, deleting
	RequestID     string
	Name          string
	Description   string
	Protocol      string // tcp, udp, http, https
	PortRanges    []PortRange
	Certificates  []CertificateRef
}

type describeListenerResponse struct {
	RequestId     string
	ListenerId    string
	AcceleratorId string
	State         string
	Name          string
	Description   string
	Protocol      string
	PortRanges    []PortRange
	Certificates  []struct{ Id, Type string }
}

func (r *describeListenerResponse) RequestID() string { return r.RequestId }

// DescribeListener returns a listener's state and settings. A listener is
// "updating" while a certificate change is applied and "active" once done.
func (c *Client) DescribeListener(ctx context.Context, in *DescribeListenerInput) (*DescribeListenerOutput, error) {
	if in == nil {
		return nil, &alicloud.ValidationError{Field: "input", Reason: "must not be nil"}
	}
	if err := validate.ID("ListenerID", in.ListenerID); err != nil {
		return nil, err
	}
	var resp describeListenerResponse
	_, err := c.t.Do(ctx, &transport.Request{Operation: "DescribeListener", Params: []signer.Param{
		{Key: "RegionId", Value: RegionID}, {Key: "ListenerId", Value: in.ListenerID}}}, &resp)
	if err != nil {
		return nil, err
	}
	out := &DescribeListenerOutput{ListenerID: resp.ListenerId, AcceleratorID: resp.AcceleratorId, State: resp.State,
		RequestID: resp.RequestId, Name: resp.Name, Description: resp.Description, Protocol: resp.Protocol,
		PortRanges: resp.PortRanges}
	for _, cert := range resp.Certificates {
		out.Certificates = append(out.Certificates, CertificateRef{ID: cert.Id, Type: cert.Type})
	}
	return out, nil
}
