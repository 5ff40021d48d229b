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
)

// productionALBJobMs is production's ALB job delay, which the benchmark
// compresses to its job-ms (alicloudtest.ProductionALBJobDelay).
const productionALBJobMs = 7000

// rotationLabels describe the variants of BenchmarkRotate, by sub-name.
var rotationLabels = map[string]string{
	"ALB/defaults": "ALB, the SDK's default waiter delays, compressed",
	"ALB/tuned":    "ALB, a poll every quarter job",
}

// albJobMs is the job delay of the ALB rotation results, NaN without one.
func (r *report) albJobMs() float64 {
	for _, k := range r.rotationKeys() {
		if v := r.rotation(k).metric("job-ms"); strings.HasPrefix(k, "ALB/") && !math.IsNaN(v) {
			return v
		}
	}
	return math.NaN()
}

// rotationKeys returns the sub-names of the rotation results, sorted.
func (r *report) rotationKeys() []string {
	var keys []string
	for name := range r.res {
		if k, ok := strings.CutPrefix(name, rotationPrefix); ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
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
	throttled := verdict{target: "rotation: 0 throttled answers surfaced to the caller", pass: true, known: len(keys) > 0}
	var walls []verdict
	var ap, tp []string
	for _, k := range keys {
		s := r.rotation(k)
		q, w, t := s.metric("wall/bound"), s.metric("writes/cert"), s.metric("throttled-surfaced")
		walls = append(walls, verdict{target: fmt.Sprintf("rotation %s: wall time ≤ %.1f× the bound set by the quotas and job delays", k, rotationAim),
			measured: fmt.Sprintf("%s (%.0f ms vs %s ms)", fx(q), s.NsOp/1e6, fnum(s.metric("bound-ms"), "%.0f")),
			pass:     math.IsNaN(q) || q <= rotationAim, known: !math.IsNaN(q)})
		if strings.HasPrefix(k, "ALB/") {
			writes.known = !math.IsNaN(w)
			writes.pass = writes.pass && w <= albWritesFloor+1e-9
			ap = append(ap, k+": "+fnum(w, "%.3f"))
		}
		throttled.pass = throttled.pass && t == 0
		throttled.known = throttled.known && !math.IsNaN(t)
		tp = append(tp, k+": "+fnum(t, "%.0f")+" (absorbed: "+fnum(s.metric("throttled-absorbed"), "%.0f")+" throttled, "+fnum(s.metric("busy-absorbed"), "%.0f")+" busy)")
	}
	writes.measured, throttled.measured = strings.Join(ap, "; "), strings.Join(tp, "; ")
	return append(walls, writes, throttled)
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
	job := r.albJobMs()
	k := productionALBJobMs / job
	ms := func(v float64) string { return fnum(v, "%.0f ms") }
	p("`BenchmarkRotate` (`bench/rotate_test.go`) rotates 20 certificates on each of 10 listeners at once: one client, 10 goroutines, one `RotateCertificates` per listener adding 20 certificates and removing 20. Against an in-process emulator, fresh for every round (signature checking on), with **rate limits on** and **job delays of %s** (ALB Associate and Dissociate). `ns/op` is the wall time of a round. The emulator runs in-process: allocations are not the point here, each scenario needs an emulator of its own options, and its work (microseconds per request) is noise against the job delays.\n\n", ms(job))
	p("**Time is compressed** by %s, production's ALB job (about 7 s, `alicloudtest.ProductionALBJobDelay`) over %s, and so is everything else that is time, so that the round keeps production's proportions: the documented quota, 200 requests per 60 s per account and operation, becomes 200 per %s, on the emulator and in the client's limiter alike (uncompressed, the bucket's 200 tokens would outlast the round while its refill would be %s times too slow against the jobs: whether it binds would be an artefact of the compression); the SDK's retry delays (throttling and busy backoff) are compressed too. Two waiter settings:\n\n",
		fnum(k, "%.0f"), ms(job), ms(60000/k), fnum(k, "%.0f"))
	p("- **defaults**: the SDK's default `WaiterOptions` (first poll after 1 s, each delay half as long again, jittered ±25 %%, capped at 10 s), compressed to %s and %s: what a user who leaves them alone gets in production, relative to the job;\n", ms(1000/k), ms(10000/k))
	p("- **tuned**: `MinDelay = MaxDelay =` a quarter of the job delay (%s; 1.75 s for a 7 s job): a steady poll, which sees a job done at most about a quarter job after it ended, for more polls.\n\n", ms(job/4))
	p("**The bound** is the least wall time the quotas and the job delays allow, from first principles: the longest of the job time and the quota time. Job time: a listener runs one job at a time and the rotation waits for each, so per listener ceil(20/15) Associate + ceil(20/15) Dissociate = 4 jobs × %s = %s (the listeners run in parallel). Quota time, per operation: the least requests the round needs beyond the bucket's 200 tokens, at the refill rate: 20 Associate, 20 Dissociate, 50 ListListenerCertificates (one listing to plan and one poll per job, per listener) all fit the bucket, so 0. Bound: %s. Round trips (a few milliseconds at most on loopback) are left out.\n\n",
		ms(job), ms(4*job), ms(r.rotation(keys[0]).metric("bound-ms")))
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
	p("\nMedian of %d runs each (a run averages its rounds). **writes/cert**: Associate and Dissociate requests (retries included) per certificate changed. **reads/change**: ListListenerCertificates and ListAsynJobs requests (the planning listing, 0.25 per job here, and every poll, retries included) per job completed; the least is 1.25. **Throttled surfaced**: rotations that returned a throttling error; **absorbed**: the emulator's Throttling and busy (`IncorrectStatus.Listener`) answers that the client retried without the caller seeing them.\n\n", r.rotationRuns())
	p("| target | measured | verdict |\n|---|---|---|\n")
	for _, v := range r.rotationTargets() {
		p("| %s | %s | %s |\n", v.target, v.measured, v.mark())
	}
	if !slices.ContainsFunc(keys, func(k string) bool { return strings.HasPrefix(k, "GA/") }) {
		p("\n**GA is not measured yet**: `ga.RotateCertificates` landed after this benchmark was written. Its bound differs: per listener, one change per domain updated in place, plus ceil(new/10) Associate and ceil(removed/10) Dissociate changes, each holding the accelerator for the change's delay plus the accelerator's lag; listeners on separate accelerators run in parallel, listeners on one accelerator take turns (10 × the per-listener time).\n")
	}
	p("\nWhere the time above the bound goes: after each job the rotation learns that it is done only at its next poll, so each of the 4 sequential jobs adds the time from the job's end to that poll (with the defaults' growing delays, polls come at about 0.14, 0.35, 0.67, 1.14 and 1.85 job delays, jittered: the one that sees the job done lands typically 15–30 %% of a job after its end, at worst 85 %%; with the tuned steady poll, on average an eighth of a job); the round waits for the slowest of the 10 listeners. A poll that finds the job still running costs two reads (ListListenerCertificates, then ListAsynJobs to catch a failed job), which is most of reads/change.\n\n")
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
