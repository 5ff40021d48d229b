package alb_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/alb"
	"github.com/listenercerts/alicloud/alicloudtest"
)

func names(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%02d", prefix, i)
	}
	return out
}

// rotationSetup starts an emulator with the listeners given (default
// certificate "def", additional certificates old) and a fast client.
func rotationSetup(t *testing.T, delay time.Duration, mutate func(*alicloud.Config), old []string, listeners ...string) (*alicloudtest.Server, *alb.Client) {
	t.Helper()
	srv := alicloudtest.NewServer(alicloudtest.WithALBAssociateDelay(delay), alicloudtest.WithALBDissociateDelay(delay))
	t.Cleanup(srv.Close)
	for _, id := range listeners {
		require.NoError(t, srv.ALB.AddListener(alicloudtest.ALBListener{ID: id, Protocol: "HTTPS",
			DefaultCertificateID: "def", AdditionalCertificateIDs: old}))
	}
	cfg := srv.Config()
	cfg.Retry = alicloud.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond,
		ConflictBaseDelay: 10 * time.Millisecond, ConflictMaxDelay: 30 * time.Millisecond}
	if mutate != nil {
		mutate(&cfg)
	}
	c, err := alb.New(cfg)
	require.NoError(t, err)
	return srv, c
}

func quick(o *alicloud.WaiterOptions) {
	o.MinDelay, o.MaxDelay = 5*time.Millisecond, 20*time.Millisecond
}

// listed returns the listener's certificates as the emulator holds them: id → status.
func listed(t *testing.T, srv *alicloudtest.Server, id string) map[string]string {
	l, ok := srv.ALB.Listener(id)
	require.True(t, ok)
	m := map[string]string{}
	for _, c := range l.Certificates {
		m[c.ID] = c.Status
	}
	return m
}

func associatedSet(ids ...[]string) map[string]string {
	m := map[string]string{}
	for _, l := range ids {
		for _, id := range l {
			m[id] = "Associated"
		}
	}
	return m
}

// checkOrder asserts that no certificate change named more than 15
// certificates, that every Associate came before every Dissociate, and that
// every association job had succeeded before the first dissociation job
// began; it returns the changes' certificate lists in order.
func checkOrder(t *testing.T, srv *alicloudtest.Server, listener string) (assoc, dissoc [][]string) {
	t.Helper()
	for _, r := range srv.Requests() {
		if r.Params.Get("ListenerId") != listener || r.ErrorCode != "" {
			continue
		}
		switch r.Action {
		case opAssociate:
			assert.Empty(t, dissoc, "an Associate after a Dissociate")
			assoc = append(assoc, certificatesOf(r))
		case opDissociate:
			dissoc = append(dissoc, certificatesOf(r))
		default:
			continue
		}
		assert.LessOrEqual(t, len(certificatesOf(r)), alb.MaxCertificatesPerCall)
	}
	var firstDissociation time.Time
	for _, j := range srv.ALB.Jobs() {
		if j.ResourceID == listener && j.APIName == opDissociate && (firstDissociation.IsZero() || j.CreateTime.Before(firstDissociation)) {
			firstDissociation = j.CreateTime
		}
	}
	for _, j := range srv.ALB.Jobs() {
		if j.ResourceID == listener && j.APIName == opAssociate && !firstDissociation.IsZero() {
			assert.Equal(t, "Succeeded", j.Status)
			assert.False(t, j.ModifyTime.After(firstDissociation), "association job %s ended after the first dissociation began", j.ID)
		}
	}
	return assoc, dissoc
}

