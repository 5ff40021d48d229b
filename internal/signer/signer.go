// Package signer signs Alibaba Cloud RPC requests: signature V3
// (ACS3-HMAC-SHA256) and the legacy V1 (HMAC-SHA1). It knows bytes, keys and
// clocks, nothing else: the time and the nonce are inputs, so every function
// is pure and reproducible.
package signer

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"slices"
	"strings"
	"sync"
	"time"
)

// TimeFormat is the layout of x-acs-date (V3) and Timestamp (V1).
const TimeFormat = "2006-01-02T15:04:05Z"

// EmptyBodySHA256 is the hex SHA-256 of an empty payload.
const EmptyBodySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// Algorithm names.
const (
	AlgorithmV3 = "ACS3-HMAC-SHA256"
	MethodV1    = "HMAC-SHA1"
)

// Param is one request parameter or header.
type Param struct{ Key, Value string }

// Credentials are the values a signature is computed from.
type Credentials struct {
	AccessKeyID     string
	AccessKeySecret string
	SecurityToken   string
}

// unreserved marks the bytes left as they are by percent-encoding: A-Z a-z 0-9 - _ . ~
var unreserved [256]bool

func init() {
	for c := 'A'; c <= 'Z'; c++ {
		unreserved[c] = true
		unreserved[c+'a'-'A'] = true
	}
	for c := '0'; c <= '9'; c++ {
		unreserved[c] = true
	}
	for _, c := range "-_.~" {
		unreserved[c] = true
	}
}

const upperHex = "0123456789ABCDEF"

