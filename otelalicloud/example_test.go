package otelalicloud_test

import (
	"context"
	"fmt"
	"log"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/alb"
	"github.com/listenercerts/alicloud/alicloudtest"
	"github.com/listenercerts/alicloud/otelalicloud"
)

// Instrument a Config, then build clients from it: every call becomes a
// span, retries become events on it, and waits show their polls. Here the
// emulator throttles the first attempt, and the spans go to an in-memory
// recorder instead of an exporter.
func Example() {
	srv := alicloudtest.NewServer(alicloudtest.WithALBDissociateDelay(50 * time.Millisecond))
	defer srv.Close()
	_ = srv.ALB.AddListener(alicloudtest.ALBListener{ID: "lsn-1", Protocol: "HTTPS",
		DefaultCertificateID: "cert-0", AdditionalCertificateIDs: []string{"cert-1"}})
	srv.InjectFault(alicloudtest.Fault{Kind: alicloudtest.FaultThrottle, Action: "DissociateAdditionalCertificatesFromListener"})

	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))

	cfg := srv.Config()                                                // in production: alicloud.LoadDefaultConfig(ctx, "cn-hangzhou")
	otelalicloud.Instrument(&cfg, otelalicloud.WithTracerProvider(tp)) // default: the global providers
	client, err := alb.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.DissociateAndWait(context.Background(), &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}}, time.Minute,
		func(o *alicloud.WaiterOptions) { o.MinDelay, o.MaxDelay = 20*time.Millisecond, 20*time.Millisecond })
	if err != nil {
		log.Fatal(err)
	}

	count := map[string]int{}
	for _, s := range spans.Ended() {
		count[s.Name()]++
		if s.Name() != "alb.DissociateAdditionalCertificatesFromListener" {
			continue
		}
		for _, kv := range s.Attributes() {
			if kv.Key == "alicloud.attempts" {
				fmt.Println(s.Name(), "attempts:", kv.Value.AsInt64())
			}
		}
		for _, e := range s.Events() {
			fmt.Println("  event:", e.Name)
		}
	}
	fmt.Println("wait spans:", count["alb.WaitCertificatesDissociated"])
	fmt.Println("polls:", count["alb.WaitCertificatesDissociated.Poll"] > 0)
	// Output:
	// alb.DissociateAdditionalCertificatesFromListener attempts: 2
	//   event: alicloud.retry
	// wait spans: 1
	// polls: true
}
