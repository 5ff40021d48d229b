package alicloud

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/listenercerts/alicloud/internal/safetext"
)

// Error categories, matched with errors.Is on any error the SDK returns.
// Each service error code belongs to at most one category (see [CategoryOf]).
var (
	// ErrThrottled: the service's rate limit (Throttling, Throttling.User,
	// Throttling.Api, Rejected.Throttling, ...), after retries were exhausted.
	ErrThrottled = errors.New("alicloud: request throttled")
	// ErrNotFound: the resource does not exist (ResourceNotFound.*, NotExist.*).
	ErrNotFound = errors.New("alicloud: resource not found")
	// ErrConflict: the resource is busy or in the wrong state for the
	// operation (IncorrectStatus.*, ResourceInConfiguring.*, StateError.*,
	// NotActive.*, OperationDenied.*, ResourceNotAssociated.*, ResourceAlreadyAssociated.*,
	// IdempotenceProcessing, SystemBusy).
	ErrConflict = errors.New("alicloud: resource busy or in the wrong state")
	// ErrUnauthorized: signature, AccessKey, STS token or RAM permission errors.
	ErrUnauthorized = errors.New("alicloud: request not authorized")
	// ErrInvalidParameter: the request was rejected as malformed, by the
	// client before sending ([*ValidationError]) or by the service.
	ErrInvalidParameter = errors.New("alicloud: invalid parameter")
)

