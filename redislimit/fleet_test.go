package redislimit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/alb"
	"github.com/listenercerts/alicloud/alicloudtest"
	"github.com/listenercerts/alicloud/redislimit"
	"github.com/redis/go-redis/v9"
)

// The fleet test: fleetProcs separate OS processes (this test binary run
// again in child mode), each with its own SDK client and limiter, call ALB
// Dissociate as fast as their limiter lets them for fleetDuration, against
// one emulator (in the parent) that enforces the same quota the limiters
// use. With the Redis limiter the emulator must throttle at most
// fleetThrottleTolerance requests, and the rate the fleet sends must be
// within 10% of the quota. With the in-process limiter the same checks must
// fail, which proves that they can.
const (
	fleetProcs             = 4
	fleetWorkers           = 3 // goroutines per process
	fleetQuota             = 20
	fleetPer               = time.Second
	fleetDuration          = 4 * time.Second
	fleetThrottleTolerance = 2
	fleetListenersPerProc  = 400 // more than a process can use in fleetDuration
	fleetRateTolerance     = 0.10
	dissociate             = "DissociateAdditionalCertificatesFromListener"
)

// Environment of a child process.
const (
	envChild    = "REDISLIMIT_FLEET_CHILD"
	envEndpoint = "REDISLIMIT_FLEET_ENDPOINT"
	envKeyID    = "REDISLIMIT_FLEET_AK_ID"
	envSecret   = "REDISLIMIT_FLEET_AK_SECRET"
	envRedis    = "REDISLIMIT_FLEET_REDIS"
	envMode     = "REDISLIMIT_FLEET_MODE" // "redis" or "local"
	envIndex    = "REDISLIMIT_FLEET_INDEX"
	envStart    = "REDISLIMIT_FLEET_START" // Unix nanoseconds
	envPrefix   = "REDISLIMIT_FLEET_PREFIX"
)

func isChild() bool { return os.Getenv(envChild) == "1" }

// childReport is what a child prints on stdout, as one JSON object.
type childReport struct {
	Index     int            `json:"index"`
	Succeeded int            `json:"succeeded"`
	Failed    map[string]int `json:"failed"` // error summary -> count
	Tokens    []string       `json:"tokens"` // ClientTokens of the successful calls
}

func listenerID(proc, n int) string { return fmt.Sprintf("lsn-p%d-%04d", proc, n) }
func certID(proc, n int) string     { return fmt.Sprintf("cert-p%d-%04d", proc, n) }

// childMain is the fleet worker: a process of its own, with its own client
// and limiter, sending Dissociate calls from fleetWorkers goroutines until
// fleetDuration after the agreed start.
func childMain() int {
	if err := runChild(); err != nil {
		fmt.Fprintln(os.Stderr, "fleet child:", err)
		return 1
	}
	return 0
}

