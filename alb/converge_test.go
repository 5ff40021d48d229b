package alb_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/alb"
	"github.com/listenercerts/alicloud/alicloudtest"
)

const opAssociate = "AssociateAdditionalCertificatesWithListener"

// writes counts the certificate changes that reached the emulator, dry runs included.
func writes(srv *alicloudtest.Server) int {
	st := srv.Stats()
	return st.RequestsByAction[opAssociate] + st.RequestsByAction[opDissociate]
}

// Two sets dissociated back to back on one listener, with the client's
// default retry policy: the second meets the busy listener
// (IncorrectStatus.Listener), is retried with its token, and each set is
// acted on once.
func TestBackToBackDissociationsWithDefaults(t *testing.T) {
	srv := alicloudtest.NewServer(alicloudtest.WithALBDissociateDelay(150 * time.Millisecond))
	t.Cleanup(srv.Close)
	require.NoError(t, srv.ALB.AddListener(alicloudtest.ALBListener{ID: "lsn-1", Protocol: "HTTPS",
		DefaultCertificateID: "cert-0", AdditionalCertificateIDs: []string{"cert-1", "cert-2", "cert-3", "cert-4"}}))
	c, err := alb.New(srv.Config()) // no option set
	require.NoError(t, err)
	ctx := context.Background()
	first, err := c.DissociateAdditionalCertificatesFromListener(ctx, &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"cert-1", "cert-2"}})
	require.NoError(t, err)
	second, err := c.DissociateAdditionalCertificatesFromListener(ctx, &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"cert-3", "cert-4"}})
	require.NoError(t, err)
	assert.Greater(t, srv.Stats().ErrorsByCode["IncorrectStatus.Listener"], 0, "the emulator answered the busy listener in between")
	assert.Equal(t, map[string]int{first.ClientToken: 1, second.ClientToken: 1}, srv.ActionsByClientToken())
	assert.NotEqual(t, first.JobID, second.JobID)
}

func TestDissociateAndWaitConverges(t *testing.T) {
	srv, c := setup(t, 50*time.Millisecond, nil)
	ctx := context.Background()
	out, err := c.DissociateAndWait(ctx, &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"cert-gone", "cert-1"}, ClientToken: "caller-token"}, 10*time.Second, fast)
	require.NoError(t, err)
	assert.Equal(t, []string{"cert-gone"}, out.AlreadyDissociated)
	assert.NotEmpty(t, out.JobID)
	l, _ := srv.ALB.Listener("lsn-1")
	assert.Empty(t, l.CertificateStatus("cert-1"), "the present one is gone")
	assert.Equal(t, "Associated", l.CertificateStatus("cert-2"))

	reqs := dissociations(srv)
	require.Len(t, reqs, 1)
	assert.Equal(t, []string{"cert-1"}, certificatesOf(reqs[0]), "only the present certificate was sent")
	tok := reqs[0].Params.Get("ClientToken")
	assert.Equal(t, out.ClientToken, tok)
	assert.NotEqual(t, "caller-token", tok, "a changed list never reuses the caller's token")

	// The same list again: the derived token is the same (a re-run that
	// sends the same ids reuses it), so the service answers from its
	// idempotency record instead of refusing the call.
	srv.ALB.CompleteJobs()
	out2, err := c.DissociateAdditionalCertificatesFromListener(ctx, &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}, ClientToken: tok})
	require.NoError(t, err)
	assert.Equal(t, out.JobID, out2.JobID)

	// Nothing left to do: no write request at all.
	before := writes(srv)
	out, err = c.DissociateAndWait(ctx, &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"cert-1", "cert-gone"}}, 10*time.Second, fast)
	require.NoError(t, err)
	assert.Equal(t, []string{"cert-1", "cert-gone"}, out.AlreadyDissociated)
	assert.Empty(t, out.JobID)
	assert.Empty(t, out.ClientToken, "nothing was sent")
	assert.Equal(t, before, writes(srv))
}

func TestDissociateAndWaitSendsTheCallersTokenForTheWholeList(t *testing.T) {
	srv, c := setup(t, 0, nil)
	out, err := c.DissociateAndWait(context.Background(), &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"cert-1", "cert-2"}, ClientToken: "caller-token"}, time.Second, fast)
	require.NoError(t, err)
	assert.Equal(t, "caller-token", out.ClientToken)
	assert.Empty(t, out.AlreadyDissociated)
	assert.Equal(t, map[string]int{"caller-token": 1}, srv.ActionsByClientToken())
}

