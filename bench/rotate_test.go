package bench

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/alb"
	"github.com/listenercerts/alicloud/alicloudtest"
	"github.com/listenercerts/alicloud/ga"
)

// Rotation benchmarks: many certificates rotated on many listeners at once,
// through one client, against an emulator whose rate limits are ON and
// whose changes take time. Unlike the per-call benchmarks these measure the
// SDK's orchestration (batching, waiting, retrying), not its CPU cost, so
// the emulator runs in-process: a fresh one per iteration with the options
// of the scenario (the child process serves one fixed configuration), its
// Stats read directly, and its work (microseconds per request) is noise
// against change delays of tens to hundreds of milliseconds.
//
// Time is compressed: the change delays are the production ones divided by
// the scenario's scale, and everything else that is time is divided by the
// same factor, so that the run keeps production's proportions:
//
//   - the quotas (the emulator's and the client's limiter): 200 requests
//     per 60 s/scale per account and operation, the documented quota,
//     compressed. Uncompressed, the bucket's 200 tokens would last the
//     whole run while its refill (3.3/s) would be scale times too slow
//     relative to the changes: whether it binds would be an artefact of
//     the compression;
//   - the SDK's waiter delays: its defaults (1 s first poll, 10 s cap)
//     divided by scale, which is what a user of the defaults gets in
//     production, relative to the change;
//   - the SDK's retry delays (throttling and busy backoff), likewise.
const (
	rotationListeners = 10 // listeners rotated concurrently, one goroutine each
	rotationCerts     = 20 // ALB: certificates added and removed on each

	// albRotationJobDelay is how long each ALB job (Associate or
	// Dissociate) runs: 200 ms, a compression of 35. Shorter jobs make the
	// round quicker but weigh the round trips, a few milliseconds each on a
	// loaded machine, more against the jobs than production's (tens of
	// milliseconds against 5–10 s).
	albRotationJobDelay = 200 * time.Millisecond

	// GA: on each listener (each on an accelerator of its own), gaUpdates
	// domains get a new certificate in place, gaNew domains are associated
	// and gaRemoved dissociated: 2 + ceil(11/10) + ceil(11/10) = 6 changes.
	// The emulator refuses more than 25 additional certificates on a
	// listener: 13 at the start, 24 after the associations.
	gaUpdates = 2
	gaNew     = 11
	gaRemoved = 11
	// gaRotationChangeDelay is how long each GA change keeps the listener
	// updating: 50 ms, a compression of 300 of production's 15 s
	// (alicloudtest.ProductionGAChangeDelay), so that the GA round (6
	// changes of delay + lag in a row) stays about half a second; the
	// accelerator lag, 10 s in production, is compressed alike (33 ms).
	gaRotationChangeDelay = 50 * time.Millisecond

	// The documented quota of every operation measured (ALB publishes 200
	// per 60 s for Associate and Dissociate; the emulator applies the same
	// to the others, whose quotas are not published), per account.
	quotaRequests = 200
	quotaPeriod   = time.Minute
)

// timing is a scenario's time compression: production's change delay over
// the benchmark's, and how long one change holds a listener.
type timing struct {
	scale float64
	// change is how long one change keeps the rotation waiting: the job
	// (ALB), the change's delay plus the accelerator's lag (GA).
	change time.Duration
}

var (
	albTiming = timing{scale: float64(alicloudtest.ProductionALBJobDelay) / float64(albRotationJobDelay), change: albRotationJobDelay}
	gaTiming  = func() timing {
		t := timing{scale: float64(alicloudtest.ProductionGAChangeDelay) / float64(gaRotationChangeDelay)}
		t.change = gaRotationChangeDelay + t.compress(alicloudtest.ProductionGAAcceleratorLag)
		return t
	}()
)

// compress divides a production duration by the scale.
func (t timing) compress(d time.Duration) time.Duration {
	return time.Duration(math.Round(float64(d) / t.scale))
}

// gaLag is the GA accelerator lag of the benchmark.
func gaLag() time.Duration { return gaTiming.compress(alicloudtest.ProductionGAAcceleratorLag) }

// waiterConfig is a waiter configuration of the rotations.
type waiterConfig struct {
	name string
	opt  func(t timing) func(o *alicloud.WaiterOptions)
}

