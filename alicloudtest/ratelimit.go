package alicloudtest

import (
	"sync"
	"time"
)

type rateLimit struct {
	n   int
	per time.Duration
}

// rateLimiter is a token bucket per (account, action): capacity n, refilled
// continuously at n per period.
type rateLimiter struct {
	mu        sync.Mutex
	def       rateLimit
	perAction map[string]rateLimit
	buckets   map[bucketKey]*bucket
}

type bucketKey struct{ account, action string }

type bucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(limits map[string]rateLimit) *rateLimiter {
	l := &rateLimiter{
		def:       rateLimit{n: DefaultRateLimit, per: DefaultRateLimitPeriod},
		perAction: map[string]rateLimit{},
		buckets:   map[bucketKey]*bucket{},
	}
	for action, lim := range limits {
		if action == "" {
			l.def = lim
		} else {
			l.perAction[action] = lim
		}
	}
	return l
}

// allow takes a token from the bucket of (account, action). When none is
// left it reports false and how long until the next token.
func (l *rateLimiter) allow(account, action string, now time.Time) (bool, time.Duration) {
	lim, ok := l.perAction[action] // read-only after construction
	if !ok {
		lim = l.def
	}
	if lim.n <= 0 || lim.per <= 0 {
		return true, 0
	}
	rate := float64(lim.n) / float64(lim.per) // tokens per nanosecond
	l.mu.Lock()
	defer l.mu.Unlock()
	k := bucketKey{account, action}
	b := l.buckets[k]
	if b == nil {
		b = &bucket{tokens: float64(lim.n), last: now}
		l.buckets[k] = b
	}
	if elapsed := now.Sub(b.last); elapsed > 0 {
		b.tokens += float64(elapsed) * rate
		if b.tokens > float64(lim.n) {
			b.tokens = float64(lim.n)
		}
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / rate)
}
