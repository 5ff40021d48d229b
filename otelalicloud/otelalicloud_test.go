package otelalicloud_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/alb"
	"github.com/listenercerts/alicloud/alicloudtest"
	"github.com/listenercerts/alicloud/ga"
	"github.com/listenercerts/alicloud/otelalicloud"
)

const opDissociate = "DissociateAdditionalCertificatesFromListener"

// fixture is an emulator with an ALB listener "lsn-1" (cert-1..cert-3) and a
// GA listener "lsr-1" (a.example.com, b.example.com), a Config signing with
// an STS token, instrumented into an in-memory span recorder and metric
// reader. secrets collects every value that must never appear in telemetry:
// the AccessKeySecret, the security token, and every signature sent.
type fixture struct {
	srv     *alicloudtest.Server
	cfg     alicloud.Config
	spans   *tracetest.SpanRecorder
	tp      *sdktrace.TracerProvider
	reader  *sdkmetric.ManualReader
	mu      sync.Mutex
	secrets []string
}

func newFixture(t *testing.T, opts ...alicloudtest.Option) *fixture {
	t.Helper()
	f := &fixture{spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
	opts = append([]alicloudtest.Option{alicloudtest.WithRequestHook(f.recordSignature)}, opts...)
	f.srv = alicloudtest.NewServer(opts...)
	t.Cleanup(f.srv.Close)
	if err := f.srv.ALB.AddListener(alicloudtest.ALBListener{ID: "lsn-1", Protocol: "HTTPS",
		DefaultCertificateID: "cert-0", AdditionalCertificateIDs: []string{"cert-1", "cert-2", "cert-3"}}); err != nil {
		t.Fatal(err)
	}
	if err := f.srv.GA.AddAccelerator(alicloudtest.GAAccelerator{ID: "ga-1"}); err != nil {
		t.Fatal(err)
	}
	if err := f.srv.GA.AddListener(alicloudtest.GAListener{ID: "lsr-1", AcceleratorID: "ga-1", DefaultCertificateID: "cert-0",
		AdditionalCertificates: map[string]string{"a.example.com": "cert-a", "b.example.com": "cert-b"}}); err != nil {
		t.Fatal(err)
	}
	id, secret, token := f.srv.IssueSTS(time.Hour)
	f.secrets = append(f.secrets, secret, token)
	f.cfg = f.srv.Config()
	f.cfg.Credentials = alicloud.StaticCredentials(id, secret, token)
	f.cfg.Retry = alicloud.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond,
		ConflictBaseDelay: 10 * time.Millisecond, ConflictMaxDelay: 20 * time.Millisecond}
	f.tp = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(f.spans))
	t.Cleanup(func() { _ = f.tp.Shutdown(context.Background()) })
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(f.reader))
	otelalicloud.Instrument(&f.cfg, otelalicloud.WithTracerProvider(f.tp), otelalicloud.WithMeterProvider(mp))
	return f
}

// recordSignature keeps the signature of every request the emulator saw.
func (f *fixture) recordSignature(r alicloudtest.RecordedRequest) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if auth := r.Header.Get("Authorization"); auth != "" {
		f.secrets = append(f.secrets, auth[strings.LastIndexByte(auth, '=')+1:])
	}
	if sig := r.Params.Get("Signature"); sig != "" {
		f.secrets = append(f.secrets, sig)
	}
}

