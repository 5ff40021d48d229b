package alicloud_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/alb"
	"github.com/listenercerts/alicloud/ga"
	"github.com/listenercerts/alicloud/internal/testserver"
)

// isolateDefaultChain leaves the default credential chain nothing to find:
// no environment variables, an empty HOME, and no ECS metadata service to
// ask (no traffic but loopback).
func isolateDefaultChain(t *testing.T) {
	t.Helper()
	t.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
	t.Setenv("HOME", t.TempDir())
	t.Setenv("USERPROFILE", os.Getenv("HOME"))
	for _, name := range []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN",
		"ALIBABA_CLOUD_ROLE_ARN", "ALIBABA_CLOUD_OIDC_PROVIDER_ARN", "ALIBABA_CLOUD_OIDC_TOKEN_FILE", "ALIBABA_CLOUD_OIDC_TOKEN",
		"ALIBABA_CLOUD_CREDENTIALS_URI", "ALIBABA_CLOUD_CONFIG_FILE", "ALIBABA_CLOUD_CREDENTIALS_FILE", "ALIBABA_CLOUD_PROFILE",
		"ALIBABA_CLOUD_ECS_METADATA", "ALIBABA_CLOUD_CLI_PROFILE_DISABLED"} {
		t.Setenv(name, "")
	}
}

