package alicloud

import "time"

// WaitPoll describes one poll of a waiter, for progress displays: it is
// passed to [WaiterOptions.OnPoll] after every poll.
type WaitPoll struct {
	What     string        // what is waited for, e.g. "listener lsr-1 to be active"
	Poll     int           // 1 for the first poll
	Done     bool          // the wait is over
	Pending  string        // what is still pending after this poll; "" when Done
	Err      error         // the poll's error, which ends the wait; nil otherwise
	Elapsed  time.Duration // since the wait began
	NextPoll time.Duration // the delay before the next poll; 0 when the wait ends
}

// Steps of a multi-step operation such as RotateCertificates, as reported in
// [ProgressEvent.Step].
const (
	StepPlan       = "plan"       // the current state was read and the plan made
	StepAssociate  = "associate"  // an Associate call was accepted
	StepUpdate     = "update"     // an Update call (ga) was accepted
	StepDissociate = "dissociate" // a Dissociate call was accepted
	StepWait       = "wait"       // a poll while waiting for a change to take effect
	StepDone       = "done"       // the operation ended; Err says how
)

// ProgressEvent reports the progress of a multi-step operation (RotateCertificates
// of alb and ga) to a ProgressFunc. Events come from the goroutine running
// the operation, in order.
type ProgressEvent struct {
	Service     string   // "alb" or "ga"
	Operation   string   // e.g. "RotateCertificates"
	ListenerID  string   //
	Step        string   // StepPlan, StepAssociate, ...
	Items       []string // the certificate ids (alb) or domains (ga) the step acts on
	JobID       string   // alb: the job the step started
	ClientToken string   // the token of the step's write call
	Done, Total int      // write calls finished so far, and planned in all
	Poll        *WaitPoll
	Err         error // set on a failed step, and on StepDone when the operation failed
}

// ProgressFunc receives progress events. It must be quick: the operation
// waits for it.
type ProgressFunc func(ProgressEvent)
