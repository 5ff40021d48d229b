// Package rotation holds what RotateCertificates of alb and ga share: the
// progress of each step (a ProgressEvent to the caller's callback and a
// slog record), the wording of a RotationError and the lookup of its base
// ClientToken. Planning, calls and waits stay in each service's package:
// ALB changes are jobs on a listener, GA's run under an accelerator lock.
package rotation

import (
	"context"
	"log/slog"
	"strconv"
	"strings"

	"github.com/listenercerts/alicloud"
)

// Operation is the Operation of every rotation's progress events.
const Operation = "RotateCertificates"

// Reporter completes, passes on and logs the progress events of one
// rotation. It is used from the goroutine running the rotation.
type Reporter struct {
	Service    string                // "alb" or "ga": the events' Service, the log messages' prefix
	ListenerID string                // the events' ListenerID
	Progress   alicloud.ProgressFunc // nil: no callback
	Logger     *slog.Logger          // nil: silent
	// Attrs lead every log record, before the listener (ga: the accelerator).
	Attrs []slog.Attr
	// ItemsKey is the log key of an event's Items ("certificates", "domains").
	ItemsKey string
	// Done counts the write calls finished (accepted and waited for), Total
	// those planned; the rotation keeps them up to date.
	Done, Total int
}

// BaseToken returns the rotation's base ClientToken: token, or a fresh one
// when token is empty.
func BaseToken(token string) string {
	if token == "" {
		return alicloud.NewClientToken()
	}
	return token
}

// Report completes ev (Service, Operation, ListenerID, Done, Total), passes
// it to Progress and logs it: at Warn when it carries an error, at Debug for
// a poll (StepWait), at Info otherwise.
func (r *Reporter) Report(ctx context.Context, ev alicloud.ProgressEvent) {
	ev.Service, ev.Operation, ev.ListenerID = r.Service, Operation, r.ListenerID
	ev.Done, ev.Total = r.Done, r.Total
	if r.Progress != nil {
		r.Progress(ev)
	}
	level := slog.LevelInfo
	switch {
	case ev.Err != nil:
		level = slog.LevelWarn
	case ev.Step == alicloud.StepWait:
		level = slog.LevelDebug
	}
	if r.Logger == nil || !r.Logger.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, len(r.Attrs)+10)
	attrs = append(attrs, r.Attrs...)
	attrs = append(attrs, slog.String("listener", ev.ListenerID), slog.String("step", ev.Step),
		slog.Int("done", ev.Done), slog.Int("total", ev.Total))
	if len(ev.Items) > 0 {
		attrs = append(attrs, slog.Any(r.ItemsKey, ev.Items))
	}
	if ev.JobID != "" {
		attrs = append(attrs, slog.String("job", ev.JobID))
	}
	if ev.ClientToken != "" {
		attrs = append(attrs, slog.String("client_token", ev.ClientToken))
	}
	if ev.Poll != nil {
		attrs = append(attrs, slog.Int("poll", ev.Poll.Poll), slog.String("pending", ev.Poll.Pending))
	}
	if ev.Err != nil {
		attrs = append(attrs, slog.String("error", ev.Err.Error()))
	}
	r.Logger.LogAttrs(ctx, level, r.Service+" rotation "+ev.Step, attrs...)
}

// Planned sets Total to the number of write calls planned and reports
// StepPlan with the items the plan changes.
func (r *Reporter) Planned(ctx context.Context, total int, items []string) {
	r.Total = total
	r.Report(ctx, alicloud.ProgressEvent{Step: alicloud.StepPlan, Items: items})
}

// Finish reports StepDone with err, the rotation's outcome (nil when it
// succeeded), and returns err.
func (r *Reporter) Finish(ctx context.Context, err error) error {
	r.Report(ctx, alicloud.ProgressEvent{Step: alicloud.StepDone, Err: err})
	return err
}

// OnPoll is a waiter option that reports every poll of the rotation's
// waits as a StepWait event, after any OnPoll set before it.
func (r *Reporter) OnPoll(o *alicloud.WaiterOptions) {
	prev := o.OnPoll
	o.OnPoll = func(p alicloud.WaitPoll) {
		if prev != nil {
			prev(p)
		}
		r.Report(context.Background(), alicloud.ProgressEvent{Step: alicloud.StepWait, Poll: &p})
	}
}

// List formats a list of ids or domains for an error message: "none", or
// how many and at most 10 of them.
func List(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	if len(list) > 10 {
		return strconv.Itoa(len(list)) + " [" + strings.Join(list[:10], " ") + " …]"
	}
	return strconv.Itoa(len(list)) + " [" + strings.Join(list, " ") + "]"
}

// ErrorText is the message of a RotationError: head (where the rotation
// stopped, why, what is done and what is not, ending in "; "), then
// whether anything was dissociated (when something was, ordered says what
// held before the first dissociation), then, when resumable (the cause can
// pass: a wait, a cancel, a busy or transient answer), how to resume with
// the base token, and otherwise that the cause must be fixed first.
func ErrorText(head string, dissociated bool, ordered, baseToken string, resumable bool) string {
	var b strings.Builder
	b.WriteString(head)
	if dissociated {
		b.WriteString(ordered)
		b.WriteString("; ")
	} else {
		b.WriteString("nothing was dissociated; ")
	}
	if !resumable {
		b.WriteString("the cause does not pass on its own: a re-run with the same input would stop the same way until it is fixed (ClientToken ")
		b.WriteString(strconv.Quote(baseToken))
		b.WriteString(")")
		return b.String()
	}
	b.WriteString("re-run RotateCertificates with the same input (ClientToken ")
	b.WriteString(strconv.Quote(baseToken))
	b.WriteString(") to resume")
	return b.String()
}

// As is the As method of a RotationError err whose base token is
// baseToken: it makes alicloud.ClientTokenOf (errors.As with a
// **alicloud.ClientTokenError) find the base token first, once a write was
// sent; before that, no token (nothing was sent, as for every call).
func As(target any, baseToken string, sent bool, err error) bool {
	if t, ok := target.(**alicloud.ClientTokenError); ok && sent {
		*t = &alicloud.ClientTokenError{ClientToken: baseToken, Err: err}
		return true
	}
	return false
}
