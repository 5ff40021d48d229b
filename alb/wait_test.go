package alb_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/alb"
	"github.com/listenercerts/alicloud/alicloudtest"
)

const (
	opList = "ListListenerCertificates"
	opJobs = "ListAsynJobs"
)

// actions returns the Action of every request the emulator received, in
// order.
func actions(srv *alicloudtest.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		out = append(out, r.Action)
	}
	return out
}

// A wait that knows its job polls ListAsynJobs alone while the job runs,
// then lists once: one read per poll, not two.
func TestWaitForJobPollsTheJobThenListsOnce(t *testing.T) {
	for _, tc := range []struct {
		name string
		run  func(c *alb.Client) error
		op   string
	}{
		{"DissociateAndWait", func(c *alb.Client) error {
			_, err := c.DissociateAndWait(context.Background(), &alb.DissociateAdditionalCertificatesFromListenerInput{
				ListenerID: "lsn-1", CertificateIDs: []string{"cert-1", "cert-2"}}, 10*time.Second, fast)
			return err
		}, opDissociate},
		{"AssociateAndWait", func(c *alb.Client) error {
			_, err := c.AssociateAndWait(context.Background(), &alb.AssociateAdditionalCertificatesWithListenerInput{
				ListenerID: "lsn-1", CertificateIDs: []string{"new-1", "new-2"}}, 10*time.Second, fast)
			return err
		}, opAssociate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const delay = 150 * time.Millisecond // about 5 polls of fast
			srv, c := setup(t, delay, nil, alicloudtest.WithALBAssociateDelay(delay))
			require.NoError(t, tc.run(c))
			got := actions(srv)
			require.GreaterOrEqual(t, len(got), 5, "%v", got)
			assert.Equal(t, []string{opList, tc.op}, got[:2], "lists to plan, then writes")
			jobs := got[2 : len(got)-1]
			assert.GreaterOrEqual(t, len(jobs), 2, "the job ran several polls: %v", got)
			for _, a := range jobs {
				assert.Equal(t, opJobs, a, "while the job runs, a poll reads the job alone: %v", got)
			}
			assert.Equal(t, opList, got[len(got)-1], "one listing confirms once the job has Succeeded")
			st := srv.Stats()
			assert.Equal(t, 2, st.RequestsByAction[opList])
			assert.Equal(t, len(jobs), st.RequestsByAction[opJobs])
		})
	}
}

// A failed job ends the wait at its first poll that sees it, with no
// listing.
func TestWaitForJobFailedJobListsNothing(t *testing.T) {
	srv, c := setup(t, 50*time.Millisecond, nil)
	srv.ALB.FailNextJobs(1, "InternalError.CertificateUpdate", "could not apply")
	_, err := c.DissociateAndWait(context.Background(), &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}}, 10*time.Second, fast)
	var jf *alb.JobFailedError
	require.ErrorAs(t, err, &jf)
	st := srv.Stats()
	assert.Equal(t, 1, st.RequestsByAction[opList], "the planning listing alone: %v", actions(srv))
	assert.Positive(t, st.RequestsByAction[opJobs])
}

// Should the listing lag behind a Succeeded job, the wait lists until it
// shows the wanted state, without asking for the job again.
func TestWaitForJobListsUntilTheListingAgrees(t *testing.T) {
	// The job waited for (a dissociation, done at once) is over before the
	// certificate (being associated by another job) is Associated: as a
	// listing lagging behind its job would look.
	srv, c := setup(t, 0, nil, alicloudtest.WithALBAssociateDelay(150*time.Millisecond))
	ctx := context.Background()
	done, err := c.DissociateAdditionalCertificatesFromListener(ctx, &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}})
	require.NoError(t, err)
	_, err = c.AssociateAdditionalCertificatesWithListener(ctx, &alb.AssociateAdditionalCertificatesWithListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"new-1"}})
	require.NoError(t, err)
	before := srv.Stats()

	err = alb.NewCertificatesAssociatedWaiter(c, fast).WaitForJob(ctx, "lsn-1", []string{"new-1"}, done.JobID, 10*time.Second)
	require.NoError(t, err)
	l, _ := srv.ALB.Listener("lsn-1")
	assert.Equal(t, "Associated", l.CertificateStatus("new-1"), "returned only once the listing agreed")
	st := srv.Stats()
	assert.Equal(t, 1, st.RequestsByAction[opJobs]-before.RequestsByAction[opJobs], "the job is read once: %v", actions(srv))
	assert.GreaterOrEqual(t, st.RequestsByAction[opList]-before.RequestsByAction[opList], 2, "listed until Associated")
}

