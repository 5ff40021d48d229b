package alicloud_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenercerts/alicloud"
)

func TestCategoryOf(t *testing.T) {
	tests := []struct {
		code string
		want error
	}{
		{"Throttling", alicloud.ErrThrottled},
		{"Throttling.User", alicloud.ErrThrottled},
		{"Throttling.Api", alicloud.ErrThrottled},
		{"Rejected.Throttling", alicloud.ErrThrottled},
		{"ResourceNotFound.Listener", alicloud.ErrNotFound},
		{"NotExist.Listener", alicloud.ErrNotFound},
		{"NotExist.Accelerator", alicloud.ErrNotFound},
		{"IncorrectStatus.Listener", alicloud.ErrConflict},
		{"ResourceInConfiguring.Listener", alicloud.ErrConflict},
		{"StateError.Accelerator", alicloud.ErrConflict},
		{"NotActive.Listener", alicloud.ErrConflict},
		{"OperationDenied.DefaultCertificateUsed", alicloud.ErrConflict},
		{"ResourceNotAssociated.Certificate", alicloud.ErrConflict},
		{"SignatureDoesNotMatch", alicloud.ErrUnauthorized},
		{"IncompleteSignature", alicloud.ErrUnauthorized},
		{"InvalidAccessKeyId.NotFound", alicloud.ErrUnauthorized},
		{"InvalidAccessKeyId.Inactive", alicloud.ErrUnauthorized},
		{"InvalidSecurityToken.Expired", alicloud.ErrUnauthorized},
		{"InvalidSecurityToken.MismatchWithAccessKey", alicloud.ErrUnauthorized},
		{"SignatureNonceUsed", alicloud.ErrUnauthorized},
		{"InvalidTimeStamp.Expired", alicloud.ErrUnauthorized},
		{"Forbidden.RAM", alicloud.ErrUnauthorized},
		{"NoPermission", alicloud.ErrUnauthorized},
		{"InvalidParameter", alicloud.ErrInvalidParameter},
		{"MissingParameter", alicloud.ErrInvalidParameter},
		{"IdempotentParameterMismatch", alicloud.ErrInvalidParameter},
		{"InternalError", nil},
		{"ServiceUnavailable", nil},
		{"", nil},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			assert.Equal(t, tc.want, alicloud.CategoryOf(tc.code))
			err := error(&alicloud.APIError{Code: tc.code})
			for _, c := range []error{alicloud.ErrThrottled, alicloud.ErrNotFound, alicloud.ErrConflict, alicloud.ErrUnauthorized, alicloud.ErrInvalidParameter} {
				assert.Equal(t, c == tc.want, errors.Is(err, c), "errors.Is(%s, %v)", tc.code, c)
			}
		})
	}
}

func TestErrorCodeSentinels(t *testing.T) {
	sentinel := &alicloud.ErrorCode{Service: "alb", Code: "ResourceNotFound.Listener"}
	wrapped := fmt.Errorf("context: %w", &alicloud.APIError{Service: "alb", Code: "ResourceNotFound.Listener"})
	assert.ErrorIs(t, wrapped, sentinel)
	assert.NotErrorIs(t, &alicloud.APIError{Service: "ga", Code: "ResourceNotFound.Listener"}, sentinel, "the service must match")
	assert.NotErrorIs(t, &alicloud.APIError{Service: "alb", Code: "ResourceNotFound.LoadBalancer"}, sentinel)
	assert.ErrorIs(t, &alicloud.APIError{Service: "ga", Code: "X"}, &alicloud.ErrorCode{Code: "X"}, "a sentinel without service matches any")
	assert.ErrorIs(t, sentinel, alicloud.ErrNotFound)
}

func TestAPIErrorMessage(t *testing.T) {
	err := &alicloud.APIError{Service: "ga", Operation: "Op", HTTPStatus: 400, Code: "Throttling.User",
		Message: "Request was denied due to user flow control.", RequestID: "R-1", Attempts: 5}
	assert.Equal(t, "ga Op: Throttling.User: Request was denied due to user flow control. (HTTP 400, RequestId R-1, after 5 attempts)", err.Error())
	assert.Equal(t, "ga Op: error (HTTP 502)", (&alicloud.APIError{Service: "ga", Operation: "Op", HTTPStatus: 502}).Error())
}

func TestValidationError(t *testing.T) {
	err := error(&alicloud.ValidationError{Field: "ListenerID", Reason: "must not be empty"})
	assert.Equal(t, "alicloud: invalid ListenerID: must not be empty", err.Error())
	assert.ErrorIs(t, err, alicloud.ErrInvalidParameter)
	assert.NotErrorIs(t, err, alicloud.ErrNotFound)
}

func TestRetryPolicyDefaults(t *testing.T) {
	p := alicloud.RetryPolicy{}.WithDefaults()
	assert.Equal(t, alicloud.DefaultMaxAttempts, p.MaxAttempts)
	assert.Equal(t, alicloud.DefaultBaseDelay, p.BaseDelay)
	assert.Equal(t, alicloud.DefaultMaxDelay, p.MaxDelay)
	q := alicloud.RetryPolicy{MaxAttempts: 1, BaseDelay: time.Second}.WithDefaults()
	assert.Equal(t, 1, q.MaxAttempts)
	assert.Equal(t, time.Second, q.BaseDelay)
}

