package signer

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The published V3 example (REFERENCE.md, Alibaba Cloud's signature V3 documentation).
func publishedV3() *V3Request {
	return &V3Request{
		Method: "POST",
		Query: []Param{
			{"RegionId", "cn-shanghai"},
			{"ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd"},
		},
		Headers: []Param{
			{"host", "ecs.cn-shanghai.aliyuncs.com"},
			{"x-acs-action", "RunInstances"},
			{"x-acs-version", "2014-05-26"},
			{"x-acs-date", "2023-10-26T10:22:32Z"},
			{"x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"},
			{"x-acs-content-sha256", EmptyBodySHA256},
		},
	}
}

func TestV3PublishedVector(t *testing.T) {
	r := publishedV3()
	canonical, signed := V3CanonicalRequest(r)
	assert.Equal(t, "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version", signed)
	sum := sha256.Sum256(canonical)
	assert.Equal(t, "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259", hex.EncodeToString(sum[:]))
	assert.Equal(t, "ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259",
		string(V3StringToSign(canonical)))
	auth := SignV3(r, Credentials{AccessKeyID: "YourAccessKeyId", AccessKeySecret: "YourAccessKeySecret"})
	assert.Equal(t, "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,"+
		"SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,"+
		"Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0", auth)
	assert.Equal(t, "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0", V3Signature(auth))
	assert.Empty(t, V3Signature("short"))
}

func TestV3HeadersReproducePublishedVector(t *testing.T) {
	date, err := time.Parse(TimeFormat, "2023-10-26T10:22:32Z")
	require.NoError(t, err)
	r := publishedV3()
	r.Headers = V3Headers("ecs.cn-shanghai.aliyuncs.com", "", "RunInstances", "2014-05-26", EmptyBodySHA256,
		date, "3156853299f313e23d1673dc12e1703d", "")
	auth := SignV3(r, Credentials{AccessKeyID: "YourAccessKeyId", AccessKeySecret: "YourAccessKeySecret"})
	assert.True(t, strings.HasSuffix(auth, "Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"), auth)
}

func TestV3HeadersSTSAndBody(t *testing.T) {
	date := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600))
	h := V3Headers("alb.cn-hangzhou.aliyuncs.com", "application/x-www-form-urlencoded", "A", "V",
		HashHex([]byte("a=b")), date, "n", "tok")
	want := []Param{
		{"content-type", "application/x-www-form-urlencoded"},
		{"host", "alb.cn-hangzhou.aliyuncs.com"},
		{"x-acs-action", "A"},
		{"x-acs-content-sha256", HashHex([]byte("a=b"))},
		{"x-acs-date", "2026-01-02T02:04:05Z"},
		{"x-acs-security-token", "tok"},
		{"x-acs-signature-nonce", "n"},
		{"x-acs-version", "V"},
	}
	assert.Equal(t, want, h)
	sum := sha256.Sum256([]byte("a=b"))
	assert.Equal(t, hex.EncodeToString(sum[:]), h[3].Value)
	// The headers come out sorted, so the signed header list is in the same order.
	_, signed := V3CanonicalRequest(&V3Request{Method: "POST", Headers: h})
	assert.Equal(t, "content-type;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version", signed)
}

func TestV3SignatureChangesWithEveryInput(t *testing.T) {
	base := publishedV3()
	creds := Credentials{AccessKeyID: "YourAccessKeyId", AccessKeySecret: "YourAccessKeySecret"}
	ref := SignV3(base, creds)
	mutations := map[string]func(r *V3Request){
		"method":    func(r *V3Request) { r.Method = "GET" },
		"query":     func(r *V3Request) { r.Query[0].Value = "cn-beijing" },
		"header":    func(r *V3Request) { r.Headers[3].Value = "2023-10-26T10:22:33Z" },
		"extra hdr": func(r *V3Request) { r.Headers = append(r.Headers, Param{"x-acs-security-token", "t"}) },
		"body hash": func(r *V3Request) { r.Headers[5].Value = HashHex([]byte("x")) },
	}
	for name, mutate := range mutations {
		t.Run(name, func(t *testing.T) {
			r := publishedV3()
			mutate(r)
			assert.NotEqual(t, ref, SignV3(r, creds))
		})
	}
	other := creds
	other.AccessKeySecret = "other"
	assert.NotEqual(t, ref, SignV3(base, other))
}

