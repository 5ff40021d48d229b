package alb

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
