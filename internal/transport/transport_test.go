package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/ctxsleep"
	"github.com/listenercerts/alicloud/internal/signer"
	"github.com/listenercerts/alicloud/internal/testserver"
)

const (
	testKeyID  = "LTAI-test-key-id"
	testSecret = "test-secret-value-0123456789"
	testToken  = "CAIS+sts/security=token+abcdefghijklmnop/=="
)

var testService = Service{
	Name:       "svc",
	Version:    "2020-01-01",
	Host:       func(region string, vpc bool) string { return "svc." + region + ".example.com" },
	IsConflict: func(code, _ string) bool { return code == "ResourceInConfiguring.Listener" },
}

// Short names for the shared scripted server.
var (
	ok       = testserver.OK
	svcError = testserver.Error
)

type testResponse struct {
	RequestId string
	JobId     string
}

func (r *testResponse) RequestID() string { return r.RequestId }

// newTestClient builds a client against srv with instant, recorded sleeps.
func newTestClient(t *testing.T, srv *testserver.Server, mutate func(*alicloud.Config)) (*Client, *[]time.Duration) {
	t.Helper()
	cfg := alicloud.Config{
		Region:      "cn-hangzhou",
		Credentials: alicloud.StaticCredentials(testKeyID, testSecret, ""),
		Endpoint:    srv.URL,
		RateLimiter: alicloud.NoRateLimit,
	}
	if mutate != nil {
		mutate(&cfg)
	}
	c, err := New(cfg, testService)
	require.NoError(t, err)
	var mu sync.Mutex
	sleeps := &[]time.Duration{}
	c.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		*sleeps = append(*sleeps, d)
		mu.Unlock()
		return ctx.Err()
	}
	return c, sleeps
}

func call(c *Client, ctx context.Context, token string) (Result, *testResponse, error) {
	var out testResponse
	res, err := c.Do(ctx, &Request{
		Operation:   "DoThing",
		Params:      []signer.Param{{Key: "ListenerId", Value: "lsn-1"}},
		Idempotent:  true,
		ClientToken: token,
	}, &out)
	return res, &out, err
}

func TestThrottledTwiceThenSuccess(t *testing.T) {
	srv := testserver.New(t,
		svcError(400, "Throttling.User"),
		svcError(400, "Throttling.User"),
		ok(`{"RequestId":"RID-OK","JobId":"job-1"}`))
	c, sleeps := newTestClient(t, srv, nil)

	res, out, err := call(c, context.Background(), "")
	require.NoError(t, err)
	assert.Equal(t, 3, res.Attempts)
	assert.Equal(t, "RID-OK", res.RequestID)
	assert.Equal(t, "job-1", out.JobId)
	assert.Len(t, *sleeps, 2)

	reqs := srv.Requests()
	require.Len(t, reqs, 3)
	token := reqs[0].Form.Get("ClientToken")
	assert.Len(t, token, 36, "a generated UUID")
	assert.Equal(t, res.ClientToken, token)
	nonces := map[string]bool{}
	for _, r := range reqs {
		assert.Equal(t, token, r.Form.Get("ClientToken"), "every attempt carries the same ClientToken")
		nonces[r.Header.Get("x-acs-signature-nonce")] = true
	}
	assert.Len(t, nonces, 3, "every attempt has a fresh nonce")
}

func TestCallerClientTokenIsKept(t *testing.T) {
	srv := testserver.New(t, svcError(503, "ServiceUnavailable"), ok(`{"RequestId":"R"}`))
	c, _ := newTestClient(t, srv, nil)
	_, _, err := call(c, context.Background(), "my-token-1")
	require.NoError(t, err)
	for _, r := range srv.Requests() {
		assert.Equal(t, []string{"my-token-1"}, r.Form["ClientToken"])
	}
}

func TestRetryClassification(t *testing.T) {
	tests := []struct {
		name     string
		answer   testserver.Answer
		attempts int
	}{
		{"throttling", svcError(400, "Throttling"), 5},
		{"throttling api", svcError(400, "Throttling.Api"), 5},
		{"rejected throttling", svcError(400, "Rejected.Throttling"), 5},
		{"503", svcError(503, "ServiceUnavailable"), 5},
		{"500", svcError(500, "InternalError"), 5},
		{"502 html page", testserver.Answer{Status: 502, Body: "<html>bad gateway</html>", ContentType: "text/html"}, 5},
		{"429 no body", testserver.Answer{Status: 429}, 5},
		{"dropped connection", testserver.Answer{Drop: true}, 5},
		{"nonce used (a fresh nonce fixes it)", svcError(400, "SignatureNonceUsed"), 5},
		{"not found", svcError(404, "ResourceNotFound.Listener"), 1},
		{"invalid parameter", svcError(400, "InvalidParameter"), 1},
		{"signature", svcError(400, "SignatureDoesNotMatch"), 1},
		{"forbidden", svcError(403, "Forbidden.RAM"), 1},
		{"unknown 400", svcError(400, "SomethingElse"), 1},
		{"html 400", testserver.Answer{Status: 400, Body: "<html>", ContentType: "text/html"}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := testserver.New(t, tc.answer)
			c, sleeps := newTestClient(t, srv, nil)
			res, _, err := call(c, context.Background(), "")
			require.Error(t, err)
			assert.Equal(t, tc.attempts, res.Attempts)
			assert.Len(t, srv.Requests(), tc.attempts)
			assert.Len(t, *sleeps, tc.attempts-1)
			var apiErr *alicloud.APIError
			if errors.As(err, &apiErr) {
				assert.Equal(t, tc.attempts, apiErr.Attempts)
			}
		})
	}
}

