// Package otelalicloud records OpenTelemetry traces and metrics for the
// clients of github.com/listenercerts/alicloud (alb, ga). It is a module of
// its own, so that the SDK itself depends on no OpenTelemetry package.
//
// [Instrument] sets an [alicloud.Observer] on a Config; every client built
// from it then records:
//
//   - one span per call, kind client, named <service>.<Operation> (e.g.
//     "alb.DissociateAdditionalCertificatesFromListener"), a child of the span
//     in the call's context, with rpc.system "alibaba_cloud", rpc.service,
//     rpc.method, server.address, alicloud.client_token, alicloud.request_id
//     and alicloud.attempts; status Error with the service's error code (or
//     error.type) when the call fails;
//   - one event "alicloud.retry" on that span per attempt that was retried,
//     with the attempt's number, HTTP status, code, request id, outcome and
//     the backoff before the next attempt;
//   - one span per waiter, named <service>.Wait<Waiter> (e.g.
//     "alb.WaitCertificatesDissociated"), with a child span per poll
//     ("<service>.Wait<Waiter>.Poll"), itself the parent of the poll's calls;
//   - the histogram rpc.client.call.duration (seconds) per call, by
//     rpc.system, rpc.service, rpc.method and error.type (on failure);
//   - the counter alicloud.client.attempts per attempt, by rpc.system, rpc.service,
//     rpc.method and alicloud.outcome: ok, throttled, busy or error.
//
// Multi-step operations (RotateCertificates) report their steps through an
// [alicloud.ProgressFunc]; [TraceProgress] turns them into child spans of one
// rotation span.
//
// No AccessKeySecret, security token or signature ever reaches a span or a
// metric: the SDK never hands them to its Observer.
package otelalicloud

import (
	"context"
	"errors"
	"net"
	"strconv"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/listenercerts/alicloud"
)

// ScopeName is the instrumentation scope of the tracer and the meter.
const ScopeName = "github.com/listenercerts/alicloud/otelalicloud"

// Names of the metrics.
const (
	CallDurationMetric = "rpc.client.call.duration"
	AttemptsMetric     = "alicloud.client.attempts"
)

// Outcomes of an attempt, the values of the alicloud.outcome attribute.
const (
	OutcomeOK        = "ok"
	OutcomeThrottled = "throttled"
	OutcomeBusy      = "busy"
	OutcomeError     = "error"
)

// Attribute keys.
const (
	keyRPCSystem     = attribute.Key("rpc.system")
	keyRPCService    = attribute.Key("rpc.service")
	keyRPCMethod     = attribute.Key("rpc.method")
	keyServerAddress = attribute.Key("server.address")
	keyServerPort    = attribute.Key("server.port")
	keyErrorType     = attribute.Key("error.type")
	keyHTTPStatus    = attribute.Key("http.response.status_code")
	keyRequestID     = attribute.Key("alicloud.request_id")
	keyClientToken   = attribute.Key("alicloud.client_token")
	keyAttempts      = attribute.Key("alicloud.attempts")
	keyAttempt       = attribute.Key("alicloud.attempt")
	keyCode          = attribute.Key("alicloud.code")
	keyBackoff       = attribute.Key("alicloud.backoff")
	keyOutcome       = attribute.Key("alicloud.outcome")
	keyWaiter        = attribute.Key("alicloud.waiter")
	keyWaitWhat      = attribute.Key("alicloud.wait.what")
	keyWaitMax       = attribute.Key("alicloud.wait.max")
	keyPolls         = attribute.Key("alicloud.wait.polls")
	keyPoll          = attribute.Key("alicloud.wait.poll")
	keyDone          = attribute.Key("alicloud.wait.done")
	keyPending       = attribute.Key("alicloud.wait.pending")
)

// RPCSystem is the value of rpc.system.
const RPCSystem = "alibaba_cloud"

// Option configures [Instrument] and [TraceProgress].
type Option func(*options)

type options struct {
	tp trace.TracerProvider
	mp metric.MeterProvider
}

// WithTracerProvider sets the tracer provider; the default is
// otel.GetTracerProvider() at the time of the call.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(o *options) { o.tp = tp }
}

// WithMeterProvider sets the meter provider; the default is
// otel.GetMeterProvider() at the time of the call.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(o *options) { o.mp = mp }
}

func newOptions(opts []Option) options {
	var o options
	for _, fn := range opts {
		if fn != nil {
			fn(&o)
		}
	}
	if o.tp == nil {
		o.tp = otel.GetTracerProvider()
	}
	if o.mp == nil {
		o.mp = otel.GetMeterProvider()
	}
	return o
}

