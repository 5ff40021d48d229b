package alb

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/testserver"
)

func TestAssociateWire(t *testing.T) {
	srv := testserver.New(t, testserver.OK(`{"RequestId":"365F4154-92F6","JobId":"72dcd26b-f12d"}`))
	out, err := newClient(t, srv).AssociateAdditionalCertificatesWithListener(context.Background(), &AssociateAdditionalCertificatesWithListenerInput{
		ListenerID:     "lsn-5qnirjhpt7",
		CertificateIDs: []string{"1011-cn-hangzhou", "cert-2", "103705*"},
		ClientToken:    "5A2CFF0E-5718-45B5-9D4D-70B3",
	})
	require.NoError(t, err)
	assert.Equal(t, &AssociateAdditionalCertificatesWithListenerOutput{
		JobID: "72dcd26b-f12d", RequestID: "365F4154-92F6", ClientToken: "5A2CFF0E-5718-45B5-9D4D-70B3"}, out)

	r := srv.Requests()[0]
	assert.Equal(t, "AssociateAdditionalCertificatesWithListener", r.Header.Get("x-acs-action"))
	assert.Equal(t, "2020-06-16", r.Header.Get("x-acs-version"))
	assert.Equal(t, map[string][]string{
		"ListenerId":                   {"lsn-5qnirjhpt7"},
		"Certificates.1.CertificateId": {"1011-cn-hangzhou"},
		"Certificates.2.CertificateId": {"cert-2"},
		"Certificates.3.CertificateId": {"103705*"},
		"ClientToken":                  {"5A2CFF0E-5718-45B5-9D4D-70B3"},
	}, map[string][]string(r.Form), "exactly the documented parameters; no DryRun unless asked")
	// The V3 body is the sorted form: the order of the parameters is fixed.
	assert.Equal(t, "Certificates.1.CertificateId=1011-cn-hangzhou&Certificates.2.CertificateId=cert-2&"+
		"Certificates.3.CertificateId=103705%2A&ClientToken=5A2CFF0E-5718-45B5-9D4D-70B3&ListenerId=lsn-5qnirjhpt7", r.Body)
}

func TestAssociateWireV1(t *testing.T) {
	srv := testserver.New(t, testserver.OK(`{"RequestId":"R","JobId":"J"}`))
	c, err := New(alicloud.Config{Region: "cn-hangzhou", Credentials: alicloud.StaticCredentials("id", "secret", ""),
		Endpoint: srv.URL, SignatureVersion: alicloud.SignatureV1})
	require.NoError(t, err)
	out, err := c.AssociateAdditionalCertificatesWithListener(context.Background(), &AssociateAdditionalCertificatesWithListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"c"}})
	require.NoError(t, err)
	assert.Equal(t, "J", out.JobID)
	f := srv.Requests()[0].Form
	assert.Equal(t, "AssociateAdditionalCertificatesWithListener", f.Get("Action"))
	assert.Equal(t, "2020-06-16", f.Get("Version"))
	assert.Equal(t, "c", f.Get("Certificates.1.CertificateId"))
	assert.Equal(t, out.ClientToken, f.Get("ClientToken"))
	assert.NotEmpty(t, f.Get("Signature"))
}

func TestAssociateRetryReusesClientToken(t *testing.T) {
	srv := testserver.New(t, testserver.Error(503, "ServiceUnavailable"), testserver.Answer{Drop: true},
		testserver.Error(400, "IncorrectStatus.Listener"), testserver.OK(`{"RequestId":"R","JobId":"J"}`))
	c, err := New(alicloud.Config{Region: "cn-hangzhou", Credentials: alicloud.StaticCredentials("id", "secret", ""),
		Endpoint: srv.URL, RateLimiter: alicloud.NoRateLimit,
		Retry: alicloud.RetryPolicy{BaseDelay: 1, MaxDelay: 1, ConflictBaseDelay: 1, ConflictMaxDelay: 1}})
	require.NoError(t, err)
	out, err := c.AssociateAdditionalCertificatesWithListener(context.Background(), &AssociateAdditionalCertificatesWithListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"c1", "c2"}})
	require.NoError(t, err)
	assert.Equal(t, "J", out.JobID)
	reqs := srv.Requests()
	require.Len(t, reqs, 4, "5xx, a dropped connection and a busy listener are retried")
	assert.Len(t, out.ClientToken, 36, "a UUID was generated")
	for i, r := range reqs {
		assert.Equal(t, out.ClientToken, r.Form.Get("ClientToken"), "attempt %d carries the one token", i+1)
		assert.Equal(t, reqs[0].Body, r.Body, "attempt %d sends the same parameters", i+1)
	}
}