func (f *fixture) alb(t *testing.T) *alb.Client {
	c, err := alb.New(f.cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *fixture) ga(t *testing.T) *ga.Client {
	c, err := ga.New(f.cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *fixture) ended() []sdktrace.ReadOnlySpan { return f.spans.Ended() }

func (f *fixture) named(name string) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range f.ended() {
		if s.Name() == name {
			out = append(out, s)
		}
	}
	return out
}

func (f *fixture) metrics(t *testing.T) metricdata.ResourceMetrics {
	var rm metricdata.ResourceMetrics
	if err := f.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	return rm
}

// checkNoSecrets fails if any span attribute, event attribute, status or
// metric attribute contains a secret, the security token or a signature.
func (f *fixture) checkNoSecrets(t *testing.T) {
	t.Helper()
	f.mu.Lock()
	secrets := append([]string(nil), f.secrets...)
	f.mu.Unlock()
	if len(secrets) < 3 {
		t.Fatalf("only %d secrets recorded: the check would prove little", len(secrets))
	}
	var values []string
	addAttrs := func(where string, attrs []attribute.KeyValue) {
		for _, kv := range attrs {
			values = append(values, where+" "+string(kv.Key)+"="+kv.Value.Emit())
		}
	}
	for _, s := range f.ended() {
		addAttrs(s.Name(), s.Attributes())
		values = append(values, s.Name()+" status "+s.Status().Description)
		for _, e := range s.Events() {
			addAttrs(s.Name()+" event "+e.Name, e.Attributes)
		}
	}
	for _, sm := range f.metrics(t).ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					addAttrs(m.Name, p.Attributes.ToSlice())
				}
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					addAttrs(m.Name, p.Attributes.ToSlice())
				}
			}
		}
	}
	if len(values) == 0 {
		t.Fatal("no telemetry to check")
	}
	for _, v := range values {
		for _, s := range secrets {
			if s != "" && strings.Contains(v, s) {
				t.Errorf("telemetry holds a secret: %s", v)
			}
		}
	}
}

func attr(attrs []attribute.KeyValue, key string) (attribute.Value, bool) {
	for _, kv := range attrs {
		if string(kv.Key) == key {
			return kv.Value, true
		}
	}
	return attribute.Value{}, false
}

func wantAttr(t *testing.T, where string, attrs []attribute.KeyValue, key string, want any) {
	t.Helper()
	v, ok := attr(attrs, key)
	if !ok {
		t.Errorf("%s: no attribute %s", where, key)
		return
	}
	if got := v.AsInterface(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s: %s = %v, want %v", where, key, got, want)
	}
}

// attemptsByOutcome sums alicloud.client.attempts by alicloud.outcome.
func attemptsByOutcome(t *testing.T, rm metricdata.ResourceMetrics) map[string]int64 {
	out := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != otelalicloud.AttemptsMetric {
				continue
			}
			for _, p := range m.Data.(metricdata.Sum[int64]).DataPoints {
				o, _ := p.Attributes.Value("alicloud.outcome")
				out[o.AsString()] += p.Value
			}
		}
	}
	return out
}

// callDurations counts rpc.client.call.duration observations by rpc.method
// and error.type ("" on success).
func callDurations(rm metricdata.ResourceMetrics) map[string]uint64 {
	out := map[string]uint64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != otelalicloud.CallDurationMetric {
				continue
			}
			if m.Unit != "s" {
				panic("unit " + m.Unit)
			}
			for _, p := range m.Data.(metricdata.Histogram[float64]).DataPoints {
				method, _ := p.Attributes.Value("rpc.method")
				et, _ := p.Attributes.Value("error.type")
				out[method.AsString()+"/"+et.AsString()] += p.Count
			}
		}
	}
	return out
}

func TestThrottledThenSuccessfulCall(t *testing.T) {
	f := newFixture(t, alicloudtest.WithALBDissociateDelay(0))
	f.srv.InjectFault(alicloudtest.Fault{Kind: alicloudtest.FaultThrottle, Action: opDissociate})
	c := f.alb(t)

	tracer := f.tp.Tracer("test")
	ctx, parent := tracer.Start(context.Background(), "caller")
	out, err := c.DissociateAdditionalCertificatesFromListener(ctx, &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}, ClientToken: "tok-1"})
	parent.End()
	if err != nil {
		t.Fatal(err)
	}

	spans := f.named("alb." + opDissociate)
	if len(spans) != 1 {
		t.Fatalf("%d call spans, want 1", len(spans))
	}
	s := spans[0]
	if s.SpanKind() != trace.SpanKindClient {
		t.Errorf("kind %v", s.SpanKind())
	}
	if s.Parent().SpanID() != parent.SpanContext().SpanID() {
		t.Error("the call span is not a child of the caller's span")
	}
	if s.Status().Code != codes.Unset {
		t.Errorf("status %v", s.Status())
	}
	where := s.Name()
	wantAttr(t, where, s.Attributes(), "rpc.system", "alibaba_cloud")
	wantAttr(t, where, s.Attributes(), "rpc.service", "alb")
	wantAttr(t, where, s.Attributes(), "rpc.method", opDissociate)
	wantAttr(t, where, s.Attributes(), "alicloud.attempts", 2)
	wantAttr(t, where, s.Attributes(), "alicloud.client_token", "tok-1")
	wantAttr(t, where, s.Attributes(), "alicloud.request_id", out.RequestID)
	wantAttr(t, where, s.Attributes(), "server.address", "127.0.0.1")
	if len(s.Events()) != 1 {
		t.Fatalf("%d events, want one retry event: %v", len(s.Events()), s.Events())
	}
	e := s.Events()[0]
	if e.Name != "alicloud.retry" {
		t.Errorf("event %q", e.Name)
	}
	wantAttr(t, "retry event", e.Attributes, "alicloud.attempt", 1)
	wantAttr(t, "retry event", e.Attributes, "alicloud.code", "Throttling.User")
	wantAttr(t, "retry event", e.Attributes, "alicloud.outcome", "throttled")
	if b, ok := attr(e.Attributes, "alicloud.backoff"); !ok || b.AsFloat64() < 0 {
		t.Errorf("backoff %v", b)
	}

	rm := f.metrics(t)
	if got := attemptsByOutcome(t, rm); got["throttled"] != 1 || got["ok"] != 1 || len(got) != 2 {
		t.Errorf("attempts by outcome %v, want throttled 1, ok 1", got)
	}
	if got := callDurations(rm); got[opDissociate+"/"] != 1 {
		t.Errorf("call durations %v", got)
	}
	f.checkNoSecrets(t)
}

