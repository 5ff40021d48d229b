package alb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/testserver"
)

func newClient(t *testing.T, srv *testserver.Server) *Client {
	t.Helper()
	c, err := New(alicloud.Config{
		Region:      "cn-hangzhou",
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
	srv := testserver.New(t, testserver.Answer{Status: 200, Body: `{"RequestId":"365F4154-92F6","JobId":"72dcd26b-f12d"}`})
	c := newClient(t, srv)
	out, err := c.DissociateAdditionalCertificatesFromListener(context.Background(), &DissociateAdditionalCertificatesFromListenerInput{
		ListenerID:     "lsn-5qnirjhpt7",
		CertificateIDs: []string{"cert-1", "cert-2", "103705*"},
		ClientToken:    "5A2CFF0E-5718-45B5-9D4D-70B3",
	})
	require.NoError(t, err)
	assert.Equal(t, &DissociateAdditionalCertificatesFromListenerOutput{
		JobID: "72dcd26b-f12d", RequestID: "365F4154-92F6", ClientToken: "5A2CFF0E-5718-45B5-9D4D-70B3"}, out)

	r := srv.Requests()[0]
	assert.Equal(t, "DissociateAdditionalCertificatesFromListener", r.Header.Get("x-acs-action"))
	assert.Equal(t, "2020-06-16", r.Header.Get("x-acs-version"))
	assert.Equal(t, map[string][]string{
		"ListenerId":                   {"lsn-5qnirjhpt7"},
		"Certificates.1.CertificateId": {"cert-1"},
		"Certificates.2.CertificateId": {"cert-2"},
		"Certificates.3.CertificateId": {"103705*"},
		"ClientToken":                  {"5A2CFF0E-5718-45B5-9D4D-70B3"},
	}, map[string][]string(r.Form), "exactly the documented parameters; no DryRun unless asked")
}

func TestDissociateWireV1(t *testing.T) {
	srv := testserver.New(t, testserver.Answer{Status: 200, Body: `{"RequestId":"R","JobId":"J"}`})
	c, err := New(alicloud.Config{Region: "cn-hangzhou", Credentials: alicloud.StaticCredentials("id", "secret", ""),
		Endpoint: srv.URL, SignatureVersion: alicloud.SignatureV1})
	require.NoError(t, err)
	out, err := c.DissociateAdditionalCertificatesFromListener(context.Background(), &DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"c"}})
	require.NoError(t, err)
	assert.Equal(t, "J", out.JobID)
	f := srv.Requests()[0].Form
	assert.Equal(t, "DissociateAdditionalCertificatesFromListener", f.Get("Action"))
	assert.Equal(t, "2020-06-16", f.Get("Version"))
	assert.Equal(t, "c", f.Get("Certificates.1.CertificateId"))
	assert.Equal(t, out.ClientToken, f.Get("ClientToken"))
	assert.NotEmpty(t, f.Get("Signature"))
}

func TestDryRun(t *testing.T) {
	srv := testserver.New(t, testserver.Error(400, "DryRunOperation"))
	c := newClient(t, srv)
	out, err := c.DissociateAdditionalCertificatesFromListener(context.Background(), &DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}, DryRun: true})
	require.NoError(t, err)
	assert.True(t, out.DryRunPassed)
	assert.Empty(t, out.JobID)
	assert.Equal(t, "RID-DryRunOperation", out.RequestID)
	assert.Equal(t, "true", srv.Requests()[0].Form.Get("DryRun"))
	assert.Len(t, srv.Requests(), 1)
}

func TestDryRunAnsweredWith2xx(t *testing.T) {
	srv := testserver.New(t, testserver.Answer{Status: 200, Body: `{"RequestId":"R","Code":"DryRunOperation","Message":"passed"}`})
	out, err := newClient(t, srv).DissociateAdditionalCertificatesFromListener(context.Background(),
		&DissociateAdditionalCertificatesFromListenerInput{ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}, DryRun: true})
	require.NoError(t, err)
	assert.True(t, out.DryRunPassed)
}