func TestMaxAttemptsFromPolicy(t *testing.T) {
	srv := testserver.New(t, svcError(503, "ServiceUnavailable"))
	c, _ := newTestClient(t, srv, func(cfg *alicloud.Config) { cfg.Retry.MaxAttempts = 2 })
	res, _, err := call(c, context.Background(), "")
	require.Error(t, err)
	assert.Equal(t, 2, res.Attempts)
}

func TestAPIErrorKeepsEveryField(t *testing.T) {
	srv := testserver.New(t, testserver.Answer{Status: 404, Body: `{"RequestId":"R-1","HostId":"alb.cn-hangzhou.aliyuncs.com","Code":"ResourceNotFound.Listener","Message":"The specified resource lsn-1 is not found.","Recommend":"https://api.aliyun.com/troubleshoot?q=ResourceNotFound.Listener"}`})
	c, _ := newTestClient(t, srv, nil)
	_, _, err := call(c, context.Background(), "")
	var apiErr *alicloud.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, alicloud.APIError{
		Service: "svc", Operation: "DoThing", HTTPStatus: 404, Code: "ResourceNotFound.Listener",
		Message: "The specified resource lsn-1 is not found.", RequestID: "R-1",
		HostID: "alb.cn-hangzhou.aliyuncs.com", Recommend: "https://api.aliyun.com/troubleshoot?q=ResourceNotFound.Listener",
		Attempts: 1,
	}, *apiErr)
	assert.ErrorIs(t, err, alicloud.ErrNotFound)
	assert.Equal(t, "svc DoThing: ResourceNotFound.Listener: The specified resource lsn-1 is not found. (HTTP 404, RequestId R-1)", err.Error())
}

