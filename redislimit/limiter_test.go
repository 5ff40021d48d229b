package redislimit_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/redislimit"
	"github.com/redis/go-redis/v9"
)

const (
	svc = "alb"
	op  = "DissociateAdditionalCertificatesFromListener"
	key = svc + "/" + op
)

// logRecorder is a slog.Handler that keeps every record.
type logRecorder struct {
	mu      sync.Mutex
	records []slog.Record
}

func (h *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (h *logRecorder) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *logRecorder) WithGroup(string) slog.Handler            { return h }
func (h *logRecorder) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	h.records = append(h.records, r.Clone())
	h.mu.Unlock()
	return nil
}

// count returns how many records at level were logged.
func (h *logRecorder) count(level slog.Level) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, r := range h.records {
		if r.Level == level {
			n++
		}
	}
	return n
}

func (h *logRecorder) String() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var b strings.Builder
	for _, r := range h.records {
		b.WriteString(r.Level.String() + " " + r.Message)
		r.Attrs(func(a slog.Attr) bool { b.WriteString(" " + a.String()); return true })
		b.WriteString("\n")
	}
	return b.String()
}

func TestQuotaDefaultsAndOverrides(t *testing.T) {
	l := redislimit.New(redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"}),
		redislimit.WithQuota("alb/Other", alicloud.Quota{Requests: 5, Per: time.Second}))
	if got, want := l.Quota(svc, op), alicloud.QuotaFor(svc, op); got != want {
		t.Errorf("documented quota: got %v, want %v", got, want)
	}
	if got := l.Quota(svc, op); got.Requests != 200 || got.Per != time.Minute {
		t.Errorf("ALB Dissociate quota: got %v, want 200/1m0s", got)
	}
	if got := l.Quota("alb", "Other"); got != (alicloud.Quota{Requests: 5, Per: time.Second}) {
		t.Errorf("override: got %v", got)
	}
	if got := l.Quota("ga", "Unknown"); got != alicloud.DefaultQuota {
		t.Errorf("unknown operation: got %v, want DefaultQuota", got)
	}
}

func TestUnlimitedOperationNeverTouchesRedis(t *testing.T) {
	l := redislimit.New(redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"}),
		redislimit.WithFailurePolicy(redislimit.FailClosed),
		redislimit.WithQuota(key, alicloud.Quota{}))
	for range 100 {
		if err := l.Wait(context.Background(), svc, op); err != nil {
			t.Fatalf("Wait on an unlimited operation: %v", err)
		}
	}
}

func TestKeyLayoutNeverRevealsAccessKey(t *testing.T) {
	addr := sharedRedis(t)
	rdb := newClient(t, addr)
	const akID = "LTAI5tSecretLookingKeyID"
	prefix := uniquePrefix(t)
	l := redislimit.New(rdb,
		redislimit.WithKeyPrefix(prefix),
		redislimit.WithCredentials(alicloud.StaticCredentials(akID, "the-secret", "")),
		redislimit.WithRegion("cn-shanghai"))
	ctx := context.Background()

	k, err := l.Key(ctx, svc, op)
	if err != nil {
		t.Fatal(err)
	}
	account := redislimit.AccountFromAccessKeyID(akID)
	if want := prefix + ":" + account + ":cn-shanghai:alb:" + op; k != want {
		t.Errorf("Key = %q, want %q", k, want)
	}
	if strings.Contains(k, akID) || strings.Contains(k, "the-secret") || strings.Contains(account, "LTAI") {
		t.Errorf("key %q reveals the AccessKey", k)
	}
	if gk, _ := l.Key(ctx, "ga", "DissociateAdditionalCertificatesFromListener"); !strings.Contains(gk, ":cn-hangzhou:ga:") {
		t.Errorf("ga key %q should use the region cn-hangzhou", gk)
	}
	if other := redislimit.AccountFromAccessKeyID("LTAI5tAnotherKey"); other == account {
		t.Error("two AccessKeys map to one account")
	}

	if err := l.Wait(ctx, svc, op); err != nil {
		t.Fatal(err)
	}
	keys, err := rdb.Keys(ctx, "*"+prefix+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0] != "rate:"+k {
		t.Errorf("keys in Redis = %q, want [%q]", keys, "rate:"+k)
	}

	named := redislimit.New(rdb, redislimit.WithKeyPrefix(prefix), redislimit.WithAccount("prod"))
	if nk, _ := named.Key(ctx, svc, op); nk != prefix+":prod:any:alb:"+op {
		t.Errorf("named account key = %q", nk)
	}
}

