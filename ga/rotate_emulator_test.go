package ga_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/alicloudtest"
	"github.com/listenercerts/alicloud/ga"
)

const (
	opAssociate = "AssociateAdditionalCertificatesWithListener"
	opUpdate    = "UpdateAdditionalCertificateWithListener"
	changeDelay = 80 * time.Millisecond
	lag         = 80 * time.Millisecond
)

var writeOps = map[string]bool{opAssociate: true, opUpdate: true, opDissociate: true}

// setupGA starts an emulator whose GA changes hold the listener for
// changeDelay and the accelerator lag longer, with listener "lsr-1" on
// accelerator "ga-1" holding a.com, b.com and c.com.
func setupGA(t *testing.T, mutate func(*alicloud.Config)) (*alicloudtest.Server, *ga.Client) {
	t.Helper()
	return setupWith(t, mutate, alicloudtest.WithGADissociateDelay(changeDelay), alicloudtest.WithGAAssociateDelay(changeDelay),
		alicloudtest.WithGAUpdateDelay(changeDelay), alicloudtest.WithGAAcceleratorLag(lag))
}

// writes returns the accepted write requests, in order, as "Action domains".
func writes(srv *alicloudtest.Server) []string {
	var w []string
	for _, r := range srv.Requests() {
		if !writeOps[r.Action] || r.StatusCode != 200 {
			continue
		}
		var domains []string
		for _, k := range []string{"Domain", "Domains.1", "Domains.2", "Certificates.1.Domain", "Certificates.2.Domain"} {
			if v := r.Params.Get(k); v != "" {
				domains = append(domains, v)
			}
		}
		w = append(w, r.Action+" "+strings.Join(domains, ","))
	}
	return w
}

func writeRequests(srv *alicloudtest.Server) int {
	n := 0
	for op := range writeOps {
		n += srv.Stats().RequestsByAction[op]
	}
	return n
}

func TestDissociateAndWaitConvergesOnTheEmulator(t *testing.T) {
	srv, c := setupGA(t, nil)
	ctx := context.Background()
	out, err := c.DissociateAndWait(ctx, &ga.DissociateAdditionalCertificatesFromListenerInput{
		AcceleratorID: "ga-1", ListenerID: "lsr-1", Domains: []string{"nope.com", "A.COM"}}, 10*time.Second, fast)
	require.NoError(t, err)
	assert.Equal(t, []string{"nope.com"}, out.AlreadyDissociated)
	assert.Equal(t, map[string]string{"b.com": "cert-b", "c.com": "cert-c"}, domains(srv))
	a, _ := srv.GA.Accelerator("ga-1")
	assert.Equal(t, "active", a.State, "returned only once the accelerator is active")

	// A second change right after never meets the accelerator's lock.
	_, err = c.AssociateAndWait(ctx, &ga.AssociateAdditionalCertificatesWithListenerInput{AcceleratorID: "ga-1", ListenerID: "lsr-1",
		Certificates: []ga.DomainCertificate{{Domain: "a.com", CertificateID: "cert-a2"}}}, 10*time.Second, fast)
	require.NoError(t, err)
	_, err = c.DissociateAndWait(ctx, &ga.DissociateAdditionalCertificatesFromListenerInput{
		AcceleratorID: "ga-1", ListenerID: "lsr-1", Domains: []string{"b.com"}}, 10*time.Second, fast)
	require.NoError(t, err)
	assert.Zero(t, srv.Stats().ErrorsByCode["StateError.Accelerator"])
	assert.Zero(t, srv.Stats().ErrorsByCode["NotActive.Listener"])
	assert.Equal(t, map[string]string{"a.com": "cert-a2", "c.com": "cert-c"}, domains(srv))

	// Nothing left: no request is sent.
	before := writeRequests(srv)
	out, err = c.DissociateAndWait(ctx, &ga.DissociateAdditionalCertificatesFromListenerInput{
		AcceleratorID: "ga-1", ListenerID: "lsr-1", Domains: []string{"b.com"}}, 10*time.Second, fast)
	require.NoError(t, err)
	assert.Equal(t, []string{"b.com"}, out.AlreadyDissociated)
	assert.Equal(t, before, writeRequests(srv))
}