func TestMissingDefaultCredentialsSayWhatWasLookedFor(t *testing.T) {
	isolateDefaultChain(t)
	cfg, err := alicloud.LoadDefaultConfig(context.Background(), "cn-hangzhou")
	require.NoError(t, err, "the chain is lazy: LoadDefaultConfig succeeds")
	srv := testserver.New(t, testserver.OK(`{"RequestId":"R","JobId":"J"}`))
	cfg.Endpoint = srv.URL
	client, err := alb.New(cfg)
	require.NoError(t, err)

	start := time.Now()
	_, err = client.DissociateAdditionalCertificatesFromListener(context.Background(),
		&alb.DissociateAdditionalCertificatesFromListenerInput{ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"}})
	require.Error(t, err)
	assert.Less(t, time.Since(start), 2*time.Second, "no metadata service was waited for")
	text := err.Error()
	assert.Less(t, len(text), 300, text)
	assert.Contains(t, text, "ALIBABA_CLOUD_ACCESS_KEY_ID")
	for _, noise := range []string{"enviroment", "100.100.100.200", "ERROR:", "unable to get credentials from any"} {
		assert.NotContains(t, text, noise, "no credentials-go dump")
	}
	var ve *alicloud.ValidationError
	require.ErrorAs(t, err, &ve, "the README promises a ValidationError")
	assert.Equal(t, "Config.Credentials", ve.Field)
	assert.ErrorIs(t, err, alicloud.ErrInvalidParameter)
	assert.Empty(t, alicloud.ClientTokenOf(err), "nothing was sent")
	assert.Empty(t, srv.Requests())
}

func TestFailingConfiguredCredentialsAreUnauthorized(t *testing.T) {
	isolateDefaultChain(t)
	broken := filepath.Join(t.TempDir(), "credentials")
	require.NoError(t, os.WriteFile(broken, []byte("[default]\ntype = access_key\n"), 0o600))
	t.Setenv("ALIBABA_CLOUD_CREDENTIALS_FILE", broken)
	provider, err := alicloud.DefaultCredentials()
	require.NoError(t, err)
	_, err = provider.Retrieve(context.Background())
	require.Error(t, err)
	assert.ErrorIs(t, err, alicloud.ErrUnauthorized)
	assert.Less(t, len(err.Error()), 300, err.Error())
}

func TestCredentialsAndConfigPrintSafely(t *testing.T) {
	const id, secret, token = "LTAI-visible-id", "TOP-SECRET-VALUE", "STS-TOKEN-VALUE"
	creds := alicloud.Credentials{AccessKeyID: id, AccessKeySecret: secret, SecurityToken: token}
	cfg := alicloud.Config{Region: "cn-hangzhou", Credentials: alicloud.StaticCredentials(id, secret, token),
		Endpoint: "http://user:" + secret + "@127.0.0.1:1", HTTPClient: http.DefaultClient, Logger: slog.Default()}
	isolateDefaultChain(t)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", id)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", secret)
	t.Setenv("ALIBABA_CLOUD_SECURITY_TOKEN", token)
	chain, err := alicloud.DefaultCredentials()
	require.NoError(t, err)
	_, err = chain.Retrieve(context.Background()) // the chain now holds the secret
	require.NoError(t, err)

	values := map[string]any{
		"Credentials":          creds,
		"*Credentials":         &creds,
		"[]Credentials":        []alicloud.Credentials{creds},
		"Config":               cfg,
		"*Config":              &cfg,
		"Config with chain":    alicloud.Config{Credentials: chain},
		"StaticCredentials":    cfg.Credentials,
		"DefaultCredentials":   chain,
		"struct of Config":     struct{ C alicloud.Config }{cfg},
		"map of Credentials":   map[string]alicloud.Credentials{"k": creds},
		"Credentials in a any": []any{creds, cfg},
	}
	for name, v := range values {
		var texts []string
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%d", "%t", "%x", "%X", "%o", "%b", "%e", "%g", "%c", "%U", "%10.4f", "%-8v"} {
			texts = append(texts, verb+": "+fmt.Sprintf(verb, v))
		}
		j, err := json.Marshal(v)
		require.NoError(t, err, name)
		texts = append(texts, "json: "+string(j))
		var jsonLog, textLog bytes.Buffer
		slog.New(slog.NewJSONHandler(&jsonLog, nil)).Info("m", "v", v)
		slog.New(slog.NewTextHandler(&textLog, nil)).Info("m", "v", v)
		texts = append(texts, "slog json: "+jsonLog.String(), "slog text: "+textLog.String())
		for _, text := range texts {
			assert.NotContains(t, text, secret, "%s %s", name, text)
			assert.NotContains(t, text, token, "%s %s", name, text)
		}
	}
	j, _ := json.Marshal(creds)
	assert.JSONEq(t, `{"AccessKeyID":"LTAI-visible-id","AccessKeySecret":"<redacted>","SecurityToken":"<redacted>"}`, string(j))
	assert.Contains(t, fmt.Sprintf("%d", cfg), id, "still useful: the AccessKeyID is shown")
	assert.Contains(t, fmt.Sprint(cfg), `Endpoint: "http://<redacted>@127.0.0.1:1"`)
}

