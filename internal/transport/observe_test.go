package transport

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/signer"
	"github.com/listenercerts/alicloud/internal/testserver"
)

// cannedTransport answers every request with the same 200 without a
// network, so that allocation counts are the client's alone.
type cannedTransport struct{ body string }

func (t cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(t.body)), ContentLength: int64(len(t.body)), Request: r}, nil
}

func cannedClient(tb testing.TB, obs alicloud.Observer) *Client {
	c, err := New(alicloud.Config{
		Region:      "cn-hangzhou",
		Credentials: alicloud.StaticCredentials(testKeyID, testSecret, ""),
		HTTPClient:  &http.Client{Transport: cannedTransport{`{"RequestId":"R-1","JobId":"job-1"}`}},
		RateLimiter: alicloud.NoRateLimit,
		Observer:    obs,
	}, testService)
	require.NoError(tb, err)
	return c
}

func cannedCall(c *Client) error {
	var out testResponse
	_, err := c.Do(context.Background(), &Request{
		Operation:   "DoThing",
		Params:      []signer.Param{{Key: "ListenerId", Value: "lsn-1"}},
		Idempotent:  true,
		ClientToken: "token-1",
	}, &out)
	return err
}

// The hooks cost nothing without an observer: only the observer path pays
// for the call's state (its context value and the state itself). The nil
// path made 45 allocations per call here before the hooks existed, and
// makes 45 with them (go1.26, BenchmarkDoObserver/nil at both commits).
func TestObserverAllocations(t *testing.T) {
	measure := func(obs alicloud.Observer) float64 {
		c := cannedClient(t, obs)
		require.NoError(t, cannedCall(c)) // warm up
		return testing.AllocsPerRun(200, func() { _ = cannedCall(c) })
	}
	without, nop := measure(nil), measure(alicloud.NopObserver{})
	t.Logf("allocations per call: %.0f without an observer, %.0f with NopObserver", without, nop)
	assert.Equal(t, 2.0, nop-without, "an observer costs the call's state and its context value")
	assert.LessOrEqual(t, without, allocsWithoutObserver, "the request path without an observer allocates no more than before the hooks")
}

