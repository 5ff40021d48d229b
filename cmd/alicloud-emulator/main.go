// Command alicloud-emulator serves the local, stateful emulator of the ALB
// (2020-06-16) and GA (2019-11-20) APIs from package alicloudtest, for
// testing automation from any language.
//
// Usage:
//
//	alicloud-emulator [-addr 127.0.0.1:8080] [-seed state.json]
//	    [-access-key-id ID -access-key-secret SECRET]
//	    [-alb-delay 2s] [-alb-associate-delay 2s] [-alb-dissociate-delay 2s]
//	    [-alb-busy-code IncorrectStatus.Listener] [-alb-dissociating-status Diassociating]
//	    [-ga-delay 2s] [-production-timing] [-rate-limit 200/60s] [-no-signature-check] [-v]
//
// It prints its URL and the AccessKey pair it accepts (random unless given),
// then serves until SIGINT or SIGTERM. The seed file format is described by
// alicloudtest.LoadSeed.
//
// GA certificate changes have a delay each (-ga-delay for dissociations,
// -ga-associate-delay, -ga-update-delay), after which the listener is
// active again; the accelerator stays configuring for -ga-accelerator-lag
// longer (default: half the operation's delay), refusing every change on
// its listeners with StateError.Accelerator, as the service does.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/listenercerts/alicloud/alicloudtest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "alicloud-emulator:", err)
		os.Exit(1)
	}
}

