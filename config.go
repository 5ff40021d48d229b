package alicloud

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/google/uuid"
)

// SignatureVersion selects how requests are signed.
type SignatureVersion int

const (
	// SignatureV3 is ACS3-HMAC-SHA256, the default of Alibaba's current SDKs.
	SignatureV3 SignatureVersion = iota
	// SignatureV1 is the legacy HMAC-SHA1 signature, still accepted by both services.
	SignatureV1
)

// Config configures a service client. The zero value of every optional field
// selects a sensible default; a Config may be shared by any number of clients.
//
// Printing a Config never reveals a secret, whatever the fmt verb (except
// %p, which fmt prints raw for any struct value), with json.Marshal or with
// a log/slog handler; the same holds for [Credentials] and the providers of
// this package.
type Config struct {
	// Region is the region of the resources, e.g. "cn-hangzhou". Required by
	// alb; ignored by ga, which is global and always uses cn-hangzhou.
	Region string
	// Credentials signs every request. Required.
	Credentials CredentialsProvider
	// Endpoint overrides the service URL, e.g. "http://127.0.0.1:8080" for
	// the emulator. Plain http is accepted only here; the built-in endpoints
	// are always https.
	Endpoint string
	// UseVPCEndpoint selects the services' VPC endpoints
	// (alb-vpc.<region>.aliyuncs.com, ga-vpc.cn-hangzhou.aliyuncs.com), for
	// automation that runs inside Alibaba Cloud. Ignored when Endpoint is set.
	UseVPCEndpoint bool
	// HTTPClient sends the requests. When nil, a process-wide client tuned for
	// concurrency (timeouts, a pool of idle connections per host, proxy from
	// the environment) is used. New copies the client once and makes the
	// copy refuse redirects (replacing any CheckRedirect); its Transport is
	// shared, and later changes to the *http.Client itself are not seen.
	HTTPClient *http.Client
	// Retry controls retries; the zero value means the defaults.
	Retry RetryPolicy
	// RateLimiter is waited on before every attempt. Nil means a token bucket
	// per (service, operation), private to the client, sized to the
	// documented quota; use [NoRateLimit] to disable it, and
	// [NewRateLimiter] to share one bucket between clients.
	RateLimiter RateLimiter
	// Logger receives one debug record per attempt. Nil means silent. The SDK
	// never logs a secret, a security token or a signature.
	Logger *slog.Logger
	// UserAgent is appended to the SDK's own User-Agent.
	UserAgent string
	// SignatureVersion selects the signing algorithm; the default is V3.
	SignatureVersion SignatureVersion
	// Observer, when set, sees every call, attempt, wait and poll, for
	// tracing and metrics (see the module
	// github.com/listenercerts/alicloud/otelalicloud). Nil costs nothing.
	Observer Observer
}

// String describes c without revealing a secret: the credentials provider
// as its own safe description (the built-in ones print the AccessKeyID
// only) or its type, the rate limiter by its type, an Endpoint's user
// information as "<redacted>".
func (c Config) String() string {
	b := make([]byte, 0, 256)
	b = append(b, "alicloud.Config{Region: "...)
	b = strconv.AppendQuote(b, c.Region)
	b = append(b, ", Credentials: "...)
	b = append(b, describeProvider(c.Credentials)...)
	b = append(b, ", Endpoint: "...)
	b = strconv.AppendQuote(b, safeEndpoint(c.Endpoint))
	b = append(b, ", UseVPCEndpoint: "...)
	b = strconv.AppendBool(b, c.UseVPCEndpoint)
	b = append(b, ", HTTPClient: "...)
	b = append(b, setOrNil(c.HTTPClient != nil)...)
	b = append(b, ", Retry: "...)
	b = fmt.Appendf(b, "%+v", c.Retry)
	b = append(b, ", RateLimiter: "...)
	b = append(b, typeName(c.RateLimiter)...)
	b = append(b, ", Logger: "...)
	b = append(b, setOrNil(c.Logger != nil)...)
	b = append(b, ", UserAgent: "...)
	b = strconv.AppendQuote(b, c.UserAgent)
	b = append(b, ", SignatureVersion: "...)
	b = append(b, c.SignatureVersion.String()...)
	b = append(b, '}')
	return string(b)
}

