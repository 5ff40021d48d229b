package alb_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/alb"
	"github.com/listenercerts/alicloud/alicloudtest"
)

// exampleServer is an emulator with listener lsn-example (default cert-0,
// additional cert-1 and cert-2). Real programs use alicloud.LoadDefaultConfig.
func exampleServer() *alicloudtest.Server {
	srv := alicloudtest.NewServer(alicloudtest.WithALBDissociateDelay(100*time.Millisecond),
		alicloudtest.WithALBAssociateDelay(100*time.Millisecond))
	_ = srv.ALB.AddListener(alicloudtest.ALBListener{ID: "lsn-example", Protocol: "HTTPS",
		DefaultCertificateID: "cert-0", AdditionalCertificateIDs: []string{"cert-1", "cert-2"}})
	return srv
}

func ExampleClient_DissociateAdditionalCertificatesFromListener() {
	srv := exampleServer()
	defer srv.Close()
	ctx := context.Background()

	client, err := alb.New(srv.Config()) // in production: alicloud.LoadDefaultConfig(ctx, "cn-hangzhou")
	if err != nil {
		fmt.Println(err)
		return
	}
	in := &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID:     "lsn-example",
		CertificateIDs: []string{"cert-1"},
		DryRun:         true,
	}
	out, err := client.DissociateAdditionalCertificatesFromListener(ctx, in)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("precheck passed:", out.DryRunPassed)

	in.DryRun = false
	out, err = client.DissociateAdditionalCertificatesFromListener(ctx, in)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("job started:", out.JobID != "")
	// Output:
	// precheck passed: true
	// job started: true
}

func ExampleClient_DissociateAndWait() {
	srv := exampleServer()
	defer srv.Close()
	ctx := context.Background()
	client, err := alb.New(srv.Config())
	if err != nil {
		fmt.Println(err)
		return
	}
	// cert-9 is not on the listener: that is the end state already, not an error.
	out, err := client.DissociateAndWait(ctx, &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID:     "lsn-example",
		CertificateIDs: []string{"cert-1", "cert-2", "cert-9"},
	}, 5*time.Minute, func(o *alicloud.WaiterOptions) { o.MinDelay = 50 * time.Millisecond })
	if err != nil {
		fmt.Println(err, alicloud.ClientTokenOf(err) != "")
		return
	}
	fmt.Println("already dissociated:", out.AlreadyDissociated)
	for cert, err := range client.AllListenerCertificates(ctx, &alb.ListListenerCertificatesInput{ListenerID: "lsn-example"}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(cert.CertificateID, cert.Status, cert.IsDefault)
	}
	// Output:
	// already dissociated: [cert-9]
	// cert-0 Associated true
}

func ExampleClient_AssociateAndWait() {
	srv := exampleServer()
	defer srv.Close()
	ctx := context.Background()
	client, err := alb.New(srv.Config())
	if err != nil {
		fmt.Println(err)
		return
	}
	out, err := client.AssociateAndWait(ctx, &alb.AssociateAdditionalCertificatesWithListenerInput{
		ListenerID:     "lsn-example",
		CertificateIDs: []string{"cert-1", "cert-3"}, // cert-1 is there already
	}, 5*time.Minute, func(o *alicloud.WaiterOptions) { o.MinDelay = 50 * time.Millisecond })
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("already associated:", out.AlreadyAssociated)
	for cert, err := range client.AllListenerCertificates(ctx, &alb.ListListenerCertificatesInput{ListenerID: "lsn-example"}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(cert.CertificateID, cert.Status)
	}
	// Output:
	// already associated: [cert-1]
	// cert-0 Associated
	// cert-1 Associated
	// cert-2 Associated
	// cert-3 Associated
}

// RotateCertificates replaces certificates without leaving the listener
// uncovered: every new certificate serves before an old one goes. Run it
// again with the same input after an interruption and it finishes the work.
func ExampleClient_RotateCertificates() {
	srv := exampleServer()
	defer srv.Close()
	ctx := context.Background()
	client, err := alb.New(srv.Config())
	if err != nil {
		fmt.Println(err)
		return
	}
	in := &alb.RotateCertificatesInput{
		ListenerID: "lsn-example",
		Add:        []string{"cert-2025a", "cert-2025b", "cert-2"},
		Remove:     []string{"cert-1", "cert-2019"},
		Progress: func(ev alicloud.ProgressEvent) {
			if ev.Step != alicloud.StepWait { // a line per step; StepWait comes once per poll
				fmt.Println("step:", ev.Step, ev.Items)
			}
		},
	}
	quick := func(o *alicloud.WaiterOptions) { o.MinDelay = 50 * time.Millisecond }

	in.DryRun = true // the plan, prechecked by the service; nothing changes
	out, err := client.RotateCertificates(ctx, in, 5*time.Minute, quick)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("plan: associate", out.Plan.Associate, "dissociate", out.Plan.Dissociate)

	in.DryRun = false
	out, err = client.RotateCertificates(ctx, in, 5*time.Minute, quick)
	var rotErr *alb.RotationError
	if errors.As(err, &rotErr) {
		fmt.Println("not done:", rotErr.NotAssociated, rotErr.NotDissociated) // re-run in to resume
		return
	} else if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("associated:", out.Associated, "already:", out.AlreadyAssociated)
	fmt.Println("dissociated:", out.Dissociated, "already:", out.AlreadyDissociated)
	fmt.Println("jobs:", len(out.JobIDs))
	// Output:
	// step: plan [cert-2025a cert-2025b cert-1]
	// step: done []
	// plan: associate [[cert-2025a cert-2025b]] dissociate [[cert-1]]
	// step: plan [cert-2025a cert-2025b cert-1]
	// step: associate [cert-2025a cert-2025b]
	// step: dissociate [cert-1]
	// step: done []
	// associated: [cert-2025a cert-2025b] already: [cert-2]
	// dissociated: [cert-1] already: [cert-2019]
	// jobs: 2
}

// Errors match the sentinel of their code and their category with
// errors.Is, and give every field the service sent with errors.As.
func Example_errorHandling() {
	srv := exampleServer()
	defer srv.Close()
	client, err := alb.New(srv.Config())
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = client.DissociateAdditionalCertificatesFromListener(context.Background(),
		&alb.DissociateAdditionalCertificatesFromListenerInput{ListenerID: "lsn-missing", CertificateIDs: []string{"cert-1"}})

	var apiErr *alicloud.APIError
	switch {
	case errors.Is(err, alb.ErrListenerNotFound):
		fmt.Println("no such listener")
	}
	fmt.Println("category not found:", errors.Is(err, alicloud.ErrNotFound))
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.HTTPStatus, apiErr.Code, apiErr.RequestID != "", apiErr.Attempts)
	}

	// Bad input is refused before anything is sent.
	_, err = client.DissociateAdditionalCertificatesFromListener(context.Background(),
		&alb.DissociateAdditionalCertificatesFromListenerInput{ListenerID: "lsn-example", CertificateIDs: []string{"cert-1", "cert-1"}})
	var invalid *alicloud.ValidationError
	if errors.As(err, &invalid) {
		fmt.Println(invalid.Field+":", invalid.Reason)
	}
	// Output:
	// no such listener
	// category not found: true
	// 404 ResourceNotFound.Listener true 1
	// CertificateIDs[1]: "cert-1" repeats CertificateIDs[0]
}