// CategoryOf returns the category error of a service error code, or nil when
// the code belongs to none (e.g. InternalError).
func CategoryOf(code string) error {
	switch {
	case code == "":
		return nil
	case hasAnyPrefix(code, "InvalidAccessKeyId", "InvalidAccessKeySecret", "InvalidSecurityToken",
		"SignatureDoesNotMatch", "IncompleteSignature", "SignatureNonceUsed", "InvalidTimeStamp",
		"Forbidden", "NoPermission", "MissingAccessKeyId", "MissingSecurityToken", "UnsupportedSignature"):
		return ErrUnauthorized
	case hasAnyPrefix(code, "Throttling", "Rejected.Throttling"):
		return ErrThrottled
	case hasAnyPrefix(code, "ResourceNotFound", "NotExist.", "ResourceNotExist"):
		return ErrNotFound
	case hasAnyPrefix(code, "IncorrectStatus", "ResourceInConfiguring", "StateError", "NotActive",
		"OperationDenied", "ResourceNotAssociated", "ResourceAlreadyAssociated", "Conflict", "IdempotenceProcessing", "SystemBusy"):
		return ErrConflict
	case hasAnyPrefix(code, "InvalidParameter", "MissingParameter", "Missing", "Invalid", "IllegalParam",
		"IdempotentParameterMismatch", "IdempotenceParamNotMatch"):
		return ErrInvalidParameter
	}
	return nil
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// APIError is an error answer of the service, returned once retries are
// exhausted or when the code is not retried. It keeps every field the
// service sent. Match it with errors.As; errors.Is matches its category
// (ErrNotFound, ...) and the per-code sentinels of the service packages
// (alb.ErrListenerNotFound, ...).
type APIError struct {
	Service    string // "alb" or "ga"
	Operation  string // e.g. "DissociateAdditionalCertificatesFromListener"
	HTTPStatus int
	Code       string // e.g. "ResourceNotFound.Listener"
	Message    string
	RequestID  string
	HostID     string
	Recommend  string // the service's diagnosis URL, when given
	Attempts   int    // how many attempts were made
	// AccessDeniedDetail is the service's explanation of a RAM denial
	// (Forbidden.RAM, NoPermission), when given.
	AccessDeniedDetail string
}

// Limits of what [APIError.Error] prints of the fields the service sent.
// The fields themselves are kept whole.
const (
	maxErrorText     = 1536 // the whole message: wrappers around it stay under 2 KiB
	maxErrorMessage  = 1024
	maxErrorCodeText = 128 // Code, RequestID
)

// Error formats the service, operation, code, message, HTTP status, request
// id and attempts on one line. Text the service sent is printed with its
// control characters escaped (\n, \x1b, ...), so that it cannot forge log
// lines, and cut short when long: the message is at most 1536 bytes. The
// fields themselves keep every byte the service sent.
func (e *APIError) Error() string {
	b := make([]byte, 0, 128+len(e.Message))
	b = safetext.Append(b, e.Service, maxErrorCodeText)
	b = append(b, ' ')
	b = safetext.Append(b, e.Operation, maxErrorCodeText)
	b = append(b, ": "...)
	if e.Code != "" {
		b = safetext.Append(b, e.Code, maxErrorCodeText)
	} else {
		b = append(b, "error"...)
	}
	if e.Message != "" {
		b = append(b, ": "...)
		b = safetext.Append(b, e.Message, maxErrorMessage)
	}
	b = append(b, " (HTTP "...)
	b = strconv.AppendInt(b, int64(e.HTTPStatus), 10)
	if e.RequestID != "" {
		b = append(b, ", RequestId "...)
		b = safetext.Append(b, e.RequestID, maxErrorCodeText)
	}
	if e.Attempts > 1 {
		b = append(b, ", after "...)
		b = strconv.AppendInt(b, int64(e.Attempts), 10)
		b = append(b, " attempts"...)
	}
	b = append(b, ')')
	if len(b) > maxErrorText { // only with absurdly long Service or Operation values
		return safetext.String(string(b), maxErrorText)
	}
	return string(b)
}

// Is reports whether target is the category of e's code, or an [*ErrorCode]
// sentinel of the same code (and service, when the sentinel names one). An
// answer with HTTP status 429 whose code belongs to no category (an empty
// or non-JSON body, say) is [ErrThrottled].
func (e *APIError) Is(target error) bool {
	if t, ok := target.(*ErrorCode); ok {
		return t.Code == e.Code && (t.Service == "" || t.Service == e.Service)
	}
	c := CategoryOf(e.Code)
	if c == nil && e.HTTPStatus == http.StatusTooManyRequests {
		c = ErrThrottled
	}
	return c != nil && c == target
}

// ErrorCode is a sentinel error standing for one service error code. The
// service packages declare one per documented code (alb.ErrListenerNotFound
// is &ErrorCode{"alb", "ResourceNotFound.Listener"}); errors.Is(err, sentinel)
// holds for any [*APIError] with that code. A sentinel also matches its
// category: errors.Is(alb.ErrListenerNotFound, ErrNotFound) is true.
type ErrorCode struct {
	Service string // "" matches every service
	Code    string
}

// Error returns the service and code.
func (e *ErrorCode) Error() string {
	if e.Service == "" {
		return "alicloud: error code " + e.Code
	}
	return e.Service + ": error code " + e.Code
}

// Is reports whether target is the category of the code.
func (e *ErrorCode) Is(target error) bool {
	c := CategoryOf(e.Code)
	return c != nil && c == target
}

// ValidationError reports input rejected on the client side; nothing was
// sent. It matches [ErrInvalidParameter].
type ValidationError struct {
	Field  string // e.g. "CertificateIDs[2]" or "Config.Region"
	Reason string // e.g. "must not be empty"
}

// Error formats the field and the reason, control characters escaped and
// at most 1536 bytes long.
func (e *ValidationError) Error() string {
	return safetext.String("alicloud: invalid "+e.Field+": "+e.Reason, maxErrorText)
}

// Is reports whether target is ErrInvalidParameter.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalidParameter }

// ClientTokenError wraps the error of an idempotent call (ALB or GA
// Dissociate, ...) with the ClientToken every attempt carried, once a
// request was sent: from then on the service may have acted. When the
// outcome is unknown (a timeout, a cancelled context, a dropped
// connection), calling again with this token is safe: the service acts at
// most once per token and answers a repeat with the first result. An error
// raised before anything was sent (a *ValidationError, credentials that
// could not be had, a context done before the first attempt) carries no
// token. Its Error is that of Err; errors.Is and errors.As see through it.
type ClientTokenError struct {
	ClientToken string
	Err         error
}

// Error returns Err's message.
func (e *ClientTokenError) Error() string { return e.Err.Error() }

// Unwrap returns Err.
func (e *ClientTokenError) Unwrap() error { return e.Err }

// ClientTokenOf returns the ClientToken of the idempotent call err came
// from, or "" when err carries none: a read operation, or a call that sent
// nothing (a *ValidationError, missing credentials, a context done before
// the first attempt), which there is nothing to resume of.
func ClientTokenOf(err error) string {
	var e *ClientTokenError
	if errors.As(err, &e) {
		return e.ClientToken
	}
	return ""
}
