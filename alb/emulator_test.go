package alb_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/alb"
	"github.com/listenercerts/alicloud/alicloudtest"
)

const opDissociate = "DissociateAdditionalCertificatesFromListener"

// setup starts an emulator with one HTTPS listener "lsn-1" (default
// "cert-0", additional cert-1..cert-3) and a client for it.
func setup(t *testing.T, delay time.Duration, mutate func(*alicloud.Config), opts ...alicloudtest.Option) (*alicloudtest.Server, *alb.Client) {
	t.Helper()
	srv := alicloudtest.NewServer(append([]alicloudtest.Option{alicloudtest.WithALBDissociateDelay(delay)}, opts...)...)
	t.Cleanup(srv.Close)
	require.NoError(t, srv.ALB.AddListener(alicloudtest.ALBListener{ID: "lsn-1", Protocol: "HTTPS",
		DefaultCertificateID: "cert-0", AdditionalCertificateIDs: []string{"cert-1", "cert-2", "cert-3"}}))
	cfg := srv.Config()
	cfg.Retry = alicloud.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond,
		ConflictBaseDelay: 20 * time.Millisecond, ConflictMaxDelay: 50 * time.Millisecond}
	if mutate != nil {
		mutate(&cfg)
	}
	c, err := alb.New(cfg)
	require.NoError(t, err)
	return srv, c
}

func fast(o *alicloud.WaiterOptions) {
	o.MinDelay, o.MaxDelay = 20*time.Millisecond, 50*time.Millisecond
}

func TestSignaturesVerifyInTheEmulator(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*alicloud.Config, *alicloudtest.Server)
	}{
		{"V3", nil},
		{"V1", func(c *alicloud.Config, _ *alicloudtest.Server) { c.SignatureVersion = alicloud.SignatureV1 }},
		{"V3 STS", func(c *alicloud.Config, s *alicloudtest.Server) {
			id, secret, token := s.IssueSTS(time.Hour)
			c.Credentials = alicloud.StaticCredentials(id, secret, token)
		}},
		{"V1 STS", func(c *alicloud.Config, s *alicloudtest.Server) {
			id, secret, token := s.IssueSTS(time.Hour)
			c.Credentials = alicloud.StaticCredentials(id, secret, token)
			c.SignatureVersion = alicloud.SignatureV1
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := alicloudtest.NewServer(alicloudtest.WithALBDissociateDelay(0))
			defer srv.Close()
			require.NoError(t, srv.ALB.AddListener(alicloudtest.ALBListener{ID: "lsn-1", Protocol: "HTTPS",
				DefaultCertificateID: "cert-0", AdditionalCertificateIDs: []string{"cert*1~/x:=&+", "cert-2"}}))
			cfg := srv.Config()
			if tc.mutate != nil {
				tc.mutate(&cfg, srv)
			}
			c, err := alb.New(cfg)
			require.NoError(t, err)
			// A certificate id with characters the encoding must get right.
			out, err := c.DissociateAdditionalCertificatesFromListener(context.Background(),
				&alb.DissociateAdditionalCertificatesFromListenerInput{ListenerID: "lsn-1", CertificateIDs: []string{"cert-2"}})
			require.NoError(t, err)
			assert.NotEmpty(t, out.JobID)
			page, err := c.ListListenerCertificates(context.Background(), &alb.ListListenerCertificatesInput{
				ListenerID: "lsn-1", CertificateIDs: []string{"cert*1~/x:=&+"}})
			require.NoError(t, err)
			require.Len(t, page.Certificates, 1)
			assert.Equal(t, "cert*1~/x:=&+", page.Certificates[0].CertificateID)
		})
	}
}

func TestWrongSecretIsRejected(t *testing.T) {
	srv, _ := setup(t, 0, nil)
	cfg := srv.Config()
	cfg.Credentials = alicloud.StaticCredentials(srv.AccessKeyID, "not-the-secret", "")
	c, err := alb.New(cfg)
	require.NoError(t, err)
	_, err = c.DissociateAdditionalCertificatesFromListener(context.Background(),
		&alb.DissociateAdditionalCertificatesFromListenerInput{ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}})
	assert.ErrorIs(t, err, alicloud.ErrUnauthorized)
	assert.NotContains(t, err.Error(), "not-the-secret")
	assert.Equal(t, 0, srv.Stats().Actions)
}