// rotationWaiters are the waiter configurations measured:
//
//   - defaults: the SDK's defaults (first poll after 1 s, each delay half
//     as long again, jittered ±25 %, capped at 10 s), compressed: what a
//     user who leaves WaiterOptions alone gets in production, relative to
//     the change. For a 7 s ALB job, polls at about 0.14, 0.35, 0.67, 1.14,
//     1.85 job delays: the poll that sees the job done comes 0–85 %
//     (typically ~15 %) after it ended;
//   - tuned: a steady poll every quarter of the change (MinDelay =
//     MaxDelay = change/4; 1.75 s for a 7 s ALB job): a change is seen done
//     at most about a quarter change (on average an eighth) after it ended,
//     at the cost of more polls;
//   - expected: the first poll when the change is expected to be done
//     (FirstDelay = change), then brisk polls (MinDelay = MaxDelay =
//     change/10; 700 ms for a 7 s ALB job). The emulator's changes last
//     exactly their delay; production's vary (ALB jobs 5–10 s), where a
//     first poll at the typical time finds a longer one still running and
//     the brisk polls follow.
var rotationWaiters = []waiterConfig{
	{"defaults", func(t timing) func(o *alicloud.WaiterOptions) {
		return func(o *alicloud.WaiterOptions) {
			o.MinDelay = t.compress(alicloud.DefaultWaiterMinDelay)
			o.MaxDelay = t.compress(alicloud.DefaultWaiterMaxDelay)
		}
	}},
	{"tuned", func(t timing) func(o *alicloud.WaiterOptions) {
		return func(o *alicloud.WaiterOptions) { o.MinDelay, o.MaxDelay = t.change/4, t.change/4 }
	}},
	{"expected", func(t timing) func(o *alicloud.WaiterOptions) {
		return func(o *alicloud.WaiterOptions) {
			o.FirstDelay, o.MinDelay, o.MaxDelay = t.change, t.change/10, t.change/10
		}
	}},
}

// rotationRetry is the SDK's default retry policy with its delays compressed.
func rotationRetry(t timing) alicloud.RetryPolicy {
	return alicloud.RetryPolicy{
		BaseDelay:         t.compress(alicloud.DefaultBaseDelay),
		MaxDelay:          t.compress(alicloud.DefaultMaxDelay),
		ConflictBaseDelay: t.compress(alicloud.DefaultConflictBaseDelay),
		ConflictMaxDelay:  t.compress(alicloud.DefaultConflictMaxDelay),
		MaxConflictWait:   t.compress(alicloud.DefaultMaxConflictWait),
	}
}

// quota is one operation's token bucket: capacity n, refilled at n per per.
type quota struct {
	n   int
	per time.Duration
}

// rotationQuota is the documented quota, compressed.
func rotationQuota(t timing) quota { return quota{quotaRequests, t.compress(quotaPeriod)} }

// time is the least time in which `requests` requests fit the bucket,
// starting full.
func (q quota) time(requests int) time.Duration {
	if requests <= q.n {
		return 0
	}
	return time.Duration(float64(requests-q.n) / float64(q.n) * float64(q.per))
}

// rotationBound is the least wall time of a rotation round, from first
// principles: the longest of
//
//   - the changes: a listener runs one change at a time and the rotation
//     waits for each, so the time is the sum of the delays of the changes
//     that must run one after the other (for ALB, per listener,
//     ceil(add/15) Associate then ceil(remove/15) Dissociate jobs; for GA,
//     per listener, one Update per domain updated in place, ceil(new/10)
//     Associate and ceil(removed/10) Dissociate changes, each holding the
//     accelerator for its delay plus the accelerator's lag; listeners, on
//     accelerators of their own, run in parallel);
//   - the quota of each operation: the least number of requests the round
//     needs of it, beyond the bucket's capacity, at the refill rate.
//
// Round trips (well under a millisecond on loopback) are left out.
type rotationBound struct {
	Jobs        time.Duration  // the sequential change time
	MinRequests map[string]int // the least requests of each operation
	Quota       quota
}

