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
	_, err = client.DissociateAndWait(ctx, &ga.DissociateAdditionalCertificatesFromListenerInput{
		AcceleratorID: "ga-example",
		ListenerID:    "lsr-example",
		Domains:       []string{"www.example.com"},
	}, 5*time.Minute, func(o *alicloud.WaiterOptions) { o.MinDelay = 50 * time.Millisecond })
	if err != nil {
		fmt.Println(err)
		return
	}
	l, err := client.DescribeListener(ctx, &ga.DescribeListenerInput{ListenerID: "lsr-example"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("listener", l.State)

	// Another change within GA's busy window meets StateError.Accelerator,
	// which the client retries (same ClientToken) until the accelerator is free.
	_, err = client.DissociateAdditionalCertificatesFromListener(ctx, &ga.DissociateAdditionalCertificatesFromListenerInput{
		AcceleratorID: "ga-example", ListenerID: "lsr-example", Domains: []string{"www.example.com"}})
	fmt.Println("again:", errors.Is(err, ga.ErrCertificateNotFound))
	// Output:
	// listener active
	// again: true
}
