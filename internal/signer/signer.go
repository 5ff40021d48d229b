// Package signer signs Alibaba Cloud RPC requests: signature V3
// (ACS3-HMAC-SHA256) and the legacy V1 (HMAC-SHA1). It knows bytes, keys and
// clocks, nothing else: the time and the nonce are inputs, so every function
// is pure and reproducible.
package signer

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
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

// bufPool holds scratch buffers (canonical requests, strings to sign, HMAC
// input), so that signing allocates only its results.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

func getBuf() *[]byte { return bufPool.Get().(*[]byte) }

func putBuf(b *[]byte) {
	if cap(*b) <= 64<<10 {
		*b = (*b)[:0]
		bufPool.Put(b)
	}
}

// sum256Hex appends the hex SHA-256 of data. sha256.Sum256 returns an
// array: unlike hash.Hash.Sum through an interface, nothing escapes.
func sum256Hex(dst []byte, data []byte) []byte {
	sum := sha256.Sum256(data)
	return hex.AppendEncode(dst, sum[:])
}

// hmacKeyPads appends key^pad (the key zero-padded to the 64-byte block
// of SHA-1 and SHA-256) to b. Longer keys are hashed first by the caller.
func hmacKeyPads(b []byte, key []byte, pad byte) []byte {
	var k [64]byte
	copy(k[:], key)
	n := len(b)
	b = append(b, k[:]...)
	for i := n; i < n+64; i++ {
		b[i] ^= pad
	}
	return b
}

// hmacSHA256 is HMAC-SHA256(key, msg) (RFC 2104) over one-shot
// sha256.Sum256 and a pooled buffer, without crypto/hmac's five
// allocations per call.
func hmacSHA256(key string, msg []byte) [sha256.Size]byte {
	k := []byte(key) // does not escape
	if len(k) > 64 {
		d := sha256.Sum256(k)
		k = d[:]
	}
	bp := getBuf()
	b := append(hmacKeyPads((*bp)[:0], k, 0x36), msg...)
	inner := sha256.Sum256(b)
	b = append(hmacKeyPads(b[:0], k, 0x5c), inner[:]...)
	out := sha256.Sum256(b)
	*bp = b
	putBuf(bp)
	return out
}

// hmacSHA1 is HMAC-SHA1(key, msg), likewise.
func hmacSHA1(key string, msg []byte) [sha1.Size]byte {
	return hmacSHA1Key([]byte(key), msg)
}

func hmacSHA1Key(k []byte, msg []byte) [sha1.Size]byte {
	if len(k) > 64 {
		d := sha1.Sum(k)
		k = d[:]
	}
	bp := getBuf()
	b := append(hmacKeyPads((*bp)[:0], k, 0x36), msg...)
	inner := sha1.Sum(b)
	b = append(hmacKeyPads(b[:0], k, 0x5c), inner[:]...)
	out := sha1.Sum(b)
	*bp = b
	putBuf(bp)
	return out
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
		Param{"x-acs-date", formatTime(date)},
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
	b, start, end := appendCanonical(make([]byte, 0, 512), r)
	return b, string(b[start:end])
}

// appendCanonical appends the canonical request of r to b; the signed
// header names are b[start:end].
func appendCanonical(b []byte, r *V3Request) (_ []byte, start, end int) {
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
	start = len(b)
	for i, h := range headers {
		if i > 0 {
			b = append(b, ';')
		}
		b = append(b, h.Key...)
	}
	end = len(b)
	b = append(b, '\n')
	if payloadHash == "" {
		payloadHash = EmptyBodySHA256
	}
	return append(b, payloadHash...), start, end
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
	bp := getBuf()
	canonical, start, end := appendCanonical((*bp)[:0], r)
	var sts [len(AlgorithmV3) + 1 + 2*sha256.Size]byte
	copy(sts[:], AlgorithmV3+"\n")
	hashed := sha256.Sum256(canonical)
	hex.Encode(sts[len(AlgorithmV3)+1:], hashed[:])
	sig := hmacSHA256(creds.AccessKeySecret, sts[:])
	var out strings.Builder
	out.Grow(len(AlgorithmV3) + 12 + len(creds.AccessKeyID) + 15 + (end - start) + 11 + 2*sha256.Size)
	out.WriteString(AlgorithmV3)
	out.WriteString(" Credential=")
	out.WriteString(creds.AccessKeyID)
	out.WriteString(",SignedHeaders=")
	out.Write(canonical[start:end])
	out.WriteString(",Signature=")
	var sigHex [2 * sha256.Size]byte
	hex.Encode(sigHex[:], sig[:])
	out.Write(sigHex[:])
	*bp = canonical
	putBuf(bp)
	return out.String()
}

// V3Signature returns the signature (hex) of an Authorization value made
// by SignV3, which always ends with it: for redacting echoes of it.
func V3Signature(authorization string) string {
	if len(authorization) < 2*sha256.Size {
		return ""
	}
	return authorization[len(authorization)-2*sha256.Size:]
}

