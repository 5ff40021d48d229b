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

func newClient(t *testing.T, srv *testserver.Server) *Client {
	t.Helper()
	c, err := New(alicloud.Config{
		Region:      "us-west-1", // ignored: GA always uses cn-hangzhou
		Credentials: alicloud.StaticCredentials("id", "secret", ""),
		Endpoint:    srv.URL,
		RateLimiter: alicloud.NoRateLimit,
		// One answer per call here: busy retries are tested in transport and against the emulator.
		Retry: alicloud.RetryPolicy{BaseDelay: 1, MaxDelay: 1, DisableConflictRetry: true},
	})
	require.NoError(t, err)
	return c
}

func TestDissociateWire(t *testing.T) {
	srv := testserver.New(t, testserver.Answer{Status: 200, Body: `{"RequestId":"6FEA0CF3-D3B9-43E5-A304-D217037876A8"}`})
	out, err := newClient(t, srv).DissociateAdditionalCertificatesFromListener(context.Background(), &DissociateAdditionalCertificatesFromListenerInput{
		AcceleratorID: "ga-bp1odcab8tmno0hdq",
		ListenerID:    "lsr-bp1bpn0kn908w4nbw",
		Domains:       []string{"example.com", "*.example.org"},
	})
	require.NoError(t, err)
	assert.Equal(t, "6FEA0CF3-D3B9-43E5-A304-D217037876A8", out.RequestID)
	assert.Len(t, out.ClientToken, 36)

	r := srv.Requests()[0]
	assert.Equal(t, "DissociateAdditionalCertificatesFromListener", r.Header.Get("x-acs-action"))
	assert.Equal(t, "2019-11-20", r.Header.Get("x-acs-version"))
	assert.Equal(t, map[string][]string{
		"RegionId":      {"cn-hangzhou"},
		"AcceleratorId": {"ga-bp1odcab8tmno0hdq"},
		"ListenerId":    {"lsr-bp1bpn0kn908w4nbw"},
		"Domains.1":     {"example.com"},
		"Domains.2":     {"*.example.org"},
		"ClientToken":   {out.ClientToken},
	}, map[string][]string(r.Form))
}

func TestDocumentedErrorCodes(t *testing.T) {
	tests := []struct {
		code     string
		sentinel error
		category error
		attempts int
	}{
		{"NotExist.Listener", ErrListenerNotFound, alicloud.ErrNotFound, 1},
		{"NotActive.Listener", ErrListenerNotActive, alicloud.ErrConflict, 1},
		{"NotExist.Accelerator", ErrAcceleratorNotFound, alicloud.ErrNotFound, 1},
		{"StateError.Accelerator", ErrAcceleratorState, alicloud.ErrConflict, 1},
		{"NotExist.Certificate", ErrCertificateNotFound, alicloud.ErrNotFound, 1},
		{"Throttling.User", ErrThrottled, alicloud.ErrThrottled, alicloud.DefaultMaxAttempts},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			srv := testserver.New(t, testserver.Error(400, tc.code))
			_, err := newClient(t, srv).DissociateAdditionalCertificatesFromListener(context.Background(),
				&DissociateAdditionalCertificatesFromListenerInput{AcceleratorID: "ga-1", ListenerID: "lsr-1", Domains: []string{"a.com"}})
			assert.ErrorIs(t, err, tc.sentinel)
			assert.ErrorIs(t, err, tc.category)
			assert.ErrorIs(t, tc.sentinel, tc.category)
			var apiErr *alicloud.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, alicloud.APIError{Service: "ga", Operation: "DissociateAdditionalCertificatesFromListener",
				HTTPStatus: 400, Code: tc.code, Message: "message of " + tc.code, RequestID: "RID-" + tc.code,
				HostID: "host.example.com", Recommend: "https://api.aliyun.com/troubleshoot?q=" + tc.code,
				Attempts: tc.attempts}, *apiErr)
			assert.Len(t, srv.Requests(), tc.attempts)
		})
	}
}

