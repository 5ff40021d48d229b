package alicloudtest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/listenercerts/alicloud/alicloudtest"
)

// A test seeds a listener, lets its code under test call the emulator (here
// plain HTTP forms stand in for an SDK client, so the example skips the
// signature check), then asserts on the state and on what was done.
func Example() {
	srv := alicloudtest.NewServer(
		alicloudtest.WithoutSignatureCheck(),    // a real client signs: use srv.Config() instead
		alicloudtest.WithALBDissociateDelay(-1), // jobs run until released
	)
	defer srv.Close()

	err := srv.ALB.AddListener(alicloudtest.ALBListener{
		ID: "lsn-1", Protocol: "HTTPS",
		DefaultCertificateID: "cert-0", AdditionalCertificateIDs: []string{"cert-1", "cert-2"},
	})
	if err != nil {
		panic(err)
	}

	form := url.Values{
		"Action":                       {"DissociateAdditionalCertificatesFromListener"},
		"Version":                      {"2020-06-16"},
		"ListenerId":                   {"lsn-1"},
		"Certificates.1.CertificateId": {"cert-1"},
		"ClientToken":                  {"token-1"},
	}
	var jobs []string
	for range 2 { // a retry after a lost answer carries the same ClientToken
		res, err := http.PostForm(srv.URL, form)
		if err != nil {
			panic(err)
		}
		var out struct{ JobId string }
		_ = json.NewDecoder(res.Body).Decode(&out)
		res.Body.Close()
		jobs = append(jobs, out.JobId)
		fmt.Println(res.Status)
	}
	fmt.Println("same job:", jobs[0] == jobs[1])

	l, _ := srv.ALB.Listener("lsn-1")
	fmt.Println("cert-1:", l.CertificateStatus("cert-1"), "/ listener:", l.Status)
	srv.ALB.CompleteJobs()
	l, _ = srv.ALB.Listener("lsn-1")
	fmt.Println("cert-1 listed:", l.CertificateStatus("cert-1") != "", "/ listener:", l.Status)
	fmt.Println("actions:", srv.Stats().Actions, srv.ActionsByClientToken())
	// Output:
	// 200 OK
	// 200 OK
	// same job: true
	// cert-1: Diassociating / listener: Configuring
	// cert-1 listed: false / listener: Running
	// actions: 1 map[token-1:1]
}

// Seed files are checked strictly; errors name the place.
func ExampleLoadSeed() {
	_, err := alicloudtest.LoadSeed(strings.NewReader(`{
	  "alb": {"listeners": [{"id": "lsn-1", "protocol": "FTP"}]}
	}`))
	fmt.Println(err)
	// Output:
	// seed: alb.listeners[0].protocol: "FTP" is not one of HTTP, HTTPS, QUIC
}

// Faults prove that a client retries, and that it acts only once.
func ExampleEmulator_InjectFault() {
	srv := alicloudtest.NewServer(alicloudtest.WithoutSignatureCheck())
	defer srv.Close()
	srv.InjectFault(alicloudtest.Fault{Kind: alicloudtest.FaultServiceUnavailable, Count: 1})

	for range 2 {
		res, err := http.PostForm(srv.URL, url.Values{"Action": {"ListAsynJobs"}, "Version": {"2020-06-16"}})
		if err != nil {
			panic(err)
		}
		res.Body.Close()
		fmt.Println(res.Status)
	}
	fmt.Println("faults injected:", srv.Stats().FaultsInjected)
	// Output:
	// 503 Service Unavailable
	// 200 OK
	// faults injected: 1
}
