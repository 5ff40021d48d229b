package bench

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/dara"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	legacyalb "github.com/aliyun/alibaba-cloud-sdk-go/services/alb"
	legacyga "github.com/aliyun/alibaba-cloud-sdk-go/services/ga"

	"github.com/listenercerts/alicloud/alicloudtest"
)

// The conformance test proves the emulator against Alibaba's own signers,
// not only against ours: requests built and signed by the official SDKs
// (legacy: signature V1, HMAC-SHA1; darabonba: its default V3,
// ACS3-HMAC-SHA256, and its V1 "v2" algorithm), with static and with STS
// credentials, must verify and get the documented answers; a request
// changed after signing must not, and must change nothing.

// answer is what an official SDK made of a call: the HTTP status and the
// error code (0 and "" when the SDK returned no error; 200 otherwise).
type answer struct {
	status int
	code   string
	id     string // JobId (ALB) or RequestId (GA) of a success
}

func legacyAnswer(t *testing.T, id string, err error) answer {
	t.Helper()
	if err == nil {
		return answer{status: http.StatusOK, id: id}
	}
	var se *sdkerrors.ServerError
	if !errors.As(err, &se) {
		t.Fatalf("legacy SDK: not a *errors.ServerError: %v", err)
	}
	return answer{status: se.HttpStatus(), code: se.ErrorCode()}
}

func darabonbaAnswer(t *testing.T, id *string, err error) answer {
	t.Helper()
	if err == nil {
		return answer{status: http.StatusOK, id: dara.StringValue(id)}
	}
	var se *tea.SDKError
	if !errors.As(err, &se) {
		t.Fatalf("darabonba: not a *tea.SDKError: %v", err)
	}
	return answer{status: tea.IntValue(se.StatusCode), code: tea.StringValue(se.Code)}
}

// tamperer changes the ListenerId a request names after it was signed, in
// the query string or the form body, when armed.
type tamperer struct {
	armed    atomic.Bool
	from, to string
}

func (tp *tamperer) tamper(t *testing.T, r *http.Request) {
	if !tp.armed.Load() {
		return
	}
	old, repl := "ListenerId="+url.QueryEscape(tp.from), "ListenerId="+url.QueryEscape(tp.to)
	if strings.Contains(r.URL.RawQuery, old) {
		r.URL.RawQuery = strings.Replace(r.URL.RawQuery, old, repl, 1)
		return
	}
	if r.Body != nil {
		body, _ := io.ReadAll(r.Body)
		if bytes.Contains(body, []byte(old)) {
			body = bytes.Replace(body, []byte(old), []byte(repl), 1)
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
			return
		}
	}
	t.Errorf("tamper: %s names no ListenerId=%s", r.URL, tp.from)
}

// roundTripper is the tamperer in front of a plain transport, for the
// legacy SDK (sdk.Config.Transport).
type roundTripper struct {
	t  *testing.T
	tp *tamperer
}

func (rt roundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	rt.tp.tamper(rt.t, r)
	return http.DefaultTransport.RoundTrip(r)
}

// daraHTTPClient is the tamperer as darabonba's pluggable dara.HttpClient
// (openapi Config.HttpClient).
type daraHTTPClient struct {
	t  *testing.T
	tp *tamperer
}

func (c daraHTTPClient) Call(r *http.Request, _ *http.Transport) (*http.Response, error) {
	c.tp.tamper(c.t, r)
	return http.DefaultClient.Do(r)
}

// checkSigned asserts how the last request the emulator answered was
// signed: V3 (an ACS3-HMAC-SHA256 Authorization header) or V1 (HMAC-SHA1
// Signature parameter), with a security token or without. It proves which
// of the official signers a case exercised.
func checkSigned(t *testing.T, srv *alicloudtest.Server, name string) {
	t.Helper()
	reqs := srv.Requests()
	r := reqs[len(reqs)-1]
	v3 := strings.Contains(name, "-V3-")
	sts := strings.HasSuffix(name, "-STS")
	if got := strings.HasPrefix(r.Header.Get("Authorization"), "ACS3-HMAC-SHA256 "); got != v3 {
		t.Errorf("%s: Authorization %q", name, r.Header.Get("Authorization"))
	}
	if !v3 && (r.Params.Get("SignatureMethod") != "HMAC-SHA1" || r.Params.Get("Signature") == "") {
		t.Errorf("%s: not a V1 request: %v", name, r.Params)
	}
	token := r.Header.Get("x-acs-security-token") + r.Params.Get("SecurityToken")
	if (token != "") != sts {
		t.Errorf("%s: security token %q", name, token)
	}
}

