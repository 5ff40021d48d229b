package waiter

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenercerts/alicloud"
)

type ctxKey string

// waitRecorder records a wait and its polls, and marks the contexts it
// returns so the test can see which one a poll's check got.
type waitRecorder struct {
	alicloud.NopObserver
	wait    alicloud.WaitInfo
	waitErr error
	ended   int
	polls   []alicloud.WaitPoll
	started []int
}

func (r *waitRecorder) StartWait(ctx context.Context, w alicloud.WaitInfo) (context.Context, func(error)) {
	r.wait = w
	return context.WithValue(ctx, ctxKey("span"), "wait"), func(err error) { r.waitErr = err; r.ended++ }
}

func (r *waitRecorder) StartPoll(ctx context.Context, n int) (context.Context, func(alicloud.WaitPoll)) {
	r.started = append(r.started, n)
	parent, _ := ctx.Value(ctxKey("span")).(string)
	return context.WithValue(ctx, ctxKey("span"), parent+"/poll"), func(p alicloud.WaitPoll) { r.polls = append(r.polls, p) }
}

func instant(context.Context, time.Duration) error { return nil }

func TestObserverSeesWaitAndPolls(t *testing.T) {
	rec := &waitRecorder{}
	p := Poller{Observer: rec, Service: "svc", Name: "ThingDone", Sleep: instant}
	var seen []string
	n := 0
	err := p.Wait(context.Background(), "the thing", alicloud.WaiterOptions{}, time.Hour, func(ctx context.Context) (bool, string, error) {
		span, _ := ctx.Value(ctxKey("span")).(string)
		seen = append(seen, span)
		n++
		return n == 3, "pending", nil
	})
	require.NoError(t, err)
	assert.Equal(t, alicloud.WaitInfo{Service: "svc", Waiter: "ThingDone", What: "the thing", MaxWait: time.Hour}, rec.wait)
	assert.Equal(t, []string{"wait/poll", "wait/poll", "wait/poll"}, seen, "each check runs in its poll's context, under the wait's")
	assert.Equal(t, []int{1, 2, 3}, rec.started)
	require.Len(t, rec.polls, 3)
	assert.False(t, rec.polls[0].Done)
	assert.Equal(t, "pending", rec.polls[0].Pending)
	assert.True(t, rec.polls[2].Done)
	assert.Equal(t, 1, rec.ended)
	assert.NoError(t, rec.waitErr)
}

func TestObserverSeesWaitError(t *testing.T) {
	rec := &waitRecorder{}
	boom := errors.New("boom")
	err := Poller{Observer: rec, Sleep: instant}.Wait(context.Background(), "x", alicloud.WaiterOptions{}, time.Hour,
		func(context.Context) (bool, string, error) { return false, "", boom })
	require.ErrorIs(t, err, boom)
	require.Len(t, rec.polls, 1)
	assert.ErrorIs(t, rec.polls[0].Err, boom)
	assert.ErrorIs(t, rec.waitErr, boom)
	assert.Equal(t, 1, rec.ended)
}
