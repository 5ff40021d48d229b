package main

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// The rotation benchmarks (bench/rotate_test.go, BenchmarkRotate) report
// custom metrics; the Rotation section shows them against the aims.
const (
	rotationPrefix = "Rotate/"
	// rotationAim is the most wall/bound the issue aims for.
	rotationAim = 1.2
	// albWritesFloor is the least writes per certificate for 20 added and
	// 20 removed on a listener: ceil(20/15) calls each way, 2 per 20.
	albWritesFloor = 0.1
	// gaWritesFloor is the least writes per domain for 2 updated, 11
	// associated and 11 dissociated on a listener: 2 + 2 + 2 calls for 24.
	gaWritesFloor = 0.25
)

// Production's change delays, which the benchmark compresses to its job-ms
// (and, for GA, lag-ms): alicloudtest.ProductionALBJobDelay,
// ProductionGAChangeDelay and ProductionGAAcceleratorLag.
const (
	productionALBJobMs   = 7000
	productionGAChangeMs = 15000
	productionGALagMs    = 10000
)

// rotationLabels describe the variants of BenchmarkRotate, by sub-name.
var rotationLabels = map[string]string{
	"ALB/defaults": "ALB, the SDK's default waiter delays, compressed",
	"ALB/tuned":    "ALB, a poll every quarter job",
	"ALB/expected": "ALB, first poll at the job's end, then every tenth job",
	"GA/defaults":  "GA, the SDK's default waiter delays, compressed",
	"GA/tuned":     "GA, a poll every quarter change",
	"GA/expected":  "GA, first poll at the change's end, then every tenth change",
}

// metricOf returns a metric of the first rotation result of the service
// (its sub-names start with service + "/"), NaN without one.
func (r *report) metricOf(service, unit string) float64 {
	for _, k := range r.rotationKeys() {
		if v := r.rotation(k).metric(unit); strings.HasPrefix(k, service+"/") && !math.IsNaN(v) {
			return v
		}
	}
	return math.NaN()
}

// boundOf is the bound of the service's rotation, NaN without one.
func (r *report) boundOf(service string) float64 { return r.metricOf(service, "bound-ms") }

// waiterOrder is the order of the waiter settings in the tables: the
// defaults, then the tuned steady poll, then the expected first poll.
var waiterOrder = []string{"defaults", "tuned", "expected"}

// rotationKeys returns the sub-names of the rotation results, by service,
// then in waiterOrder (unknown settings last, by name).
func (r *report) rotationKeys() []string {
	var keys []string
	for name := range r.res {
		if k, ok := strings.CutPrefix(name, rotationPrefix); ok {
			keys = append(keys, k)
		}
	}
	rank := func(k string) (string, int, string) {
		service, setting, _ := strings.Cut(k, "/")
		i := slices.Index(waiterOrder, setting)
		if i < 0 {
			i = len(waiterOrder)
		}
		return service, i, setting
	}
	slices.SortFunc(keys, func(a, b string) int {
		as, ai, an := rank(a)
		bs, bi, bn := rank(b)
		if c := strings.Compare(as, bs); c != 0 {
			return c
		}
		if ai != bi {
			return ai - bi
		}
		return strings.Compare(an, bn)
	})
	return keys
}

func (r *report) rotation(key string) sample { return r.res[rotationPrefix+key] }

// metric returns a custom metric of s, NaN when it was not reported.
func (s sample) metric(unit string) float64 {
	if v, ok := s.Metrics[unit]; ok {
		return v
	}
	return math.NaN()
}

func fnum(v float64, format string) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return fmt.Sprintf(format, v)
}

