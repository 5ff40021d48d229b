// Command rotate replaces the certificates of an ALB listener with
// alb.RotateCertificates, then those of a GA listener with
// ga.RotateCertificates, against the embedded emulator (package
// alicloudtest): no credentials, no network.
//
//	go run ./examples/rotate
//	go run ./examples/rotate -delay 5s   # the real service's pace: about 5-10 s per job
//
// The listener starts with a default certificate and 18 expiring ones. The
// program prints the plan (a dry run), starts the rotation and interrupts it
// right after its first change, prints what the error says, runs the same
// input again to finish, and runs it a third time to show that nothing is
// left to do. On GA, one rotation replaces a domain's certificate in place,
// adds a domain, leaves one alone and removes one, and returns once the
// accelerator takes changes again.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/alb"
	"github.com/listenercerts/alicloud/alicloudtest"
	"github.com/listenercerts/alicloud/ga"
)

func main() {
	delay := flag.Duration("delay", 300*time.Millisecond, "how long each emulated certificate job runs")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	err := run(ctx, os.Stdout, *delay)
	if err == nil {
		err = runGA(ctx, os.Stdout, *delay)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "rotate:", err)
		os.Exit(1)
	}
}

func ids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%02d-cn-hangzhou", prefix, i+1)
	}
	return out
}

func run(ctx context.Context, w io.Writer, delay time.Duration) error {
	const listener = "lsn-rotate-demo"
	expiring, fresh := ids("2024", 18), ids("2025", 18)
	srv := alicloudtest.NewServer(alicloudtest.WithALBAssociateDelay(delay), alicloudtest.WithALBDissociateDelay(delay))
	defer srv.Close()
	if err := srv.ALB.AddListener(alicloudtest.ALBListener{ID: listener, Protocol: "HTTPS",
		DefaultCertificateID: "default-cn-hangzhou", AdditionalCertificateIDs: expiring}); err != nil {
		return err
	}
	client, err := alb.New(srv.Config()) // in production: alicloud.LoadDefaultConfig(ctx, "cn-hangzhou")
	if err != nil {
		return err
	}
	poll := func(o *alicloud.WaiterOptions) { o.MinDelay, o.MaxDelay = delay/3+time.Millisecond, delay }

	in := &alb.RotateCertificatesInput{ListenerID: listener, Add: fresh, Remove: expiring,
		ClientToken: alicloud.NewClientToken(), // keep it to resume with the same call tokens
		DryRun:      true}
	out, err := client.RotateCertificates(ctx, in, 5*time.Minute, poll)
	if err != nil {
		return err
	}
	p := out.Plan
	fmt.Fprintf(w, "plan for %s (default certificate %s), %d calls:\n", p.ListenerID, p.DefaultCertificateID, p.Calls())
	for i, batch := range p.Associate {
		fmt.Fprintf(w, "  associate #%d: %d certificates, %s … %s\n", i+1, len(batch), batch[0], batch[len(batch)-1])
	}
	for i, batch := range p.Dissociate {
		fmt.Fprintf(w, "  dissociate #%d: %d certificates, %s … %s\n", i+1, len(batch), batch[0], batch[len(batch)-1])
	}

	// Interrupted right after the first Associate was accepted.
	in.DryRun = false
	interrupted, stop := context.WithCancel(ctx)
	defer stop()
	in.Progress = func(ev alicloud.ProgressEvent) {
		if ev.Step == alicloud.StepAssociate {
			stop()
		}
	}
	_, err = client.RotateCertificates(interrupted, in, 5*time.Minute, poll)
	var rotErr *alb.RotationError
	if !errors.As(err, &rotErr) {
		return fmt.Errorf("expected an interrupted rotation, got %v", err)
	}
	fmt.Fprintf(w, "interrupted: %d jobs started, %d certificates still to associate, %d to dissociate\n",
		len(rotErr.Done.JobIDs), len(rotErr.NotAssociated), len(rotErr.NotDissociated))

	// The same input again finishes the work, with a progress line per step.
	in.Progress = func(ev alicloud.ProgressEvent) {
		if ev.Step != alicloud.StepWait {
			fmt.Fprintf(w, "  [%d/%d] %s %d certificates\n", ev.Done, ev.Total, ev.Step, len(ev.Items))
		}
	}
	out, err = client.RotateCertificates(ctx, in, 5*time.Minute, poll)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "resumed: associated %d (already %d), dissociated %d (already %d), %d jobs\n",
		len(out.Associated), len(out.AlreadyAssociated), len(out.Dissociated), len(out.AlreadyDissociated), len(out.JobIDs))

	in.Progress = nil
	before := srv.Stats().ActionsByAction
	out, err = client.RotateCertificates(ctx, in, 5*time.Minute, poll)
	if err != nil {
		return err
	}
	after := srv.Stats().ActionsByAction
	fmt.Fprintf(w, "third run: %d calls planned, %d changes made\n", out.Plan.Calls(),
		after["AssociateAdditionalCertificatesWithListener"]+after["DissociateAdditionalCertificatesFromListener"]-
			before["AssociateAdditionalCertificatesWithListener"]-before["DissociateAdditionalCertificatesFromListener"])

	state, _ := srv.ALB.Listener(listener)
	fmt.Fprintf(w, "listener %s now serves %d certificates:", listener, len(state.Certificates))
	for _, c := range state.Certificates {
		fmt.Fprintf(w, " %s", c.ID)
	}
	fmt.Fprintln(w)
	return nil
}