func TestDryRunOperationWithoutDryRunIsAnError(t *testing.T) {
	srv := testserver.New(t, testserver.Error(400, "DryRunOperation"))
	_, err := newClient(t, srv).DissociateAdditionalCertificatesFromListener(context.Background(),
		&DissociateAdditionalCertificatesFromListenerInput{ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}})
	require.Error(t, err)
}

func TestDocumentedErrorCodes(t *testing.T) {
	tests := []struct {
		status   int
		code     string
		sentinel error
		category error
	}{
		{400, "IncorrectStatus.Listener", ErrListenerIncorrectStatus, alicloud.ErrConflict},
		{400, "OperationDenied.HttpListenerNotSupport", ErrHTTPListenerNotSupported, alicloud.ErrConflict},
		{400, "OperationDenied.DefaultCertificateUsed", ErrDefaultCertificateUsed, alicloud.ErrConflict},
		{400, "ResourceNotAssociated.Certificate", ErrCertificateNotAssociated, alicloud.ErrConflict},
		{400, "ResourceInConfiguring.Listener", ErrListenerConfiguring, alicloud.ErrConflict},
		{404, "ResourceNotFound.Listener", ErrListenerNotFound, alicloud.ErrNotFound},
	}
	all := []error{ErrListenerIncorrectStatus, ErrHTTPListenerNotSupported, ErrDefaultCertificateUsed,
		ErrCertificateNotAssociated, ErrListenerConfiguring, ErrListenerNotFound}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			srv := testserver.New(t, testserver.Error(tc.status, tc.code))
			_, err := newClient(t, srv).DissociateAdditionalCertificatesFromListener(context.Background(),
				&DissociateAdditionalCertificatesFromListenerInput{ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}})
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.sentinel)
			assert.ErrorIs(t, err, tc.category)
			assert.ErrorIs(t, tc.sentinel, tc.category, "the sentinel itself matches its category")
			for _, other := range all {
				if other != tc.sentinel {
					assert.NotErrorIs(t, err, other)
				}
			}
			var apiErr *alicloud.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, alicloud.APIError{Service: "alb", Operation: "DissociateAdditionalCertificatesFromListener",
				HTTPStatus: tc.status, Code: tc.code, Message: "message of " + tc.code, RequestID: "RID-" + tc.code,
				HostID: "host.example.com", Recommend: "https://api.aliyun.com/troubleshoot?q=" + tc.code, Attempts: 1}, *apiErr)
			assert.Len(t, srv.Requests(), 1, "documented client errors are not retried")
		})
	}
}

