package otelalicloud_test

import (
	"context"
	"errors"
	"testing"

	"go.opentelemetry.io/otel/codes"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/alb"
	"github.com/listenercerts/alicloud/alicloudtest"
	"github.com/listenercerts/alicloud/otelalicloud"
)

// RotateCertificates reports its steps as ProgressEvents; here the events
// are sent by hand around a real call, as the operation would.
func TestTraceProgressMakesStepSpans(t *testing.T) {
	f := newFixture(t, alicloudtest.WithALBDissociateDelay(0))
	c := f.alb(t)
	ctx, progress, end := otelalicloud.TraceProgress(context.Background(), otelalicloud.WithTracerProvider(f.tp))
	ev := alicloud.ProgressEvent{Service: "alb", Operation: "RotateCertificates", ListenerID: "lsn-1", Total: 1}

	e := ev
	e.Step = alicloud.StepPlan
	progress(e)
	out, err := c.DissociateAdditionalCertificatesFromListener(ctx, &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}})
	if err != nil {
		t.Fatal(err)
	}
	e = ev
	e.Step, e.Items, e.JobID, e.ClientToken, e.Done = alicloud.StepDissociate, []string{"cert-1"}, out.JobID, "tok-d", 1
	progress(e)
	e = ev
	e.Step, e.Poll = alicloud.StepWait, &alicloud.WaitPoll{Poll: 1, Pending: "cert-1 (Dissociating)"}
	progress(e)
	e = ev
	e.Step, e.Done, e.Err = alicloud.StepDone, 1, errors.New("boom")
	progress(e)
	end()
	end() // idempotent

	rot := f.named("alb.RotateCertificates")
	if len(rot) != 1 {
		t.Fatalf("%d rotation spans", len(rot))
	}
	r := rot[0]
	if r.Status().Code != codes.Error {
		t.Errorf("a failed rotation has status %v", r.Status())
	}
	if len(r.Events()) != 1 || r.Events()[0].Name != "alicloud.wait.poll" {
		t.Errorf("events %v, want one wait poll", r.Events())
	}
	for _, name := range []string{"alb.RotateCertificates.plan", "alb.RotateCertificates.dissociate"} {
		s := f.named(name)
		if len(s) != 1 || s[0].Parent().SpanID() != r.SpanContext().SpanID() {
			t.Fatalf("no %s span under the rotation span", name)
		}
	}
	d := f.named("alb.RotateCertificates.dissociate")[0]
	wantAttr(t, d.Name(), d.Attributes(), "alicloud.job_id", out.JobID)
	wantAttr(t, d.Name(), d.Attributes(), "alicloud.items", []string{"cert-1"})
	wantAttr(t, d.Name(), d.Attributes(), "alicloud.client_token", "tok-d")
	if plan := f.named("alb.RotateCertificates.plan")[0]; d.StartTime().Before(plan.EndTime()) {
		t.Error("the dissociate step began before the plan ended")
	}
	call := f.named("alb." + opDissociate)
	if len(call) != 1 || call[0].Parent().SpanID() != r.SpanContext().SpanID() {
		t.Error("the operation's call is not a child of the rotation span")
	}
	f.checkNoSecrets(t)
}

func TestTraceProgressEndWithoutDone(t *testing.T) {
	f := newFixture(t)
	_, progress, end := otelalicloud.TraceProgress(context.Background(), otelalicloud.WithTracerProvider(f.tp))
	end()
	progress(alicloud.ProgressEvent{Service: "ga", Operation: "RotateCertificates", Step: alicloud.StepPlan}) // after the end: ignored
	if n := len(f.named("alicloud.Progress")); n != 1 {
		t.Errorf("%d unnamed progress spans, want 1", n)
	}
	if n := len(f.named("ga.RotateCertificates.plan")); n != 0 {
		t.Errorf("a step after the end made a span")
	}
}
