package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/signer"
	"github.com/listenercerts/alicloud/internal/testserver"
)

// jobResponse is the answer of an asynchronous write: it requires a JobId.
type jobResponse struct {
	RequestId string
	JobId     string
}

func (r *jobResponse) RequestID() string { return r.RequestId }

func (r *jobResponse) Validate() error {
	if r.JobId == "" {
		return errors.New("the answer has no JobId")
	}
	return nil
}

func TestSuccessStatusThatIsNotASuccess(t *testing.T) {
	throttled200 := testserver.OK(`{"RequestId":"R-T","HostId":"h","Code":"Throttling","Message":"slow down"}`)
	tests := []struct {
		name     string
		script   []testserver.Answer
		attempts int
		category error  // the error must match it
		code     string // the APIError's code
		decode   string // or: a decode error containing this
	}{
		{"throttling in a 200, then success", []testserver.Answer{throttled200, ok(`{"RequestId":"R","JobId":"J"}`)}, 2, nil, "", ""},
		{"throttling in a 200 until retries run out", []testserver.Answer{throttled200}, 5, alicloud.ErrThrottled, "Throttling", ""},
		{"unavailable in a 200", []testserver.Answer{ok(`{"RequestId":"R","Code":"ServiceUnavailable"}`)}, 5, nil, "ServiceUnavailable", ""},
		{"not found in a 200", []testserver.Answer{ok(`{"RequestId":"R","Code":"ResourceNotFound.Listener"}`)}, 1, alicloud.ErrNotFound, "ResourceNotFound.Listener", ""},
		{"lower-case key, as encoding/json matches it", []testserver.Answer{ok(`{"requestid":"R","code":"Forbidden.RAM"}`)}, 1, alicloud.ErrUnauthorized, "Forbidden.RAM", ""},
		{"escaped key", []testserver.Answer{ok(`{"RequestId":"R","\u0043ode":"InvalidParameter"}`)}, 1, alicloud.ErrInvalidParameter, "InvalidParameter", ""},
		{"wrongly typed field beside the code", []testserver.Answer{ok(`{"RequestId":"R","Code":"NotExist.Listener","Message":5}`)}, 1, alicloud.ErrNotFound, "NotExist.Listener", ""},
		{"empty object", []testserver.Answer{ok(`{}`)}, 1, nil, "", "decode response (HTTP 200, application/json, 2 bytes): the answer has no RequestId"},
		{"null", []testserver.Answer{ok(`null`)}, 1, nil, "", "the answer has no RequestId"},
		{"empty RequestId", []testserver.Answer{ok(`{"RequestId":"","JobId":"J"}`)}, 1, nil, "", "the answer has no RequestId"},
		{"no JobId", []testserver.Answer{ok(`{"RequestId":"R"}`)}, 1, nil, "", "the answer has no JobId"},
		{"code of the wrong type", []testserver.Answer{ok(`{"RequestId":"R","JobId":"J","Code":500}`)}, 1, nil, "", "Code is not a string"},
		{"null code is no code", []testserver.Answer{ok(`{"RequestId":"R","JobId":"J","Code":null}`)}, 1, nil, "", ""},
		{"empty code is no code", []testserver.Answer{ok(`{"RequestId":"R","JobId":"J","Code":""}`)}, 1, nil, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := testserver.New(t, tc.script...)
			c, _ := newTestClient(t, srv, nil)
			var out jobResponse
			res, err := c.Do(context.Background(), &Request{Operation: "DoThing", Idempotent: true}, &out)
			assert.Equal(t, tc.attempts, res.Attempts)
			tokens := map[string]bool{}
			for _, r := range srv.Requests() {
				tokens[r.Form.Get("ClientToken")] = true
			}
			assert.Len(t, tokens, 1, "every attempt carries the same ClientToken")
			if tc.code == "" && tc.decode == "" {
				require.NoError(t, err)
				assert.Equal(t, "J", out.JobId)
				return
			}
			require.Error(t, err)
			assert.Equal(t, res.ClientToken, alicloud.ClientTokenOf(err), "the token travels with the error")
			if tc.category != nil {
				assert.ErrorIs(t, err, tc.category)
			}
			var apiErr *alicloud.APIError
			if tc.code != "" {
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tc.code, apiErr.Code)
				assert.Equal(t, http.StatusOK, apiErr.HTTPStatus)
				assert.Equal(t, "R", apiErr.RequestID[:1])
				return
			}
			assert.False(t, errors.As(err, &apiErr), "a decode error is not a service error")
			assert.ErrorContains(t, err, tc.decode)
		})
	}
}

