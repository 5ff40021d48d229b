// Command darabonba makes the call with the current official core,
// github.com/alibabacloud-go/darabonba-openapi/v2, as the generated
// alb-20200616 client does (CallApi, then dara.Convert into the typed
// response), with credentials-go's default chain.
package main

import (
	"flag"
	"fmt"
	"net/url"
	"os"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/aliyun/credentials-go/credentials"
)

// response is the generated client's response model, reduced to this
// operation's fields.
type response struct {
	Headers    map[string]*string `json:"headers,omitempty" xml:"headers,omitempty"`
	StatusCode *int32             `json:"statusCode,omitempty" xml:"statusCode,omitempty"`
	Body       *struct {
		JobId     *string `json:"JobId,omitempty" xml:"JobId,omitempty"`
		RequestId *string `json:"RequestId,omitempty" xml:"RequestId,omitempty"`
	} `json:"body,omitempty" xml:"body,omitempty"`
}

func main() {
	endpoint := flag.String("endpoint", os.Getenv("ALB_ENDPOINT"), "ALB endpoint URL")
	listener := flag.String("listener", "lsn-example", "listener ID")
	cert := flag.String("cert", "cert-example", "additional certificate ID")
	flag.Parse()

	if err := run(*endpoint, *listener, *cert); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(endpoint, listener, cert string) error {
	u, err := url.Parse(endpoint)
	if err != nil {
		return err
	}
	cred, err := credentials.NewCredential(nil)
	if err != nil {
		return err
	}
	c, err := openapi.NewClient(&openapiutil.Config{
		Credential: cred,
		Endpoint:   dara.String(u.Host),
		Protocol:   dara.String(u.Scheme),
		RegionId:   dara.String(os.Getenv("ALIBABA_CLOUD_REGION_ID")),
	})
	if err != nil {
		return err
	}
	query := map[string]interface{}{
		"Certificates": []map[string]*string{{"CertificateId": dara.String(cert)}},
		"ListenerId":   dara.String(listener),
	}
	params := &openapiutil.Params{
		Action:      dara.String("DissociateAdditionalCertificatesFromListener"),
		Version:     dara.String("2020-06-16"),
		Protocol:    dara.String("HTTPS"),
		Pathname:    dara.String("/"),
		Method:      dara.String("POST"),
		AuthType:    dara.String("AK"),
		Style:       dara.String("RPC"),
		ReqBodyType: dara.String("formData"),
		BodyType:    dara.String("json"),
	}
	body, err := c.CallApi(params, &openapiutil.OpenApiRequest{Query: openapiutil.Query(query)}, &dara.RuntimeOptions{})
	if err != nil {
		return err
	}
	var resp response
	if err := dara.Convert(body, &resp); err != nil {
		return err
	}
	if resp.Body == nil {
		return fmt.Errorf("no body in %+v", resp)
	}
	fmt.Println(dara.StringValue(resp.Body.RequestId), dara.StringValue(resp.Body.JobId))
	return nil
}