func TestRetriedThroughFaultsActsExactlyOnce(t *testing.T) {
	srv, c := setup(t, 0, nil)
	for _, kind := range []alicloudtest.FaultKind{alicloudtest.FaultThrottle, alicloudtest.FaultServiceUnavailable,
		alicloudtest.FaultDropConnection, alicloudtest.FaultDropAfterAction} {
		srv.InjectFault(alicloudtest.Fault{Kind: kind, Count: 1, Action: opDissociate})
	}
	out, err := c.DissociateAdditionalCertificatesFromListener(context.Background(),
		&alb.DissociateAdditionalCertificatesFromListenerInput{ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}})
	require.NoError(t, err)
	st := srv.Stats()
	assert.Equal(t, 5, st.RequestsByAction[opDissociate], "four faults, then the answer")
	assert.Equal(t, 1, st.Actions, "retried, yet acted exactly once")
	assert.Equal(t, map[string]int{out.ClientToken: 1}, srv.ActionsByClientToken())
	job, ok := srv.ALB.Job(out.JobID)
	require.True(t, ok, "the JobID of the replayed answer is the job the first acting attempt started")
	assert.Equal(t, "Succeeded", job.Status)
}

func TestEveryDocumentedErrorFromTheEmulator(t *testing.T) {
	srv, c := setup(t, -1, func(cfg *alicloud.Config) { cfg.Retry.DisableConflictRetry = true }) // busy answers come back at once
	require.NoError(t, srv.ALB.AddListener(alicloudtest.ALBListener{ID: "lsn-http", Protocol: "HTTP"}))
	require.NoError(t, srv.ALB.AddListener(alicloudtest.ALBListener{ID: "lsn-stopped", Protocol: "HTTPS", Status: "Stopped",
		DefaultCertificateID: "c0", AdditionalCertificateIDs: []string{"c1"}}))
	require.NoError(t, srv.ALB.AddListener(alicloudtest.ALBListener{ID: "lsn-busy", Protocol: "QUIC",
		DefaultCertificateID: "c0", AdditionalCertificateIDs: []string{"c1", "c2"}}))
	ctx := context.Background()
	_, err := c.DissociateAdditionalCertificatesFromListener(ctx, &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-busy", CertificateIDs: []string{"c1"}})
	require.NoError(t, err)

	tests := []struct {
		listener, cert string
		sentinel       error
		status         int
	}{
		{"lsn-nope", "cert-1", alb.ErrListenerNotFound, 404},
		{"lsn-http", "cert-1", alb.ErrHTTPListenerNotSupported, 400},
		{"lsn-busy", "c2", alb.ErrListenerIncorrectStatus, 400}, // "The status of lsn-busy [Configuring] is incorrect."
		{"lsn-stopped", "c1", alb.ErrListenerIncorrectStatus, 400},
		{"lsn-1", "cert-0", alb.ErrDefaultCertificateUsed, 400},
		{"lsn-1", "cert-9", alb.ErrCertificateNotAssociated, 400},
	}
	for _, tc := range tests {
		t.Run(tc.sentinel.Error(), func(t *testing.T) {
			for _, dryRun := range []bool{false, true} {
				_, err := c.DissociateAdditionalCertificatesFromListener(ctx, &alb.DissociateAdditionalCertificatesFromListenerInput{
					ListenerID: tc.listener, CertificateIDs: []string{tc.cert}, DryRun: dryRun})
				require.ErrorIs(t, err, tc.sentinel, "dry run %t", dryRun)
				var apiErr *alicloud.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tc.status, apiErr.HTTPStatus)
				assert.NotEmpty(t, apiErr.RequestID)
				assert.NotEmpty(t, apiErr.Message)
				assert.NotEmpty(t, apiErr.Recommend)
				assert.Equal(t, 1, apiErr.Attempts)
			}
		})
	}
	assert.Equal(t, 1, srv.Stats().Actions)
}

