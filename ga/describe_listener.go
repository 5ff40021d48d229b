package ga

import (
	"context"
	"strings"
	"time"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/signer"
	"github.com/listenercerts/alicloud/internal/transport"
	"github.com/listenercerts/alicloud/internal/validate"
)

// Listener states reported by DescribeListener. Compare them with
// strings.EqualFold: the waiters of this package do.
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

// PortRange is a range of listener or backend ports.
type PortRange struct {
	FromPort int
	ToPort   int
}

// CertificateRef is a certificate DescribeListener names: the listener's
// default certificate. GA reports no domain for it, and Type is only ever
// "Server". Additional certificates are listed by
// [Client.ListListenerCertificates].
type CertificateRef struct {
	ID   string
	Type string // "Server"
}

// RelatedACL is an access control list bound to a listener.
type RelatedACL struct {
	ACLID  string
	Status string // e.g. "active"
}

// XForwardedForConfig says which X-Forwarded-* headers an HTTP(S) listener
// adds.
type XForwardedForConfig struct {
	GaAPEnabled   bool // XForwardedForGaApEnabled
	GaIDEnabled   bool // XForwardedForGaIdEnabled
	PortEnabled   bool // XForwardedForPortEnabled
	ProtoEnabled  bool // XForwardedForProtoEnabled
	RealIPEnabled bool // XRealIpEnabled
}

// DescribeListenerOutput describes a listener, with the fields of GA's
// documented DescribeListener answer.
type DescribeListenerOutput struct {
	ListenerID    string
	AcceleratorID string
	State         string // active, configuring, init, updating, deleting (compare case-insensitively)
	RequestID     string
	Name          string
	Description   string
	Protocol      string // tcp, udp, http, https (compare case-insensitively)
	Type          string // Standard or CustomRouting
	// CreateTime is when the listener was created (the wire carries a
	// string of milliseconds); zero when the answer had none.
	CreateTime       time.Time
	PortRanges       []PortRange
	BackendPorts     []PortRange // the wire carries strings; converted to ints
	Certificates     []CertificateRef
	HTTPVersion      string // HTTPS listeners: http1.1, http2, http3
	SecurityPolicyID string // HTTPS listeners: the TLS policy, e.g. tls_cipher_policy_1_0
	IdleTimeout      int    // seconds
	RequestTimeout   int    // seconds (HTTP and HTTPS listeners)
	ClientAffinity   string // NONE or SOURCE_IP
	ProxyProtocol    bool
	ACLType          string // white, black, or "" when no ACL applies
	RelatedACLs      []RelatedACL
	ServiceID        string
	ServiceManaged   bool
	XForwardedFor    XForwardedForConfig
}

// IsHTTPS reports whether the listener's protocol is HTTPS, the only one
// with additional certificates.
func (o *DescribeListenerOutput) IsHTTPS() bool { return strings.EqualFold(o.Protocol, "https") }

type wirePortRange struct{ FromPort, ToPort flexInt }

type describeListenerResponse struct {
	RequestId           string
	ListenerId          string
	AcceleratorId       string
	State               string
	Name                string
	Description         string
	Protocol            string
	Type                string
	CreateTime          msTime
	PortRanges          []wirePortRange
	BackendPorts        []wirePortRange
	Certificates        []struct{ Id, Type string }
	HttpVersion         string
	SecurityPolicyId    string
	IdleTimeout         flexInt
	RequestTimeout      flexInt
	ClientAffinity      string
	ProxyProtocol       bool
	AclType             string
	RelatedAcls         []struct{ AclId, Status string }
	ServiceId           string
	ServiceManaged      bool
	XForwardedForConfig struct {
		XForwardedForGaApEnabled  bool
		XForwardedForGaIdEnabled  bool
		XForwardedForPortEnabled  bool
		XForwardedForProtoEnabled bool
		XRealIpEnabled            bool
	}
}

func (r *describeListenerResponse) RequestID() string { return r.RequestId }

func portRanges(in []wirePortRange) []PortRange {
	if in == nil {
		return nil
	}
	out := make([]PortRange, len(in))
	for i, r := range in {
		out[i] = PortRange{FromPort: int(r.FromPort), ToPort: int(r.ToPort)}
	}
	return out
}

// DescribeListener returns a listener's state and settings. A listener is
// "updating" while a certificate change is applied and "active" once done;
// its accelerator may stay busy a little longer (see
// [Client.DescribeAccelerator]).
func (c *Client) DescribeListener(ctx context.Context, in *DescribeListenerInput) (*DescribeListenerOutput, error) {
	if in == nil {
		return nil, &alicloud.ValidationError{Field: "input", Reason: "must not be nil"}
	}
	if err := validate.ID("ListenerID", in.ListenerID); err != nil {
		return nil, err
	}
	var resp describeListenerResponse
	res, err := c.t.Do(ctx, &transport.Request{Operation: "DescribeListener", Params: []signer.Param{
		{Key: "RegionId", Value: RegionID}, {Key: "ListenerId", Value: in.ListenerID}}}, &resp)
	if err != nil {
		return nil, err
	}
	x := resp.XForwardedForConfig
	out := &DescribeListenerOutput{ListenerID: resp.ListenerId, AcceleratorID: resp.AcceleratorId, State: resp.State,
		RequestID: res.RequestID, Name: resp.Name, Description: resp.Description, Protocol: resp.Protocol,
		Type: resp.Type, CreateTime: resp.CreateTime.Time(), PortRanges: portRanges(resp.PortRanges),
		BackendPorts: portRanges(resp.BackendPorts), HTTPVersion: resp.HttpVersion,
		SecurityPolicyID: resp.SecurityPolicyId, IdleTimeout: int(resp.IdleTimeout),
		RequestTimeout: int(resp.RequestTimeout), ClientAffinity: resp.ClientAffinity,
		ProxyProtocol: resp.ProxyProtocol, ACLType: resp.AclType, ServiceID: resp.ServiceId,
		ServiceManaged: resp.ServiceManaged,
		XForwardedFor: XForwardedForConfig{GaAPEnabled: x.XForwardedForGaApEnabled, GaIDEnabled: x.XForwardedForGaIdEnabled,
			PortEnabled: x.XForwardedForPortEnabled, ProtoEnabled: x.XForwardedForProtoEnabled, RealIPEnabled: x.XRealIpEnabled},
	}
	for _, cert := range resp.Certificates {
		out.Certificates = append(out.Certificates, CertificateRef{ID: cert.Id, Type: cert.Type})
	}
	for _, acl := range resp.RelatedAcls {
		out.RelatedACLs = append(out.RelatedACLs, RelatedACL{ACLID: acl.AclId, Status: acl.Status})
	}
	return out, nil
}