func TestRotateTwentyOutTwentyIn(t *testing.T) {
	old, fresh := names("old", 20), names("new", 20)
	srv, c := rotationSetup(t, 30*time.Millisecond, nil, old, "lsn-r")
	var events []alicloud.ProgressEvent
	in := &alb.RotateCertificatesInput{ListenerID: "lsn-r", Add: fresh, Remove: old,
		Progress: func(ev alicloud.ProgressEvent) { events = append(events, ev) }}
	out, err := c.RotateCertificates(context.Background(), in, 10*time.Second, quick)
	require.NoError(t, err)

	assert.Equal(t, alb.RotationPlan{ListenerID: "lsn-r", DefaultCertificateID: "def",
		Associate: [][]string{fresh[:15], fresh[15:]}, Dissociate: [][]string{old[:15], old[15:]}}, out.Plan)
	assert.Equal(t, fresh, out.Associated)
	assert.Equal(t, old, out.Dissociated)
	assert.Empty(t, out.AlreadyAssociated)
	assert.Empty(t, out.AlreadyDissociated)
	assert.Len(t, out.JobIDs, 4)
	assert.Equal(t, associatedSet([]string{"def"}, fresh), listed(t, srv, "lsn-r"), "exactly the new set plus the default")
	assoc, dissoc := checkOrder(t, srv, "lsn-r")
	assert.Equal(t, [][]string{fresh[:15], fresh[15:]}, assoc)
	assert.Equal(t, [][]string{old[:15], old[15:]}, dissoc)
	assert.Equal(t, 4, srv.Stats().Actions, "each call acted once")

	// Progress: plan, then each call and its polls, then done.
	require.NotEmpty(t, events)
	assert.Equal(t, alicloud.StepPlan, events[0].Step)
	assert.Equal(t, 4, events[0].Total)
	last := events[len(events)-1]
	assert.Equal(t, alicloud.StepDone, last.Step)
	assert.NoError(t, last.Err)
	assert.Equal(t, 4, last.Done)
	var steps []string
	polls := 0
	for _, ev := range events {
		assert.Equal(t, "alb", ev.Service)
		assert.Equal(t, "lsn-r", ev.ListenerID)
		switch ev.Step {
		case alicloud.StepWait:
			require.NotNil(t, ev.Poll)
			polls++
		case alicloud.StepAssociate, alicloud.StepDissociate:
			assert.NotEmpty(t, ev.JobID)
			assert.NotEmpty(t, ev.ClientToken)
			steps = append(steps, ev.Step)
		}
	}
	assert.Equal(t, []string{"associate", "associate", "dissociate", "dissociate"}, steps)
	assert.GreaterOrEqual(t, polls, 4)

	// A second run has nothing to do and sends no write request.
	before := writes(srv)
	events = nil
	again, err := c.RotateCertificates(context.Background(), in, 10*time.Second, quick)
	require.NoError(t, err)
	assert.Equal(t, before, writes(srv))
	assert.Equal(t, fresh, again.AlreadyAssociated)
	assert.Equal(t, old, again.AlreadyDissociated)
	assert.Empty(t, again.JobIDs)
	assert.Zero(t, again.Plan.Calls())
	assert.Len(t, events, 2, "plan and done")
}

func TestRotateResumesAfterCancel(t *testing.T) {
	old, fresh := names("old", 20), names("new", 20)
	srv, c := rotationSetup(t, 80*time.Millisecond, nil, old, "lsn-r")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	in := &alb.RotateCertificatesInput{ListenerID: "lsn-r", Add: fresh, Remove: old, ClientToken: "rotation-1",
		Progress: func(ev alicloud.ProgressEvent) {
			if ev.Step == alicloud.StepAssociate {
				cancel() // right after the first Associate was accepted
			}
		}}
	out, err := c.RotateCertificates(ctx, in, 10*time.Second, quick)
	require.ErrorIs(t, err, context.Canceled)
	var re *alb.RotationError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "rotation-1", alicloud.ClientTokenOf(err), "the rotation's base token")
	assert.Equal(t, alicloud.StepWait, re.Step)
	assert.Len(t, re.Done.JobIDs, 1)
	assert.Empty(t, re.Done.Dissociated)
	assert.Equal(t, fresh, re.NotAssociated)
	assert.Equal(t, old, re.NotDissociated)
	assert.Contains(t, err.Error(), "nothing was dissociated")
	assert.Len(t, out.JobIDs, 1)
	assert.Empty(t, dissociations(srv))

	in.Progress = nil
	out, err = c.RotateCertificates(context.Background(), in, 10*time.Second, quick)
	require.NoError(t, err)
	assert.Equal(t, fresh[:15], out.AlreadyAssociated, "the first batch is not sent again")
	assert.Equal(t, fresh[15:], out.Associated)
	assert.Equal(t, old, out.Dissociated)
	assert.Equal(t, associatedSet([]string{"def"}, fresh), listed(t, srv, "lsn-r"))
	checkOrder(t, srv, "lsn-r")
	assert.Equal(t, 2, srv.Stats().ActionsByAction[opAssociate], "each batch acted on once")
	assert.Equal(t, 2, srv.Stats().ActionsByAction[opDissociate])
}