func TestValidationSendsNothing(t *testing.T) {
	eleven := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"}
	tests := []struct {
		name  string
		in    *DissociateAdditionalCertificatesFromListenerInput
		field string
	}{
		{"nil", nil, "input"},
		{"no accelerator", &DissociateAdditionalCertificatesFromListenerInput{ListenerID: "l", Domains: []string{"a"}}, "AcceleratorID"},
		{"no listener", &DissociateAdditionalCertificatesFromListenerInput{AcceleratorID: "g", Domains: []string{"a"}}, "ListenerID"},
		{"no domains", &DissociateAdditionalCertificatesFromListenerInput{AcceleratorID: "g", ListenerID: "l"}, "Domains"},
		{"too many domains", &DissociateAdditionalCertificatesFromListenerInput{AcceleratorID: "g", ListenerID: "l", Domains: eleven}, "Domains"},
		{"duplicate domain", &DissociateAdditionalCertificatesFromListenerInput{AcceleratorID: "g", ListenerID: "l", Domains: []string{"a", "a"}}, "Domains[1]"},
		{"unicode domain", &DissociateAdditionalCertificatesFromListenerInput{AcceleratorID: "g", ListenerID: "l", Domains: []string{"bücher.de"}}, "Domains[0]"},
	}
	srv := testserver.New(t, testserver.Answer{Status: 200, Body: `{"RequestId":"R"}`})
	c := newClient(t, srv)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.DissociateAdditionalCertificatesFromListener(context.Background(), tc.in)
			var ve *alicloud.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.ErrorIs(t, err, alicloud.ErrInvalidParameter)
		})
	}
	assert.Empty(t, srv.Requests())
}

func TestEndpoints(t *testing.T) {
	creds := alicloud.StaticCredentials("a", "b", "")
	c, err := New(alicloud.Config{Credentials: creds})
	require.NoError(t, err, "GA needs no region")
	assert.Equal(t, "https://ga.cn-hangzhou.aliyuncs.com/", c.Endpoint())
	c, err = New(alicloud.Config{Region: "ap-southeast-1", Credentials: creds, UseVPCEndpoint: true})
	require.NoError(t, err)
	assert.Equal(t, "https://ga-vpc.cn-hangzhou.aliyuncs.com/", c.Endpoint())
}

// An "active" read that predates the change must not end the wait: the
// domains must be gone too, and then the accelerator active.
func TestDissociateAndWaitDoesNotTrustAStaleActive(t *testing.T) {
	active := testserver.OK(`{"RequestId":"R","ListenerId":"lsr-1","State":"active"}`)
	listed := testserver.OK(`{"RequestId":"R","Certificates":[{"CertificateId":"c1","Domain":"a.com","State":"active"}]}`)
	srv := testserver.New(t,
		active,
		testserver.OK(`{"RequestId":"R","AcceleratorId":"ga-1","State":"active"}`),
		listed,
		testserver.OK(`{"RequestId":"R0"}`),
		active,
		listed,
		active,
		testserver.OK(`{"RequestId":"R","Certificates":[]}`),
		testserver.OK(`{"RequestId":"R","AcceleratorId":"ga-1","State":"configuring"}`),
		testserver.OK(`{"RequestId":"R","AcceleratorId":"ga-1","State":"Active"}`))
	_, err := newClient(t, srv).DissociateAndWait(context.Background(), &DissociateAdditionalCertificatesFromListenerInput{
		AcceleratorID: "ga-1", ListenerID: "lsr-1", Domains: []string{"a.com"}}, time.Minute, tiny)
	require.NoError(t, err)
	assert.Equal(t, []string{"DescribeListener", "DescribeAccelerator", // settle
		"ListListenerCertificates", opDissociate, "DescribeListener", "ListListenerCertificates",
		"DescribeListener", "ListListenerCertificates", "DescribeAccelerator", "DescribeAccelerator"}, actions(srv))
	assert.Equal(t, "additional", srv.Requests()[2].Form.Get("Role"))
}