// A job ListAsynJobs does not know is not waited for: the listing decides.
func TestWaitForJobUnknownJobFallsBackToTheListing(t *testing.T) {
	srv, c := setup(t, 0, nil)
	err := alb.NewCertificatesDissociatedWaiter(c, fast).WaitForJob(context.Background(), "lsn-1", []string{"cert-gone"}, "job-unknown", time.Second)
	require.NoError(t, err)
	assert.Equal(t, []string{opJobs, opList}, actions(srv))
}

// denyJobs answers ListAsynJobs with a RAM denial, as the service does for
// a policy without alb:ListAsynJobs, and passes every other request on.
type denyJobs struct{ next http.RoundTripper }

func (d denyJobs) RoundTrip(r *http.Request) (*http.Response, error) {
	action := ""
	for k, v := range r.Header { // the SDK keeps the signed, lower-case spelling
		if strings.EqualFold(k, "x-acs-action") && len(v) > 0 {
			action = v[0]
		}
	}
	if action != opJobs {
		return d.next.RoundTrip(r)
	}
	body := `{"RequestId":"R-denied","Code":"Forbidden.RAM","Message":"User not authorized to operate on the specified resource."}`
	return &http.Response{StatusCode: http.StatusForbidden, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: r}, nil
}

// A caller whose RAM policy lacks alb:ListAsynJobs still gets its wait:
// the listing alone decides.
func TestWaitWithoutListAsynJobsPermissionLists(t *testing.T) {
	srv, c := setup(t, 50*time.Millisecond, func(cfg *alicloud.Config) {
		cfg.HTTPClient = &http.Client{Transport: denyJobs{next: http.DefaultTransport}}
	})
	out, err := c.DissociateAndWait(context.Background(), &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}}, 10*time.Second, fast)
	require.NoError(t, err)
	assert.NotEmpty(t, out.JobID)
	l, _ := srv.ALB.Listener("lsn-1")
	assert.Empty(t, l.CertificateStatus("cert-1"), "done when the wait returned")
}

// While a job runs, every 8th poll lists too (so that a deleted listener
// ends the wait); the others read the job alone.
func TestLongJobListsEveryEighthPoll(t *testing.T) {
	srv, c := setup(t, -1, nil) // the job never finishes
	out, err := c.DissociateAdditionalCertificatesFromListener(context.Background(),
		&alb.DissociateAdditionalCertificatesFromListenerInput{ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}})
	require.NoError(t, err)
	err = alb.NewCertificatesDissociatedWaiter(c, func(o *alicloud.WaiterOptions) { o.MinDelay, o.MaxDelay = time.Millisecond, time.Millisecond }).
		WaitForJob(context.Background(), "lsn-1", []string{"cert-1"}, out.JobID, 300*time.Millisecond)
	require.ErrorIs(t, err, alicloud.ErrWaitTimeout)
	jobs, lists := 0, 0
	for _, a := range actions(srv) {
		switch a {
		case opJobs:
			jobs++
		case opList:
			lists++
		}
	}
	require.GreaterOrEqual(t, jobs, 16, "enough polls to see the rhythm")
	assert.InDelta(t, jobs/8, lists, 1, "%d job reads, %d listings", jobs, lists)
}
