package alicloud

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A configured source that fails is reported as a failure of that source,
// not as "nothing configured". Only the decision is tested here: the
// chain itself would ask the ECS metadata service, which no test may.
func TestConfiguredSourcesAreRecognised(t *testing.T) {
	for _, name := range []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_PROFILE", "ALIBABA_CLOUD_ECS_METADATA",
		"ALIBABA_CLOUD_ROLE_ARN", "ALIBABA_CLOUD_CREDENTIALS_URI"} {
		t.Run(name, func(t *testing.T) {
			t.Setenv("HOME", t.TempDir())
			for _, other := range []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_ROLE_ARN",
				"ALIBABA_CLOUD_OIDC_PROVIDER_ARN", "ALIBABA_CLOUD_CREDENTIALS_URI", "ALIBABA_CLOUD_CONFIG_FILE",
				"ALIBABA_CLOUD_CREDENTIALS_FILE", "ALIBABA_CLOUD_PROFILE", "ALIBABA_CLOUD_ECS_METADATA"} {
				t.Setenv(other, "")
			}
			assert.False(t, credentialSourceConfigured())
			t.Setenv(name, "x")
			assert.True(t, credentialSourceConfigured())
			var v *ValidationError
			assert.False(t, errors.As(credentialsGoError(errors.New("boom")), &v), "a configured source's failure is not 'none found'")
		})
	}
}

func TestAnEmptyAccessKeyFromTheChainIsUnauthorized(t *testing.T) {
	assert.ErrorIs(t, errNoCredentials, ErrUnauthorized)
}
