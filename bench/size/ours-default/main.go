// Command ours-default makes the call with this SDK's alb client and
// alicloud.LoadDefaultConfig (credentials from the default chain).
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

	ctx := context.Background()
	cfg, err := alicloud.LoadDefaultConfig(ctx, "")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	cfg.Endpoint = *endpoint
	c, err := alb.New(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out, err := c.DissociateAdditionalCertificatesFromListener(ctx, &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: *listener, CertificateIDs: []string{*cert},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(out.RequestID, out.JobID)
}
