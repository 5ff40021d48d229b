package alicloudtest

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestFaultAnswers(t *testing.T) {
	for _, tc := range []struct {
		kind   FaultKind
		status int
		code   string
	}{
		{FaultThrottle, 400, CodeThrottlingUser},
		{FaultInternalError, 500, CodeInternalError},
		{FaultServiceUnavailable, 503, CodeServiceUnavailable},
	} {
		t.Run(tc.kind.String(), func(t *testing.T) {
			f := newFixture(t)
			f.srv.InjectFault(Fault{Kind: tc.kind, Count: 2, Action: opDissociate})
			wantOK(t, f.alb(opListCerts, "ListenerId", "lsn-1")) // another action
			q := apiReq{Version: albVersion, Action: opDissociate, Nonce: "same-nonce",
				Params: params(append([]string{"ListenerId", "lsn-1", "ClientToken", "t"}, certArgs("cert-1")...)...)}
			wantError(t, f.do(q), tc.status, tc.code)
			// The fault struck before authentication: the nonce is still unused.
			wantError(t, f.do(q), tc.status, tc.code)
			r := f.do(q)
			wantOK(t, r)
			s := f.srv.Stats()
			eq(t, s.FaultsInjected, 2, "faults injected")
			eq(t, s.Throttled, 0, "rate-limit refusals")
			eq(t, s.Actions, 1, "actions")
			eq(t, s.RequestsByAction[opDissociate], 3, "requests")
		})
	}
}

func TestFaultDropConnection(t *testing.T) {
	f := newFixture(t)
	f.srv.InjectFault(Fault{Kind: FaultDropConnection})
	q := f.req(apiReq{Version: albVersion, Action: opDissociate,
		Params: params(append([]string{"ListenerId", "lsn-1", "ClientToken", "t"}, certArgs("cert-1")...)...)})
	_, err := send(t, f.srv.Client(), q.build(t, f.srv.URL))
	if err == nil {
		t.Fatal("got an answer, want a dropped connection")
	}
	eq(t, f.srv.Stats().Actions, 0, "actions before the retry")
	eq(t, certStatus(t, f.srv, "lsn-1", "cert-1"), ALBCertificateAssociated, "cert-1")
	r, err := send(t, f.srv.Client(), q.build(t, f.srv.URL))
	noErr(t, err)
	wantOK(t, r)
	eq(t, f.srv.ActionsByClientToken(), map[string]int{"t": 1}, "actions by token")
	s := f.srv.Stats()
	eq(t, s.Dropped, 1, "dropped")
	eq(t, s.FaultsInjected, 1, "faults")
}

func TestFaultDropAfterAction(t *testing.T) {
	for _, api := range []string{"alb", "ga"} {
		t.Run(api, func(t *testing.T) {
			f := newFixture(t)
			f.srv.InjectFault(Fault{Kind: FaultDropAfterAction, Action: opDissociate})
			var q apiReq
			if api == "alb" {
				q = apiReq{Version: albVersion, Action: opDissociate,
					Params: params(append([]string{"ListenerId", "lsn-1", "ClientToken", "t"}, certArgs("cert-1")...)...)}
			} else {
				q = apiReq{Version: gaVersion, Action: opDissociate,
					Params: params(append([]string{"RegionId", Region, "AcceleratorId", "ga-1", "ListenerId", "lsr-1", "ClientToken", "t"},
						domainArgs("a.example.com")...)...)}
			}
			_, err := send(t, f.srv.Client(), f.req(q).build(t, f.srv.URL))
			if err == nil {
				t.Fatal("got an answer, want a dropped connection")
			}
			eq(t, f.srv.Stats().Actions, 1, "the service acted")
			// The retry (new nonce, same ClientToken) gets the first result.
			r := f.do(q)
			wantOK(t, r)
			eq(t, f.srv.ActionsByClientToken(), map[string]int{"t": 1}, "actions by token")
			if api == "alb" {
				jobs := f.srv.ALB.Jobs()
				eq(t, len(jobs), 1, "jobs")
				eq(t, r.str("JobId"), jobs[0].ID, "JobId of the retry")
			}
		})
	}
}

func TestFaultDelay(t *testing.T) {
	f := newFixture(t)
	f.srv.InjectFault(Fault{Kind: FaultDelay, Delay: 100 * time.Millisecond, Count: 1})
	start := time.Now()
	wantOK(t, f.alb(opListJobs))
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Fatalf("answered after %v, want at least the delay", d)
	}

	// A client that gives up is not answered, and nothing is done.
	f.srv.InjectFault(Fault{Kind: FaultDelay, Delay: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	q := f.req(apiReq{Version: albVersion, Action: opDissociate,
		Params: params(append([]string{"ListenerId", "lsn-1"}, certArgs("cert-1")...)...)})
	_, err := send(t, f.srv.Client(), q.build(t, f.srv.URL).WithContext(ctx))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the client's deadline", err)
	}
	eventually(t, "the abandoned request to be recorded", func() bool { return f.srv.Stats().Dropped == 1 })
	eq(t, f.srv.Stats().Actions, 0, "actions")
	f.srv.ClearFaults()
	wantOK(t, f.alb(opListJobs))
}

func TestFaultDelayEndsOnClose(t *testing.T) {
	srv := NewServer()
	srv.InjectFault(Fault{Kind: FaultDelay, Delay: time.Hour})
	done := make(chan error, 1)
	go func() {
		res, err := http.Post(srv.URL+"/?Action=ListAsynJobs&Version=2020-06-16", "", nil)
		if err == nil {
			res.Body.Close()
		}
		done <- err
	}()
	eventually(t, "the request to arrive", func() bool { return srv.Stats().Requests == 1 })
	start := time.Now()
	srv.Close() // must not wait for the hour
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Close took %v", d)
	}
	<-done
}

func TestFaultRateAndFilter(t *testing.T) {
	f := newFixture(t)
	f.srv.InjectFault(Fault{Kind: FaultThrottle, Rate: 1, Count: 3, Action: opListJobs})
	for range 3 {
		wantError(t, f.alb(opListJobs), 400, CodeThrottlingUser)
	}
	wantOK(t, f.alb(opListJobs))

	// Rate without Count: until cleared. Rate 0.5 strikes about half.
	f.srv.InjectFault(Fault{Kind: FaultInternalError, Rate: 0.5})
	struck := 0
	for range 200 {
		if f.alb(opListJobs).Status == 500 {
			struck++
		}
	}
	if struck < 50 || struck > 150 {
		t.Fatalf("rate 0.5 struck %d of 200", struck)
	}
	f.srv.ClearFaults()
	for range 10 {
		wantOK(t, f.alb(opListJobs))
	}
}

func TestInjectFaultPanicsOnInvalidFault(t *testing.T) {
	e := New()
	defer e.Close()
	for _, bad := range []Fault{{}, {Kind: 99}, {Kind: FaultThrottle, Count: -1}, {Kind: FaultThrottle, Rate: 2}, {Kind: FaultDelay}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Fatalf("InjectFault(%+v) did not panic", bad)
				}
			}()
			e.InjectFault(bad)
		}()
	}
	eq(t, FaultKind(42).String(), "FaultKind(42)", "unknown kind")
}
