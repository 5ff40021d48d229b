package ga

import "github.com/listenercerts/alicloud"

// Sentinels for the error codes GA documents for
// DissociateAdditionalCertificatesFromListener, matched with errors.Is. Each
// also matches its category (alicloud.ErrNotFound, alicloud.ErrConflict, ...).
var (
	// ErrListenerNotFound: NotExist.Listener, no such listener on the accelerator.
	ErrListenerNotFound error = &alicloud.ErrorCode{Service: ServiceName, Code: "NotExist.Listener"}
	// ErrListenerNotActive: NotActive.Listener, the listener is not active
	// (e.g. still updating from an earlier change).
	ErrListenerNotActive error = &alicloud.ErrorCode{Service: ServiceName, Code: "NotActive.Listener"}
	// ErrAcceleratorNotFound: NotExist.Accelerator.
	ErrAcceleratorNotFound error = &alicloud.ErrorCode{Service: ServiceName, Code: "NotExist.Accelerator"}
	// ErrAcceleratorState: StateError.Accelerator, the accelerator is busy
	// with another change (GA refuses repeated changes within a short period).
	ErrAcceleratorState error = &alicloud.ErrorCode{Service: ServiceName, Code: "StateError.Accelerator"}
	// ErrCertificateNotFound: NotExist.Certificate, no additional certificate
	// for a given domain.
	ErrCertificateNotFound error = &alicloud.ErrorCode{Service: ServiceName, Code: "NotExist.Certificate"}
	// ErrThrottled: Throttling.User, the account's rate limit, after
	// retries. It matches that one code; alicloud.ErrThrottled matches every
	// throttling code (Throttling, Throttling.Api, ...).
	ErrThrottled error = &alicloud.ErrorCode{Service: ServiceName, Code: "Throttling.User"}
)