func v1Params(pairs ...string) []Param {
	var p []Param
	for i := 0; i < len(pairs); i += 2 {
		p = append(p, Param{pairs[i], pairs[i+1]})
	}
	return p
}

func TestV1PublishedVectors(t *testing.T) {
	tests := []struct {
		name         string
		params       []Param
		stringToSign string
		signature    string
	}{
		{
			name: "DescribeRegions",
			params: v1Params("AccessKeyId", "testid", "Action", "DescribeRegions", "Format", "XML",
				"SignatureMethod", "HMAC-SHA1", "SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
				"SignatureVersion", "1.0", "Timestamp", "2016-02-23T12:46:24Z", "Version", "2014-05-26"),
			stringToSign: "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26",
			signature:    "OLeaidS1JvxuMvnyHOwuJ+uX5qY=",
		},
		{
			name: "DescribeDedicatedHosts",
			params: v1Params("Version", "2014-05-26", "Timestamp", "2023-03-13T08:34:30Z", "AccessKeyId", "testid",
				"Action", "DescribeDedicatedHosts", "Format", "JSON", "RegionId", "cn-beijing",
				"SignatureMethod", "HMAC-SHA1", "SignatureNonce", "edb2b34af0af9a6d14deaf7c1a5315eb",
				"SignatureVersion", "1.0"),
			signature: "9NaGiOspFP5UPcwX8Iwt2YJXXuk=",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.stringToSign != "" {
				assert.Equal(t, tc.stringToSign, string(V1StringToSign("GET", tc.params)))
			}
			assert.Equal(t, tc.signature, SignV1("GET", tc.params, "testsecret"))
		})
	}
}

func TestV1CommonParamsReproducePublishedVector(t *testing.T) {
	date := time.Date(2016, 2, 23, 12, 46, 24, 0, time.UTC)
	p := V1CommonParams("DescribeRegions", "2014-05-26", "XML",
		Credentials{AccessKeyID: "testid", AccessKeySecret: "testsecret"}, date, "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf")
	assert.Equal(t, "OLeaidS1JvxuMvnyHOwuJ+uX5qY=", SignV1("GET", p, "testsecret"))
	sts := V1CommonParams("A", "V", "JSON", Credentials{AccessKeyID: "i", SecurityToken: "tok"}, date, "n")
	assert.Contains(t, sts, Param{"SecurityToken", "tok"})
}

func TestEncode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"abcXYZ019-_.~", "abcXYZ019-_.~"},
		{"a b", "a%20b"},
		{"a*b", "a%2Ab"},
		{"a~b", "a~b"},
		{"a/b", "a%2Fb"},
		{"a+b", "a%2Bb"},
		{"a=b&c", "a%3Db%26c"},
		{"%", "%25"},
		{"2016-02-23T12:46:24Z", "2016-02-23T12%3A46%3A24Z"},
		{"证书", "%E8%AF%81%E4%B9%A6"},
		{"é", "%C3%A9"},
		{"\x00\xff", "%00%FF"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			assert.Equal(t, tc.want, Encode(tc.in))
			assert.Equal(t, tc.want, string(AppendEncoded(nil, tc.in)))
		})
	}
}