func TestValidationSendsNothing(t *testing.T) {
	many := make([]string, MaxCertificatesPerCall+1)
	for i := range many {
		many[i] = fmt.Sprintf("cert-%d", i)
	}
	tests := []struct {
		name  string
		in    *DissociateAdditionalCertificatesFromListenerInput
		field string
	}{
		{"nil input", nil, "input"},
		{"no listener", &DissociateAdditionalCertificatesFromListenerInput{CertificateIDs: []string{"c"}}, "ListenerID"},
		{"listener with space", &DissociateAdditionalCertificatesFromListenerInput{ListenerID: "lsn 1", CertificateIDs: []string{"c"}}, "ListenerID"},
		{"no certificates", &DissociateAdditionalCertificatesFromListenerInput{ListenerID: "lsn-1"}, "CertificateIDs"},
		{"too many", &DissociateAdditionalCertificatesFromListenerInput{ListenerID: "lsn-1", CertificateIDs: many}, "CertificateIDs"},
		{"empty id", &DissociateAdditionalCertificatesFromListenerInput{ListenerID: "lsn-1", CertificateIDs: []string{"c", ""}}, "CertificateIDs[1]"},
		{"duplicate", &DissociateAdditionalCertificatesFromListenerInput{ListenerID: "lsn-1", CertificateIDs: []string{"c", "d", "c"}}, "CertificateIDs[2]"},
		{"long token", &DissociateAdditionalCertificatesFromListenerInput{ListenerID: "lsn-1", CertificateIDs: []string{"c"}, ClientToken: strings.Repeat("t", 65)}, "ClientToken"},
		{"non-ascii token", &DissociateAdditionalCertificatesFromListenerInput{ListenerID: "lsn-1", CertificateIDs: []string{"c"}, ClientToken: "tökén"}, "ClientToken"},
	}
	srv := testserver.New(t, testserver.Answer{Status: 200, Body: `{"RequestId":"R"}`})
	c := newClient(t, srv)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Associate is validated by the same rules.
			var assoc *AssociateAdditionalCertificatesWithListenerInput
			if tc.in != nil {
				assoc = (*AssociateAdditionalCertificatesWithListenerInput)(tc.in)
			}
			_, errD := c.DissociateAdditionalCertificatesFromListener(context.Background(), tc.in)
			_, errA := c.AssociateAdditionalCertificatesWithListener(context.Background(), assoc)
			for _, err := range []error{errD, errA} {
				var ve *alicloud.ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, tc.field, ve.Field)
				assert.ErrorIs(t, err, alicloud.ErrInvalidParameter)
				assert.Contains(t, err.Error(), tc.field)
				assert.Empty(t, alicloud.ClientTokenOf(err), "nothing was sent")
			}
		})
	}
	assert.Empty(t, srv.Requests(), "validation errors send zero requests")
}

func TestNewRequiresRegionAndCredentials(t *testing.T) {
	_, err := New(alicloud.Config{Credentials: alicloud.StaticCredentials("a", "b", "")})
	var ve *alicloud.ValidationError
	require.True(t, errors.As(err, &ve))
	assert.Equal(t, "Config.Region", ve.Field)
	_, err = New(alicloud.Config{Region: "cn-hangzhou"})
	require.True(t, errors.As(err, &ve))
	assert.Equal(t, "Config.Credentials", ve.Field)
}

func TestEndpoints(t *testing.T) {
	creds := alicloud.StaticCredentials("a", "b", "")
	c, err := New(alicloud.Config{Region: "cn-shanghai", Credentials: creds})
	require.NoError(t, err)
	assert.Equal(t, "https://alb.cn-shanghai.aliyuncs.com/", c.Endpoint())
	c, err = New(alicloud.Config{Region: "cn-shanghai", Credentials: creds, UseVPCEndpoint: true})
	require.NoError(t, err)
	assert.Equal(t, "https://alb-vpc.cn-shanghai.aliyuncs.com/", c.Endpoint())
}

func TestAcceptedWithoutAJobIDIsADecodeError(t *testing.T) {
	tests := []struct {
		name   string
		answer testserver.Answer
		dryRun bool
		want   string // "" = no error
	}{
		{"no JobId", testserver.OK(`{"RequestId":"R"}`), false, "decode response (HTTP 200, application/json, 17 bytes): the answer has no JobId"},
		{"empty object", testserver.OK(`{}`), false, "the answer has no RequestId"},
		{"null", testserver.OK(`null`), false, "the answer has no RequestId"},
		{"a dry run has no job", testserver.OK(`{"RequestId":"R","Code":"DryRunOperation"}`), true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := testserver.New(t, tc.answer)
			out, err := newClient(t, srv).DissociateAdditionalCertificatesFromListener(context.Background(),
				&DissociateAdditionalCertificatesFromListenerInput{ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}, DryRun: tc.dryRun})
			if tc.want == "" {
				require.NoError(t, err)
				assert.True(t, out.DryRunPassed)
				return
			}
			assert.ErrorContains(t, err, tc.want)
			assert.Nil(t, out)
			assert.Equal(t, srv.Requests()[0].Form.Get("ClientToken"), alicloud.ClientTokenOf(err), "resumable")
			assert.Len(t, srv.Requests(), 1)
		})
	}
}
