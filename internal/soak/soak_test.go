// Package soak runs many concurrent dissociations through the SDK against
// the emulator while it injects faults, and checks that no call acted twice,
// no result was lost, and nothing leaked. The default run is short (CI);
// -soak runs it for about a minute:
//
//	go test ./internal/soak -run Soak -v -soak
package soak

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/alb"
	"github.com/listenercerts/alicloud/alicloudtest"
	"github.com/listenercerts/alicloud/ga"
)

var long = flag.Bool("soak", false, "run the fault soak for about a minute instead of a few seconds")

const op = "DissociateAdditionalCertificatesFromListener"

// outcome of one logical call; redo repeats it with the same ClientToken.
type outcome struct {
	token string
	err   error
	redo  func(ctx context.Context) error
}

func TestSoak(t *testing.T) {
	duration, workers := 3*time.Second, 16
	if *long {
		duration, workers = 60*time.Second, 64
	}
	const certsPerListener = 2000

	goroutinesBefore := runtime.NumGoroutine()
	heapBefore := liveHeap()
	srv := alicloudtest.NewServer(
		alicloudtest.WithALBDissociateDelay(0), alicloudtest.WithGADissociateDelay(0),
		alicloudtest.WithRateLimit("", 0, 0))
	// A few percent of each fault, forever, on the two Dissociate operations.
	for _, f := range []alicloudtest.Fault{
		{Kind: alicloudtest.FaultThrottle, Rate: 0.03},
		{Kind: alicloudtest.FaultInternalError, Rate: 0.02},
		{Kind: alicloudtest.FaultServiceUnavailable, Rate: 0.02},
		{Kind: alicloudtest.FaultDropConnection, Rate: 0.02},
		{Kind: alicloudtest.FaultDropAfterAction, Rate: 0.02},
		{Kind: alicloudtest.FaultDelay, Rate: 0.02, Delay: 400 * time.Millisecond},
	} {
		f.Action = op
		srv.InjectFault(f)
	}

	// One ALB listener and one GA listener per worker, so that no two calls
	// race for the same resource and every call is valid.
	certs := make([]string, certsPerListener)
	domains := map[string]string{}
	for i := range certs {
		certs[i] = fmt.Sprintf("cert-%d", i)
		domains[fmt.Sprintf("d%d.example.com", i)] = certs[i]
	}
	for w := range workers {
		mustOK(t, srv.ALB.AddListener(alicloudtest.ALBListener{ID: fmt.Sprintf("lsn-%d", w), Protocol: "HTTPS",
			DefaultCertificateID: "cert-default", AdditionalCertificateIDs: certs}))
		mustOK(t, srv.GA.AddAccelerator(alicloudtest.GAAccelerator{ID: fmt.Sprintf("ga-%d", w)}))
		mustOK(t, srv.GA.AddListener(alicloudtest.GAListener{ID: fmt.Sprintf("lsr-%d", w), AcceleratorID: fmt.Sprintf("ga-%d", w),
			AdditionalCertificates: domains}))
	}

	transport := &http.Transport{MaxIdleConnsPerHost: workers * 2}
	cfg := srv.Config()
	cfg.HTTPClient = &http.Client{Transport: transport, Timeout: 200 * time.Millisecond} // shorter than the injected delay
	cfg.RateLimiter = alicloud.NoRateLimit
	cfg.Retry = alicloud.RetryPolicy{MaxAttempts: 8, BaseDelay: time.Millisecond, MaxDelay: 20 * time.Millisecond}
	albClient, err := alb.New(cfg)
	mustOK(t, err)
	gaClient, err := ga.New(cfg)
	mustOK(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), duration+30*time.Second)
	defer cancel()
	stop := time.Now().Add(duration)
	var (
		mu       sync.Mutex
		outcomes []outcome
		wg       sync.WaitGroup
		calls    atomic.Int64
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < certsPerListener && time.Now().Before(stop); i++ {
				token := alicloud.NewClientToken()
				var call func(ctx context.Context) error
				if i%2 == 0 {
					in := &alb.DissociateAdditionalCertificatesFromListenerInput{
						ListenerID: fmt.Sprintf("lsn-%d", w), CertificateIDs: []string{certs[i]}, ClientToken: token}
					call = func(ctx context.Context) error {
						_, err := albClient.DissociateAdditionalCertificatesFromListener(ctx, in)
						return err
					}
				} else {
					in := &ga.DissociateAdditionalCertificatesFromListenerInput{
						AcceleratorID: fmt.Sprintf("ga-%d", w), ListenerID: fmt.Sprintf("lsr-%d", w),
						Domains: []string{fmt.Sprintf("d%d.example.com", i)}, ClientToken: token}
					call = func(ctx context.Context) error {
						_, err := gaClient.DissociateAdditionalCertificatesFromListener(ctx, in)
						return err
					}
				}
				err := call(ctx)
				if err != nil && alicloud.ClientTokenOf(err) != token {
					err = fmt.Errorf("the error does not carry the call's ClientToken: %w", err)
				}
				calls.Add(1)
				mu.Lock()
				outcomes = append(outcomes, outcome{token, err, call})
				mu.Unlock()
			}
		}()
	}
	wg.Wait()

	st := srv.Stats()
	acts := srv.ActionsByClientToken()
	var succeeded, failed, duplicates, lost, failedActed, recovered int
	errorKinds := map[string]int{}
	var failures []outcome
	for _, o := range outcomes {
		n := acts[o.token]
		if n > 1 {
			duplicates++
		}
		if o.err == nil {
			succeeded++
			if n != 1 {
				lost++ // success reported, but the service did not act
			}
			continue
		}
		failed++
		failures = append(failures, o)
		errorKinds[errorKind(o.err)]++
		if n == 1 {
			failedActed++ // allowed: the caller saw an error, and holds the token to recover the result
		}
	}
	// No result is lost: every failed call, repeated with its ClientToken
	// once the faults stop, succeeds, and its token has acted exactly once.
	srv.ClearFaults()
	for _, o := range failures {
		if err := o.redo(ctx); err != nil {
			t.Errorf("repeating a failed call with its token %s: %v", o.token, err)
			continue
		}
		if n := srv.ActionsByClientToken()[o.token]; n != 1 {
			t.Errorf("token %s acted %d times after the repeat", o.token, n)
			continue
		}
		recovered++
	}

	srv.Close()
	transport.CloseIdleConnections()
	srv, outcomes, failures = nil, nil, nil
	goroutinesAfter := waitForGoroutines(goroutinesBefore + 1)
	heapAfter := liveHeap()

	report := []string{
		fmt.Sprintf("duration %s, %d workers", duration, workers),
		fmt.Sprintf("calls made:                 %d (%d succeeded, %d failed)", succeeded+failed, succeeded, failed),
		fmt.Sprintf("attempts (requests seen):   %d", st.RequestsByAction[op]),
		fmt.Sprintf("faults survived:            %d injected (%d connections dropped)", st.FaultsInjected, st.Dropped),
		fmt.Sprintf("errors surfaced:            %d %v", failed, errorKinds),
		fmt.Sprintf("effective actions:          %d (duplicates %d, successes without action %d, failures that acted %d)", st.Actions, duplicates, lost, failedActed),
		fmt.Sprintf("failed calls recovered:     %d of %d by repeating their ClientToken", recovered, failed),
		fmt.Sprintf("goroutines before/after:    %d / %d", goroutinesBefore, goroutinesAfter),
		fmt.Sprintf("live heap before/after:     %.1f / %.1f MiB", mib(heapBefore), mib(heapAfter)),
	}
	t.Log("fault soak report:\n  " + strings.Join(report, "\n  "))

	if succeeded+failed == 0 || st.FaultsInjected == 0 {
		t.Fatalf("the soak did nothing: %d calls, %d faults", succeeded+failed, st.FaultsInjected)
	}
	if duplicates != 0 {
		t.Errorf("%d ClientTokens acted more than once", duplicates)
	}
	if lost != 0 {
		t.Errorf("%d successful calls have no action behind them", lost)
	}
	if st.Actions != succeeded+failedActed {
		t.Errorf("effective actions %d != successes %d + failures that acted %d", st.Actions, succeeded, failedActed)
	}
	if goroutinesAfter > goroutinesBefore+1 { // one of the runtime's own may come and go; a leaked connection is two
		t.Errorf("goroutine leak: %d before, %d after", goroutinesBefore, goroutinesAfter)
	}
	if grown := heapAfter - heapBefore; grown > 16<<20 {
		t.Errorf("memory leak: the live heap grew by %.1f MiB", mib(grown))
	}
}

// liveHeap is the heap still reachable after a full collection.
func liveHeap() int64 {
	runtime.GC()
	runtime.GC() // a second cycle frees what the first only finalized
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

func errorKind(err error) string {
	var apiErr *alicloud.APIError
	switch {
	case errors.As(err, &apiErr):
		return apiErr.Code
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline"
	}
	return "network"
}

// waitForGoroutines gives exiting goroutines (connection readers, timers)
// a moment, and returns the count once it is at most want or after 5 s.
func waitForGoroutines(want int) int {
	deadline := time.Now().Add(5 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= want || time.Now().After(deadline) {
			return n
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func mustOK(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
