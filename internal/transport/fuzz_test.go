package transport

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/listenercerts/alicloud"
)

// bodyTransport answers every request with one status and body.
type bodyTransport struct {
	status int
	body   []byte
	length int64 // the announced Content-Length; -1: unknown (chunked)
}

func (t bodyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: t.status, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(t.body)), ContentLength: t.length, Request: r}, nil
}

// FuzzDecodeResponse feeds arbitrary statuses and bodies to the response
// decoder: it must never panic, must classify every answer (success, an
// *alicloud.APIError, or a decode error), and must keep the secret out of
// the error text whatever the body echoes.
func FuzzDecodeResponse(f *testing.F) {
	f.Add(200, []byte(`{"RequestId":"R","JobId":"J"}`))
	f.Add(400, []byte(`{"RequestId":"R","HostId":"h","Code":"Throttling.User","Message":"m","Recommend":"u"}`))
	f.Add(404, []byte(`{"RequestId":"R","Code":"ResourceNotFound.Listener","Message":"The specified resource lsn-1 is not found."}`))
	f.Add(502, []byte(`<html><body>Bad Gateway</body></html>`))
	f.Add(200, []byte(`{"RequestId":"R","JobId":`))
	f.Add(400, []byte(`{"Code":123}`))
	f.Add(500, []byte{})
	f.Add(200, []byte(`null`))
	f.Add(400, []byte(`{"RequestId":"R","Code":"SignatureDoesNotMatch","Message":"string to sign fuzz-secret-value"}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 999 {
			status = 200 + (status&0x7fffffff)%400
		}
		// Announce the true length, none (chunked), or a wrong one.
		length := int64(len(body))
		switch status % 3 {
		case 1:
			length = -1
		case 2:
			length += int64(status%5) - 2
		}
		c, err := New(alicloud.Config{Region: "cn-hangzhou", Endpoint: "http://fuzz.invalid",
			Credentials: alicloud.StaticCredentials("id", "fuzz-secret-value", ""),
			HTTPClient:  &http.Client{Transport: bodyTransport{status, body, length}},
			RateLimiter: alicloud.NoRateLimit, Retry: alicloud.RetryPolicy{MaxAttempts: 1}}, testService)
		if err != nil {
			t.Fatal(err)
		}
		var out testResponse
		res, err := c.Do(context.Background(), &Request{Operation: "Op", Idempotent: true}, &out)
		if res.Attempts != 1 {
			t.Fatalf("attempts = %d", res.Attempts)
		}
		if err == nil {
			if status < 200 || status > 299 {
				t.Fatalf("HTTP %d accepted as success", status)
			}
			if length > int64(len(body)) {
				t.Fatalf("a body shorter than announced (%d of %d) accepted", len(body), length)
			}
			return
		}
		if strings.Contains(err.Error(), "fuzz-secret-value") {
			t.Fatalf("secret in error: %v", err)
		}
		var apiErr *alicloud.APIError
		if errors.As(err, &apiErr) {
			if apiErr.HTTPStatus != status {
				t.Fatalf("APIError status %d, want %d", apiErr.HTTPStatus, status)
			}
			return
		}
		if status >= 200 && status < 300 && !strings.Contains(err.Error(), "decode response") && !strings.Contains(err.Error(), "read response") {
			t.Fatalf("2xx failure is not a decode error: %v", err)
		}
	})
}
