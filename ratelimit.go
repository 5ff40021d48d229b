package alicloud

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// RateLimiter limits requests on the client side. Wait is called before
// every attempt (retries included) and blocks until the request may be sent
// or ctx is done. Implementations must be safe for concurrent use and may be
// distributed, shared by many processes (see the redislimit module).
type RateLimiter interface {
	Wait(ctx context.Context, service, operation string) error
}

type noRateLimit struct{}

func (noRateLimit) Wait(ctx context.Context, _, _ string) error { return ctx.Err() }

// NoRateLimit is a RateLimiter that never waits.
var NoRateLimit RateLimiter = noRateLimit{}

// Quota is a request budget: Requests per Per.
type Quota struct {
	Requests int
	Per      time.Duration
}

// String formats q as "200/1m0s".
func (q Quota) String() string { return fmt.Sprintf("%d/%s", q.Requests, q.Per) }

// DefaultQuota applies to every operation without a documented quota.
var DefaultQuota = Quota{Requests: 200, Per: time.Minute}

// documentedQuotas are the services' published per-account quotas, keyed by
// "service/Operation". ALB documents 200 requests per 60 s for
// DissociateAdditionalCertificatesFromListener.
var documentedQuotas = map[string]Quota{
	"alb/DissociateAdditionalCertificatesFromListener": {Requests: 200, Per: time.Minute},
}

// QuotaFor returns the documented quota of an operation (ALB
// DissociateAdditionalCertificatesFromListener: 200 per 60 s), or
// DefaultQuota for an operation without a published one.
func QuotaFor(service, operation string) Quota {
	if q, ok := documentedQuotas[service+"/"+operation]; ok {
		return q
	}
	return DefaultQuota
}

// NewRateLimiter returns an in-process token bucket per (service,
// operation). Each bucket holds Requests tokens and refills at Requests/Per.
// overrides, keyed by "service/Operation", replace the documented quotas;
// operations without an entry use [QuotaFor].
//
// Share one limiter between clients (through Config.RateLimiter) when they
// use the same account and region: the service's quota is per account.
func NewRateLimiter(overrides map[string]Quota) RateLimiter {
	l := &bucketLimiter{overrides: make(map[string]Quota, len(overrides)), buckets: map[bucketKey]*rate.Limiter{}}
	for k, q := range overrides {
		l.overrides[k] = q
	}
	return l
}

type bucketKey struct{ service, operation string }

type bucketLimiter struct {
	overrides map[string]Quota
	mu        sync.RWMutex
	buckets   map[bucketKey]*rate.Limiter
}

func (l *bucketLimiter) Wait(ctx context.Context, service, operation string) error {
	if err := l.bucket(service, operation).Wait(ctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// The bucket refuses at once a wait that would end after ctx's deadline.
		return fmt.Errorf("%w: the rate limit allows no request before the deadline", context.DeadlineExceeded)
	}
	return nil
}

func (l *bucketLimiter) bucket(service, operation string) *rate.Limiter {
	key := bucketKey{service, operation}
	l.mu.RLock()
	b := l.buckets[key]
	l.mu.RUnlock()
	if b != nil {
		return b
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if b = l.buckets[key]; b == nil {
		q, ok := l.overrides[service+"/"+operation]
		if !ok {
			q = QuotaFor(service, operation)
		}
		b = newBucket(q)
		l.buckets[key] = b
	}
	return b
}

func newBucket(q Quota) *rate.Limiter {
	if q.Requests <= 0 || q.Per <= 0 {
		return rate.NewLimiter(rate.Inf, 0)
	}
	return rate.NewLimiter(rate.Limit(float64(q.Requests)/q.Per.Seconds()), q.Requests)
}