func TestDryRunChangesNothing(t *testing.T) {
	srv, c := setup(t, 0, nil)
	out, err := c.DissociateAdditionalCertificatesFromListener(context.Background(), &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"cert-1", "cert-2"}, DryRun: true})
	require.NoError(t, err)
	assert.True(t, out.DryRunPassed)
	assert.Empty(t, out.JobID)
	l, _ := srv.ALB.Listener("lsn-1")
	assert.Equal(t, "Associated", l.CertificateStatus("cert-1"))
	assert.Equal(t, 0, srv.Stats().Actions)
}

func TestDissociateAndWaitReturnsOnlyWhenDone(t *testing.T) {
	const delay = 300 * time.Millisecond
	srv, c := setup(t, delay, nil)
	start := time.Now()
	out, err := c.DissociateAndWait(context.Background(), &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"cert-1", "cert-2"}}, 10*time.Second, fast)
	require.NoError(t, err)
	// The emulator's own state, read right after the return, is final.
	l, _ := srv.ALB.Listener("lsn-1")
	assert.Empty(t, l.CertificateStatus("cert-1"), "dissociated certificates are no longer listed")
	assert.Empty(t, l.CertificateStatus("cert-2"))
	assert.Equal(t, "Associated", l.CertificateStatus("cert-3"))
	assert.Equal(t, "Running", l.Status)
	job, _ := srv.ALB.Job(out.JobID)
	assert.Equal(t, "Succeeded", job.Status)
	assert.GreaterOrEqual(t, time.Since(start), delay, "cannot have returned before the job's delay")
	assert.Greater(t, srv.Stats().RequestsByAction["ListListenerCertificates"], 1, "it polled more than once")
}

func TestWaiterTimeoutNamesWhatIsPending(t *testing.T) {
	srv, c := setup(t, -1, nil) // the job never finishes
	_, err := c.DissociateAdditionalCertificatesFromListener(context.Background(), &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}})
	require.NoError(t, err)
	const maxWait, pollCap = 300 * time.Millisecond, 50 * time.Millisecond
	start := time.Now()
	err = alb.NewCertificatesDissociatedWaiter(c, fast).Wait(context.Background(), "lsn-1", []string{"cert-1", "cert-2"}, maxWait)
	elapsed := time.Since(start)
	require.ErrorIs(t, err, alicloud.ErrWaitTimeout)
	assert.Contains(t, err.Error(), "cert-1 (Dissociating)")
	assert.Contains(t, err.Error(), "cert-2 (Associated)")
	assert.Less(t, elapsed, maxWait+pollCap+200*time.Millisecond, "returns within one poll interval of maxWait")

	srv.ALB.CompleteJobs()
	require.NoError(t, alb.NewCertificatesDissociatedWaiter(c, fast).Wait(context.Background(), "lsn-1", []string{"cert-1"}, time.Second))
}

func TestWaiterValidatesBeforeWaiting(t *testing.T) {
	_, c := setup(t, 0, nil)
	w := alb.NewCertificatesDissociatedWaiter(c, func(o *alicloud.WaiterOptions) { o.MinDelay = time.Hour })
	for _, tc := range []struct {
		listener string
		certs    []string
	}{{"", []string{"c"}}, {"lsn-1", nil}, {"lsn-1", []string{"c", "c"}}} {
		err := w.Wait(context.Background(), tc.listener, tc.certs, time.Hour)
		assert.ErrorIs(t, err, alicloud.ErrInvalidParameter, "refused at once, not after MinDelay")
	}
}