func TestNilContextFailsEarlyEverywhere(t *testing.T) {
	var nilCtx context.Context
	srv := testserver.New(t, testserver.OK(`{"RequestId":"R","JobId":"J","State":"active"}`))
	cfg := alicloud.Config{Region: "cn-hangzhou", Credentials: alicloud.StaticCredentials("id", "secret", ""),
		Endpoint: srv.URL, RateLimiter: alicloud.NoRateLimit}
	albClient, err := alb.New(cfg)
	require.NoError(t, err)
	gaClient, err := ga.New(cfg)
	require.NoError(t, err)
	calls := map[string]func() error{
		"LoadDefaultConfig": func() error { _, err := alicloud.LoadDefaultConfig(nilCtx, ""); return err },
		"alb Dissociate": func() error {
			_, err := albClient.DissociateAdditionalCertificatesFromListener(nilCtx,
				&alb.DissociateAdditionalCertificatesFromListenerInput{ListenerID: "lsn-1", CertificateIDs: []string{"c"}})
			return err
		},
		"alb DissociateAndWait": func() error {
			_, err := albClient.DissociateAndWait(nilCtx,
				&alb.DissociateAdditionalCertificatesFromListenerInput{ListenerID: "lsn-1", CertificateIDs: []string{"c"}}, time.Minute)
			return err
		},
		"alb waiter": func() error {
			return alb.NewCertificatesDissociatedWaiter(albClient).Wait(nilCtx, "lsn-1", []string{"c"}, time.Minute)
		},
		"alb AllListenerCertificates": func() error {
			for _, err := range albClient.AllListenerCertificates(nilCtx, &alb.ListListenerCertificatesInput{ListenerID: "lsn-1"}) {
				return err
			}
			return nil
		},
		"ga DescribeListener": func() error {
			_, err := gaClient.DescribeListener(nilCtx, &ga.DescribeListenerInput{ListenerID: "lsr-1"})
			return err
		},
		"ga waiter": func() error { return ga.NewListenerActiveWaiter(gaClient).Wait(nilCtx, "lsr-1", time.Minute) },
		"nil CredentialsProviderFunc": func() error {
			_, err := alicloud.CredentialsProviderFunc(nil).Retrieve(context.Background())
			return err
		},
		"alb.New with a nil CredentialsProviderFunc": func() error {
			_, err := alb.New(alicloud.Config{Region: "cn-hangzhou", Credentials: alicloud.CredentialsProviderFunc(nil)})
			return err
		},
		"ga.New with a nil CredentialsProviderFunc": func() error {
			_, err := ga.New(alicloud.Config{Credentials: alicloud.CredentialsProviderFunc(nil)})
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { err = call() })
			var ve *alicloud.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.ErrorIs(t, err, alicloud.ErrInvalidParameter)
			assert.Contains(t, []string{"ctx", "Config.Credentials"}, ve.Field)
			assert.Less(t, len(err.Error()), 300)
		})
	}
	assert.Empty(t, srv.Requests())
}

func TestAPIErrorTextIsEscapedAndBounded(t *testing.T) {
	e := &alicloud.APIError{Service: "alb", Operation: "Op", HTTPStatus: 400, Code: "Forbidden\n.RAM",
		Message: "line1\nINFO forged\r\x1b[0m\x00" + strings.Repeat("€", 1<<20), RequestID: "R\u2028", Attempts: 2}
	text := e.Error()
	assert.LessOrEqual(t, len(text), 2048)
	assert.LessOrEqual(t, len(text), 1536, "the README's promise: at most 1.5 KiB")
	assert.True(t, strings.HasPrefix(text, `alb Op: Forbidden\n.RAM: line1\nINFO forged\r\x1b[0m\x00€€`), text[:80])
	assert.True(t, strings.HasSuffix(text, `…(truncated) (HTTP 400, RequestId R\u2028, after 2 attempts)`), text[len(text)-80:])
	assert.Len(t, e.Message, 3<<20+23, "the field is whole")

	ve := &alicloud.ValidationError{Field: "X", Reason: strings.Repeat("y", 1<<20) + "\n"}
	assert.LessOrEqual(t, len(ve.Error()), 2048)
	assert.LessOrEqual(t, len(ve.Error()), 1536)
}

func TestStatus429IsThrottledWhateverTheBody(t *testing.T) {
	for _, e := range []*alicloud.APIError{{HTTPStatus: 429}, {HTTPStatus: 429, Code: "Unheard.Of"}} {
		assert.ErrorIs(t, e, alicloud.ErrThrottled)
	}
	assert.NotErrorIs(t, &alicloud.APIError{HTTPStatus: 503}, alicloud.ErrThrottled)
	assert.ErrorIs(t, &alicloud.APIError{HTTPStatus: 429, Code: "InvalidParameter"}, alicloud.ErrInvalidParameter,
		"a classified code keeps its category")
	assert.NotErrorIs(t, &alicloud.APIError{HTTPStatus: 429, Code: "InvalidParameter"}, alicloud.ErrThrottled)
	assert.True(t, errors.Is(fmt.Errorf("w: %w", &alicloud.APIError{HTTPStatus: 429}), alicloud.ErrThrottled))
}
