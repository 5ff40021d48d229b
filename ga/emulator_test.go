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

const opDissociate = "DissociateAdditionalCertificatesFromListener"

// setup starts an emulator with accelerator "ga-1" and its HTTPS listener
// "lsr-1" holding certificates for a.com, b.com and c.com.
func setup(t *testing.T, delay time.Duration, mutate func(*alicloud.Config)) (*alicloudtest.Server, *ga.Client) {
	t.Helper()
	return setupWith(t, mutate, alicloudtest.WithGADissociateDelay(delay))
}

// setupWith is setup with the given emulator options.
func setupWith(t *testing.T, mutate func(*alicloud.Config), opts ...alicloudtest.Option) (*alicloudtest.Server, *ga.Client) {
	t.Helper()
	srv := alicloudtest.NewServer(opts...)
	t.Cleanup(srv.Close)
	require.NoError(t, srv.GA.AddAccelerator(alicloudtest.GAAccelerator{ID: "ga-1"}))
	require.NoError(t, srv.GA.AddListener(alicloudtest.GAListener{ID: "lsr-1", AcceleratorID: "ga-1", DefaultCertificateID: "cert-0",
		AdditionalCertificates: map[string]string{"a.com": "cert-a", "b.com": "cert-b", "c.com": "cert-c"}}))
	cfg := srv.Config()
	cfg.Retry = alicloud.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond,
		ConflictBaseDelay: 20 * time.Millisecond, ConflictMaxDelay: 50 * time.Millisecond}
	if mutate != nil {
		mutate(&cfg)
	}
	c, err := ga.New(cfg)
	require.NoError(t, err)
	return srv, c
}

func fast(o *alicloud.WaiterOptions) {
	o.MinDelay, o.MaxDelay = 20*time.Millisecond, 50*time.Millisecond
}

func domains(srv *alicloudtest.Server) map[string]string {
	l, _ := srv.GA.Listener("lsr-1")
	return l.AdditionalCertificates
}

func TestDissociateAndWaitReturnsOnlyWhenActive(t *testing.T) {
	const delay = 300 * time.Millisecond
	srv, c := setup(t, delay, nil)
	start := time.Now()
	out, err := c.DissociateAndWait(context.Background(), &ga.DissociateAdditionalCertificatesFromListenerInput{
		AcceleratorID: "ga-1", ListenerID: "lsr-1", Domains: []string{"a.com", "b.com"}}, 10*time.Second, fast)
	require.NoError(t, err)
	l, _ := srv.GA.Listener("lsr-1")
	assert.Equal(t, "active", l.State, "the emulator's own state, right after the return")
	// The accelerator may still be configuring (its lag): the accelerator
	// wait of DissociateAndWait (issue 9) is pinned by its own test.
	assert.Equal(t, map[string]string{"c.com": "cert-c"}, l.AdditionalCertificates)
	assert.GreaterOrEqual(t, time.Since(start), delay)
	assert.Equal(t, map[string]int{out.ClientToken: 1}, srv.ActionsByClientToken())
	assert.Greater(t, srv.Stats().RequestsByAction["DescribeListener"], 1)
}

func TestRetriedThroughFaultsActsExactlyOnce(t *testing.T) {
	srv, c := setup(t, 0, nil)
	srv.InjectFault(alicloudtest.Fault{Kind: alicloudtest.FaultInternalError, Count: 1, Action: opDissociate})
	srv.InjectFault(alicloudtest.Fault{Kind: alicloudtest.FaultDropAfterAction, Count: 2, Action: opDissociate})
	out, err := c.DissociateAdditionalCertificatesFromListener(context.Background(), &ga.DissociateAdditionalCertificatesFromListenerInput{
		AcceleratorID: "ga-1", ListenerID: "lsr-1", Domains: []string{"a.com"}})
	require.NoError(t, err, "the replayed first result, not NotExist.Certificate for the already removed domain")
	assert.Equal(t, 4, srv.Stats().RequestsByAction[opDissociate])
	assert.Equal(t, map[string]int{out.ClientToken: 1}, srv.ActionsByClientToken())
}

