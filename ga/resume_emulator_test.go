package ga_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/alicloudtest"
	"github.com/listenercerts/alicloud/ga"
)

// A rotation cancelled right after a write was accepted, re-run with the
// same input and no ClientToken (so no call token is shared with the
// first run): the re-run waits for the interrupted change to take effect
// before it plans, so nothing is acted on twice.
func TestRotateCertificatesResumesWithoutTheBaseToken(t *testing.T) {
	for _, step := range []string{alicloud.StepUpdate, alicloud.StepAssociate, alicloud.StepDissociate} {
		t.Run(step, func(t *testing.T) {
			srv, c := setupGA(t, nil)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			in := &ga.RotateCertificatesInput{AcceleratorID: "ga-1", ListenerID: "lsr-1",
				Set:    []ga.DomainCertificate{{Domain: "a.com", CertificateID: "cert-a2"}, {Domain: "d.com", CertificateID: "cert-d"}},
				Remove: []string{"c.com"},
				Progress: func(ev alicloud.ProgressEvent) {
					if ev.Step == step {
						cancel() // right after the call was accepted, before its change took effect
					}
				}}
			_, err := c.RotateCertificates(ctx, in, 10*time.Second, fast)
			var re *ga.RotationError
			require.ErrorAs(t, err, &re)
			require.ErrorIs(t, err, context.Canceled)
			assert.Equal(t, alicloud.StepWait, re.Step)

			in.Progress = nil
			out, err := c.RotateCertificates(context.Background(), in, 10*time.Second, fast)
			require.NoError(t, err)
			assert.Equal(t, map[string]string{"a.com": "cert-a2", "b.com": "cert-b", "d.com": "cert-d"}, domains(srv))
			st := srv.Stats()
			assert.Equal(t, map[string]int{opUpdate: 1, opAssociate: 1, opDissociate: 1}, st.ActionsByAction,
				"each change acted on once")
			for token, n := range srv.ActionsByClientToken() {
				assert.Equal(t, 1, n, token)
			}
			assert.Zero(t, st.ErrorsByCode["StateError.Accelerator"]+st.ErrorsByCode["NotActive.Listener"],
				"the re-run waited for the interrupted change instead of meeting its lock")
			switch step {
			case alicloud.StepUpdate:
				assert.Equal(t, []string{"a.com"}, out.Unchanged)
				assert.Equal(t, []string{"d.com"}, out.Associated)
				assert.Equal(t, []string{"c.com"}, out.Dissociated)
			case alicloud.StepAssociate:
				assert.Equal(t, []string{"a.com", "d.com"}, out.Unchanged)
				assert.Equal(t, []string{"c.com"}, out.Dissociated)
			case alicloud.StepDissociate:
				assert.Equal(t, []string{"a.com", "d.com"}, out.Unchanged)
				assert.Equal(t, []string{"c.com"}, out.AlreadyDissociated)
				assert.Zero(t, out.Plan.Calls())
			}
		})
	}
}

// A DissociateAndWait cancelled once its Dissociate was accepted, re-run
// with the same domains and no ClientToken: the re-run waits for the
// dissociation, finds the domains gone and sends nothing.
func TestDissociateAndWaitResumesWithoutTheToken(t *testing.T) {
	srv, c := setupGA(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	in := &ga.DissociateAdditionalCertificatesFromListenerInput{AcceleratorID: "ga-1", ListenerID: "lsr-1",
		Domains: []string{"a.com", "b.com"}}
	cancelOnPoll := func(o *alicloud.WaiterOptions) {
		o.OnPoll = func(alicloud.WaitPoll) {
			if srv.Stats().RequestsByAction[opDissociate] > 0 { // a poll after the call (settle's come before it)
				cancel()
			}
		}
	}
	_, err := c.DissociateAndWait(ctx, in, 10*time.Second, fast, cancelOnPoll)
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, 1, srv.Stats().RequestsByAction[opDissociate], "cancelled in the wait after the call")

	out, err := c.DissociateAndWait(context.Background(), in, 10*time.Second, fast)
	require.NoError(t, err)
	assert.Equal(t, []string{"a.com", "b.com"}, out.AlreadyDissociated)
	assert.Empty(t, out.ClientToken, "nothing sent")
	assert.Equal(t, 1, srv.Stats().RequestsByAction[opDissociate])
	assert.Equal(t, map[string]int{opDissociate: 1}, srv.Stats().ActionsByAction)
	assert.Equal(t, map[string]string{"c.com": "cert-c"}, domains(srv))
	a, _ := srv.GA.Accelerator("ga-1")
	assert.Equal(t, "active", a.State)
}

// Two listeners of one accelerator rotated concurrently through one
// client: GA takes one change per accelerator at a time, so each rotation
// waits for (or is refused busy and retries around) the other's changes;
// both finish, each change acted on once, and the end state is exact.
func TestConcurrentRotationsShareTheAcceleratorLock(t *testing.T) {
	srv, c := setupGA(t, nil)
	require.NoError(t, srv.GA.AddListener(alicloudtest.GAListener{ID: "lsr-2", AcceleratorID: "ga-1", DefaultCertificateID: "cert-0",
		AdditionalCertificates: map[string]string{"a.com": "old-a", "b.com": "old-b"}}))
	rotate := func(listenerID string) error {
		_, err := c.RotateCertificates(context.Background(), &ga.RotateCertificatesInput{AcceleratorID: "ga-1", ListenerID: listenerID,
			Set:    []ga.DomainCertificate{{Domain: "a.com", CertificateID: "new-a"}, {Domain: "e.com", CertificateID: "new-e"}},
			Remove: []string{"b.com"}}, 20*time.Second, fast)
		return err
	}
	errs := make(chan error, 2)
	go func() { errs <- rotate("lsr-1") }()
	go func() { errs <- rotate("lsr-2") }()
	require.NoError(t, <-errs)
	require.NoError(t, <-errs)

	l1, _ := srv.GA.Listener("lsr-1")
	l2, _ := srv.GA.Listener("lsr-2")
	assert.Equal(t, map[string]string{"a.com": "new-a", "c.com": "cert-c", "e.com": "new-e"}, l1.AdditionalCertificates)
	assert.Equal(t, map[string]string{"a.com": "new-a", "e.com": "new-e"}, l2.AdditionalCertificates)
	a, _ := srv.GA.Accelerator("ga-1")
	assert.Equal(t, "active", a.State)
	st := srv.Stats()
	assert.Equal(t, map[string]int{opUpdate: 2, opAssociate: 2, opDissociate: 2}, st.ActionsByAction, "each change once")
	for token, n := range srv.ActionsByClientToken() {
		assert.Equal(t, 1, n, token)
	}
	t.Logf("busy answers absorbed: %d StateError.Accelerator, %d NotActive.Listener",
		st.ErrorsByCode["StateError.Accelerator"], st.ErrorsByCode["NotActive.Listener"])
}
