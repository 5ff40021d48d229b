package alicloud

import (
	"context"
	"log/slog"
	"net/http"
	"os"

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

// RegionEnvVar is the environment variable LoadDefaultConfig reads the region from.
const RegionEnvVar = "ALIBABA_CLOUD_REGION_ID"

// LoadDefaultConfig returns a Config with the region from the argument, or
// when it is empty from the ALIBABA_CLOUD_REGION_ID environment variable, and
// credentials from [DefaultCredentials].
func LoadDefaultConfig(ctx context.Context, region string) (Config, error) {
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
