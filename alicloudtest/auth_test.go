package alicloudtest

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// listReq is a harmless signed request: list the certificates of lsn-1.
func listReq() apiReq {
	return apiReq{Version: albVersion, Action: opListCerts, Params: params("ListenerId", "lsn-1")}
}

func TestAuthAccepted(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name string
		q    apiReq
	}{
		{"V3 query", apiReq{}},
		{"V3 form body", apiReq{InBody: true}},
		{"V3 GET", apiReq{Method: http.MethodGet}},
		{"V1 query", apiReq{V1: true}},
		{"V1 form body", apiReq{V1: true, InBody: true}},
		{"V1 GET", apiReq{V1: true, Method: http.MethodGet}},
		{"V3 special characters", apiReq{Params: params("ListenerId", "lsn-1", "Tag", "a b*c~d/é+=&")}},
		{"V1 special characters", apiReq{V1: true, Params: params("ListenerId", "lsn-1", "Tag", "a b*c~d/é+=&")}},
		{"V3 ten and more array items", apiReq{Params: manyIDs()}},
		{"V1 ten and more array items", apiReq{V1: true, Params: manyIDs()}},
		{"V3 date 14 minutes old", apiReq{Date: time.Now().Add(-14 * time.Minute)}},
		{"V1 date 14 minutes ahead", apiReq{V1: true, Date: time.Now().Add(14 * time.Minute)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := listReq()
			q.Method, q.InBody, q.V1, q.Date = tc.q.Method, tc.q.InBody, tc.q.V1, tc.q.Date
			if tc.q.Params != nil {
				q.Params = tc.q.Params
			}
			r := f.do(q)
			wantOK(t, r)
			eq(t, r.list("Certificates")[0]["CertificateId"], any("cert-0"), "first certificate")
		})
	}
}

