// Package ga is the client of Alibaba Cloud Global Accelerator (API version
// 2019-11-20) for the TLS certificates of listeners.
//
// GA is a global service: every request goes to ga.cn-hangzhou.aliyuncs.com
// (ga-vpc.cn-hangzhou.aliyuncs.com with Config.UseVPCEndpoint) and carries
// RegionId=cn-hangzhou, whatever Config.Region says. Calls are signed, rate
// limited, and retried with one ClientToken per call, as in package alb.
//
// The package has three layers, as package alb does:
//
//   - One request per operation, faithful to the wire:
//     [Client.AssociateAdditionalCertificatesWithListener],
//     [Client.UpdateAdditionalCertificateWithListener] (one domain, DryRun),
//     [Client.DissociateAdditionalCertificatesFromListener], and the reads
//     [Client.DescribeListener], [Client.DescribeAccelerator],
//     [Client.ListListenerCertificates].
//   - Converging calls that read first, send only what is not yet so, and
//     wait: [Client.AssociateAndWait], [Client.UpdateAndWait],
//     [Client.DissociateAndWait]. Domains already as wanted are reported
//     (AlreadyAssociated, AlreadyDissociated), not sent; nothing left means
//     no request.
//   - [Client.RotateCertificates]: any number of domains, planned from one
//     listing ([RotationPlan]), applied as update in place, associate, then
//     dissociate, idempotent and resumable.
//
// Every certificate change locks the accelerator: the listener is
// "updating" and the accelerator "configuring" while it is applied, and
// the accelerator can stay "configuring" for a while after the listener
// is "active" again; GA refuses any change meanwhile with
// StateError.Accelerator. The client retries such busy answers by default
// (alicloud.RetryPolicy), and every ...AndWait and RotateCertificates
// returns only when the listener is active, the domains are as wanted AND
// the accelerator is active, so the next change is taken at once. A
// listener or accelerator being deleted ends a wait at once (an error
// matching alicloud.ErrNotFound). States are compared case-insensitively,
// and so are domains (GA's rule is undocumented; domains are sent as
// given).
//
// Converging calls that send fewer items than given use a ClientToken
// derived from the caller's ClientToken and the items sent, so a retry of
// the same list reuses its token and a different list never does. Every
// error after a request was sent carries its ClientToken
// (alicloud.ClientTokenOf), wait errors included.
package ga

import (
	"log/slog"
	"strings"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/transport"
)

// Service identity on the wire.
const (
	ServiceName = "ga"
	APIVersion  = "2019-11-20"
	// RegionID is the region every GA request names.
	RegionID = "cn-hangzhou"
)

// Client calls the GA API. It is safe for concurrent use.
type Client struct {
	t      *transport.Client
	logger *slog.Logger // Config.Logger: RotateCertificates logs its steps; nil is silent
}

var service = transport.Service{
	Name:    ServiceName,
	Version: APIVersion,
	Host: func(_ string, vpc bool) string {
		if vpc {
			return "ga-vpc." + RegionID + ".aliyuncs.com"
		}
		return "ga." + RegionID + ".aliyuncs.com"
	},
	IsConflict: func(code, _ string) bool {
		return strings.HasPrefix(code, "StateError.") || code == "NotActive.Listener"
	},
}

// New returns a GA client. cfg.Region is ignored; cfg.Credentials is required.
func New(cfg alicloud.Config) (*Client, error) {
	t, err := transport.New(cfg, service)
	if err != nil {
		return nil, err
	}
	return &Client{t: t, logger: cfg.Logger}, nil
}

// Endpoint returns the URL the client sends requests to.
func (c *Client) Endpoint() string { return c.t.URL() }