// echoServer answers every request with an error body that echoes the
// request's secrets in every field: the Authorization header (V3), the
// Signature and SecurityToken parameters (V1), and the x-acs-security-token
// header, raw and percent-encoded.
func echoServer(t *testing.T, status int) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		echo := strings.Join([]string{r.Header.Get("Authorization"), r.Header.Get("x-acs-security-token"),
			r.PostForm.Get("Signature"), signer.Encode(r.PostForm.Get("Signature")), r.PostForm.Get("SecurityToken"),
			signer.Encode(signer.Encode(r.PostForm.Get("SecurityToken"))), testSecret}, " ")
		e := func(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`) }
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"RequestId":"%[1]s","HostId":"%[1]s","Code":"SignatureDoesNotMatch %[1]s","Message":"%[1]s","Recommend":"%[1]s","AccessDeniedDetail":"%[1]s"}`, e(echo))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestEchoedSecretsAreRedactedEverywhere(t *testing.T) {
	for _, v := range []alicloud.SignatureVersion{alicloud.SignatureV3, alicloud.SignatureV1} {
		t.Run(fmt.Sprint("V", map[alicloud.SignatureVersion]int{alicloud.SignatureV3: 3, alicloud.SignatureV1: 1}[v]), func(t *testing.T) {
			var logs bytes.Buffer
			var sigs []string
			srv := echoServer(t, 400)
			c, err := New(alicloud.Config{Region: "cn-hangzhou", Endpoint: srv.URL, RateLimiter: alicloud.NoRateLimit,
				Credentials:      alicloud.StaticCredentials(testKeyID, testSecret, testToken),
				SignatureVersion: v,
				Logger:           slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
				HTTPClient: &http.Client{Transport: recordingTransport(func(r *http.Request) {
					if auth := r.Header.Get("Authorization"); auth != "" {
						sigs = append(sigs, auth[strings.LastIndex(auth, "=")+1:], auth)
					}
				})},
			}, testService)
			require.NoError(t, err)
			_, _, err = call(c, context.Background(), "")
			var apiErr *alicloud.APIError
			require.ErrorAs(t, err, &apiErr)
			texts := []string{err.Error(), fmt.Sprintf("%+v|%#v", err, apiErr), logs.String(),
				apiErr.Code, apiErr.Message, apiErr.RequestID, apiErr.HostID, apiErr.Recommend, apiErr.AccessDeniedDetail}
			secrets := append([]string{testSecret, testToken, signer.Encode(testToken)}, sigs...)
			for _, text := range texts {
				for _, secret := range secrets {
					assert.NotContains(t, text, secret)
				}
				if v == alicloud.SignatureV1 {
					assert.NotContains(t, text, "Signature=", "no V1 signature")
				}
			}
			assert.Contains(t, apiErr.HostID, "<redacted>")
			assert.Contains(t, logs.String(), `"request_id":"`)
		})
	}
}

// recordingTransport shows each request to f before sending it.
type recordingTransport func(*http.Request)

func (f recordingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f(r)
	return http.DefaultTransport.RoundTrip(r)
}

