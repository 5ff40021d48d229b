package redislimit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/listenercerts/alicloud"
	"github.com/redis/go-redis/v9"
)

// ErrRedisUnavailable is matched (errors.Is) by the error Wait returns under
// [FailClosed] while Redis cannot be reached; the call was not sent.
var ErrRedisUnavailable = errors.New("redislimit: Redis unavailable")

// gaRegion is where every request of the global service ga goes.
const gaRegion = "cn-hangzhou"

// Limiter is an [alicloud.RateLimiter] whose budget lives in Redis, shared
// by every process that uses the same key prefix, account and region. It is
// safe for concurrent use. Create it with [New].
type Limiter struct {
	rl       *redis_rate.Limiter
	opts     options
	fallback alicloud.RateLimiter
	logger   *slog.Logger

	accountMu sync.Mutex
	account   string // resolved account part of the key; "" until known

	health health
}

var _ alicloud.RateLimiter = (*Limiter)(nil)

// New returns a Limiter that keeps its budget in client, which may be any
// go-redis client (single node, Sentinel failover, Cluster, Ring). For the
// per-call bound to free the client's connection too, create the client with
// ContextTimeoutEnabled: true.
func New(client redis.UniversalClient, opts ...Option) *Limiter {
	o := options{
		keyPrefix:     DefaultKeyPrefix,
		account:       DefaultAccount,
		region:        DefaultRegion,
		burst:         DefaultBurst,
		callTimeout:   DefaultCallTimeout,
		probeInterval: DefaultProbeInterval,
		fleetSize:     1,
	}
	for _, opt := range opts {
		opt(&o)
	}
	if o.burst < 1 {
		o.burst = 1
	}
	if o.callTimeout <= 0 {
		o.callTimeout = DefaultCallTimeout
	}
	if o.probeInterval <= 0 {
		o.probeInterval = DefaultProbeInterval
	}
	if o.fleetSize < 1 {
		o.fleetSize = 1
	}
	if o.region == "" {
		o.region = DefaultRegion
	}
	if o.account == "" && o.credentials == nil {
		o.account = DefaultAccount
	}
	l := &Limiter{
		rl:       redis_rate.NewLimiter(client),
		opts:     o,
		fallback: o.fallback,
		logger:   o.logger,
		account:  o.account,
	}
	if l.fallback == nil {
		l.fallback = &shareLimiter{quota: l.Quota, share: o.fleetSize, buckets: map[string]alicloud.RateLimiter{}}
	}
	if l.logger == nil {
		l.logger = slog.Default()
	}
	return l
}

// AccountFromAccessKeyID returns the account part of the key that
// [WithCredentials] derives from an AccessKey ID: "ak-" and the first 16 hex
// digits of a SHA-256, which tells keys apart without revealing them.
func AccountFromAccessKeyID(accessKeyID string) string {
	sum := sha256.Sum256([]byte("alicloud-redislimit:" + accessKeyID))
	return "ak-" + hex.EncodeToString(sum[:8])
}

// Quota returns the quota the limiter applies to an operation: the
// [WithQuota] override, else [alicloud.QuotaFor].
func (l *Limiter) Quota(service, operation string) alicloud.Quota {
	if q, ok := l.opts.quotas[service+"/"+operation]; ok {
		return q
	}
	return alicloud.QuotaFor(service, operation)
}

// Key returns the Redis key of an operation's budget (without the "rate:"
// prefix that redis_rate adds): prefix:account:region:service:operation.
// With [WithCredentials] it retrieves credentials the first time.
func (l *Limiter) Key(ctx context.Context, service, operation string) (string, error) {
	account, err := l.accountName(ctx)
	if err != nil {
		return "", err
	}
	region := l.opts.region
	if service == "ga" {
		region = gaRegion
	}
	return l.opts.keyPrefix + ":" + account + ":" + region + ":" + service + ":" + operation, nil
}