func TestAuthRejected(t *testing.T) {
	f := newFixture(t)
	f.srv.AddAccessKey("disabled-key", "disabled-secret")
	f.srv.DisableAccessKey("disabled-key")
	old := time.Now().Add(-16 * time.Minute)
	for _, tc := range []struct {
		name   string
		q      apiReq
		status int
		code   string
	}{
		{"V3 tampered body", apiReq{InBody: true, Tamper: func(r *http.Request) {
			setBody(r, "Action=ListListenerCertificates&ListenerId=lsn-quic")
		}}, 400, CodeSignatureDoesNotMatch},
		{"V3 tampered body and digest", apiReq{InBody: true, Tamper: func(r *http.Request) {
			setBody(r, "ListenerId=lsn-quic")
			r.Header.Set(headerContentHash, hexSHA256([]byte("ListenerId=lsn-quic")))
		}}, 400, CodeSignatureDoesNotMatch},
		{"V3 tampered query parameter", apiReq{Tamper: func(r *http.Request) {
			r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "lsn-1", "lsn-2", 1)
		}}, 400, CodeSignatureDoesNotMatch},
		{"V3 added query parameter", apiReq{Tamper: func(r *http.Request) {
			r.URL.RawQuery += "&MaxResults=1"
		}}, 400, CodeSignatureDoesNotMatch},
		{"V3 tampered signed header", apiReq{Tamper: func(r *http.Request) {
			r.Header.Set(headerAction, opListJobs)
		}}, 400, CodeSignatureDoesNotMatch},
		{"V3 tampered host", apiReq{Tamper: func(r *http.Request) { r.Host = "alb.cn-hangzhou.aliyuncs.com" }},
			400, CodeSignatureDoesNotMatch},
		{"V3 wrong secret", apiReq{Creds: creds{"", "wrong", ""}}, 400, CodeSignatureDoesNotMatch},
		{"V3 unsigned x-acs header", apiReq{Tamper: func(r *http.Request) { r.Header.Set("x-acs-extra", "1") }},
			400, CodeIncompleteSignature},
		{"V3 garbage Authorization", apiReq{Tamper: func(r *http.Request) { r.Header.Set("Authorization", "garbage") }},
			400, CodeIncompleteSignature},
		{"V3 Authorization without signature", apiReq{Tamper: func(r *http.Request) {
			r.Header.Set("Authorization", "ACS3-HMAC-SHA256 Credential=x,SignedHeaders=host")
		}}, 400, CodeIncompleteSignature},
		{"V3 host not signed", apiReq{Tamper: func(r *http.Request) {
			a := r.Header.Get("Authorization")
			r.Header.Set("Authorization", strings.Replace(a, "SignedHeaders=host;", "SignedHeaders=", 1))
		}}, 400, CodeIncompleteSignature},
		{"V3 unsorted signed headers", apiReq{Tamper: func(r *http.Request) {
			a := r.Header.Get("Authorization")
			r.Header.Set("Authorization", strings.Replace(a, "SignedHeaders=host;x-acs-action", "SignedHeaders=x-acs-action;host", 1))
		}}, 400, CodeIncompleteSignature},
		{"V3 missing date", apiReq{Tamper: func(r *http.Request) { r.Header.Del(headerDate) }}, 400, CodeIncompleteSignature},
		{"V3 missing nonce", apiReq{Tamper: func(r *http.Request) { r.Header.Del(headerNonce) }}, 400, CodeIncompleteSignature},
		{"V3 missing content digest", apiReq{Tamper: func(r *http.Request) { r.Header.Del(headerContentHash) }},
			400, CodeIncompleteSignature},
		{"V3 unknown key", apiReq{Creds: creds{"nobody", "x", ""}}, 404, CodeAccessKeyNotFound},
		{"V3 disabled key", apiReq{Creds: creds{"disabled-key", "disabled-secret", ""}}, 400, CodeAccessKeyInactive},
		{"V3 stale date", apiReq{Date: old}, 400, CodeTimestampExpired},
		{"V3 future date", apiReq{Date: time.Now().Add(16 * time.Minute)}, 400, CodeTimestampExpired},
		{"V3 malformed date", apiReq{Tamper: func(r *http.Request) { r.Header.Set(headerDate, "yesterday") }},
			400, CodeSignatureDoesNotMatch}, // the date is signed, so changing it breaks the signature first
		{"V3 signed malformed date", apiReq{Stamp: "26/10/2023 10:22"}, 400, CodeTimestampFormat},
		{"V1 signed malformed timestamp", apiReq{V1: true, Stamp: "yesterday"}, 400, CodeTimestampFormat},
		{"V1 tampered parameter", apiReq{V1: true, Tamper: func(r *http.Request) {
			r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "lsn-1", "lsn-2", 1)
		}}, 400, CodeSignatureDoesNotMatch},
		{"V1 tampered body", apiReq{V1: true, InBody: true, Tamper: func(r *http.Request) {
			b := readBody(r)
			setBody(r, strings.Replace(b, "lsn-1", "lsn-2", 1))
		}}, 400, CodeSignatureDoesNotMatch},
		{"V1 method changed", apiReq{V1: true, Tamper: func(r *http.Request) { r.Method = http.MethodGet }},
			400, CodeSignatureDoesNotMatch},
		{"V1 wrong secret", apiReq{V1: true, Creds: creds{"", "wrong", ""}}, 400, CodeSignatureDoesNotMatch},
		{"V1 unknown key", apiReq{V1: true, Creds: creds{"nobody", "x", ""}}, 404, CodeAccessKeyNotFound},
		{"V1 stale timestamp", apiReq{V1: true, Date: old}, 400, CodeTimestampExpired},
		{"V1 missing signature", apiReq{V1: true, Tamper: func(r *http.Request) { delQuery(r, "Signature") }},
			400, CodeIncompleteSignature},
		{"V1 missing nonce", apiReq{V1: true, Tamper: func(r *http.Request) { delQuery(r, "SignatureNonce") }},
			400, CodeIncompleteSignature},
		{"V1 missing AccessKeyId", apiReq{V1: true, Tamper: func(r *http.Request) { delQuery(r, "AccessKeyId") }},
			400, CodeMissingAccessKeyID},
		{"V1 wrong method", apiReq{V1: true, Tamper: func(r *http.Request) { setQuery(r, "SignatureMethod", "HMAC-MD5") }},
			400, CodeUnsupportedSignatureMethod},
		{"unsigned", apiReq{Unsigned: true}, 400, CodeMissingAccessKeyID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := listReq()
			q.Method, q.InBody, q.V1, q.Date, q.Tamper, q.Creds, q.Unsigned, q.Stamp =
				tc.q.Method, tc.q.InBody, tc.q.V1, tc.q.Date, tc.q.Tamper, tc.q.Creds, tc.q.Unsigned, tc.q.Stamp
			if q.Creds.id == "" && q.Creds.secret != "" {
				q.Creds.id = f.creds.id
			}
			r := f.do(q)
			wantError(t, r, tc.status, tc.code)
			if strings.Contains(r.Raw, f.srv.AccessKeySecret) {
				t.Fatalf("the answer reveals the secret: %s", r.Raw)
			}
		})
	}
	eq(t, f.srv.Stats().Actions, 0, "actions")
}

