package alb_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenercerts/alicloud/alb"
	"github.com/listenercerts/alicloud/alicloudtest"
)

func requestsOf(srv *alicloudtest.Server, action string) []alicloudtest.RecordedRequest {
	var out []alicloudtest.RecordedRequest
	for _, r := range srv.Requests() {
		if r.Action == action {
			out = append(out, r)
		}
	}
	return out
}

// A call a converging operation makes with a derived ClientToken sends its
// ids sorted: a re-run that lists them in another order sends the same
// call with the same token (the service would refuse a reordered one as
// IdempotentParameterMismatch).
func TestDerivedCallsSendTheirIdsSorted(t *testing.T) {
	for _, order := range [][]string{{"cert-3", "cert-9", "cert-1"}, {"cert-1", "cert-3", "cert-9"}} {
		srv, c := setup(t, 0, nil)
		out, err := c.DissociateAndWait(context.Background(), &alb.DissociateAdditionalCertificatesFromListenerInput{
			ListenerID: "lsn-1", CertificateIDs: order, ClientToken: "token-1"}, 10*time.Second, fast)
		require.NoError(t, err)
		assert.Equal(t, []string{"cert-9"}, out.AlreadyDissociated)
		w := requestsOf(srv, "DissociateAdditionalCertificatesFromListener")
		require.Len(t, w, 1)
		assert.Equal(t, "cert-1", w[0].Params.Get("Certificates.1.CertificateId"))
		assert.Equal(t, "cert-3", w[0].Params.Get("Certificates.2.CertificateId"))
		assert.NotEqual(t, "token-1", w[0].Params.Get("ClientToken"), "a derived token: the list sent is not the one asked")
	}
}

// The listener's default certificate serves already: AssociateAndWait
// reports it, as RotateCertificates does, and sends nothing for it.
func TestAssociateAndWaitCountsTheDefaultCertificate(t *testing.T) {
	srv, c := setup(t, 0, nil)
	out, err := c.AssociateAndWait(context.Background(), &alb.AssociateAdditionalCertificatesWithListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"cert-0"}}, 10*time.Second, fast)
	require.NoError(t, err)
	assert.Equal(t, []string{"cert-0"}, out.AlreadyAssociated)
	assert.Empty(t, requestsOf(srv, "AssociateAdditionalCertificatesWithListener"))
}

// A dry run prechecks with a token of its own, so the real call that
// follows may carry the caller's.
func TestConvergingDryRunUsesItsOwnToken(t *testing.T) {
	srv, c := setup(t, 0, nil)
	in := &alb.DissociateAdditionalCertificatesFromListenerInput{ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"},
		ClientToken: "token-2", DryRun: true}
	out, err := c.DissociateAndWait(context.Background(), in, 10*time.Second, fast)
	require.NoError(t, err)
	assert.True(t, out.DryRunPassed)
	in.DryRun = false
	_, err = c.DissociateAndWait(context.Background(), in, 10*time.Second, fast)
	require.NoError(t, err)
	w := requestsOf(srv, "DissociateAdditionalCertificatesFromListener")
	require.Len(t, w, 2)
	assert.NotEqual(t, "token-2", w[0].Params.Get("ClientToken"), "the precheck")
	assert.Equal(t, "token-2", w[1].Params.Get("ClientToken"), "the real call")
}