// rotationTargets evaluates the aims on every rotation result.
func (r *report) rotationTargets() []verdict {
	keys := r.rotationKeys()
	writes := verdict{target: "rotation (ALB): write requests per certificate at the floor, calls carrying 15 ids when possible (20 each way: 15 + 5, 0.1 per certificate; 1/15 as the numbers grow)", pass: true}
	gaWrites := verdict{target: "rotation (GA): write requests per domain at the floor, one Update per domain updated in place and calls carrying 10 domains when possible (2 updated, 11 associated, 11 dissociated: 2 + (10 + 1) + (10 + 1), 0.25 per domain)", pass: true}
	throttled := verdict{target: "rotation: 0 throttled answers surfaced to the caller", pass: true, known: len(keys) > 0}
	var walls []verdict
	var ap, gp, tp []string
	for _, k := range keys {
		s := r.rotation(k)
		q, w, t := s.metric("wall/bound"), s.metric("writes/cert"), s.metric("throttled-surfaced")
		walls = append(walls, verdict{target: fmt.Sprintf("rotation %s: wall time ≤ %.1f× the bound set by the quotas and change delays", k, rotationAim),
			measured: fmt.Sprintf("%s (%.0f ms vs %s ms)", fx(q), s.NsOp/1e6, fnum(s.metric("bound-ms"), "%.0f")),
			pass:     math.IsNaN(q) || q <= rotationAim, known: !math.IsNaN(q)})
		switch {
		case strings.HasPrefix(k, "ALB/"):
			writes.known = !math.IsNaN(w)
			writes.pass = writes.pass && w <= albWritesFloor+1e-9
			ap = append(ap, k+": "+fnum(w, "%.3f"))
		case strings.HasPrefix(k, "GA/"):
			gaWrites.known = !math.IsNaN(w)
			gaWrites.pass = gaWrites.pass && w <= gaWritesFloor+1e-9
			gp = append(gp, k+": "+fnum(w, "%.3f"))
		}
		throttled.pass = throttled.pass && t == 0
		throttled.known = throttled.known && !math.IsNaN(t)
		tp = append(tp, k+": "+fnum(t, "%.0f")+" (absorbed: "+fnum(s.metric("throttled-absorbed"), "%.0f")+" throttled, "+fnum(s.metric("busy-absorbed"), "%.0f")+" busy)")
	}
	writes.measured, gaWrites.measured, throttled.measured = strings.Join(ap, "; "), strings.Join(gp, "; "), strings.Join(tp, "; ")
	out := append(walls, writes)
	if len(gp) > 0 {
		out = append(out, gaWrites)
	}
	return append(out, throttled)
}

