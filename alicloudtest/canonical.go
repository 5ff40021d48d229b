package alicloudtest

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"sort"
	"strings"
)

// This file is the verifier's own canonicalization, written from the
// published description of signatures V1 and V3 and sharing nothing with the
// SDK's signer, so that a bug cannot hide in both.

const (
	acs3Algorithm     = "ACS3-HMAC-SHA256"
	emptyBodySHA256   = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	upperHex          = "0123456789ABCDEF"
	headerAuthz       = "Authorization"
	headerAction      = "x-acs-action"
	headerVersion     = "x-acs-version"
	headerDate        = "x-acs-date"
	headerNonce       = "x-acs-signature-nonce"
	headerContentHash = "x-acs-content-sha256"
	headerToken       = "x-acs-security-token"
)

// unreserved reports whether c is left as is by the services' percent
// encoding: A-Z a-z 0-9 - _ . ~
func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

// percentEncode encodes every byte but the unreserved ones as %XX (upper
// case), so a space is %20 and '*' is %2A.
func percentEncode(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(upperHex[c>>4])
		b.WriteByte(upperHex[c&15])
	}
	return b.String()
}

// canonicalQuery is the canonicalized query string of both signature
// versions: every key=value pair except those named in skip, sorted by the
// raw key (then value), keys and values percent-encoded, joined with '&'. An empty
// value is written "k=".
func canonicalQuery(params url.Values, skip string) string {
	// Sorted by the raw names (then values) and encoded afterwards, as the
	// signature documents order the steps: "X0" comes before "X\xc4" even
	// though "X%C4" < "X0".
	type pair struct{ k, v string }
	pairs := make([]pair, 0, len(params))
	for k, vs := range params {
		if k == skip {
			continue
		}
		for _, v := range vs {
			pairs = append(pairs, pair{k, v})
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(percentEncode(p.k))
		b.WriteByte('=')
		b.WriteString(percentEncode(p.v))
	}
	return b.String()
}

// v3Header is one signed header: lower-case name and trimmed value.
type v3Header struct{ name, value string }

// canonicalRequestV3 builds the ACS3 canonical request: method, canonical
// URI "/", canonical query, one "name:value\n" line per signed header (in the
// given order, which the caller has checked is sorted), the signed header
// names joined with ';', and the hashed payload.
func canonicalRequestV3(method string, query url.Values, headers []v3Header, hashedPayload string) string {
	var b strings.Builder
	b.WriteString(method)
	b.WriteString("\n/\n")
	b.WriteString(canonicalQuery(query, ""))
	b.WriteByte('\n')
	for _, h := range headers {
		b.WriteString(h.name)
		b.WriteByte(':')
		b.WriteString(h.value)
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	for i, h := range headers {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(h.name)
	}
	b.WriteByte('\n')
	b.WriteString(hashedPayload)
	return b.String()
}

// stringToSignV3 is "ACS3-HMAC-SHA256\n" + hex(SHA-256(canonical request)).
func stringToSignV3(canonicalRequest string) string {
	sum := sha256.Sum256([]byte(canonicalRequest))
	return acs3Algorithm + "\n" + hex.EncodeToString(sum[:])
}

// signatureV3 is hex(HMAC-SHA256(secret, stringToSign)).
func signatureV3(secret, stringToSign string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(stringToSign))
	return hex.EncodeToString(m.Sum(nil))
}

// stringToSignV1 is METHOD + "&%2F&" + percentEncode(canonicalized query of
// every parameter but Signature).
func stringToSignV1(method string, params url.Values) string {
	return method + "&" + percentEncode("/") + "&" + percentEncode(canonicalQuery(params, "Signature"))
}

// signatureV1 is base64(HMAC-SHA1(secret + "&", stringToSign)).
func signatureV1(secret, stringToSign string) string {
	m := hmac.New(sha1.New, []byte(secret+"&"))
	m.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// hexSHA256 is the lower-case hex SHA-256 of b.
func hexSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
