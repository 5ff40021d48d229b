package waiter

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/ctxsleep"
)

func TestDelaysGrowWithJitterAndCap(t *testing.T) {
	var sleeps []time.Duration
	p := Poller{
		Sleep:  func(ctx context.Context, d time.Duration) error { sleeps = append(sleeps, d); return nil },
		Jitter: func(n int64) int64 { return n - 1 }, // the top of the jitter range
	}
	polls := 0
	err := p.Wait(context.Background(), "x", alicloud.WaiterOptions{MinDelay: 100 * time.Millisecond, MaxDelay: 400 * time.Millisecond},
		time.Hour, func(context.Context) (bool, string, error) {
			polls++
			return polls == 6, "y", nil
		})
	require.NoError(t, err)
	require.Len(t, sleeps, 6)
	assert.Equal(t, 100*time.Millisecond, sleeps[0], "the first delay is MinDelay")
	for i := 1; i < len(sleeps); i++ {
		assert.LessOrEqual(t, sleeps[i], 400*time.Millisecond*5/4, "capped (plus jitter)")
	}
	assert.Greater(t, sleeps[2], sleeps[1], "growing")
	assert.Greater(t, sleeps[4], 300*time.Millisecond, "reaches the cap")
}

func TestTimeoutWithinOnePollInterval(t *testing.T) {
	start := time.Now()
	err := Poller{}.Wait(context.Background(), "the thing", alicloud.WaiterOptions{MinDelay: 10 * time.Millisecond, MaxDelay: 20 * time.Millisecond},
		150*time.Millisecond, func(context.Context) (bool, string, error) { return false, "cert-1 (Dissociating)", nil })
	elapsed := time.Since(start)
	require.ErrorIs(t, err, alicloud.ErrWaitTimeout)
	assert.Contains(t, err.Error(), "cert-1 (Dissociating)")
	assert.Contains(t, err.Error(), "the thing")
	assert.GreaterOrEqual(t, elapsed, 150*time.Millisecond)
	assert.Less(t, elapsed, 150*time.Millisecond+time.Second, "returns about when maxWait passes")
}

func TestTimeoutCutsALongDelay(t *testing.T) {
	start := time.Now()
	err := Poller{}.Wait(context.Background(), "x", alicloud.WaiterOptions{MinDelay: time.Hour},
		50*time.Millisecond, func(context.Context) (bool, string, error) { return false, "", nil })
	require.ErrorIs(t, err, alicloud.ErrWaitTimeout)
	assert.Less(t, time.Since(start), 5*time.Second, "the delay never outlasts maxWait")
}

func TestCancelReturnsPromptly(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	polled := make(chan struct{}, 1)
	go func() {
		done <- Poller{}.Wait(ctx, "x", alicloud.WaiterOptions{MinDelay: time.Millisecond, MaxDelay: time.Hour}, time.Hour,
			func(context.Context) (bool, string, error) {
				select {
				case polled <- struct{}{}:
				default:
				}
				return false, "p", nil
			})
	}()
	<-polled
	cancel()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, context.Canceled)
		assert.NotErrorIs(t, err, alicloud.ErrWaitTimeout)
	case <-time.After(time.Second):
		t.Fatal("Wait did not return after cancel")
	}
}

func TestTerminalErrorEndsAtOnce(t *testing.T) {
	boom := errors.New("listener deleted")
	polls := 0
	err := Poller{Sleep: func(context.Context, time.Duration) error { return nil }}.Wait(context.Background(), "x",
		alicloud.WaiterOptions{}, time.Hour, func(context.Context) (bool, string, error) { polls++; return false, "", boom })
	assert.ErrorIs(t, err, boom)
	assert.Equal(t, 1, polls)
}

func TestInvalidMaxWait(t *testing.T) {
	err := Poller{}.Wait(context.Background(), "x", alicloud.WaiterOptions{}, 0, nil)
	assert.ErrorIs(t, err, alicloud.ErrInvalidParameter)
}

func TestOnPollReportsEveryPoll(t *testing.T) {
	var got []alicloud.WaitPoll
	p := Poller{
		Sleep:  func(ctx context.Context, d time.Duration) error { return nil },
		Jitter: func(n int64) int64 { return 0 },
	}
	polls := 0
	opts := alicloud.WaiterOptions{MinDelay: 100 * time.Millisecond, MaxDelay: 200 * time.Millisecond,
		OnPoll: func(wp alicloud.WaitPoll) { got = append(got, wp) }}
	err := p.Wait(context.Background(), "the thing", opts, time.Hour, func(context.Context) (bool, string, error) {
		polls++
		if polls == 3 {
			return true, "", nil
		}
		return false, "cert-1 (Associating)", nil
	})
	require.NoError(t, err)
	require.Len(t, got, 3)
	for i, wp := range got {
		assert.Equal(t, "the thing", wp.What)
		assert.Equal(t, i+1, wp.Poll)
		assert.NoError(t, wp.Err)
	}
	assert.Equal(t, "cert-1 (Associating)", got[0].Pending)
	assert.Equal(t, 150*time.Millisecond, got[0].NextPoll, "the delay grows by half")
	assert.Equal(t, 200*time.Millisecond, got[1].NextPoll, "capped at MaxDelay")
	assert.True(t, got[2].Done)
	assert.Zero(t, got[2].NextPoll)

	boom := errors.New("boom")
	got = nil
	err = p.Wait(context.Background(), "x", opts, time.Hour, func(context.Context) (bool, string, error) { return false, "", boom })
	require.ErrorIs(t, err, boom)
	require.Len(t, got, 1)
	assert.ErrorIs(t, got[0].Err, boom)
	assert.False(t, got[0].Done)
}

