// Package alicloud holds what the service clients of this module share:
// configuration, credentials, retry and rate-limit policy, and errors.
//
// The service operations live in the subpackages:
//
//   - [github.com/listenercerts/alicloud/alb]: Application Load Balancer (API 2020-06-16)
//   - [github.com/listenercerts/alicloud/ga]: Global Accelerator (API 2019-11-20)
//
// and [github.com/listenercerts/alicloud/alicloudtest] is a local, stateful
// emulator of both APIs for tests.
//
// A typical program builds one [Config] and one client per service, and
// shares them between goroutines:
//
//	cfg, err := alicloud.LoadDefaultConfig(ctx, "cn-hangzhou")
//	if err != nil { ... }
//	lb, err := alb.New(cfg)
//
// Every error the service sends can be classified with errors.Is against
// the categories [ErrThrottled], [ErrNotFound], [ErrConflict],
// [ErrUnauthorized] and [ErrInvalidParameter], and inspected with errors.As
// as an [*APIError]; input refused before sending is a [*ValidationError]
// (a nil context included). The other errors are the context's, a network
// error after the last retry, or a decode error (a 2xx answer without its
// RequestId or JobId). Error text never holds a secret, a security token or
// a signature, has its control characters escaped, and is bounded.
package alicloud

// Version is the version of this module, sent in the User-Agent header.
const Version = "0.1.0"
