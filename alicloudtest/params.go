package alicloudtest

import (
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
)

// requiredParam returns a parameter that must be present and non-empty.
func requiredParam(p url.Values, name string) (string, *apiError) {
	v := p.Get(name)
	if v == "" {
		return "", missingParameter(name)
	}
	return v, nil
}

// boolParam parses an optional "true" / "false" parameter.
func boolParam(p url.Values, name string) (bool, *apiError) {
	switch v := p.Get(name); v {
	case "":
		if _, present := p[name]; present {
			return false, invalidParameter(name, "%q is not a boolean; use true or false", v)
		}
		return false, nil
	case "true":
		return true, nil
	case "false":
		return false, nil
	default:
		return false, invalidParameter(name, "%q is not a boolean; use true or false", v)
	}
}

// intParam parses an optional integer parameter within [lo, hi].
func intParam(p url.Values, name string, def, lo, hi int) (int, *apiError) {
	v := p.Get(name)
	if v == "" {
		if _, present := p[name]; present {
			return 0, invalidParameter(name, "the value is empty")
		}
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, invalidParameter(name, "%q is not an integer", v)
	}
	if n < lo || n > hi {
		return 0, invalidParameter(name, "%d is out of range [%d, %d]", n, lo, hi)
	}
	return n, nil
}

// clientToken returns the optional ClientToken: at most 64 printable ASCII
// characters.
func clientToken(p url.Values) (string, *apiError) {
	t := p.Get("ClientToken")
	if len(t) > 64 {
		return "", invalidParameter("ClientToken", "it is longer than 64 characters")
	}
	for i := 0; i < len(t); i++ {
		if t[i] < 0x20 || t[i] > 0x7e {
			return "", invalidParameter("ClientToken", "it may contain only printable ASCII characters")
		}
	}
	return t, nil
}

// listParam collects a flattened array parameter, prefix + N + suffix with
// 1-based contiguous indexes (Certificates.1.CertificateId, Domains.1, ...).
// Parameters that merely share the prefix are ignored, as the services
// ignore unknown parameters. Values must be non-empty and distinct; at most
// max items (max <= 0: no limit).
func listParam(p url.Values, prefix, suffix string, max int) ([]string, *apiError) {
	display := prefix + "N" + suffix
	byIndex, aerr := indexedParams(p, prefix, suffix)
	if aerr != nil {
		return nil, aerr
	}
	if max > 0 && len(byIndex) > max {
		return nil, invalidParameter(display, "%d items given, at most %d allowed", len(byIndex), max)
	}
	out := make([]string, len(byIndex))
	seen := make(map[string]int, len(byIndex))
	for i := range out {
		v, ok := byIndex[i+1]
		if !ok {
			return nil, invalidParameter(display, "indexes must run from 1 to %d without gaps; %s%d%s is missing",
				len(byIndex), prefix, i+1, suffix)
		}
		if j, dup := seen[v]; dup {
			return nil, invalidParameter(display, "%q is given twice (items %d and %d)", v, j, i+1)
		}
		seen[v] = i + 1
		out[i] = v
	}
	return out, nil
}

// Page tokens are opaque to clients: base64 of "p1|<offset>|<scope>", where
// scope ties the token to the listing it came from.

func encodePageToken(scope string, offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("p1|" + strconv.Itoa(offset) + "|" + scope))
}

// pageOffset decodes the NextToken parameter for a listing of scope.
func pageOffset(p url.Values, scope string) (int, *apiError) {
	tok := p.Get("NextToken")
	if tok == "" {
		return 0, nil
	}
	bad := invalidParameter("NextToken", "the token %q is not one this listing returned", tok)
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, bad
	}
	rest, ok := strings.CutPrefix(string(raw), "p1|")
	if !ok {
		return 0, bad
	}
	num, sc, ok := strings.Cut(rest, "|")
	if !ok || sc != scope {
		return 0, bad
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 {
		return 0, bad
	}
	return n, nil
}

// page cuts [offset, offset+max) out of n items and returns the bounds and
// the NextToken ("" on the last page).
func page(n, offset, max int, scope string) (lo, hi int, next string) {
	lo = min(offset, n)
	hi = min(lo+max, n)
	if hi < n {
		next = encodePageToken(scope, hi)
	}
	return lo, hi, next
}