func TestSignatureMismatchMessage(t *testing.T) {
	f := newFixture(t)
	q := listReq()
	q.Creds = creds{f.creds.id, "wrong", ""}
	r := f.do(q)
	wantError(t, r, 400, CodeSignatureDoesNotMatch)
	if !strings.HasPrefix(r.str("Message"), msgSignatureNotMatchedServerString+"ACS3-HMAC-SHA256\n") {
		t.Fatalf("message %q does not show the server's string to sign", r.str("Message"))
	}
	q.V1 = true
	r = f.do(q)
	wantError(t, r, 400, CodeSignatureDoesNotMatch)
	if !strings.Contains(r.str("Message"), "POST&%2F&AccessKeyId%3D"+f.creds.id) {
		t.Fatalf("message %q does not show the server's string to sign", r.str("Message"))
	}
}

func TestNonceReuse(t *testing.T) {
	for _, v1 := range []bool{false, true} {
		t.Run(map[bool]string{false: "V3", true: "V1"}[v1], func(t *testing.T) {
			f := newFixtureClock(t)
			q := listReq()
			q.V1, q.Nonce = v1, "nonce-1"
			wantOK(t, f.do(q))
			wantError(t, f.do(q), 400, CodeSignatureNonceUsed)

			// A nonce is per AccessKey.
			f.srv.AddAccessKey("other", "other-secret")
			q.Creds = creds{"other", "other-secret", ""}
			wantOK(t, f.do(q))

			// A request that fails authentication does not use up its nonce.
			q.Creds, q.Nonce = creds{f.creds.id, "wrong", ""}, "nonce-2"
			wantError(t, f.do(q), 400, CodeSignatureDoesNotMatch)
			q.Creds = f.creds
			wantOK(t, f.do(q))

			// After the window, the nonce may be used again (and the date
			// must be fresh anyway).
			f.clock.Advance(SignatureWindow + time.Second)
			q.Nonce = "nonce-1"
			wantOK(t, f.do(q))
		})
	}
}

func TestSTS(t *testing.T) {
	f := newFixtureClock(t)
	id, secret, token := f.srv.IssueSTS(time.Hour)
	id2, _, token2 := f.srv.IssueSTS(time.Hour)
	_ = id2
	for _, v1 := range []bool{false, true} {
		name := map[bool]string{false: "V3", true: "V1"}[v1]
		t.Run(name, func(t *testing.T) {
			for _, tc := range []struct {
				name   string
				c      creds
				status int
				code   string
			}{
				{"valid", creds{id, secret, token}, 200, ""},
				{"missing token", creds{id, secret, ""}, 400, CodeSecurityTokenMalformed},
				{"unknown token", creds{id, secret, "CAISbogus"}, 400, CodeSecurityTokenMalformed},
				{"token of another key", creds{id, secret, token2}, 400, CodeSecurityTokenMismatch},
				{"permanent key with an STS token", creds{f.creds.id, f.creds.secret, token}, 400, CodeSecurityTokenMismatch},
			} {
				t.Run(tc.name, func(t *testing.T) {
					q := listReq()
					q.V1, q.Creds = v1, tc.c
					r := f.do(q)
					if tc.status == 200 {
						wantOK(t, r)
						return
					}
					wantError(t, r, tc.status, tc.code)
					if strings.Contains(r.Raw, token) || strings.Contains(r.Raw, secret) {
						t.Fatalf("the answer reveals a credential: %s", r.Raw)
					}
				})
			}
		})
	}
	t.Run("expired", func(t *testing.T) {
		f.clock.Advance(time.Hour)
		q := listReq()
		q.Creds = creds{id, secret, token}
		wantError(t, f.do(q), 400, CodeSecurityTokenExpired)
	})
}

