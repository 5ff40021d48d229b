package alicloudtest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestMalformedRequests(t *testing.T) {
	f := newFixture(t)
	huge := "ListenerId=" + strings.Repeat("x", MaxBodyBytes)
	for _, tc := range []struct {
		name        string
		method      string
		path        string
		contentType string
		body        string
		status      int
		code        string
		message     string
	}{
		{"bad form encoding", "POST", "/", "application/x-www-form-urlencoded", "Action=ListAsynJobs&x=%zz", 400, CodeInvalidParameter, "Body"},
		{"body too large", "POST", "/", "application/x-www-form-urlencoded", huge, 400, CodeInvalidParameter, "exceeds"},
		{"body of another content type", "POST", "/", "application/json", `{"Action":"ListAsynJobs"}`, 400, CodeInvalidParameter, "Content-Type"},
		{"body without content type", "POST", "/", "", "Action=ListAsynJobs", 400, CodeInvalidParameter, "Content-Type"},
		{"bad query encoding", "POST", "/?Action=%zz", "", "", 400, CodeInvalidParameter, "QueryString"},
		{"semicolon in query", "POST", "/?Action=ListAsynJobs;Version=1", "", "", 400, CodeInvalidParameter, "QueryString"},
		{"unsupported method", "PUT", "/", "", "", 405, CodeUnsupportedHTTPMethod, "PUT"},
		{"other path", "POST", "/v1/listeners", "", "", 404, CodeInvalidAction, "/v1/listeners"},
		{"no authentication", "POST", "/?Action=ListAsynJobs&Version=2020-06-16", "", "", 400, CodeMissingAccessKeyID, ""},
		{"garbage Authorization", "POST", "/?Action=ListAsynJobs&Version=2020-06-16", "", "", 400, CodeIncompleteSignature, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, f.srv.URL+tc.path, strings.NewReader(tc.body))
			noErr(t, err)
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			if tc.code == CodeIncompleteSignature {
				req.Header.Set("Authorization", "Basic dXNlcjpwYXNz")
			}
			r, err := send(t, f.srv.Client(), req)
			noErr(t, err)
			wantError(t, r, tc.status, tc.code)
			if !strings.Contains(r.str("Message"), tc.message) {
				t.Fatalf("message %q does not contain %q", r.str("Message"), tc.message)
			}
		})
	}
}

func TestDispatchErrors(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name            string
		version, action string
		v1              bool
		status          int
		code            string
	}{
		{"unknown action V3", albVersion, "DeleteLoadBalancer", false, 404, CodeInvalidAction},
		{"unknown action V1", gaVersion, "ListAsynJobs", true, 404, CodeInvalidAction},
		{"unknown version", "2014-05-26", opListCerts, false, 404, CodeInvalidVersion},
		{"missing action", albVersion, "", true, 400, CodeMissingParameter},
		{"missing version", "", opListCerts, true, 400, CodeMissingParameter},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do(apiReq{Version: tc.version, Action: tc.action, V1: tc.v1})
			wantError(t, r, tc.status, tc.code)
		})
	}
}

func TestErrorBody(t *testing.T) {
	f := newFixture(t)
	r := f.alb(opDissociate, append([]string{"ListenerId", "lsn-nope"}, certArgs("c")...)...)
	wantError(t, r, 404, CodeALBListenerNotFound)
	id := r.str("RequestId")
	if len(id) != 36 || strings.ToUpper(id) != id || strings.Count(id, "-") != 4 {
		t.Fatalf("RequestId %q is not an upper-case UUID", id)
	}
	eq(t, r.str("HostId"), "alb.cn-hangzhou.aliyuncs.com", "HostId")
	eq(t, r.str("Recommend"), "https://api.aliyun.com/troubleshoot?q=ResourceNotFound.Listener&product=Alb&requestId="+id, "Recommend")
	eq(t, r.Header.Get("Content-Type"), "application/json;charset=utf-8", "Content-Type")
	eq(t, r.Header.Get("x-acs-request-id"), id, "x-acs-request-id")
	eq(t, len(r.Body), 5, "fields of the error body")
}