// runGA rotates the certificates of a GA listener: www.example.com gets a
// new certificate in place (Update), api.example.com is added (Associate),
// static.example.com keeps its own, old.example.com goes (Dissociate).
func runGA(ctx context.Context, w io.Writer, delay time.Duration) error {
	srv := alicloudtest.NewServer(alicloudtest.WithGAUpdateDelay(delay), alicloudtest.WithGAAssociateDelay(delay),
		alicloudtest.WithGADissociateDelay(delay), alicloudtest.WithGAAcceleratorLag(delay/2))
	defer srv.Close()
	if err := srv.GA.AddAccelerator(alicloudtest.GAAccelerator{ID: "ga-demo"}); err != nil {
		return err
	}
	if err := srv.GA.AddListener(alicloudtest.GAListener{ID: "lsr-demo", AcceleratorID: "ga-demo", DefaultCertificateID: "default-2024",
		AdditionalCertificates: map[string]string{"www.example.com": "www-2024", "static.example.com": "static-2025",
			"old.example.com": "old-2024"}}); err != nil {
		return err
	}
	client, err := ga.New(srv.Config())
	if err != nil {
		return err
	}
	poll := func(o *alicloud.WaiterOptions) { o.MinDelay, o.MaxDelay = delay/3+time.Millisecond, delay }
	out, err := client.RotateCertificates(ctx, &ga.RotateCertificatesInput{AcceleratorID: "ga-demo", ListenerID: "lsr-demo",
		Set: []ga.DomainCertificate{{Domain: "www.example.com", CertificateID: "www-2025"},
			{Domain: "api.example.com", CertificateID: "api-2025"}, {Domain: "static.example.com", CertificateID: "static-2025"}},
		Remove: []string{"old.example.com"},
		Progress: func(ev alicloud.ProgressEvent) {
			if ev.Step != alicloud.StepWait && ev.Step != alicloud.StepDone {
				fmt.Fprintf(w, "  ga %s %v\n", ev.Step, ev.Items)
			}
		}}, 5*time.Minute, poll)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "ga: updated %v, associated %v, unchanged %v, dissociated %v\n", out.Updated, out.Associated, out.Unchanged, out.Dissociated)
	a, _ := srv.GA.Accelerator("ga-demo")
	l, _ := srv.GA.Listener("lsr-demo")
	fmt.Fprintf(w, "ga: accelerator %s, listener %s, domains %v\n", a.State, l.State, l.AdditionalCertificates)
	return nil
}