func BenchmarkDoObserver(b *testing.B) {
	for _, bc := range []struct {
		name string
		obs  alicloud.Observer
	}{{"nil", nil}, {"nop", alicloud.NopObserver{}}} {
		b.Run(bc.name, func(b *testing.B) {
			c := cannedClient(b, bc.obs)
			b.ReportAllocs()
			for b.Loop() {
				if err := cannedCall(c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// recorder is an Observer that records what it sees.
type recorder struct {
	mu       sync.Mutex
	calls    []alicloud.CallInfo
	attempts []alicloud.AttemptInfo
	results  []alicloud.CallResult
	ctxOK    []bool // the attempt's and the end's ctx carry StartCall's value
}

type recKey struct{}

func (r *recorder) StartCall(ctx context.Context, call alicloud.CallInfo) (context.Context, func(alicloud.CallResult)) {
	r.mu.Lock()
	r.calls = append(r.calls, call)
	r.mu.Unlock()
	return context.WithValue(ctx, recKey{}, call.Operation), func(res alicloud.CallResult) {
		r.mu.Lock()
		r.results = append(r.results, res)
		r.mu.Unlock()
	}
}

func (r *recorder) Attempt(ctx context.Context, a alicloud.AttemptInfo) {
	r.mu.Lock()
	r.attempts = append(r.attempts, a)
	r.ctxOK = append(r.ctxOK, ctx.Value(recKey{}) != nil)
	r.mu.Unlock()
}

func (r *recorder) StartWait(ctx context.Context, _ alicloud.WaitInfo) (context.Context, func(error)) {
	return ctx, func(error) {}
}

func (r *recorder) StartPoll(ctx context.Context, _ int) (context.Context, func(alicloud.WaitPoll)) {
	return ctx, func(alicloud.WaitPoll) {}
}

func TestObserverSeesCallAndAttempts(t *testing.T) {
	srv := testserver.New(t,
		svcError(400, "Throttling.User"),
		svcError(409, "ResourceInConfiguring.Listener"),
		ok(`{"RequestId":"RID-OK","JobId":"job-1"}`))
	rec := &recorder{}
	c, sleeps := newTestClient(t, srv, func(cfg *alicloud.Config) { cfg.Observer = rec })

	res, _, err := call(c, context.Background(), "tok-1")
	require.NoError(t, err)
	require.Len(t, rec.calls, 1)
	assert.Equal(t, alicloud.CallInfo{Service: "svc", Operation: "DoThing", ClientToken: "tok-1",
		Host: strings.TrimPrefix(srv.URL, "http://")}, rec.calls[0])
	require.Len(t, rec.attempts, 3)
	a := rec.attempts
	assert.True(t, a[0].Throttled)
	assert.False(t, a[0].Busy)
	assert.Equal(t, "Throttling.User", a[0].Code)
	assert.Equal(t, "RID-Throttling.User", a[0].RequestID)
	assert.Equal(t, 400, a[0].HTTPStatus)
	assert.Equal(t, (*sleeps)[0], a[0].Backoff)
	var apiErr *alicloud.APIError
	assert.ErrorAs(t, a[0].Err, &apiErr)
	assert.True(t, a[1].Busy)
	assert.False(t, a[1].Throttled)
	assert.Equal(t, (*sleeps)[1], a[1].Backoff)
	assert.Equal(t, 3, a[2].Attempt)
	assert.NoError(t, a[2].Err)
	assert.Zero(t, a[2].Backoff)
	assert.Equal(t, []bool{true, true, false}, []bool{a[0].Retrying, a[1].Retrying, a[2].Retrying})
	assert.Equal(t, "RID-OK", a[2].RequestID)
	assert.Equal(t, []bool{true, true, true}, rec.ctxOK, "attempts see the context StartCall returned")
	require.Len(t, rec.results, 1)
	assert.Equal(t, 3, rec.results[0].Attempts)
	assert.Equal(t, res.RequestID, rec.results[0].RequestID)
	assert.NoError(t, rec.results[0].Err)
}

func TestObserverSeesFailure(t *testing.T) {
	srv := testserver.New(t, svcError(404, "ResourceNotFound.Listener"))
	rec := &recorder{}
	c, _ := newTestClient(t, srv, func(cfg *alicloud.Config) { cfg.Observer = rec })
	_, _, err := call(c, context.Background(), "")
	require.Error(t, err)
	require.Len(t, rec.results, 1)
	r := rec.results[0]
	assert.Equal(t, 1, r.Attempts)
	assert.Equal(t, "ResourceNotFound.Listener", r.Code)
	assert.Equal(t, 404, r.HTTPStatus)
	assert.Error(t, r.Err)
	require.Len(t, rec.attempts, 1)
	assert.Error(t, rec.attempts[0].Err)
	assert.Len(t, rec.calls[0].ClientToken, 36, "the generated token is the one reported")
}

func TestObserverSeesNetworkErrors(t *testing.T) {
	srv := testserver.New(t, testserver.Answer{Drop: true}, ok(`{"RequestId":"R"}`))
	rec := &recorder{}
	c, _ := newTestClient(t, srv, func(cfg *alicloud.Config) { cfg.Observer = rec })
	_, _, err := call(c, context.Background(), "")
	require.NoError(t, err)
	require.Len(t, rec.attempts, 2)
	assert.Error(t, rec.attempts[0].Err, "a dropped connection is an attempt error without a code")
	assert.Zero(t, rec.attempts[0].HTTPStatus)
	assert.Empty(t, rec.attempts[0].Code)
	assert.NoError(t, rec.attempts[1].Err)
}

func TestObserverSeesCanceledCall(t *testing.T) {
	srv := testserver.New(t, ok(`{"RequestId":"R"}`))
	rec := &recorder{}
	c, _ := newTestClient(t, srv, func(cfg *alicloud.Config) { cfg.Observer = rec })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := call(c, ctx, "")
	require.ErrorIs(t, err, context.Canceled)
	require.Len(t, rec.results, 1, "the end is reported even when no attempt was made")
	assert.True(t, errors.Is(rec.results[0].Err, context.Canceled))
}

func TestPollerCarriesTheObserver(t *testing.T) {
	rec := &recorder{}
	c := cannedClient(t, rec)
	p := c.Poller("ThingDone")
	assert.Equal(t, "svc", p.Service)
	assert.Equal(t, "ThingDone", p.Name)
	assert.Same(t, rec, p.Observer)
}

// A retry whose jittered backoff is 0 is still a retry.
func TestObserverSeesARetryWithZeroBackoff(t *testing.T) {
	srv := testserver.New(t, svcError(503, "ServiceUnavailable"), ok(`{"RequestId":"R","JobId":"J"}`))
	rec := &recorder{}
	c, _ := newTestClient(t, srv, func(cfg *alicloud.Config) { cfg.Observer = rec })
	c.jitter = func(int64) int64 { return 0 }
	_, _, err := call(c, context.Background(), "")
	require.NoError(t, err)
	require.Len(t, rec.attempts, 2)
	assert.Zero(t, rec.attempts[0].Backoff)
	assert.True(t, rec.attempts[0].Retrying)
	assert.False(t, rec.attempts[1].Retrying)
}