func (b rotationBound) quotaTime() time.Duration {
	var t time.Duration
	for _, n := range b.MinRequests {
		t = max(t, b.Quota.time(n))
	}
	return t
}

func (b rotationBound) total() time.Duration { return max(b.Jobs, b.quotaTime()) }

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// albRotationBound is the bound of rotating add certificates in and remove
// out on each of listeners listeners.
func albRotationBound(listeners, add, remove int, jobDelay time.Duration, q quota) rotationBound {
	assoc, dissoc := ceilDiv(add, alb.MaxCertificatesPerCall), ceilDiv(remove, alb.MaxCertificatesPerCall)
	return rotationBound{
		Jobs: time.Duration(assoc+dissoc) * jobDelay,
		MinRequests: map[string]int{
			albAssociate:  listeners * assoc,
			albDissociate: listeners * dissoc,
			// One listing to plan, then one poll per job that finds it done.
			albList: listeners * (1 + assoc + dissoc),
		},
		Quota: q,
	}
}

// gaRotationBound is the bound of updating updates domains in place,
// associating add and dissociating remove on each of listeners listeners,
// each on an accelerator of its own.
func gaRotationBound(listeners, updates, add, remove int, delay, lag time.Duration, q quota) rotationBound {
	assoc, dissoc := ceilDiv(add, ga.MaxDomainsPerCall), ceilDiv(remove, ga.MaxDomainsPerCall)
	changes := updates + assoc + dissoc
	return rotationBound{
		Jobs: time.Duration(changes) * (delay + lag),
		MinRequests: map[string]int{
			gaUpdate:     listeners * updates,
			gaAssociate:  listeners * assoc,
			gaDissociate: listeners * dissoc,
			// One listing to plan; after each change, one poll that finds
			// it done: the listener, its domains, the accelerator.
			gaList:                listeners * (1 + changes),
			gaDescribeListener:    listeners * changes,
			gaDescribeAccelerator: listeners * changes,
		},
		Quota: q,
	}
}

const (
	albAssociate  = "AssociateAdditionalCertificatesWithListener"
	albDissociate = dissociate
	albList       = "ListListenerCertificates"
	albJobs       = "ListAsynJobs"

	gaAssociate           = "AssociateAdditionalCertificatesWithListener"
	gaUpdate              = "UpdateAdditionalCertificateWithListener"
	gaDissociate          = dissociate
	gaList                = "ListListenerCertificates"
	gaDescribeListener    = "DescribeListener"
	gaDescribeAccelerator = "DescribeAccelerator"
)

// rotationLimiter is the client-side limiter: the same compressed quota as
// the emulator's for every operation of the service, so that the client
// paces itself as it would against the real quotas.
func rotationLimiter(service string, ops []string, q quota) alicloud.RateLimiter {
	overrides := map[string]alicloud.Quota{}
	for _, op := range ops {
		overrides[service+"/"+op] = alicloud.Quota{Requests: q.n, Per: q.per}
	}
	return alicloud.NewRateLimiter(overrides)
}

// rotationTally is what one round cost, from the emulator's counters and
// the callers' errors.
type rotationTally struct {
	wall              time.Duration
	writes, reads     int // requests of the write and read operations, retries included
	changes           int // jobs (ALB) or changes (GA) the emulator started
	certs             int // certificates added and removed (ALB); domains updated, associated and dissociated (GA)
	throttledSurfaced int // callers' errors matching alicloud.ErrThrottled
	throttledAbsorbed int // the emulator's Throttling answers the client retried
	busyAbsorbed      int // the emulator's busy answers the client retried
}

// rotationMetrics sums the rounds of a benchmark and reports the custom
// metrics, per round (averages over b.N).
type rotationMetrics struct {
	rounds int
	sum    rotationTally
	bound  time.Duration
	job    time.Duration // the delay of a job (ALB) or change (GA)
	lag    time.Duration // GA: the accelerator's lag after a change
}

func (m *rotationMetrics) add(t rotationTally) {
	m.rounds++
	m.sum.wall += t.wall
	m.sum.writes += t.writes
	m.sum.reads += t.reads
	m.sum.changes += t.changes
	m.sum.certs += t.certs
	m.sum.throttledSurfaced += t.throttledSurfaced
	m.sum.throttledAbsorbed += t.throttledAbsorbed
	m.sum.busyAbsorbed += t.busyAbsorbed
}