func TestDocumentedErrorsFromTheEmulator(t *testing.T) {
	srv, c := setup(t, -1, func(cfg *alicloud.Config) { cfg.Retry.DisableConflictRetry = true }) // busy answers come back at once
	require.NoError(t, srv.GA.AddAccelerator(alicloudtest.GAAccelerator{ID: "ga-2"}))
	require.NoError(t, srv.GA.AddListener(alicloudtest.GAListener{ID: "lsr-init", AcceleratorID: "ga-2", State: "init",
		AdditionalCertificates: map[string]string{"a.com": "x"}}))
	ctx := context.Background()
	_, err := c.DissociateAdditionalCertificatesFromListener(ctx, &ga.DissociateAdditionalCertificatesFromListenerInput{
		AcceleratorID: "ga-1", ListenerID: "lsr-1", Domains: []string{"c.com"}})
	require.NoError(t, err) // ga-1 is busy from now on (the update never completes)

	tests := []struct {
		accelerator, listener, domain string
		sentinel                      error
	}{
		{"ga-nope", "lsr-1", "a.com", ga.ErrAcceleratorNotFound},
		{"ga-2", "lsr-nope", "a.com", ga.ErrListenerNotFound},
		{"ga-2", "lsr-1", "a.com", ga.ErrListenerNotFound}, // a listener of another accelerator
		{"ga-1", "lsr-1", "a.com", ga.ErrAcceleratorState},
		{"ga-2", "lsr-init", "a.com", ga.ErrListenerNotActive},
	}
	for _, tc := range tests {
		t.Run(tc.sentinel.Error(), func(t *testing.T) {
			_, err := c.DissociateAdditionalCertificatesFromListener(ctx, &ga.DissociateAdditionalCertificatesFromListenerInput{
				AcceleratorID: tc.accelerator, ListenerID: tc.listener, Domains: []string{tc.domain}})
			require.ErrorIs(t, err, tc.sentinel)
			var apiErr *alicloud.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, 400, apiErr.HTTPStatus)
			assert.NotEmpty(t, apiErr.RequestID)
			assert.Equal(t, 1, apiErr.Attempts)
		})
	}
	srv.GA.CompleteUpdates()
	_, err = c.DissociateAdditionalCertificatesFromListener(ctx, &ga.DissociateAdditionalCertificatesFromListenerInput{
		AcceleratorID: "ga-1", ListenerID: "lsr-1", Domains: []string{"nope.com"}})
	assert.ErrorIs(t, err, ga.ErrCertificateNotFound)
	assert.Equal(t, 1, srv.Stats().Actions)
}

func TestBusyAcceleratorIsRetriedByDefault(t *testing.T) {
	srv, c := setup(t, 200*time.Millisecond, nil)
	ctx := context.Background()
	first, err := c.DissociateAdditionalCertificatesFromListener(ctx, &ga.DissociateAdditionalCertificatesFromListenerInput{
		AcceleratorID: "ga-1", ListenerID: "lsr-1", Domains: []string{"a.com"}})
	require.NoError(t, err)
	second, err := c.DissociateAdditionalCertificatesFromListener(ctx, &ga.DissociateAdditionalCertificatesFromListenerInput{
		AcceleratorID: "ga-1", ListenerID: "lsr-1", Domains: []string{"b.com"}})
	require.NoError(t, err)
	assert.Greater(t, srv.Stats().ErrorsByCode["StateError.Accelerator"], 0, "the second call met the busy accelerator")
	assert.Equal(t, map[string]int{first.ClientToken: 1, second.ClientToken: 1}, srv.ActionsByClientToken())
	assert.Equal(t, map[string]string{"c.com": "cert-c"}, domains(srv))
}

