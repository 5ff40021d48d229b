package redislimit_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/alb"
	"github.com/listenercerts/alicloud/alicloudtest"
	"github.com/listenercerts/alicloud/redislimit"
)

// The outage test: SDK clients (one limiter and one Redis client each, as
// separate processes would have) call ALB Dissociate from several goroutines
// against the emulator while the test kills Redis, and later restarts it on
// the same port. Every call must complete or return an error within a
// bound, no ClientToken may act twice, and the limiter must behave as its
// FailurePolicy says, logging one record when it switches away from Redis
// and one when Redis is back.
const (
	outageClients   = 3
	outageWorkers   = 2 // goroutines per client
	outageQuota     = 50
	outageListeners = 2000
	outageCallBound = 10 * time.Second // no call may take longer than this (generous: loaded CI hosts)
)

// outageCall is the outcome of one call.
type outageCall struct {
	token    string
	err      error
	began    time.Time
	took     time.Duration
	listener string
}

// phase names where a call began relative to the outage.
func (c outageCall) phase(killed, restarted time.Time) string {
	switch {
	case c.began.Before(killed):
		return "before"
	case c.began.Before(restarted):
		return "during"
	}
	return "after"
}

func TestRedisOutageDuringRun(t *testing.T) {
	if testing.Short() {
		t.Skip("the outage test runs for several seconds")
	}
	for _, policy := range []redislimit.FailurePolicy{redislimit.FailOpen, redislimit.FailClosed} {
		t.Run(policy.String(), func(t *testing.T) { testOutage(t, policy) })
	}
}