func TestNonJSONBodies(t *testing.T) {
	tests := []struct {
		name   string
		answer testserver.Answer
		want   string
	}{
		{"proxy page", testserver.Answer{Status: 400, Body: "<html><body>Bad request</body></html>", ContentType: "text/html"}, "HTTP 400"},
		{"truncated error json", testserver.Answer{Status: 400, Body: `{"Code":"Throt`}, "not a service error body"},
		{"empty error", testserver.Answer{Status: 403}, "HTTP 403"},
		{"success not json", testserver.Answer{Status: 200, Body: "<html>captive portal</html>", ContentType: "text/html"}, "decode response (HTTP 200, text/html"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := testserver.New(t, tc.answer)
			c, _ := newTestClient(t, srv, nil)
			_, _, err := call(c, context.Background(), "")
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestOversizedBodyIsBounded(t *testing.T) {
	big := `{"RequestId":"R","JobId":"` + strings.Repeat("x", MaxResponseBytes) + `"}`
	srv := testserver.New(t, ok(big))
	c, _ := newTestClient(t, srv, func(cfg *alicloud.Config) { cfg.Retry.MaxAttempts = 1 })
	_, _, err := call(c, context.Background(), "")
	require.ErrorIs(t, err, errBodyTooLarge)
}

func TestCancelDuringBackoffReturnsPromptly(t *testing.T) {
	srv := testserver.New(t, svcError(503, "ServiceUnavailable"))
	c, _ := newTestClient(t, srv, func(cfg *alicloud.Config) {
		cfg.Retry.BaseDelay = time.Hour
		cfg.Retry.MaxDelay = time.Hour
	})
	c.jitter = func(n int64) int64 { return n - 1 }
	err := cancelDuringTheFirstSleep(t, c)
	assert.ErrorIs(t, err, context.Canceled)
	var apiErr *alicloud.APIError
	assert.ErrorAs(t, err, &apiErr, "the last attempt's error stays reachable")
	assert.Equal(t, 1, apiErr.Attempts)
}

// cancelDuringTheFirstSleep makes a call, cancels its context once the
// client sleeps (a real, cancellable sleep) and returns the call's error;
// it fails the test unless the call returns within 100 ms of the cancel.
func cancelDuringTheFirstSleep(t *testing.T, c *Client) error {
	t.Helper()
	sleeping := make(chan struct{})
	c.sleep = func(ctx context.Context, d time.Duration) error {
		close(sleeping)
		return ctxsleep.Sleep(ctx, d)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, _, err := call(c, ctx, "")
		done <- err
	}()
	<-sleeping
	cancel()
	select {
	case err := <-done:
		return err
	case <-time.After(100 * time.Millisecond):
		t.Fatal("Do did not return within 100 ms of cancellation")
		return nil
	}
}

func TestDeadlineDuringBackoff(t *testing.T) {
	srv := testserver.New(t, svcError(400, "Throttling.User"))
	c, _ := newTestClient(t, srv, func(cfg *alicloud.Config) { cfg.Retry.BaseDelay = time.Hour; cfg.Retry.MaxDelay = time.Hour })
	c.sleep = ctxsleep.Sleep
	c.jitter = func(n int64) int64 { return n - 1 }
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, _, err := call(c, ctx, "")
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.ErrorIs(t, err, alicloud.ErrThrottled)
}

func TestCanceledBeforeStart(t *testing.T) {
	srv := testserver.New(t, ok(`{"RequestId":"R"}`))
	c, _ := newTestClient(t, srv, func(cfg *alicloud.Config) { cfg.RateLimiter = alicloud.NewRateLimiter(nil) })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := call(c, ctx, "")
	assert.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, srv.Requests())
}

func TestBackoffIsFullJitterCapped(t *testing.T) {
	c := &Client{jitter: func(n int64) int64 { return n - 1 }}
	base, max := 100*time.Millisecond, time.Second
	want := []time.Duration{100, 200, 400, 800, 1000, 1000}
	for n, w := range want {
		assert.Equal(t, w*time.Millisecond-1, c.backoff(base, max, n), "retry %d", n)
	}
	assert.Equal(t, max-1, c.backoff(base, max, 80), "no overflow for large n")
	c.jitter = func(n int64) int64 { return 0 }
	assert.Equal(t, time.Duration(0), c.backoff(base, max, 3), "full jitter reaches zero")
}

func TestBusyAnswersAreRetriedByDefault(t *testing.T) {
	for _, code := range []string{"ResourceInConfiguring.Listener", "IdempotenceProcessing", "SystemBusy"} {
		t.Run(code, func(t *testing.T) {
			srv := testserver.New(t, svcError(400, code), svcError(400, code), ok(`{"RequestId":"R","JobId":"J"}`))
			c, sleeps := newTestClient(t, srv, nil) // no option set
			c.jitter = func(n int64) int64 { return 0 }
			res, out, err := call(c, context.Background(), "")
			require.NoError(t, err)
			assert.Equal(t, "J", out.JobId)
			assert.Equal(t, 3, res.Attempts)
			assert.Len(t, srv.Requests(), 3)
			assert.Len(t, tokensOf(srv), 1, "one ClientToken for every attempt")
			assert.Equal(t, []time.Duration{alicloud.DefaultConflictBaseDelay / 2, alicloud.DefaultConflictBaseDelay},
				*sleeps, "busy backoff: at least half of a doubling ceiling")
		})
	}
}

func tokensOf(srv *testserver.Server) map[string]bool {
	tokens := map[string]bool{}
	for _, r := range srv.Requests() {
		tokens[r.Form.Get("ClientToken")] = true
	}
	return tokens
}

func TestBusyRetriesDoNotCountAgainstMaxAttempts(t *testing.T) {
	busy := svcError(400, "ResourceInConfiguring.Listener")
	srv := testserver.New(t, busy, busy, busy, busy, busy, busy, ok(`{"RequestId":"R","JobId":"J"}`))
	c, sleeps := newTestClient(t, srv, func(cfg *alicloud.Config) { cfg.Retry.MaxAttempts = 2 })
	c.jitter = func(n int64) int64 { return n - 1 }
	res, out, err := call(c, context.Background(), "")
	require.NoError(t, err)
	assert.Equal(t, "J", out.JobId)
	assert.Equal(t, 7, res.Attempts, "busy retries do not count against MaxAttempts")
	assert.Equal(t, alicloud.DefaultConflictBaseDelay-1, (*sleeps)[0], "busy answers back off longer")
	assert.Equal(t, alicloud.DefaultConflictMaxDelay-1, (*sleeps)[5], "capped at ConflictMaxDelay")
	assert.Len(t, tokensOf(srv), 1)
}

func TestDisableConflictRetry(t *testing.T) {
	for _, code := range []string{"ResourceInConfiguring.Listener", "IdempotenceProcessing", "SystemBusy"} {
		t.Run(code, func(t *testing.T) {
			srv := testserver.New(t, svcError(400, code), ok(`{"RequestId":"R","JobId":"J"}`))
			c, _ := newTestClient(t, srv, func(cfg *alicloud.Config) { cfg.Retry.DisableConflictRetry = true })
			res, _, err := call(c, context.Background(), "")
			assert.ErrorIs(t, err, alicloud.ErrConflict)
			assert.Equal(t, 1, res.Attempts)
			assert.Len(t, srv.Requests(), 1)
			assert.NotEmpty(t, alicloud.ClientTokenOf(err))
		})
	}
}

func TestBusyRetryBoundedByMaxConflictWait(t *testing.T) {
	srv := testserver.New(t, svcError(400, "ResourceInConfiguring.Listener"))
	c, _ := newTestClient(t, srv, func(cfg *alicloud.Config) { cfg.Retry.MaxConflictWait = time.Minute })
	// A clock that moves only when the client sleeps: what the client
	// waits is exactly what bounds it.
	var now time.Time
	var slept time.Duration
	sleeps := 0
	c.now = func() time.Time { return now }
	c.sleep = func(ctx context.Context, d time.Duration) error {
		if sleeps++; sleeps > 100 {
			return errors.New("unbounded: still retrying after 100 sleeps")
		}
		now, slept = now.Add(d), slept+d
		return nil
	}
	c.jitter = func(n int64) int64 { return n - 1 }
	res, _, err := call(c, context.Background(), "")
	require.ErrorIs(t, err, alicloud.ErrConflict)
	assert.NotContains(t, err.Error(), "unbounded")
	assert.Equal(t, time.Minute, slept, "busy retries sleep until MaxConflictWait, and not beyond")
	assert.Equal(t, sleeps+1, res.Attempts, "one attempt after each sleep, then the bound ends it")
}

func TestIncorrectStatusOfAStoppedListenerIsNotRetried(t *testing.T) {
	// The alb service's rule, as alb.New configures it: [Configuring] is
	// busy, [Stopped] is not.
	svc := testService
	svc.IsConflict = func(code, message string) bool {
		return code == "IncorrectStatus.Listener" && !strings.Contains(message, "[Stopped]")
	}
	for _, tc := range []struct {
		message  string
		attempts int
	}{
		{"The status of lsn-1 [Configuring] is incorrect.", 2},
		{"The status of lsn-1 [Stopped] is incorrect.", 1},
	} {
		srv := testserver.New(t, testserver.Answer{Status: 400, Body: `{"RequestId":"R","Code":"IncorrectStatus.Listener","Message":"` + tc.message + `"}`},
			ok(`{"RequestId":"R","JobId":"J"}`))
		c, err := New(alicloud.Config{Region: "cn-hangzhou", Credentials: alicloud.StaticCredentials(testKeyID, testSecret, ""),
			Endpoint: srv.URL, RateLimiter: alicloud.NoRateLimit}, svc)
		require.NoError(t, err)
		c.sleep = func(ctx context.Context, d time.Duration) error { return nil }
		res, _, _ := call(c, context.Background(), "")
		assert.Equal(t, tc.attempts, res.Attempts, tc.message)
	}
}

func TestCancelDuringBusyBackoffReturnsPromptly(t *testing.T) {
	srv := testserver.New(t, svcError(400, "ResourceInConfiguring.Listener"))
	c, _ := newTestClient(t, srv, func(cfg *alicloud.Config) {
		cfg.Retry.ConflictBaseDelay = time.Hour
		cfg.Retry.ConflictMaxDelay = time.Hour
	})
	err := cancelDuringTheFirstSleep(t, c)
	assert.ErrorIs(t, err, context.Canceled)
	var apiErr *alicloud.APIError
	assert.ErrorAs(t, err, &apiErr, "the busy answer stays reachable")
	assert.NotEmpty(t, alicloud.ClientTokenOf(err))
}

func TestWireFormatV3(t *testing.T) {
	srv := testserver.New(t, ok(`{"RequestId":"R"}`))
	c, _ := newTestClient(t, srv, func(cfg *alicloud.Config) {
		cfg.Credentials = alicloud.StaticCredentials(testKeyID, testSecret, testToken)
		cfg.UserAgent = "my-automation/2"
	})
	fixed := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return fixed }
	c.nonce = func() string { return "nonce-1" }
	var out testResponse
	_, err := c.Do(context.Background(), &Request{Operation: "DoThing", Params: []signer.Param{
		{Key: "Name", Value: "a b*~/é"}, {Key: "ListenerId", Value: "lsn-1"}}}, &out)
	require.NoError(t, err)
	r := srv.Requests()[0]
	assert.Equal(t, "ListenerId=lsn-1&Name=a%20b%2A~%2F%C3%A9", r.Body, "sorted, strictly encoded form body")
	assert.Equal(t, "a b*~/é", r.Form.Get("Name"))
	assert.Empty(t, r.Form["ClientToken"], "a read operation carries no ClientToken")
	assert.Equal(t, "DoThing", r.Header.Get("x-acs-action"))
	assert.Equal(t, "2020-01-01", r.Header.Get("x-acs-version"))
	assert.Equal(t, "2026-11-25T10:00:00Z", r.Header.Get("x-acs-date"))
	assert.Equal(t, "nonce-1", r.Header.Get("x-acs-signature-nonce"))
	assert.Equal(t, testToken, r.Header.Get("x-acs-security-token"))
	assert.Equal(t, signer.HashHex([]byte(r.Body)), r.Header.Get("x-acs-content-sha256"))
	assert.Equal(t, []string{"application/x-www-form-urlencoded"}, r.Header.Values("Content-Type"), "exactly one Content-Type")
	for name, values := range r.Header {
		assert.Len(t, values, 1, "header %s sent once", name)
	}
	assert.Equal(t, "application/json", r.Header.Get("Accept"))
	assert.Regexp(t, `^listenercerts-alicloud-go/\S+ \(go\S+; \w+/\w+\) svc/2020-01-01 my-automation/2$`, r.Header.Get("User-Agent"))
	assert.Regexp(t, `^ACS3-HMAC-SHA256 Credential=LTAI-test-key-id,SignedHeaders=content-type;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version,Signature=[0-9a-f]{64}$`,
		r.Header.Get("Authorization"))
}

func TestWireFormatV1(t *testing.T) {
	srv := testserver.New(t, ok(`{"RequestId":"R"}`))
	c, _ := newTestClient(t, srv, func(cfg *alicloud.Config) { cfg.SignatureVersion = alicloud.SignatureV1 })
	_, _, err := call(c, context.Background(), "tok")
	require.NoError(t, err)
	r := srv.Requests()[0]
	for k, v := range map[string]string{
		"Action": "DoThing", "Version": "2020-01-01", "Format": "JSON", "AccessKeyId": testKeyID,
		"SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0", "ListenerId": "lsn-1", "ClientToken": "tok",
	} {
		assert.Equal(t, v, r.Form.Get(k), k)
	}
	assert.NotEmpty(t, r.Form.Get("SignatureNonce"))
	assert.NotEmpty(t, r.Form.Get("Timestamp"))
	assert.Empty(t, r.Header.Get("Authorization"))
	// The signature covers every parameter but itself.
	var params []signer.Param
	for k, vs := range r.Form {
		if k != "Signature" {
			params = append(params, signer.Param{Key: k, Value: vs[0]})
		}
	}
	assert.Equal(t, signer.SignV1("POST", params, testSecret), r.Form.Get("Signature"))
}

func TestSecretsNeverInErrorsOrLogs(t *testing.T) {
	// The service echoes its string-to-sign; with V1 it contains the token.
	echo := fmt.Sprintf(`{"RequestId":"R","Code":"SignatureDoesNotMatch","Message":"server string to sign is:POST&%%2F&SecurityToken%%3D%s and secret %s and %s"}`,
		signer.Encode(signer.Encode(testToken)), testSecret, testToken)
	srv := testserver.New(t, svcError(503, "ServiceUnavailable"), testserver.Answer{Status: 400, Body: echo})
	var logs bytes.Buffer
	c, _ := newTestClient(t, srv, func(cfg *alicloud.Config) {
		cfg.Credentials = alicloud.StaticCredentials(testKeyID, testSecret, testToken)
		cfg.SignatureVersion = alicloud.SignatureV1
		cfg.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	_, _, err := call(c, context.Background(), "")
	require.ErrorIs(t, err, alicloud.ErrUnauthorized)
	signature := srv.Requests()[1].Form.Get("Signature")
	require.NotEmpty(t, signature)
	for _, text := range []string{err.Error(), fmt.Sprintf("%+v %#v", err, err), logs.String()} {
		assert.NotContains(t, text, testSecret)
		assert.NotContains(t, text, testToken)
		assert.NotContains(t, text, signer.Encode(testToken))
		assert.NotContains(t, text, signature)
	}
	assert.Contains(t, err.Error(), "<redacted>")
	assert.Equal(t, 2, strings.Count(logs.String(), "alicloud request"), "one record per attempt")
	assert.Contains(t, logs.String(), "code=ServiceUnavailable")
	assert.Contains(t, logs.String(), "attempt=2")
	assert.Contains(t, fmt.Sprint(alicloud.Credentials{AccessKeyID: "id", AccessKeySecret: testSecret, SecurityToken: testToken}), "<redacted>")
}

func TestConcurrentCalls(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		fmt.Fprintf(w, `{"RequestId":"R-%d","JobId":"%s"}`, n.Add(1), r.PostForm.Get("ClientToken"))
	}))
	defer srv.Close()
	c, err := New(alicloud.Config{Region: "cn-hangzhou", Credentials: alicloud.StaticCredentials(testKeyID, testSecret, ""),
		Endpoint: srv.URL}, testService) // the default, per-client rate limiter: 200 fit in its bucket
	require.NoError(t, err)
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			token := fmt.Sprintf("token-%d", i)
			res, out, err := call(c, context.Background(), token)
			if err == nil && (out.JobId != token || res.ClientToken != token) {
				err = fmt.Errorf("call %d got job %q", i, out.JobId)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	assert.Equal(t, int64(200), n.Load())
}

func TestNewValidatesConfig(t *testing.T) {
	creds := alicloud.StaticCredentials("a", "b", "")
	regional := testService
	regional.RegionRequired = true
	tests := []struct {
		name  string
		cfg   alicloud.Config
		field string
	}{
		{"no credentials", alicloud.Config{Region: "cn-hangzhou"}, "Config.Credentials"},
		{"no region", alicloud.Config{Credentials: creds}, "Config.Region"},
		{"bad region", alicloud.Config{Credentials: creds, Region: "CN Hangzhou"}, "Config.Region"},
		{"bad endpoint scheme", alicloud.Config{Credentials: creds, Region: "cn-hangzhou", Endpoint: "ftp://x"}, "Config.Endpoint"},
		{"endpoint with path", alicloud.Config{Credentials: creds, Region: "cn-hangzhou", Endpoint: "http://x/api"}, "Config.Endpoint"},
		{"endpoint without host", alicloud.Config{Credentials: creds, Region: "cn-hangzhou", Endpoint: "http://"}, "Config.Endpoint"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg, regional)
			var ve *alicloud.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.ErrorIs(t, err, alicloud.ErrInvalidParameter)
		})
	}
}

