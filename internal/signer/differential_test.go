package signer_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/listenercerts/alicloud/alicloudtest"
	"github.com/listenercerts/alicloud/internal/signer"
)

// FuzzSignatureVerifiesInEmulator is a differential test of two independent
// implementations: a request signed by this package must verify in the
// emulator's own verifier, and the same request with one byte of one
// parameter value changed after signing must not. Three modes: V1 (the
// parameters in the signed string), V3 with the parameters in the query
// string (the canonical queries are compared) and V3 with a form body (the
// body digest).
func FuzzSignatureVerifiesInEmulator(f *testing.F) {
	f.Add("ResourceType", "listener", "Name", "a b*~/é", false, uint8(0))
	f.Add("ApiName", "DissociateAdditionalCertificatesFromListener", "Tag.1.Key", "证书", true, uint8(3))
	f.Add("BeginTime", "", "NextToken", "%2A+=&", true, uint8(200))
	f.Add("Name", "a b*~/é", "Other", "\x00\x7f+", true, uint8(1)) // V1: every class of byte
	f.Add("Name", "a b*~/é", "K", "证书 %", false, uint8(0x81))      // V3, parameters in the query string
	f.Add("0", "", "\xc4", "v", false, uint8(0x80))                // raw-key order differs from encoded order
	e := alicloudtest.New(alicloudtest.WithRateLimit("", 0, 0))
	f.Cleanup(e.Close)
	nonce := 0
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string, v1sig bool, which uint8) {
		if k1 == "" || k2 == "" {
			return
		}
		// Extra parameters are prefixed so that they never name a real one
		// (an invalid MaxResults would be refused for another reason).
		params := []signer.Param{{Key: "X" + k1, Value: v1}, {Key: "X" + k2, Value: v2}}
		send := func(params []signer.Param, tamper func([]signer.Param)) (int, string) {
			nonce++
			creds := signer.Credentials{AccessKeyID: e.AccessKeyID, AccessKeySecret: e.AccessKeySecret}
			now := time.Now()
			n := fmt.Sprintf("nonce-%d-%d", now.UnixNano(), nonce)
			req := httptest.NewRequest(http.MethodPost, "http://emulator.test/", nil)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			var body []byte
			if v1sig {
				all := append(append([]signer.Param{}, params...),
					signer.V1CommonParams("ListAsynJobs", "2020-06-16", "JSON", creds, now, n)...)
				all = append(all, signer.Param{Key: "Signature", Value: signer.SignV1(http.MethodPost, all, creds.AccessKeySecret)})
				tamper(all)
				signer.SortParams(all)
				body = signer.AppendQuery(nil, all)
			} else if which&0x80 != 0 {
				// V3 with the parameters in the query string: the canonical
				// query of each side is what is compared.
				query := append([]signer.Param{}, params...)
				hs := signer.V3Headers("emulator.test", "", "ListAsynJobs", "2020-06-16", signer.EmptyBodySHA256, now, n, "")
				for _, h := range hs {
					if h.Key != "host" {
						req.Header.Set(h.Key, h.Value)
					}
				}
				req.Header.Set("Authorization", signer.SignV3(&signer.V3Request{Method: http.MethodPost, Query: query, Headers: hs}, creds))
				tamper(query)
				signer.SortParams(query)
				req.URL.RawQuery = string(signer.AppendQuery(nil, query))
			} else {
				sorted := append([]signer.Param{}, params...)
				signer.SortParams(sorted)
				signed := signer.AppendQuery(nil, sorted)
				hs := signer.V3Headers("emulator.test", "application/x-www-form-urlencoded", "ListAsynJobs", "2020-06-16", signer.HashHex(signed), now, n, "")
				for _, h := range hs {
					if h.Key != "host" {
						req.Header.Set(h.Key, h.Value)
					}
				}
				req.Header.Set("Authorization", signer.SignV3(&signer.V3Request{Method: http.MethodPost, Headers: hs}, creds))
				tamper(sorted)
				signer.SortParams(sorted)
				body = signer.AppendQuery(nil, sorted)
				// A consistent content hash, so that the signature itself is what is checked.
				req.Header.Set("x-acs-content-sha256", signer.HashHex(body))
			}
			req.Body = http.NoBody
			if len(body) > 0 {
				req.Body = readCloser{bytes.NewReader(body)}
			}
			req.ContentLength = int64(len(body))
			w := httptest.NewRecorder()
			e.ServeHTTP(w, req)
			var answer struct{ Code, Message string }
			_ = json.Unmarshal(w.Body.Bytes(), &answer)
			return w.Code, answer.Code + " " + answer.Message
		}

		status, code := send(params, func([]signer.Param) {})
		if status != http.StatusOK {
			t.Fatalf("signed request refused: HTTP %d %s (params %q)", status, code, params)
		}
		status, code = send(params, func(all []signer.Param) {
			for i := range all {
				if all[i].Key == params[int(which)%2].Key {
					v := []byte(all[i].Value)
					if len(v) == 0 {
						v = []byte{'x'}
					} else {
						v[int(which)%len(v)] ^= 1
					}
					all[i].Value = string(v)
					return
				}
			}
			t.Fatalf("parameter %q not found", params[int(which)%2].Key)
		})
		if !strings.HasPrefix(code, "SignatureDoesNotMatch ") {
			t.Fatalf("tampered request: HTTP %d %q, want SignatureDoesNotMatch (params %q)", status, code, params)
		}
	})
}

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }
