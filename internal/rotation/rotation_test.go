package rotation

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenercerts/alicloud"
)

func TestList(t *testing.T) {
	assert.Equal(t, "none", List(nil))
	assert.Equal(t, "1 [a]", List([]string{"a"}))
	ten := strings.Fields("a b c d e f g h i j")
	assert.Equal(t, "10 [a b c d e f g h i j]", List(ten))
	assert.Equal(t, "12 [a b c d e f g h i j …]", List(append(ten, "k", "l")))
}

func TestErrorText(t *testing.T) {
	assert.Equal(t, `head; nothing was dissociated; re-run RotateCertificates with the same input (ClientToken "base") to resume`,
		ErrorText("head; ", false, "all served first", "base", true))
	assert.Equal(t, `head; all served first; re-run RotateCertificates with the same input (ClientToken "a\"b") to resume`,
		ErrorText("head; ", true, "all served first", `a"b`, true))
	assert.Equal(t, `head; nothing was dissociated; the cause does not pass on its own: a re-run with the same input would stop the same way until it is fixed (ClientToken "base")`,
		ErrorText("head; ", false, "all served first", "base", false))
}

type rotationError struct {
	token string
	sent  bool
	cause error
}

func (e *rotationError) Error() string      { return "rotation failed" }
func (e *rotationError) As(target any) bool { return As(target, e.token, e.sent, e) }
func (e *rotationError) Unwrap() error      { return e.cause }

func TestAsFindsTheBaseTokenFirst(t *testing.T) {
	e := &rotationError{token: "base", sent: true, cause: &alicloud.ClientTokenError{ClientToken: "call", Err: errors.New("x")}}
	assert.Equal(t, "base", alicloud.ClientTokenOf(e), "not the call token the cause carries")
	var ct *alicloud.ClientTokenError
	require.ErrorAs(t, e, &ct)
	assert.Same(t, e, ct.Err)
	var ve *alicloud.ValidationError
	assert.False(t, As(&ve, "base", true, e), "other targets are left to Unwrap")
	assert.Nil(t, ve)
}

func TestNoTokenBeforeAnyWrite(t *testing.T) {
	e := &rotationError{token: "base", cause: errors.New("the listing was refused")}
	assert.Empty(t, alicloud.ClientTokenOf(e), "nothing was sent")
}

func TestBaseToken(t *testing.T) {
	assert.Equal(t, "given", BaseToken("given"))
	a, b := BaseToken(""), BaseToken("")
	assert.NotEmpty(t, a)
	assert.NotEqual(t, a, b, "a fresh token each run")
}

func TestReportCompletesPassesOnAndLogs(t *testing.T) {
	var buf bytes.Buffer
	var got []alicloud.ProgressEvent
	r := &Reporter{Service: "ga", ListenerID: "lsr-1", ItemsKey: "domains",
		Attrs:    []slog.Attr{slog.String("accelerator", "ga-1")},
		Progress: func(ev alicloud.ProgressEvent) { got = append(got, ev) },
		Logger:   slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo})),
		Done:     1, Total: 3}
	ctx := context.Background()
	r.Report(ctx, alicloud.ProgressEvent{Step: alicloud.StepAssociate, Items: []string{"a.com"}, ClientToken: "tok"})
	r.Report(ctx, alicloud.ProgressEvent{Step: alicloud.StepWait, Poll: &alicloud.WaitPoll{Poll: 1, Pending: "x"}})
	r.Report(ctx, alicloud.ProgressEvent{Step: alicloud.StepWait, Err: errors.New("boom")})

	require.Len(t, got, 3, "every event reaches Progress, polls included")
	for _, ev := range got {
		assert.Equal(t, "ga", ev.Service)
		assert.Equal(t, Operation, ev.Operation)
		assert.Equal(t, "lsr-1", ev.ListenerID)
		assert.Equal(t, 1, ev.Done)
		assert.Equal(t, 3, ev.Total)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 2, "the poll is logged at Debug: %s", buf.String())
	assert.Contains(t, lines[0], `level=INFO msg="ga rotation associate" accelerator=ga-1 listener=lsr-1 step=associate done=1 total=3 domains=[a.com] client_token=tok`)
	assert.NotContains(t, lines[0], "job=")
	assert.Contains(t, lines[1], `level=WARN msg="ga rotation wait" accelerator=ga-1 listener=lsr-1 step=wait done=1 total=3 error=boom`)
}