func (m *rotationMetrics) report(b *testing.B) {
	s, n := m.sum, float64(m.rounds)
	b.ReportMetric(float64(s.wall)/n/float64(m.bound), "wall/bound")
	b.ReportMetric(float64(m.bound)/float64(time.Millisecond), "bound-ms")
	b.ReportMetric(float64(m.job)/float64(time.Millisecond), "job-ms")
	if m.lag > 0 {
		b.ReportMetric(float64(m.lag)/float64(time.Millisecond), "lag-ms")
	}
	b.ReportMetric(float64(s.writes)/float64(s.certs), "writes/cert")
	b.ReportMetric(float64(s.reads)/float64(s.changes), "reads/change")
	b.ReportMetric(float64(s.throttledSurfaced)/n, "throttled-surfaced")
	b.ReportMetric(float64(s.throttledAbsorbed)/n, "throttled-absorbed")
	b.ReportMetric(float64(s.busyAbsorbed)/n, "busy-absorbed")
}

// BenchmarkRotate rotates many certificates on rotationListeners listeners
// concurrently: one client, one goroutine and one RotateCertificates per
// listener, with each waiter configuration of rotationWaiters.
//
//   - ALB/...: rotationCerts certificates added and as many removed on each
//     listener;
//   - GA/...: on each listener, each on an accelerator of its own, gaUpdates
//     domains updated in place, gaNew associated and gaRemoved dissociated.
//
// ns/op is the wall time of a round (all rotations done). Custom metrics:
//
//   - wall/bound: the wall time over the least time the quotas and change
//     delays allow (rotationBound);
//   - writes/cert: write requests (retries included) per certificate
//     (ALB) or domain (GA) changed; the least is 0.1 for ALB (ceil(20/15)
//     calls each way for 20), 0.25 for GA (6 calls for 24 domains);
//   - reads/change: read requests (the planning listing and every poll,
//     retries included) per job (ALB) or change (GA) completed;
//   - throttled-surfaced: rotations that returned a throttling error (must
//     be 0); throttled-absorbed and busy-absorbed: the emulator's Throttling
//     and busy answers, which the client retried.
func BenchmarkRotate(b *testing.B) {
	for _, w := range rotationWaiters {
		b.Run("ALB/"+w.name, func(b *testing.B) { benchmarkRotateALB(b, w) })
	}
	for _, w := range rotationWaiters {
		b.Run("GA/"+w.name, func(b *testing.B) { benchmarkRotateGA(b, w) })
	}
}

func benchmarkRotateALB(b *testing.B, w waiterConfig) {
	q := rotationQuota(albTiming)
	m := rotationMetrics{job: albRotationJobDelay,
		bound: albRotationBound(rotationListeners, rotationCerts, rotationCerts, albRotationJobDelay, q).total()}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		r := newALBRotation(b, q)
		b.StartTimer()
		errs, wall := r.run(w.opt(albTiming))
		b.StopTimer()
		m.add(r.check(b, errs, wall))
		r.srv.Close()
	}
	m.report(b)
}

// albRotation is one round: an emulator seeded with the listeners, and a
// client for it.
type albRotation struct {
	srv    *alicloudtest.Server
	client *alb.Client
	inputs []*alb.RotateCertificatesInput
}

func newALBRotation(b testing.TB, q quota) *albRotation {
	seed := alicloudtest.SeedALB{}
	var inputs []*alb.RotateCertificatesInput
	for i := range rotationListeners {
		id := "lsn-rot-" + strconv.Itoa(i)
		in := &alb.RotateCertificatesInput{ListenerID: id}
		for j := range rotationCerts {
			in.Add = append(in.Add, fmt.Sprintf("cert-%d-new-%d", i, j))
			in.Remove = append(in.Remove, fmt.Sprintf("cert-%d-old-%d", i, j))
		}
		inputs = append(inputs, in)
		seed.Listeners = append(seed.Listeners, alicloudtest.ALBListener{
			ID: id, Protocol: "HTTPS", DefaultCertificateID: fmt.Sprintf("cert-%d-default", i),
			AdditionalCertificateIDs: slices.Clone(in.Remove),
		})
	}
	srv := alicloudtest.NewServer(
		alicloudtest.WithRateLimit("", q.n, q.per),
		alicloudtest.WithALBAssociateDelay(albRotationJobDelay),
		alicloudtest.WithALBDissociateDelay(albRotationJobDelay),
		alicloudtest.WithSeed(alicloudtest.Seed{ALB: seed}),
	)
	b.Cleanup(srv.Close)
	cfg := srv.Config()
	cfg.Retry = rotationRetry(albTiming)
	cfg.RateLimiter = rotationLimiter(alb.ServiceName, []string{albAssociate, albDissociate, albList, albJobs}, q)
	client, err := alb.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	return &albRotation{srv: srv, client: client, inputs: inputs}
}

