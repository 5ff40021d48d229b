// Command listenercerts adds, removes, rotates and lists the additional TLS
// certificates of Alibaba Cloud ALB and GA listeners, and waits until the
// change is done.
//
//	listenercerts [global flags] alb dissociate -listener ID -cert ID [-cert ID ...] [-dry-run] [-client-token T]
//	listenercerts [global flags] alb associate  -listener ID -cert ID [-cert ID ...] [-dry-run] [-client-token T]
//	listenercerts [global flags] alb rotate     -listener ID [-add ID ...] [-remove ID ...] [-dry-run]
//	listenercerts [global flags] alb list       -listener ID
//	listenercerts [global flags] ga  dissociate -accelerator ID -listener ID -domain D [-domain D ...] [-client-token T]
//	listenercerts [global flags] ga  associate  -accelerator ID -listener ID -cert DOMAIN=ID [-cert DOMAIN=ID ...]
//	listenercerts [global flags] ga  rotate     -accelerator ID -listener ID [-set DOMAIN=ID ...] [-remove DOMAIN ...] [-dry-run]
//	listenercerts [global flags] ga  list       -accelerator ID -listener ID
//	global flags: -region R (ALIBABA_CLOUD_REGION_ID), -endpoint URL, -output text|json, -wait DURATION (default 5m;
//	              0 = return once accepted), -v (debug log of every attempt to stderr)
//
// Credentials come from the default chain of credentials-go
// (ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, profile
// files, ECS RAM role, OIDC, ...).
//
// Exit status: 0 done; 1 the service refused, the wait failed, or no
// credentials were found; 2 a usage error (the message names the flag, and
// the usage follows); 3 the wait timed out (the message says what is still
// pending and the -client-token to resume with, waiting twice as long);
// 130 interrupted by Ctrl-C (143 for SIGTERM; the message says whether the
// change was accepted and how to resume).
//
// With -output json, stdout holds one JSON object (but for a usage error):
// the operation's output, with the field names of the Go types
// (alb.DissociateAdditionalCertificatesFromListenerOutput, ...) and [] for
// an empty list. A failed run's object has an Error member, {"Code",
// "Message", "RequestID", "Recommend", "HTTPStatus", "ClientToken"} (the
// -client-token to resume with, "" when nothing was sent), beside the
// output's fields when the change was accepted.
// Progress and errors go to stderr: a progress line on a terminal, plain log
// lines otherwise.
//
// The program is a thin layer over packages alb and ga: every behaviour
// (retries, idempotency, waiting) is theirs.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/alb"
	"github.com/listenercerts/alicloud/ga"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailed  = 1 // the service refused, the wait failed, no credentials
	exitUsage   = 2
	exitTimeout = 3 // the wait timed out; resumable
	// A run ended by SIGINT or SIGTERM exits 128 + the signal's number
	// (130, 143), as a shell reports it; main sets it.
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	var got atomic.Value // the signal received
	go func() {
		s := <-signals
		got.Store(s)
		signal.Stop(signals) // a second Ctrl-C ends the program at once
		cancel()
	}()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, isTerminal(os.Stderr), os.Getenv)
	if s, ok := got.Load().(syscall.Signal); ok && code != exitOK && code != exitUsage {
		code = 128 + int(s) // as a shell reports a process its signal ended: 130 for SIGINT
	}
	os.Exit(code)
}