func TestEndpoints(t *testing.T) {
	creds := alicloud.StaticCredentials("a", "b", "")
	c, err := New(alicloud.Config{Credentials: creds, Region: "cn-shanghai"}, testService)
	require.NoError(t, err)
	assert.Equal(t, "https://svc.cn-shanghai.example.com/", c.URL())
	vpc := testService
	vpc.Host = func(region string, vpc bool) string {
		if vpc {
			return "svc-vpc." + region + ".example.com"
		}
		return "svc." + region + ".example.com"
	}
	c, err = New(alicloud.Config{Credentials: creds, Region: "cn-shanghai", UseVPCEndpoint: true}, vpc)
	require.NoError(t, err)
	assert.Equal(t, "https://svc-vpc.cn-shanghai.example.com/", c.URL())
	c, err = New(alicloud.Config{Credentials: creds, Region: "cn-shanghai", Endpoint: "http://127.0.0.1:8080"}, vpc)
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:8080/", c.URL())
}

func TestCredentialsRetrievedPerAttempt(t *testing.T) {
	srv := testserver.New(t, svcError(503, "ServiceUnavailable"), ok(`{"RequestId":"R"}`))
	var calls atomic.Int32
	c, _ := newTestClient(t, srv, func(cfg *alicloud.Config) {
		cfg.Credentials = alicloud.CredentialsProviderFunc(func(context.Context) (alicloud.Credentials, error) {
			n := calls.Add(1)
			return alicloud.Credentials{AccessKeyID: fmt.Sprintf("key-%d", n), AccessKeySecret: "s"}, nil
		})
	})
	_, _, err := call(c, context.Background(), "")
	require.NoError(t, err)
	reqs := srv.Requests()
	assert.Contains(t, reqs[0].Header.Get("Authorization"), "Credential=key-1,")
	assert.Contains(t, reqs[1].Header.Get("Authorization"), "Credential=key-2,", "refreshed credentials are used by the next attempt")
}

