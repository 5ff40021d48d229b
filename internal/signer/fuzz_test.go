package signer

import (
	"net/url"
	"slices"
	"strings"
	"testing"
)

// FuzzEncode checks the percent-encoding both signatures depend on: only
// unreserved bytes and %XX triplets come out, and decoding gives the input back.
func FuzzEncode(f *testing.F) {
	for _, s := range []string{"", "a b", "*", "~", "/", "证书", "%", "+", "\x00\xff", "2016-02-23T12:46:24Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		enc := Encode(s)
		for i := 0; i < len(enc); i++ {
			c := enc[i]
			if c == '%' {
				if i+2 >= len(enc) || !strings.ContainsRune(upperHex, rune(enc[i+1])) || !strings.ContainsRune(upperHex, rune(enc[i+2])) {
					t.Fatalf("bad escape in %q", enc)
				}
				i += 2
				continue
			}
			if !unreserved[c] {
				t.Fatalf("reserved byte %q left unencoded in %q", c, enc)
			}
		}
		dec, err := url.PathUnescape(enc)
		if err != nil || dec != s {
			t.Fatalf("Encode(%q) = %q does not decode back (%q, %v)", s, enc, dec, err)
		}
	})
}

// FuzzCanonicalQuery checks that the canonical query is sorted, parses back
// to the same parameters, and does not depend on the input order.
func FuzzCanonicalQuery(f *testing.F) {
	f.Add("ListenerId", "lsn-1", "Certificates.1.CertificateId", "a b*~")
	f.Add("k", "", "k", "v")
	f.Add("Domains.10", "x", "Domains.2", "é")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		params := []Param{{k1, v1}, {k2, v2}}
		q := CanonicalQuery(params)
		if rev := CanonicalQuery([]Param{{k2, v2}, {k1, v1}}); rev != q {
			t.Fatalf("order-dependent: %q vs %q", q, rev)
		}
		parsed, err := url.ParseQuery(q)
		if err != nil {
			t.Fatalf("ParseQuery(%q): %v", q, err)
		}
		want := url.Values{}
		for _, p := range params {
			want.Add(p.Key, p.Value)
		}
		for k, vs := range want {
			got := slices.Clone(parsed[k])
			slices.Sort(got)
			slices.Sort(vs)
			if !slices.Equal(got, vs) {
				t.Fatalf("key %q: got %q, want %q (query %q)", k, got, vs, q)
			}
		}
		// Sorted by the raw (unencoded) key, then value, as the official
		// SDKs sort: "0" comes before "\x7f" although "%7F" < "0".
		var decoded []Param
		for _, pair := range strings.Split(q, "&") {
			k, v, _ := strings.Cut(pair, "=")
			dk, _ := url.PathUnescape(k)
			dv, _ := url.PathUnescape(v)
			decoded = append(decoded, Param{dk, dv})
		}
		if !slices.IsSortedFunc(decoded, func(a, b Param) int {
			if c := strings.Compare(a.Key, b.Key); c != 0 {
				return c
			}
			return strings.Compare(a.Value, b.Value)
		}) {
			t.Fatalf("not sorted: %q", q)
		}
	})
}