// albClient is one official SDK, configured one way, reduced to the calls
// the conformance test makes.
type albClient struct {
	name       string
	dissociate func(it albItem, dryRun bool) answer
	tp         *tamperer
}

func officialALBClients(t *testing.T, srv *alicloudtest.Server) []albClient {
	static, temp := targetOf(srv), sts(srv)
	var out []albClient
	for _, c := range []struct {
		name string
		tg   target
	}{{"legacy-V1-static", static}, {"legacy-V1-STS", temp}} {
		tp := &tamperer{}
		cfg := sdk.NewConfig()
		cfg.Transport = roundTripper{t, tp}
		client, err := legacyalb.NewClientWithOptions(region, cfg, legacyCredential(c.tg))
		if err != nil {
			t.Fatal(err)
		}
		tg := c.tg
		out = append(out, albClient{name: c.name, tp: tp, dissociate: func(it albItem, dryRun bool) answer {
			req := newLegacyALBRequest(tg, it.Listener, it.Token, legacyCerts(it.Certs))
			if dryRun {
				req.DryRun = requests.NewBoolean(true)
			}
			resp, err := client.DissociateAdditionalCertificatesFromListener(req)
			return legacyAnswer(t, resp.JobId, err)
		}})
	}
	for _, c := range []struct {
		name, algorithm string
		tg              target
	}{
		{"darabonba-V3-static", "", static},
		{"darabonba-V3-STS", "", temp},
		{"darabonba-V1-static", "v2", static},
		{"darabonba-V1-STS", "v2", temp},
	} {
		tp := &tamperer{}
		client := newDarabonba(t, c.tg, c.algorithm)
		client.HttpClient = daraHTTPClient{t, tp}
		out = append(out, albClient{name: c.name, tp: tp, dissociate: func(it albItem, dryRun bool) answer {
			req := newDaraALBRequest(&it)
			if dryRun {
				req.DryRun = dara.Bool(true)
			}
			resp, err := darabonbaALBCall(client, req)
			var job *string
			if resp.Body != nil {
				job = resp.Body.JobId
			}
			return darabonbaAnswer(t, job, err)
		}})
	}
	return out
}

func TestConformanceALB(t *testing.T) {
	srv := newEmulator(t)
	for _, c := range officialALBClients(t, srv) {
		t.Run(c.name, func(t *testing.T) {
			items := seedALB(t, srv, c.name+"-", 3)
			before := srv.Stats().Actions

			// A dry run passes the precheck: error code DryRunOperation, nothing done.
			if got := c.dissociate(items[0], true); got.status != http.StatusBadRequest || got.code != alicloudtest.CodeDryRunOperation {
				t.Errorf("dry run: got %+v, want 400 DryRunOperation", got)
			}

			// The real call: HTTP 200 with a JobId; the certificates are dissociated.
			got := c.dissociate(items[0], false)
			if got.status != http.StatusOK || got.id == "" {
				t.Fatalf("dissociate: got %+v, want 200 with a JobId", got)
			}
			checkSigned(t, srv, c.name)
			l, _ := srv.ALB.Listener(items[0].Listener)
			for _, id := range items[0].Certs {
				if s := l.CertificateStatus(id); s != "" {
					t.Errorf("certificate %s is %s after the call, want it no longer listed", id, s)
				}
			}
			// The same ClientToken again replays the first answer.
			if again := c.dissociate(items[0], false); again.id != got.id {
				t.Errorf("repeated ClientToken: JobId %q, want the first one %q", again.id, got.id)
			}

			// Documented errors come back through the SDK.
			missing := items[1]
			missing.Listener, missing.Token = "lsn-does-not-exist", missing.Token+"-x"
			if got := c.dissociate(missing, false); got.status != http.StatusNotFound || got.code != alicloudtest.CodeALBListenerNotFound {
				t.Errorf("unknown listener: got %+v, want 404 ResourceNotFound.Listener", got)
			}
			gone := items[0]
			gone.Token += "-2"
			if got := c.dissociate(gone, false); got.status != http.StatusBadRequest || got.code != alicloudtest.CodeALBCertificateNotAssociated {
				t.Errorf("dissociated again: got %+v, want 400 ResourceNotAssociated.Certificate", got)
			}

			// Tampered after signing: refused, and neither listener changes.
			c.tp.from, c.tp.to = items[1].Listener, items[2].Listener
			c.tp.armed.Store(true)
			got = c.dissociate(items[1], false)
			c.tp.armed.Store(false)
			if got.status != http.StatusBadRequest || got.code != alicloudtest.CodeSignatureDoesNotMatch {
				t.Errorf("tampered: got %+v, want 400 SignatureDoesNotMatch", got)
			}
			for _, it := range items[1:] {
				l, _ := srv.ALB.Listener(it.Listener)
				if s := l.CertificateStatus(it.Certs[0]); s != alicloudtest.ALBCertificateAssociated {
					t.Errorf("after the tampered call, %s of %s is %s", it.Certs[0], it.Listener, s)
				}
			}
			if n := srv.Stats().Actions - before; n != 1 {
				t.Errorf("the emulator acted %d times, want once", n)
			}
		})
	}
}

