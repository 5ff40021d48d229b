// Command legacy makes the call with the legacy official SDK,
// github.com/aliyun/alibaba-cloud-sdk-go services/alb, and its default
// credential chain (NewClientWithProvider with no provider).
package main

import (
	"flag"
	"fmt"
	"net/url"
	"os"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/alb"
)

func main() {
	endpoint := flag.String("endpoint", os.Getenv("ALB_ENDPOINT"), "ALB endpoint URL")
	listener := flag.String("listener", "lsn-example", "listener ID")
	cert := flag.String("cert", "cert-example", "additional certificate ID")
	flag.Parse()

	u, err := url.Parse(*endpoint)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	c, err := alb.NewClientWithProvider(os.Getenv("ALIBABA_CLOUD_REGION_ID"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	req := alb.CreateDissociateAdditionalCertificatesFromListenerRequest()
	req.Scheme = u.Scheme
	req.Domain = u.Host
	req.ListenerId = *listener
	req.Certificates = &[]alb.DissociateAdditionalCertificatesFromListenerCertificates{{CertificateId: *cert}}
	resp, err := c.DissociateAdditionalCertificatesFromListener(req)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(resp.RequestId, resp.JobId)
}