func TestUpdateAndWaitOnTheEmulator(t *testing.T) {
	srv, c := setupGA(t, nil)
	out, err := c.UpdateAndWait(context.Background(), &ga.UpdateAdditionalCertificateWithListenerInput{
		AcceleratorID: "ga-1", ListenerID: "lsr-1", Domain: "B.com", CertificateID: "cert-b2"}, 10*time.Second, fast)
	require.NoError(t, err)
	assert.NotEmpty(t, out.ClientToken)
	assert.Equal(t, "cert-b2", domains(srv)["b.com"])
	a, _ := srv.GA.Accelerator("ga-1")
	assert.Equal(t, "active", a.State)
}

// Update, associate, unchanged and remove in one rotation, in that order of
// effect, ending only when the accelerator is active; a second run sends no
// write request.
func TestRotateCertificatesEveryKind(t *testing.T) {
	srv, c := setupGA(t, nil)
	ctx := context.Background()
	var events []string
	in := &ga.RotateCertificatesInput{AcceleratorID: "ga-1", ListenerID: "lsr-1",
		Set: []ga.DomainCertificate{{Domain: "a.com", CertificateID: "cert-a2"}, {Domain: "d.com", CertificateID: "cert-d"},
			{Domain: "B.COM", CertificateID: "cert-b"}, {Domain: "e.com", CertificateID: "cert-e"}},
		Remove: []string{"c.com", "gone.com"},
		Progress: func(ev alicloud.ProgressEvent) {
			if ev.Step != alicloud.StepWait {
				events = append(events, fmt.Sprintf("%s %v %d/%d", ev.Step, ev.Items, ev.Done, ev.Total))
			}
		},
	}
	out, err := c.RotateCertificates(ctx, in, 10*time.Second, fast)
	require.NoError(t, err)
	a, _ := srv.GA.Accelerator("ga-1")
	assert.Equal(t, "active", a.State, "returned only once the accelerator is active")
	l, _ := srv.GA.Listener("lsr-1")
	assert.Equal(t, "active", l.State)
	assert.Equal(t, map[string]string{"a.com": "cert-a2", "b.com": "cert-b", "d.com": "cert-d", "e.com": "cert-e"}, l.AdditionalCertificates)

	assert.Equal(t, []string{"a.com"}, out.Updated)
	assert.Equal(t, []string{"d.com", "e.com"}, out.Associated)
	assert.Equal(t, []string{"B.COM"}, out.Unchanged)
	assert.Equal(t, []string{"c.com"}, out.Dissociated)
	assert.Equal(t, []string{"gone.com"}, out.AlreadyDissociated)
	assert.Equal(t, ga.RotationPlan{AcceleratorID: "ga-1", ListenerID: "lsr-1",
		Update:     []ga.PlannedUpdate{{Domain: "a.com", CertificateID: "cert-a2", CurrentCertificateID: "cert-a"}},
		Associate:  [][]ga.DomainCertificate{{{Domain: "d.com", CertificateID: "cert-d"}, {Domain: "e.com", CertificateID: "cert-e"}}},
		Dissociate: [][]string{{"c.com"}}, Unchanged: []string{"B.COM"}, AlreadyDissociated: []string{"gone.com"}}, out.Plan)
	assert.Equal(t, []string{opUpdate + " a.com", opAssociate + " d.com,e.com", opDissociate + " c.com"}, writes(srv),
		"update, then associate, then remove")
	assert.Zero(t, srv.Stats().ErrorsByCode["StateError.Accelerator"], "each change waited for the accelerator")
	assert.Equal(t, []string{"plan [a.com d.com e.com c.com] 0/3", "update [a.com] 0/3", "associate [d.com e.com] 1/3",
		"dissociate [c.com] 2/3", "done [] 3/3"}, events)
	for token, n := range srv.ActionsByClientToken() {
		assert.Equal(t, 1, n, token)
	}

	before := writeRequests(srv)
	again, err := c.RotateCertificates(ctx, in, 10*time.Second, fast)
	require.NoError(t, err)
	assert.Equal(t, before, writeRequests(srv), "a second run sends no write request")
	assert.Equal(t, 0, again.Plan.Calls())
	assert.Equal(t, []string{"a.com", "d.com", "B.COM", "e.com"}, again.Unchanged)
	assert.Equal(t, []string{"c.com", "gone.com"}, again.AlreadyDissociated)
}