func (l *Limiter) accountName(ctx context.Context) (string, error) {
	l.accountMu.Lock()
	defer l.accountMu.Unlock()
	if l.account != "" {
		return l.account, nil
	}
	c, err := l.opts.credentials.Retrieve(ctx)
	if err != nil {
		return "", fmt.Errorf("redislimit: credentials for the account key: %w", err)
	}
	if c.AccessKeyID == "" {
		return "", errors.New("redislimit: credentials for the account key have no AccessKey ID")
	}
	l.account = AccountFromAccessKeyID(c.AccessKeyID)
	return l.account, nil
}

// UsingFallback reports whether the limiter currently considers Redis
// unavailable (and so uses the fallback, or fails closed).
func (l *Limiter) UsingFallback() bool {
	l.health.mu.Lock()
	defer l.health.mu.Unlock()
	return l.health.down
}

// Wait blocks until the shared budget of (service, operation) allows one
// more request, or ctx is done. It asks Redis, and when Redis says "not
// yet" it sleeps exactly the RetryAfter that Redis computed before asking
// again: no polling in between. When the wait would outlast ctx's deadline
// it returns at once with an error matching context.DeadlineExceeded.
//
// When Redis fails or does not answer within the call timeout, Wait follows
// the [FailurePolicy]: under [FailOpen] it waits on the fallback instead,
// under [FailClosed] it returns an error matching [ErrRedisUnavailable].
func (l *Limiter) Wait(ctx context.Context, service, operation string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	q := l.Quota(service, operation)
	if q.Requests <= 0 || q.Per <= 0 {
		return nil
	}
	key, err := l.Key(ctx, service, operation)
	if err != nil {
		return err
	}
	limit := redis_rate.Limit{Rate: q.Requests, Period: q.Per, Burst: l.opts.burst}
	for {
		useRedis, epoch, lastErr := l.health.route(l.opts.probeInterval)
		if !useRedis {
			return l.degraded(ctx, service, operation, lastErr)
		}
		res, err := l.allow(ctx, key, limit)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			l.reportFailure(epoch, err)
			return l.degraded(ctx, service, operation, err)
		}
		l.reportSuccess(epoch)
		if res.Allowed > 0 {
			return nil
		}
		if err := sleep(ctx, res.RetryAfter, service, operation); err != nil {
			return err
		}
	}
}

func (l *Limiter) degraded(ctx context.Context, service, operation string, cause error) error {
	if l.opts.policy == FailClosed {
		return fmt.Errorf("%w (policy fail-closed; %s/%s not sent): %v", ErrRedisUnavailable, service, operation, cause)
	}
	return l.fallback.Wait(ctx, service, operation)
}

