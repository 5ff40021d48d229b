package transport

import (
	"bytes"
	"context"
	"encoding/json"
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

// fuzzSecret is the secret of the fuzz targets. It starts with a letter
// that no escape of the error text ends with (\xNN, \uNNNN, \n, \r, \t),
// so that an escape next to "ecret-fuzz-value" cannot spell it.
const fuzzSecret = "Secret-fuzz-value"

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
	f.Add(400, []byte(`{"RequestId":"R","Code":"SignatureDoesNotMatch","Message":"string to sign Secret-fuzz-value"}`))
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
			Credentials: alicloud.StaticCredentials("id", fuzzSecret, ""),
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
		if strings.Contains(err.Error(), fuzzSecret) {
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

// FuzzDecodeSuccess feeds 2xx answers, with and without a Code, to the
// decoder of a write that requires a JobId. Whatever the body: a nil error
// only for a JSON object with a RequestId, a JobId and no Code; an
// *alicloud.APIError (with that status) exactly when the body carries a
// non-empty string Code, as encoding/json reads keys; otherwise a decode
// error. The secret never appears in the error text.
func FuzzDecodeSuccess(f *testing.F) {
	for _, body := range []string{
		`{"RequestId":"R","JobId":"J"}`,
		`{"RequestId":"R","HostId":"h","Code":"Throttling","Message":"slow down"}`,
		`{"RequestId":"R","Code":"ServiceUnavailable"}`,
		`{"RequestId":"R","Code":"DryRunOperation","Message":"Request validation has been passed."}`,
		`{"RequestId":"R","Code":"ResourceNotFound.Listener","Message":"Secret-fuzz-value"}`,
		`{"requestid":"R","CODE":"Forbidden.RAM"}`,
		`{"RequestId":"R","\u0043ode":"InvalidParameter"}`,
		`{"RequestId":"R","JobId":"J","Code":null}`,
		`{"RequestId":"R","JobId":"J","Code":""}`,
		`{"RequestId":"R","JobId":"J","Code":500}`,
		`{"RequestId":"R","JobId":"J","Code":"X","Code":null}`,
		`{"RequestId":"R","JobId":"J","Message":"decode this"}`,
		`{"RequestId":"R"}`,
		`{"JobId":"J"}`,
		`{}`,
		`null`,
		`[]`,
		`"Code"`,
		``,
	} {
		f.Add(200, []byte(body))
	}
	f.Add(204, []byte(`{"RequestId":"R","Code":"Throttling.User"}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		status = 200 + (status&0x7fffffff)%100
		c, err := New(alicloud.Config{Region: "cn-hangzhou", Endpoint: "http://fuzz.invalid",
			Credentials: alicloud.StaticCredentials("id", fuzzSecret, ""),
			HTTPClient:  &http.Client{Transport: bodyTransport{status, body, int64(len(body))}},
			RateLimiter: alicloud.NoRateLimit, Retry: alicloud.RetryPolicy{MaxAttempts: 1}}, testService)
		if err != nil {
			t.Fatal(err)
		}
		var out jobResponse
		res, err := c.Do(context.Background(), &Request{Operation: "Op", Idempotent: true}, &out)
		if res.Attempts != 1 {
			t.Fatalf("attempts = %d", res.Attempts)
		}

		// The oracle: what encoding/json makes of the body.
		var probe struct {
			Code      any
			RequestId any
			JobId     any
		}
		valid := json.Unmarshal(body, &probe) == nil
		code, isString := probe.Code.(string)
		hasCode := valid && isString && code != ""

		var apiErr *alicloud.APIError
		switch {
		case err == nil:
			if !valid || probe.Code != nil && probe.Code != "" || out.RequestId == "" || out.JobId == "" {
				t.Fatalf("accepted: %q", body)
			}
			if res.RequestID == "" {
				t.Fatal("no RequestID in the result")
			}
		case errors.As(err, &apiErr):
			if !hasCode {
				t.Fatalf("APIError %v for a body without a string Code: %q", err, body)
			}
			if apiErr.HTTPStatus != status || apiErr.Code == "" {
				t.Fatalf("APIError %+v for HTTP %d", apiErr, status)
			}
		default:
			if hasCode {
				t.Fatalf("a body with Code %q is a decode error: %v", code, err)
			}
			if !strings.Contains(err.Error(), "decode response (HTTP ") {
				t.Fatalf("not a decode error: %v", err)
			}
		}
		if err != nil && strings.Contains(err.Error(), fuzzSecret) {
			t.Fatalf("secret in error: %v", err)
		}
		if err != nil && alicloud.ClientTokenOf(err) != res.ClientToken {
			t.Fatal("the error lost the ClientToken")
		}
	})
}
