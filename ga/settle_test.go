package ga

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenercerts/alicloud"
)

// The reads a converging call makes before it writes (settle) are bounded
// by maxWait like every poll: a service that never answers ends the call as
// a wait timeout after maxWait, not after the reads' whole retry budget.
func TestSettleIsBoundedByMaxWait(t *testing.T) {
	var requests atomic.Int32
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		select { // never answers
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	defer srv.Close()
	defer close(stop)
	c, err := New(alicloud.Config{Credentials: alicloud.StaticCredentials("id", "secret", ""), Endpoint: srv.URL,
		RateLimiter: alicloud.NoRateLimit, Retry: alicloud.RetryPolicy{AttemptTimeout: time.Hour, MaxAttempts: 3}})
	require.NoError(t, err)
	_, err = c.DissociateAndWait(context.Background(), &DissociateAdditionalCertificatesFromListenerInput{
		AcceleratorID: "ga-1", ListenerID: "lsr-1", Domains: []string{"a.com"}}, 200*time.Millisecond)
	require.ErrorIs(t, err, alicloud.ErrWaitTimeout, "an attempt bounded only by AttemptTimeout (1 h) would hang here")
	assert.Empty(t, alicloud.ClientTokenOf(err), "nothing was written")
	assert.Equal(t, int32(1), requests.Load(), "one read, cut at maxWait")
}