func TestRotateFailureKeepsTheListenerServing(t *testing.T) {
	srv, c := rotationSetup(t, 20*time.Millisecond, nil, []string{"old-1", "old-2"}, "lsn-r")
	srv.ALB.FailNextJobs(1, "InternalError.CertificateUpdate", "could not apply")
	out, err := c.RotateCertificates(context.Background(), &alb.RotateCertificatesInput{ListenerID: "lsn-r",
		Add: []string{"new-1", "new-2"}, Remove: []string{"old-1", "old-2"}}, 10*time.Second, quick)
	var re *alb.RotationError
	require.ErrorAs(t, err, &re)
	var jf *alb.JobFailedError
	require.ErrorAs(t, err, &jf, "unwraps to the cause")
	assert.Equal(t, out.ClientToken, alicloud.ClientTokenOf(err))
	assert.Equal(t, []string{"new-1", "new-2"}, re.NotAssociated)
	assert.Equal(t, []string{"old-1", "old-2"}, re.NotDissociated)
	assert.Equal(t, associatedSet([]string{"def", "old-1", "old-2"}), listed(t, srv, "lsn-r"), "nothing removed")
	assert.Empty(t, dissociations(srv))

	// Failure in the dissociation phase: the new certificates serve, the old stay.
	in := &alb.RotateCertificatesInput{ListenerID: "lsn-r", Add: []string{"new-1", "new-2"}}
	_, err = c.RotateCertificates(context.Background(), in, 10*time.Second, quick)
	require.NoError(t, err)
	srv.ALB.FailNextJobs(1, "InternalError.CertificateUpdate", "could not apply")
	in = &alb.RotateCertificatesInput{ListenerID: "lsn-r", Add: []string{"new-1", "new-2"}, Remove: []string{"old-1", "old-2"}}
	out, err = c.RotateCertificates(context.Background(), in, 10*time.Second, quick)
	require.ErrorAs(t, err, &re)
	assert.ErrorIs(t, err, alicloud.ErrConflict)
	assert.Equal(t, alicloud.StepWait, re.Step)
	assert.Equal(t, []string{"new-1", "new-2"}, out.AlreadyAssociated)
	assert.Empty(t, re.Done.Associated)
	assert.Empty(t, re.NotAssociated)
	assert.Equal(t, []string{"old-1", "old-2"}, re.NotDissociated)
	assert.Contains(t, err.Error(), "not done: associate none, dissociate 2 [old-1 old-2]")
	assert.Equal(t, associatedSet([]string{"def", "old-1", "old-2", "new-1", "new-2"}), listed(t, srv, "lsn-r"))

	// Re-running the same input finishes the work.
	out, err = c.RotateCertificates(context.Background(), in, 10*time.Second, quick)
	require.NoError(t, err)
	assert.Equal(t, []string{"new-1", "new-2"}, out.AlreadyAssociated)
	assert.Equal(t, []string{"old-1", "old-2"}, out.Dissociated)
	assert.Equal(t, associatedSet([]string{"def", "new-1", "new-2"}), listed(t, srv, "lsn-r"))
}

func TestRotateDryRunChangesNothing(t *testing.T) {
	old, fresh := names("old", 3), names("new", 17)
	srv, c := rotationSetup(t, 0, nil, old, "lsn-r")
	out, err := c.RotateCertificates(context.Background(), &alb.RotateCertificatesInput{ListenerID: "lsn-r",
		Add: append(fresh, "old-00"), Remove: []string{"old-01", "gone"}, DryRun: true}, time.Second, quick)
	require.NoError(t, err)
	assert.Equal(t, alb.RotationPlan{ListenerID: "lsn-r", DefaultCertificateID: "def",
		Associate: [][]string{fresh[:15], fresh[15:]}, Dissociate: [][]string{{"old-01"}},
		AlreadyAssociated: []string{"old-00"}, AlreadyDissociated: []string{"gone"}}, out.Plan)
	assert.Empty(t, out.JobIDs)
	assert.Empty(t, out.Associated)
	assert.Zero(t, srv.Stats().Actions, "no change")
	assert.Equal(t, associatedSet([]string{"def"}, old), listed(t, srv, "lsn-r"))
	for _, r := range srv.Requests() {
		if r.Action == opAssociate || r.Action == opDissociate {
			assert.Equal(t, "true", r.Params.Get("DryRun"), "only the service's DryRun prechecks")
		}
	}
	assert.Equal(t, 3, writes(srv), "one precheck per planned call")

	// A precheck that fails is the service's error.
	_, err = c.RotateCertificates(context.Background(), &alb.RotateCertificatesInput{ListenerID: "lsn-r",
		Add: []string{"old-00"}, Remove: []string{"old-01"}, DryRun: true}, time.Second, quick)
	require.NoError(t, err)
	require.NoError(t, srv.ALB.AddListener(alicloudtest.ALBListener{ID: "lsn-http", Protocol: "HTTP"}))
	_, err = c.RotateCertificates(context.Background(), &alb.RotateCertificatesInput{ListenerID: "lsn-http",
		Add: []string{"new-1"}, DryRun: true}, time.Second, quick)
	assert.ErrorIs(t, err, alb.ErrHTTPListenerNotSupported)
}