func TestReportLogsJobAndPoll(t *testing.T) {
	var buf bytes.Buffer
	r := &Reporter{Service: "alb", ListenerID: "lsn-1", ItemsKey: "certificates",
		Logger: slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	ctx := context.Background()
	r.Report(ctx, alicloud.ProgressEvent{Step: alicloud.StepDissociate, Items: []string{"c1", "c2"}, JobID: "job-1", ClientToken: "tok"})
	r.Report(ctx, alicloud.ProgressEvent{Step: alicloud.StepWait, Poll: &alicloud.WaitPoll{Poll: 2, Pending: "c1 (Dissociating)"}})
	text := buf.String()
	assert.Contains(t, text, `level=INFO msg="alb rotation dissociate" listener=lsn-1 step=dissociate done=0 total=0 certificates="[c1 c2]" job=job-1 client_token=tok`)
	assert.Contains(t, text, `level=DEBUG msg="alb rotation wait" listener=lsn-1 step=wait done=0 total=0 poll=2 pending="c1 (Dissociating)"`)
}

func TestReportWithoutLoggerOrProgress(t *testing.T) {
	r := &Reporter{Service: "alb", ListenerID: "lsn-1"}
	r.Report(context.Background(), alicloud.ProgressEvent{Step: alicloud.StepDone, Err: errors.New("x")}) // no panic
}

func TestOnPollChainsAndReports(t *testing.T) {
	var events []alicloud.ProgressEvent
	var earlier []int
	r := &Reporter{Service: "alb", ListenerID: "lsn-1", Progress: func(ev alicloud.ProgressEvent) { events = append(events, ev) }}
	opts := alicloud.WaiterOptions{OnPoll: func(p alicloud.WaitPoll) { earlier = append(earlier, p.Poll) }}
	r.OnPoll(&opts)
	r.Done, r.Total = 2, 5
	opts.OnPoll(alicloud.WaitPoll{Poll: 1, Pending: "p"})
	opts.OnPoll(alicloud.WaitPoll{Poll: 2, Done: true})
	assert.Equal(t, []int{1, 2}, earlier, "an OnPoll set before still runs")
	require.Len(t, events, 2)
	assert.Equal(t, alicloud.StepWait, events[0].Step)
	assert.Equal(t, "p", events[0].Poll.Pending)
	assert.Equal(t, 2, events[1].Poll.Poll, "each event has its own poll")
	assert.Equal(t, 2, events[1].Done, "counts as they are at the poll")
	assert.Equal(t, 5, events[1].Total)

	var alone alicloud.WaiterOptions
	r.OnPoll(&alone)
	alone.OnPoll(alicloud.WaitPoll{Poll: 1})
	assert.Len(t, events, 3, "no earlier OnPoll")
}

func TestPlannedAndFinish(t *testing.T) {
	var events []alicloud.ProgressEvent
	r := &Reporter{Service: "alb", ListenerID: "lsn-1", Progress: func(ev alicloud.ProgressEvent) { events = append(events, ev) }}
	ctx := context.Background()
	r.Planned(ctx, 4, []string{"a", "b"})
	r.Done = 4
	assert.NoError(t, r.Finish(ctx, nil))
	boom := errors.New("boom")
	assert.Same(t, boom, r.Finish(ctx, boom), "Finish returns the outcome it reports")
	require.Len(t, events, 3)
	assert.Equal(t, alicloud.StepPlan, events[0].Step)
	assert.Equal(t, []string{"a", "b"}, events[0].Items)
	assert.Equal(t, 4, events[0].Total, "Planned sets Total before it reports")
	assert.Equal(t, 0, events[0].Done)
	assert.Equal(t, alicloud.ProgressEvent{Service: "alb", Operation: Operation, ListenerID: "lsn-1", Step: alicloud.StepDone,
		Done: 4, Total: 4}, events[1])
	assert.Equal(t, boom, events[2].Err)
}