func TestWaiterCancel(t *testing.T) {
	_, c := setup(t, -1, nil)
	_, err := c.DissociateAdditionalCertificatesFromListener(context.Background(), &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	err = alb.NewCertificatesDissociatedWaiter(c, fast).Wait(ctx, "lsn-1", []string{"cert-1"}, time.Hour)
	assert.ErrorIs(t, err, context.Canceled)
	assert.NotErrorIs(t, err, alicloud.ErrWaitTimeout)
	assert.Less(t, time.Since(start), 100*time.Millisecond+50*time.Millisecond+200*time.Millisecond)
}

func TestWaiterTerminalFailures(t *testing.T) {
	t.Run("job failed", func(t *testing.T) {
		srv, c := setup(t, 50*time.Millisecond, nil)
		srv.ALB.FailNextJobs(1, "InternalError.CertificateUpdate", "the certificate could not be removed")
		out, err := c.DissociateAndWait(context.Background(), &alb.DissociateAdditionalCertificatesFromListenerInput{
			ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}}, 10*time.Second, fast)
		var jf *alb.JobFailedError
		require.ErrorAs(t, err, &jf)
		assert.Equal(t, out.JobID, jf.JobID, "the output is returned with the error")
		assert.Equal(t, "InternalError.CertificateUpdate", jf.ErrorCode)
		assert.ErrorIs(t, err, alicloud.ErrConflict)
	})
	t.Run("job failed, public WaitForJob", func(t *testing.T) {
		srv, c := setup(t, 50*time.Millisecond, nil)
		srv.ALB.FailNextJobs(1, "InternalError.CertificateUpdate", "the certificate could not be removed")
		out, err := c.DissociateAdditionalCertificatesFromListener(context.Background(), &alb.DissociateAdditionalCertificatesFromListenerInput{
			ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}})
		require.NoError(t, err)
		err = alb.NewCertificatesDissociatedWaiter(c, fast).WaitForJob(context.Background(), "lsn-1", []string{"cert-1"}, out.JobID, time.Hour)
		var jf *alb.JobFailedError
		require.ErrorAs(t, err, &jf)
		assert.Equal(t, "the certificate could not be removed", jf.ErrorMessage)
	})
	t.Run("listener deleted", func(t *testing.T) {
		srv, c := setup(t, -1, nil)
		_, err := c.DissociateAdditionalCertificatesFromListener(context.Background(), &alb.DissociateAdditionalCertificatesFromListenerInput{
			ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}})
		require.NoError(t, err)
		time.AfterFunc(60*time.Millisecond, func() { srv.ALB.DeleteListener("lsn-1") })
		start := time.Now()
		err = alb.NewCertificatesDissociatedWaiter(c, fast).Wait(context.Background(), "lsn-1", []string{"cert-1"}, time.Hour)
		assert.ErrorIs(t, err, alb.ErrListenerNotFound)
		assert.Less(t, time.Since(start), 5*time.Second)
	})
}

func TestBusyListenerIsRetriedByDefault(t *testing.T) {
	srv, c := setup(t, 200*time.Millisecond, nil)
	ctx := context.Background()
	first, err := c.DissociateAdditionalCertificatesFromListener(ctx, &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}})
	require.NoError(t, err)
	// The listener is Configuring now: this call meets IncorrectStatus.Listener, and retries.
	second, err := c.DissociateAdditionalCertificatesFromListener(ctx, &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"cert-2"}})
	require.NoError(t, err)
	assert.Greater(t, srv.Stats().ErrorsByCode["IncorrectStatus.Listener"], 0, "the second call did meet the busy listener")
	assert.Equal(t, map[string]int{first.ClientToken: 1, second.ClientToken: 1}, srv.ActionsByClientToken())

	// With DisableConflictRetry, the busy listener is an immediate error.
	_, plain := setup(t, 200*time.Millisecond, func(cfg *alicloud.Config) { cfg.Retry.DisableConflictRetry = true })
	_, err = plain.DissociateAdditionalCertificatesFromListener(ctx, &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}})
	require.NoError(t, err)
	_, err = plain.DissociateAdditionalCertificatesFromListener(ctx, &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"cert-2"}})
	assert.ErrorIs(t, err, alb.ErrListenerIncorrectStatus)
	assert.ErrorIs(t, err, alicloud.ErrConflict)
}

func TestRepeatedClientTokenDoesNotActTwice(t *testing.T) {
	srv, c := setup(t, 0, nil)
	in := &alb.DissociateAdditionalCertificatesFromListenerInput{ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}, ClientToken: "resume-me"}
	first, err := c.DissociateAdditionalCertificatesFromListener(context.Background(), in)
	require.NoError(t, err)
	again, err := c.DissociateAdditionalCertificatesFromListener(context.Background(), in)
	require.NoError(t, err, "a rerun with the same token gets the first result, not ResourceNotAssociated")
	assert.Equal(t, first.JobID, again.JobID)
	assert.Equal(t, 1, srv.Stats().Actions)
}

