package alicloudtest

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// Small assertion helpers, so the package's tests need nothing beyond the
// standard library.

func eq[T any](t testing.TB, got, want T, what string, args ...any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: got %#v, want %#v", fmt.Sprintf(what, args...), got, want)
	}
}

func noErr(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

func errContains(t testing.TB, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one containing %q", want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q does not contain %q", err, want)
	}
}

// wantOK fails unless r is a 200 with a RequestId.
func wantOK(t testing.TB, r resp) {
	t.Helper()
	if r.Status != http.StatusOK || r.str("RequestId") == "" {
		t.Fatalf("got %d %s, want 200: %s", r.Status, r.code(), r.Raw)
	}
}

// wantError fails unless r is a well-formed error answer with status and code.
func wantError(t testing.TB, r resp, status int, code string) {
	t.Helper()
	if r.Status != status || r.code() != code {
		t.Fatalf("got %d %q, want %d %q: %s", r.Status, r.code(), status, code, r.Raw)
	}
	for _, k := range []string{"RequestId", "HostId", "Message", "Recommend"} {
		if r.str(k) == "" {
			t.Fatalf("error answer lacks %s: %s", k, r.Raw)
		}
	}
	if !strings.Contains(r.str("Recommend"), "q="+url.QueryEscape(code)) {
		t.Fatalf("Recommend %q does not name the code", r.str("Recommend"))
	}
}

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// fixture is a running server with the standard test state and a client.
type fixture struct {
	t     testing.TB
	srv   *Server
	creds creds
	clock *fakeClock // nil when the server uses the real clock
	// defaults applied to every request (e.g. V1)
	base apiReq
}

// Standard seed: ALB and GA resources the tests work on.
func standardSeed() Seed {
	var extra []string
	for i := 1; i <= 20; i++ {
		extra = append(extra, fmt.Sprintf("cert-%d", i))
	}
	return Seed{
		ALB: SeedALB{Listeners: []ALBListener{
			{ID: "lsn-1", Protocol: "HTTPS", DefaultCertificateID: "cert-0", AdditionalCertificateIDs: extra},
			{ID: "lsn-quic", Protocol: "QUIC", DefaultCertificateID: "cert-q0", AdditionalCertificateIDs: []string{"cert-q1"}},
			{ID: "lsn-http", Protocol: "HTTP"},
			{ID: "lsn-stopped", Protocol: "HTTPS", Status: "Stopped", DefaultCertificateID: "cert-s0", AdditionalCertificateIDs: []string{"cert-s1"}},
		}},
		GA: SeedGA{
			Accelerators: []GAAccelerator{{ID: "ga-1"}, {ID: "ga-2"}},
			Listeners: []GAListener{
				{ID: "lsr-1", AcceleratorID: "ga-1", Protocol: "https", DefaultCertificateID: "gcert-0", Name: "web",
					AdditionalCertificates: map[string]string{"a.example.com": "gcert-a", "b.example.com": "gcert-b", "c.example.com": "gcert-c"}},
				{ID: "lsr-2", AcceleratorID: "ga-2", Protocol: "https", DefaultCertificateID: "gcert-0",
					AdditionalCertificates: map[string]string{"d.example.com": "gcert-d"}},
				{ID: "lsr-3", AcceleratorID: "ga-1", Protocol: "https", DefaultCertificateID: "gcert-0",
					AdditionalCertificates: map[string]string{"e.example.com": "gcert-e"}},
			},
		},
	}
}

// newFixture starts a server seeded with standardSeed. Options come after
// the fixture's defaults (short delays), so they override them.
func newFixture(t testing.TB, opts ...Option) *fixture {
	t.Helper()
	all := append([]Option{
		WithALBDissociateDelay(-1), WithGADissociateDelay(-1), WithSeed(standardSeed()),
	}, opts...)
	srv := NewServer(all...)
	t.Cleanup(srv.Close)
	return &fixture{t: t, srv: srv, creds: creds{srv.AccessKeyID, srv.AccessKeySecret, ""}}
}

// newFixtureClock is newFixture with a fake clock.
func newFixtureClock(t testing.TB, opts ...Option) *fixture {
	clock := newFakeClock()
	f := newFixture(t, append([]Option{WithClock(clock.Now)}, opts...)...)
	f.clock = clock
	return f
}

// req fills in the fixture's credentials, clock and defaults.
func (f *fixture) req(q apiReq) apiReq {
	if q.Creds == (creds{}) {
		q.Creds = f.creds
	}
	if q.Date.IsZero() && f.clock != nil {
		q.Date = f.clock.Now()
	}
	q.V1 = q.V1 || f.base.V1
	q.InBody = q.InBody || f.base.InBody
	return q
}

// do sends q and fails the test on a transport error.
func (f *fixture) do(q apiReq) resp {
	f.t.Helper()
	r, err := send(f.t, f.srv.Client(), f.req(q).build(f.t, f.srv.URL))
	noErr(f.t, err)
	return r
}

// params builds url.Values from key, value pairs.
func params(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

// alb calls an ALB operation with the given parameters.
func (f *fixture) alb(action string, kv ...string) resp {
	f.t.Helper()
	return f.do(apiReq{Version: albVersion, Action: action, Params: params(kv...)})
}

// ga calls a GA operation; RegionId=cn-hangzhou is added unless given.
func (f *fixture) ga(action string, kv ...string) resp {
	f.t.Helper()
	p := params(kv...)
	if _, ok := p["RegionId"]; !ok {
		p.Set("RegionId", Region)
	}
	return f.do(apiReq{Version: gaVersion, Action: action, Params: p})
}

const (
	opDissociate = "DissociateAdditionalCertificatesFromListener"
	opListCerts  = "ListListenerCertificates"
	opListJobs   = "ListAsynJobs"
	opDescribe   = "DescribeListener"
)

// certArgs returns Certificates.N.CertificateId pairs.
func certArgs(ids ...string) []string {
	var kv []string
	for i, id := range ids {
		kv = append(kv, fmt.Sprintf("Certificates.%d.CertificateId", i+1), id)
	}
	return kv
}

// domainArgs returns Domains.N pairs.
func domainArgs(ds ...string) []string {
	var kv []string
	for i, d := range ds {
		kv = append(kv, fmt.Sprintf("Domains.%d", i+1), d)
	}
	return kv
}

func albDissociate(f *fixture, listener string, extra []string, certs ...string) resp {
	f.t.Helper()
	kv := append([]string{"ListenerId", listener}, certArgs(certs...)...)
	return f.alb(opDissociate, append(kv, extra...)...)
}

func gaDissociate(f *fixture, acc, listener string, extra []string, domains ...string) resp {
	f.t.Helper()
	kv := append([]string{"AcceleratorId", acc, "ListenerId", listener}, domainArgs(domains...)...)
	return f.ga(opDissociate, append(kv, extra...)...)
}

// certStatus returns the status of an ALB listener's certificate.
func certStatus(t testing.TB, srv *Server, listener, cert string) string {
	t.Helper()
	l, ok := srv.ALB.Listener(listener)
	if !ok {
		t.Fatalf("listener %s not found", listener)
	}
	return l.CertificateStatus(cert)
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