func TestCredentialsErrorIsReturned(t *testing.T) {
	boom := errors.New("no credentials today")
	l := redislimit.New(redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"}),
		redislimit.WithCredentials(alicloud.CredentialsProviderFunc(func(context.Context) (alicloud.Credentials, error) {
			return alicloud.Credentials{}, boom
		})))
	if err := l.Wait(context.Background(), svc, op); !errors.Is(err, boom) {
		t.Fatalf("Wait = %v, want the credentials error", err)
	}
}

// TestSpacesRequestsAtTheQuota: 22 concurrent waiters on 20/s with the
// default burst of 2 take 20 intervals of 50 ms.
func TestSpacesRequestsAtTheQuota(t *testing.T) {
	rdb := newClient(t, sharedRedis(t))
	l := redislimit.New(rdb, redislimit.WithKeyPrefix(uniquePrefix(t)),
		redislimit.WithQuota(key, alicloud.Quota{Requests: 20, Per: time.Second}))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	const n = 22
	start := time.Now()
	times := make([]time.Duration, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := l.Wait(ctx, svc, op); err != nil {
				t.Error(err)
			}
			times[i] = time.Since(start)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if elapsed < 950*time.Millisecond || elapsed > 2500*time.Millisecond {
		t.Errorf("22 waits at 20/s with a burst of 2 took %v, want about 1s", elapsed)
	}
	if l.UsingFallback() {
		t.Error("the limiter switched to the fallback with Redis up")
	}
}

// TestBudgetIsSharedBetweenLimiters: two limiters (two clients, as two
// processes would have) with the same account share one budget; another
// account has its own.
func TestBudgetIsSharedBetweenLimiters(t *testing.T) {
	addr := sharedRedis(t)
	prefix := uniquePrefix(t)
	quota := redislimit.WithQuota(key, alicloud.Quota{Requests: 10, Per: time.Second})
	a := redislimit.New(newClient(t, addr), redislimit.WithKeyPrefix(prefix), redislimit.WithAccount("acct"), quota)
	b := redislimit.New(newClient(t, addr), redislimit.WithKeyPrefix(prefix), redislimit.WithAccount("acct"), quota)
	other := redislimit.New(newClient(t, addr), redislimit.WithKeyPrefix(prefix), redislimit.WithAccount("other"), quota)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	start := time.Now()
	var wg sync.WaitGroup
	for _, l := range []*redislimit.Limiter{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				if err := l.Wait(ctx, svc, op); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	// A burst of 2, then 8 intervals of 100 ms; one budget each would take 300 ms.
	if elapsed := time.Since(start); elapsed < 750*time.Millisecond {
		t.Errorf("10 waits over two limiters sharing 10/s took %v, want about 800ms", elapsed)
	}

	start = time.Now()
	if err := other.Wait(ctx, svc, op); err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); elapsed > 300*time.Millisecond {
		t.Errorf("another account waited %v on a fresh budget", elapsed)
	}
}

// TestBurst: an idle budget lets burst requests go at once, then spaces them.
func TestBurst(t *testing.T) {
	rdb := newClient(t, sharedRedis(t))
	l := redislimit.New(rdb, redislimit.WithKeyPrefix(uniquePrefix(t)), redislimit.WithBurst(3),
		redislimit.WithQuota(key, alicloud.Quota{Requests: 5, Per: time.Second}))
	ctx := context.Background()
	start := time.Now()
	for range 3 {
		if err := l.Wait(ctx, svc, op); err != nil {
			t.Fatal(err)
		}
	}
	if elapsed := time.Since(start); elapsed > 300*time.Millisecond {
		t.Errorf("a burst of 3 took %v, want no wait", elapsed)
	}
	if err := l.Wait(ctx, svc, op); err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); elapsed < 180*time.Millisecond || elapsed > 1500*time.Millisecond {
		t.Errorf("the request after a burst of 3 at 5/s went after %v, want about 200ms", elapsed)
	}
}

// commandCounter counts the commands a client sends.
type commandCounter struct{ n atomic.Int64 }

func (c *commandCounter) DialHook(next redis.DialHook) redis.DialHook { return next }
func (c *commandCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		c.n.Add(1)
		return next(ctx, cmd)
	}
}
func (c *commandCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		c.n.Add(int64(len(cmds)))
		return next(ctx, cmds)
	}
}

