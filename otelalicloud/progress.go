package otelalicloud

import (
	"context"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/listenercerts/alicloud"
)

// Attribute keys of the progress spans.
const (
	keyStep       = attribute.Key("alicloud.step")
	keyListenerID = attribute.Key("alicloud.listener_id")
	keyItems      = attribute.Key("alicloud.items")
	keyJobID      = attribute.Key("alicloud.job_id")
	keyStepsDone  = attribute.Key("alicloud.steps.done")
	keyStepsTotal = attribute.Key("alicloud.steps.total")
)

// TraceProgress starts a span for a multi-step operation such as
// RotateCertificates and returns the context to run it with, the
// [alicloud.ProgressFunc] to give it, and a function to call when it has
// returned:
//
//	ctx, progress, end := otelalicloud.TraceProgress(ctx)
//	defer end()
//	out, err := client.RotateCertificates(ctx, &alb.RotateCertificatesInput{..., Progress: progress})
//
// The span is named after the operation (e.g. "alb.RotateCertificates",
// known from the first event; "alicloud.Progress" until then). Each step
// (plan, associate, update, dissociate) becomes a child span named
// "<service>.<Operation>.<step>" that lasts from the previous event to the
// step's, with the step's items, job id, ClientToken and counts; a failed
// step has status Error. Waiting polls become events "alicloud.wait.poll"
// on the operation's span. StepDone ends the span (status Error when the
// operation failed); end ends it if no StepDone came, and is otherwise a
// no-op. The calls and waits the operation makes use ctx, so with
// [Instrument] their spans are children of the operation's span too.
//
// Only WithTracerProvider applies here.
func TraceProgress(ctx context.Context, opts ...Option) (context.Context, alicloud.ProgressFunc, func()) {
	o := newOptions(opts)
	tracer := o.tp.Tracer(ScopeName, trace.WithInstrumentationVersion(alicloud.Version))
	ctx, span := tracer.Start(ctx, "alicloud.Progress", trace.WithSpanKind(trace.SpanKindInternal))
	p := &progressSpans{tracer: tracer, ctx: ctx, span: span, last: time.Now()}
	return ctx, p.event, p.end
}

type progressSpans struct {
	tracer trace.Tracer
	ctx    context.Context
	span   trace.Span

	mu    sync.Mutex
	named bool
	last  time.Time // of the previous event: where the next step began
	ended bool
}

func (p *progressSpans) event(e alicloud.ProgressEvent) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ended {
		return
	}
	now := time.Now()
	name := e.Service + "." + e.Operation
	if !p.named && e.Service != "" && e.Operation != "" {
		p.span.SetName(name)
		p.span.SetAttributes(keyRPCSystem.String(RPCSystem), keyRPCService.String(e.Service))
		if e.ListenerID != "" {
			p.span.SetAttributes(keyListenerID.String(e.ListenerID))
		}
		p.named = true
	}
	switch e.Step {
	case alicloud.StepWait:
		attrs := []attribute.KeyValue{}
		if e.Poll != nil {
			attrs = append(attrs, keyPoll.Int(e.Poll.Poll), keyDone.Bool(e.Poll.Done))
			if e.Poll.Pending != "" {
				attrs = append(attrs, keyPending.String(e.Poll.Pending))
			}
		}
		p.span.AddEvent("alicloud.wait.poll", trace.WithTimestamp(now), trace.WithAttributes(attrs...))
	case alicloud.StepDone:
		p.span.SetAttributes(keyStepsDone.Int(e.Done), keyStepsTotal.Int(e.Total))
		if e.Err != nil {
			et := errorType("", 0, e.Err)
			p.span.SetAttributes(keyErrorType.String(et))
			p.span.SetStatus(codes.Error, et)
		}
		p.span.End(trace.WithTimestamp(now))
		p.ended = true
	default:
		_, step := p.tracer.Start(p.ctx, name+"."+e.Step, trace.WithTimestamp(p.last),
			trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(stepAttrs(e)...))
		if e.Err != nil {
			et := errorType("", 0, e.Err)
			step.SetAttributes(keyErrorType.String(et))
			step.SetStatus(codes.Error, et)
		}
		step.End(trace.WithTimestamp(now))
	}
	p.last = now
}

func stepAttrs(e alicloud.ProgressEvent) []attribute.KeyValue {
	attrs := []attribute.KeyValue{keyStep.String(e.Step), keyStepsDone.Int(e.Done), keyStepsTotal.Int(e.Total)}
	if e.ListenerID != "" {
		attrs = append(attrs, keyListenerID.String(e.ListenerID))
	}
	if len(e.Items) > 0 {
		attrs = append(attrs, keyItems.StringSlice(e.Items))
	}
	if e.JobID != "" {
		attrs = append(attrs, keyJobID.String(e.JobID))
	}
	if e.ClientToken != "" {
		attrs = append(attrs, keyClientToken.String(e.ClientToken))
	}
	return attrs
}

func (p *progressSpans) end() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.ended {
		p.span.End()
		p.ended = true
	}
}
