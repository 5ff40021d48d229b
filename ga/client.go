// Package ga is the client of Alibaba Cloud Global Accelerator (API version
// 2019-11-20) for the TLS certificates of listeners.
//
// GA is a global service: every request goes to ga.cn-hangzhou.aliyuncs.com
// (ga-vpc.cn-hangzhou.aliyuncs.com with Config.UseVPCEndpoint) and carries
// RegionId=cn-hangzhou, whatever Config.Region says. Calls are signed, rate
// limited, and retried with one ClientToken per call, as in package alb.
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
	IsConflict: func(code string) bool {
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