func TestFailedCallIsAnErrorSpan(t *testing.T) {
	f := newFixture(t)
	c := f.alb(t)
	_, err := c.DissociateAdditionalCertificatesFromListener(context.Background(), &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-404", CertificateIDs: []string{"cert-1"}})
	if err == nil {
		t.Fatal("no error")
	}
	var apiErr *alicloud.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("%v is not an APIError", err)
	}
	spans := f.named("alb." + opDissociate)
	if len(spans) != 1 {
		t.Fatalf("%d spans", len(spans))
	}
	s := spans[0]
	if s.Status().Code != codes.Error || s.Status().Description != apiErr.Code {
		t.Errorf("status %+v, want Error %q", s.Status(), apiErr.Code)
	}
	wantAttr(t, s.Name(), s.Attributes(), "error.type", apiErr.Code)
	wantAttr(t, s.Name(), s.Attributes(), "alicloud.attempts", 1)
	if len(s.Events()) != 0 {
		t.Errorf("events on a call that was not retried: %v", s.Events())
	}
	rm := f.metrics(t)
	if got := attemptsByOutcome(t, rm); got["error"] != 1 || len(got) != 1 {
		t.Errorf("attempts by outcome %v", got)
	}
	if got := callDurations(rm); got[opDissociate+"/"+apiErr.Code] != 1 {
		t.Errorf("call durations %v", got)
	}
	f.checkNoSecrets(t)
}