// run rotates every listener at once and returns the rotations' errors and
// the wall time.
func (r *albRotation) run(opt func(*alicloud.WaiterOptions)) ([]error, time.Duration) {
	return rotateAll(len(r.inputs), func(ctx context.Context, i int) error {
		_, err := r.client.RotateCertificates(ctx, r.inputs[i], time.Minute, opt)
		return err
	})
}

// check checks the outcome of a round and tallies its cost.
func (r *albRotation) check(b testing.TB, errs []error, wall time.Duration) rotationTally {
	t := rotationTally{wall: wall, throttledSurfaced: surfaced(b, errs, func(i int) string { return r.inputs[i].ListenerID })}
	for _, in := range r.inputs {
		l, _ := r.srv.ALB.Listener(in.ListenerID)
		var got []string
		for _, c := range l.Certificates {
			if !c.IsDefault {
				got = append(got, c.ID+" "+c.Status)
			}
		}
		want := make([]string, len(in.Add))
		for j, id := range in.Add {
			want[j] = id + " " + alicloudtest.ALBCertificateAssociated
		}
		if slices.Sort(got); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
			b.Fatalf("listener %s ends with %v, want %v", in.ListenerID, got, want)
		}
	}

	s := r.srv.Stats()
	t.writes = s.RequestsByAction[albAssociate] + s.RequestsByAction[albDissociate]
	t.reads = s.RequestsByAction[albList] + s.RequestsByAction[albJobs]
	t.changes = s.ActionsByAction[albAssociate] + s.ActionsByAction[albDissociate]
	t.certs = len(r.inputs) * 2 * rotationCerts
	t.throttledAbsorbed = s.Throttled
	t.busyAbsorbed = s.ErrorsByCode[alicloudtest.CodeALBListenerIncorrectStatus] + s.ErrorsByCode[alicloudtest.CodeALBListenerConfiguring]
	if other := s.Requests - t.writes - t.reads; other != 0 {
		b.Fatalf("%d requests of other operations: %v", other, s.RequestsByAction)
	}
	return t
}

func benchmarkRotateGA(b *testing.B, w waiterConfig) {
	q := rotationQuota(gaTiming)
	m := rotationMetrics{job: gaRotationChangeDelay, lag: gaLag(),
		bound: gaRotationBound(rotationListeners, gaUpdates, gaNew, gaRemoved, gaRotationChangeDelay, gaLag(), q).total()}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		r := newGARotation(b, q)
		b.StartTimer()
		errs, wall := r.run(w.opt(gaTiming))
		b.StopTimer()
		m.add(r.check(b, errs, wall))
		r.srv.Close()
	}
	m.report(b)
}

// gaRotation is one GA round: an emulator seeded with the accelerators
// and listeners, a client for it, and the domains each listener must end
// with.
type gaRotation struct {
	srv    *alicloudtest.Server
	client *ga.Client
	inputs []*ga.RotateCertificatesInput
	want   []map[string]string // per listener: domain → certificate at the end
}