// isTerminal reports whether f is a character device (a terminal), without
// a dependency: progress lines are drawn only there.
func isTerminal(f *os.File) bool {
	if os.Getenv("TERM") == "dumb" {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// app is what a subcommand runs with.
type app struct {
	stdout   io.Writer
	progress *progress // also the writer of everything else on stderr
	getenv   func(string) string
	// newCredentials is alicloud.DefaultCredentials; replaced in tests.
	newCredentials func() (alicloud.CredentialsProvider, error)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, tty bool, getenv func(string) string) int {
	inv, err := parse(args, getenv)
	var help helpRequest
	var usage *usageError
	switch {
	case errors.As(err, &help):
		printUsage(stdout, help.spec)
		return exitOK
	case errors.As(err, &usage):
		for _, p := range usage.problems {
			fmt.Fprintln(stderr, "listenercerts:", p)
		}
		fmt.Fprintln(stderr)
		printUsage(stderr, usage.spec)
		return exitUsage
	}

	a := &app{stdout: stdout, progress: newProgress(stderr, tty), getenv: getenv, newCredentials: alicloud.DefaultCredentials}
	a.progress.width = terminalWidth(getenv)
	out, err := inv.spec.run(ctx, a, inv)
	a.progress.finish()
	inv.accepted = err != nil && sentSomething(out)
	code := exitOK
	if err != nil {
		code = a.fail(inv, err)
	}
	if werr := writeOutput(stdout, inv, out, err, code); werr != nil && code == exitOK {
		code = a.fail(inv, werr)
	}
	return code
}

// writeOutput prints the outcome on stdout. With -output json it is one
// JSON object (but for a usage error): the operation's output, plus an
// Error member when the run failed. As text, it is the success text only
// when the operation succeeded (the error report on stderr says the rest).
func writeOutput(w io.Writer, inv *invocation, out any, err error, code int) error {
	if inv.global.output == "json" {
		if code == exitUsage {
			return nil
		}
		var jerr *jsonError
		if err != nil {
			jerr = errorObject(inv, err)
		}
		if out == nil && jerr == nil {
			return nil
		}
		return writeJSON(w, out, jerr)
	}
	if err == nil && out != nil {
		writeText(w, inv, out)
	}
	return nil
}

// sentSomething reports whether an output says a write was sent (and
// accepted): its ClientToken is set only then.
func sentSomething(out any) bool {
	switch out := out.(type) {
	case *alb.DissociateAdditionalCertificatesFromListenerOutput:
		return out.ClientToken != "" && !out.DryRunPassed
	case *alb.AssociateAdditionalCertificatesWithListenerOutput:
		return out.ClientToken != "" && !out.DryRunPassed
	case *ga.DissociateAdditionalCertificatesFromListenerOutput:
		return out.ClientToken != ""
	case *ga.AssociateAdditionalCertificatesWithListenerOutput:
		return out.ClientToken != ""
	}
	return false
}

// config builds the SDK configuration: the region and endpoint flags, the
// -v logger, and credentials that are filled in later by
// loadCredentials, once the client's constructor has checked the region
// and the endpoint: a bad -endpoint is a usage error whatever the
// credentials.
func (a *app) config(inv *invocation) (alicloud.Config, *lateCredentials) {
	creds := &lateCredentials{}
	cfg := alicloud.Config{
		Region:      inv.global.region,
		Credentials: creds,
		Endpoint:    inv.global.endpoint,
		UserAgent:   "listenercerts",
	}
	if cfg.Region == "" {
		cfg.Region = a.getenv(alicloud.RegionEnvVar)
	}
	if inv.global.verbose {
		cfg.Logger = slog.New(slog.NewTextHandler(a.progress, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return cfg, creds
}

// loadCredentials finds the default credential chain and retrieves from it
// once, so that missing credentials are reported before anything is sent.
func (a *app) loadCredentials(ctx context.Context, late *lateCredentials) error {
	creds, err := a.newCredentials()
	if err == nil {
		_, err = creds.Retrieve(ctx)
	}
	if err != nil {
		return &credentialsError{err}
	}
	late.p = creds
	return nil
}

// lateCredentials is the client's credentials provider, set by
// loadCredentials after the client is built.
type lateCredentials struct{ p alicloud.CredentialsProvider }

func (l *lateCredentials) Retrieve(ctx context.Context) (alicloud.Credentials, error) {
	if l.p == nil {
		return alicloud.Credentials{}, errors.New("listenercerts: credentials not loaded")
	}
	return l.p.Retrieve(ctx)
}

// waitOptions sends the waiters' polls to the progress display.
func (a *app) waitOptions(o *alicloud.WaiterOptions) { o.OnPoll = a.progress.poll }

// clientToken is the -client-token, or a new token: generated here rather
// than by the SDK so that it can be printed before anything is sent.
func (inv *invocation) clientToken() string {
	if inv.o.clientToken == "" {
		inv.o.clientToken = alicloud.NewClientToken()
	}
	return inv.o.clientToken
}

// credentialsError: the default chain found nothing usable.
type credentialsError struct{ err error }

func (e *credentialsError) Error() string { return "no credentials: " + e.err.Error() }
func (e *credentialsError) Unwrap() error { return e.err }