// V1CommonParams returns the common parameters of a V1 request except
// Signature. format is "JSON" or "XML".
func V1CommonParams(action, version, format string, creds Credentials, date time.Time, nonce string) []Param {
	return AppendV1CommonParams(make([]Param, 0, 9), action, version, format, creds, date, nonce)
}

// AppendV1CommonParams appends the common parameters of a V1 request
// except Signature to dst, sorted by key (merge them with AppendMerged).
func AppendV1CommonParams(dst []Param, action, version, format string, creds Credentials, date time.Time, nonce string) []Param {
	dst = append(dst, Param{"AccessKeyId", creds.AccessKeyID}, Param{"Action", action}, Param{"Format", format})
	if creds.SecurityToken != "" {
		dst = append(dst, Param{"SecurityToken", creds.SecurityToken})
	}
	return append(dst,
		Param{"SignatureMethod", MethodV1},
		Param{"SignatureNonce", nonce},
		Param{"SignatureVersion", "1.0"},
		Param{"Timestamp", formatTime(date)},
		Param{"Version", version},
	)
}

// AppendMerged appends the merge of a and b, both sorted as by
// SortParams, to dst: O(n), where sorting the concatenation is O(n log n).
func AppendMerged(dst, a, b []Param) []Param {
	for len(a) > 0 && len(b) > 0 {
		if a[0].Key < b[0].Key || (a[0].Key == b[0].Key && a[0].Value <= b[0].Value) {
			dst, a = append(dst, a[0]), a[1:]
		} else {
			dst, b = append(dst, b[0]), b[1:]
		}
	}
	return append(append(dst, a...), b...)
}

// V1StringToSign returns METHOD&%2F&encode(canonical query of params).
// params must not contain Signature.
func V1StringToSign(method string, params []Param) []byte {
	sorted := slices.Clone(params)
	SortParams(sorted)
	return v1StringToSignSorted(method, sorted)
}

func v1StringToSignSorted(method string, sorted []Param) []byte {
	return appendV1StringToSign(make([]byte, 0, 768), method, sorted)
}

// appendV1StringToSign appends METHOD&%2F&encode(query) in one pass:
// encode(encode(s)) keeps the unreserved bytes and turns any other into
// %25XX; '=' and '&' of the query become %3D and %26.
func appendV1StringToSign(b []byte, method string, sorted []Param) []byte {
	b = append(b, method...)
	b = append(b, "&%2F&"...)
	for i, p := range sorted {
		if i > 0 {
			b = append(b, "%26"...)
		}
		b = appendEncodedTwice(b, p.Key)
		b = append(b, "%3D"...)
		b = appendEncodedTwice(b, p.Value)
	}
	return b
}

func appendEncodedTwice(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && unreserved[s[j]] {
			j++
		}
		dst = append(dst, s[i:j]...)
		if j < len(s) {
			c := s[j]
			dst = append(dst, '%', '2', '5', upperHex[c>>4], upperHex[c&15])
			j++
		}
		i = j
	}
	return dst
}

// SignV1 returns the value of the Signature parameter for params (every
// query and form parameter except Signature).
func SignV1(method string, params []Param, accessKeySecret string) string {
	return signV1(V1StringToSign(method, params), accessKeySecret)
}

func signV1(stringToSign []byte, accessKeySecret string) string {
	var kb [65]byte // the V1 key is the secret and "&"; on the stack when short
	sum := hmacSHA1Key(append(append(kb[:0], accessKeySecret...), '&'), stringToSign)
	var out [28]byte // base64 of 20 bytes
	base64.StdEncoding.Encode(out[:], sum[:])
	return string(out[:])
}

// SignV1Sorted is SignV1 for params already sorted with SortParams; it
// does not copy them.
func SignV1Sorted(method string, sorted []Param, accessKeySecret string) string {
	bp := getBuf()
	sts := appendV1StringToSign((*bp)[:0], method, sorted)
	sig := signV1(sts, accessKeySecret)
	*bp = sts
	putBuf(bp)
	return sig
}

// formatTime formats t in UTC as 2006-01-02T15:04:05Z, like
// t.UTC().Format(TimeFormat) without its layout interpretation.
func formatTime(t time.Time) string {
	t = t.UTC()
	y, mo, d := t.Date()
	if y < 1000 || y > 9999 {
		return t.Format(TimeFormat)
	}
	h, mi, sec := t.Clock()
	var b [20]byte
	two := func(i, v int) { b[i], b[i+1] = byte('0'+v/10), byte('0'+v%10) }
	two(0, y/100)
	two(2, y%100)
	b[4], b[7], b[10], b[13], b[16], b[19] = '-', '-', 'T', ':', ':', 'Z'
	two(5, int(mo))
	two(8, d)
	two(11, h)
	two(14, mi)
	two(17, sec)
	return string(b[:])
}