func TestCredentialsErrorIsNotRetried(t *testing.T) {
	srv := testserver.New(t, ok(`{"RequestId":"R"}`))
	c, _ := newTestClient(t, srv, func(cfg *alicloud.Config) {
		cfg.Credentials = alicloud.CredentialsProviderFunc(func(context.Context) (alicloud.Credentials, error) {
			return alicloud.Credentials{}, errors.New("no profile")
		})
	})
	res, _, err := call(c, context.Background(), "")
	assert.ErrorContains(t, err, "no profile")
	assert.Equal(t, 1, res.Attempts)
	assert.Empty(t, srv.Requests())
}

func TestRedirectsAreNotFollowed(t *testing.T) {
	elsewhere := testserver.New(t, ok(`{"RequestId":"STOLEN"}`))
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL, http.StatusTemporaryRedirect)
	}))
	defer redirector.Close()
	for _, hc := range []*http.Client{nil, {}} { // the default client and a caller's own
		c, err := New(alicloud.Config{Region: "cn-hangzhou", Endpoint: redirector.URL, HTTPClient: hc,
			Credentials: alicloud.StaticCredentials(testKeyID, testSecret, testToken), RateLimiter: alicloud.NoRateLimit}, testService)
		require.NoError(t, err)
		_, _, err = call(c, context.Background(), "")
		var apiErr *alicloud.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusTemporaryRedirect, apiErr.HTTPStatus)
		assert.Empty(t, elsewhere.Requests(), "the token must not travel to the redirect's host")
	}
}