func TestSTSSharesTheAccount(t *testing.T) {
	// Credentials refreshed through STS keep the ClientTokens of the account.
	f := newFixture(t)
	id1, s1, t1 := f.srv.IssueSTS(time.Hour)
	id2, s2, t2 := f.srv.IssueSTS(time.Hour)
	q := apiReq{Version: albVersion, Action: opDissociate,
		Params: params(append([]string{"ListenerId", "lsn-1", "ClientToken", "tok"}, certArgs("cert-1")...)...)}
	q.Creds = creds{id1, s1, t1}
	r1 := f.do(q)
	wantOK(t, r1)
	q.Creds = creds{id2, s2, t2}
	r2 := f.do(q)
	wantOK(t, r2)
	eq(t, r2.str("JobId"), r1.str("JobId"), "JobId of the replay")
	eq(t, f.srv.Stats().Actions, 1, "actions")
}

func TestWithoutSignatureCheck(t *testing.T) {
	f := newFixture(t, WithoutSignatureCheck())
	q := listReq()
	q.Unsigned = true
	wantOK(t, f.do(q))
	q = listReq()
	q.Creds = creds{"anyone", "anything", "any-token"}
	q.Date = time.Now().Add(-time.Hour)
	wantOK(t, f.do(q))
}

func TestParseACS3Authorization(t *testing.T) {
	for h, ok := range map[string]bool{
		"ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host,Signature=00":              true,
		"ACS3-HMAC-SHA256 Credential=a, SignedHeaders=host, Signature=00":            true,
		"ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host":                           false,
		"ACS3-HMAC-SHA256 Credential=a,Credential=b,SignedHeaders=host,Signature=00": false,
		"ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host,Signature=00,Extra=1":      false,
		"ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,Signature=00":               false,
		"HMAC-SHA256 Credential=a,SignedHeaders=host,Signature=00":                   false,
		"":                  false,
		"ACS3-HMAC-SHA256 ": false,
	} {
		_, got := parseACS3Authorization(h)
		eq(t, got, ok, "parse %q", h)
	}
}

func setBody(r *http.Request, body string) {
	r.Body = http.NoBody
	if body != "" {
		r.Body = nopCloser{strings.NewReader(body)}
	}
	r.ContentLength = int64(len(body))
}

func readBody(r *http.Request) string {
	var b strings.Builder
	buf := make([]byte, 512)
	for {
		n, err := r.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			return b.String()
		}
	}
}

type nopCloser struct{ *strings.Reader }

func (nopCloser) Close() error { return nil }

func delQuery(r *http.Request, key string) {
	q := r.URL.Query()
	q.Del(key)
	r.URL.RawQuery = q.Encode()
}

func setQuery(r *http.Request, key, value string) {
	q, _ := url.ParseQuery(r.URL.RawQuery)
	q.Set(key, value)
	r.URL.RawQuery = q.Encode()
}

// manyIDs lists lsn-1's certificates with 12 CertificateIds.N filters, so
// that sorting by key (CertificateIds.1, CertificateIds.10, ...) matters.
func manyIDs() url.Values {
	p := params("ListenerId", "lsn-1")
	for i := 0; i <= 11; i++ {
		p.Set(fmt.Sprintf("CertificateIds.%d", i+1), fmt.Sprintf("cert-%d", i))
	}
	return p
}
