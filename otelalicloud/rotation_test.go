package otelalicloud_test

import (
	"context"
	"testing"
	"time"

	"go.opentelemetry.io/otel/codes"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/alb"
	"github.com/listenercerts/alicloud/alicloudtest"
	"github.com/listenercerts/alicloud/ga"
	"github.com/listenercerts/alicloud/otelalicloud"
)

// A real rotation of each service: one span for it, its steps as child
// spans, and the calls and waits it makes under it.
func TestRealRotationsAreTraced(t *testing.T) {
	f := newFixture(t, alicloudtest.WithALBAssociateDelay(30*time.Millisecond), alicloudtest.WithALBDissociateDelay(30*time.Millisecond),
		alicloudtest.WithGAUpdateDelay(30*time.Millisecond), alicloudtest.WithGADissociateDelay(30*time.Millisecond),
		alicloudtest.WithGAAcceleratorLag(10*time.Millisecond))
	quick := func(o *alicloud.WaiterOptions) { o.MinDelay, o.MaxDelay = 5*time.Millisecond, 10*time.Millisecond }

	ctx, progress, end := otelalicloud.TraceProgress(context.Background(), otelalicloud.WithTracerProvider(f.tp))
	_, err := f.alb(t).RotateCertificates(ctx, &alb.RotateCertificatesInput{ListenerID: "lsn-1",
		Add: []string{"cert-new"}, Remove: []string{"cert-1"}, Progress: progress}, time.Minute, quick)
	end()
	if err != nil {
		t.Fatal(err)
	}
	ctx, progress, end = otelalicloud.TraceProgress(context.Background(), otelalicloud.WithTracerProvider(f.tp))
	_, err = f.ga(t).RotateCertificates(ctx, &ga.RotateCertificatesInput{AcceleratorID: "ga-1", ListenerID: "lsr-1",
		Set: []ga.DomainCertificate{{Domain: "a.example.com", CertificateID: "cert-a2"}}, Remove: []string{"b.example.com"},
		Progress: progress}, time.Minute, quick)
	end()
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		svc   string
		steps []string
		write string
	}{
		{"alb", []string{"plan", "associate", "dissociate"}, "alb.AssociateAdditionalCertificatesWithListener"},
		{"ga", []string{"plan", "update", "dissociate"}, "ga.UpdateAdditionalCertificateWithListener"},
	} {
		rot := f.named(tc.svc + ".RotateCertificates")
		if len(rot) != 1 {
			t.Fatalf("%s: %d rotation spans", tc.svc, len(rot))
		}
		r := rot[0]
		if r.Status().Code == codes.Error {
			t.Errorf("%s: a rotation that succeeded has status %v", tc.svc, r.Status())
		}
		for _, step := range tc.steps {
			s := f.named(tc.svc + ".RotateCertificates." + step)
			if len(s) != 1 || s[0].Parent().SpanID() != r.SpanContext().SpanID() {
				t.Errorf("%s: no %s step span under the rotation span", tc.svc, step)
			}
		}
		w := f.named(tc.write)
		if len(w) != 1 || w[0].Parent().SpanID() != r.SpanContext().SpanID() {
			t.Errorf("%s: the write call %s is not a child of the rotation span", tc.svc, tc.write)
		}
	}
	f.checkNoSecrets(t)
}
