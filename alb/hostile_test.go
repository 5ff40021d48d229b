package alb

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/testserver"
)

func TestListingEndsWhenTheServiceRepeatsAToken(t *testing.T) {
	page := func(cert, next string) testserver.Answer {
		return testserver.OK(`{"RequestId":"R","NextToken":"` + next + `","Certificates":[{"CertificateId":"` + cert + `","Status":"Associated"}]}`)
	}
	// a, b, a, b, ...: the last answer repeats.
	srv := testserver.New(t, page("c1", "a"), page("c2", "b"), page("c3", "a"))
	var certs []string
	var errs []error
	for cert, err := range newClient(t, srv).AllListenerCertificates(context.Background(), &ListListenerCertificatesInput{ListenerID: "lsn-1"}) {
		if err != nil {
			errs = append(errs, err)
			break
		}
		certs = append(certs, cert.CertificateID)
		require.Less(t, len(certs), 10, "the listing loops")
	}
	assert.Equal(t, []string{"c1", "c2", "c3"}, certs)
	require.Len(t, errs, 1)
	assert.ErrorContains(t, errs[0], `NextToken "a" again`)
	assert.Len(t, srv.Requests(), 3)
}

// A RequestId that echoes the secret (a hostile proxy, say) reaches no
// output: every operation takes it from the transport, which redacts it.
func TestEchoedSecretInASuccessfulAnswerReachesNoOutput(t *testing.T) {
	const secret = "secret" // newClient's AccessKeySecret
	echo := `{"RequestId":"R-` + secret + `-x","JobId":"J","NextToken":"","Jobs":[],"Certificates":[]}`
	srv := testserver.New(t, testserver.OK(echo))
	c := newClient(t, srv)
	ctx := context.Background()
	d, err := c.DissociateAdditionalCertificatesFromListener(ctx, &DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"c1"}})
	require.NoError(t, err)
	l, err := c.ListListenerCertificates(ctx, &ListListenerCertificatesInput{ListenerID: "lsn-1"})
	require.NoError(t, err)
	j, err := c.ListAsynJobs(ctx, &ListAsynJobsInput{JobIDs: []string{"J"}})
	require.NoError(t, err)
	for _, rid := range []string{d.RequestID, l.RequestID, j.RequestID} {
		assert.NotContains(t, rid, secret)
		assert.Contains(t, rid, "R-")
	}
}

// A write refused as stale (the listing was out of date) was sent: should
// the listing that follows fail, its error still carries that call's token.
func TestRelistErrorAfterAStaleWriteCarriesItsToken(t *testing.T) {
	srv := testserver.New(t,
		testserver.OK(`{"RequestId":"R1","Certificates":[{"CertificateId":"c1","Status":"Associated"}]}`),
		testserver.Error(400, "ResourceNotAssociated.Certificate"),
		testserver.Error(500, "InternalError"))
	_, err := newClient(t, srv).DissociateAndWait(context.Background(), &DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"c1"}, ClientToken: "tok-1"}, time.Minute)
	require.Error(t, err)
	assert.Equal(t, "tok-1", alicloud.ClientTokenOf(err))
	assert.Equal(t, "tok-1", srv.Requests()[1].Form.Get("ClientToken"))
}