// allow runs one GCRA step in Redis, bounded by the call timeout even when
// the client ignores context deadlines.
func (l *Limiter) allow(ctx context.Context, key string, limit redis_rate.Limit) (*redis_rate.Result, error) {
	cctx, cancel := context.WithTimeout(ctx, l.opts.callTimeout)
	defer cancel()
	type result struct {
		res *redis_rate.Result
		err error
	}
	ch := make(chan result, 1)
	go func() {
		res, err := l.rl.Allow(cctx, key, limit)
		ch <- result{res, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil && ctx.Err() == nil && errors.Is(r.err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("no answer within %s: %w", l.opts.callTimeout, r.err)
		}
		return r.res, r.err
	case <-cctx.Done():
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		// A client that honours the deadline answers right away with the
		// cause (say, the last dial error): take it for the log if it comes.
		grace := time.NewTimer(5 * time.Millisecond)
		defer grace.Stop()
		select {
		case r := <-ch:
			if r.err != nil && !errors.Is(r.err, context.DeadlineExceeded) {
				return nil, fmt.Errorf("no answer within %s: %w", l.opts.callTimeout, r.err)
			}
		case <-grace.C:
		}
		return nil, fmt.Errorf("no answer within %s", l.opts.callTimeout)
	}
}

func sleep(ctx context.Context, d time.Duration, service, operation string) error {
	if d <= 0 {
		d = time.Millisecond // Redis said "denied" yet "retry now": don't spin
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
		return fmt.Errorf("redislimit: waiting %s for %s/%s would exceed the context deadline: %w",
			d.Round(time.Millisecond), service, operation, context.DeadlineExceeded)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (l *Limiter) reportFailure(epoch uint64, err error) {
	if !l.health.failed(epoch, err, l.opts.probeInterval) {
		return
	}
	msg := "redislimit: Redis unavailable, using the in-process fallback limiter"
	if l.opts.policy == FailClosed {
		msg = "redislimit: Redis unavailable, failing calls closed"
	}
	l.logger.LogAttrs(context.Background(), slog.LevelWarn, msg,
		slog.String("policy", l.opts.policy.String()),
		slog.String("key_prefix", l.opts.keyPrefix),
		slog.Duration("probe_interval", l.opts.probeInterval),
		slog.String("error", err.Error()))
}

func (l *Limiter) reportSuccess(epoch uint64) {
	downFor, ok := l.health.succeeded(epoch)
	if !ok {
		return
	}
	l.logger.LogAttrs(context.Background(), slog.LevelInfo,
		"redislimit: Redis is back, using the shared limit again",
		slog.String("policy", l.opts.policy.String()),
		slog.String("key_prefix", l.opts.keyPrefix),
		slog.Duration("down_for", downFor.Round(time.Millisecond)))
}

// health tracks whether Redis is usable. epoch changes at every transition,
// so that the answer of a call that started before a transition cannot undo
// it (a slow success must not announce a recovery that no probe saw).
type health struct {
	mu        sync.Mutex
	down      bool
	epoch     uint64
	since     time.Time // of the last transition; zero before the first
	nextProbe time.Time
	lastErr   error
}

// route says whether the caller should ask Redis. While Redis is down, one
// caller per probe interval is sent to Redis as the probe.
func (h *health) route(probeInterval time.Duration) (useRedis bool, epoch uint64, lastErr error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.down {
		return true, h.epoch, nil
	}
	if now := time.Now(); !now.Before(h.nextProbe) {
		h.nextProbe = now.Add(probeInterval)
		return true, h.epoch, nil
	}
	return false, h.epoch, h.lastErr
}

// failed records a failed call; it reports whether this is the transition
// from up to down.
//
// A failure within one probe interval of a recovery is taken for the tail of
// the same outage (a client's connection pool can keep answering with its
// last dial error for a moment after the server is back): that call alone
// takes the degraded path, and the limiter does not switch again. So does
// the failure of a call that started before the last transition.
func (h *health) failed(epoch uint64, err error, probeInterval time.Duration) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.down {
		h.lastErr = err
		return false
	}
	now := time.Now()
	if epoch != h.epoch || now.Sub(h.since) < probeInterval {
		return false
	}
	h.down, h.epoch, h.since, h.nextProbe, h.lastErr = true, h.epoch+1, now, now.Add(probeInterval), err
	return true
}

// succeeded records a successful call; it reports whether this is the
// transition from down to up, and for how long Redis was down.
func (h *health) succeeded(epoch uint64) (time.Duration, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.down || epoch != h.epoch {
		return 0, false
	}
	now := time.Now()
	downFor := now.Sub(h.since)
	h.down, h.epoch, h.since, h.lastErr = false, h.epoch+1, now, nil
	return downFor, true
}

// shareLimiter is the default fallback: alicloud's in-process token bucket,
// one per operation, holding 1/share of the operation's quota.
type shareLimiter struct {
	quota   func(service, operation string) alicloud.Quota
	share   int
	mu      sync.Mutex
	buckets map[string]alicloud.RateLimiter
}

func (s *shareLimiter) Wait(ctx context.Context, service, operation string) error {
	return s.bucket(service, operation).Wait(ctx, service, operation)
}

func (s *shareLimiter) bucket(service, operation string) alicloud.RateLimiter {
	k := service + "/" + operation
	s.mu.Lock()
	defer s.mu.Unlock()
	if b, ok := s.buckets[k]; ok {
		return b
	}
	q := s.quota(service, operation)
	if s.share > 1 && q.Requests > 0 {
		q.Requests = max(1, q.Requests/s.share)
	}
	b := alicloud.NewRateLimiter(map[string]alicloud.Quota{k: q})
	s.buckets[k] = b
	return b
}