func TestPaginationWalksEveryPage(t *testing.T) {
	srv, c := setup(t, 0, nil)
	ids := make([]string, 45)
	for i := range ids {
		ids[i] = fmt.Sprintf("extra-%02d", i)
	}
	require.NoError(t, srv.ALB.AddListener(alicloudtest.ALBListener{ID: "lsn-big", Protocol: "HTTPS", DefaultCertificateID: "d", AdditionalCertificateIDs: ids}))
	var got []string
	for cert, err := range c.AllListenerCertificates(context.Background(), &alb.ListListenerCertificatesInput{ListenerID: "lsn-big", MaxResults: 10}) {
		require.NoError(t, err)
		got = append(got, cert.CertificateID)
	}
	assert.Len(t, got, 46)
	assert.Equal(t, 5, srv.Stats().RequestsByAction["ListListenerCertificates"])

	// Breaking out of the loop stops the requests.
	for range c.AllListenerCertificates(context.Background(), &alb.ListListenerCertificatesInput{ListenerID: "lsn-big", MaxResults: 10}) {
		break
	}
	assert.Equal(t, 6, srv.Stats().RequestsByAction["ListListenerCertificates"])

	for _, err := range c.AllListenerCertificates(context.Background(), &alb.ListListenerCertificatesInput{ListenerID: "lsn-gone"}) {
		assert.ErrorIs(t, err, alb.ErrListenerNotFound)
	}
}

func TestListAsynJobs(t *testing.T) {
	_, c := setup(t, 0, nil)
	out, err := c.DissociateAdditionalCertificatesFromListener(context.Background(), &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}})
	require.NoError(t, err)
	jobs, err := c.ListAsynJobs(context.Background(), &alb.ListAsynJobsInput{JobIDs: []string{out.JobID}})
	require.NoError(t, err)
	require.Len(t, jobs.Jobs, 1)
	assert.Equal(t, out.JobID, jobs.Jobs[0].ID)
	assert.Equal(t, alb.JobSucceeded, jobs.Jobs[0].Status)
	assert.Equal(t, "lsn-1", jobs.Jobs[0].ResourceID)
	assert.Equal(t, opDissociate, jobs.Jobs[0].APIName)
}

// 500 concurrent dissociations against the emulator's rate limit, scaled
// down: the client's bucket paces them under the quota and retries absorb
// the rare throttle, so none surfaces a throttling error and none acts twice.
func TestConcurrentDissociationsUnderRateLimit(t *testing.T) {
	const n = 500
	quota := alicloud.Quota{Requests: 250, Per: time.Second}
	srv := alicloudtest.NewServer(alicloudtest.WithALBDissociateDelay(0),
		alicloudtest.WithRateLimit(opDissociate, quota.Requests, quota.Per))
	defer srv.Close()
	for i := range n {
		require.NoError(t, srv.ALB.AddListener(alicloudtest.ALBListener{ID: fmt.Sprintf("lsn-%d", i), Protocol: "HTTPS",
			DefaultCertificateID: "d", AdditionalCertificateIDs: []string{"c"}}))
	}
	cfg := srv.Config()
	// The client's bucket runs 10 % under the service's: requests reach the
	// service a little bunched (scheduling, the race detector), and the
	// headroom keeps those bunches under its quota.
	cfg.RateLimiter = alicloud.NewRateLimiter(map[string]alicloud.Quota{"alb/" + opDissociate: {Requests: quota.Requests * 9 / 10, Per: quota.Per}})
	c, err := alb.New(cfg)
	require.NoError(t, err)

	var wg sync.WaitGroup
	errs := make([]error, n)
	tokens := make([]string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := c.DissociateAdditionalCertificatesFromListener(context.Background(), &alb.DissociateAdditionalCertificatesFromListenerInput{
				ListenerID: fmt.Sprintf("lsn-%d", i), CertificateIDs: []string{"c"}})
			errs[i] = err
			if err == nil {
				tokens[i] = out.ClientToken
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "call %d", i)
	}
	acts := srv.ActionsByClientToken()
	assert.Len(t, acts, n)
	for _, tok := range tokens {
		assert.Equal(t, 1, acts[tok])
	}
	assert.Equal(t, n, srv.Stats().Actions)
	t.Logf("emulator throttled %d of %d requests; the SDK absorbed them", srv.Stats().Throttled, srv.Stats().Requests)
}
