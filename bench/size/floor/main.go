// Command floor is the smallest program that makes the call: net/http posts
// the RPC form to the endpoint and decodes the JSON answer. It does not
// sign the request; every SDK's program pays at least this much.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
)

func main() {
	endpoint := flag.String("endpoint", os.Getenv("ALB_ENDPOINT"), "ALB endpoint URL")
	listener := flag.String("listener", "lsn-example", "listener ID")
	cert := flag.String("cert", "cert-example", "additional certificate ID")
	flag.Parse()

	form := url.Values{
		"Action":                       {"DissociateAdditionalCertificatesFromListener"},
		"Version":                      {"2020-06-16"},
		"ListenerId":                   {*listener},
		"Certificates.1.CertificateId": {*cert},
	}
	resp, err := http.Post(*endpoint, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer resp.Body.Close()
	var out struct{ RequestId, JobId string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(resp.Status, out.RequestId, out.JobId)
}