func TestClientTokenTravelsWithTheError(t *testing.T) {
	srv := testserver.New(t, svcError(404, "ResourceNotFound.Listener"))
	c, _ := newTestClient(t, srv, nil)
	_, _, err := call(c, context.Background(), "")
	token := alicloud.ClientTokenOf(err)
	assert.Equal(t, srv.Requests()[0].Form.Get("ClientToken"), token)
	assert.Len(t, token, 36)
	assert.ErrorIs(t, err, alicloud.ErrNotFound, "the wrapper is transparent")

	var out testResponse
	_, err = c.Do(context.Background(), &Request{Operation: "Read"}, &out)
	assert.Empty(t, alicloud.ClientTokenOf(err), "a read operation has no token")

	// A call cut short by the caller after sending keeps its token too: the
	// outcome is unknown, and calling again with the token is safe.
	busy := testserver.New(t, svcError(503, "ServiceUnavailable"))
	c, _ = newTestClient(t, busy, nil)
	ctx, cancel := context.WithCancel(context.Background())
	c.sleep = func(ctx context.Context, d time.Duration) error { cancel(); return ctx.Err() }
	_, _, err = call(c, ctx, "mine")
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, "mine", alicloud.ClientTokenOf(err))
}

func TestAccessDeniedDetailIsKept(t *testing.T) {
	for _, detail := range []string{`"the policy denies alb:Dissociate"`, `{"PolicyType":"ExplicitDeny","NoPermissionType":"ImplicitDeny"}`} {
		srv := testserver.New(t, testserver.Answer{Status: 403, Body: `{"RequestId":"R","Code":"Forbidden.RAM","Message":"denied","AccessDeniedDetail":` + detail + `}`})
		c, _ := newTestClient(t, srv, nil)
		_, _, err := call(c, context.Background(), "")
		var apiErr *alicloud.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Contains(t, detail, apiErr.AccessDeniedDetail[:10])
		assert.ErrorIs(t, err, alicloud.ErrUnauthorized)
	}
}

