package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/listenercerts/alicloud"
)

// progress writes everything that goes to stderr. On a terminal it keeps
// one progress line (what is pending, elapsed, next poll) redrawn every
// second and cleared before anything else is written; elsewhere each poll
// is a plain log line.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	tty   bool
	width int  // of the terminal, in columns; 0 means defaultWidth
	open  bool // a progress line is on the terminal

	last   alicloud.WaitPoll // the latest poll, redrawn by the ticker
	lastAt time.Time
	prefix string // the step of a rotation, e.g. "associate c1"
	ticker *time.Ticker
	stop   chan struct{}
	done   chan struct{}
}

func newProgress(w io.Writer, tty bool) *progress { return &progress{w: w, tty: tty} }

// Write clears the progress line, then writes p (log records, messages).
func (p *progress) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clearLocked()
	return p.w.Write(b)
}

func (p *progress) clearLocked() {
	if p.open {
		io.WriteString(p.w, "\r\x1b[K")
		p.open = false
	}
}

// note writes one line of information.
func (p *progress) note(format string, args ...any) {
	fmt.Fprintf(p, "listenercerts: "+format+"\n", args...)
}

// poll receives a waiter's poll (alicloud.WaiterOptions.OnPoll).
func (p *progress) poll(wp alicloud.WaitPoll) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if wp.Err != nil {
		// The error that ends the wait is reported once, by the caller.
		p.clearLocked()
		return
	}
	p.last, p.lastAt = wp, time.Now()
	if !p.tty {
		fmt.Fprintf(p.w, "listenercerts: %s%s\n", p.prefix, pollLine(wp, 0))
		return
	}
	p.drawLocked()
	if wp.Done {
		io.WriteString(p.w, "\n")
		p.open = false
		return
	}
	if p.ticker == nil {
		p.ticker, p.stop, p.done = time.NewTicker(time.Second), make(chan struct{}), make(chan struct{})
		go p.redraw(p.ticker, p.stop, p.done)
	}
}

func (p *progress) drawLocked() {
	p.clearLocked()
	width := p.width
	if width <= 0 {
		width = defaultWidth
	}
	io.WriteString(p.w, fitLine(p.prefix, p.last, time.Since(p.lastAt), width))
	p.open = true
}

// defaultWidth is the terminal width assumed when $COLUMNS does not say.
const defaultWidth = 80

// terminalWidth is $COLUMNS when it is a positive number, else defaultWidth
// (no dependency to ask the terminal itself).
func terminalWidth(getenv func(string) string) int {
	if n, err := strconv.Atoi(strings.TrimSpace(getenv("COLUMNS"))); err == nil && n > 0 {
		return n
	}
	return defaultWidth
}

// fitLine is the progress line cut to fit a terminal of width columns:
// "\r\x1b[K" clears only the cursor's row, so a line that wrapped would
// leave its first rows behind at every redraw. It shortens wp.What first
// (the long, constant part), then cuts the end. One column stays free, so
// that the cursor never wraps.
func fitLine(prefix string, wp alicloud.WaitPoll, since time.Duration, width int) string {
	limit := max(width-1, 1)
	line := prefix + pollLine(wp, since)
	over := utf8.RuneCountInString(line) - limit
	if over <= 0 {
		return line
	}
	what := []rune(wp.What)
	keep := max(len(what)-over-1, 0) // -1: the ellipsis
	wp.What = string(what[:keep]) + "…"
	return cutRunes(prefix+pollLine(wp, since), limit)
}

// cutRunes cuts s to n runes, the last one an ellipsis when cut.
func cutRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// redraw keeps the elapsed time and the countdown to the next poll moving.
func (p *progress) redraw(t *time.Ticker, stop, done chan struct{}) {
	defer close(done)
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			p.mu.Lock()
			if p.open {
				p.drawLocked()
			}
			p.mu.Unlock()
		}
	}
}

// event receives the progress of a rotation (alicloud.ProgressFunc).
func (p *progress) event(ev alicloud.ProgressEvent) {
	if ev.Step == alicloud.StepWait && ev.Poll != nil {
		p.mu.Lock()
		p.prefix = ""
		if len(ev.Items) > 0 {
			p.prefix = strings.Join(ev.Items, ", ") + ": "
		}
		p.mu.Unlock()
		p.poll(*ev.Poll)
		return
	}
	if line := eventLine(ev); line != "" {
		p.note("%s", line)
	}
}

// finish stops the redrawing and ends the progress line.
func (p *progress) finish() {
	p.mu.Lock()
	t, stop, done := p.ticker, p.stop, p.done
	p.ticker = nil
	if p.open {
		io.WriteString(p.w, "\n")
		p.open = false
	}
	p.mu.Unlock()
	if t != nil {
		t.Stop()
		close(stop)
		<-done
	}
}

// pollLine describes a poll; since is the time since it was made (the
// terminal line is redrawn between polls).
func pollLine(wp alicloud.WaitPoll, since time.Duration) string {
	elapsed := (wp.Elapsed + since).Round(100 * time.Millisecond)
	if wp.Done {
		return fmt.Sprintf("done: %s, after %s (%d polls)", clean(wp.What), elapsed, wp.Poll)
	}
	pending := wp.Pending
	if pending == "" {
		pending = "pending"
	}
	next := (wp.NextPoll - since).Round(100 * time.Millisecond)
	if next < 0 {
		next = 0
	}
	return fmt.Sprintf("waiting for %s: %s; %s elapsed, next poll in %s", clean(wp.What), clean(pending), elapsed, next)
}

// eventLine describes a step of a rotation, "" for steps not worth a line.
func eventLine(ev alicloud.ProgressEvent) string {
	items := strings.Join(ev.Items, ", ")
	switch ev.Step {
	case alicloud.StepPlan:
		return fmt.Sprintf("plan for %s: %d write call(s)", ev.ListenerID, ev.Total)
	case alicloud.StepAssociate, alicloud.StepUpdate, alicloud.StepDissociate:
		if ev.Err != nil {
			return fmt.Sprintf("%s %s failed: %s", ev.Step, items, clean(ev.Err.Error()))
		}
		// ev.Done counts the calls finished before this one.
		s := fmt.Sprintf("%s %s accepted (call %d of %d, client token %s", ev.Step, items, ev.Done+1, ev.Total, clean(ev.ClientToken))
		if ev.JobID != "" {
			s += ", job " + clean(ev.JobID)
		}
		return s + ")"
	}
	return ""
}
