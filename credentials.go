package alicloud

import (
	"context"
	"errors"
	"fmt"

	"github.com/aliyun/credentials-go/credentials"
)

// Credentials is one consistent set of Alibaba Cloud credentials. An
// AccessKey pair, plus SecurityToken for temporary (STS) credentials.
type Credentials struct {
	AccessKeyID     string
	AccessKeySecret string
	SecurityToken   string // set for STS credentials, empty otherwise
}

// String never reveals the secret or the token.
func (c Credentials) String() string {
	if c.SecurityToken != "" {
		return "Credentials{AccessKeyID: " + c.AccessKeyID + ", AccessKeySecret: <redacted>, SecurityToken: <redacted>}"
	}
	return "Credentials{AccessKeyID: " + c.AccessKeyID + ", AccessKeySecret: <redacted>}"
}

// GoString is like String, so that %#v does not reveal secrets either.
func (c Credentials) GoString() string { return c.String() }

// CredentialsProvider yields credentials. Implementations must be safe for
// concurrent use and may refresh their credentials; the SDK calls Retrieve
// once per attempt and signs that attempt with exactly the returned values.
type CredentialsProvider interface {
	Retrieve(ctx context.Context) (Credentials, error)
}

type staticProvider struct{ creds Credentials }

func (p staticProvider) Retrieve(context.Context) (Credentials, error) { return p.creds, nil }

// String keeps the secret and the token out of anything that prints a
// Config (fmt's %v and %+v).
func (p staticProvider) String() string { return "StaticCredentials(" + p.creds.String() + ")" }

// GoString does the same for %#v.
func (p staticProvider) GoString() string { return p.String() }

// StaticCredentials returns a provider that always yields the given values.
// Pass an empty securityToken for a permanent AccessKey pair.
func StaticCredentials(accessKeyID, accessKeySecret, securityToken string) CredentialsProvider {
	return staticProvider{Credentials{accessKeyID, accessKeySecret, securityToken}}
}

// CredentialsProviderFunc adapts a function to [CredentialsProvider].
type CredentialsProviderFunc func(ctx context.Context) (Credentials, error)

// Retrieve calls f(ctx).
func (f CredentialsProviderFunc) Retrieve(ctx context.Context) (Credentials, error) { return f(ctx) }

// DefaultCredentials returns the default credential chain of
// github.com/aliyun/credentials-go: environment variables
// (ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET,
// ALIBABA_CLOUD_SECURITY_TOKEN), OIDC (ALIBABA_CLOUD_ROLE_ARN,
// ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE), the CLI
// profile ~/.aliyun/config.json, the ini profile ~/.alibabacloud/credentials,
// the ECS RAM role, and ALIBABA_CLOUD_CREDENTIALS_URI.
//
// Temporary credentials are refreshed by the chain shortly before they
// expire. Because credentials-go is not safe for concurrent use, the returned
// provider serializes its calls; each Retrieve returns one consistent
// snapshot (key, secret and token from the same refresh).
func DefaultCredentials() (CredentialsProvider, error) {
	c, err := credentials.NewCredential(nil)
	if err != nil {
		return nil, fmt.Errorf("alicloud: default credentials: %w", err)
	}
	return FromCredentialsGo(c), nil
}

// FromCredentialsGo adapts any credentials-go Credential (for example one
// built with credentials.NewCredential(&credentials.Config{...}) for a RAM
// role) to [CredentialsProvider], serializing calls to it.
func FromCredentialsGo(c credentials.Credential) CredentialsProvider {
	return &credentialsGoProvider{cred: c, sem: make(chan struct{}, 1)}
}

type credentialsGoProvider struct {
	sem  chan struct{} // a one-slot semaphore: credentials-go is not safe for concurrent use
	cred credentials.Credential
}

// String names the provider without printing what it holds.
func (p *credentialsGoProvider) String() string {
	return "alicloud.DefaultCredentials(<credentials-go chain>)"
}

// GoString does the same for %#v.
func (p *credentialsGoProvider) GoString() string { return p.String() }

var errNoCredentials = errors.New("alicloud: the credential chain returned no AccessKey")

func (p *credentialsGoProvider) Retrieve(ctx context.Context) (Credentials, error) {
	if err := ctx.Err(); err != nil {
		return Credentials{}, err
	}
	select { // wait for a concurrent refresh, but no longer than ctx allows
	case p.sem <- struct{}{}:
	case <-ctx.Done():
		return Credentials{}, ctx.Err()
	}
	m, err := p.cred.GetCredential()
	<-p.sem
	if err != nil {
		return Credentials{}, fmt.Errorf("alicloud: retrieve credentials: %w", err)
	}
	if m == nil {
		return Credentials{}, errNoCredentials
	}
	c := Credentials{
		AccessKeyID:     deref(m.AccessKeyId),
		AccessKeySecret: deref(m.AccessKeySecret),
		SecurityToken:   deref(m.SecurityToken),
	}
	if c.AccessKeyID == "" || c.AccessKeySecret == "" {
		return Credentials{}, errNoCredentials
	}
	return c, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
