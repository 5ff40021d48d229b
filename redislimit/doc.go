// Package redislimit is an [alicloud.RateLimiter] backed by Redis, so that
// every process of a fleet draws from one shared request budget.
//
// Alibaba Cloud's quotas are per account, region and API (ALB's
// DissociateAdditionalCertificatesFromListener: 200 requests per 60 s), not
// per process. The SDK's built-in limiter is a token bucket inside one
// process: four workers with one bucket each send four times the quota and
// are throttled. A [Limiter] keeps the budget in Redis instead, with the
// GCRA algorithm of github.com/go-redis/redis_rate, one key per
// (key prefix, account, region, service, operation):
//
//	rdb := redis.NewClient(&redis.Options{Addr: "redis.internal:6379"})
//	cfg, err := alicloud.LoadDefaultConfig(ctx, "cn-hangzhou")
//	if err != nil { ... }
//	cfg.RateLimiter = redislimit.New(rdb,
//		redislimit.WithAccount("prod"), // or WithCredentials(cfg.Credentials)
//		redislimit.WithRegion(cfg.Region),
//		redislimit.WithFleetSize(4),    // per-process share while Redis is down
//	)
//	lb, err := alb.New(cfg)
//
// Limits default to the documented quotas ([alicloud.QuotaFor]) and can be
// overridden per operation with [WithQuota]. Requests are spaced evenly at
// the quota's rate, with a burst of 2 by default so that a turn taken late
// can be made up: in any window of the quota's period the fleet sends at
// most one request more than the quota (see [WithBurst]).
//
// # When Redis is unreachable or slow
//
// Every Redis call is bounded by [WithCallTimeout] (200 ms by default),
// whatever the client's own timeouts are. When a call fails or times out, the
// [FailurePolicy] decides:
//
//   - [FailOpen] (the default): the limiter switches to an in-process token
//     bucket with the same quotas (divided by [WithFleetSize]) and the call
//     goes ahead through it. Nothing is lost and nothing is sent twice: the
//     limiter only ever delays a call, it never sends one.
//   - [FailClosed]: Wait returns an error matching [ErrRedisUnavailable] at
//     once, so the call fails without being sent.
//
// While Redis is down, one call per probe interval ([WithProbeInterval], 1 s
// by default) tries Redis again; the others take the fallback (or fail
// closed) without touching Redis. The limiter logs one record when it
// switches away from Redis and one when Redis is back ([WithLogger]).
package redislimit