func TestCanonicalQuery(t *testing.T) {
	tests := []struct {
		name   string
		params []Param
		want   string
	}{
		{"empty", nil, ""},
		{"sorted by key", v1Params("b", "1", "a", "2"), "a=2&b=1"},
		{"empty value", v1Params("k", ""), "k="},
		{"repeated keys sorted by value", v1Params("k", "b", "k", "a"), "k=a&k=b"},
		{"byte order, upper before lower", v1Params("a", "1", "B", "2"), "B=2&a=1"},
		{"indexes sort as strings", v1Params("Domains.2", "x", "Domains.10", "y", "Domains.1", "z"),
			"Domains.1=z&Domains.10=y&Domains.2=x"},
		{"encoded keys and values", v1Params("Certificates.1.CertificateId", "a b*~/"),
			"Certificates.1.CertificateId=a%20b%2A~%2F"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := append([]Param(nil), tc.params...)
			assert.Equal(t, tc.want, CanonicalQuery(in))
			assert.Equal(t, tc.params, in, "CanonicalQuery must not reorder its input")
		})
	}
}

func TestHashHex(t *testing.T) {
	assert.Equal(t, EmptyBodySHA256, HashHex(nil))
	sum := sha256.Sum256([]byte("Action=x"))
	assert.Equal(t, hex.EncodeToString(sum[:]), HashHex([]byte("Action=x")))
}

func TestV3CanonicalRequestNormalizesHeaders(t *testing.T) {
	r := publishedV3()
	want, wantSigned := V3CanonicalRequest(r)
	messy := publishedV3()
	for i := range messy.Headers {
		messy.Headers[i].Key = strings.ToUpper(messy.Headers[i].Key[:1]) + messy.Headers[i].Key[1:]
		messy.Headers[i].Value = "  " + messy.Headers[i].Value + " "
	}
	messy.Headers[0], messy.Headers[5] = messy.Headers[5], messy.Headers[0]
	got, gotSigned := V3CanonicalRequest(messy)
	assert.Equal(t, string(want), string(got))
	assert.Equal(t, wantSigned, gotSigned)
	assert.Equal(t, "Host", messy.Headers[5].Key[:4], "the input is not modified")
}

// The signer computes HMAC without crypto/hmac (to save its allocations):
// it must agree with crypto/hmac for every key length, including keys
// longer than the block, which are hashed first.
func TestHMACMatchesCryptoHMAC(t *testing.T) {
	msg := []byte("ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259")
	for _, n := range []int{0, 1, 20, 63, 64, 65, 128, 300} {
		key := strings.Repeat("k", n)
		m256 := hmac.New(sha256.New, []byte(key))
		m256.Write(msg)
		got256 := hmacSHA256(key, msg)
		assert.Equal(t, m256.Sum(nil), got256[:], "SHA-256, key length %d", n)
		m1 := hmac.New(sha1.New, []byte(key))
		m1.Write(msg)
		got1 := hmacSHA1(key, msg)
		assert.Equal(t, m1.Sum(nil), got1[:], "SHA-1, key length %d", n)
	}
}

func TestFormatTime(t *testing.T) {
	for _, tm := range []time.Time{
		time.Date(2016, 2, 23, 12, 46, 24, 0, time.UTC),
		time.Date(2026, 12, 31, 23, 59, 59, 999, time.FixedZone("x", -5*3600)),
		time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		assert.Equal(t, tm.UTC().Format(TimeFormat), formatTime(tm))
	}
}

func TestAppendMerged(t *testing.T) {
	a := v1Params("A", "1", "C", "3", "C", "4")
	b := v1Params("B", "2", "C", "3", "D", "5")
	got := AppendMerged(nil, a, b)
	want := append(append([]Param{}, a...), b...)
	SortParams(want)
	assert.Equal(t, want, got)
	common := AppendV1CommonParams(nil, "A", "V", "JSON", Credentials{AccessKeyID: "i", SecurityToken: "t"}, time.Now(), "n")
	assert.True(t, slices.IsSortedFunc(common, func(x, y Param) int { return strings.Compare(x.Key, y.Key) }), "common parameters come sorted")
}
