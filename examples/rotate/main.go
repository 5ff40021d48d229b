// Command rotate replaces the certificates of an ALB listener with
// alb.RotateCertificates, against the embedded emulator (package
// alicloudtest): no credentials, no network.
//
//	go run ./examples/rotate
//	go run ./examples/rotate -delay 5s   # the real service's pace: about 5-10 s per job
//
// The listener starts with a default certificate and 18 expiring ones. The
// program prints the plan (a dry run), starts the rotation and interrupts it
// right after its first change, prints what the error says, runs the same
// input again to finish, and runs it a third time to show that nothing is
// left to do.
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
)

func main() {
	delay := flag.Duration("delay", 300*time.Millisecond, "how long each emulated certificate job runs")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout, *delay); err != nil {
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
