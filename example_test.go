package alicloud_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/alb"
	"github.com/listenercerts/alicloud/alicloudtest"
)

// Classify an error with errors.Is and errors.As, and resume a call whose
// outcome is unknown with its ClientToken. The emulator stands in for the
// service.
func ExampleClientTokenOf() {
	srv := alicloudtest.NewServer()
	defer srv.Close()
	client, err := alb.New(srv.Config())
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	in := &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-missing", CertificateIDs: []string{"cert-1"}, ClientToken: "token-1"}
	_, err = client.DissociateAdditionalCertificatesFromListener(ctx, in)

	var apiErr *alicloud.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.Service, apiErr.Code)
	}
	fmt.Println("not found:", errors.Is(err, alicloud.ErrNotFound), errors.Is(err, alb.ErrListenerNotFound))
	fmt.Println("busy:", errors.Is(err, alicloud.ErrConflict))
	fmt.Println("client token:", alicloud.ClientTokenOf(err)) // calling again with it acts at most once

	// Rejected before sending: no token, nothing to resume.
	_, err = client.DissociateAdditionalCertificatesFromListener(ctx, &alb.DissociateAdditionalCertificatesFromListenerInput{})
	var invalid *alicloud.ValidationError
	fmt.Println("invalid:", errors.As(err, &invalid), invalid.Field, errors.Is(err, alicloud.ErrInvalidParameter))
	fmt.Printf("client token: %q\n", alicloud.ClientTokenOf(err))
	// Output:
	// alb ResourceNotFound.Listener
	// not found: true true
	// busy: false
	// client token: token-1
	// invalid: true ListenerID true
	// client token: ""
}

// Poll every 2 s at first, at most every 20 s, and show each poll.
func ExampleWaiterOptions() {
	slow := func(o *alicloud.WaiterOptions) {
		o.MinDelay, o.MaxDelay = 2*time.Second, 20*time.Second
		o.OnPoll = func(p alicloud.WaitPoll) {
			if !p.Done {
				fmt.Printf("waiting for %s: %s (next poll in %s)\n", p.What, p.Pending, p.NextPoll)
			}
		}
	}
	var o alicloud.WaiterOptions
	slow(&o) // what a waiter does with each option, e.g. alb.NewCertificatesDissociatedWaiter(client, slow)
	fmt.Println(o.WithDefaults().MinDelay, o.WithDefaults().MaxDelay)
	// Output: 2s 20s
}
