package bench

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// mode is how many callers share one client: 0 is a plain sequential loop
// (one caller); otherwise b.RunParallel with that many goroutines.
type mode struct {
	name    string
	callers int
}

var modes = []mode{{"seq", 0}, {"par8", 8}, {"par64", 64}}

// BenchmarkALBDissociate measures ALB DissociateAdditionalCertificatesFromListener:
// each iteration removes two additional certificates from a listener seeded
// for it (fresh ClientToken), and must get HTTP 200 with a JobId.
func BenchmarkALBDissociate(b *testing.B) {
	for _, m := range modes {
		b.Run(m.name, func(b *testing.B) {
			for _, c := range contenders {
				b.Run(c.name, func(b *testing.B) {
					skipRacy(b, c, m)
					ch := emulatorChild(b)
					warm := max(1, m.callers)
					items := ch.resetALB(b, warm+b.N)
					measure(b, ch, c.alb(b, ch.target(), items), warm, m.callers)
				})
			}
		})
	}
}

// BenchmarkGADissociate measures GA DissociateAdditionalCertificatesFromListener:
// each iteration removes the certificates of two domains from a listener
// seeded for it (fresh ClientToken), and must get HTTP 200 with a RequestId.
func BenchmarkGADissociate(b *testing.B) {
	for _, m := range modes {
		b.Run(m.name, func(b *testing.B) {
			for _, c := range contenders {
				if c.ga == nil {
					continue
				}
				b.Run(c.name, func(b *testing.B) {
					skipRacy(b, c, m)
					ch := emulatorChild(b)
					warm := max(1, m.callers)
					items := ch.resetGA(b, warm+b.N)
					measure(b, ch, c.ga(b, ch.target(), items), warm, m.callers)
				})
			}
		})
	}
}

// skipRacy skips, under the race detector, the concurrent runs of an SDK
// known to race: legacy sdk.Client.setTimeout writes the shared
// http.Client's Timeout and its Transport's DialContext on every call
// (sdk/client.go:535-538, 600-601); darabonba's dara.DoRequest writes the
// shared http.Client's Timeout on every call (tea dara/core.go:354).
func skipRacy(b *testing.B, c contender, m mode) {
	if raceEnabled && c.racy && m.callers > 0 {
		b.Skip("this SDK's client has data races under concurrent callers; the race detector would fail the run")
	}
}

// measure warms the client up with `warm` concurrent calls (connections
// open, lazy initialization done), then times b.N calls made by `callers`
// goroutines (0: the benchmark goroutine alone) on that one client. It
// checks afterwards that the emulator acted once per call and answered no
// error.
func measure(b *testing.B, ch *child, call caller, warm, callers int) {
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, warm)
	for i := range warm {
		wg.Add(1)
		go func() { defer wg.Done(); errs <- call(ctx, i) }()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			b.Fatalf("warm-up call: %v", err)
		}
	}

	b.ReportAllocs()
	runtime.GC()
	cpu0 := cpuTime()
	b.ResetTimer()
	if callers == 0 {
		for i := range b.N {
			if err := call(ctx, warm+i); err != nil {
				b.Fatalf("call %d: %v", i, err)
			}
		}
	} else {
		procs := runtime.GOMAXPROCS(0)
		b.SetParallelism((callers + procs - 1) / procs)
		var next atomic.Int64
		next.Store(int64(warm))
		var failed atomic.Bool
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := int(next.Add(1) - 1)
				if err := call(ctx, i); err != nil && failed.CompareAndSwap(false, true) {
					b.Errorf("call %d: %v", i, err)
				}
			}
		})
	}
	b.StopTimer()
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")

	s := ch.stats(b)
	if want := warm + b.N; s.Actions != want || len(s.ErrorsByCode) != 0 {
		b.Fatalf("the emulator acted %d times for %d calls; errors %v", s.Actions, want, s.ErrorsByCode)
	}
}

// cpuTime is the CPU time (user and system) this process has used: the
// client side only, since the emulator runs in a child process.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