func TestAssociateDryRun(t *testing.T) {
	for _, answer := range []testserver.Answer{testserver.Error(400, "DryRunOperation"),
		testserver.OK(`{"RequestId":"RID-DryRunOperation","Code":"DryRunOperation","Message":"passed"}`)} {
		srv := testserver.New(t, answer)
		out, err := newClient(t, srv).AssociateAdditionalCertificatesWithListener(context.Background(),
			&AssociateAdditionalCertificatesWithListenerInput{ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}, DryRun: true})
		require.NoError(t, err)
		assert.True(t, out.DryRunPassed)
		assert.Empty(t, out.JobID)
		assert.Equal(t, "RID-DryRunOperation", out.RequestID)
		assert.NotEmpty(t, out.ClientToken)
		assert.Equal(t, "true", srv.Requests()[0].Form.Get("DryRun"))
		assert.Len(t, srv.Requests(), 1)
	}
	// Without DryRun, DryRunOperation is an error like any other.
	srv := testserver.New(t, testserver.Error(400, "DryRunOperation"))
	_, err := newClient(t, srv).AssociateAdditionalCertificatesWithListener(context.Background(),
		&AssociateAdditionalCertificatesWithListenerInput{ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}})
	require.Error(t, err)
}

func TestAssociateErrorCodes(t *testing.T) {
	tests := []struct {
		status   int
		code     string
		sentinel error
		category error
	}{
		{400, "ResourceAlreadyAssociated.Certificate", ErrCertificateAlreadyAssociated, alicloud.ErrConflict},
		{400, "OperationDenied.HttpListenerNotSupport", ErrHTTPListenerNotSupported, alicloud.ErrConflict},
		{400, "OperationDenied.DefaultCertificateUsed", ErrDefaultCertificateUsed, alicloud.ErrConflict},
		{400, "IncorrectStatus.LoadBalancer", ErrLoadBalancerIncorrectStatus, alicloud.ErrConflict},
		{404, "ResourceNotFound.Listener", ErrListenerNotFound, alicloud.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			srv := testserver.New(t, testserver.Error(tc.status, tc.code))
			_, err := newClient(t, srv).AssociateAdditionalCertificatesWithListener(context.Background(),
				&AssociateAdditionalCertificatesWithListenerInput{ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}, ClientToken: "tok"})
			assert.ErrorIs(t, err, tc.sentinel)
			assert.ErrorIs(t, err, tc.category)
			assert.NotErrorIs(t, err, ErrCertificateNotAssociated)
			assert.Equal(t, "tok", alicloud.ClientTokenOf(err))
			var apiErr *alicloud.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, "AssociateAdditionalCertificatesWithListener", apiErr.Operation)
			assert.Len(t, srv.Requests(), 1, "documented client errors are not retried")
		})
	}
}

func TestCanonicalStatus(t *testing.T) {
	for in, want := range map[string]string{
		"Associating": StatusAssociating, "associated": StatusAssociated, "ASSOCIATED": StatusAssociated,
		"Diassociating": StatusDissociating, "diassociating": StatusDissociating, "Dissociating": StatusDissociating,
		"dissociated": StatusDissociated, "Weird": "Weird", "": "",
	} {
		assert.Equal(t, want, canonicalStatus(in), in)
	}
}

func TestWaitersMatchStatusesLooselyAndAbsence(t *testing.T) {
	listed := func(status string) ListenerCertificate {
		return ListenerCertificate{CertificateID: "c", Status: status}
	}
	assert.True(t, dissociated(ListenerCertificate{}, false), "absent is dissociated")
	assert.True(t, dissociated(listed("dissociated"), true))
	assert.False(t, dissociated(listed(StatusDissociating), true))
	assert.False(t, dissociated(listed(StatusAssociated), true))
	assert.True(t, associated(listed("associated"), true))
	assert.False(t, associated(listed(StatusAssociating), true))
	assert.False(t, associated(ListenerCertificate{}, false), "absent is not associated")
	assert.True(t, dissociation.underway(listed("Dissociating"), true))
}

func TestAssociateAcceptedWithoutAJobIDIsADecodeError(t *testing.T) {
	srv := testserver.New(t, testserver.OK(`{"RequestId":"R"}`))
	out, err := newClient(t, srv).AssociateAdditionalCertificatesWithListener(context.Background(),
		&AssociateAdditionalCertificatesWithListenerInput{ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}})
	assert.ErrorContains(t, err, "the answer has no JobId")
	assert.Nil(t, out)
	assert.Equal(t, srv.Requests()[0].Form.Get("ClientToken"), alicloud.ClientTokenOf(err), "resumable")
}