// Instrument makes every client built from cfg record OpenTelemetry traces
// and metrics (see the package documentation). Clients built before keep
// their observer. An Observer already in cfg keeps seeing everything: it is
// called first, and the spans nest under whatever context it returns.
// Calling Instrument again on the same cfg replaces the instrumentation it
// set before instead of adding a second one.
func Instrument(cfg *alicloud.Config, opts ...Option) {
	if cfg == nil {
		return
	}
	ours := newObserver(newOptions(opts))
	prev := cfg.Observer
	switch p := prev.(type) {
	case *observer:
		prev = nil
	case chain:
		if _, ok := p.second.(*observer); ok {
			prev = p.first
		}
	}
	if prev == nil {
		cfg.Observer = ours
		return
	}
	cfg.Observer = chain{first: prev, second: ours}
}

// observer implements alicloud.Observer with OpenTelemetry.
type observer struct {
	tracer   trace.Tracer
	duration metric.Float64Histogram
	attempts metric.Int64Counter
}

func newObserver(o options) *observer {
	obs := &observer{tracer: o.tp.Tracer(ScopeName, trace.WithInstrumentationVersion(alicloud.Version))}
	meter := o.mp.Meter(ScopeName, metric.WithInstrumentationVersion(alicloud.Version))
	var err error
	obs.duration, err = meter.Float64Histogram(CallDurationMetric,
		metric.WithUnit("s"),
		metric.WithDescription("Duration of SDK calls, all attempts and backoffs included."),
		// Busy listeners make calls that last minutes.
		metric.WithExplicitBucketBoundaries(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300))
	if err != nil {
		otel.Handle(err)
	}
	obs.attempts, err = meter.Int64Counter(AttemptsMetric,
		metric.WithUnit("{attempt}"),
		metric.WithDescription("Attempts of SDK calls, by outcome (ok, throttled, busy, error)."))
	if err != nil {
		otel.Handle(err)
	}
	return obs
}

func (o *observer) StartCall(ctx context.Context, call alicloud.CallInfo) (context.Context, func(alicloud.CallResult)) {
	attrs := make([]attribute.KeyValue, 0, 7)
	attrs = append(attrs, keyRPCSystem.String(RPCSystem), keyRPCService.String(call.Service), keyRPCMethod.String(call.Operation))
	attrs = appendServer(attrs, call.Host)
	if call.ClientToken != "" {
		attrs = append(attrs, keyClientToken.String(call.ClientToken))
	}
	ctx, span := o.tracer.Start(ctx, call.Service+"."+call.Operation,
		trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
	ctx = context.WithValue(ctx, callKey{}, attrs[:3:3]) // for the attempts' metric
	return ctx, func(r alicloud.CallResult) {
		span.SetAttributes(keyAttempts.Int(r.Attempts))
		if r.RequestID != "" {
			span.SetAttributes(keyRequestID.String(r.RequestID))
		}
		if r.HTTPStatus != 0 {
			span.SetAttributes(keyHTTPStatus.Int(r.HTTPStatus))
		}
		metricAttrs := attrs[:3:3]
		if r.Err != nil {
			et := errorType(r.Code, r.HTTPStatus, r.Err)
			span.SetAttributes(keyErrorType.String(et))
			span.SetStatus(codes.Error, et)
			metricAttrs = append(metricAttrs, keyErrorType.String(et))
		}
		span.End()
		if o.duration != nil {
			o.duration.Record(ctx, r.Duration.Seconds(), metric.WithAttributes(metricAttrs...))
		}
	}
}

func (o *observer) Attempt(ctx context.Context, a alicloud.AttemptInfo) {
	outcome := attemptOutcome(a)
	if o.attempts != nil {
		o.attempts.Add(ctx, 1, metric.WithAttributes(append(callAttrs(ctx), keyOutcome.String(outcome))...))
	}
	span := trace.SpanFromContext(ctx)
	if !a.Retrying || !span.IsRecording() { // the last attempt: the call's end says how it went
		return
	}
	attrs := make([]attribute.KeyValue, 0, 7)
	attrs = append(attrs, keyAttempt.Int(a.Attempt), keyOutcome.String(outcome), keyBackoff.Float64(a.Backoff.Seconds()))
	if a.HTTPStatus != 0 {
		attrs = append(attrs, keyHTTPStatus.Int(a.HTTPStatus))
	}
	if a.Code != "" {
		attrs = append(attrs, keyCode.String(a.Code))
	}
	if a.RequestID != "" {
		attrs = append(attrs, keyRequestID.String(a.RequestID))
	}
	if a.Err != nil {
		attrs = append(attrs, keyErrorType.String(errorType(a.Code, a.HTTPStatus, a.Err)))
	}
	span.AddEvent("alicloud.retry", trace.WithAttributes(attrs...))
}

func attemptOutcome(a alicloud.AttemptInfo) string {
	switch {
	case a.Err == nil:
		return OutcomeOK
	case a.Throttled:
		return OutcomeThrottled
	case a.Busy:
		return OutcomeBusy
	}
	return OutcomeError
}

// waitState is the wait a poll belongs to, found in the poll's context.
type waitState struct {
	name  string
	polls int
}

type waitKey struct{}

func (o *observer) StartWait(ctx context.Context, w alicloud.WaitInfo) (context.Context, func(error)) {
	name := w.Service + ".Wait" + w.Waiter
	ctx, span := o.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(
		keyRPCSystem.String(RPCSystem), keyRPCService.String(w.Service), keyWaiter.String(w.Waiter),
		keyWaitWhat.String(w.What), keyWaitMax.Float64(w.MaxWait.Seconds())))
	st := &waitState{name: name}
	ctx = context.WithValue(ctx, waitKey{}, st)
	return ctx, func(err error) {
		span.SetAttributes(keyPolls.Int(st.polls))
		if err != nil {
			et := errorType("", 0, err)
			span.SetAttributes(keyErrorType.String(et))
			span.SetStatus(codes.Error, et)
		}
		span.End()
	}
}