// The defaults the README's configuration table and retry section state,
// as values: changing a constant must change this test and the README.
func TestDocumentedDefaults(t *testing.T) {
	assert.Equal(t, alicloud.RetryPolicy{MaxAttempts: 5, BaseDelay: 100 * time.Millisecond, MaxDelay: 5 * time.Second,
		ConflictBaseDelay: time.Second, ConflictMaxDelay: 15 * time.Second, MaxConflictWait: 5 * time.Minute,
		AttemptTimeout: 30 * time.Second}, alicloud.RetryPolicy{}.WithDefaults())
	assert.Equal(t, time.Duration(-1), alicloud.RetryPolicy{AttemptTimeout: -1}.WithDefaults().AttemptTimeout,
		"a negative AttemptTimeout means no bound but the context's")
	assert.Equal(t, alicloud.WaiterOptions{MinDelay: time.Second, MaxDelay: 10 * time.Second}, alicloud.WaiterOptions{}.WithDefaults())
}

func TestWaiterOptionsDefaults(t *testing.T) {
	o := alicloud.WaiterOptions{}.WithDefaults()
	assert.Equal(t, alicloud.WaiterOptions{MinDelay: alicloud.DefaultWaiterMinDelay, MaxDelay: alicloud.DefaultWaiterMaxDelay}, o,
		"FirstDelay stays 0: the first poll comes after MinDelay")
	o = alicloud.WaiterOptions{FirstDelay: -time.Second, MinDelay: 2 * time.Second, MaxDelay: time.Second}.WithDefaults()
	assert.Equal(t, alicloud.WaiterOptions{MinDelay: 2 * time.Second, MaxDelay: 2 * time.Second}, o)
	o = alicloud.WaiterOptions{FirstDelay: 7 * time.Second, MinDelay: 500 * time.Millisecond, MaxDelay: 500 * time.Millisecond}.WithDefaults()
	assert.Equal(t, 7*time.Second, o.FirstDelay, "kept, also above MaxDelay")
}

func TestDefaultCredentialsFromEnvironment(t *testing.T) {
	isolateDefaultChain(t)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "env-id")
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret")
	t.Setenv("ALIBABA_CLOUD_SECURITY_TOKEN", "env-token")
	t.Setenv(alicloud.RegionEnvVar, "cn-shenzhen")
	cfg, err := alicloud.LoadDefaultConfig(context.Background(), "")
	require.NoError(t, err)
	assert.Equal(t, "cn-shenzhen", cfg.Region)
	creds, err := cfg.Credentials.Retrieve(context.Background())
	require.NoError(t, err)
	assert.Equal(t, alicloud.Credentials{AccessKeyID: "env-id", AccessKeySecret: "env-secret", SecurityToken: "env-token"}, creds)

	cfg, err = alicloud.LoadDefaultConfig(context.Background(), "cn-beijing")
	require.NoError(t, err)
	assert.Equal(t, "cn-beijing", cfg.Region, "the argument wins over the environment")
}

func TestRateLimiter(t *testing.T) {
	l := alicloud.NewRateLimiter(map[string]alicloud.Quota{"alb/Op": {Requests: 3, Per: time.Hour}})
	ctx := context.Background()
	for range 3 {
		require.NoError(t, l.Wait(ctx, "alb", "Op"), "the bucket starts full")
	}
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	assert.Error(t, l.Wait(short, "alb", "Op"), "the fourth call within the hour must wait")
	require.NoError(t, l.Wait(ctx, "alb", "Other"), "buckets are per operation")
	assert.Equal(t, alicloud.Quota{Requests: 200, Per: time.Minute},
		alicloud.QuotaFor("alb", "DissociateAdditionalCertificatesFromListener"))

	canceled, cancel2 := context.WithCancel(ctx)
	cancel2()
	assert.ErrorIs(t, alicloud.NoRateLimit.Wait(canceled, "alb", "Op"), context.Canceled)
	assert.NoError(t, alicloud.NoRateLimit.Wait(ctx, "alb", "Op"))
}

func TestRateLimiterWaitPastDeadlineIsDeadlineExceeded(t *testing.T) {
	l := alicloud.NewRateLimiter(map[string]alicloud.Quota{"alb/Op": {Requests: 1, Per: time.Hour}})
	require.NoError(t, l.Wait(context.Background(), "alb", "Op"))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	err := l.Wait(ctx, "alb", "Op") // the next token comes in an hour, after the deadline
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), time.Second, "refused at once, not after a minute")
}

func TestPrintingAConfigRevealsNoSecret(t *testing.T) {
	cfg := alicloud.Config{Region: "cn-hangzhou", Credentials: alicloud.StaticCredentials("AKID", "TOPSECRET", "STSTOKEN")}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		text := fmt.Sprintf(format, cfg)
		assert.NotContains(t, text, "TOPSECRET", format)
		assert.NotContains(t, text, "STSTOKEN", format)
		assert.Contains(t, text, "AKID", format)
	}
	isolateDefaultChain(t)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "env-id")
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ENVSECRET")
	def, err := alicloud.DefaultCredentials()
	require.NoError(t, err)
	_, err = def.Retrieve(context.Background())
	require.NoError(t, err)
	for _, format := range []string{"%v", "%+v", "%#v"} {
		assert.NotContains(t, fmt.Sprintf(format, alicloud.Config{Credentials: def}), "ENVSECRET", format)
	}
}