func newGARotation(b testing.TB, q quota) *gaRotation {
	var seed alicloudtest.SeedGA
	r := &gaRotation{}
	for i := range rotationListeners {
		acc, lsn := "ga-rot-"+strconv.Itoa(i), "lsr-rot-"+strconv.Itoa(i)
		in := &ga.RotateCertificatesInput{AcceleratorID: acc, ListenerID: lsn}
		have, want := map[string]string{}, map[string]string{}
		for j := range gaUpdates {
			d := fmt.Sprintf("upd%d.l%d.example.com", j, i)
			have[d], want[d] = fmt.Sprintf("cert-%d-upd-%d-old", i, j), fmt.Sprintf("cert-%d-upd-%d-new", i, j)
			in.Set = append(in.Set, ga.DomainCertificate{Domain: d, CertificateID: want[d]})
		}
		for j := range gaNew {
			d := fmt.Sprintf("new%d.l%d.example.com", j, i)
			want[d] = fmt.Sprintf("cert-%d-new-%d", i, j)
			in.Set = append(in.Set, ga.DomainCertificate{Domain: d, CertificateID: want[d]})
		}
		for j := range gaRemoved {
			d := fmt.Sprintf("old%d.l%d.example.com", j, i)
			have[d] = fmt.Sprintf("cert-%d-old-%d", i, j)
			in.Remove = append(in.Remove, d)
		}
		r.inputs = append(r.inputs, in)
		r.want = append(r.want, want)
		seed.Accelerators = append(seed.Accelerators, alicloudtest.GAAccelerator{ID: acc})
		seed.Listeners = append(seed.Listeners, alicloudtest.GAListener{ID: lsn, AcceleratorID: acc,
			DefaultCertificateID: fmt.Sprintf("cert-%d-default", i), AdditionalCertificates: have})
	}
	r.srv = alicloudtest.NewServer(
		alicloudtest.WithRateLimit("", q.n, q.per),
		alicloudtest.WithGADissociateDelay(gaRotationChangeDelay),
		alicloudtest.WithGAAssociateDelay(gaRotationChangeDelay),
		alicloudtest.WithGAUpdateDelay(gaRotationChangeDelay),
		alicloudtest.WithGAAcceleratorLag(gaLag()),
		alicloudtest.WithSeed(alicloudtest.Seed{GA: seed}),
	)
	b.Cleanup(r.srv.Close)
	cfg := r.srv.Config()
	cfg.Retry = rotationRetry(gaTiming)
	cfg.RateLimiter = rotationLimiter(ga.ServiceName, []string{gaAssociate, gaUpdate, gaDissociate, gaList,
		gaDescribeListener, gaDescribeAccelerator}, q)
	var err error
	if r.client, err = ga.New(cfg); err != nil {
		b.Fatal(err)
	}
	return r
}

// run rotates every listener at once and returns the rotations' errors and
// the wall time.
func (r *gaRotation) run(opt func(*alicloud.WaiterOptions)) ([]error, time.Duration) {
	return rotateAll(len(r.inputs), func(ctx context.Context, i int) error {
		_, err := r.client.RotateCertificates(ctx, r.inputs[i], time.Minute, opt)
		return err
	})
}

// check checks the outcome of a round and tallies its cost.
func (r *gaRotation) check(b testing.TB, errs []error, wall time.Duration) rotationTally {
	t := rotationTally{wall: wall, throttledSurfaced: surfaced(b, errs, func(i int) string { return r.inputs[i].ListenerID })}
	for i, in := range r.inputs {
		l, _ := r.srv.GA.Listener(in.ListenerID)
		if !maps.Equal(l.AdditionalCertificates, r.want[i]) {
			b.Fatalf("listener %s ends with %v, want %v", in.ListenerID, l.AdditionalCertificates, r.want[i])
		}
		if a, _ := r.srv.GA.Accelerator(in.AcceleratorID); a.State != "active" {
			b.Fatalf("accelerator %s ends %s", in.AcceleratorID, a.State)
		}
	}

	s := r.srv.Stats()
	t.writes = s.RequestsByAction[gaAssociate] + s.RequestsByAction[gaUpdate] + s.RequestsByAction[gaDissociate]
	t.reads = s.RequestsByAction[gaList] + s.RequestsByAction[gaDescribeListener] + s.RequestsByAction[gaDescribeAccelerator]
	t.changes = s.ActionsByAction[gaAssociate] + s.ActionsByAction[gaUpdate] + s.ActionsByAction[gaDissociate]
	t.certs = len(r.inputs) * (gaUpdates + gaNew + gaRemoved)
	t.throttledAbsorbed = s.Throttled
	t.busyAbsorbed = s.ErrorsByCode[alicloudtest.CodeGAAcceleratorStateError] + s.ErrorsByCode[alicloudtest.CodeGAListenerNotActive]
	if other := s.Requests - t.writes - t.reads; other != 0 {
		b.Fatalf("%d requests of other operations: %v", other, s.RequestsByAction)
	}
	if want := len(r.inputs) * (gaUpdates + ceilDiv(gaNew, ga.MaxDomainsPerCall) + ceilDiv(gaRemoved, ga.MaxDomainsPerCall)); t.changes != want {
		b.Fatalf("%d changes, want %d", t.changes, want)
	}
	return t
}

