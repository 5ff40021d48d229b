// Command alb-dissociate removes additional certificates from an ALB listener
// and waits until they are dissociated.
//
// Credentials come from the default chain (ALIBABA_CLOUD_ACCESS_KEY_ID and
// ALIBABA_CLOUD_ACCESS_KEY_SECRET, profile files, ECS RAM role, ...):
//
//	alb-dissociate -region cn-hangzhou -listener lsn-xxx -cert 103705-cn-hangzhou -cert 103706-cn-hangzhou
//	alb-dissociate -dry-run ...                               # precheck only
//	alb-dissociate -endpoint http://127.0.0.1:8080 ...        # against cmd/alicloud-emulator
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
	"github.com/listenercerts/alicloud/alb"
)

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, strings.Split(v, ",")...); return nil }

func main() {
	var certs listFlag
	region := flag.String("region", "", "region of the listener (default $ALIBABA_CLOUD_REGION_ID)")
	listener := flag.String("listener", "", "listener id (required)")
	flag.Var(&certs, "cert", "certificate id to remove (repeat, or comma-separated)")
	dryRun := flag.Bool("dry-run", false, "only run the service's precheck")
	endpoint := flag.String("endpoint", "", "endpoint override, e.g. http://127.0.0.1:8080 for the emulator")
	token := flag.String("client-token", "", "idempotency token; rerun with the same token to resume safely")
	wait := flag.Duration("wait", 5*time.Minute, "how long to wait for the dissociation (0: do not wait)")
	verbose := flag.Bool("v", false, "log every attempt")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *region, *endpoint, *listener, certs, *token, *dryRun, *wait, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "alb-dissociate:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, region, endpoint, listener string, certs []string, token string, dryRun bool, wait time.Duration, verbose bool) error {
	cfg, err := alicloud.LoadDefaultConfig(ctx, region)
	if err != nil {
		return err
	}
	cfg.Endpoint = endpoint
	if verbose {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	client, err := alb.New(cfg)
	if err != nil {
		return err
	}
	if token == "" {
		token = alicloud.NewClientToken() // known before the call, so a failed run can be resumed
	}
	in := &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: listener, CertificateIDs: certs, ClientToken: token, DryRun: dryRun}
	var out *alb.DissociateAdditionalCertificatesFromListenerOutput
	if wait > 0 && !dryRun {
		out, err = client.DissociateAndWait(ctx, in, wait)
	} else {
		out, err = client.DissociateAdditionalCertificatesFromListener(ctx, in)
	}
	if out != nil {
		fmt.Printf("request %s, client token %s, job %q, dry run passed %t\n", out.RequestID, out.ClientToken, out.JobID, out.DryRunPassed)
		if len(out.AlreadyDissociated) > 0 {
			fmt.Printf("already dissociated (not sent): %s\n", strings.Join(out.AlreadyDissociated, ", "))
		}
	}
	var apiErr *alicloud.APIError
	switch {
	case err == nil:
		if !dryRun && wait > 0 {
			fmt.Printf("certificates %s are dissociated from %s\n", strings.Join(certs, ", "), listener)
		}
		return nil
	case errors.Is(err, alb.ErrListenerConfiguring):
		return fmt.Errorf("the listener is busy with another change; rerun later with -client-token %s: %w", token, err)
	case errors.As(err, &apiErr) && apiErr.Recommend != "":
		return fmt.Errorf("%w\ndiagnosis: %s", err, apiErr.Recommend)
	case out != nil:
		return fmt.Errorf("%w\nthe change was accepted; rerun with -client-token %s to resume waiting without dissociating twice", err, token)
	}
	return err
}
