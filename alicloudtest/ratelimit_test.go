package alicloudtest

import (
	"strings"
	"testing"
	"time"
)

func TestRateLimit(t *testing.T) {
	f := newFixtureClock(t, WithRateLimit("", 5, 200*time.Millisecond))
	list := func() resp { return f.alb(opListCerts, "ListenerId", "lsn-1") }
	for i := range 5 {
		r := list()
		if r.Status != 200 {
			t.Fatalf("request %d: %d %s", i+1, r.Status, r.code())
		}
	}
	r := list()
	wantError(t, r, 400, CodeThrottlingUser)
	eq(t, r.str("Message"), "Request was denied due to user flow control.", "message")
	if h := r.Header.Get("x-ratelimit-user-api"); !strings.HasPrefix(h, "TimeLeft:") {
		t.Fatalf("x-ratelimit-user-api %q lacks TimeLeft", h)
	}
	eq(t, f.srv.Stats().Throttled, 1, "throttled")

	// Other operations and other accounts have their own buckets.
	wantOK(t, f.alb(opListJobs))
	f.srv.AddAccessKey("other", "other-secret")
	other := f.req(apiReq{Version: albVersion, Action: opListCerts, Params: params("ListenerId", "lsn-1"),
		Creds: creds{"other", "other-secret", ""}})
	o, err := send(t, f.srv.Client(), other.build(t, f.srv.URL))
	noErr(t, err)
	wantOK(t, o)

	// The bucket refills continuously: one token per 40 ms.
	f.clock.Advance(39 * time.Millisecond)
	wantError(t, list(), 400, CodeThrottlingUser)
	f.clock.Advance(2 * time.Millisecond)
	wantOK(t, list())
	wantError(t, list(), 400, CodeThrottlingUser)
	// ... up to the capacity.
	f.clock.Advance(time.Hour)
	for range 5 {
		wantOK(t, f.alb(opListCerts, "ListenerId", "lsn-1"))
	}
	wantError(t, list(), 400, CodeThrottlingUser)
}

func TestRateLimitPerAction(t *testing.T) {
	f := newFixtureClock(t, WithRateLimit(opDissociate, 1, time.Minute), WithRateLimit("", 0, 0))
	wantOK(t, albDissociate(f, "lsn-1", nil, "cert-1"))
	wantError(t, albDissociate(f, "lsn-quic", nil, "cert-q1"), 400, CodeThrottlingUser)
	// The GA operation of the same name shares the quota of the action name.
	wantError(t, gaDissociate(f, "ga-1", "lsr-1", nil, "a.example.com"), 400, CodeThrottlingUser)
	for range 50 { // no limit on the others
		wantOK(t, f.alb(opListJobs))
	}
	eq(t, f.srv.Stats().Actions, 1, "actions")
}

func TestRateLimitAfterAuthentication(t *testing.T) {
	f := newFixtureClock(t, WithRateLimit("", 1, time.Minute))
	bad := f.req(listReq())
	bad.Creds.secret = "wrong"
	for range 3 {
		r, err := send(t, f.srv.Client(), bad.build(t, f.srv.URL))
		noErr(t, err)
		wantError(t, r, 400, CodeSignatureDoesNotMatch)
	}
	wantOK(t, f.do(listReq()))
}

func TestDefaultRateLimit(t *testing.T) {
	l := newRateLimiter(nil)
	now := time.Now()
	for i := range DefaultRateLimit {
		if ok, _ := l.allow("a", "x", now); !ok {
			t.Fatalf("request %d refused", i+1)
		}
	}
	ok, wait := l.allow("a", "x", now)
	eq(t, ok, false, "request 201")
	eq(t, wait, DefaultRateLimitPeriod/DefaultRateLimit, "wait for the next token")
}