func runChild() error {
	index, err := strconv.Atoi(os.Getenv(envIndex))
	if err != nil {
		return fmt.Errorf("%s: %w", envIndex, err)
	}
	startNs, err := strconv.ParseInt(os.Getenv(envStart), 10, 64)
	if err != nil {
		return fmt.Errorf("%s: %w", envStart, err)
	}
	start := time.Unix(0, startNs)
	creds := alicloud.StaticCredentials(os.Getenv(envKeyID), os.Getenv(envSecret), "")
	quota := alicloud.Quota{Requests: fleetQuota, Per: fleetPer}

	var limiter alicloud.RateLimiter
	switch mode := os.Getenv(envMode); mode {
	case "redis":
		rdb := redis.NewClient(&redis.Options{Addr: os.Getenv(envRedis), ContextTimeoutEnabled: true})
		defer rdb.Close()
		limiter = redislimit.New(rdb,
			redislimit.WithKeyPrefix(os.Getenv(envPrefix)),
			redislimit.WithCredentials(creds), // every process derives the same account
			redislimit.WithRegion(alicloudtest.Region),
			redislimit.WithQuota(alb.ServiceName+"/"+dissociate, quota),
			redislimit.WithFleetSize(fleetProcs),
			redislimit.WithFailurePolicy(redislimit.FailClosed), // an outage must show, not hide
			redislimit.WithCallTimeout(time.Second),             // a loaded CI host must not look like one
			redislimit.WithLogger(slog.New(slog.NewTextHandler(os.Stderr, nil))))
	case "local":
		limiter = alicloud.NewRateLimiter(map[string]alicloud.Quota{alb.ServiceName + "/" + dissociate: quota})
	default:
		return fmt.Errorf("%s=%q", envMode, mode)
	}
	client, err := alb.New(alicloud.Config{
		Region:      alicloudtest.Region,
		Endpoint:    os.Getenv(envEndpoint),
		Credentials: creds,
		RateLimiter: limiter,
		Retry:       alicloud.RetryPolicy{MaxAttempts: 3, BaseDelay: 50 * time.Millisecond, MaxDelay: 200 * time.Millisecond},
	})
	if err != nil {
		return err
	}

	time.Sleep(time.Until(start))
	// Calls still waiting for the limiter at the end give up; none is sent
	// after it.
	ctx, cancel := context.WithDeadline(context.Background(), start.Add(fleetDuration))
	defer cancel()

	rep := childReport{Index: index, Failed: map[string]int{}}
	var mu sync.Mutex
	var next atomic.Int64
	var wg sync.WaitGroup
	for range fleetWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				n := int(next.Add(1)) - 1
				if n >= fleetListenersPerProc {
					return
				}
				token := alicloud.NewClientToken()
				out, err := client.DissociateAdditionalCertificatesFromListener(ctx, &alb.DissociateAdditionalCertificatesFromListenerInput{
					ListenerID:     listenerID(index, n),
					CertificateIDs: []string{certID(index, n)},
					ClientToken:    token,
				})
				mu.Lock()
				switch {
				case err == nil && out.JobID == "":
					rep.Failed["success without a JobId"]++
				case err == nil:
					rep.Succeeded++
					rep.Tokens = append(rep.Tokens, token)
				case ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) ||
					strings.Contains(err.Error(), "would exceed context deadline"): // x/time/rate's way to say it
					// The run ended (or would have before the limiter let
					// this call go): stop.
					mu.Unlock()
					return
				default:
					rep.Failed[summarize(err)]++
				}
				mu.Unlock()
				if err != nil {
					time.Sleep(20 * time.Millisecond) // back off, as a real worker would
				}
			}
		}()
	}
	wg.Wait()
	return json.NewEncoder(os.Stdout).Encode(rep)
}

// summarize reduces an error to its kind, for counting.
func summarize(err error) string {
	var apiErr *alicloud.APIError
	switch {
	case errors.As(err, &apiErr):
		return apiErr.Code
	case errors.Is(err, redislimit.ErrRedisUnavailable):
		return "ErrRedisUnavailable"
	}
	return err.Error()
}

// fleetResult is what one run of the fleet did, as the emulator saw it.
type fleetResult struct {
	mode      string
	reports   []childReport
	stats     alicloudtest.Stats
	arrivals  int           // Dissociate requests that reached the emulator
	span      time.Duration // from the first arrival to the last
	sentRate  float64       // (arrivals-1)/span: requests per second the fleet sent
	succeeded int
	tokens    map[string]int // ActionsByClientToken
}

// problems lists how r breaks the fleet's contract; empty means it holds.
func (r *fleetResult) problems() []string {
	var p []string
	want := float64(fleetQuota) / fleetPer.Seconds()
	if r.stats.Throttled > fleetThrottleTolerance {
		p = append(p, fmt.Sprintf("the emulator throttled %d requests (tolerance %d)", r.stats.Throttled, fleetThrottleTolerance))
	}
	if r.sentRate < want*(1-fleetRateTolerance) || r.sentRate > want*(1+fleetRateTolerance) {
		p = append(p, fmt.Sprintf("the fleet sent %.2f requests/s, want %.0f ±%.0f%%", r.sentRate, want, fleetRateTolerance*100))
	}
	return p
}

func (r *fleetResult) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "mode=%s arrivals=%d over %v (%.2f/s), succeeded=%d, throttled=%d, actions=%d",
		r.mode, r.arrivals, r.span.Round(time.Millisecond), r.sentRate, r.succeeded, r.stats.Throttled, r.stats.Actions)
	for _, rep := range r.reports {
		fmt.Fprintf(&b, "\n  process %d: %d succeeded, failed %v", rep.Index, rep.Succeeded, rep.Failed)
	}
	return b.String()
}