func TestOutcomesOfServerErrorsAndBusyListeners(t *testing.T) {
	f := newFixture(t, alicloudtest.WithGADissociateDelay(-1)) // the listener stays busy until released
	f.srv.InjectFault(alicloudtest.Fault{Kind: alicloudtest.FaultInternalError, Action: opDissociate})
	c := f.ga(t)
	in := &ga.DissociateAdditionalCertificatesFromListenerInput{AcceleratorID: "ga-1", ListenerID: "lsr-1", Domains: []string{"a.example.com"}}
	if _, err := c.DissociateAdditionalCertificatesFromListener(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	// The listener is now updating: a second change is refused as busy and
	// retried until the update completes.
	go func() {
		time.Sleep(100 * time.Millisecond)
		f.srv.GA.CompleteUpdates()
	}()
	in2 := &ga.DissociateAdditionalCertificatesFromListenerInput{AcceleratorID: "ga-1", ListenerID: "lsr-1", Domains: []string{"b.example.com"}}
	if _, err := c.DissociateAdditionalCertificatesFromListener(context.Background(), in2); err != nil {
		t.Fatal(err)
	}
	f.srv.GA.CompleteUpdates()
	got := attemptsByOutcome(t, f.metrics(t))
	if got["error"] != 1 || got["busy"] < 1 || got["ok"] != 2 {
		t.Errorf("attempts by outcome %v, want error 1 (InternalError), busy ≥ 1, ok 2", got)
	}
	for _, s := range f.named("ga." + opDissociate) {
		for _, e := range s.Events() {
			o, _ := attr(e.Attributes, "alicloud.outcome")
			if o.AsString() != "busy" && o.AsString() != "error" {
				t.Errorf("retry event with outcome %q", o.AsString())
			}
		}
	}
	f.checkNoSecrets(t)
}

func TestWaitShowsItsPolls(t *testing.T) {
	f := newFixture(t, alicloudtest.WithALBDissociateDelay(150*time.Millisecond))
	c := f.alb(t)
	ctx, parent := f.tp.Tracer("test").Start(context.Background(), "deploy")
	_, err := c.DissociateAndWait(ctx, &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"cert-1", "cert-2"}}, 10*time.Second,
		func(o *alicloud.WaiterOptions) { o.MinDelay, o.MaxDelay = 20*time.Millisecond, 40*time.Millisecond })
	parent.End()
	if err != nil {
		t.Fatal(err)
	}
	waits := f.named("alb.WaitCertificatesDissociated")
	if len(waits) != 1 {
		t.Fatalf("%d wait spans", len(waits))
	}
	w := waits[0]
	if w.Parent().SpanID() != parent.SpanContext().SpanID() {
		t.Error("the wait span is not a child of the caller's span")
	}
	polls := f.named("alb.WaitCertificatesDissociated.Poll")
	if len(polls) < 2 {
		t.Fatalf("%d poll spans; the job lasts several polls", len(polls))
	}
	wantAttr(t, w.Name(), w.Attributes(), "alicloud.wait.polls", len(polls))
	pollIDs := map[trace.SpanID]bool{}
	for i, p := range polls {
		if p.Parent().SpanID() != w.SpanContext().SpanID() {
			t.Errorf("poll %d is not a child of the wait span", i+1)
		}
		wantAttr(t, p.Name(), p.Attributes(), "alicloud.wait.poll", i+1)
		wantAttr(t, p.Name(), p.Attributes(), "alicloud.wait.done", i == len(polls)-1)
		pollIDs[p.SpanContext().SpanID()] = true
	}
	lists := f.named("alb.ListListenerCertificates")
	jobs := f.named("alb.ListAsynJobs")
	// DissociateAndWait lists once before it writes (under the caller's
	// span); every other call is a poll's: while the job runs a poll reads
	// the job (ListAsynJobs), then one listing confirms.
	if len(lists) != 2 || len(jobs) < len(polls)-1 {
		t.Fatalf("%d list and %d job calls for %d polls; want the first listing, a job read per poll until the job is over, and one confirming listing",
			len(lists), len(jobs), len(polls))
	}
	if lists[0].Parent().SpanID() != parent.SpanContext().SpanID() {
		t.Error("the listing before the Dissociate is not a child of the caller's span")
	}
	for _, l := range append(lists[1:], jobs...) {
		if !pollIDs[l.Parent().SpanID()] {
			t.Error("a poll's call is not a child of its poll span")
		}
	}
	if calls := f.named("alb." + opDissociate); len(calls) != 1 || calls[0].Parent().SpanID() != parent.SpanContext().SpanID() {
		t.Error("the Dissociate call is not a child of the caller's span")
	}
	f.checkNoSecrets(t)
}

func TestGAListenerActiveWaiter(t *testing.T) {
	f := newFixture(t)
	if err := f.srv.GA.SetListenerState("lsr-1", "updating"); err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(80 * time.Millisecond)
		_ = f.srv.GA.SetListenerState("lsr-1", "active")
	}()
	err := ga.NewListenerActiveWaiter(f.ga(t), func(o *alicloud.WaiterOptions) { o.MinDelay, o.MaxDelay = 20*time.Millisecond, 40*time.Millisecond }).
		Wait(context.Background(), "lsr-1", 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.named("ga.WaitListenerActive")) != 1 || len(f.named("ga.WaitListenerActive.Poll")) < 2 {
		t.Errorf("wait spans %d, polls %d", len(f.named("ga.WaitListenerActive")), len(f.named("ga.WaitListenerActive.Poll")))
	}
}

