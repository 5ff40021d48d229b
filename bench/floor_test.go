package bench

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The floor: what no SDK can beat. Each request is signed (V3) before the
// timer starts, one per iteration because the emulator refuses a reused
// nonce; the timed part is http.NewRequest, Client.Do, io.ReadAll and a
// json.Unmarshal of {RequestId, JobId}: what any correct client must do
// with a signed request in hand.
//
// The signer here is a third, independent V3 implementation (from the
// published description, with url.QueryEscape as Alibaba's own SDKs encode),
// so the floor proves nothing about ours and borrows nothing from it.

// presigned is one ready-to-send request.
type presigned struct {
	body   []byte
	header http.Header
}

// floorResponse is the minimal decoding of a successful answer.
type floorResponse struct {
	RequestId string
	JobId     string
}

// newHTTPTransport returns a transport with the same pool settings as this
// SDK's default client (128 idle connections per host), used by the floor
// and given to both official SDKs through their own options, so that every
// contender keeps its connections under concurrency.
func newHTTPTransport() *http.Transport {
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{
		DialContext:         dialer.DialContext,
		MaxIdleConns:        512,
		MaxIdleConnsPerHost: 128,
		IdleConnTimeout:     90 * time.Second,
	}
}

// rpcEncode percent-encodes as both signatures require (A-Z a-z 0-9 - _ . ~
// stay, everything else is %XX).
func rpcEncode(s string) string {
	e := url.QueryEscape(s)
	e = strings.ReplaceAll(e, "+", "%20")
	e = strings.ReplaceAll(e, "*", "%2A")
	return strings.ReplaceAll(e, "%7E", "~")
}

// formBody encodes params sorted by key as an RPC form body (which is also
// the canonical query string).
func formBody(params map[string]string) []byte {
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b bytes.Buffer
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(rpcEncode(k))
		b.WriteByte('=')
		b.WriteString(rpcEncode(params[k]))
	}
	return b.Bytes()
}

func randomNonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// presignV3 signs one POST / with params as its form body.
func presignV3(hostport, keyID, secret, token, action, version string, params map[string]string) presigned {
	body := formBody(params)
	sum := sha256.Sum256(body)
	headers := map[string]string{
		"content-type":          "application/x-www-form-urlencoded",
		"host":                  hostport,
		"x-acs-action":          action,
		"x-acs-content-sha256":  hex.EncodeToString(sum[:]),
		"x-acs-date":            time.Now().UTC().Format("2006-01-02T15:04:05Z"),
		"x-acs-signature-nonce": randomNonce(),
		"x-acs-version":         version,
	}
	if token != "" {
		headers["x-acs-security-token"] = token
	}
	names := make([]string, 0, len(headers))
	for k := range headers {
		names = append(names, k)
	}
	sort.Strings(names)
	var canon strings.Builder
	canon.WriteString("POST\n/\n\n") // no query string: the parameters are in the body
	for _, k := range names {
		canon.WriteString(k + ":" + headers[k] + "\n")
	}
	signed := strings.Join(names, ";")
	canon.WriteString("\n" + signed + "\n" + headers["x-acs-content-sha256"])
	hashed := sha256.Sum256([]byte(canon.String()))
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("ACS3-HMAC-SHA256\n" + hex.EncodeToString(hashed[:])))
	h := make(http.Header, len(headers)+1)
	for k, v := range headers {
		if k != "host" {
			h.Set(k, v)
		}
	}
	h.Set("Authorization", "ACS3-HMAC-SHA256 Credential="+keyID+",SignedHeaders="+signed+
		",Signature="+hex.EncodeToString(mac.Sum(nil)))
	return presigned{body: body, header: h}
}

// albParams are the operation parameters of one ALB call, as every
// contender sends them.
func albParams(it albItem) map[string]string {
	p := map[string]string{"ListenerId": it.Listener, "ClientToken": it.Token}
	for i, c := range it.Certs {
		p["Certificates."+strconv.Itoa(i+1)+".CertificateId"] = c
	}
	return p
}

// gaParams are the operation parameters of one GA call.
func gaParams(it gaItem) map[string]string {
	p := map[string]string{
		"RegionId": region, "AcceleratorId": it.Accelerator, "ListenerId": it.Listener, "ClientToken": it.Token,
	}
	for i, d := range it.Domains {
		p["Domains."+strconv.Itoa(i+1)] = d
	}
	return p
}

// floorClient posts pre-signed requests.
type floorClient struct {
	url  string
	http *http.Client
	reqs []presigned
}

// call sends request i and decodes its answer; wantJob requires a JobId.
func (f *floorClient) call(ctx context.Context, i int, wantJob bool) error {
	p := &f.reqs[i]
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.url, bytes.NewReader(p.body))
	if err != nil {
		return err
	}
	req.Header = p.header
	resp, err := f.http.Do(req)
	if err != nil {
		return err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("floor: HTTP %d: %s", resp.StatusCode, data)
	}
	var out floorResponse
	if err := json.Unmarshal(data, &out); err != nil {
		return err
	}
	if out.RequestId == "" || (wantJob && out.JobId == "") {
		return fmt.Errorf("floor: incomplete answer %s", data)
	}
	return nil
}
