package ga_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/alicloudtest"
	"github.com/listenercerts/alicloud/ga"
)

// converging runs each converging GA operation on ga-1/lsr-1 with an input
// that would write (a.com has cert-a: every one of them has work to do).
var converging = map[string]func(ctx context.Context, c *ga.Client) error{
	"DissociateAndWait": func(ctx context.Context, c *ga.Client) error {
		_, err := c.DissociateAndWait(ctx, &ga.DissociateAdditionalCertificatesFromListenerInput{
			AcceleratorID: "ga-1", ListenerID: "lsr-1", Domains: []string{"a.com"}}, time.Minute, fast)
		return err
	},
	"AssociateAndWait": func(ctx context.Context, c *ga.Client) error {
		_, err := c.AssociateAndWait(ctx, &ga.AssociateAdditionalCertificatesWithListenerInput{AcceleratorID: "ga-1", ListenerID: "lsr-1",
			Certificates: []ga.DomainCertificate{{Domain: "d.com", CertificateID: "cert-d"}}}, time.Minute, fast)
		return err
	},
	"UpdateAndWait": func(ctx context.Context, c *ga.Client) error {
		_, err := c.UpdateAndWait(ctx, &ga.UpdateAdditionalCertificateWithListenerInput{AcceleratorID: "ga-1", ListenerID: "lsr-1",
			Domain: "a.com", CertificateID: "cert-a2"}, time.Minute, fast)
		return err
	},
	"RotateCertificates": func(ctx context.Context, c *ga.Client) error {
		out, err := c.RotateCertificates(ctx, &ga.RotateCertificatesInput{AcceleratorID: "ga-1", ListenerID: "lsr-1",
			Set: []ga.DomainCertificate{{Domain: "a.com", CertificateID: "cert-a2"}}, Remove: []string{"b.com"}}, time.Minute, fast)
		if err != nil && out != nil {
			return errors.New("an error before the first write comes without output")
		}
		return err
	},
}

// A listener or accelerator being deleted ends every converging operation
// at once: no write is sent (a write would meet NotActive.Listener or
// StateError.*, busy answers retried for minutes), and only the reads of
// the first check are.
func TestDeletingEndsConvergingOperationsAtOnce(t *testing.T) {
	for name, run := range converging {
		t.Run(name+"/listener", func(t *testing.T) {
			srv, c := setupGA(t, nil)
			require.NoError(t, srv.GA.SetListenerState("lsr-1", alicloudtest.GAStateDeleting))
			err := run(context.Background(), c)
			var de *ga.ListenerDeletingError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, "lsr-1", de.ListenerID)
			assert.ErrorIs(t, err, alicloud.ErrNotFound)
			assert.Zero(t, writeRequests(srv), "no write")
			assert.Equal(t, map[string]int{"DescribeListener": 1}, srv.Stats().RequestsByAction, "one read")
			assert.Empty(t, alicloud.ClientTokenOf(err), "nothing was sent")
		})
		t.Run(name+"/accelerator", func(t *testing.T) {
			srv, c := setupGA(t, nil)
			require.NoError(t, srv.GA.SetAcceleratorState("ga-1", alicloudtest.GAStateDeleting))
			err := run(context.Background(), c)
			var de *ga.AcceleratorDeletingError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, "ga-1", de.AcceleratorID)
			assert.ErrorIs(t, err, alicloud.ErrNotFound)
			assert.Zero(t, writeRequests(srv), "no write")
			assert.Equal(t, map[string]int{"DescribeListener": 1, "DescribeAccelerator": 1}, srv.Stats().RequestsByAction, "two reads")
			assert.Empty(t, alicloud.ClientTokenOf(err), "nothing was sent")
		})
	}
}

// An accelerator locked for an overdue payment ends every converging
// operation at once too: no wait would unlock it.
func TestFinancialLockEndsConvergingOperationsAtOnce(t *testing.T) {
	for name, run := range converging {
		t.Run(name, func(t *testing.T) {
			srv, c := setupGA(t, nil)
			require.NoError(t, srv.GA.SetAcceleratorState("ga-1", alicloudtest.GAStateFinacialLocked))
			err := run(context.Background(), c)
			var le *ga.AcceleratorLockedError
			require.ErrorAs(t, err, &le)
			assert.ErrorIs(t, err, alicloud.ErrConflict)
			assert.Zero(t, writeRequests(srv), "no write")
			assert.Equal(t, map[string]int{"DescribeListener": 1, "DescribeAccelerator": 1}, srv.Stats().RequestsByAction)
		})
	}
}

// A rotation that would hold more than 25 additional certificates at its
// peak (it associates before it removes) fails before any write, dry run
// or not, and says so.
func TestRotationOverTheCertificateLimitSendsNothing(t *testing.T) {
	srv, c := setupGA(t, nil)
	certs := map[string]string{}
	for i := range 24 {
		certs[fmt.Sprintf("d%d.com", i)] = "old"
	}
	require.NoError(t, srv.GA.AddListener(alicloudtest.GAListener{ID: "lsr-full", AcceleratorID: "ga-1", AdditionalCertificates: certs}))
	for _, dry := range []bool{false, true} {
		out, err := c.RotateCertificates(context.Background(), &ga.RotateCertificatesInput{AcceleratorID: "ga-1", ListenerID: "lsr-full",
			Set:    []ga.DomainCertificate{{Domain: "new1.com", CertificateID: "c1"}, {Domain: "new2.com", CertificateID: "c2"}},
			Remove: []string{"d0.com", "d1.com"}, DryRun: dry}, time.Minute, fast)
		var le *ga.CertificateLimitError
		require.ErrorAs(t, err, &le, "dry run %v", dry)
		assert.ErrorIs(t, err, ga.ErrCertificateQuotaExceeded)
		assert.Equal(t, ga.CertificateLimitError{ListenerID: "lsr-full", Listed: 24, Associate: 2}, *le)
		require.NotNil(t, out)
		assert.Len(t, out.Plan.Associate, 1, "the plan comes with the error")
	}
	assert.Zero(t, writeRequests(srv), "no write, no precheck")
}
