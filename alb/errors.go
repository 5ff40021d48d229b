package alb

import "github.com/listenercerts/alicloud"

// Sentinels for the documented error codes of the certificate operations
// (AssociateAdditionalCertificatesWithListener,
// DissociateAdditionalCertificatesFromListener), matched with errors.Is.
// Each also matches its category (alicloud.ErrConflict, alicloud.ErrNotFound).
var (
	// ErrListenerIncorrectStatus: IncorrectStatus.Listener (400), the
	// listener is not Running. In practice the service answers it while
	// the listener applies an earlier change ("The status of lsn-…
	// [Configuring] is incorrect."), so it is retried by default like
	// ErrListenerConfiguring (see alicloud.RetryPolicy); it is returned
	// once MaxConflictWait has passed (e.g. a Stopped listener) or with
	// DisableConflictRetry.
	ErrListenerIncorrectStatus error = &alicloud.ErrorCode{Service: ServiceName, Code: "IncorrectStatus.Listener"}
	// ErrHTTPListenerNotSupported: OperationDenied.HttpListenerNotSupport
	// (400), HTTP listeners have no certificates; use an HTTPS or QUIC listener.
	ErrHTTPListenerNotSupported error = &alicloud.ErrorCode{Service: ServiceName, Code: "OperationDenied.HttpListenerNotSupport"}
	// ErrDefaultCertificateUsed: OperationDenied.DefaultCertificateUsed
	// (400), the certificate is the listener's default certificate.
	// DissociateAndWait and RotateCertificates find it in the listing and
	// refuse it before sending anything: that error matches both this
	// sentinel and alicloud.ErrInvalidParameter (*alicloud.ValidationError).
	ErrDefaultCertificateUsed error = &alicloud.ErrorCode{Service: ServiceName, Code: "OperationDenied.DefaultCertificateUsed"}
	// ErrCertificateNotAssociated: ResourceNotAssociated.Certificate (400),
	// the certificate is not (or no longer) associated with the listener.
	ErrCertificateNotAssociated error = &alicloud.ErrorCode{Service: ServiceName, Code: "ResourceNotAssociated.Certificate"}
	// ErrCertificateAlreadyAssociated: ResourceAlreadyAssociated.Certificate
	// (400), the certificate is already associated with the listener. ALB
	// does not document its answer; this is the sibling NLB API's code.
	ErrCertificateAlreadyAssociated error = &alicloud.ErrorCode{Service: ServiceName, Code: "ResourceAlreadyAssociated.Certificate"}
	// ErrListenerConfiguring: ResourceInConfiguring.Listener (400), another
	// change is in progress. Retried by default (see alicloud.RetryPolicy);
	// returned once MaxConflictWait has passed or with DisableConflictRetry.
	ErrListenerConfiguring error = &alicloud.ErrorCode{Service: ServiceName, Code: "ResourceInConfiguring.Listener"}
	// ErrLoadBalancerIncorrectStatus: IncorrectStatus.LoadBalancer (400),
	// met in practice on listener changes when the load balancer is not
	// Active. Not retried.
	ErrLoadBalancerIncorrectStatus error = &alicloud.ErrorCode{Service: ServiceName, Code: "IncorrectStatus.LoadBalancer"}
	// ErrListenerNotFound: ResourceNotFound.Listener (404).
	ErrListenerNotFound error = &alicloud.ErrorCode{Service: ServiceName, Code: "ResourceNotFound.Listener"}
)

// codeDryRunOperation is the answer to a DryRun request whose precheck passed.
const codeDryRunOperation = "DryRunOperation"

// defaultCertificateError refuses the listener's default certificate among
// certificates to remove, found in the listing before anything was sent. It
// is a *alicloud.ValidationError (errors.As) that also matches
// ErrDefaultCertificateUsed (errors.Is).
type defaultCertificateError struct{ *alicloud.ValidationError }

func (e defaultCertificateError) Is(target error) bool { return target == ErrDefaultCertificateUsed }
func (e defaultCertificateError) Unwrap() error        { return e.ValidationError }

func errDefaultCertificate(field, listenerID, id string) error {
	return defaultCertificateError{&alicloud.ValidationError{Field: field,
		Reason: "\"" + id + "\" is the default certificate of listener " + listenerID + " and cannot be dissociated"}}
}
