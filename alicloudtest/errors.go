package alicloudtest

import (
	"fmt"
	"net/http"
)

// Error codes the emulator answers with, beside the operation-specific ones
// (CodeALB*, CodeGA*, CodeDryRunOperation). All are HTTP 400 unless noted.
const (
	CodeMissingParameter            = "MissingParameter"
	CodeInvalidParameter            = "InvalidParameter"
	CodeInvalidAction               = "InvalidAction.NotFound" // 404
	CodeInvalidVersion              = "InvalidVersion"         // 404
	CodeUnsupportedHTTPMethod       = "UnsupportedHTTPMethod"  // 405
	CodeIdempotentParameterMismatch = "IdempotentParameterMismatch"
	CodeThrottlingUser              = "Throttling.User"
	CodeInternalError               = "InternalError"      // 500
	CodeServiceUnavailable          = "ServiceUnavailable" // 503

	CodeIncompleteSignature        = "IncompleteSignature"
	CodeMissingAccessKeyID         = "MissingAccessKeyId"
	CodeAccessKeyNotFound          = "InvalidAccessKeyId.NotFound" // 404
	CodeAccessKeyInactive          = "InvalidAccessKeyId.Inactive"
	CodeSignatureDoesNotMatch      = "SignatureDoesNotMatch"
	CodeTimestampExpired           = "InvalidTimeStamp.Expired"
	CodeTimestampFormat            = "InvalidTimeStamp.Format"
	CodeSignatureNonceUsed         = "SignatureNonceUsed"
	CodeSecurityTokenExpired       = "InvalidSecurityToken.Expired"
	CodeSecurityTokenMismatch      = "InvalidSecurityToken.MismatchWithAccessKey"
	CodeSecurityTokenMalformed     = "InvalidSecurityToken.Malformed"
	CodeUnsupportedSignatureMethod = "UnsupportedSignatureMethod"
)

const (
	msgThrottled                       = "Request was denied due to user flow control."
	msgInternalError                   = "The request processing has failed due to some unknown error, exception or failure."
	msgServiceUnavailable              = "The request has failed due to a temporary failure of the server."
	msgSignatureNotMatchedServerString = "Specified signature is not matched with our calculation. server string to sign is:"
)

// apiError is an error answer: HTTP status, code and message.
type apiError struct {
	status  int
	code    string
	message string
	header  http.Header // extra response headers, e.g. rate-limit hints
}

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

func missingParameter(name string) *apiError {
	return errorf(http.StatusBadRequest, CodeMissingParameter,
		"The input parameter %q that is mandatory for processing this request is not supplied.", name)
}

func invalidParameter(name, format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, CodeInvalidParameter,
		"The specified parameter %q is not valid: %s", name, fmt.Sprintf(format, args...))
}

func throttled() *apiError {
	return errorf(http.StatusBadRequest, CodeThrottlingUser, msgThrottled)
}

func internalError() *apiError {
	return errorf(http.StatusInternalServerError, CodeInternalError, msgInternalError)
}
