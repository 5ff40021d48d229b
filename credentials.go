package alicloud

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"

	"github.com/aliyun/credentials-go/credentials"

	"github.com/listenercerts/alicloud/internal/safetext"
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

// Format prints c as String does whatever the verb (%d, %x, %t, ...
// included; %q quotes it), so that no fmt verb reveals the secret or the
// token.
func (c Credentials) Format(f fmt.State, verb rune) { formatAs(f, verb, c.String()) }

// MarshalJSON encodes the AccessKeyID and "<redacted>" in place of the
// secret and the token (when set): encoding a Credentials never reveals
// them. Decoding is unaffected.
func (c Credentials) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		AccessKeyID     string
		AccessKeySecret string
		SecurityToken   string `json:",omitempty"`
	}{c.AccessKeyID, redactedIfSet(c.AccessKeySecret), redactedIfSet(c.SecurityToken)})
}

// MarshalText returns String, for encoders that use encoding.TextMarshaler.
func (c Credentials) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// LogValue makes log/slog log the AccessKeyID and "<redacted>" in place of
// the secret and the token, with every handler.
func (c Credentials) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("AccessKeyID", c.AccessKeyID), slog.String("AccessKeySecret", redactedIfSet(c.AccessKeySecret))}
	if c.SecurityToken != "" {
		attrs = append(attrs, slog.String("SecurityToken", redactedText))
	}
	return slog.GroupValue(attrs...)
}

const redactedText = "<redacted>"

func redactedIfSet(s string) string {
	if s == "" {
		return ""
	}
	return redactedText
}

// formatAs writes s for any fmt verb: quoted for %q, as is otherwise.
func formatAs(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		s = strconv.Quote(s)
	}
	io.WriteString(f, s)
}

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

// Format prints p as String does, whatever the verb.
func (p staticProvider) Format(f fmt.State, verb rune) { formatAs(f, verb, p.String()) }

// MarshalJSON encodes p as its String.
func (p staticProvider) MarshalJSON() ([]byte, error) { return json.Marshal(p.String()) }

// LogValue logs p as its String.
func (p staticProvider) LogValue() slog.Value { return slog.StringValue(p.String()) }

// StaticCredentials returns a provider that always yields the given values.
// Pass an empty securityToken for a permanent AccessKey pair.
func StaticCredentials(accessKeyID, accessKeySecret, securityToken string) CredentialsProvider {
	return staticProvider{Credentials{accessKeyID, accessKeySecret, securityToken}}
}

// CredentialsProviderFunc adapts a function to [CredentialsProvider].
type CredentialsProviderFunc func(ctx context.Context) (Credentials, error)

// Retrieve calls f(ctx). A nil f returns a *ValidationError instead of
// panicking (service clients reject a nil CredentialsProviderFunc in New).
func (f CredentialsProviderFunc) Retrieve(ctx context.Context) (Credentials, error) {
	if f == nil {
		return Credentials{}, &ValidationError{Field: "Config.Credentials", Reason: "is a nil CredentialsProviderFunc"}
	}
	return f(ctx)
}

// DefaultCredentials returns the default credential chain of
// github.com/aliyun/credentials-go: environment variables
// (ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET,
// ALIBABA_CLOUD_SECURITY_TOKEN), OIDC (ALIBABA_CLOUD_ROLE_ARN,
// ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE), the CLI
// profile ~/.aliyun/config.json, the ini profile ~/.alibabacloud/credentials,
// the ECS RAM role, and ALIBABA_CLOUD_CREDENTIALS_URI.
//
// When no source at all is configured, the first call fails with a short
// *ValidationError (field Config.Credentials, matching
// [ErrInvalidParameter]) that names what was looked for; a configured
// source that fails gives an error matching [ErrUnauthorized]. Set
// ALIBABA_CLOUD_ECS_METADATA_DISABLED=true where no ECS metadata service
// is to be asked.
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

// Format prints p as String does, whatever the verb: the credentials-go
// value it wraps holds the secret.
func (p *credentialsGoProvider) Format(f fmt.State, verb rune) { formatAs(f, verb, p.String()) }

// MarshalJSON encodes p as its String.
func (p *credentialsGoProvider) MarshalJSON() ([]byte, error) { return json.Marshal(p.String()) }

// LogValue logs p as its String.
func (p *credentialsGoProvider) LogValue() slog.Value { return slog.StringValue(p.String()) }

// errNoCredentials: the chain answered without an AccessKey pair. It
// matches ErrUnauthorized: nothing can be signed.
var errNoCredentials error = &credentialsError{msg: "alicloud: the credential chain returned no AccessKey"}

// Retrieve returns the chain's current credentials. When the default
// chain finds none at all, the error is a short *ValidationError naming
// what it looked for (see [DefaultCredentials]); when a configured source
// fails, an error matching [ErrUnauthorized] with a bounded excerpt of the
// chain's message.
func (p *credentialsGoProvider) Retrieve(ctx context.Context) (Credentials, error) {
	if ctx == nil {
		return Credentials{}, errNilContext()
	}
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
		return Credentials{}, credentialsGoError(err)
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

// errNilContext is the error of a call given a nil context.Context (a
// fresh value each time: a caller may modify it).
func errNilContext() error {
	return &ValidationError{Field: "ctx", Reason: "must not be nil (use context.Background())"}
}

// errNoCredentialsFound is the error of the default chain when nothing is
// configured: short, and naming what was looked for.
func errNoCredentialsFound() error {
	return &ValidationError{Field: "Config.Credentials", Reason: "none found: set " +
		"ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or use ~/.aliyun/config.json, " +
		"~/.alibabacloud/credentials, OIDC or an ECS RAM role"}
}

// credentialsError is a configured credential source that failed. It
// matches ErrUnauthorized: the request could not be signed.
type credentialsError struct{ msg string }

func (e *credentialsError) Error() string        { return e.msg }
func (e *credentialsError) Is(target error) bool { return target == ErrUnauthorized }

// credentialsGoError turns an error of credentials-go into ours. Its chain
// error is a long dump of every provider's failure (metadata addresses,
// response bodies): when no source is configured at all, it becomes the
// short errNoCredentialsFound; otherwise a bounded, escaped excerpt.
func credentialsGoError(err error) error {
	if !credentialSourceConfigured() {
		return errNoCredentialsFound()
	}
	return &credentialsError{msg: "alicloud: retrieve credentials: " + safetext.String(err.Error(), 200)}
}

// credentialSourceConfigured reports whether any source of the default
// chain other than the ECS metadata service is configured: the environment
// variables, OIDC, a credentials URI, or a profile file.
func credentialSourceConfigured() bool {
	for _, name := range []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
		"ALIBABA_CLOUD_ROLE_ARN", "ALIBABA_CLOUD_OIDC_PROVIDER_ARN", "ALIBABA_CLOUD_CREDENTIALS_URI",
		"ALIBABA_CLOUD_CONFIG_FILE", "ALIBABA_CLOUD_CREDENTIALS_FILE", "ALIBABA_CLOUD_PROFILE",
		"ALIBABA_CLOUD_ECS_METADATA"} {
		if os.Getenv(name) != "" {
			return true
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		for _, file := range []string{".aliyun/config.json", ".alibabacloud/credentials"} {
			if _, err := os.Stat(filepath.Join(home, file)); err == nil {
				return true
			}
		}
	}
	return false
}
