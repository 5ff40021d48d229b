package alicloudtest

import (
	"time"

	"github.com/listenercerts/alicloud"
)

// Waiter delays of [FastWaiters].
const (
	FastWaiterMinDelay = 10 * time.Millisecond
	FastWaiterMaxDelay = 50 * time.Millisecond
)

// FastWaiters is a waiter option for tests against the emulator: the first
// poll after 10 ms and later ones at most 50 ms apart, instead of 1 s and
// 10 s. Pass it to any waiter or ...AndWait call:
//
//	client.DissociateAndWait(ctx, in, time.Minute, alicloudtest.FastWaiters)
//	alb.NewCertificatesDissociatedWaiter(client, alicloudtest.FastWaiters)
//
// A change the emulator has already finished is then seen in about 10 ms
// rather than a second. Against the real services keep the defaults: fast
// polls only spend the read quota.
func FastWaiters(o *alicloud.WaiterOptions) {
	o.MinDelay, o.MaxDelay = FastWaiterMinDelay, FastWaiterMaxDelay
}