func TestRotateValidationSendsNothing(t *testing.T) {
	srv, c := rotationSetup(t, 0, nil, []string{"old-1"}, "lsn-r")
	long := make([]string, alb.MaxRotationCertificates+1)
	for i := range long {
		long[i] = fmt.Sprint("c", i)
	}
	tests := []struct {
		name    string
		in      *alb.RotateCertificatesInput
		maxWait time.Duration
		field   string
	}{
		{"nil input", nil, time.Second, "input"},
		{"no listener", &alb.RotateCertificatesInput{Add: []string{"a"}}, time.Second, "ListenerID"},
		{"nothing to rotate", &alb.RotateCertificatesInput{ListenerID: "lsn-r"}, time.Second, "Add"},
		{"empty id", &alb.RotateCertificatesInput{ListenerID: "lsn-r", Add: []string{"a", ""}}, time.Second, "Add[1]"},
		{"duplicate", &alb.RotateCertificatesInput{ListenerID: "lsn-r", Remove: []string{"a", "b", "a"}}, time.Second, "Remove[2]"},
		{"in both", &alb.RotateCertificatesInput{ListenerID: "lsn-r", Add: []string{"a", "b"}, Remove: []string{"c", "b"}}, time.Second, "Remove[1]"},
		{"too many", &alb.RotateCertificatesInput{ListenerID: "lsn-r", Add: long}, time.Second, "Add"},
		{"bad token", &alb.RotateCertificatesInput{ListenerID: "lsn-r", Add: []string{"a"}, ClientToken: "a b"}, time.Second, "ClientToken"},
		{"maxWait", &alb.RotateCertificatesInput{ListenerID: "lsn-r", Add: []string{"a"}}, 0, "maxWait"},
		{"default certificate in Remove", &alb.RotateCertificatesInput{ListenerID: "lsn-r", Add: []string{"a"}, Remove: []string{"old-1", "def"}}, time.Second, "Remove[1]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := c.RotateCertificates(context.Background(), tc.in, tc.maxWait, quick)
			assert.Nil(t, out)
			var ve *alicloud.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.ErrorIs(t, err, alicloud.ErrInvalidParameter)
			assert.Empty(t, alicloud.ClientTokenOf(err))
		})
	}
	_, err := c.RotateCertificates(context.Background(), &alb.RotateCertificatesInput{ListenerID: "lsn-r", Remove: []string{"def"}}, time.Second, quick)
	assert.ErrorIs(t, err, alb.ErrDefaultCertificateUsed)
	assert.Zero(t, writes(srv))
	assert.Equal(t, 2, srv.Stats().Requests, "only the listings that found the default certificate")
}