// TestSleepsAsLongAsRedisSaysWithoutPolling: a lone waiter asks Redis once
// when allowed and twice when it must wait (denied, sleep RetryAfter,
// allowed): no polling in between.
func TestSleepsAsLongAsRedisSaysWithoutPolling(t *testing.T) {
	rdb := newClient(t, sharedRedis(t))
	counter := &commandCounter{}
	rdb.AddHook(counter)
	l := redislimit.New(rdb, redislimit.WithKeyPrefix(uniquePrefix(t)), redislimit.WithBurst(1),
		redislimit.WithQuota(key, alicloud.Quota{Requests: 5, Per: time.Second}))
	ctx := context.Background()

	if err := l.Wait(ctx, svc, op); err != nil { // loads the script too
		t.Fatal(err)
	}
	base := counter.n.Load()
	start := time.Now()
	const waits = 5
	for range waits {
		if err := l.Wait(ctx, svc, op); err != nil {
			t.Fatal(err)
		}
	}
	elapsed := time.Since(start)
	if elapsed < 950*time.Millisecond || elapsed > 2500*time.Millisecond {
		t.Errorf("5 more waits at 5/s took %v, want about 1s", elapsed)
	}
	// A timer can fire a hair early relative to Redis's clock; allow one
	// extra round trip in all.
	if got := counter.n.Load() - base; got > 2*waits+1 {
		t.Errorf("%d Redis commands for %d waits: the limiter polls", got, waits)
	}
}

func TestWaitHonoursContext(t *testing.T) {
	rdb := newClient(t, sharedRedis(t))
	l := redislimit.New(rdb, redislimit.WithKeyPrefix(uniquePrefix(t)), redislimit.WithBurst(1),
		redislimit.WithQuota(key, alicloud.Quota{Requests: 1, Per: 10 * time.Second}))
	if err := l.Wait(context.Background(), svc, op); err != nil {
		t.Fatal(err)
	}

	// A deadline shorter than the wait: an error at once.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	err := l.Wait(ctx, svc, op)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait past the deadline = %v, want DeadlineExceeded", err)
	}
	if elapsed := time.Since(start); elapsed > 500*time.Millisecond {
		t.Errorf("Wait that cannot make the deadline took %v", elapsed)
	}

	// Cancellation during the sleep.
	ctx2, cancel2 := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel2)
	start = time.Now()
	if err := l.Wait(ctx2, svc, op); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Wait = %v, want Canceled", err)
	}
	if elapsed := time.Since(start); elapsed > 600*time.Millisecond {
		t.Errorf("cancelled Wait returned after %v", elapsed)
	}

	// A context already done.
	done, cancel3 := context.WithCancel(context.Background())
	cancel3()
	if err := l.Wait(done, svc, op); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait on a done context = %v", err)
	}
	if l.UsingFallback() {
		t.Error("context errors made the limiter switch to the fallback")
	}
}

// blackhole accepts connections and never answers: a Redis that hangs.
func blackhole(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return ln.Addr().String()
}

// closedAddr is a loopback address where nothing listens.
func closedAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestUnavailableRedis: for a refused connection and for a server that
// never answers (with the client's own read timeout far longer than the
// limiter's), fail-open goes through the fallback and fail-closed fails
// fast with ErrRedisUnavailable; each logs one record for the outage.
func TestUnavailableRedis(t *testing.T) {
	for _, tc := range []struct {
		name string
		addr func(testing.TB) string
	}{
		{"refused", closedAddr},
		{"hung", blackhole},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const callTimeout = 100 * time.Millisecond
			newLimiter := func(policy redislimit.FailurePolicy, logs *logRecorder) (*redislimit.Limiter, *commandCounter) {
				rdb := redis.NewClient(&redis.Options{Addr: tc.addr(t), ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second})
				t.Cleanup(func() { rdb.Close() })
				counter := &commandCounter{}
				rdb.AddHook(counter)
				return redislimit.New(rdb,
					redislimit.WithFailurePolicy(policy),
					redislimit.WithCallTimeout(callTimeout),
					redislimit.WithProbeInterval(time.Hour),
					redislimit.WithLogger(slog.New(logs)),
					redislimit.WithQuota(key, alicloud.Quota{Requests: 1000, Per: time.Second})), counter
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()

			t.Run("FailOpen", func(t *testing.T) {
				logs := &logRecorder{}
				l, _ := newLimiter(redislimit.FailOpen, logs)
				start := time.Now()
				var wg sync.WaitGroup
				for range 20 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						if err := l.Wait(ctx, svc, op); err != nil {
							t.Errorf("fail-open Wait = %v", err)
						}
					}()
				}
				wg.Wait()
				// The client would wait 30 s for an answer; the limiter
				// gives up after callTimeout (generous bound for loaded hosts).
				if elapsed := time.Since(start); elapsed > 5*time.Second {
					t.Errorf("20 fail-open waits took %v", elapsed)
				}
				if !l.UsingFallback() {
					t.Error("UsingFallback() = false")
				}
				if n := logs.count(slog.LevelWarn); n != 1 {
					t.Errorf("%d warning records, want 1:\n%s", n, logs)
				}
			})
			t.Run("FailClosed", func(t *testing.T) {
				logs := &logRecorder{}
				l, counter := newLimiter(redislimit.FailClosed, logs)
				var sent int64
				for i := range 10 {
					start := time.Now()
					err := l.Wait(ctx, svc, op)
					if !errors.Is(err, redislimit.ErrRedisUnavailable) {
						t.Fatalf("fail-closed Wait = %v, want ErrRedisUnavailable", err)
					}
					if elapsed := time.Since(start); elapsed > 5*time.Second {
						t.Errorf("fail-closed Wait %d took %v", i, elapsed)
					}
					if i == 0 {
						t.Logf("fail-closed error: %v", err)
						sent = counter.n.Load()
					}
				}
				// Until the next probe, the error comes at once: Redis is
				// not asked again.
				if n := counter.n.Load(); n != sent {
					t.Errorf("%d Redis commands after the first failure, want none before the next probe", n-sent)
				}
				if n := logs.count(slog.LevelWarn); n != 1 {
					t.Errorf("%d warning records, want 1:\n%s", n, logs)
				}
			})
		})
	}
}

