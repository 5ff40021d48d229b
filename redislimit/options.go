package redislimit

import (
	"log/slog"
	"time"

	"github.com/listenercerts/alicloud"
)

// Defaults of the options.
const (
	DefaultKeyPrefix     = "alicloud:ratelimit"   // WithKeyPrefix
	DefaultAccount       = "default"              // WithAccount
	DefaultRegion        = "any"                  // WithRegion
	DefaultBurst         = 2                      // WithBurst
	DefaultCallTimeout   = 200 * time.Millisecond // WithCallTimeout
	DefaultProbeInterval = time.Second            // WithProbeInterval
)

// FailurePolicy says what Wait does while Redis cannot be reached.
type FailurePolicy int

const (
	// FailOpen lets calls through an in-process token bucket (the fallback)
	// while Redis is unreachable. The default.
	FailOpen FailurePolicy = iota
	// FailClosed makes Wait return an error matching [ErrRedisUnavailable]
	// while Redis is unreachable, so that no request is sent.
	FailClosed
)

// String returns "fail-open" or "fail-closed".
func (p FailurePolicy) String() string {
	switch p {
	case FailOpen:
		return "fail-open"
	case FailClosed:
		return "fail-closed"
	}
	return "FailurePolicy(?)"
}

// Option configures a [Limiter].
type Option func(*options)

type options struct {
	keyPrefix     string
	account       string
	credentials   alicloud.CredentialsProvider
	region        string
	quotas        map[string]alicloud.Quota
	burst         int
	policy        FailurePolicy
	callTimeout   time.Duration
	probeInterval time.Duration
	logger        *slog.Logger
	fallback      alicloud.RateLimiter
	fleetSize     int
}

// WithKeyPrefix sets the first part of every Redis key; the default is
// DefaultKeyPrefix. Give independent fleets that share a Redis distinct
// prefixes only if they use distinct accounts anyway: the point of the
// limiter is that everything spending one quota shares one key.
func WithKeyPrefix(prefix string) Option {
	return func(o *options) { o.keyPrefix = prefix }
}

// WithAccount names the account whose quota is shared, for example its
// Alibaba Cloud account ID or an alias such as "prod". Every process that
// uses the same account must use the same name. Preferred over
// [WithCredentials] for STS and RAM-role credentials, whose AccessKey IDs
// change at every refresh. The default is DefaultAccount.
func WithAccount(name string) Option {
	return func(o *options) { o.account = name; o.credentials = nil }
}

// WithCredentials derives the account part of the key from the AccessKey ID
// that p yields (on the first Wait), as [AccountFromAccessKeyID] does: a
// truncated SHA-256, so the key never reveals the AccessKey. Suited to
// permanent AccessKeys; for STS credentials use [WithAccount].
func WithCredentials(p alicloud.CredentialsProvider) Option {
	return func(o *options) { o.credentials = p; o.account = "" }
}

// WithRegion sets the region part of the key; use the Config's Region. The
// default is DefaultRegion. Calls to the global service "ga" always use the
// region "cn-hangzhou", where every GA request goes.
func WithRegion(region string) Option {
	return func(o *options) { o.region = region }
}

// WithQuota overrides the quota of one operation, keyed "service/Operation"
// as [alicloud.QuotaFor] returns them, e.g.
// "alb/DissociateAdditionalCertificatesFromListener". A quota with
// Requests <= 0 or Per <= 0 disables limiting for that operation. Operations
// without an override use [alicloud.QuotaFor].
func WithQuota(serviceOperation string, q alicloud.Quota) Option {
	return func(o *options) {
		if o.quotas == nil {
			o.quotas = map[string]alicloud.Quota{}
		}
		o.quotas[serviceOperation] = q
	}
}

// WithQuotas is WithQuota for every entry of m.
func WithQuotas(m map[string]alicloud.Quota) Option {
	return func(o *options) {
		for k, q := range m {
			WithQuota(k, q)(o)
		}
	}
}

// WithBurst sets how many requests may go out back to back when the budget
// has been idle; the default is DefaultBurst (2). Values below 1 mean 1.
//
// In any window of length Per the fleet sends at most Requests+burst-1
// requests. A burst of 1 spaces requests exactly Per/Requests apart, but a
// turn taken late (a loaded host, a GC pause, the Redis round trip) is lost
// for good, so a busy fleet runs below the quota: a few percent at 20 per
// second on a loaded machine, far more when processes are starved of CPU.
// The default of 2 lets one late turn be made up, which keeps a busy fleet
// at the quota, at the cost of at most one request over it per window (the
// SDK retries the rare throttled one). Larger bursts trade more of that risk
// for lower latency of occasional bursts of calls.
func WithBurst(n int) Option {
	return func(o *options) { o.burst = n }
}

// WithFailurePolicy selects what happens while Redis is unreachable; the
// default is [FailOpen].
func WithFailurePolicy(p FailurePolicy) Option {
	return func(o *options) { o.policy = p }
}

// WithCallTimeout bounds every Redis call; the default is
// DefaultCallTimeout. The bound holds whatever the client's own timeouts
// are: a call that has not answered by then counts as Redis being
// unavailable.
func WithCallTimeout(d time.Duration) Option {
	return func(o *options) { o.callTimeout = d }
}

// WithProbeInterval sets how often, while Redis is unavailable, one call
// tries Redis again; the default is DefaultProbeInterval.
func WithProbeInterval(d time.Duration) Option {
	return func(o *options) { o.probeInterval = d }
}

// WithLogger receives the two records of an outage: a warning when the
// limiter switches away from Redis and an info record when Redis is back.
// The default is slog.Default(). Pass a logger with a discarding handler to
// silence them. No record contains credentials.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.logger = l }
}

// WithFallback replaces the limiter used while Redis is unavailable under
// [FailOpen]. The default is an in-process token bucket per operation with
// the same quotas, divided by [WithFleetSize].
func WithFallback(l alicloud.RateLimiter) Option {
	return func(o *options) { o.fallback = l }
}

// WithFleetSize tells the default fallback how many processes share the
// quota: while Redis is down each process keeps to Requests/n (at least 1
// request per Per), so that the fleet as a whole stays within the quota. The
// default is 1, which keeps calls fast during an outage at the risk of the
// service throttling the fleet. Like the SDK's own limiter, the fallback's
// bucket starts full: right after the switch each process may send its
// whole share at once.
func WithFleetSize(n int) Option {
	return func(o *options) { o.fleetSize = n }
}