func TestRotateCertificatesDryRun(t *testing.T) {
	srv, c := setupGA(t, nil)
	out, err := c.RotateCertificates(context.Background(), &ga.RotateCertificatesInput{AcceleratorID: "ga-1", ListenerID: "lsr-1",
		Set:    []ga.DomainCertificate{{Domain: "a.com", CertificateID: "cert-a2"}, {Domain: "d.com", CertificateID: "cert-d"}},
		Remove: []string{"c.com"}, DryRun: true}, time.Second, fast)
	require.NoError(t, err)
	assert.Equal(t, ga.RotationPlan{AcceleratorID: "ga-1", ListenerID: "lsr-1",
		Update:     []ga.PlannedUpdate{{Domain: "a.com", CertificateID: "cert-a2", CurrentCertificateID: "cert-a"}},
		Associate:  [][]ga.DomainCertificate{{{Domain: "d.com", CertificateID: "cert-d"}}},
		Dissociate: [][]string{{"c.com"}}}, out.Plan)
	assert.Empty(t, out.Updated)
	assert.Empty(t, out.Associated)
	assert.Empty(t, out.Dissociated)
	assert.Zero(t, srv.Stats().Actions, "nothing changed")
	assert.Equal(t, map[string]string{"a.com": "cert-a", "b.com": "cert-b", "c.com": "cert-c"}, domains(srv))
	reqs := srv.Requests()
	var prechecks int
	for _, r := range reqs {
		if writeOps[r.Action] {
			assert.Equal(t, opUpdate, r.Action, "GA has DryRun only for Update")
			assert.Equal(t, "true", r.Params.Get("DryRun"))
			prechecks++
		}
	}
	assert.Equal(t, 1, prechecks)
}

// A rotation interrupted after its first change reports what was done and
// resumes when re-run with its base token: nothing acts twice.
func TestRotateCertificatesResumes(t *testing.T) {
	srv, c := setupGA(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	in := &ga.RotateCertificatesInput{AcceleratorID: "ga-1", ListenerID: "lsr-1",
		Set:    []ga.DomainCertificate{{Domain: "a.com", CertificateID: "cert-a2"}, {Domain: "d.com", CertificateID: "cert-d"}},
		Remove: []string{"c.com"},
		Progress: func(ev alicloud.ProgressEvent) {
			if ev.Step == alicloud.StepUpdate {
				cancel() // right after the Update was accepted
			}
		}}
	out, err := c.RotateCertificates(ctx, in, 10*time.Second, fast)
	var re *ga.RotationError
	require.ErrorAs(t, err, &re)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, alicloud.StepWait, re.Step)
	assert.Equal(t, out.ClientToken, alicloud.ClientTokenOf(err))
	assert.NotEmpty(t, re.CallClientToken)
	assert.Equal(t, []string{"a.com", "d.com"}, re.NotServed)
	assert.Equal(t, []string{"c.com"}, re.NotDissociated)
	assert.Contains(t, err.Error(), "re-run RotateCertificates with the same input")
	assert.Contains(t, err.Error(), "nothing was dissociated")
	assert.Equal(t, "cert-c", domains(srv)["c.com"], "never removed before the Set domains serve")

	in.Progress, in.ClientToken = nil, out.ClientToken
	out2, err := c.RotateCertificates(context.Background(), in, 10*time.Second, fast)
	require.NoError(t, err)
	assert.Equal(t, []string{"a.com"}, out2.Unchanged, "the interrupted update is not repeated")
	assert.Equal(t, []string{"d.com"}, out2.Associated)
	assert.Equal(t, []string{"c.com"}, out2.Dissociated)
	assert.Equal(t, map[string]string{"a.com": "cert-a2", "b.com": "cert-b", "d.com": "cert-d"}, domains(srv))
	assert.Equal(t, 1, srv.Stats().ActionsByAction[opUpdate])
	for token, n := range srv.ActionsByClientToken() {
		assert.Equal(t, 1, n, token)
	}
}

