package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"testing"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	legacyalb "github.com/aliyun/alibaba-cloud-sdk-go/services/alb"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/alb"
	"github.com/listenercerts/alicloud/ga"
)

// caller makes call number i of a run; it returns nil only for the
// documented success answer.
type caller func(ctx context.Context, i int) error

// contender builds a caller for a prepared emulator and the call inputs.
// Everything it does happens before the timer starts: creating the client,
// and building the inputs a user would already hold (ids, slices). The
// timed call is what a user's code does per call.
type contender struct {
	name string
	alb  func(tb testing.TB, tg target, items []albItem) caller
	ga   func(tb testing.TB, tg target, items []gaItem) caller // nil: not measured
	// racy marks an SDK whose client has data races when concurrent
	// callers share it (the race detector reports them): its concurrent
	// benchmarks are skipped under -race.
	racy bool
}

var contenders = []contender{
	{name: "floor", alb: floorALB, ga: floorGA},
	{name: "ours", alb: oursALB(alicloud.SignatureV3), ga: oursGA(alicloud.SignatureV3)},
	{name: "ours-v1", alb: oursALB(alicloud.SignatureV1), ga: oursGA(alicloud.SignatureV1)},
	{name: "legacy", alb: legacyALB, ga: legacyGA, racy: true},
	{name: "darabonba", alb: darabonbaALB, ga: darabonbaGA, racy: true},
}

// ---- floor -----------------------------------------------------------------

func floorALB(tb testing.TB, tg target, items []albItem) caller {
	f := &floorClient{url: tg.url + "/", http: &http.Client{Transport: newHTTPTransport()}, reqs: make([]presigned, len(items))}
	for i, it := range items {
		f.reqs[i] = presignV3(tg.host, tg.keyID, tg.secret, tg.token, dissociate, albVersion, albParams(it))
	}
	return func(ctx context.Context, i int) error { return f.call(ctx, i, true) }
}

func floorGA(tb testing.TB, tg target, items []gaItem) caller {
	f := &floorClient{url: tg.url + "/", http: &http.Client{Transport: newHTTPTransport()}, reqs: make([]presigned, len(items))}
	for i, it := range items {
		f.reqs[i] = presignV3(tg.host, tg.keyID, tg.secret, tg.token, dissociate, gaVersion, gaParams(it))
	}
	return func(ctx context.Context, i int) error { return f.call(ctx, i, false) }
}

// ---- ours ------------------------------------------------------------------

// oursConfig is the emulator's configuration with the client-side rate
// limit off (alicloud.NoRateLimit): the benchmark measures the call, not the
// documented quota of 200 calls per minute. Everything else is the default,
// including the shared HTTP client and the retry policy.
func oursConfig(tg target, v alicloud.SignatureVersion) alicloud.Config {
	return alicloud.Config{
		Region:           region,
		Endpoint:         tg.url,
		Credentials:      alicloud.StaticCredentials(tg.keyID, tg.secret, tg.token),
		RateLimiter:      alicloud.NoRateLimit,
		SignatureVersion: v,
	}
}

func oursALB(v alicloud.SignatureVersion) func(testing.TB, target, []albItem) caller {
	return func(tb testing.TB, tg target, items []albItem) caller {
		c, err := alb.New(oursConfig(tg, v))
		if err != nil {
			tb.Fatal(err)
		}
		return func(ctx context.Context, i int) error {
			it := &items[i]
			out, err := c.DissociateAdditionalCertificatesFromListener(ctx, &alb.DissociateAdditionalCertificatesFromListenerInput{
				ListenerID: it.Listener, CertificateIDs: it.Certs, ClientToken: it.Token,
			})
			if err != nil {
				return err
			}
			if out.JobID == "" {
				return fmt.Errorf("ours: no JobID in %+v", out)
			}
			return nil
		}
	}
}

func oursGA(v alicloud.SignatureVersion) func(testing.TB, target, []gaItem) caller {
	return func(tb testing.TB, tg target, items []gaItem) caller {
		c, err := ga.New(oursConfig(tg, v))
		if err != nil {
			tb.Fatal(err)
		}
		return func(ctx context.Context, i int) error {
			it := &items[i]
			out, err := c.DissociateAdditionalCertificatesFromListener(ctx, &ga.DissociateAdditionalCertificatesFromListenerInput{
				AcceleratorID: it.Accelerator, ListenerID: it.Listener, Domains: it.Domains, ClientToken: it.Token,
			})
			if err != nil {
				return err
			}
			if out.RequestID == "" {
				return fmt.Errorf("ours: no RequestID in %+v", out)
			}
			return nil
		}
	}
}

