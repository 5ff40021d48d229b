package alicloudtest_test

import (
	"context"
	"testing"
	"time"

	"github.com/listenercerts/alicloud/alb"
	"github.com/listenercerts/alicloud/alicloudtest"
)

// A change the emulator finishes at once is seen by the first poll, 10 ms
// in, instead of after the default MinDelay of a second.
func TestFastWaiters(t *testing.T) {
	srv := alicloudtest.NewServer(alicloudtest.WithALBDissociateDelay(0))
	defer srv.Close()
	if err := srv.ALB.AddListener(alicloudtest.ALBListener{ID: "lsn-1", Protocol: "HTTPS",
		DefaultCertificateID: "cert-0", AdditionalCertificateIDs: []string{"cert-1"}}); err != nil {
		t.Fatal(err)
	}
	client, err := alb.New(srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = client.DissociateAndWait(context.Background(), &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}}, time.Minute, alicloudtest.FastWaiters)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 900*time.Millisecond {
		t.Fatalf("took %v; the default first poll alone is 1 s", d)
	}
}
