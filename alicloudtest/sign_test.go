package alicloudtest

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"
)

// This is the test client's own minimal signer. It is deliberately written
// differently from the verifier in canonical.go (url.QueryEscape plus
// fix-ups, its own sorting), so that the two check each other.

func testEncode(s string) string {
	e := url.QueryEscape(s)
	e = strings.ReplaceAll(e, "+", "%20")
	e = strings.ReplaceAll(e, "*", "%2A")
	return strings.ReplaceAll(e, "%7E", "~")
}

// testCanonicalQuery sorts by key (not by the joined "k=v" string, which
// would put Domains.10 before Domains.1).
func testCanonicalQuery(v url.Values) string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		for _, x := range v[k] {
			parts = append(parts, testEncode(k)+"="+testEncode(x))
		}
	}
	return strings.Join(parts, "&")
}

func testNonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// creds is what the test client signs with.
type creds struct{ id, secret, token string }

// apiReq is one request of the test client.
type apiReq struct {
	Method   string // default POST
	Version  string
	Action   string
	Params   url.Values
	InBody   bool // parameters in a form body instead of the query string
	V1       bool // sign with V1 instead of V3
	Unsigned bool
	Creds    creds
	Date     time.Time // default: the test clock or now
	Nonce    string    // default: random
	Stamp    string    // overrides the formatted Date
	Format   string    // the V1 Format parameter; default JSON
	Accept   string    // the Accept header; default application/json
	// Tamper changes the request after signing.
	Tamper func(r *http.Request)
}

// build signs and returns the request for baseURL.
func (q apiReq) build(t testing.TB, baseURL string) *http.Request {
	t.Helper()
	method := q.Method
	if method == "" {
		method = http.MethodPost
	}
	date := q.Date
	if date.IsZero() {
		date = time.Now()
	}
	stamp := date.UTC().Format("2006-01-02T15:04:05Z")
	if q.Stamp != "" {
		stamp = q.Stamp
	}
	nonce := q.Nonce
	if nonce == "" {
		nonce = testNonce()
	}
	params := url.Values{}
	for k, vs := range q.Params {
		params[k] = append([]string(nil), vs...)
	}

	if q.V1 || q.Unsigned {
		params.Set("Action", q.Action)
		params.Set("Version", q.Version)
		params.Set("Format", "JSON")
		if q.Format != "" {
			params.Set("Format", q.Format)
		}
	}
	if q.V1 && !q.Unsigned {
		params.Set("AccessKeyId", q.Creds.id)
		params.Set("SignatureMethod", "HMAC-SHA1")
		params.Set("SignatureVersion", "1.0")
		params.Set("SignatureNonce", nonce)
		params.Set("Timestamp", stamp)
		if q.Creds.token != "" {
			params.Set("SecurityToken", q.Creds.token)
		}
		sts := method + "&%2F&" + testEncode(testCanonicalQuery(params))
		m := hmac.New(sha1.New, []byte(q.Creds.secret+"&"))
		m.Write([]byte(sts))
		params.Set("Signature", base64.StdEncoding.EncodeToString(m.Sum(nil)))
	}

	var body string
	query := params
	if q.InBody {
		body, query = params.Encode(), url.Values{}
	}
	u := strings.TrimSuffix(baseURL, "/") + "/"
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	r, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	r.Header.Set("Accept", "application/json")
	if q.Accept != "" {
		r.Header.Set("Accept", q.Accept)
	}
	if !q.V1 && !q.Unsigned {
		sum := sha256.Sum256([]byte(body))
		hdr := map[string]string{
			"host":                  r.URL.Host,
			"x-acs-action":          q.Action,
			"x-acs-version":         q.Version,
			"x-acs-date":            stamp,
			"x-acs-signature-nonce": nonce,
			"x-acs-content-sha256":  hex.EncodeToString(sum[:]),
		}
		if body != "" {
			hdr["content-type"] = "application/x-www-form-urlencoded"
		}
		if q.Creds.token != "" {
			hdr["x-acs-security-token"] = q.Creds.token
		}
		names := make([]string, 0, len(hdr))
		for n := range hdr {
			names = append(names, n)
			if n != "host" {
				r.Header.Set(n, hdr[n])
			}
		}
		sort.Strings(names)
		var canon strings.Builder
		for _, n := range names {
			canon.WriteString(n + ":" + hdr[n] + "\n")
		}
		signed := strings.Join(names, ";")
		cr := strings.Join([]string{method, "/", testCanonicalQuery(query), canon.String(), signed, hdr["x-acs-content-sha256"]}, "\n")
		crSum := sha256.Sum256([]byte(cr))
		m := hmac.New(sha256.New, []byte(q.Creds.secret))
		m.Write([]byte("ACS3-HMAC-SHA256\n" + hex.EncodeToString(crSum[:])))
		r.Header.Set("Authorization", "ACS3-HMAC-SHA256 Credential="+q.Creds.id+",SignedHeaders="+signed+",Signature="+hex.EncodeToString(m.Sum(nil)))
	}
	if q.Tamper != nil {
		q.Tamper(r)
	}
	return r
}

// resp is a decoded answer.
type resp struct {
	Status int
	Body   map[string]any
	Raw    string
	Header http.Header
}

func (r resp) code() string { s, _ := r.Body["Code"].(string); return s }

func (r resp) str(key string) string { s, _ := r.Body[key].(string); return s }

// list returns a JSON array field as objects.
func (r resp) list(key string) []map[string]any {
	xs, _ := r.Body[key].([]any)
	out := make([]map[string]any, len(xs))
	for i, x := range xs {
		out[i], _ = x.(map[string]any)
	}
	return out
}

// send performs the request with client and decodes the JSON answer.
func send(t testing.TB, client *http.Client, r *http.Request) (resp, error) {
	t.Helper()
	res, err := client.Do(r)
	if err != nil {
		return resp{}, err
	}
	return decode(t, res)
}

// decode reads a JSON answer.
func decode(t testing.TB, res *http.Response) (resp, error) {
	t.Helper()
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return resp{}, err
	}
	out := resp{Status: res.StatusCode, Raw: string(raw), Header: res.Header}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/xml") {
		out.Body = xmlTopLevel(t, raw)
		return out, nil
	}
	if err := json.Unmarshal(raw, &out.Body); err != nil {
		t.Fatalf("answer is not JSON (status %d): %q", res.StatusCode, raw)
	}
	return out, nil
}

// xmlTopLevel decodes the scalar fields of an XML answer (the children of
// its root element) as strings, enough for an error answer.
func xmlTopLevel(t testing.TB, raw []byte) map[string]any {
	t.Helper()
	var doc struct {
		Fields []struct {
			XMLName xml.Name
			Text    string `xml:",chardata"`
		} `xml:",any"`
	}
	if err := xml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("answer is not XML: %q", raw)
	}
	out := map[string]any{}
	for _, f := range doc.Fields {
		out[f.XMLName.Local] = f.Text
	}
	return out
}