// ---- legacy: github.com/aliyun/alibaba-cloud-sdk-go -------------------------

// legacyConfig is the legacy SDK's default configuration (no auto retry,
// scheme HTTP) with a transport that keeps 128 idle connections per host
// like ours: its default http.Transport keeps 2, which under concurrency
// would measure connection churn instead of the SDK.
func legacyConfig() *sdk.Config {
	return sdk.NewConfig().WithHttpTransport(newHTTPTransport())
}

// legacyCredential is tg's AccessKey, or its STS credentials.
func legacyCredential(tg target) auth.Credential {
	if tg.token != "" {
		return credentials.NewStsTokenCredential(tg.keyID, tg.secret, tg.token)
	}
	return credentials.NewAccessKeyCredential(tg.keyID, tg.secret)
}

// newLegacyALB returns a services/alb client.
func newLegacyALB(tb testing.TB, tg target) *legacyalb.Client {
	tb.Helper()
	c, err := legacyalb.NewClientWithOptions(region, legacyConfig(), legacyCredential(tg))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// newLegacyALBRequest builds the typed request the way a user does, aimed at
// the emulator (request.Domain and Scheme bypass endpoint resolution).
func newLegacyALBRequest(tg target, listener, token string, certs *[]legacyalb.DissociateAdditionalCertificatesFromListenerCertificates) *legacyalb.DissociateAdditionalCertificatesFromListenerRequest {
	req := legacyalb.CreateDissociateAdditionalCertificatesFromListenerRequest()
	req.Scheme = "http"
	req.Domain = tg.host
	req.ListenerId = listener
	req.ClientToken = token
	req.Certificates = certs
	return req
}

func legacyCerts(ids []string) *[]legacyalb.DissociateAdditionalCertificatesFromListenerCertificates {
	cs := make([]legacyalb.DissociateAdditionalCertificatesFromListenerCertificates, len(ids))
	for i, id := range ids {
		cs[i].CertificateId = id
	}
	return &cs
}

func legacyALB(tb testing.TB, tg target, items []albItem) caller {
	c := newLegacyALB(tb, tg)
	certs := make([]*[]legacyalb.DissociateAdditionalCertificatesFromListenerCertificates, len(items))
	for i, it := range items {
		certs[i] = legacyCerts(it.Certs)
	}
	return func(ctx context.Context, i int) error {
		it := &items[i]
		resp, err := c.DissociateAdditionalCertificatesFromListener(newLegacyALBRequest(tg, it.Listener, it.Token, certs[i]))
		if err != nil {
			return err
		}
		if resp.JobId == "" {
			return fmt.Errorf("legacy: no JobId in %s", resp.GetHttpContentString())
		}
		return nil
	}
}

// newLegacyCore returns the legacy core client, for CommonRequest.
func newLegacyCore(tb testing.TB, tg target) *sdk.Client {
	tb.Helper()
	c, err := sdk.NewClientWithOptions(region, legacyConfig(), legacyCredential(tg))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// newLegacyGARequest is the CommonRequest a legacy user writes for GA's
// DissociateAdditionalCertificatesFromListener, which services/ga lacks.
func newLegacyGARequest(tg target, it *gaItem) *requests.CommonRequest {
	req := requests.NewCommonRequest()
	req.Method = requests.POST
	req.Scheme = "http"
	req.Domain = tg.host
	req.Product = "Ga"
	req.Version = gaVersion
	req.ApiName = dissociate
	req.QueryParams["RegionId"] = region
	req.QueryParams["AcceleratorId"] = it.Accelerator
	req.QueryParams["ListenerId"] = it.Listener
	req.QueryParams["ClientToken"] = it.Token
	for i, d := range it.Domains {
		req.QueryParams["Domains."+strconv.Itoa(i+1)] = d
	}
	return req
}

func legacyGA(tb testing.TB, tg target, items []gaItem) caller {
	c := newLegacyCore(tb, tg)
	return func(ctx context.Context, i int) error {
		resp, err := c.ProcessCommonRequest(newLegacyGARequest(tg, &items[i]))
		if err != nil {
			return err
		}
		var out struct{ RequestId string }
		if err := json.Unmarshal(resp.GetHttpContentBytes(), &out); err != nil {
			return err
		}
		if out.RequestId == "" {
			return fmt.Errorf("legacy: no RequestId in %s", resp.GetHttpContentString())
		}
		return nil
	}
}

// ---- darabonba: github.com/alibabacloud-go/darabonba-openapi/v2 ------------

// The request and response models of the generated alb-20200616 and
// ga-20191120 clients (not served by the module proxy here), reduced to the
// fields of this operation, with the generated JSON tags.
type (
	daraALBCert struct {
		CertificateId *string `json:"CertificateId,omitempty" xml:"CertificateId,omitempty"`
	}
	daraALBRequest struct {
		Certificates []*daraALBCert `json:"Certificates,omitempty" xml:"Certificates,omitempty" type:"Repeated"`
		ClientToken  *string        `json:"ClientToken,omitempty" xml:"ClientToken,omitempty"`
		DryRun       *bool          `json:"DryRun,omitempty" xml:"DryRun,omitempty"`
		ListenerId   *string        `json:"ListenerId,omitempty" xml:"ListenerId,omitempty"`
	}
	daraALBResponse struct {
		Headers    map[string]*string `json:"headers,omitempty" xml:"headers,omitempty"`
		StatusCode *int32             `json:"statusCode,omitempty" xml:"statusCode,omitempty"`
		Body       *struct {
			JobId     *string `json:"JobId,omitempty" xml:"JobId,omitempty"`
			RequestId *string `json:"RequestId,omitempty" xml:"RequestId,omitempty"`
		} `json:"body,omitempty" xml:"body,omitempty"`
	}
	daraGARequest struct {
		AcceleratorId *string   `json:"AcceleratorId,omitempty" xml:"AcceleratorId,omitempty"`
		ClientToken   *string   `json:"ClientToken,omitempty" xml:"ClientToken,omitempty"`
		Domains       []*string `json:"Domains,omitempty" xml:"Domains,omitempty" type:"Repeated"`
		ListenerId    *string   `json:"ListenerId,omitempty" xml:"ListenerId,omitempty"`
		RegionId      *string   `json:"RegionId,omitempty" xml:"RegionId,omitempty"`
	}
	daraGAResponse struct {
		Headers    map[string]*string `json:"headers,omitempty" xml:"headers,omitempty"`
		StatusCode *int32             `json:"statusCode,omitempty" xml:"statusCode,omitempty"`
		Body       *struct {
			RequestId *string `json:"RequestId,omitempty" xml:"RequestId,omitempty"`
		} `json:"body,omitempty" xml:"body,omitempty"`
	}
)

// newDarabonba returns the core client as the generated clients configure
// it, aimed at the emulator; MaxIdleConns keeps 128 idle connections per
// host like ours (its transport's default is 2). The signature is the core's default, ACS3-HMAC-SHA256, unless
// algorithm is "v2" (HMAC-SHA1).
func newDarabonba(tb testing.TB, tg target, algorithm string) *openapi.Client {
	tb.Helper()
	cfg := &openapiutil.Config{
		AccessKeyId:     dara.String(tg.keyID),
		AccessKeySecret: dara.String(tg.secret),
		Endpoint:        dara.String(tg.host),
		Protocol:        dara.String("http"),
		RegionId:        dara.String(region),
		MaxIdleConns:    dara.Int(128),
	}
	if tg.token != "" {
		cfg.SecurityToken = dara.String(tg.token)
	}
	if algorithm != "" {
		cfg.SignatureAlgorithm = dara.String(algorithm)
	}
	c, err := openapi.NewClient(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// darabonbaALBCall is the body of the generated
// DissociateAdditionalCertificatesFromListenerWithOptions: the query map,
// openapiutil.Query, the Params, CallApi, and dara.Convert into the typed
// response.
func darabonbaALBCall(c *openapi.Client, request *daraALBRequest) (*daraALBResponse, error) {
	runtime := &dara.RuntimeOptions{}
	query := map[string]interface{}{}
	if !dara.IsNil(request.Certificates) {
		query["Certificates"] = request.Certificates
	}
	if !dara.IsNil(request.ClientToken) {
		query["ClientToken"] = request.ClientToken
	}
	if !dara.IsNil(request.DryRun) {
		query["DryRun"] = request.DryRun
	}
	if !dara.IsNil(request.ListenerId) {
		query["ListenerId"] = request.ListenerId
	}
	req := &openapiutil.OpenApiRequest{Query: openapiutil.Query(query)}
	params := &openapiutil.Params{
		Action:      dara.String(dissociate),
		Version:     dara.String(albVersion),
		Protocol:    dara.String("HTTPS"),
		Pathname:    dara.String("/"),
		Method:      dara.String("POST"),
		AuthType:    dara.String("AK"),
		Style:       dara.String("RPC"),
		ReqBodyType: dara.String("formData"),
		BodyType:    dara.String("json"),
	}
	result := &daraALBResponse{}
	body, err := c.CallApi(params, req, runtime)
	if err != nil {
		return result, err
	}
	err = dara.Convert(body, &result)
	return result, err
}

// darabonbaGACall is the same for the generated ga-20191120 client.
func darabonbaGACall(c *openapi.Client, request *daraGARequest) (*daraGAResponse, error) {
	runtime := &dara.RuntimeOptions{}
	query := map[string]interface{}{}
	if !dara.IsNil(request.AcceleratorId) {
		query["AcceleratorId"] = request.AcceleratorId
	}
	if !dara.IsNil(request.ClientToken) {
		query["ClientToken"] = request.ClientToken
	}
	if !dara.IsNil(request.Domains) {
		query["Domains"] = request.Domains
	}
	if !dara.IsNil(request.ListenerId) {
		query["ListenerId"] = request.ListenerId
	}
	if !dara.IsNil(request.RegionId) {
		query["RegionId"] = request.RegionId
	}
	req := &openapiutil.OpenApiRequest{Query: openapiutil.Query(query)}
	params := &openapiutil.Params{
		Action:      dara.String(dissociate),
		Version:     dara.String(gaVersion),
		Protocol:    dara.String("HTTPS"),
		Pathname:    dara.String("/"),
		Method:      dara.String("POST"),
		AuthType:    dara.String("AK"),
		Style:       dara.String("RPC"),
		ReqBodyType: dara.String("formData"),
		BodyType:    dara.String("json"),
	}
	result := &daraGAResponse{}
	body, err := c.CallApi(params, req, runtime)
	if err != nil {
		return result, err
	}
	err = dara.Convert(body, &result)
	return result, err
}

func newDaraALBRequest(it *albItem) *daraALBRequest {
	r := &daraALBRequest{ClientToken: dara.String(it.Token), ListenerId: dara.String(it.Listener)}
	for _, id := range it.Certs {
		r.Certificates = append(r.Certificates, &daraALBCert{CertificateId: dara.String(id)})
	}
	return r
}

func newDaraGARequest(it *gaItem) *daraGARequest {
	return &daraGARequest{
		AcceleratorId: dara.String(it.Accelerator), ClientToken: dara.String(it.Token),
		Domains: dara.StringSlice(it.Domains), ListenerId: dara.String(it.Listener), RegionId: dara.String(region),
	}
}

func darabonbaALB(tb testing.TB, tg target, items []albItem) caller {
	c := newDarabonba(tb, tg, "")
	reqs := make([]*daraALBRequest, len(items))
	for i := range items {
		reqs[i] = newDaraALBRequest(&items[i])
	}
	return func(ctx context.Context, i int) error {
		resp, err := darabonbaALBCall(c, reqs[i])
		if err != nil {
			return err
		}
		if resp.Body == nil || dara.StringValue(resp.Body.JobId) == "" {
			return fmt.Errorf("darabonba: no JobId in %+v", resp)
		}
		return nil
	}
}

func darabonbaGA(tb testing.TB, tg target, items []gaItem) caller {
	c := newDarabonba(tb, tg, "")
	reqs := make([]*daraGARequest, len(items))
	for i := range items {
		reqs[i] = newDaraGARequest(&items[i])
	}
	return func(ctx context.Context, i int) error {
		resp, err := darabonbaGACall(c, reqs[i])
		if err != nil {
			return err
		}
		if resp.Body == nil || dara.StringValue(resp.Body.RequestId) == "" {
			return fmt.Errorf("darabonba: no RequestId in %+v", resp)
		}
		return nil
	}
}
