package alicloudtest

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestServerBasics(t *testing.T) {
	srv := NewServer(WithAccessKey("my-id", "my-secret"))
	defer srv.Close()
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("URL %q is not a local address", srv.URL)
	}
	eq(t, srv.AccessKeyID, "my-id", "AccessKeyID")
	eq(t, srv.AccessKeySecret, "my-secret", "AccessKeySecret")
	cfg := srv.Config()
	eq(t, cfg.Region, "cn-hangzhou", "Region")
	eq(t, cfg.Endpoint, srv.URL, "Endpoint")
	c, err := cfg.Credentials.Retrieve(context.Background())
	noErr(t, err)
	eq(t, [3]string{c.AccessKeyID, c.AccessKeySecret, c.SecurityToken}, [3]string{"my-id", "my-secret", ""}, "credentials")
}

func TestRandomAccessKeys(t *testing.T) {
	a, b := New(), New()
	defer a.Close()
	defer b.Close()
	if a.AccessKeyID == b.AccessKeyID || a.AccessKeySecret == b.AccessKeySecret {
		t.Fatal("two emulators share an AccessKey")
	}
	if !strings.HasPrefix(a.AccessKeyID, "LTAI") || len(a.AccessKeyID) != 24 || len(a.AccessKeySecret) != 30 {
		t.Fatalf("unexpected key shape %q / %d characters", a.AccessKeyID, len(a.AccessKeySecret))
	}
}

func TestServersInParallel(t *testing.T) {
	for i := range 8 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, WithALBDissociateDelay(10*time.Millisecond))
			r := albDissociate(f, "lsn-1", nil, "cert-1")
			wantOK(t, r)
			eventually(t, "the job", func() bool {
				j, _ := f.srv.ALB.Job(r.str("JobId"))
				return j.Status == ALBJobSucceeded
			})
		})
	}
}

func TestCloseStopsTimers(t *testing.T) {
	before := runtime.NumGoroutine()
	f := newFixture(t, WithALBDissociateDelay(50*time.Millisecond), WithGADissociateDelay(50*time.Millisecond))
	job := albDissociate(f, "lsn-1", nil, "cert-1").str("JobId")
	wantOK(t, gaDissociate(f, "ga-1", "lsr-1", nil, "a.example.com"))
	f.srv.Close()
	f.srv.Close() // idempotent
	time.Sleep(120 * time.Millisecond)
	j, _ := f.srv.ALB.Job(job)
	eq(t, j.Status, ALBJobProcessing, "job after Close")
	l, _ := f.srv.GA.Listener("lsr-1")
	eq(t, l.State, GAStateUpdating, "GA listener after Close")
	// Explicit completion still works on a closed emulator.
	eq(t, f.srv.ALB.CompleteJobs(), 1, "CompleteJobs after Close")
	eq(t, f.srv.GA.CompleteUpdates(), 1, "CompleteUpdates after Close")

	eventually(t, "goroutines to end", func() bool { return runtime.NumGoroutine() <= before })
}

func TestEmulatorAsHandler(t *testing.T) {
	// The handler is the same type NewServer serves: drive it directly.
	e := New(WithoutSignatureCheck(), WithSeed(standardSeed()), WithALBDissociateDelay(0))
	defer e.Close()
	q := apiReq{Version: albVersion, Action: opDissociate, Unsigned: true,
		Params: params(append([]string{"ListenerId", "lsn-1"}, certArgs("cert-1")...)...)}
	r := serveVector(t, e, q.build(t, "http://alb.cn-hangzhou.aliyuncs.com"))
	wantOK(t, r)
	l, _ := e.ALB.Listener("lsn-1")
	eq(t, l.CertificateStatus("cert-1"), "", "cert-1 (dissociated: no longer listed)")
}