func testOutage(t *testing.T, policy redislimit.FailurePolicy) {
	redisSrv := dedicatedRedis(t)
	emu := alicloudtest.NewServer(
		alicloudtest.WithRateLimit(dissociate, outageQuota, time.Second),
		alicloudtest.WithALBDissociateDelay(-1),
	)
	defer emu.Close()
	for n := range outageListeners {
		if err := emu.ALB.AddListener(alicloudtest.ALBListener{
			ID: listenerID(9, n), Protocol: "HTTPS", DefaultCertificateID: "cert-default",
			AdditionalCertificateIDs: []string{certID(9, n)},
		}); err != nil {
			t.Fatal(err)
		}
	}

	const (
		callTimeout = 500 * time.Millisecond // generous: a loaded CI host must not look like an outage
		probe       = 100 * time.Millisecond
	)
	prefix := uniquePrefix(t)
	logs := make([]*logRecorder, outageClients)
	limiters := make([]*redislimit.Limiter, outageClients)
	clients := make([]*alb.Client, outageClients)
	for i := range clients {
		logs[i] = &logRecorder{}
		limiters[i] = redislimit.New(newClient(t, redisSrv.Addr()),
			redislimit.WithKeyPrefix(prefix),
			redislimit.WithAccount("outage-test"),
			redislimit.WithRegion(alicloudtest.Region),
			redislimit.WithQuota(alb.ServiceName+"/"+dissociate, alicloud.Quota{Requests: outageQuota, Per: time.Second}),
			redislimit.WithFleetSize(outageClients),
			redislimit.WithFailurePolicy(policy),
			redislimit.WithCallTimeout(callTimeout),
			redislimit.WithProbeInterval(probe),
			redislimit.WithLogger(slog.New(logs[i])))
		cfg := emu.Config()
		cfg.RateLimiter = limiters[i]
		cfg.Retry = alicloud.RetryPolicy{MaxAttempts: 5, BaseDelay: 20 * time.Millisecond, MaxDelay: 200 * time.Millisecond}
		c, err := alb.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		clients[i] = c
	}

	// The run: workers call until stop; Redis dies at 1s and comes back at 2s.
	runCtx, cancelRun := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancelRun()
	stop := make(chan struct{})
	var (
		mu    sync.Mutex
		calls []outageCall
		next  atomic.Int64
		wg    sync.WaitGroup
	)
	for i, c := range clients {
		for range outageWorkers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					n := int(next.Add(1)) - 1
					if n >= outageListeners {
						t.Errorf("client %d: ran out of listeners", i)
						return
					}
					call := outageCall{token: alicloud.NewClientToken(), began: time.Now(), listener: listenerID(9, n)}
					ctx, cancel := context.WithTimeout(runCtx, outageCallBound)
					_, call.err = c.DissociateAdditionalCertificatesFromListener(ctx, &alb.DissociateAdditionalCertificatesFromListenerInput{
						ListenerID: call.listener, CertificateIDs: []string{certID(9, n)}, ClientToken: call.token,
					})
					cancel()
					call.took = time.Since(call.began)
					mu.Lock()
					calls = append(calls, call)
					mu.Unlock()
					if call.err != nil && errors.Is(call.err, redislimit.ErrRedisUnavailable) {
						time.Sleep(10 * time.Millisecond) // a real caller backs off too
					}
				}
			}()
		}
	}

	time.Sleep(time.Second)
	killed := time.Now()
	redisSrv.Kill()
	t.Logf("killed redis-server at +1s")
	time.Sleep(time.Second)
	restarted := time.Now()
	if err := redisSrv.Start(); err != nil {
		close(stop)
		wg.Wait()
		t.Fatalf("restarting redis-server on the same port: %v", err)
	}
	t.Logf("restarted redis-server on %s", redisSrv.Addr())
	// Run until every limiter is back on Redis, and a while longer.
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) && anyUsingFallback(limiters) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	close(stop)

	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(outageCallBound + 5*time.Second):
		t.Fatal("calls still running long after the run stopped: something hangs")
	}

	// Every call completed or failed, within the bound.
	count := map[string]map[string]int{"before": {}, "during": {}, "after": {}}
	for _, c := range calls {
		ph := c.phase(killed, restarted)
		switch {
		case c.err == nil:
			count[ph]["ok"]++
		case errors.Is(c.err, redislimit.ErrRedisUnavailable):
			count[ph]["ErrRedisUnavailable"]++
		default:
			count[ph][fmt.Sprint(c.err)]++
		}
		if c.took > outageCallBound+time.Second {
			t.Errorf("a call (%s) took %v", ph, c.took)
		}
	}
	t.Logf("%d calls: %v; emulator: %d actions, %d throttled", len(calls), count, emu.Stats().Actions, emu.Stats().Throttled)

	// Nothing acted twice, every successful call acted once, and no call that
	// failed closed was sent.
	acted := emu.ActionsByClientToken()
	for tok, n := range acted {
		if n != 1 {
			t.Errorf("ClientToken %s acted %d times", tok, n)
		}
	}
	for _, c := range calls {
		switch {
		case c.err == nil && acted[c.token] != 1:
			t.Errorf("successful call %s acted %d times", c.token, acted[c.token])
		case errors.Is(c.err, redislimit.ErrRedisUnavailable) && acted[c.token] != 0:
			t.Errorf("call %s failed closed but acted %d times", c.token, acted[c.token])
		}
	}
	if got := emu.Stats().Actions; got != len(acted) {
		t.Errorf("%d actions but %d ClientTokens acted", got, len(acted))
	}

	// The policy.
	if count["before"]["ok"] == 0 || count["after"]["ok"] == 0 {
		t.Errorf("no successful call before or after the outage: %v", count)
	}
	for ph, m := range count {
		for outcome, n := range m {
			if outcome == "ok" {
				continue
			}
			if policy == redislimit.FailClosed && outcome == "ErrRedisUnavailable" {
				continue // checked below: only calls that ended after the kill
			}
			t.Errorf("%d calls %s the outage failed with %s", n, ph, outcome)
		}
	}
	switch policy {
	case redislimit.FailOpen:
		if count["during"]["ok"] == 0 {
			t.Error("fail-open: no call went through the fallback during the outage")
		}
	case redislimit.FailClosed:
		if count["during"]["ErrRedisUnavailable"] == 0 {
			t.Error("fail-closed: no call failed with ErrRedisUnavailable during the outage")
		}
		for _, c := range calls {
			if !errors.Is(c.err, redislimit.ErrRedisUnavailable) {
				continue
			}
			if c.began.Add(c.took).Before(killed) {
				t.Errorf("a call failed closed before Redis was killed: %v", c.err)
			}
			// The SDK may have slept a backoff before the attempt that
			// failed closed; the limiter itself gives up within callTimeout.
			if c.took > callTimeout+time.Second {
				t.Errorf("a fail-closed call took %v to fail, want about the call timeout (%v) at most", c.took, callTimeout)
			}
		}
	}

	// One record for the switch and one for the recovery, per limiter.
	for i, l := range logs {
		if w, in := l.count(slog.LevelWarn), l.count(slog.LevelInfo); w != 1 || in != 1 {
			t.Errorf("limiter %d logged %d switch and %d recovery records, want 1 and 1:\n%s", i, w, in, l)
		}
	}
	t.Logf("records of limiter 0:\n%s", logs[0])
}

func anyUsingFallback(ls []*redislimit.Limiter) bool {
	for _, l := range ls {
		if l.UsingFallback() {
			return true
		}
	}
	return false
}
