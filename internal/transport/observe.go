package transport

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/waiter"
)

// The Observer hooks. Each is reached only when Config.Observer is set, so a
// client without one pays a nil check per call and per attempt, nothing more.

// callKey is the context key of the observed call's *callState.
type callKey struct{}

// callState carries an observed call between the attempt loop's hooks.
type callState struct {
	obsCtx context.Context // the context StartCall returned
	end    func(alicloud.CallResult)
	start  time.Time
}

// startCall tells the observer a call begins and returns the context the
// call runs with: the observer's, carrying the call's state.
func (c *Client) startCall(ctx context.Context, op string, res *Result) context.Context {
	st := &callState{start: c.now()}
	st.obsCtx, st.end = c.observer.StartCall(ctx, alicloud.CallInfo{
		Service: c.svc.Name, Operation: op, ClientToken: res.ClientToken, Host: c.host})
	return context.WithValue(st.obsCtx, callKey{}, st)
}

// endCall tells the observer how the call ended. (The state holds no
// pointer to res: that would move every call's Result to the heap, observed
// or not.)
func (c *Client) endCall(ctx context.Context, res *Result, err *error) {
	st, ok := ctx.Value(callKey{}).(*callState)
	if !ok {
		return
	}
	r := alicloud.CallResult{Attempts: res.Attempts, HTTPStatus: res.HTTPStatus, RequestID: res.RequestID,
		Duration: c.now().Sub(st.start), Err: *err}
	if *err != nil {
		var apiErr *alicloud.APIError
		if errors.As(*err, &apiErr) {
			r.Code = apiErr.Code
		}
	}
	st.end(r)
}

// observeAttempt reports an attempt that is over.
func (c *Client) observeAttempt(ctx context.Context, a alicloud.AttemptInfo) {
	if st, ok := ctx.Value(callKey{}).(*callState); ok {
		c.observer.Attempt(st.obsCtx, a)
	}
}

// throttled reports an answer refusing an attempt for the rate limit.
func throttled(status int, code string) bool {
	return alicloud.CategoryOf(code) == alicloud.ErrThrottled || status == http.StatusTooManyRequests
}

// Poller returns a poller for the waiter named name (e.g.
// "CertificatesDissociated") that reports its wait and polls to the
// client's Observer.
func (c *Client) Poller(name string) waiter.Poller {
	return waiter.Poller{Observer: c.observer, Service: c.svc.Name, Name: name}
}
