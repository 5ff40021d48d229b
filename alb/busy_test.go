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

// Every answer ALB gives while a listener is still applying an earlier
// change is retried by default: busy twice, then accepted, is one call of
// three requests with one ClientToken.
func TestBusyAnswersAreRetriedWithOneToken(t *testing.T) {
	busy := map[string]testserver.Answer{
		"IncorrectStatus.Listener": {Status: 400,
			Body: `{"RequestId":"R1","Code":"IncorrectStatus.Listener","Message":"The status of lsn-1 [Configuring] is incorrect."}`},
		"ResourceInConfiguring.Listener": testserver.Error(400, "ResourceInConfiguring.Listener"),
		"IdempotenceProcessing":          testserver.Error(400, "IdempotenceProcessing"),
		"SystemBusy":                     testserver.Error(400, "SystemBusy"),
	}
	for code, answer := range busy {
		t.Run(code, func(t *testing.T) {
			srv := testserver.New(t, answer, answer, testserver.OK(`{"RequestId":"R","JobId":"J"}`))
			c, err := New(alicloud.Config{Region: "cn-hangzhou", Credentials: alicloud.StaticCredentials("id", "secret", ""),
				Endpoint: srv.URL, RateLimiter: alicloud.NoRateLimit,
				Retry: alicloud.RetryPolicy{ConflictBaseDelay: time.Millisecond, ConflictMaxDelay: time.Millisecond}})
			require.NoError(t, err)
			out, err := c.DissociateAdditionalCertificatesFromListener(context.Background(),
				&DissociateAdditionalCertificatesFromListenerInput{ListenerID: "lsn-1", CertificateIDs: []string{"c1"}})
			require.NoError(t, err)
			assert.Equal(t, "J", out.JobID)
			reqs := srv.Requests()
			require.Len(t, reqs, 3)
			for _, r := range reqs {
				assert.Equal(t, out.ClientToken, r.Form.Get("ClientToken"))
			}
		})
	}
}

// A stopped listener does not start by itself: its IncorrectStatus.Listener
// comes back at once, however long MaxConflictWait is.
func TestStoppedListenerIsNotRetried(t *testing.T) {
	srv := testserver.New(t, testserver.Answer{Status: 400,
		Body: `{"RequestId":"R1","Code":"IncorrectStatus.Listener","Message":"The status of lsn-1 [Stopped] is incorrect."}`})
	c, err := New(alicloud.Config{Region: "cn-hangzhou", Credentials: alicloud.StaticCredentials("id", "secret", ""),
		Endpoint: srv.URL, RateLimiter: alicloud.NoRateLimit})
	require.NoError(t, err)
	_, err = c.DissociateAdditionalCertificatesFromListener(context.Background(),
		&DissociateAdditionalCertificatesFromListenerInput{ListenerID: "lsn-1", CertificateIDs: []string{"c1"}})
	assert.ErrorIs(t, err, ErrListenerIncorrectStatus)
	assert.Len(t, srv.Requests(), 1)
}