func TestEchoedSignatureInASuccessRequestIdIsRedacted(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"RequestId":"%s","JobId":"J"}`, r.Header.Get("Authorization"))
	}))
	defer srv.Close()
	var logs bytes.Buffer
	c, err := New(alicloud.Config{Region: "cn-hangzhou", Endpoint: srv.URL, RateLimiter: alicloud.NoRateLimit,
		Credentials: alicloud.StaticCredentials(testKeyID, testSecret, ""),
		Logger:      slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}, testService)
	require.NoError(t, err)
	res, _, err := call(c, context.Background(), "")
	require.NoError(t, err)
	assert.True(t, strings.HasSuffix(res.RequestID, "Signature=<redacted>"), res.RequestID)
	assert.Contains(t, logs.String(), "Signature=<redacted>")
}

func TestTooManyRequestsWithoutAServiceBodyIsThrottled(t *testing.T) {
	for _, answer := range []testserver.Answer{
		{Status: 429},
		{Status: 429, Body: "<html>Too Many Requests</html>", ContentType: "text/html"},
		{Status: 429, Body: `{"RequestId":"R","Code":"SomethingNew"}`},
	} {
		srv := testserver.New(t, answer)
		c, _ := newTestClient(t, srv, nil)
		res, _, err := call(c, context.Background(), "")
		assert.Equal(t, 5, res.Attempts, "retried")
		assert.ErrorIs(t, err, alicloud.ErrThrottled, "%q", answer.Body)
		for _, other := range []error{alicloud.ErrNotFound, alicloud.ErrConflict, alicloud.ErrUnauthorized, alicloud.ErrInvalidParameter} {
			assert.NotErrorIs(t, err, other)
		}
	}
}

func TestServerTextIsEscapedAndBounded(t *testing.T) {
	forged := "denied\n2026-01-01T00:00:00Z level=INFO msg=\"all good\"\r\x1b[2J\x00\u2028\u202e"
	huge := strings.Repeat("A", 200_000)
	quoted, _ := json.Marshal(forged)
	tests := []struct {
		name, body string
		message    string // what APIError.Message must hold
	}{
		{"control characters", fmt.Sprintf(`{"RequestId":"R\n1","Code":"Forbidden.RAM\r\n","Message":%s}`, quoted), forged},
		{"huge fields", fmt.Sprintf(`{"RequestId":"%[1]s","Code":"X%[1]s","Message":"%[1]s","HostId":"%[1]s"}`, huge), huge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := testserver.New(t, testserver.Answer{Status: 400, Body: tc.body})
			var logs bytes.Buffer
			c, _ := newTestClient(t, srv, func(cfg *alicloud.Config) {
				cfg.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			})
			_, _, err := call(c, context.Background(), "")
			var apiErr *alicloud.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.message, apiErr.Message, "the field keeps every byte")
			text := err.Error()
			assert.LessOrEqual(t, len(text), 2048)
			for _, ctl := range []string{"\n", "\r", "\x1b", "\x00", "\u2028", "\u202e"} {
				assert.NotContains(t, text, ctl)
			}
			records := strings.Split(strings.TrimSuffix(logs.String(), "\n"), "\n")
			require.Len(t, records, 1, "one record, not forged extra lines")
			assert.LessOrEqual(t, len(records[0]), 8192)
		})
	}
	srv := testserver.New(t, testserver.Answer{Status: 400, Body: fmt.Sprintf(`{"RequestId":"R","Code":"Forbidden.RAM","Message":%s}`, quoted)})
	c, _ := newTestClient(t, srv, nil)
	_, _, err := call(c, context.Background(), "")
	assert.Contains(t, err.Error(), `Forbidden.RAM: denied\n2026-01-01T00:00:00Z level=INFO msg="all good"\r\x1b[2J\x00\u2028\u202e (HTTP 400, RequestId R)`)
}

func TestEndpointErrorsNeverRepeatAPassword(t *testing.T) {
	tests := []struct {
		endpoint string
		reason   string
	}{
		{"http://admin:hunter2-secret@127.0.0.1:8080", "user name or password"},
		{"https://hunter2-secret@alb.cn-hangzhou.aliyuncs.com", "user name or password"},
		{"http://admin:hunter2-secret@127.0.0.1:8080/path#x", "user name or password"},
		{"http://ad min:hunter2-secret@127.0.0.1", "not a base URL"},
		{"https://alb.cn-hangzhou.aliyuncs.com#frag", "fragment"},
		{"https://alb.cn-hangzhou.aliyuncs.com/#", "fragment"},
		{"http://127.0.0.1:8080?", "not a base URL"},
	}
	for _, tc := range tests {
		t.Run(tc.endpoint, func(t *testing.T) {
			_, err := New(alicloud.Config{Region: "cn-hangzhou", Endpoint: tc.endpoint,
				Credentials: alicloud.StaticCredentials("a", "b", "")}, testService)
			var ve *alicloud.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, "Config.Endpoint", ve.Field)
			assert.Contains(t, err.Error(), tc.reason)
			assert.NotContains(t, fmt.Sprintf("%v %+v %#v", err, err, ve), "hunter2")
		})
	}
}

func TestNoClientTokenWhenNothingWasSent(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	var nilCtx context.Context
	tests := []struct {
		name  string
		ctx   context.Context
		creds alicloud.CredentialsProvider
		want  error
	}{
		{"empty credentials", context.Background(), alicloud.StaticCredentials("", "", ""), alicloud.ErrInvalidParameter},
		{"credentials error", context.Background(), alicloud.CredentialsProviderFunc(func(context.Context) (alicloud.Credentials, error) {
			return alicloud.Credentials{}, errors.New("no profile")
		}), nil},
		{"canceled before the first attempt", canceled, nil, context.Canceled},
		{"nil context", nilCtx, nil, alicloud.ErrInvalidParameter},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := testserver.New(t, ok(`{"RequestId":"R","JobId":"J"}`))
			c, _ := newTestClient(t, srv, func(cfg *alicloud.Config) {
				if tc.creds != nil {
					cfg.Credentials = tc.creds
				}
			})
			res, _, err := call(c, tc.ctx, "")
			require.Error(t, err)
			if tc.want != nil {
				assert.ErrorIs(t, err, tc.want)
			}
			assert.Empty(t, srv.Requests())
			assert.False(t, res.Sent)
			assert.Empty(t, alicloud.ClientTokenOf(err), "nothing was sent: nothing to resume")
		})
	}
}

// refusingLimiter allows the first n waits, then refuses with err.
type refusingLimiter struct {
	n   int
	err error
}

func (l *refusingLimiter) Wait(context.Context, string, string) error {
	if l.n == 0 {
		return l.err
	}
	l.n--
	return nil
}

func TestLimiterRefusalKeepsTheAttemptsError(t *testing.T) {
	refused := errors.New("fleet quota exhausted")
	srv := testserver.New(t, svcError(503, "ServiceUnavailable"))
	c, _ := newTestClient(t, srv, func(cfg *alicloud.Config) { cfg.RateLimiter = &refusingLimiter{n: 1, err: refused} })
	res, _, err := call(c, context.Background(), "")
	assert.Equal(t, 1, res.Attempts)
	assert.ErrorIs(t, err, refused)
	var apiErr *alicloud.APIError
	require.ErrorAs(t, err, &apiErr, "the failed attempt's error stays reachable")
	assert.Equal(t, "ServiceUnavailable", apiErr.Code)
	assert.Equal(t, srv.Requests()[0].Form.Get("ClientToken"), alicloud.ClientTokenOf(err))

	// The built-in bucket refuses a wait that would outlast the deadline.
	srv = testserver.New(t, svcError(400, "Throttling.User"))
	c, _ = newTestClient(t, srv, func(cfg *alicloud.Config) {
		cfg.RateLimiter = alicloud.NewRateLimiter(map[string]alicloud.Quota{"svc/DoThing": {Requests: 1, Per: 1 << 40}})
	})
	ctx, cancel := context.WithTimeout(context.Background(), 1<<40)
	defer cancel()
	_, _, err = call(c, ctx, "")
	assert.ErrorIs(t, err, alicloud.ErrThrottled, "the throttled attempt's error is kept")
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "Throttling.User", apiErr.Code)
}

func TestNilContextAndNilProviderFailEarly(t *testing.T) {
	srv := testserver.New(t, ok(`{"RequestId":"R","JobId":"J"}`))
	c, _ := newTestClient(t, srv, nil)
	var nilCtx context.Context
	var out testResponse
	assert.NotPanics(t, func() {
		_, err := c.Do(nilCtx, &Request{Operation: "Read"}, &out)
		var ve *alicloud.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "ctx", ve.Field)
	})
	assert.Empty(t, srv.Requests())

	_, err := New(alicloud.Config{Region: "cn-hangzhou", Credentials: alicloud.CredentialsProviderFunc(nil)}, testService)
	var ve *alicloud.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "Config.Credentials", ve.Field)
	assert.Contains(t, ve.Reason, "nil CredentialsProviderFunc")
}

// A connection that could not be made is a request that never left: no
// ClientToken, however often it was retried. A dropped connection may have
// delivered the request: the token stays.
func TestRefusedConnectionSendsNothing(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close()) // nothing listens there now: connection refused
	c, err := New(alicloud.Config{Region: "cn-hangzhou", Credentials: alicloud.StaticCredentials(testKeyID, testSecret, ""),
		Endpoint: "http://" + addr, RateLimiter: alicloud.NoRateLimit}, testService)
	require.NoError(t, err)
	c.sleep = func(ctx context.Context, d time.Duration) error { return nil }
	res, _, err := call(c, context.Background(), "")
	require.Error(t, err)
	assert.Equal(t, alicloud.DefaultMaxAttempts, res.Attempts, "refused connections are retried")
	assert.False(t, res.Sent)
	assert.Empty(t, alicloud.ClientTokenOf(err))

	srv := testserver.New(t, testserver.Answer{Drop: true})
	c2, _ := newTestClient(t, srv, nil)
	_, _, err = call(c2, context.Background(), "")
	require.Error(t, err)
	assert.NotEmpty(t, alicloud.ClientTokenOf(err), "a dropped connection may have delivered it")
}
