// Command quickstart runs the whole flow of this SDK against the embedded
// emulator (package alicloudtest): no credentials, no network.
//
//	go run ./examples/quickstart
//
// It seeds an HTTPS ALB listener with three additional certificates and a GA
// listener with two domains, runs a dry run, dissociates through injected
// faults (throttling, a 503, a connection dropped after the service acted),
// waits until the asynchronous changes are done, and prints a summary that
// shows every call acted exactly once.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/alb"
	"github.com/listenercerts/alicloud/alicloudtest"
	"github.com/listenercerts/alicloud/ga"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart failed:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	srv := alicloudtest.NewServer(
		alicloudtest.WithALBDissociateDelay(1200*time.Millisecond),
		alicloudtest.WithGADissociateDelay(1200*time.Millisecond),
	)
	defer srv.Close()
	fmt.Printf("emulator listening on %s (AccessKey %s)\n\n", srv.URL, srv.AccessKeyID)

	if err := srv.ALB.AddListener(alicloudtest.ALBListener{
		ID: "lsn-quickstart", Protocol: "HTTPS", DefaultCertificateID: "cert-default",
		AdditionalCertificateIDs: []string{"cert-a", "cert-b", "cert-c"},
	}); err != nil {
		return err
	}
	if err := srv.GA.AddAccelerator(alicloudtest.GAAccelerator{ID: "ga-quickstart"}); err != nil {
		return err
	}
	if err := srv.GA.AddListener(alicloudtest.GAListener{
		ID: "lsr-quickstart", AcceleratorID: "ga-quickstart", DefaultCertificateID: "cert-ga-default",
		AdditionalCertificates: map[string]string{"example.com": "cert-ga-1", "www.example.com": "cert-ga-2"},
	}); err != nil {
		return err
	}

	attempts := &attemptLog{}
	cfg := srv.Config() // region cn-hangzhou, endpoint srv.URL, the emulator's AccessKey
	cfg.Logger = slog.New(attempts)
	cfg.Retry = alicloud.RetryPolicy{BaseDelay: 50 * time.Millisecond, MaxDelay: 500 * time.Millisecond}
	waitFast := func(o *alicloud.WaiterOptions) { o.MinDelay, o.MaxDelay = 200*time.Millisecond, time.Second }

	// ALB ------------------------------------------------------------------
	lb, err := alb.New(cfg)
	if err != nil {
		return err
	}
	fmt.Println("ALB listener lsn-quickstart before:")
	if err := printALB(ctx, lb); err != nil {
		return err
	}

	in := &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-quickstart", CertificateIDs: []string{"cert-a", "cert-b"}, DryRun: true}
	dry, err := lb.DissociateAdditionalCertificatesFromListener(ctx, in)
	if err != nil {
		return fmt.Errorf("dry run: %w", err)
	}
	fmt.Printf("\n1. dry run of removing cert-a, cert-b: precheck passed=%t (request %s)\n", dry.DryRunPassed, dry.RequestID)

	srv.InjectFault(alicloudtest.Fault{Kind: alicloudtest.FaultThrottle, Count: 2,
		Action: "DissociateAdditionalCertificatesFromListener"})
	in.DryRun = false
	attempts.reset()
	out, err := lb.DissociateAdditionalCertificatesFromListener(ctx, in)
	if err != nil {
		return fmt.Errorf("alb dissociate: %w", err)
	}
	fmt.Printf("2. dissociate cert-a, cert-b (the emulator throttles the first two attempts):\n%s", attempts.String())
	fmt.Printf("   accepted: job %s, client token %s\n", out.JobID, out.ClientToken)
	if err := printALBStatus(ctx, lb, "   right after the call:"); err != nil {
		return err
	}

	start := time.Now()
	if err := alb.NewCertificatesDissociatedWaiter(lb, waitFast).Wait(ctx, "lsn-quickstart", in.CertificateIDs, time.Minute); err != nil {
		return fmt.Errorf("alb wait: %w", err)
	}
	fmt.Printf("3. waited %s by polling ListListenerCertificates:\n", time.Since(start).Round(100*time.Millisecond))
	if err := printALB(ctx, lb); err != nil {
		return err
	}

	// GA -------------------------------------------------------------------
	gaClient, err := ga.New(cfg)
	if err != nil {
		return err
	}
	srv.InjectFault(alicloudtest.Fault{Kind: alicloudtest.FaultServiceUnavailable, Count: 1,
		Action: "DissociateAdditionalCertificatesFromListener"})
	srv.InjectFault(alicloudtest.Fault{Kind: alicloudtest.FaultDropAfterAction, Count: 1,
		Action: "DissociateAdditionalCertificatesFromListener"})
	attempts.reset()
	start = time.Now()
	gaOut, err := gaClient.DissociateAndWait(ctx, &ga.DissociateAdditionalCertificatesFromListenerInput{
		AcceleratorID: "ga-quickstart", ListenerID: "lsr-quickstart", Domains: []string{"www.example.com"},
	}, time.Minute, waitFast)
	if err != nil {
		return fmt.Errorf("ga dissociate: %w", err)
	}
	fmt.Printf("\n4. GA: dissociate www.example.com and wait (a 503, then the connection drops after the service acted):\n%s", attempts.String())
	l, err := gaClient.DescribeListener(ctx, &ga.DescribeListenerInput{ListenerID: "lsr-quickstart"})
	if err != nil {
		return err
	}
	fmt.Printf("   done in %s: listener lsr-quickstart is %s (request %s)\n",
		time.Since(start).Round(100*time.Millisecond), l.State, gaOut.RequestID)
	for cert, err := range gaClient.AllListenerCertificates(ctx, &ga.ListListenerCertificatesInput{
		AcceleratorID: "ga-quickstart", ListenerID: "lsr-quickstart"}) {
		if err != nil {
			return err
		}
		fmt.Printf("     %-16s default=%-5t domain=%q\n", cert.CertificateID, cert.IsDefault, cert.Domain)
	}

	// Summary --------------------------------------------------------------
	st := srv.Stats()
	fmt.Printf("\nSummary\n")
	fmt.Printf("  requests the emulator received:  %d\n", st.Requests)
	fmt.Printf("  faults injected and survived:    %d\n", st.FaultsInjected)
	fmt.Printf("  effective actions:               %d\n", st.Actions)
	for token, n := range srv.ActionsByClientToken() {
		fmt.Printf("    client token %s acted %d time(s)\n", token, n)
	}
	if st.Actions != 2 {
		return fmt.Errorf("expected exactly 2 effective actions, the emulator counted %d", st.Actions)
	}
	fmt.Println("  every call acted exactly once, however many attempts it took.")
	fmt.Print(nextStep)
	return nil
}