// GoString is String, for %#v.
func (c Config) GoString() string { return c.String() }

// Format prints c as String does whatever the verb (%d, %x, %t, ...
// included; %q quotes it), so that no fmt verb reveals a secret.
func (c Config) Format(f fmt.State, verb rune) { formatAs(f, verb, c.String()) }

// MarshalJSON encodes what String shows: json.Marshal never reveals a
// secret of a Config. A Config is not meant to be decoded from JSON.
func (c Config) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Region           string
		Credentials      string
		Endpoint         string `json:",omitempty"`
		UseVPCEndpoint   bool
		HTTPClient       bool // whether set
		Retry            RetryPolicy
		RateLimiter      string
		Logger           bool   // whether set
		UserAgent        string `json:",omitempty"`
		SignatureVersion string
	}{c.Region, describeProvider(c.Credentials), safeEndpoint(c.Endpoint), c.UseVPCEndpoint, c.HTTPClient != nil,
		c.Retry, typeName(c.RateLimiter), c.Logger != nil, c.UserAgent, c.SignatureVersion.String()})
}

// LogValue makes log/slog log what String shows, with every handler.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("Region", c.Region),
		slog.String("Credentials", describeProvider(c.Credentials)),
		slog.String("Endpoint", safeEndpoint(c.Endpoint)),
		slog.Bool("UseVPCEndpoint", c.UseVPCEndpoint),
		slog.String("RateLimiter", typeName(c.RateLimiter)),
		slog.String("UserAgent", c.UserAgent),
		slog.String("SignatureVersion", c.SignatureVersion.String()),
	)
}

// String returns "V3" or "V1".
func (v SignatureVersion) String() string {
	switch v {
	case SignatureV3:
		return "V3"
	case SignatureV1:
		return "V1"
	}
	return "SignatureVersion(" + strconv.Itoa(int(v)) + ")"
}

// describeProvider names a provider without calling code it does not know:
// the SDK's own providers describe themselves safely; any other is shown by
// its type only.
func describeProvider(p CredentialsProvider) string {
	switch p := p.(type) {
	case nil:
		return "<nil>"
	case staticProvider:
		return p.String()
	case *credentialsGoProvider:
		return p.String()
	}
	return typeName(p)
}

func typeName(v any) string {
	if v == nil {
		return "<nil>"
	}
	return fmt.Sprintf("%T", v)
}

func setOrNil(set bool) string {
	if set {
		return "<set>"
	}
	return "<nil>"
}

// safeEndpoint hides the user information (user:password@) of an endpoint.
func safeEndpoint(e string) string {
	at := strings.LastIndexByte(e, '@')
	if at < 0 {
		return e
	}
	scheme := ""
	if i := strings.Index(e, "://"); i >= 0 && i < at {
		scheme = e[:i+3]
	}
	return scheme + redactedText + e[at:]
}

// RegionEnvVar is the environment variable LoadDefaultConfig reads the region from.
const RegionEnvVar = "ALIBABA_CLOUD_REGION_ID"

// LoadDefaultConfig returns a Config with the region from the argument, or
// when it is empty from the ALIBABA_CLOUD_REGION_ID environment variable, and
// credentials from [DefaultCredentials].
func LoadDefaultConfig(ctx context.Context, region string) (Config, error) {
	if ctx == nil {
		return Config{}, errNilContext()
	}
	if err := ctx.Err(); err != nil {
		return Config{}, err
	}
	if region == "" {
		region = os.Getenv(RegionEnvVar)
	}
	creds, err := DefaultCredentials()
	if err != nil {
		return Config{}, err
	}
	return Config{Region: region, Credentials: creds}, nil
}

// NewClientToken returns a fresh ClientToken (a random UUID). Operations
// generate one per call when the input has none; generate your own when you
// want to resume a call safely after your process stopped: the service acts
// once per token.
func NewClientToken() string { return uuid.NewString() }