func TestConformanceExpiredSTS(t *testing.T) {
	srv := newEmulator(t)
	items := seedALB(t, srv, "", 2)
	expired := targetOf(srv)
	expired.keyID, expired.secret, expired.token = srv.IssueSTS(-time.Minute)

	legacy := newLegacyALB(t, expired)
	resp, err := legacy.DissociateAdditionalCertificatesFromListener(newLegacyALBRequest(expired, items[0].Listener, items[0].Token, legacyCerts(items[0].Certs)))
	if got := legacyAnswer(t, resp.JobId, err); got.code != alicloudtest.CodeSecurityTokenExpired {
		t.Errorf("legacy: got %+v, want InvalidSecurityToken.Expired", got)
	}
	dresp, err := darabonbaALBCall(newDarabonba(t, expired, ""), newDaraALBRequest(&items[1]))
	if got := darabonbaAnswer(t, nil, err); got.code != alicloudtest.CodeSecurityTokenExpired {
		t.Errorf("darabonba: got %+v (%+v), want InvalidSecurityToken.Expired", got, dresp)
	}
	if n := srv.Stats().Actions; n != 0 {
		t.Errorf("the emulator acted %d times for expired credentials", n)
	}
}

// gaClient is an official SDK reduced to GA's dissociation.
type gaClient struct {
	name       string
	dissociate func(it gaItem) answer
	tp         *tamperer
}

func officialGAClients(t *testing.T, srv *alicloudtest.Server) []gaClient {
	static, temp := targetOf(srv), sts(srv)
	var out []gaClient
	for _, c := range []struct {
		name string
		tg   target
	}{{"legacy-V1-static", static}, {"legacy-V1-STS", temp}} {
		tp := &tamperer{}
		cfg := sdk.NewConfig()
		cfg.Transport = roundTripper{t, tp}
		client, err := sdk.NewClientWithOptions(region, cfg, legacyCredential(c.tg))
		if err != nil {
			t.Fatal(err)
		}
		tg := c.tg
		out = append(out, gaClient{name: c.name, tp: tp, dissociate: func(it gaItem) answer {
			resp, err := client.ProcessCommonRequest(newLegacyGARequest(tg, &it))
			return legacyAnswer(t, requestID(resp.GetHttpContentString()), err)
		}})
	}
	for _, c := range []struct {
		name, algorithm string
		tg              target
	}{{"darabonba-V3-static", "", static}, {"darabonba-V3-STS", "", temp}, {"darabonba-V1-static", "v2", static}} {
		tp := &tamperer{}
		client := newDarabonba(t, c.tg, c.algorithm)
		client.HttpClient = daraHTTPClient{t, tp}
		out = append(out, gaClient{name: c.name, tp: tp, dissociate: func(it gaItem) answer {
			resp, err := darabonbaGACall(client, newDaraGARequest(&it))
			var id *string
			if resp.Body != nil {
				id = resp.Body.RequestId
			}
			return darabonbaAnswer(t, id, err)
		}})
	}
	return out
}