func TestWaitTimeoutIsAnErrorSpan(t *testing.T) {
	f := newFixture(t, alicloudtest.WithALBDissociateDelay(-1)) // never done
	c := f.alb(t)
	_, err := c.DissociateAndWait(context.Background(), &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}}, 150*time.Millisecond,
		func(o *alicloud.WaiterOptions) { o.MinDelay, o.MaxDelay = 20*time.Millisecond, 40*time.Millisecond })
	if !errors.Is(err, alicloud.ErrWaitTimeout) {
		t.Fatalf("err %v", err)
	}
	w := f.named("alb.WaitCertificatesDissociated")
	if len(w) != 1 || w[0].Status().Code != codes.Error || w[0].Status().Description != "wait_timeout" {
		t.Errorf("wait spans %v", w)
	}
	polls := f.named("alb.WaitCertificatesDissociated.Poll")
	if len(polls) == 0 {
		t.Fatal("no poll spans")
	}
	if _, ok := attr(polls[0].Attributes(), "alicloud.wait.pending"); !ok {
		t.Error("a pending poll does not say what is pending")
	}
}

func TestInstrumentComposesAndIsIdempotent(t *testing.T) {
	f := newFixture(t, alicloudtest.WithALBDissociateDelay(0))
	mine := &countingObserver{}
	cfg := f.cfg
	cfg.Observer = mine
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	otelalicloud.Instrument(&cfg, otelalicloud.WithTracerProvider(tp))
	otelalicloud.Instrument(&cfg, otelalicloud.WithTracerProvider(tp)) // again: replaces, does not stack
	c, err := alb.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListAsynJobs(context.Background(), &alb.ListAsynJobsInput{}); err != nil {
		t.Fatal(err)
	}
	if mine.calls != 1 || mine.ends != 1 || mine.attempts != 1 {
		t.Errorf("the existing observer saw calls %d, ends %d, attempts %d; want 1 each", mine.calls, mine.ends, mine.attempts)
	}
	if n := len(rec.Ended()); n != 1 {
		t.Errorf("%d spans, want 1", n)
	}
	// Instrumenting a Config that only holds our observer replaces it too.
	cfg2 := f.cfg // already instrumented by the fixture
	otelalicloud.Instrument(&cfg2, otelalicloud.WithTracerProvider(tp))
	c2, _ := alb.New(cfg2)
	before := len(f.ended())
	if _, err := c2.ListAsynJobs(context.Background(), &alb.ListAsynJobsInput{}); err != nil {
		t.Fatal(err)
	}
	if len(rec.Ended()) != 2 || len(f.ended()) != before {
		t.Errorf("the second Instrument did not replace the first")
	}
	otelalicloud.Instrument(nil) // no panic
}

type countingObserver struct {
	alicloud.NopObserver
	mu                    sync.Mutex
	calls, ends, attempts int
}

func (o *countingObserver) StartCall(ctx context.Context, _ alicloud.CallInfo) (context.Context, func(alicloud.CallResult)) {
	o.mu.Lock()
	o.calls++
	o.mu.Unlock()
	return ctx, func(alicloud.CallResult) { o.mu.Lock(); o.ends++; o.mu.Unlock() }
}

func (o *countingObserver) Attempt(context.Context, alicloud.AttemptInfo) {
	o.mu.Lock()
	o.attempts++
	o.mu.Unlock()
}

func TestSignatureV1NeverLeaks(t *testing.T) {
	f := newFixture(t, alicloudtest.WithALBDissociateDelay(0))
	f.cfg.SignatureVersion = alicloud.SignatureV1
	f.srv.InjectFault(alicloudtest.Fault{Kind: alicloudtest.FaultServiceUnavailable, Action: opDissociate})
	c := f.alb(t)
	if _, err := c.DissociateAdditionalCertificatesFromListener(context.Background(), &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}}); err != nil {
		t.Fatal(err)
	}
	// A signature the service refuses: its message echoes the string to sign.
	bad := f.cfg
	bad.Credentials = alicloud.StaticCredentials(f.srv.AccessKeyID, "wrong-secret-0123456789", "")
	f.secrets = append(f.secrets, "wrong-secret-0123456789")
	cb, _ := alb.New(bad)
	_, err := cb.DissociateAdditionalCertificatesFromListener(context.Background(), &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"cert-2"}})
	if err == nil {
		t.Fatal("a wrong secret was accepted")
	}
	f.checkNoSecrets(t)
}
