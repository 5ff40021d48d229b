package alb

import "github.com/listenercerts/alicloud"

// Sentinels for the documented error codes of
// DissociateAdditionalCertificatesFromListener, matched with errors.Is. Each
// also matches its category (alicloud.ErrConflict, alicloud.ErrNotFound).
var (
	// ErrListenerIncorrectStatus: IncorrectStatus.Listener (400), the
	// listener is not Running (e.g. Stopped or Provisioning).
	ErrListenerIncorrectStatus error = &alicloud.ErrorCode{Service: ServiceName, Code: "IncorrectStatus.Listener"}
	// ErrHTTPListenerNotSupported: OperationDenied.HttpListenerNotSupport
	// (400), HTTP listeners have no certificates; use an HTTPS or QUIC listener.
	ErrHTTPListenerNotSupported error = &alicloud.ErrorCode{Service: ServiceName, Code: "OperationDenied.HttpListenerNotSupport"}
	// ErrDefaultCertificateUsed: OperationDenied.DefaultCertificateUsed
	// (400), the certificate is the listener's default certificate.
	ErrDefaultCertificateUsed error = &alicloud.ErrorCode{Service: ServiceName, Code: "OperationDenied.DefaultCertificateUsed"}
	// ErrCertificateNotAssociated: ResourceNotAssociated.Certificate (400),
	// the certificate is not (or no longer) associated with the listener.
	ErrCertificateNotAssociated error = &alicloud.ErrorCode{Service: ServiceName, Code: "ResourceNotAssociated.Certificate"}
	// ErrListenerConfiguring: ResourceInConfiguring.Listener (400), another
	// change is in progress. Retried by default (see alicloud.RetryPolicy);
	// returned once MaxConflictWait has passed or with DisableConflictRetry.
	ErrListenerConfiguring error = &alicloud.ErrorCode{Service: ServiceName, Code: "ResourceInConfiguring.Listener"}
	// ErrListenerNotFound: ResourceNotFound.Listener (404).
	ErrListenerNotFound error = &alicloud.ErrorCode{Service: ServiceName, Code: "ResourceNotFound.Listener"}
)

// codeDryRunOperation is the answer to a DryRun request whose precheck passed.
const codeDryRunOperation = "DryRunOperation"