func requestID(body string) string {
	if _, rest, ok := strings.Cut(body, `"RequestId":"`); ok {
		id, _, _ := strings.Cut(rest, `"`)
		return id
	}
	return ""
}

func TestConformanceGA(t *testing.T) {
	srv := newEmulator(t)
	for _, c := range officialGAClients(t, srv) {
		t.Run(c.name, func(t *testing.T) {
			items := seedGA(t, srv, c.name+"-", 3)
			before := srv.Stats().Actions

			if got := c.dissociate(items[0]); got.status != http.StatusOK || got.id == "" {
				t.Fatalf("dissociate: got %+v, want 200 with a RequestId", got)
			}
			checkSigned(t, srv, c.name)
			l, _ := srv.GA.Listener(items[0].Listener)
			if len(l.AdditionalCertificates) != 0 || l.State != alicloudtest.GAStateActive {
				t.Errorf("after the call: state %s, certificates %v; want active and none", l.State, l.AdditionalCertificates)
			}

			missing := items[1]
			missing.Listener, missing.Token = "lsr-does-not-exist", missing.Token+"-x"
			if got := c.dissociate(missing); got.status != http.StatusBadRequest || got.code != alicloudtest.CodeGAListenerNotExist {
				t.Errorf("unknown listener: got %+v, want 400 NotExist.Listener", got)
			}

			c.tp.from, c.tp.to = items[1].Listener, items[2].Listener
			c.tp.armed.Store(true)
			got := c.dissociate(items[1])
			c.tp.armed.Store(false)
			if got.status != http.StatusBadRequest || got.code != alicloudtest.CodeSignatureDoesNotMatch {
				t.Errorf("tampered: got %+v, want 400 SignatureDoesNotMatch", got)
			}
			for _, it := range items[1:] {
				if l, _ := srv.GA.Listener(it.Listener); len(l.AdditionalCertificates) != 2 {
					t.Errorf("after the tampered call, %s has %v", it.Listener, l.AdditionalCertificates)
				}
			}
			if n := srv.Stats().Actions - before; n != 1 {
				t.Errorf("the emulator acted %d times, want once", n)
			}
		})
	}
}

// TestConformanceReads decodes the emulator's answers to the read
// operations with the legacy SDK's typed responses.
func TestConformanceReads(t *testing.T) {
	srv := newEmulator(t)
	albItems := seedALB(t, srv, "", 1)
	gaItems := seedGA(t, srv, "", 1)
	tg := targetOf(srv)

	lb := newLegacyALB(t, tg)
	req := legacyalb.CreateListListenerCertificatesRequest()
	req.Scheme, req.Domain, req.ListenerId = "http", tg.host, albItems[0].Listener
	resp, err := lb.ListListenerCertificates(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.TotalCount != 3 || len(resp.Certificates) != 3 || !resp.Certificates[0].IsDefault ||
		resp.Certificates[1].CertificateId != albItems[0].Certs[0] || resp.Certificates[1].Status != alicloudtest.ALBCertificateAssociated {
		t.Errorf("ListListenerCertificates: %+v", resp.Certificates)
	}

	gc, err := legacyga.NewClientWithOptions(region, sdk.NewConfig(), legacyCredential(tg))
	if err != nil {
		t.Fatal(err)
	}
	dreq := legacyga.CreateDescribeListenerRequest()
	dreq.Scheme, dreq.Domain, dreq.RegionId, dreq.ListenerId = "http", tg.host, region, gaItems[0].Listener
	dresp, err := gc.DescribeListener(dreq)
	if err != nil {
		t.Fatal(err)
	}
	if dresp.ListenerId != gaItems[0].Listener || dresp.AcceleratorId != gaAccelerator || dresp.State != alicloudtest.GAStateActive {
		t.Errorf("DescribeListener: %+v", dresp)
	}
}