// run serves until ctx is done. It writes the startup banner to stdout and,
// with -v, one line per request to stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("alicloud-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen `address`")
	seedFile := fs.String("seed", "", "JSON seed `file` with the initial ALB and GA state")
	keyID := fs.String("access-key-id", "", "AccessKeyId to accept (default: random)")
	keySecret := fs.String("access-key-secret", "", "AccessKeySecret to accept (default: random)")
	albDelay := fs.Duration("alb-delay", alicloudtest.DefaultALBDissociateDelay,
		"how long every ALB job runs, unless -alb-associate-delay or -alb-dissociate-delay says otherwise (negative: it never completes)")
	albAssociateDelay := fs.Duration("alb-associate-delay", alicloudtest.DefaultALBAssociateDelay,
		"how long an ALB association job runs (default -alb-delay when that is set; negative: it never completes)")
	albDissociateDelay := fs.Duration("alb-dissociate-delay", alicloudtest.DefaultALBDissociateDelay,
		"how long an ALB dissociation job runs (default -alb-delay when that is set; negative: it never completes)")
	albBusyCode := fs.String("alb-busy-code", alicloudtest.CodeALBListenerIncorrectStatus,
		"answer to a change on a busy ALB listener: "+alicloudtest.CodeALBListenerIncorrectStatus+" or "+alicloudtest.CodeALBListenerConfiguring)
	albDissociating := fs.String("alb-dissociating-status", alicloudtest.ALBCertificateDiassociating,
		"status of an ALB certificate being dissociated: "+alicloudtest.ALBCertificateDiassociating+" (documented enum) or "+alicloudtest.ALBCertificateDissociating)
	gaDelay := fs.Duration("ga-delay", alicloudtest.DefaultGADissociateDelay,
		"how long a GA dissociation keeps the listener updating (negative: for ever)")
	gaTiming := addGAFlags(fs) // -ga-associate-delay, -ga-update-delay, -ga-accelerator-lag
	production := fs.Bool("production-timing", false,
		"certificate changes take about as long as on the real services (ALB jobs 7s, GA changes 15s, accelerator +10s); timing flags given explicitly still apply")
	rateLimit := fs.String("rate-limit", "200/60s", "quota per account and operation, `n/period`; \"off\" disables it")
	noAuth := fs.Bool("no-signature-check", false, "accept requests without verifying their signature")
	verbose := fs.Bool("v", false, "log every request to stderr")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if (*keyID == "") != (*keySecret == "") {
		return errors.New("-access-key-id and -access-key-secret go together")
	}
	n, per, err := parseRateLimit(*rateLimit)
	if err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["alb-delay"] {
		if !set["alb-associate-delay"] {
			*albAssociateDelay = *albDelay
		}
		if !set["alb-dissociate-delay"] {
			*albDissociateDelay = *albDelay
		}
	}
	if *albBusyCode != alicloudtest.CodeALBListenerIncorrectStatus && *albBusyCode != alicloudtest.CodeALBListenerConfiguring {
		return fmt.Errorf("-alb-busy-code %q: want %s or %s", *albBusyCode,
			alicloudtest.CodeALBListenerIncorrectStatus, alicloudtest.CodeALBListenerConfiguring)
	}
	if *albDissociating != alicloudtest.ALBCertificateDiassociating && *albDissociating != alicloudtest.ALBCertificateDissociating {
		return fmt.Errorf("-alb-dissociating-status %q: want %s or %s", *albDissociating,
			alicloudtest.ALBCertificateDiassociating, alicloudtest.ALBCertificateDissociating)
	}

	opts := []alicloudtest.Option{
		alicloudtest.WithALBDissociateDelay(*albDissociateDelay),
		alicloudtest.WithALBAssociateDelay(*albAssociateDelay),
		alicloudtest.WithALBBusyCode(*albBusyCode),
		alicloudtest.WithALBDissociatingStatus(*albDissociating),
		alicloudtest.WithGADissociateDelay(*gaDelay),
		alicloudtest.WithRateLimit("", n, per),
	}
	if *keyID != "" {
		opts = append(opts, alicloudtest.WithAccessKey(*keyID, *keySecret))
	}
	if *noAuth {
		opts = append(opts, alicloudtest.WithoutSignatureCheck())
	}
	if *verbose {
		opts = append(opts, alicloudtest.WithRequestHook(requestLogger(stderr)))
	}
	opts = append(opts, gaTiming.options()...)
	if *production {
		opts = append(opts, alicloudtest.WithProductionTiming())
		explicit := []struct {
			flags []string
			opt   alicloudtest.Option
		}{
			{[]string{"alb-delay", "alb-associate-delay"}, alicloudtest.WithALBAssociateDelay(*albAssociateDelay)},
			{[]string{"alb-delay", "alb-dissociate-delay"}, alicloudtest.WithALBDissociateDelay(*albDissociateDelay)},
			{[]string{"ga-delay"}, alicloudtest.WithGADissociateDelay(*gaDelay)},
			{[]string{"ga-associate-delay"}, alicloudtest.WithGAAssociateDelay(gaTiming.associateDelay)},
			{[]string{"ga-update-delay"}, alicloudtest.WithGAUpdateDelay(gaTiming.updateDelay)},
			{[]string{"ga-accelerator-lag"}, alicloudtest.WithGAAcceleratorLag(gaTiming.lag.d)},
		}
		for _, e := range explicit {
			if slices.ContainsFunc(e.flags, func(f string) bool { return set[f] }) {
				opts = append(opts, e.opt)
			}
		}
	}
	emu := alicloudtest.New(opts...)
	defer emu.Close()
	if *seedFile != "" {
		if err := emu.LoadSeedFile(*seedFile); err != nil {
			return err
		}
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second}

	url := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "alicloud-emulator serving ALB 2020-06-16 and GA 2019-11-20 at %s\n", url)
	fmt.Fprintf(stdout, "region:            %s\n", alicloudtest.Region)
	fmt.Fprintf(stdout, "access key id:     %s\n", emu.AccessKeyID)
	fmt.Fprintf(stdout, "access key secret: %s\n", emu.AccessKeySecret)
	tm := emu.Timing()
	fmt.Fprintf(stdout, "rate limit:        %s\n", describeLimit(n, per))
	fmt.Fprintf(stdout, "ALB jobs:          associate %v, dissociate %v\n", tm.ALBAssociate, tm.ALBDissociate)
	fmt.Fprintf(stdout, "GA changes:        associate %v, update %v, dissociate %v; accelerator +%v\n",
		tm.GAAssociate, tm.GAUpdate, tm.GADissociate, tm.GAAcceleratorLag)
	fmt.Fprintf(stdout, "ALB busy listener: %s; being dissociated: %s\n", *albBusyCode, *albDissociating)
	fmt.Fprintf(stdout, "\nexport ALIBABA_CLOUD_ACCESS_KEY_ID=%s ALIBABA_CLOUD_ACCESS_KEY_SECRET=%s\n", emu.AccessKeyID, emu.AccessKeySecret)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	emu.Close() // ends delayed requests, so the shutdown does not wait for them
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// parseRateLimit parses "n/period" (period a Go duration, or seconds when
// it has no unit): "200/60s", "5/1m", "10/1". "off" and "0" disable the
// limit.
func parseRateLimit(s string) (int, time.Duration, error) {
	if s == "off" || s == "0" {
		return 0, 0, nil
	}
	ns, ps, ok := strings.Cut(s, "/")
	n, err := strconv.Atoi(ns)
	if !ok || err != nil || n <= 0 {
		return 0, 0, fmt.Errorf("-rate-limit %q: want n/period, e.g. 200/60s", s)
	}
	per, err := time.ParseDuration(ps)
	if err != nil {
		secs, err2 := strconv.ParseFloat(ps, 64)
		if err2 != nil {
			return 0, 0, fmt.Errorf("-rate-limit %q: bad period: %v", s, err)
		}
		per = time.Duration(secs * float64(time.Second))
	}
	if per <= 0 {
		return 0, 0, fmt.Errorf("-rate-limit %q: the period must be positive", s)
	}
	return n, per, nil
}

func describeLimit(n int, per time.Duration) string {
	if n <= 0 {
		return "off"
	}
	return fmt.Sprintf("%d per %v", n, per)
}

// requestLogger logs one line per request: method, version, action,
// status and error code.
func requestLogger(w io.Writer) func(alicloudtest.RecordedRequest) {
	logger := log.New(w, "", log.LstdFlags|log.Lmicroseconds)
	return func(r alicloudtest.RecordedRequest) {
		status := strconv.Itoa(r.StatusCode)
		if r.StatusCode == 0 {
			status = "dropped"
		}
		logger.Printf("%s %s %s %s %s", r.Method, r.Version, r.Action, status, r.ErrorCode)
	}
}