// AppendEncoded appends s percent-encoded as both signatures require: every
// byte outside A-Z a-z 0-9 - _ . ~ becomes %XX (upper-case hex), so a space
// is %20, '*' is %2A and '/' is %2F; UTF-8 is encoded byte by byte.
func AppendEncoded(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved[c] {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return dst
}

// Encode returns s percent-encoded (see AppendEncoded).
func Encode(s string) string {
	for i := 0; i < len(s); i++ {
		if !unreserved[s[i]] {
			return string(AppendEncoded(make([]byte, 0, len(s)+16), s))
		}
	}
	return s
}

// SortParams sorts params by key, then value, in place. Sorting by value
// too makes repeated keys canonical.
func SortParams(params []Param) {
	slices.SortFunc(params, func(a, b Param) int {
		if c := strings.Compare(a.Key, b.Key); c != 0 {
			return c
		}
		return strings.Compare(a.Value, b.Value)
	})
}

// AppendQuery appends params, which must be sorted, as encoded k=v pairs
// joined by '&'. An empty value gives "k=". It is both the canonical query
// string and a valid application/x-www-form-urlencoded body.
func AppendQuery(dst []byte, params []Param) []byte {
	for i, p := range params {
		if i > 0 {
			dst = append(dst, '&')
		}
		dst = AppendEncoded(dst, p.Key)
		dst = append(dst, '=')
		dst = AppendEncoded(dst, p.Value)
	}
	return dst
}

// CanonicalQuery returns the canonical form of params (sorted copy).
func CanonicalQuery(params []Param) string {
	sorted := slices.Clone(params)
	SortParams(sorted)
	return string(AppendQuery(nil, sorted))
}

var (
	sha256Pool = sync.Pool{New: func() any { return sha256.New() }}
)

func sum256Hex(dst []byte, data []byte) []byte {
	h := sha256Pool.Get().(hash.Hash)
	h.Reset()
	h.Write(data)
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	sha256Pool.Put(h)
	return hex.AppendEncode(dst, sum[:])
}

// HashHex returns the hex SHA-256 of data, as x-acs-content-sha256 wants it.
func HashHex(data []byte) string {
	if len(data) == 0 {
		return EmptyBodySHA256
	}
	var buf [64]byte
	return string(sum256Hex(buf[:0], data))
}

// V3Request is what a V3 signature covers.
type V3Request struct {
	Method string // "POST"
	// Query holds the URL query parameters, in any order; RPC requests that
	// send their parameters as a form body have none.
	Query []Param
	// Headers to sign: lower-case names, each at most once. They must
	// include host and every x-acs-* header the request carries, including
	// x-acs-content-sha256; content-type when there is a body.
	Headers []Param
}

// V3Headers returns the headers a V3 request carries besides Authorization,
// in canonical (sorted, lower-case) order: optionally content-type, host,
// and the x-acs-* headers, with x-acs-security-token when securityToken is
// set. contentSHA256 is HashHex of the body.
func V3Headers(host, contentType, action, version, contentSHA256 string, date time.Time, nonce, securityToken string) []Param {
	h := make([]Param, 0, 8)
	if contentType != "" {
		h = append(h, Param{"content-type", contentType})
	}
	h = append(h,
		Param{"host", host},
		Param{"x-acs-action", action},
		Param{"x-acs-content-sha256", contentSHA256},
		Param{"x-acs-date", date.UTC().Format(TimeFormat)},
	)
	if securityToken != "" {
		h = append(h, Param{"x-acs-security-token", securityToken})
	}
	h = append(h,
		Param{"x-acs-signature-nonce", nonce},
		Param{"x-acs-version", version},
	)
	return h
}

// V3CanonicalRequest returns the canonical request and the signed header
// names of r. The payload hash is the value of its x-acs-content-sha256 header.
func V3CanonicalRequest(r *V3Request) (canonical []byte, signedHeaders string) {
	headers := r.Headers
	if !canonicalHeaders(headers) { // V3Headers' output already is
		headers = slices.Clone(headers)
		for i := range headers {
			headers[i].Key = strings.ToLower(headers[i].Key)
			headers[i].Value = strings.TrimSpace(headers[i].Value)
		}
		SortParams(headers)
	}
	query := r.Query
	if len(query) > 0 {
		query = slices.Clone(query)
		SortParams(query)
	}

	b := make([]byte, 0, 512)
	b = append(b, r.Method...)
	b = append(b, "\n/\n"...)
	b = AppendQuery(b, query)
	b = append(b, '\n')
	var payloadHash string
	for _, h := range headers {
		b = append(b, h.Key...)
		b = append(b, ':')
		b = append(b, h.Value...)
		b = append(b, '\n')
		if h.Key == "x-acs-content-sha256" {
			payloadHash = h.Value
		}
	}
	b = append(b, '\n')
	start := len(b)
	for i, h := range headers {
		if i > 0 {
			b = append(b, ';')
		}
		b = append(b, h.Key...)
	}
	signedHeaders = string(b[start:])
	b = append(b, '\n')
	if payloadHash == "" {
		payloadHash = EmptyBodySHA256
	}
	b = append(b, payloadHash...)
	return b, signedHeaders
}

// canonicalHeaders reports whether headers are lower-case, trimmed and
// sorted by name.
func canonicalHeaders(headers []Param) bool {
	for i, h := range headers {
		if i > 0 && headers[i-1].Key >= h.Key {
			return false
		}
		if strings.TrimSpace(h.Value) != h.Value {
			return false
		}
		for j := 0; j < len(h.Key); j++ {
			if c := h.Key[j]; 'A' <= c && c <= 'Z' {
				return false
			}
		}
	}
	return true
}

// V3StringToSign returns "ACS3-HMAC-SHA256\n" + hex(SHA-256(canonical)).
func V3StringToSign(canonical []byte) []byte {
	b := make([]byte, 0, len(AlgorithmV3)+1+64)
	b = append(b, AlgorithmV3...)
	b = append(b, '\n')
	return sum256Hex(b, canonical)
}

// SignV3 returns the Authorization header value of r.
func SignV3(r *V3Request, creds Credentials) string {
	canonical, signed := V3CanonicalRequest(r)
	mac := hmac.New(sha256.New, []byte(creds.AccessKeySecret))
	mac.Write(V3StringToSign(canonical))
	var sum [sha256.Size]byte
	sig := mac.Sum(sum[:0])

	b := make([]byte, 0, len(AlgorithmV3)+len(creds.AccessKeyID)+len(signed)+110)
	b = append(b, AlgorithmV3...)
	b = append(b, " Credential="...)
	b = append(b, creds.AccessKeyID...)
	b = append(b, ",SignedHeaders="...)
	b = append(b, signed...)
	b = append(b, ",Signature="...)
	b = hex.AppendEncode(b, sig)
	return string(b)
}

// V1CommonParams returns the common parameters of a V1 request except
// Signature. format is "JSON" or "XML".
func V1CommonParams(action, version, format string, creds Credentials, date time.Time, nonce string) []Param {
	p := []Param{
		{"AccessKeyId", creds.AccessKeyID},
		{"Action", action},
		{"Format", format},
		{"SignatureMethod", MethodV1},
		{"SignatureNonce", nonce},
		{"SignatureVersion", "1.0"},
		{"Timestamp", date.UTC().Format(TimeFormat)},
		{"Version", version},
	}
	if creds.SecurityToken != "" {
		p = append(p, Param{"SecurityToken", creds.SecurityToken})
	}
	return p
}

// V1StringToSign returns METHOD&%2F&encode(canonical query of params).
// params must not contain Signature.
func V1StringToSign(method string, params []Param) []byte {
	sorted := slices.Clone(params)
	SortParams(sorted)
	return v1StringToSignSorted(method, sorted)
}

func v1StringToSignSorted(method string, sorted []Param) []byte {
	query := AppendQuery(make([]byte, 0, 512), sorted)
	b := make([]byte, 0, len(method)+4+len(query)*5/4)
	b = append(b, method...)
	b = append(b, "&%2F&"...)
	for _, c := range query {
		if unreserved[c] {
			b = append(b, c)
		} else {
			b = append(b, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return b
}

// SignV1 returns the value of the Signature parameter for params (every
// query and form parameter except Signature).
func SignV1(method string, params []Param, accessKeySecret string) string {
	return signV1(V1StringToSign(method, params), accessKeySecret)
}

func signV1(stringToSign []byte, accessKeySecret string) string {
	key := make([]byte, 0, len(accessKeySecret)+1)
	key = append(append(key, accessKeySecret...), '&')
	mac := hmac.New(sha1.New, key)
	mac.Write(stringToSign)
	var sum [sha1.Size]byte
	return base64.StdEncoding.EncodeToString(mac.Sum(sum[:0]))
}

// SignV1Sorted is SignV1 for params already sorted with SortParams; it
// does not copy them.
func SignV1Sorted(method string, sorted []Param, accessKeySecret string) string {
	return signV1(v1StringToSignSorted(method, sorted), accessKeySecret)
}
