// Command ours-static makes the call with this SDK's alb client and
// alicloud.StaticCredentials read from the environment.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/alb"
)

func main() {
	endpoint := flag.String("endpoint", os.Getenv("ALB_ENDPOINT"), "ALB endpoint URL")
	listener := flag.String("listener", "lsn-example", "listener ID")
	cert := flag.String("cert", "cert-example", "additional certificate ID")
	flag.Parse()

	c, err := alb.New(alicloud.Config{
		Region:   os.Getenv("ALIBABA_CLOUD_REGION_ID"),
		Endpoint: *endpoint,
		Credentials: alicloud.StaticCredentials(
			os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_ID"),
			os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET"),
			os.Getenv("ALIBABA_CLOUD_SECURITY_TOKEN")),
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out, err := c.DissociateAdditionalCertificatesFromListener(context.Background(), &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: *listener, CertificateIDs: []string{*cert},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(out.RequestID, out.JobID)
}