func TestRotationBound(t *testing.T) {
	q := quota{200, time.Second}
	b := albRotationBound(10, 20, 20, 200*time.Millisecond, q)
	if b.Jobs != 800*time.Millisecond || b.quotaTime() != 0 || b.total() != 800*time.Millisecond {
		t.Errorf("20 in, 20 out, 200 ms jobs: jobs %v, quota %v, total %v; want 800ms, 0, 800ms", b.Jobs, b.quotaTime(), b.total())
	}
	if got := b.MinRequests; got[albAssociate] != 20 || got[albDissociate] != 20 || got[albList] != 50 {
		t.Errorf("least requests %v", got)
	}
	// 16 in, 15 out: 2 + 1 jobs; a bucket of 10 per second: the 40 listings
	// (1 + 3 per listener) need 3 s beyond the first 10.
	b = albRotationBound(10, 16, 15, 100*time.Millisecond, quota{10, time.Second})
	if b.Jobs != 300*time.Millisecond || b.quotaTime() != 3*time.Second || b.total() != 3*time.Second {
		t.Errorf("16 in, 15 out, 100 ms jobs, 10/s: jobs %v, quota %v, total %v; want 300ms, 3s, 3s", b.Jobs, b.quotaTime(), b.total())
	}
	if d := albTiming.compress(alicloudtest.ProductionALBJobDelay); d != albRotationJobDelay {
		t.Errorf("compress(production job) = %v, want %v", d, albRotationJobDelay)
	}

	// GA: 2 updates, 11 new, 11 removed: 2 + 2 + 2 changes of 50 + 33 ms.
	b = gaRotationBound(10, 2, 11, 11, 50*time.Millisecond, 33*time.Millisecond, q)
	if b.Jobs != 6*83*time.Millisecond || b.total() != b.Jobs {
		t.Errorf("GA 2/11/11: jobs %v, total %v; want 498ms", b.Jobs, b.total())
	}
	if got := b.MinRequests; got[gaUpdate] != 20 || got[gaAssociate] != 20 || got[gaDissociate] != 20 ||
		got[gaList] != 70 || got[gaDescribeListener] != 60 || got[gaDescribeAccelerator] != 60 {
		t.Errorf("GA least requests %v", got)
	}
	if d := gaTiming.compress(alicloudtest.ProductionGAChangeDelay); d != gaRotationChangeDelay {
		t.Errorf("compress(production GA change) = %v, want %v", d, gaRotationChangeDelay)
	}
	if gaTiming.change != gaRotationChangeDelay+gaLag() || gaLag() != 33333333*time.Nanosecond {
		t.Errorf("GA change %v, lag %v", gaTiming.change, gaLag())
	}
}

// rotateAll runs rotate for listeners 0..n-1 at once and returns their
// errors and the wall time.
func rotateAll(n int, rotate func(ctx context.Context, i int) error) ([]error, time.Duration) {
	ctx := context.Background()
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = rotate(ctx, i)
		}()
	}
	wg.Wait()
	return errs, time.Since(start)
}

// surfaced counts the rotations that ended throttled (each an error of the
// benchmark) and stops at any other error.
func surfaced(b testing.TB, errs []error, listener func(i int) string) int {
	n := 0
	for i, err := range errs {
		switch {
		case errors.Is(err, alicloud.ErrThrottled):
			n++
			b.Errorf("listener %s: throttling surfaced: %v", listener(i), err)
		case err != nil:
			b.Fatalf("listener %s: %v", listener(i), err)
		}
	}
	return n
}