func TestListenerActiveWaiter(t *testing.T) {
	t.Run("timeout names the state", func(t *testing.T) {
		_, c := setup(t, -1, nil)
		_, err := c.DissociateAdditionalCertificatesFromListener(context.Background(), &ga.DissociateAdditionalCertificatesFromListenerInput{
			AcceleratorID: "ga-1", ListenerID: "lsr-1", Domains: []string{"a.com"}})
		require.NoError(t, err)
		start := time.Now()
		err = ga.NewListenerActiveWaiter(c, fast).Wait(context.Background(), "lsr-1", 250*time.Millisecond)
		require.ErrorIs(t, err, alicloud.ErrWaitTimeout)
		assert.Contains(t, err.Error(), "lsr-1 is updating")
		assert.Less(t, time.Since(start), 250*time.Millisecond+50*time.Millisecond+200*time.Millisecond)
	})
	t.Run("cancel", func(t *testing.T) {
		_, c := setup(t, -1, nil)
		_, err := c.DissociateAdditionalCertificatesFromListener(context.Background(), &ga.DissociateAdditionalCertificatesFromListenerInput{
			AcceleratorID: "ga-1", ListenerID: "lsr-1", Domains: []string{"a.com"}})
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		err = ga.NewListenerActiveWaiter(c, fast).Wait(ctx, "lsr-1", time.Hour)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.NotErrorIs(t, err, alicloud.ErrWaitTimeout)
	})
	t.Run("listener deleted", func(t *testing.T) {
		srv, c := setup(t, -1, nil)
		srv.GA.SetListenerState("lsr-1", "deleting")
		err := ga.NewListenerActiveWaiter(c, fast).Wait(context.Background(), "lsr-1", time.Hour)
		var deleting *ga.ListenerDeletingError
		assert.ErrorAs(t, err, &deleting)
		srv.GA.DeleteListener("lsr-1")
		err = ga.NewListenerActiveWaiter(c, fast).Wait(context.Background(), "lsr-1", time.Hour)
		assert.ErrorIs(t, err, ga.ErrListenerNotFound)
	})
}

func TestDescribeAndListCertificates(t *testing.T) {
	_, c := setup(t, 0, nil)
	ctx := context.Background()
	l, err := c.DescribeListener(ctx, &ga.DescribeListenerInput{ListenerID: "lsr-1"})
	require.NoError(t, err)
	assert.Equal(t, "lsr-1", l.ListenerID)
	assert.Equal(t, "ga-1", l.AcceleratorID)
	assert.Equal(t, ga.StateActive, l.State)
	assert.NotEmpty(t, l.RequestID)
	assert.NotEmpty(t, l.PortRanges)
	assert.Equal(t, l.PortRanges, l.BackendPorts, "strings on the wire, ints here")
	assert.Equal(t, []ga.CertificateRef{{ID: "cert-0", Type: "Server"}}, l.Certificates)
	assert.True(t, l.IsHTTPS())
	assert.Equal(t, "Standard", l.Type)
	assert.NotEmpty(t, l.HTTPVersion)
	assert.NotEmpty(t, l.SecurityPolicyID)
	assert.Positive(t, l.IdleTimeout)
	assert.Positive(t, l.RequestTimeout)
	assert.WithinDuration(t, time.Now(), l.CreateTime, time.Minute, "a string of milliseconds on the wire")

	a, err := c.DescribeAccelerator(ctx, &ga.DescribeAcceleratorInput{AcceleratorID: "ga-1"})
	require.NoError(t, err)
	assert.Equal(t, "ga-1", a.AcceleratorID)
	assert.Equal(t, ga.AcceleratorStateActive, a.State)
	assert.NotEmpty(t, a.DNSName)
	assert.WithinDuration(t, time.Now(), a.CreateTime, time.Minute)
	_, err = c.DescribeAccelerator(ctx, &ga.DescribeAcceleratorInput{AcceleratorID: "ga-nope"})
	assert.ErrorIs(t, err, ga.ErrAcceleratorNotFound)

	got := map[string]string{}
	for cert, err := range c.AllListenerCertificates(ctx, &ga.ListListenerCertificatesInput{AcceleratorID: "ga-1", ListenerID: "lsr-1", Role: "additional", MaxResults: 1}) {
		require.NoError(t, err)
		got[cert.Domain] = cert.CertificateID
	}
	assert.Equal(t, map[string]string{"a.com": "cert-a", "b.com": "cert-b", "c.com": "cert-c"}, got)
}