func TestDissociateAndWaitRefusesTheDefaultCertificateBeforeSending(t *testing.T) {
	srv, c := setup(t, 0, nil)
	_, err := c.DissociateAndWait(context.Background(), &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"cert-1", "cert-0"}}, time.Second, fast)
	var ve *alicloud.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "CertificateIDs[1]", ve.Field)
	assert.ErrorIs(t, err, alb.ErrDefaultCertificateUsed)
	assert.ErrorIs(t, err, alicloud.ErrInvalidParameter)
	assert.Contains(t, err.Error(), "default certificate")
	assert.Empty(t, alicloud.ClientTokenOf(err))
	assert.Zero(t, writes(srv))
}

func TestDissociateAndWaitWaitsForACertificateAlreadyDissociating(t *testing.T) {
	srv, c := setup(t, -1, nil)
	_, err := c.DissociateAdditionalCertificatesFromListener(context.Background(), &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}})
	require.NoError(t, err)
	time.AfterFunc(100*time.Millisecond, func() { srv.ALB.CompleteJobs() })
	out, err := c.DissociateAndWait(context.Background(), &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}}, 10*time.Second, fast)
	require.NoError(t, err)
	assert.Equal(t, []string{"cert-1"}, out.AlreadyDissociated)
	assert.Equal(t, 1, writes(srv), "not sent again")
	l, _ := srv.ALB.Listener("lsn-1")
	assert.Empty(t, l.CertificateStatus("cert-1"), "returned only once it was gone")
}

func TestAssociateAndWaitConverges(t *testing.T) {
	srv, c := setup(t, 0, nil, alicloudtest.WithALBAssociateDelay(50*time.Millisecond))
	out, err := c.AssociateAndWait(context.Background(), &alb.AssociateAdditionalCertificatesWithListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"cert-1", "new-1", "cert-0", "new-2"}}, 10*time.Second, fast)
	require.NoError(t, err)
	assert.Equal(t, []string{"cert-1", "cert-0"}, out.AlreadyAssociated, "the default certificate serves too")
	l, _ := srv.ALB.Listener("lsn-1")
	assert.Equal(t, "Associated", l.CertificateStatus("new-1"))
	assert.Equal(t, "Associated", l.CertificateStatus("new-2"))
	job, _ := srv.ALB.Job(out.JobID)
	assert.Equal(t, []string{"new-1", "new-2"}, job.Certificates)
	assert.Equal(t, opAssociate, job.APIName)

	before := writes(srv)
	out, err = c.AssociateAndWait(context.Background(), &alb.AssociateAdditionalCertificatesWithListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"new-1", "new-2"}}, 10*time.Second, fast)
	require.NoError(t, err)
	assert.Equal(t, []string{"new-1", "new-2"}, out.AlreadyAssociated)
	assert.Equal(t, before, writes(srv), "nothing to do, nothing sent")

	// A dry run prechecks what would be sent and changes nothing.
	out, err = c.AssociateAndWait(context.Background(), &alb.AssociateAdditionalCertificatesWithListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"new-1", "new-3"}, DryRun: true}, 10*time.Second, fast)
	require.NoError(t, err)
	assert.True(t, out.DryRunPassed)
	l, _ = srv.ALB.Listener("lsn-1")
	assert.Empty(t, l.CertificateStatus("new-3"))
}

