// Package alb is the client of Alibaba Cloud Application Load Balancer
// (API version 2020-06-16) for the TLS certificates of listeners.
//
// Create one [Client] per region with [New] and share it between goroutines.
// Every call is signed, rate limited on the client side, and retried with
// backoff on throttling, 5xx and network errors, reusing one ClientToken so
// that the service acts at most once per call (see alicloud.RetryPolicy).
// A listener applies one certificate change at a time and answers another
// meanwhile with IncorrectStatus.Listener ("[Configuring]"); such busy
// answers are retried by default.
//
// Three layers:
//
//   - single requests, faithful to the API:
//     [Client.AssociateAdditionalCertificatesWithListener],
//     [Client.DissociateAdditionalCertificatesFromListener] (1..15 ids each,
//     asynchronous: they return a JobID), [Client.ListListenerCertificates],
//     [Client.ListAsynJobs];
//   - waiters, [CertificatesAssociatedWaiter] and
//     [CertificatesDissociatedWaiter], and the converging
//     [Client.AssociateAndWait] and [Client.DissociateAndWait]: they list
//     first, send only what is not so already (reported in
//     AlreadyAssociated / AlreadyDissociated), and wait for the end state.
//     A dissociated certificate is no longer listed; statuses are compared
//     case-insensitively and both "Diassociating" (the documented spelling)
//     and "Dissociating" are understood;
//   - [Client.RotateCertificates]: any number of certificates in and out,
//     planned from the listing ([RotationPlan]), associated in calls of at
//     most 15 and waited for, and only then dissociated, so a listener never
//     loses a certificate before its replacement serves; idempotent and
//     resumable, with progress events and a [RotationError] that says what
//     is left.
//
// Every error after a write was sent carries its ClientToken
// (alicloud.ClientTokenOf), wait-phase errors included.
package alb

import (
	"log/slog"
	"strings"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/transport"
)

// Service identity on the wire.
const (
	ServiceName = "alb"
	APIVersion  = "2020-06-16"
)

// Client calls the ALB API. It is safe for concurrent use.
type Client struct {
	t      *transport.Client
	logger *slog.Logger // Config.Logger: RotateCertificates logs its steps; nil is silent
}

var service = transport.Service{
	Name:    ServiceName,
	Version: APIVersion,
	Host: func(region string, vpc bool) string {
		if vpc {
			return "alb-vpc." + region + ".aliyuncs.com"
		}
		return "alb." + region + ".aliyuncs.com"
	},
	IsConflict: func(code, message string) bool {
		switch code {
		case "ResourceInConfiguring.Listener":
			return true
		case "IncorrectStatus.Listener":
			// "The status of lsn-… [Configuring] is incorrect." passes in
			// seconds (so does Provisioning); a Stopped listener stays so
			// until someone starts it: retrying that for minutes helps nobody.
			return !strings.Contains(message, "[Stopped]")
		}
		return false
	},
	RegionRequired: true,
}

// New returns a client for cfg.Region, sending to alb.<region>.aliyuncs.com
// over HTTPS (alb-vpc.<region>.aliyuncs.com with cfg.UseVPCEndpoint) unless
// cfg.Endpoint overrides it. It fails with a *alicloud.ValidationError when
// the region or the credentials are missing.
func New(cfg alicloud.Config) (*Client, error) {
	t, err := transport.New(cfg, service)
	if err != nil {
		return nil, err
	}
	return &Client{t: t, logger: cfg.Logger}, nil
}

// Endpoint returns the URL the client sends requests to.
func (c *Client) Endpoint() string { return c.t.URL() }