// HostId is the answering service's host name, whatever address the
// request reached; a request whose Version names no service gets the Host
// it was sent to and a Recommend link without a product.
func TestErrorHostID(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name, host, product string
		r                   resp
	}{
		{"ALB operation", "alb.cn-hangzhou.aliyuncs.com", "&product=Alb",
			f.alb(opListCerts, "ListenerId", "lsn-nope")},
		{"ALB, bad action", "alb.cn-hangzhou.aliyuncs.com", "&product=Alb",
			f.alb("DescribeListener")},
		{"ALB, bad signature", "alb.cn-hangzhou.aliyuncs.com", "&product=Alb",
			f.do(apiReq{Version: albVersion, Action: opListJobs, Creds: creds{f.creds.id, "wrong", ""}})},
		{"GA operation", "ga.cn-hangzhou.aliyuncs.com", "&product=Ga",
			f.ga(opDescribe, "ListenerId", "lsr-nope")},
		{"GA, bad action", "ga.cn-hangzhou.aliyuncs.com", "&product=Ga",
			f.ga(opListJobs)},
		{"unknown version", strings.TrimPrefix(f.srv.URL, "http://"), "",
			f.do(apiReq{Version: "2014-05-26", Action: opListCerts})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.r.Status < 400 {
				t.Fatalf("got %d, want an error: %s", tc.r.Status, tc.r.Raw)
			}
			eq(t, tc.r.str("HostId"), tc.host, "HostId")
			eq(t, tc.r.str("Recommend"), "https://api.aliyun.com/troubleshoot?q="+url.QueryEscape(tc.r.code())+
				tc.product+"&requestId="+tc.r.str("RequestId"), "Recommend")
		})
	}
}

func TestPanicIsAnInternalError(t *testing.T) {
	f := newFixture(t)
	f.srv.ops[albVersion].ops["Panic"] = func(*call) (any, *apiError) { panic("boom") }
	wantError(t, f.alb("Panic"), 500, CodeInternalError)
	wantOK(t, f.alb(opListJobs)) // the server carries on
}

func TestRecordedRequests(t *testing.T) {
	f := newFixture(t)
	f.base.InBody = true
	wantOK(t, albDissociate(f, "lsn-1", []string{"ClientToken", "tok"}, "cert-1"))
	f.base.InBody = false
	wantError(t, f.alb(opListCerts), 400, CodeMissingParameter)

	reqs := f.srv.Requests()
	eq(t, len(reqs), 2, "recorded requests")
	r := reqs[0]
	eq(t, r.Method, "POST", "method")
	eq(t, r.Action, opDissociate, "action")
	eq(t, r.Version, albVersion, "version")
	eq(t, r.Params, url.Values{"ListenerId": {"lsn-1"}, "ClientToken": {"tok"}, "Certificates.1.CertificateId": {"cert-1"}}, "params")
	eq(t, r.Header.Get("x-acs-action"), opDissociate, "header")
	eq(t, r.AccessKeyID, f.creds.id, "AccessKeyId")
	eq(t, r.StatusCode, 200, "status")
	eq(t, r.ErrorCode, "", "error code")
	eq(t, reqs[1].StatusCode, 400, "second status")
	eq(t, reqs[1].ErrorCode, CodeMissingParameter, "second error code")

	s := f.srv.Stats()
	eq(t, s.Requests, 2, "requests")
	eq(t, s.RequestsByAction, map[string]int{opDissociate: 1, opListCerts: 1}, "requests by action")
	eq(t, s.ErrorsByCode, map[string]int{CodeMissingParameter: 1}, "errors by code")
	eq(t, s.ActionsByAction, map[string]int{opDissociate: 1}, "actions by action")

	f.srv.ResetStats()
	eq(t, len(f.srv.Requests()), 0, "requests after reset")
	eq(t, f.srv.Stats().Requests, 0, "counter after reset")
}

func TestRequestRingIsBounded(t *testing.T) {
	var r requestRing
	r.init(3)
	for i := range 5 {
		r.add(RecordedRequest{StatusCode: i})
	}
	var got []int
	for _, x := range r.snapshot() {
		got = append(got, x.StatusCode)
	}
	eq(t, got, []int{2, 3, 4}, "the last three, oldest first")
}