func TestAttemptTimeoutRetriesWithTheSameToken(t *testing.T) {
	var n atomic.Int32
	tokens := make(chan string, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		tokens <- r.PostForm.Get("ClientToken")
		if n.Add(1) == 1 {
			w.WriteHeader(200)
			io.WriteString(w, `{"RequestId":`) // then stall mid-body
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		io.WriteString(w, `{"RequestId":"R2","JobId":"J"}`)
	}))
	defer srv.Close()
	c, err := New(alicloud.Config{Region: "cn-hangzhou", Endpoint: srv.URL, RateLimiter: alicloud.NoRateLimit,
		Credentials: alicloud.StaticCredentials(testKeyID, testSecret, ""),
		Retry:       alicloud.RetryPolicy{AttemptTimeout: 500 * time.Millisecond, BaseDelay: time.Millisecond}}, testService)
	require.NoError(t, err)
	res, out, err := call(c, context.Background(), "")
	require.NoError(t, err)
	assert.Equal(t, 2, res.Attempts)
	assert.Equal(t, "J", out.JobId)
	assert.Equal(t, <-tokens, <-tokens)
}

func TestBodyReading(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		length int64
		want   error
	}{
		{"known length", `{"RequestId":"R"}`, 17, nil},
		{"unknown length", `{"RequestId":"R"}`, -1, nil},
		{"shorter than announced", `{"Req`, 17, io.ErrUnexpectedEOF},
		{"longer than announced", `{"RequestId":"R"}`, 5, nil},
		{"announced too large", `{}`, MaxResponseBytes + 1, errBodyTooLarge},
		{"unannounced too large", strings.Repeat(" ", MaxResponseBytes+1), -1, errBodyTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := readBounded(&buf, strings.NewReader(tc.body), tc.length)
			assert.ErrorIs(t, err, tc.want)
			if tc.want == nil {
				assert.Equal(t, tc.body, buf.String())
			}
		})
	}
}

func TestTruncatedBodyIsRetried(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Content-Length", "100")
			io.WriteString(w, `{"RequestId":"R1"`) // then the connection closes early
			return
		}
		io.WriteString(w, `{"RequestId":"R2","JobId":"J"}`)
	}))
	defer srv.Close()
	c, err := New(alicloud.Config{Region: "cn-hangzhou", Endpoint: srv.URL, RateLimiter: alicloud.NoRateLimit,
		Credentials: alicloud.StaticCredentials(testKeyID, testSecret, ""), Retry: alicloud.RetryPolicy{BaseDelay: time.Millisecond}}, testService)
	require.NoError(t, err)
	res, out, err := call(c, context.Background(), "")
	require.NoError(t, err)
	assert.Equal(t, 2, res.Attempts)
	assert.Equal(t, "J", out.JobId)
}