// rotationMarkdown is the Rotation section; empty without rotation results.
func (r *report) rotationMarkdown() string {
	keys := r.rotationKeys()
	if len(keys) == 0 {
		return ""
	}
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("## Rotation\n\n")
	if rr := r.rotationRun; rr.Date != "" {
		p("**Measured separately** from the tables above: on %s (%s), `%s` ran the rotation benchmark alone (`go test -bench '^BenchmarkRotate$'`) and merged its lines into the raw results; the other sections were not re-run, because a full report run takes about five minutes on this shared 2-CPU machine. Load average before %s, after %s.\n\n",
			rr.Date, rr.Duration, rr.Command, rr.LoadBefore, rr.LoadAfter)
	} else {
		p("Measured in the same run as the tables above.\n\n")
	}
	ms := func(v float64) string { return fnum(v, "%.0f ms") }
	hasGA := slices.ContainsFunc(keys, func(k string) bool { return strings.HasPrefix(k, "GA/") })
	job := r.metricOf("ALB", "job-ms")
	k := productionALBJobMs / job
	gaJob, gaLag := r.metricOf("GA", "job-ms"), r.metricOf("GA", "lag-ms")
	gaChange := gaJob + gaLag
	gk := productionGAChangeMs / gaJob

	p("`BenchmarkRotate` (`bench/rotate_test.go`) rotates certificates on 10 listeners at once: one client, 10 goroutines, one `RotateCertificates` per listener, against an in-process emulator, fresh for every round (signature checking on), with **rate limits on**.\n\n")
	p("- **ALB**: on each listener, 20 certificates added and 20 removed, with **job delays of %s** (Associate and Dissociate).\n", ms(job))
	if hasGA {
		p("- **GA**: on each listener, each on an accelerator of its own, 2 domains given a new certificate in place (Update), 11 associated and 11 dissociated (24 domains changed; 13 certificates at the start, 24 after the associations, within the emulator's 25 per listener), with **changes of %s** (the listener updating) and an **accelerator lag of %s** (the accelerator configuring after the listener is active again; GA refuses the accelerator's next change until then).\n", ms(gaJob), ms(gaLag))
	}
	p("\n`ns/op` is the wall time of a round. The emulator runs in-process: allocations are not the point here, each scenario needs an emulator of its own options, and its work (microseconds per request) is noise against the change delays.\n\n")
	p("**Time is compressed** by production's change time over the benchmark's: ALB by %s (about 7 s per job, `alicloudtest.ProductionALBJobDelay`, over %s)", fnum(k, "%.0f"), ms(job))
	if hasGA {
		p(", GA by %s (15 s per change, `ProductionGAChangeDelay`, over %s; the accelerator's 10 s lag, `ProductionGAAcceleratorLag`, becomes %s)", fnum(gk, "%.0f"), ms(gaJob), ms(productionGALagMs/gk))
	}
	p("; and so is everything else that is time, so that a round keeps production's proportions: the documented quota, 200 requests per 60 s per account and operation, becomes 200 per %s", ms(60000/k))
	if hasGA {
		p(" (GA: per %s)", ms(60000/gk))
	}
	p(", on the emulator and in the client's limiter alike (uncompressed, the bucket's 200 tokens would outlast the round while its refill would be %s times too slow against the changes: whether it binds would be an artefact of the compression); the SDK's retry delays (throttling and busy backoff) are compressed too. Three waiter settings, where a change is the ALB job (%s)", fnum(k, "%.0f"), ms(job))
	if hasGA {
		p(" or the GA change and its lag (%s)", ms(gaChange))
	}
	p(":\n\n")
	p("- **defaults**: the SDK's default `WaiterOptions` (first poll after 1 s, each delay half as long again, jittered ±25 %%, capped at 10 s), compressed to %s and %s", ms(1000/k), ms(10000/k))
	if hasGA {
		p(" (GA: %s and %s)", ms(1000/gk), ms(10000/gk))
	}
	p(": what a user who leaves them alone gets in production, relative to the change;\n")
	p("- **tuned**: `MinDelay = MaxDelay =` a quarter of a change (%s", ms(job/4))
	if hasGA {
		p(", GA %s", ms(gaChange/4))
	}
	p("; 1.75 s for a 7 s ALB job): a steady poll, which sees a change done at most about a quarter change after it ended, for more polls;\n")
	p("- **expected**: `FirstDelay =` a change, then `MinDelay = MaxDelay =` a tenth of one (ALB: %s, then every %s; 7 s, then every 0.7 s in production): the first poll when the change should be done, brisk polls after. The emulator's changes last exactly their delay; production's vary (ALB jobs 5–10 s), where this first poll finds a longer change still running and the brisk polls follow: more polls than here, and a change seen done at most a tenth of one after its end.\n\n", ms(job), ms(job/10))
	p("**The bound** is the least wall time the quotas and the change delays allow, from first principles: the longest of the change time and the quota time. ALB: a listener runs one job at a time and the rotation waits for each, so per listener ceil(20/15) Associate + ceil(20/15) Dissociate = 4 jobs × %s = %s (the listeners run in parallel); quota time, per operation, the least requests the round needs beyond the bucket's 200 tokens, at the refill rate: 20 Associate, 20 Dissociate, 50 ListListenerCertificates (one listing to plan and one poll per job, per listener) all fit the bucket, so 0. Bound: %s.",
		ms(job), ms(4*job), ms(r.boundOf("ALB")))
	if hasGA {
		p(" GA: per listener 2 Update + ceil(11/10) Associate + ceil(11/10) Dissociate = 6 changes × (%s + %s) = %s (listeners on accelerators of their own run in parallel); 20 of each write, 70 ListListenerCertificates (one listing to plan, one per change), 60 DescribeListener and 60 DescribeAccelerator (one poll per change that finds listener, domains and accelerator done) fit the bucket, so 0. Bound: %s.",
			ms(gaJob), ms(gaLag), ms(6*gaChange), ms(r.boundOf("GA")))
	}
	p(" Round trips (a few milliseconds at most on loopback) are left out.\n\n")
	p("| rotation | wall | bound | wall ÷ bound | writes/cert | reads/change | throttled surfaced | throttled absorbed | busy absorbed |\n")
	p("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, k := range keys {
		s := r.rotation(k)
		label := rotationLabels[k]
		if label == "" {
			label = k
		}
		p("| %s | %.0f ms | %s ms | %s | %s | %s | %s | %s | %s |\n", label, s.NsOp/1e6, fnum(s.metric("bound-ms"), "%.0f"),
			fx(s.metric("wall/bound")), fnum(s.metric("writes/cert"), "%.3f"), fnum(s.metric("reads/change"), "%.2f"),
			fnum(s.metric("throttled-surfaced"), "%.0f"), fnum(s.metric("throttled-absorbed"), "%.1f"), fnum(s.metric("busy-absorbed"), "%.1f"))
	}
	p("\nMedian of %d runs each (a run averages its rounds). **writes/cert**: write requests (retries included) per certificate (GA: domain) changed. **reads/change**: read requests (the planning listing and every poll, retries included) per job (GA: change) completed. ALB reads are ListListenerCertificates and ListAsynJobs: the least is 1.25 (one listing per job, and the planning listing, 0.25 per job here); the SDK's ALB waits watch the job (ListAsynJobs alone while it is Processing, then one listing to confirm), so they need at least 2.25.", r.rotationRuns())
	if hasGA {
		p(" GA reads are ListListenerCertificates, DescribeListener and DescribeAccelerator: the least is 3.17 (per change one poll reading listener, domains and accelerator, and the planning listing, 1/6 per change).")
	}
	p(" **Throttled surfaced**: rotations that returned a throttling error; **absorbed**: the emulator's Throttling and busy (ALB `IncorrectStatus.Listener`; GA `StateError.Accelerator`, `NotActive.Listener`) answers that the client retried without the caller seeing them.\n\n")
	p("| target | measured | verdict |\n|---|---|---|\n")
	for _, v := range r.rotationTargets() {
		p("| %s | %s | %s |\n", v.target, v.measured, v.mark())
	}
	if !hasGA {
		p("\n**GA is not measured yet**: `ga.RotateCertificates` landed after this benchmark was written. Its bound differs: per listener, one change per domain updated in place, plus ceil(new/10) Associate and ceil(removed/10) Dissociate changes, each holding the accelerator for the change's delay plus the accelerator's lag; listeners on separate accelerators run in parallel, listeners on one accelerator take turns (10 × the per-listener time).\n")
	}
	p("\nWhere the time above the bound goes: after each change the rotation learns that it is done only at its next poll, so each of the sequential changes (4 per ALB listener, 6 per GA listener) adds the time from the change's end to that poll, and the round waits for the slowest of the 10 listeners. With the defaults' growing delays, ALB polls come at about 0.14, 0.35, 0.67, 1.14 and 1.85 job delays, jittered: the one that sees the job done lands typically 15–30 %% of a job after its end, at worst 85 %% (GA's default polls are 0.04 to 0.4 of a change apart: its change and lag last 25 s in production, an ALB job 7 s); with the tuned steady poll, on average an eighth of a change; with the expected first poll, the change is done when it comes, and what is left is round trips: the write, and the poll's reads (two for ALB, three for GA) one after the other, which weigh more against GA's 83 ms changes than against ALB's 200 ms jobs. An ALB poll that finds the job still running costs one read (ListAsynJobs), a GA poll that finds the listener still updating one (DescribeListener): most of reads/change beyond the least is polls that came too early.\n\n")
	return b.String()
}

// rotationRuns is the most runs of any rotation result.
func (r *report) rotationRuns() int {
	n := 0
	for _, k := range r.rotationKeys() {
		n = max(n, r.rotation(k).Runs)
	}
	return n
}