func TestAShortMaxWaitStillPolls(t *testing.T) {
	var sleeps []time.Duration
	p := Poller{Sleep: func(ctx context.Context, d time.Duration) error {
		sleeps = append(sleeps, d)
		return ctxsleep.Sleep(ctx, d)
	}}
	polls := 0
	err := p.Wait(context.Background(), "the thing", alicloud.WaiterOptions{MinDelay: time.Second}, 300*time.Millisecond,
		func(ctx context.Context) (bool, string, error) {
			polls++
			return false, "listener lsr-1 is updating", ctx.Err()
		})
	require.ErrorIs(t, err, alicloud.ErrWaitTimeout)
	assert.Equal(t, 150*time.Millisecond, sleeps[0], "the first poll comes after half of a maxWait shorter than MinDelay")
	assert.GreaterOrEqual(t, polls, 1)
	assert.Contains(t, err.Error(), "still pending: listener lsr-1 is updating")
}

func TestPendingTextFromTheServiceIsEscapedAndBounded(t *testing.T) {
	hostile := "cert-1 (Associating\x1b[2J\nINFO forged line)" + strings.Repeat("x", 5000)
	var polled []alicloud.WaitPoll
	err := Poller{}.Wait(context.Background(), "the thing",
		alicloud.WaiterOptions{MinDelay: time.Millisecond, MaxDelay: time.Millisecond, OnPoll: func(wp alicloud.WaitPoll) { polled = append(polled, wp) }},
		30*time.Millisecond, func(context.Context) (bool, string, error) { return false, hostile, nil })
	require.ErrorIs(t, err, alicloud.ErrWaitTimeout)
	for _, text := range []string{err.Error(), polled[0].Pending} {
		assert.NotContains(t, text, "\x1b")
		assert.NotContains(t, text, "\n")
		assert.Contains(t, text, `\x1b[2J\nINFO forged line`)
	}
	assert.Less(t, len(err.Error()), MaxPendingLen+300)
}

func TestFirstDelayThenFromMinDelay(t *testing.T) {
	var sleeps []time.Duration
	var next []time.Duration
	p := Poller{
		Sleep:  func(ctx context.Context, d time.Duration) error { sleeps = append(sleeps, d); return nil },
		Jitter: func(n int64) int64 { return n / 2 }, // the middle of the jitter range: no jitter
	}
	polls := 0
	opts := alicloud.WaiterOptions{FirstDelay: time.Second, MinDelay: 100 * time.Millisecond, MaxDelay: 200 * time.Millisecond,
		OnPoll: func(wp alicloud.WaitPoll) { next = append(next, wp.NextPoll) }}
	err := p.Wait(context.Background(), "x", opts, time.Hour, func(context.Context) (bool, string, error) {
		polls++
		return polls == 5, "y", nil
	})
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{time.Second, 100 * time.Millisecond, 150 * time.Millisecond, 200 * time.Millisecond, 200 * time.Millisecond},
		sleeps, "FirstDelay, then from MinDelay, growing by half, capped")
	assert.Equal(t, []time.Duration{100 * time.Millisecond, 150 * time.Millisecond, 200 * time.Millisecond, 200 * time.Millisecond, 0}, next,
		"OnPoll announces the delays that follow")

	// Without FirstDelay, the first delay is MinDelay and the next 1.5 × MinDelay, as ever.
	sleeps, polls = nil, 0
	opts.FirstDelay = 0
	require.NoError(t, p.Wait(context.Background(), "x", opts, time.Hour, func(context.Context) (bool, string, error) {
		polls++
		return polls == 3, "y", nil
	}))
	assert.Equal(t, []time.Duration{100 * time.Millisecond, 150 * time.Millisecond, 200 * time.Millisecond}, sleeps)

	// A FirstDelay below MinDelay is honoured too (a quick first look).
	sleeps, polls = nil, 0
	opts.FirstDelay = time.Millisecond
	require.NoError(t, p.Wait(context.Background(), "x", opts, time.Hour, func(context.Context) (bool, string, error) {
		polls++
		return polls == 3, "y", nil
	}))
	assert.Equal(t, []time.Duration{time.Millisecond, 100 * time.Millisecond, 150 * time.Millisecond}, sleeps)
}

func TestAShortMaxWaitStillPollsAfterAFirstDelay(t *testing.T) {
	var sleeps []time.Duration
	p := Poller{Sleep: func(ctx context.Context, d time.Duration) error {
		sleeps = append(sleeps, d)
		return ctxsleep.Sleep(ctx, d)
	}}
	polls := 0
	err := p.Wait(context.Background(), "the thing", alicloud.WaiterOptions{FirstDelay: time.Second, MinDelay: 10 * time.Millisecond},
		300*time.Millisecond, func(ctx context.Context) (bool, string, error) {
			polls++
			return false, "job j-1 Processing", ctx.Err()
		})
	require.ErrorIs(t, err, alicloud.ErrWaitTimeout)
	assert.Equal(t, 150*time.Millisecond, sleeps[0], "the first poll comes after half of a maxWait shorter than FirstDelay")
	assert.GreaterOrEqual(t, polls, 2, "then quick polls from MinDelay")
	assert.Contains(t, err.Error(), "still pending: job j-1 Processing")
}
