// Command ga-dissociate removes the additional certificates of domains from
// a Global Accelerator listener and waits until the listener is active.
//
// Credentials come from the default chain (ALIBABA_CLOUD_ACCESS_KEY_ID and
// ALIBABA_CLOUD_ACCESS_KEY_SECRET, profile files, ECS RAM role, ...):
//
//	ga-dissociate -accelerator ga-xxx -listener lsr-xxx -domain example.com -domain www.example.com
//	ga-dissociate -dry-run ...                              # validate and describe only
//	ga-dissociate -endpoint http://127.0.0.1:8080 ...       # against cmd/alicloud-emulator
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/ga"
)

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, strings.Split(v, ",")...); return nil }

func main() {
	var domains listFlag
	accelerator := flag.String("accelerator", "", "accelerator id (required)")
	listener := flag.String("listener", "", "listener id (required)")
	flag.Var(&domains, "domain", "domain whose additional certificate to remove (repeat, or comma-separated)")
	dryRun := flag.Bool("dry-run", false, "GA has no service-side dry run: show the listener and its certificates, change nothing")
	endpoint := flag.String("endpoint", "", "endpoint override, e.g. http://127.0.0.1:8080 for the emulator")
	token := flag.String("client-token", "", "idempotency token; rerun with the same token to resume safely")
	wait := flag.Duration("wait", 5*time.Minute, "how long to wait for the listener to be active again (0: do not wait)")
	retryBusy := flag.Bool("retry-busy", true, "retry while the accelerator is busy with an earlier change")
	verbose := flag.Bool("v", false, "log every attempt")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *endpoint, *accelerator, *listener, domains, *token, *dryRun, *retryBusy, *wait, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "ga-dissociate:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, endpoint, accelerator, listener string, domains []string, token string,
	dryRun, retryBusy bool, wait time.Duration, verbose bool) error {
	cfg, err := alicloud.LoadDefaultConfig(ctx, ga.RegionID)
	if err != nil {
		return err
	}
	cfg.Endpoint = endpoint
	cfg.Retry.DisableConflictRetry = !retryBusy
	if verbose {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	client, err := ga.New(cfg)
	if err != nil {
		return err
	}
	if dryRun {
		return describe(ctx, client, accelerator, listener, domains)
	}
	if token == "" {
		token = alicloud.NewClientToken() // known before the call, so a failed run can be resumed
	}
	in := &ga.DissociateAdditionalCertificatesFromListenerInput{
		AcceleratorID: accelerator, ListenerID: listener, Domains: domains, ClientToken: token}
	var out *ga.DissociateAdditionalCertificatesFromListenerOutput
	if wait > 0 {
		out, err = client.DissociateAndWait(ctx, in, wait)
	} else {
		out, err = client.DissociateAdditionalCertificatesFromListener(ctx, in)
	}
	if out != nil {
		fmt.Printf("request %s, client token %s\n", out.RequestID, out.ClientToken)
	}
	switch {
	case err == nil:
		fmt.Printf("certificates of %s are dissociated from %s\n", strings.Join(domains, ", "), listener)
		return nil
	case errors.Is(err, ga.ErrCertificateNotFound):
		return fmt.Errorf("a domain has no additional certificate on this listener: %w", err)
	case out != nil:
		return fmt.Errorf("%w\nthe change was accepted; rerun with -client-token %s to resume waiting without dissociating twice", err, token)
	}
	return err
}

func describe(ctx context.Context, client *ga.Client, accelerator, listener string, domains []string) error {
	l, err := client.DescribeListener(ctx, &ga.DescribeListenerInput{ListenerID: listener})
	if err != nil {
		return err
	}
	fmt.Printf("listener %s of %s: %s, state %s\n", l.ListenerID, l.AcceleratorID, l.Protocol, l.State)
	if l.AcceleratorID != accelerator {
		return fmt.Errorf("listener %s belongs to accelerator %s, not %s", listener, l.AcceleratorID, accelerator)
	}
	found := map[string]bool{}
	for cert, err := range client.AllListenerCertificates(ctx, &ga.ListListenerCertificatesInput{
		AcceleratorID: accelerator, ListenerID: listener, Role: "additional"}) {
		if err != nil {
			return err
		}
		found[cert.Domain] = true
		fmt.Printf("  %-30s %s (%s)\n", cert.Domain, cert.CertificateID, cert.State)
	}
	for _, d := range domains {
		if !found[d] {
			return fmt.Errorf("dry run: domain %s has no additional certificate on %s", d, listener)
		}
	}
	fmt.Println("dry run: the request would be accepted if the listener is active")
	return nil
}
