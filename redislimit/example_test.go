package redislimit_test

import (
	"context"
	"errors"
	"log"
	"log/slog"
	"os"
	"time"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/alb"
	"github.com/listenercerts/alicloud/redislimit"
	"github.com/redis/go-redis/v9"
)

// Every worker of a fleet builds its client like this; together they keep
// to the account's quota of 200 requests per 60 s.
func ExampleNew() {
	ctx := context.Background()
	cfg, err := alicloud.LoadDefaultConfig(ctx, "cn-hangzhou")
	if err != nil {
		log.Fatal(err)
	}
	rdb := redis.NewClient(&redis.Options{
		Addr:                  "redis.internal:6379",
		ContextTimeoutEnabled: true, // let the limiter's per-call timeout free the connection too
	})
	cfg.RateLimiter = redislimit.New(rdb,
		redislimit.WithAccount("prod"), // the same name in every worker of the account
		redislimit.WithRegion(cfg.Region),
		redislimit.WithFleetSize(4), // while Redis is down, each worker keeps to 1/4 of the quota
		redislimit.WithLogger(slog.New(slog.NewJSONHandler(os.Stderr, nil))),
	)
	client, err := alb.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.DissociateAdditionalCertificatesFromListener(ctx, &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID:     "lsn-example",
		CertificateIDs: []string{"cert-example"},
	})
	if err != nil {
		log.Fatal(err)
	}
}

// With FailClosed, no request goes out while Redis is unreachable: the call
// fails at once with an error matching ErrRedisUnavailable.
func ExampleWithFailurePolicy() {
	rdb := redis.NewClient(&redis.Options{Addr: "redis.internal:6379"})
	limiter := redislimit.New(rdb,
		redislimit.WithAccount("prod"),
		redislimit.WithFailurePolicy(redislimit.FailClosed),
		redislimit.WithCallTimeout(100*time.Millisecond),
		// A tighter quota than the documented one for this operation.
		redislimit.WithQuota("alb/DissociateAdditionalCertificatesFromListener",
			alicloud.Quota{Requests: 100, Per: time.Minute}),
	)
	err := limiter.Wait(context.Background(), "alb", "DissociateAdditionalCertificatesFromListener")
	if errors.Is(err, redislimit.ErrRedisUnavailable) {
		log.Print("Redis is down; try again later")
	}
}
