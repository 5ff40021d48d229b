package alicloudtest

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"
)

// The published vectors of REFERENCE.md, reproduced through the verifier's
// own canonicalization functions, then end to end through ServeHTTP.

const (
	v3VectorQuery     = "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai"
	v3VectorHash      = "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259"
	v3VectorSignature = "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
)

var v3VectorHeaders = []v3Header{
	{"host", "ecs.cn-shanghai.aliyuncs.com"},
	{"x-acs-action", "RunInstances"},
	{"x-acs-content-sha256", emptyBodySHA256},
	{"x-acs-date", "2023-10-26T10:22:32Z"},
	{"x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"},
	{"x-acs-version", "2014-05-26"},
}

func TestVectorV3(t *testing.T) {
	q, err := url.ParseQuery(v3VectorQuery)
	noErr(t, err)
	cr := canonicalRequestV3("POST", q, v3VectorHeaders, emptyBodySHA256)
	sum := sha256.Sum256([]byte(cr))
	eq(t, hex.EncodeToString(sum[:]), v3VectorHash, "hashed canonical request")
	sts := stringToSignV3(cr)
	eq(t, sts, "ACS3-HMAC-SHA256\n"+v3VectorHash, "string to sign")
	eq(t, signatureV3("YourAccessKeySecret", sts), v3VectorSignature, "signature")
	eq(t, hexSHA256(nil), emptyBodySHA256, "empty body digest")
}

type v1Vector struct {
	name      string
	params    string
	sts       string // "" when not published
	signature string
}

var v1Vectors = []v1Vector{
	{
		name:   "DescribeRegions",
		params: "AccessKeyId=testid&Action=DescribeRegions&Format=XML&SignatureMethod=HMAC-SHA1&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&SignatureVersion=1.0&Timestamp=2016-02-23T12%3A46%3A24Z&Version=2014-05-26",
		sts: "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1" +
			"%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26",
		signature: "OLeaidS1JvxuMvnyHOwuJ+uX5qY=",
	},
	{
		name:      "DescribeDedicatedHosts",
		params:    "AccessKeyId=testid&Action=DescribeDedicatedHosts&Format=JSON&RegionId=cn-beijing&SignatureMethod=HMAC-SHA1&SignatureNonce=edb2b34af0af9a6d14deaf7c1a5315eb&SignatureVersion=1.0&Timestamp=2023-03-13T08%3A34%3A30Z&Version=2014-05-26",
		signature: "9NaGiOspFP5UPcwX8Iwt2YJXXuk=",
	},
}

func TestVectorV1(t *testing.T) {
	for _, v := range v1Vectors {
		t.Run(v.name, func(t *testing.T) {
			p, err := url.ParseQuery(v.params)
			noErr(t, err)
			p.Set("Signature", "ignored: Signature is not signed")
			sts := stringToSignV1("GET", p)
			if v.sts != "" {
				eq(t, sts, v.sts, "string to sign")
			}
			eq(t, signatureV1("testsecret", sts), v.signature, "signature")
		})
	}
}

func TestPercentEncode(t *testing.T) {
	for in, want := range map[string]string{
		"":                    "",
		"AZaz09-_.~":          "AZaz09-_.~",
		"a b":                 "a%20b",
		"*":                   "%2A",
		"+":                   "%2B",
		"/":                   "%2F",
		"=&":                  "%3D%26",
		"é":                   "%C3%A9",
		"2016-02-23T12:46:24": "2016-02-23T12%3A46%3A24",
	} {
		eq(t, percentEncode(in), want, "percentEncode(%q)", in)
		eq(t, testEncode(in), want, "the test signer's encoding of %q", in)
	}
}

// serveVector runs a request through ServeHTTP with the clock at the
// vector's time. The vectors are for ECS (version 2014-05-26), which the
// emulator does not serve: InvalidVersion proves authentication passed.
func serveVector(t *testing.T, e *Emulator, r *http.Request) resp {
	t.Helper()
	w := httptest.NewRecorder()
	e.ServeHTTP(w, r)
	out, err := decode(t, w.Result())
	noErr(t, err)
	return out
}

func TestVectorsEndToEnd(t *testing.T) {
	t.Run("V3", func(t *testing.T) {
		at := time.Date(2023, 10, 26, 10, 22, 32, 0, time.UTC)
		e := New(WithClock(func() time.Time { return at }))
		defer e.Close()
		e.AddAccessKey("YourAccessKeyId", "YourAccessKeySecret")
		r := httptest.NewRequest("POST", "http://ecs.cn-shanghai.aliyuncs.com/?"+v3VectorQuery, nil)
		for _, h := range v3VectorHeaders[1:] {
			r.Header.Set(h.name, h.value)
		}
		r.Header.Set("Authorization", "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,"+
			"SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,"+
			"Signature="+v3VectorSignature)
		wantError(t, serveVector(t, e, r), http.StatusNotFound, CodeInvalidVersion)

		// The same request with one byte of the signature changed.
		r.Header.Set("Authorization", "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,"+
			"SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,"+
			"Signature=16563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0")
		r.Header.Set(headerNonce, "another-nonce")
		wantError(t, serveVector(t, e, r), http.StatusBadRequest, CodeSignatureDoesNotMatch)
	})
	for _, v := range v1Vectors {
		t.Run("V1/"+v.name, func(t *testing.T) {
			p, err := url.ParseQuery(v.params)
			noErr(t, err)
			at, err := time.Parse(time.RFC3339, p.Get("Timestamp"))
			noErr(t, err)
			e := New(WithClock(func() time.Time { return at }))
			defer e.Close()
			e.AddAccessKey("testid", "testsecret")
			p.Set("Signature", v.signature)
			r := httptest.NewRequest("GET", "http://ecs.aliyuncs.com/?"+p.Encode(), nil)
			wantError(t, serveVector(t, e, r), http.StatusNotFound, CodeInvalidVersion)
		})
	}
}