// TestFallbackShare: WithFleetSize divides the fallback's quota, so a fleet
// in fallback stays within the quota.
func TestFallbackShare(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: closedAddr(t)})
	defer rdb.Close()
	l := redislimit.New(rdb,
		redislimit.WithFleetSize(4),
		redislimit.WithLogger(slog.New(&logRecorder{})),
		redislimit.WithQuota(key, alicloud.Quota{Requests: 40, Per: time.Second}))
	ctx := context.Background()
	// 1/4 of 40/s: a bucket of 10 that refills at 10/s. 13 waits: 10 at once,
	// then 3 at 100 ms intervals.
	start := time.Now()
	for range 13 {
		if err := l.Wait(ctx, svc, op); err != nil {
			t.Fatal(err)
		}
	}
	if elapsed := time.Since(start); elapsed < 250*time.Millisecond || elapsed > 2*time.Second {
		t.Errorf("13 fallback waits at 10/s with a bucket of 10 took %v, want about 300ms", elapsed)
	}
}

// TestSwitchesBackWhenRedisReturns: kill Redis under load, see one switch
// record, restart it on the same port, see one recovery record, and the
// shared budget in force again.
func TestSwitchesBackWhenRedisReturns(t *testing.T) {
	srv := dedicatedRedis(t)
	logs := &logRecorder{}
	rdb := newClient(t, srv.Addr())
	const probe = 100 * time.Millisecond
	l := redislimit.New(rdb,
		redislimit.WithKeyPrefix(uniquePrefix(t)),
		redislimit.WithCallTimeout(500*time.Millisecond), // a loaded CI host must not look like an outage
		redislimit.WithProbeInterval(probe),
		redislimit.WithLogger(slog.New(logs)),
		redislimit.WithQuota(key, alicloud.Quota{Requests: 100, Per: time.Second}))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	waitN := func(n int) {
		t.Helper()
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range n / 4 {
					if err := l.Wait(ctx, svc, op); err != nil {
						t.Errorf("Wait: %v", err)
						return
					}
				}
			}()
		}
		wg.Wait()
	}
	waitN(20)
	if l.UsingFallback() || logs.count(slog.LevelWarn) != 0 {
		t.Fatalf("switched with Redis up:\n%s", logs)
	}

	srv.Kill()
	waitN(40)
	if !l.UsingFallback() {
		t.Fatal("still on Redis after it was killed")
	}
	time.Sleep(2 * probe) // several probes, all failing: no new records
	waitN(20)

	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for l.UsingFallback() && time.Now().Before(deadline) {
		waitN(4)
		time.Sleep(probe / 4)
	}
	if l.UsingFallback() {
		t.Fatal("did not switch back to Redis within 5s of its restart")
	}
	waitN(20)
	if w, i := logs.count(slog.LevelWarn), logs.count(slog.LevelInfo); w != 1 || i != 1 {
		t.Errorf("got %d switch and %d recovery records, want 1 and 1:\n%s", w, i, logs)
	}
	t.Logf("records:\n%s", logs)
}