func TestThrottleHintSetsTheBackoff(t *testing.T) {
	throttled := svcError(400, "Throttling.User")
	throttled.Header = http.Header{"X-Ratelimit-User-Api": {"Limit:200,TimeLeft:700,Remain:0"}}
	srv := testserver.New(t, throttled, throttled, ok(`{"RequestId":"R"}`))
	c, sleeps := newTestClient(t, srv, func(cfg *alicloud.Config) {
		cfg.Retry.BaseDelay = time.Millisecond
		cfg.Retry.MaxDelay = 500 * time.Millisecond
	})
	_, _, err := call(c, context.Background(), "")
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{500 * time.Millisecond, 500 * time.Millisecond}, *sleeps,
		"the service's TimeLeft (700 ms) outweighs the jitter, capped at MaxDelay")
	assert.Equal(t, time.Duration(0), timeLeft(http.Header{"X-Ratelimit-User-Api": {"TimeLeft:abc"}}))
	assert.Equal(t, 42*time.Millisecond, timeLeft(http.Header{"X-Ratelimit-User": {"TimeLeft:42"}}))
}

func TestAttemptTimeoutIsNotTheCallersDeadline(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body) // so that the server notices the client hanging up
		select {           // no answer in time
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer srv.Close()
	c, err := New(alicloud.Config{Region: "cn-hangzhou", Endpoint: srv.URL, RateLimiter: alicloud.NoRateLimit,
		Credentials: alicloud.StaticCredentials(testKeyID, testSecret, ""),
		Retry:       alicloud.RetryPolicy{AttemptTimeout: 20 * time.Millisecond, MaxAttempts: 2, BaseDelay: time.Millisecond}}, testService)
	require.NoError(t, err)
	res, _, err := call(c, context.Background(), "")
	require.ErrorIs(t, err, errAttemptTimeout)
	assert.NotErrorIs(t, err, context.DeadlineExceeded, "the caller's context did not expire")
	assert.Equal(t, 2, res.Attempts, "an attempt timeout is retried")
}

// rewritingTransport rewrites the request URL in place, as some proxies and
// test hooks do; the client's own endpoint must not change.
type rewritingTransport struct{ to *url.URL }

func (rt rewritingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r.URL.Scheme, r.URL.Host = rt.to.Scheme, rt.to.Host
	return http.DefaultTransport.RoundTrip(r)
}

func TestRoundTripperMayRewriteTheURL(t *testing.T) {
	srv := testserver.New(t, ok(`{"RequestId":"R"}`))
	to, _ := url.Parse(srv.URL)
	c, err := New(alicloud.Config{Region: "cn-hangzhou", RateLimiter: alicloud.NoRateLimit,
		Credentials: alicloud.StaticCredentials(testKeyID, testSecret, ""),
		HTTPClient:  &http.Client{Transport: rewritingTransport{to}}}, testService)
	require.NoError(t, err)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := call(c, context.Background(), "")
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	assert.Equal(t, "https://svc.cn-hangzhou.example.com/", c.u.String())
}

// countingLimiter records every Wait.
type countingLimiter struct{ waits atomic.Int32 }

func (l *countingLimiter) Wait(ctx context.Context, service, operation string) error {
	l.waits.Add(1)
	return ctx.Err()
}

func TestRateLimiterIsWaitedOnBeforeEveryAttempt(t *testing.T) {
	srv := testserver.New(t, svcError(503, "ServiceUnavailable"), svcError(400, "Throttling.User"), ok(`{"RequestId":"R"}`))
	limiter := &countingLimiter{}
	c, _ := newTestClient(t, srv, func(cfg *alicloud.Config) { cfg.RateLimiter = limiter })
	res, _, err := call(c, context.Background(), "")
	require.NoError(t, err)
	assert.Equal(t, 3, res.Attempts)
	assert.Equal(t, int32(3), limiter.waits.Load(), "retries draw from the budget too")
}

func TestSendErrorTextHasNoURL(t *testing.T) {
	srv := testserver.New(t, testserver.Answer{Drop: true})
	c, _ := newTestClient(t, srv, func(cfg *alicloud.Config) { cfg.Retry.MaxAttempts = 1 })
	_, _, err := call(c, context.Background(), "")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), srv.URL)
	assert.Contains(t, err.Error(), "send:")
}

// The default client the README's configuration table describes.
func TestDefaultHTTPClientSettings(t *testing.T) {
	tr, ok := DefaultHTTPClient().Transport.(*http.Transport)
	require.True(t, ok)
	assert.Equal(t, 128, tr.MaxIdleConnsPerHost)
	assert.Equal(t, 10*time.Second, tr.TLSHandshakeTimeout)
	assert.Equal(t, 30*time.Second, tr.ResponseHeaderTimeout)
	assert.NotNil(t, tr.Proxy, "proxy from the environment")
	assert.Zero(t, DefaultHTTPClient().Timeout, "the caller's ctx bounds a call, AttemptTimeout an attempt")
}
