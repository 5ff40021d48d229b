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
// Every error an operation returns can be classified with errors.Is against
// the categories [ErrThrottled], [ErrNotFound], [ErrConflict],
// [ErrUnauthorized] and [ErrInvalidParameter], and inspected with errors.As
// as an [*APIError] (the service answered) or a [*ValidationError] (nothing
// was sent).
package alicloud

// Version is the version of this module, sent in the User-Agent header.
const Version = "0.1.0"
