package alicloudtest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzServeHTTP sends arbitrary bytes at the handler: it must always answer
// a JSON document (or an XML one when asked with Format=XML), an error body
// for anything but 200, and never 500 (which would mean a recovered panic,
// as no fault is injected).
func FuzzServeHTTP(f *testing.F) {
	f.Add("POST", "Action=ListAsynJobs&Version=2020-06-16", "application/x-www-form-urlencoded", "ListenerId=lsn-1", "")
	f.Add("GET", "Action=DissociateAdditionalCertificatesFromListener&Version=2019-11-20&Domains.1=a&Domains.3=b", "", "", "")
	f.Add("POST", "", "application/x-www-form-urlencoded", "Certificates.0.CertificateId=x&Certificates.99999999999999999999.CertificateId=y", "")
	f.Add("POST", "Version=2020-06-16", "", "", "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host;x-acs-date,Signature=zz")
	f.Add("POST", "x=%zz", "text/plain", "\x00\xff", "ACS3-HMAC-SHA256 ")
	f.Add("POST", "AccessKeyId=k&Signature=s&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&SignatureNonce=n&Timestamp=x", "", "", "")
	f.Add("POST", "Action=ListListenerCertificates&Version=2020-06-16&Format=XML&ListenerId=lsn-1", "", "", "")
	f.Add("POST", "Action=AssociateAdditionalCertificatesWithListener&Version=2020-06-16&Format=xml", "application/x-www-form-urlencoded",
		"ListenerId=lsn-1&Certificates.1.CertificateId=%3C%26%3E%00", "")
	f.Fuzz(func(t *testing.T, method, rawQuery, contentType, body, authz string) {
		e := New(WithSeed(standardSeed()), WithALBDissociateDelay(-1), WithGADissociateDelay(-1))
		defer e.Close()
		for _, checkAuth := range []bool{true, false} {
			e.checkAuth = checkAuth
			r := httptest.NewRequest(http.MethodPost, "http://alb.cn-hangzhou.aliyuncs.com/", strings.NewReader(body))
			r.Method = method
			r.URL.RawQuery = rawQuery
			if contentType != "" {
				r.Header.Set("Content-Type", contentType)
			}
			if authz != "" {
				r.Header.Set("Authorization", authz)
			}
			w := httptest.NewRecorder()
			e.ServeHTTP(w, r)
			if w.Code == http.StatusInternalServerError {
				t.Fatalf("500 for %q %q %q %q: %s", method, rawQuery, contentType, body, w.Body)
			}
			var doc map[string]any
			if strings.HasPrefix(w.Header().Get("Content-Type"), "text/xml") {
				doc = xmlTopLevel(t, w.Body.Bytes())
			} else if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
				t.Fatalf("answer is not JSON: %q", w.Body)
			}
			if code, _ := doc["Code"].(string); w.Code != http.StatusOK && code == "" {
				t.Fatalf("error answer without Code: %s", w.Body)
			}
			if rid, _ := doc["RequestId"].(string); rid == "" {
				t.Fatalf("answer without RequestId: %s", w.Body)
			}
		}
	})
}

// FuzzLoadSeed: LoadSeed never panics, and a seed it accepts loads into an
// emulator.
func FuzzLoadSeed(f *testing.F) {
	f.Add(goodSeed)
	f.Add(`{"alb": {"listeners": [{"id": "a", "protocol": "FTP"}]}}`)
	f.Add(`{"ga": {"listeners": [{"id": "l", "acceleratorId": "g", "x": 1}]}}`)
	f.Add(`[1, 2, {"a": null}]`)
	f.Fuzz(func(t *testing.T, in string) {
		s, err := LoadSeed(bytes.NewReader([]byte(in)))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "seed: ") {
				t.Fatalf("error %q does not start with seed:", err)
			}
			return
		}
		e := New()
		defer e.Close()
		if err := e.LoadSeed(s); err != nil {
			t.Fatalf("accepted seed does not load: %v", err)
		}
	})
}

// The parameters a fuzzer finds are also worth a table: odd array indexes.
func TestListParamEdgeCases(t *testing.T) {
	for _, tc := range []struct {
		q    string
		want []string
		code string
	}{
		{"Domains.1=a&Domains.2=b", []string{"a", "b"}, ""},
		{"Domains.2=b&Domains.1=a", []string{"a", "b"}, ""},
		{"", []string{}, ""},
		{"Domains.x=a&DomainsX=b&Domains.1.Extra=c", []string{}, ""}, // unknown parameters are ignored
		{"Domains.01=a", nil, CodeInvalidParameter},
		{"Domains.0=a", nil, CodeInvalidParameter},
		{"Domains.99999999999999999999=a", nil, CodeInvalidParameter},
		{"Domains.1=a&Domains.1=b", nil, CodeInvalidParameter},
		{"Domains.2=a", nil, CodeInvalidParameter},
		{"Domains.1=", nil, CodeInvalidParameter},
	} {
		p, err := url.ParseQuery(tc.q)
		noErr(t, err)
		got, aerr := listParam(p, "Domains.", "", 10)
		if tc.code != "" {
			if aerr == nil || aerr.code != tc.code {
				t.Fatalf("%q: got %v %v, want %s", tc.q, got, aerr, tc.code)
			}
			continue
		}
		if aerr != nil {
			t.Fatalf("%q: %s %s", tc.q, aerr.code, aerr.message)
		}
		eq(t, got, tc.want, "%q", tc.q)
	}
}