// runFleet runs fleetProcs child processes with the given limiter mode
// against a fresh emulator enforcing the quota.
func runFleet(t *testing.T, mode, redisAddr string) *fleetResult {
	t.Helper()
	srv := alicloudtest.NewServer(
		alicloudtest.WithRateLimit(dissociate, fleetQuota, fleetPer),
		alicloudtest.WithALBDissociateDelay(-1), // jobs stay pending: no timers; each listener is used once
	)
	defer srv.Close()
	for p := range fleetProcs {
		for n := range fleetListenersPerProc {
			if err := srv.ALB.AddListener(alicloudtest.ALBListener{
				ID: listenerID(p, n), Protocol: "HTTPS",
				DefaultCertificateID:     "cert-default",
				AdditionalCertificateIDs: []string{certID(p, n)},
			}); err != nil {
				t.Fatal(err)
			}
		}
	}

	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), fleetDuration+30*time.Second)
	defer cancel()
	start := time.Now().Add(time.Second) // time for the children to start
	prefix := uniquePrefix(t)

	type child struct {
		cmd            *exec.Cmd
		stdout, stderr bytes.Buffer
	}
	children := make([]*child, fleetProcs)
	for i := range children {
		c := &child{cmd: exec.CommandContext(ctx, exe, "-test.run=^$")}
		c.cmd.Env = append(os.Environ(),
			envChild+"=1",
			envEndpoint+"="+srv.URL,
			envKeyID+"="+srv.AccessKeyID,
			envSecret+"="+srv.AccessKeySecret,
			envRedis+"="+redisAddr,
			envMode+"="+mode,
			envIndex+"="+strconv.Itoa(i),
			envStart+"="+strconv.FormatInt(start.UnixNano(), 10),
			envPrefix+"="+prefix,
		)
		c.cmd.Stdout, c.cmd.Stderr = &c.stdout, &c.stderr
		if err := c.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		children[i] = c
	}
	res := &fleetResult{mode: mode}
	for i, c := range children {
		if err := c.cmd.Wait(); err != nil {
			t.Fatalf("child %d: %v\nstderr:\n%s", i, err, c.stderr.String())
		}
		var rep childReport
		if err := json.NewDecoder(&c.stdout).Decode(&rep); err != nil && !errors.Is(err, io.EOF) {
			t.Fatalf("child %d report: %v\nstdout: %s\nstderr:\n%s", i, err, c.stdout.String(), c.stderr.String())
		}
		if c.stderr.Len() > 0 {
			t.Logf("child %d stderr:\n%s", i, c.stderr.String())
		}
		res.reports = append(res.reports, rep)
		res.succeeded += rep.Succeeded
	}

	res.stats = srv.Stats()
	res.tokens = srv.ActionsByClientToken()
	var times []time.Time
	for _, r := range srv.Requests() {
		if r.Action == dissociate {
			times = append(times, r.Time)
		}
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	res.arrivals = len(times)
	if len(times) >= 2 {
		res.span = times[len(times)-1].Sub(times[0])
		res.sentRate = float64(len(times)-1) / res.span.Seconds()
	}

	// Whatever the limiter, no ClientToken may act twice, and every call
	// reported successful acted exactly once.
	for tok, n := range res.tokens {
		if n != 1 {
			t.Errorf("ClientToken %s acted %d times", tok, n)
		}
	}
	for _, rep := range res.reports {
		for _, tok := range rep.Tokens {
			if res.tokens[tok] != 1 {
				t.Errorf("process %d: successful call with ClientToken %s acted %d times", rep.Index, tok, res.tokens[tok])
			}
		}
	}
	return res
}

func TestFleetSharesOneQuota(t *testing.T) {
	if testing.Short() {
		t.Skip("the fleet test runs for several seconds")
	}
	addr := sharedRedis(t)

	t.Run("RedisLimiter", func(t *testing.T) {
		res := runFleet(t, "redis", addr)
		t.Log(res)
		for _, p := range res.problems() {
			t.Error(p)
		}
		// Every process drew from the budget, and the fleet used the quota:
		// the shared limiter is not stricter than it must be.
		for _, rep := range res.reports {
			if rep.Succeeded == 0 {
				t.Errorf("process %d made no successful call", rep.Index)
			}
			if len(rep.Failed) > 0 {
				t.Errorf("process %d had failed calls: %v", rep.Index, rep.Failed)
			}
		}
		wantCalls := float64(fleetQuota) * fleetDuration.Seconds() / fleetPer.Seconds()
		if got := float64(res.stats.Actions); got < wantCalls*(1-fleetRateTolerance) || got > wantCalls*(1+fleetRateTolerance)+1 {
			t.Errorf("the fleet made %d actions in %v, want %.0f ±%.0f%%", res.stats.Actions, fleetDuration, wantCalls, fleetRateTolerance*100)
		}
	})

	t.Run("InProcessLimiterIsThrottled", func(t *testing.T) {
		res := runFleet(t, "local", "")
		t.Log(res)
		problems := res.problems()
		if res.stats.Throttled == 0 {
			t.Error("the emulator throttled nothing: the fleet test could not catch a limiter that does not share the quota")
		}
		if len(problems) == 0 {
			t.Error("the fleet's checks pass with per-process limiters; they prove nothing")
		}
		t.Logf("as expected, with per-process limiters: %s", strings.Join(problems, "; "))
	})
}
