package alicloudtest

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkServeHTTP measures the handler's hot path on a signed read
// (signing by the test client included) and an unsigned one.
func BenchmarkServeHTTP(b *testing.B) {
	for _, tc := range []struct {
		name string
		opts []Option
		q    apiReq
	}{
		{"V3", nil, apiReq{}},
		{"V1", nil, apiReq{V1: true}},
		{"unsigned", []Option{WithoutSignatureCheck()}, apiReq{Unsigned: true}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			e := New(append([]Option{WithSeed(standardSeed()), WithRateLimit("", 0, 0)}, tc.opts...)...)
			defer e.Close()
			q := listReq()
			q.V1, q.Unsigned, q.Creds = tc.q.V1, tc.q.Unsigned, creds{e.AccessKeyID, e.AccessKeySecret, ""}
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				e.ServeHTTP(w, q.build(b, "http://alb.cn-hangzhou.aliyuncs.com"))
				if w.Code != http.StatusOK {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
		})
	}
}

func TestRequestHook(t *testing.T) {
	var got []RecordedRequest
	e := New(WithoutSignatureCheck(), WithSeed(standardSeed()), WithRequestHook(func(r RecordedRequest) { got = append(got, r) }))
	defer e.Close()
	q := listReq()
	q.Unsigned = true
	wantOK(t, serveVector(t, e, q.build(t, "http://alb.cn-hangzhou.aliyuncs.com")))
	eq(t, len(got), 1, "hook calls")
	eq(t, got[0].Action, opListCerts, "action")
	eq(t, got[0].StatusCode, 200, "status")
}
