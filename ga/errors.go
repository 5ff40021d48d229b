package ga

import "github.com/listenercerts/alicloud"

// Sentinels for the error codes of GA's certificate operations, matched
// with errors.Is. Each also matches its category (alicloud.ErrNotFound,
// alicloud.ErrConflict, ...) where the code has one.
var (
	// ErrListenerNotFound: NotExist.Listener, no such listener on the accelerator.
	ErrListenerNotFound error = &alicloud.ErrorCode{Service: ServiceName, Code: "NotExist.Listener"}
	// ErrListenerNotActive: NotActive.Listener, the listener is not active
	// (e.g. still updating from an earlier change). Retried by default.
	ErrListenerNotActive error = &alicloud.ErrorCode{Service: ServiceName, Code: "NotActive.Listener"}
	// ErrListenerState: StateError.Listener, the listener is busy (met by
	// Alibaba's Terraform provider; not in the API reference). Retried by default.
	ErrListenerState error = &alicloud.ErrorCode{Service: ServiceName, Code: "StateError.Listener"}
	// ErrAcceleratorNotFound: NotExist.Accelerator.
	ErrAcceleratorNotFound error = &alicloud.ErrorCode{Service: ServiceName, Code: "NotExist.Accelerator"}
	// ErrAcceleratorState: StateError.Accelerator, the accelerator is busy
	// with another change (GA refuses repeated changes within a short
	// period, and the accelerator can stay busy after the listener is
	// active again). Retried by default.
	ErrAcceleratorState error = &alicloud.ErrorCode{Service: ServiceName, Code: "StateError.Accelerator"}
	// ErrCertificateNotFound: NotExist.Certificate, no additional certificate
	// for a given domain (Dissociate, Update). Assumed: GA documents no code
	// for this case; the emulator answers this one. DissociateAndWait and
	// RotateCertificates list first and do not send such domains.
	ErrCertificateNotFound error = &alicloud.ErrorCode{Service: ServiceName, Code: "NotExist.Certificate"}
	// ErrCertificateExists: Exist.Certificate, Associate for a domain that
	// already has an additional certificate (use Update to replace it).
	// Assumed code: GA documents the rule (one certificate per domain), not
	// the code; the emulator answers this one.
	ErrCertificateExists error = &alicloud.ErrorCode{Service: ServiceName, Code: "Exist.Certificate"}
	// ErrCertificateQuotaExceeded: QuotaExceeded.Certificate, an Associate
	// would leave more than 25 additional certificates on the listener.
	// Assumed code (the limit is documented, the code is not).
	ErrCertificateQuotaExceeded error = &alicloud.ErrorCode{Service: ServiceName, Code: "QuotaExceeded.Certificate"}
	// ErrListenerProtocolIllegal: ProtocolIllegal.Listener, Associate or
	// Update on a listener that is not HTTPS. Assumed code.
	ErrListenerProtocolIllegal error = &alicloud.ErrorCode{Service: ServiceName, Code: "ProtocolIllegal.Listener"}
	// ErrUnknown: UnknownError (HTTP 500), documented for every GA
	// operation; retried as a server error, so returned after retries.
	ErrUnknown error = &alicloud.ErrorCode{Service: ServiceName, Code: "UnknownError"}
	// ErrThrottled: Throttling.User, the account's rate limit, after
	// retries. It matches that one code; alicloud.ErrThrottled matches every
	// throttling code (Throttling, Throttling.Api, ...).
	ErrThrottled error = &alicloud.ErrorCode{Service: ServiceName, Code: "Throttling.User"}
)

// codeDryRunOperation is the answer to a DryRun request whose precheck passed.
const codeDryRunOperation = "DryRunOperation"
