package ga_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/alicloudtest"
	"github.com/listenercerts/alicloud/ga"
)

func ExampleClient_DissociateAdditionalCertificatesFromListener() {
	srv := alicloudtest.NewServer() // stands in for the service
	defer srv.Close()
	_ = srv.GA.AddAccelerator(alicloudtest.GAAccelerator{ID: "ga-example"})
	_ = srv.GA.AddListener(alicloudtest.GAListener{ID: "lsr-example", AcceleratorID: "ga-example",
		AdditionalCertificates: map[string]string{"example.com": "cert-1"}})
	ctx := context.Background()

	client, err := ga.New(srv.Config()) // in production: alicloud.LoadDefaultConfig(ctx, "")
	if err != nil {
		fmt.Println(err)
		return
	}
	out, err := client.DissociateAdditionalCertificatesFromListener(ctx, &ga.DissociateAdditionalCertificatesFromListenerInput{
		AcceleratorID: "ga-example",
		ListenerID:    "lsr-example",
		Domains:       []string{"example.com"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("accepted:", out.RequestID != "")

	// The change is asynchronous: the listener is updating until it is done.
	l, err := client.DescribeListener(ctx, &ga.DescribeListenerInput{ListenerID: "lsr-example"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("listener", l.State)
	// Output:
	// accepted: true
	// listener updating
}

func ExampleClient_DissociateAndWait() {
	// The emulator stands in for the service; real programs use
	// alicloud.LoadDefaultConfig(ctx, "").
	srv := alicloudtest.NewServer(alicloudtest.WithGADissociateDelay(100 * time.Millisecond))
	defer srv.Close()
	_ = srv.GA.AddAccelerator(alicloudtest.GAAccelerator{ID: "ga-example"})
	_ = srv.GA.AddListener(alicloudtest.GAListener{ID: "lsr-example", AcceleratorID: "ga-example",
		AdditionalCertificates: map[string]string{"example.com": "cert-1", "www.example.com": "cert-2"}})
	ctx := context.Background()

	client, err := ga.New(srv.Config())
	if err != nil {
		fmt.Println(err)
		return
	}
	out, err := client.DissociateAndWait(ctx, &ga.DissociateAdditionalCertificatesFromListenerInput{
		AcceleratorID: "ga-example",
		ListenerID:    "lsr-example",
		Domains:       []string{"www.example.com", "old.example.com"},
	}, 5*time.Minute, func(o *alicloud.WaiterOptions) { o.MinDelay = 50 * time.Millisecond })
	if err != nil {
		fmt.Println(err)
		return
	}
	// old.example.com had no certificate: reported, not sent, not an error.
	fmt.Println("already dissociated:", out.AlreadyDissociated)

	// DissociateAndWait returned once the listener was active, the domain
	// gone AND the accelerator active again: the next change is taken at
	// once, without meeting StateError.Accelerator.
	a, err := client.DescribeAccelerator(ctx, &ga.DescribeAcceleratorInput{AcceleratorID: "ga-example"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("accelerator", a.State)
	_, err = client.DissociateAdditionalCertificatesFromListener(ctx, &ga.DissociateAdditionalCertificatesFromListenerInput{
		AcceleratorID: "ga-example", ListenerID: "lsr-example", Domains: []string{"www.example.com"}})
	fmt.Println("the low-level call again:", errors.Is(err, ga.ErrCertificateNotFound))
	fmt.Println("busy answers:", srv.Stats().ErrorsByCode["StateError.Accelerator"])
	// Output:
	// already dissociated: [old.example.com]
	// accelerator active
	// the low-level call again: true
	// busy answers: 0
}

func ExampleClient_RotateCertificates() {
	// The emulator stands in for the service; real programs use
	// alicloud.LoadDefaultConfig(ctx, "").
	srv := alicloudtest.NewServer(alicloudtest.WithGAUpdateDelay(50*time.Millisecond),
		alicloudtest.WithGAAssociateDelay(50*time.Millisecond), alicloudtest.WithGADissociateDelay(50*time.Millisecond))
	defer srv.Close()
	_ = srv.GA.AddAccelerator(alicloudtest.GAAccelerator{ID: "ga-example"})
	_ = srv.GA.AddListener(alicloudtest.GAListener{ID: "lsr-example", AcceleratorID: "ga-example",
		AdditionalCertificates: map[string]string{"example.com": "cert-2024", "api.example.com": "cert-api",
			"legacy.example.com": "cert-legacy"}})
	ctx := context.Background()

	client, err := ga.New(srv.Config())
	if err != nil {
		fmt.Println(err)
		return
	}
	in := &ga.RotateCertificatesInput{
		AcceleratorID: "ga-example",
		ListenerID:    "lsr-example",
		Set: []ga.DomainCertificate{
			{Domain: "example.com", CertificateID: "cert-2025"},     // has another: updated in place
			{Domain: "www.example.com", CertificateID: "cert-2025"}, // has none: associated
			{Domain: "api.example.com", CertificateID: "cert-api"},  // already so: left alone
		},
		Remove: []string{"legacy.example.com"}, // dissociated once every Set domain serves
		Progress: func(ev alicloud.ProgressEvent) {
			if ev.Step != alicloud.StepWait && ev.Step != alicloud.StepDone {
				fmt.Println(ev.Step, ev.Items)
			}
		},
	}
	fast := func(o *alicloud.WaiterOptions) { o.MinDelay, o.MaxDelay = 20*time.Millisecond, 50*time.Millisecond }

	in.DryRun = true // the plan only: nothing changes
	plan, err := client.RotateCertificates(ctx, in, 5*time.Minute, fast)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("write calls planned:", plan.Plan.Calls())

	in.DryRun = false
	out, err := client.RotateCertificates(ctx, in, 5*time.Minute, fast)
	if err != nil {
		// A *ga.RotationError says what was done and what not; re-running
		// the same input (with ClientToken: alicloud.ClientTokenOf(err)) resumes.
		fmt.Println(err)
		return
	}
	fmt.Println("updated", out.Updated, "associated", out.Associated, "unchanged", out.Unchanged,
		"dissociated", out.Dissociated)

	in.Progress = nil
	again, err := client.RotateCertificates(ctx, in, 5*time.Minute, fast)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("second run, write calls:", again.Plan.Calls())
	// Output:
	// plan [example.com www.example.com legacy.example.com]
	// write calls planned: 3
	// plan [example.com www.example.com legacy.example.com]
	// update [example.com]
	// associate [www.example.com]
	// dissociate [legacy.example.com]
	// updated [example.com] associated [www.example.com] unchanged [api.example.com] dissociated [legacy.example.com]
	// second run, write calls: 0
}