func TestRotateLogsEachStep(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	_, c := rotationSetup(t, 10*time.Millisecond, func(cfg *alicloud.Config) {
		cfg.Logger = slog.New(slog.NewTextHandler(&lockedWriter{w: &buf, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}, []string{"old-1"}, "lsn-r")
	_, err := c.RotateCertificates(context.Background(), &alb.RotateCertificatesInput{ListenerID: "lsn-r",
		Add: []string{"new-1"}, Remove: []string{"old-1"}}, time.Second, quick)
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	text := buf.String()
	for _, msg := range []string{"alb rotation plan", "alb rotation associate", "alb rotation dissociate", "alb rotation done"} {
		assert.Contains(t, text, msg)
	}
	assert.NotContains(t, text, "alb rotation wait", "polls are logged at Debug")
	assert.Contains(t, text, "listener=lsn-r")
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// Ten rotations on ten listeners at once through one client.
func TestRotateConcurrentListeners(t *testing.T) {
	const n = 10
	old, fresh := names("old", 16), names("new", 16)
	listeners := make([]string, n)
	for i := range listeners {
		listeners[i] = fmt.Sprintf("lsn-%d", i)
	}
	srv, c := rotationSetup(t, 20*time.Millisecond, nil, old, listeners...)
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i, id := range listeners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = c.RotateCertificates(context.Background(), &alb.RotateCertificatesInput{
				ListenerID: id, Add: fresh, Remove: old}, 30*time.Second, quick)
		}()
	}
	wg.Wait()
	for i, id := range listeners {
		require.NoError(t, errs[i], id)
		assert.Equal(t, associatedSet([]string{"def"}, fresh), listed(t, srv, id))
		assoc, dissoc := checkOrder(t, srv, id)
		assert.Len(t, assoc, 2)
		assert.Len(t, dissoc, 2)
	}
	assert.Equal(t, 4*n, srv.Stats().Actions)
	for tok, acts := range srv.ActionsByClientToken() {
		assert.Equal(t, 1, acts, tok)
	}
}

// A rotation stopped before its first write carries no ClientToken:
// nothing was sent, as for every call. Once a write was sent, it carries
// the base token to resume with.
func TestRotationErrorCarriesATokenOnlyOnceSent(t *testing.T) {
	srv, c := rotationSetup(t, 50*time.Millisecond, nil, []string{"old-1"}, "lsn-1")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := c.RotateCertificates(ctx, &alb.RotateCertificatesInput{ListenerID: "lsn-1", Add: []string{"new-1"},
		Remove: []string{"old-1"}, ClientToken: "base-1",
		Progress: func(ev alicloud.ProgressEvent) {
			if ev.Step == alicloud.StepPlan {
				cancel() // before the first Associate is sent
			}
		}}, time.Minute, quick)
	require.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, alicloud.ClientTokenOf(err))
	assert.Zero(t, srv.Stats().Actions)

	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	_, err = c.RotateCertificates(ctx2, &alb.RotateCertificatesInput{ListenerID: "lsn-1", Add: []string{"new-1"},
		Remove: []string{"old-1"}, ClientToken: "base-2",
		Progress: func(ev alicloud.ProgressEvent) {
			if ev.Step == alicloud.StepAssociate {
				cancel2() // the Associate was accepted; stop while waiting for it
			}
		}}, time.Minute, quick)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, "base-2", alicloud.ClientTokenOf(err))
	var re *alb.RotationError
	require.ErrorAs(t, err, &re)
	assert.True(t, re.Sent)
}

// Another writer associates one of the new certificates between the
// rotation's plan and its first call: the service refuses the call as
// stale; the rotation lists again, reports that one as already associated,
// sends the rest, and finishes.
func TestRotationReplansAfterAStaleAnswer(t *testing.T) {
	srv, c := rotationSetup(t, 0, nil, []string{"old-1"}, "lsn-1")
	other, err := alb.New(srv.Config())
	require.NoError(t, err)
	out, err := c.RotateCertificates(context.Background(), &alb.RotateCertificatesInput{ListenerID: "lsn-1",
		Add: []string{"new-1", "new-2"}, Remove: []string{"old-1"},
		Progress: func(ev alicloud.ProgressEvent) {
			if ev.Step == alicloud.StepPlan { // the plan is made: now the other writer acts
				_, err := other.AssociateAdditionalCertificatesWithListener(context.Background(),
					&alb.AssociateAdditionalCertificatesWithListenerInput{ListenerID: "lsn-1", CertificateIDs: []string{"new-1"}})
				require.NoError(t, err)
			}
		}}, time.Minute, quick)
	require.NoError(t, err)
	assert.Equal(t, []string{"new-2"}, out.Associated)
	assert.Contains(t, out.AlreadyAssociated, "new-1")
	assert.Equal(t, []string{"old-1"}, out.Dissociated)
	assert.Equal(t, map[string]string{"def": "Associated", "new-1": "Associated", "new-2": "Associated"}, listed(t, srv, "lsn-1"))
	assert.Equal(t, 1, srv.Stats().ErrorsByCode["ResourceAlreadyAssociated.Certificate"], "the stale call was refused once")
}
