// Package transport owns the one request path every operation of every
// service takes: build the RPC request, wait for the rate limiter, sign,
// send, decode, classify, and retry with backoff — with one ClientToken for
// every attempt of a call.
package transport

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/ctxsleep"
	"github.com/listenercerts/alicloud/internal/safetext"
	"github.com/listenercerts/alicloud/internal/signer"
)

// Service describes one Alibaba Cloud API.
type Service struct {
	Name    string // "alb"
	Version string // "2020-06-16"
	// Host returns the default host name for a region; vpc selects the VPC endpoint.
	Host func(region string, vpc bool) string
	// IsConflict reports whether an answer of this service (its code and
	// message) means "resource busy, try again later" (besides
	// IdempotenceProcessing and SystemBusy, busy for every service); such
	// answers are retried with the conflict backoff unless
	// RetryPolicy.DisableConflictRetry is set.
	IsConflict func(code, message string) bool
	// RegionRequired makes New validate Config.Region; otherwise it is ignored.
	RegionRequired bool
}

// Client sends requests of one service. It is safe for concurrent use.
type Client struct {
	svc       Service
	url       string // "https://host/"
	u         *url.URL
	host      string
	creds     alicloud.CredentialsProvider
	http      *http.Client
	retry     alicloud.RetryPolicy
	limiter   alicloud.RateLimiter
	logger    *slog.Logger
	observer  alicloud.Observer
	userAgent string
	sigV      alicloud.SignatureVersion

	// Replaced in tests.
	now    func() time.Time
	nonce  func() string
	sleep  func(ctx context.Context, d time.Duration) error
	jitter func(n int64) int64 // uniform in [0, n)
}

var regionPattern = regexp.MustCompile(`^[a-z]{2,}(-[a-z0-9]+)+$`)

// New validates cfg and returns a client for svc.
func New(cfg alicloud.Config, svc Service) (*Client, error) {
	if cfg.Credentials == nil {
		return nil, &alicloud.ValidationError{Field: "Config.Credentials", Reason: "must be set (see alicloud.DefaultCredentials)"}
	}
	if f, ok := cfg.Credentials.(alicloud.CredentialsProviderFunc); ok && f == nil {
		return nil, errNilCredsFunc()
	}
	if svc.RegionRequired {
		if cfg.Region == "" {
			return nil, &alicloud.ValidationError{Field: "Config.Region", Reason: "must be set, e.g. \"cn-hangzhou\" (or set " + alicloud.RegionEnvVar + ")"}
		}
		if !regionPattern.MatchString(cfg.Region) {
			return nil, &alicloud.ValidationError{Field: "Config.Region", Reason: fmt.Sprintf("%q is not a region id such as \"cn-hangzhou\"", cfg.Region)}
		}
	}
	c := &Client{
		svc:     svc,
		creds:   cfg.Credentials,
		http:    cfg.HTTPClient,
		retry:   cfg.Retry.WithDefaults(),
		limiter: cfg.RateLimiter,
		logger:  cfg.Logger,
		sigV:    cfg.SignatureVersion,
		now:     time.Now,
		nonce:   newNonce,
		sleep:   ctxsleep.Sleep,
		jitter:  mrand.Int64N,
	}
	if cfg.Endpoint != "" {
		u, err := parseEndpoint(cfg.Endpoint)
		if err != nil {
			return nil, err
		}
		c.host = u.Host
		c.url = u.Scheme + "://" + u.Host + "/"
	} else {
		region := cfg.Region
		c.host = svc.Host(region, cfg.UseVPCEndpoint)
		c.url = "https://" + c.host + "/"
	}
	c.u, _ = url.Parse(c.url) // valid: built from a parsed URL's scheme and host, or a validated region
	if c.http == nil {
		c.http = DefaultHTTPClient()
	}
	// Never follow redirects: a re-sent request would carry the security
	// token (and, with V1, the signed body) to whatever host the redirect
	// names. A 3xx is returned as an error instead.
	noRedirect := *c.http
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.http = &noRedirect
	if c.limiter == nil {
		c.limiter = alicloud.NewRateLimiter(nil)
	}
	c.observer = cfg.Observer
	c.userAgent = "listenercerts-alicloud-go/" + alicloud.Version + " (" + runtime.Version() + "; " +
		runtime.GOOS + "/" + runtime.GOARCH + ") " + svc.Name + "/" + svc.Version
	if cfg.UserAgent != "" {
		c.userAgent += " " + cfg.UserAgent
	}
	return c, nil
}

// parseEndpoint checks Config.Endpoint: a base URL, scheme http or https,
// a host, an optional port, nothing else. Its error never repeats a user
// name or password the endpoint holds.
func parseEndpoint(endpoint string) (*url.URL, error) {
	shown := strconv.Quote(safetext.String(endpoint, 256))
	if strings.ContainsRune(endpoint, '@') {
		shown = "the endpoint" // it may hold a password: never repeat it
	}
	reason := ""
	u, err := url.Parse(endpoint)
	switch {
	case err == nil && u.User != nil:
		reason = "must not hold a user name or password (user:password@); " +
			"the SDK signs its requests, and the URL would travel into logs and errors"
	case err == nil && (u.Fragment != "" || u.RawFragment != "" || strings.ContainsRune(endpoint, '#')):
		reason = shown + " has a fragment (#...); give only \"https://host[:port]\""
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.ForceQuery:
		reason = shown + " is not a base URL such as \"https://host[:port]\""
	default:
		return u, nil
	}
	return nil, &alicloud.ValidationError{Field: "Config.Endpoint", Reason: reason}
}

// URL returns the endpoint requests are sent to.
func (c *Client) URL() string { return c.url }

// Retry returns the effective retry policy (defaults applied).
func (c *Client) Retry() alicloud.RetryPolicy { return c.retry }

var defaultHTTPClient = sync.OnceValue(func() *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          512,
		MaxIdleConnsPerHost:   128,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		ExpectContinueTimeout: time.Second,
	}}
})

// DefaultHTTPClient returns the process-wide client used when
// Config.HTTPClient is nil: 5 s connect timeout, 10 s TLS handshake, 30 s
// until the response headers, up to 128 idle connections per host, proxy
// from the environment. The overall deadline of a call is the caller's ctx.
func DefaultHTTPClient() *http.Client { return defaultHTTPClient() }

func newNonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

// Request is one logical call.
type Request struct {
	Operation string
	Params    []signer.Param // the operation's parameters, without ClientToken
	// Idempotent marks operations that take a ClientToken. ClientToken is
	// then sent on every attempt; when empty, one is generated per call.
	Idempotent  bool
	ClientToken string
}

// Result describes how a call went.
type Result struct {
	RequestID   string // redacted, like every field taken from an answer
	ClientToken string // the token every attempt carried ("" when not Idempotent)
	Attempts    int
	HTTPStatus  int
	Sent        bool // an attempt reached the network: the service may have acted
}

func errorf(svc, op, format string, args ...any) error {
	return fmt.Errorf(svc+" "+op+": "+format, args...)
}

var (
	errBodyTooLarge   = errors.New("response body exceeds the size limit")
	errAttemptTimeout = errors.New("attempt timed out (RetryPolicy.AttemptTimeout)")
)