func (o *observer) StartPoll(ctx context.Context, n int) (context.Context, func(alicloud.WaitPoll)) {
	name := "alicloud.Wait.Poll"
	if st, ok := ctx.Value(waitKey{}).(*waitState); ok {
		name = st.name + ".Poll"
		st.polls = n
	}
	ctx, span := o.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindInternal),
		trace.WithAttributes(keyPoll.Int(n)))
	return ctx, func(p alicloud.WaitPoll) {
		span.SetAttributes(keyDone.Bool(p.Done))
		if p.Pending != "" {
			span.SetAttributes(keyPending.String(p.Pending))
		}
		if p.Err != nil {
			et := errorType("", 0, p.Err)
			span.SetAttributes(keyErrorType.String(et))
			span.SetStatus(codes.Error, et)
		}
		span.End()
	}
}

// callKey is the context key of a call's metric attributes.
type callKey struct{}

// callAttrs returns the metric attributes of the call ctx belongs to.
func callAttrs(ctx context.Context) []attribute.KeyValue {
	attrs, _ := ctx.Value(callKey{}).([]attribute.KeyValue)
	return attrs
}

// appendServer adds server.address and server.port from host[:port].
func appendServer(attrs []attribute.KeyValue, host string) []attribute.KeyValue {
	if host == "" {
		return attrs
	}
	h, p, err := net.SplitHostPort(host)
	if err != nil {
		return append(attrs, keyServerAddress.String(host))
	}
	attrs = append(attrs, keyServerAddress.String(h))
	if port, err := strconv.Atoi(p); err == nil {
		attrs = append(attrs, keyServerPort.Int(port))
	}
	return attrs
}

// errorType is a low-cardinality name for a failure: the service's error
// code, else a kind of error the SDK distinguishes.
func errorType(code string, status int, err error) string {
	var apiErr *alicloud.APIError
	switch {
	case code != "":
		return code
	case errors.As(err, &apiErr) && apiErr.Code != "":
		return apiErr.Code
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline_exceeded"
	case errors.Is(err, alicloud.ErrWaitTimeout):
		return "wait_timeout"
	case status != 0:
		return "http_" + strconv.Itoa(status)
	}
	var ve *alicloud.ValidationError
	if errors.As(err, &ve) {
		return "validation"
	}
	return "_OTHER" // the semantic conventions' value for an unknown type
}

// chain is two observers, the first one's context nesting the second's.
type chain struct{ first, second alicloud.Observer }

func (c chain) StartCall(ctx context.Context, call alicloud.CallInfo) (context.Context, func(alicloud.CallResult)) {
	ctx, end1 := c.first.StartCall(ctx, call)
	ctx, end2 := c.second.StartCall(ctx, call)
	return ctx, func(r alicloud.CallResult) { end2(r); end1(r) }
}

func (c chain) Attempt(ctx context.Context, a alicloud.AttemptInfo) {
	c.first.Attempt(ctx, a)
	c.second.Attempt(ctx, a)
}

func (c chain) StartWait(ctx context.Context, w alicloud.WaitInfo) (context.Context, func(error)) {
	ctx, end1 := c.first.StartWait(ctx, w)
	ctx, end2 := c.second.StartWait(ctx, w)
	return ctx, func(err error) { end2(err); end1(err) }
}

func (c chain) StartPoll(ctx context.Context, n int) (context.Context, func(alicloud.WaitPoll)) {
	ctx, end1 := c.first.StartPoll(ctx, n)
	ctx, end2 := c.second.StartPoll(ctx, n)
	return ctx, func(p alicloud.WaitPoll) { end2(p); end1(p) }
}
