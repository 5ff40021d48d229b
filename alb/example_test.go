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
	srv := alicloudtest.NewServer(alicloudtest.WithALBDissociateDelay(100 * time.Millisecond))
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
	_, err = client.DissociateAndWait(ctx, &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID:     "lsn-example",
		CertificateIDs: []string{"cert-1", "cert-2"},
	}, 5*time.Minute, func(o *alicloud.WaiterOptions) { o.MinDelay = 50 * time.Millisecond })
	if err != nil {
		fmt.Println(err)
		return
	}
	for cert, err := range client.AllListenerCertificates(ctx, &alb.ListListenerCertificatesInput{ListenerID: "lsn-example"}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(cert.CertificateID, cert.Status)
	}
	// Output:
	// cert-0 Associated
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