// A listener that goes away midway ends the rotation at once, with an
// error that says what was done and carries the token.
func TestRotateCertificatesFailureMidway(t *testing.T) {
	srv, c := setupGA(t, nil)
	in := &ga.RotateCertificatesInput{AcceleratorID: "ga-1", ListenerID: "lsr-1",
		Set: []ga.DomainCertificate{{Domain: "a.com", CertificateID: "cert-a3"}}, Remove: []string{"b.com"},
		Progress: func(ev alicloud.ProgressEvent) {
			if ev.Step == alicloud.StepUpdate {
				_ = srv.GA.SetListenerState("lsr-1", "deleting")
			}
		}}
	_, err := c.RotateCertificates(context.Background(), in, 10*time.Second, fast)
	var re *ga.RotationError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, alicloud.StepWait, re.Step)
	var deleting *ga.ListenerDeletingError
	assert.ErrorAs(t, err, &deleting)
	assert.ErrorIs(t, err, alicloud.ErrNotFound)
	assert.NotEmpty(t, alicloud.ClientTokenOf(err))
	assert.Equal(t, []string{"b.com"}, re.NotDissociated)
	assert.Contains(t, domains(srv), "b.com", "nothing removed")
}

func TestRotateCertificatesLogsSteps(t *testing.T) {
	var mu sync.Mutex
	var msgs []string
	logger := slog.New(handlerFunc(func(r slog.Record) {
		mu.Lock()
		defer mu.Unlock()
		if strings.HasPrefix(r.Message, "ga rotation") {
			msgs = append(msgs, r.Message)
		}
	}))
	_, c := setupGA(t, func(cfg *alicloud.Config) { cfg.Logger = logger })
	_, err := c.RotateCertificates(context.Background(), &ga.RotateCertificatesInput{AcceleratorID: "ga-1", ListenerID: "lsr-1",
		Set: []ga.DomainCertificate{{Domain: "a.com", CertificateID: "cert-a2"}}, Remove: []string{"c.com"}}, 10*time.Second, fast)
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"ga rotation plan", "ga rotation update", "ga rotation dissociate", "ga rotation done"}, msgs,
		"Info records per step (polls are Debug)")
}

// handlerFunc is an Info-level slog.Handler calling f.
type handlerFunc func(slog.Record)

func (f handlerFunc) Enabled(_ context.Context, l slog.Level) bool  { return l >= slog.LevelInfo }
func (f handlerFunc) Handle(_ context.Context, r slog.Record) error { f(r); return nil }
func (f handlerFunc) WithAttrs([]slog.Attr) slog.Handler            { return f }
func (f handlerFunc) WithGroup(string) slog.Handler                 { return f }

// Ten rotations on ten listeners of ten accelerators, concurrently through
// one client (run with -race).
func TestConcurrentRotations(t *testing.T) {
	srv, c := setupGA(t, nil)
	const n = 10
	for i := range n {
		require.NoError(t, srv.GA.AddAccelerator(alicloudtest.GAAccelerator{ID: fmt.Sprintf("ga-c%d", i)}))
		require.NoError(t, srv.GA.AddListener(alicloudtest.GAListener{ID: fmt.Sprintf("lsr-c%d", i), AcceleratorID: fmt.Sprintf("ga-c%d", i),
			AdditionalCertificates: map[string]string{"a.com": "old-a", "b.com": "old-b"}}))
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = c.RotateCertificates(context.Background(), &ga.RotateCertificatesInput{
				AcceleratorID: fmt.Sprintf("ga-c%d", i), ListenerID: fmt.Sprintf("lsr-c%d", i),
				Set:    []ga.DomainCertificate{{Domain: "a.com", CertificateID: "new-a"}, {Domain: "c.com", CertificateID: "new-c"}},
				Remove: []string{"b.com"}}, 20*time.Second, fast)
		}()
	}
	wg.Wait()
	for i := range n {
		require.NoError(t, errs[i], i)
		l, _ := srv.GA.Listener(fmt.Sprintf("lsr-c%d", i))
		assert.Equal(t, map[string]string{"a.com": "new-a", "c.com": "new-c"}, l.AdditionalCertificates)
	}
	assert.Zero(t, srv.Stats().ErrorsByCode["StateError.Accelerator"])
	assert.Equal(t, 3*n, srv.Stats().Actions)
}