// nextStep points to the command-line tool against the standalone emulator.
const nextStep = `
Next: the same from a shell, with the listenercerts command against the standalone emulator
(README.md, "Testing your automation: the emulator"; the tool itself: "Command line"):
  go run ./cmd/alicloud-emulator -addr 127.0.0.1:8080 -seed examples/seed.json -access-key-id AK -access-key-secret SK
  export ALIBABA_CLOUD_ACCESS_KEY_ID=AK ALIBABA_CLOUD_ACCESS_KEY_SECRET=SK   # in another shell
  go run ./cmd/listenercerts -endpoint http://127.0.0.1:8080 -region cn-hangzhou alb dissociate -listener lsn-1 -cert c1
`

func printALB(ctx context.Context, lb *alb.Client) error {
	for cert, err := range lb.AllListenerCertificates(ctx, &alb.ListListenerCertificatesInput{ListenerID: "lsn-quickstart"}) {
		if err != nil {
			return err
		}
		fmt.Printf("     %-13s default=%-5t %s\n", cert.CertificateID, cert.IsDefault, cert.Status)
	}
	return nil
}

func printALBStatus(ctx context.Context, lb *alb.Client, title string) error {
	out, err := lb.ListListenerCertificates(ctx, &alb.ListListenerCertificatesInput{
		ListenerID: "lsn-quickstart", CertificateIDs: []string{"cert-a", "cert-b"}})
	if err != nil {
		return err
	}
	var s []string
	for _, c := range out.Certificates {
		s = append(s, c.CertificateID+" "+c.Status)
	}
	fmt.Println(title, strings.Join(s, ", "))
	return nil
}

// attemptLog is a slog.Handler that keeps the SDK's per-attempt debug
// records of Dissociate calls, to show the retries.
type attemptLog struct {
	mu    sync.Mutex
	lines []string
}

func (h *attemptLog) Enabled(context.Context, slog.Level) bool { return true }
func (h *attemptLog) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *attemptLog) WithGroup(string) slog.Handler            { return h }

func (h *attemptLog) Handle(_ context.Context, r slog.Record) error {
	a := map[string]string{}
	r.Attrs(func(at slog.Attr) bool {
		if at.Value.Kind() == slog.KindDuration {
			at.Value = slog.DurationValue(at.Value.Duration().Round(time.Millisecond))
		}
		a[at.Key] = at.Value.String()
		return true
	})
	if a["action"] != "DissociateAdditionalCertificatesFromListener" {
		return nil
	}
	outcome := "HTTP " + a["status"]
	switch {
	case a["status"] == "0":
		outcome = "no answer (connection dropped)"
	case a["code"] != "":
		outcome += " " + a["code"]
	}
	line := fmt.Sprintf("   attempt %s: %s", a["attempt"], outcome)
	if a["backoff"] != "0s" {
		line += ", retrying in " + a["backoff"]
	}
	h.mu.Lock()
	h.lines = append(h.lines, line)
	h.mu.Unlock()
	return nil
}

func (h *attemptLog) reset() {
	h.mu.Lock()
	h.lines = nil
	h.mu.Unlock()
}

func (h *attemptLog) String() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return strings.Join(h.lines, "\n") + "\n"
}
