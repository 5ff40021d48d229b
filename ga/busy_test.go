package ga

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/testserver"
)

// Every answer GA gives while the accelerator or listener is still applying
// an earlier change is retried by default: busy twice, then accepted, is one
// call of three requests with one ClientToken.
func TestBusyAnswersAreRetriedWithOneToken(t *testing.T) {
	for _, code := range []string{"StateError.Accelerator", "StateError.Listener", "NotActive.Listener",
		"IdempotenceProcessing", "SystemBusy"} {
		t.Run(code, func(t *testing.T) {
			busy := testserver.Error(400, code)
			srv := testserver.New(t, busy, busy, testserver.OK(`{"RequestId":"R"}`))
			c, err := New(alicloud.Config{Credentials: alicloud.StaticCredentials("id", "secret", ""),
				Endpoint: srv.URL, RateLimiter: alicloud.NoRateLimit,
				Retry: alicloud.RetryPolicy{ConflictBaseDelay: time.Millisecond, ConflictMaxDelay: time.Millisecond}})
			require.NoError(t, err)
			out, err := c.DissociateAdditionalCertificatesFromListener(context.Background(),
				&DissociateAdditionalCertificatesFromListenerInput{AcceleratorID: "ga-1", ListenerID: "lsr-1", Domains: []string{"a.com"}})
			require.NoError(t, err)
			reqs := srv.Requests()
			require.Len(t, reqs, 3)
			for _, r := range reqs {
				assert.Equal(t, out.ClientToken, r.Form.Get("ClientToken"))
			}
		})
	}
}