// Every error after sending carries the ClientToken of the call, wait-phase
// errors included, and still matches what it is.
func TestAndWaitErrorsCarryTheClientToken(t *testing.T) {
	type run func(c *alb.Client, ctx context.Context, maxWait time.Duration) (token string, err error)
	dissociate := func(c *alb.Client, ctx context.Context, maxWait time.Duration) (string, error) {
		out, err := c.DissociateAndWait(ctx, &alb.DissociateAdditionalCertificatesFromListenerInput{
			ListenerID: "lsn-1", CertificateIDs: []string{"cert-1", "cert-gone"}}, maxWait, fast)
		require.NotNil(t, out, "the output is returned with a wait error")
		return out.ClientToken, err
	}
	associate := func(c *alb.Client, ctx context.Context, maxWait time.Duration) (string, error) {
		out, err := c.AssociateAndWait(ctx, &alb.AssociateAdditionalCertificatesWithListenerInput{
			ListenerID: "lsn-1", CertificateIDs: []string{"new-1", "cert-2"}}, maxWait, fast)
		require.NotNil(t, out, "the output is returned with a wait error")
		return out.ClientToken, err
	}
	rotate := func(c *alb.Client, ctx context.Context, maxWait time.Duration) (string, error) {
		out, err := c.RotateCertificates(ctx, &alb.RotateCertificatesInput{
			ListenerID: "lsn-1", Add: []string{"new-1"}, Remove: []string{"cert-1"}}, maxWait, fast)
		require.NotNil(t, out)
		var re *alb.RotationError
		require.ErrorAs(t, err, &re)
		assert.Equal(t, out.ClientToken, re.ClientToken)
		if errors.Is(err, alicloud.ErrNotFound) { // the listener is gone: a re-run cannot help
			assert.False(t, re.Resumable())
			assert.Contains(t, err.Error(), "until it is fixed")
		} else {
			assert.True(t, re.Resumable())
			assert.Contains(t, err.Error(), "re-run RotateCertificates with the same input")
		}
		return out.ClientToken, err
	}
	for name, op := range map[string]run{"DissociateAndWait": dissociate, "AssociateAndWait": associate, "RotateCertificates": rotate} {
		t.Run(name, func(t *testing.T) {
			t.Run("timeout", func(t *testing.T) {
				_, c := setup(t, -1, nil, alicloudtest.WithALBAssociateDelay(-1))
				tok, err := op(c, context.Background(), 150*time.Millisecond)
				assert.ErrorIs(t, err, alicloud.ErrWaitTimeout)
				assert.NotEmpty(t, tok)
				assert.Equal(t, tok, alicloud.ClientTokenOf(err))
			})
			t.Run("cancel during a poll delay", func(t *testing.T) {
				_, c := setup(t, -1, nil, alicloudtest.WithALBAssociateDelay(-1))
				ctx, cancel := context.WithCancel(context.Background())
				time.AfterFunc(100*time.Millisecond, cancel)
				tok, err := op(c, ctx, time.Hour)
				assert.ErrorIs(t, err, context.Canceled)
				assert.Equal(t, tok, alicloud.ClientTokenOf(err))
			})
			t.Run("listener gone", func(t *testing.T) {
				srv, c := setup(t, -1, nil, alicloudtest.WithALBAssociateDelay(-1))
				time.AfterFunc(100*time.Millisecond, func() { srv.ALB.DeleteListener("lsn-1") })
				tok, err := op(c, context.Background(), time.Hour)
				assert.ErrorIs(t, err, alb.ErrListenerNotFound)
				assert.Equal(t, tok, alicloud.ClientTokenOf(err))
			})
			t.Run("job failed", func(t *testing.T) {
				srv, c := setup(t, 50*time.Millisecond, nil, alicloudtest.WithALBAssociateDelay(50*time.Millisecond))
				srv.ALB.FailNextJobs(1, "InternalError.CertificateUpdate", "could not apply")
				tok, err := op(c, context.Background(), 10*time.Second)
				var jf *alb.JobFailedError
				require.ErrorAs(t, err, &jf)
				assert.Equal(t, "InternalError.CertificateUpdate", jf.ErrorCode)
				assert.ErrorIs(t, err, alicloud.ErrConflict)
				assert.Equal(t, tok, alicloud.ClientTokenOf(err))
			})
		})
	}
}

func TestAndWaitValidation(t *testing.T) {
	srv, c := setup(t, 0, nil)
	ctx := context.Background()
	_, err := c.DissociateAndWait(ctx, nil, time.Second)
	assert.ErrorIs(t, err, alicloud.ErrInvalidParameter)
	_, err = c.AssociateAndWait(ctx, nil, time.Second)
	assert.ErrorIs(t, err, alicloud.ErrInvalidParameter)
	_, err = c.AssociateAndWait(ctx, &alb.AssociateAdditionalCertificatesWithListenerInput{ListenerID: "lsn-1", CertificateIDs: []string{"a"}}, 0)
	assert.ErrorIs(t, err, alicloud.ErrInvalidParameter)
	many := make([]string, alb.MaxCertificatesPerCall+1)
	for i := range many {
		many[i] = "c" + string(rune('a'+i))
	}
	_, err = c.DissociateAndWait(ctx, &alb.DissociateAdditionalCertificatesFromListenerInput{ListenerID: "lsn-1", CertificateIDs: many}, time.Second)
	var ve *alicloud.ValidationError
	require.True(t, errors.As(err, &ve))
	assert.Equal(t, "CertificateIDs", ve.Field, "more than 15: RotateCertificates splits them, DissociateAndWait refuses")
	assert.Zero(t, srv.Stats().Requests, "nothing sent, not even a listing")
}

func dissociations(srv *alicloudtest.Server) []alicloudtest.RecordedRequest {
	var out []alicloudtest.RecordedRequest
	for _, r := range srv.Requests() {
		if r.Action == opDissociate {
			out = append(out, r)
		}
	}
	return out
}

// certificatesOf returns the Certificates.N.CertificateId of a request, in order.
func certificatesOf(r alicloudtest.RecordedRequest) []string {
	var ids []string
	for i := 1; ; i++ {
		id := r.Params.Get("Certificates." + itoa(i) + ".CertificateId")
		if id == "" {
			return ids
		}
		ids = append(ids, id)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
