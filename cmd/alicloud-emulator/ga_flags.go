package main

import (
	"flag"
	"time"

	"github.com/listenercerts/alicloud/alicloudtest"
)

// gaFlags are the timing flags of the GA certificate changes beside
// -ga-delay (the dissociation's).
type gaFlags struct {
	associateDelay, updateDelay time.Duration
	lag                         lagFlag
}

// lagFlag is a duration whose default is "half of each operation's delay",
// which no single duration expresses.
type lagFlag struct {
	d   time.Duration
	set bool
}

func (l *lagFlag) String() string {
	if l == nil || !l.set {
		return "half of each operation's delay"
	}
	return l.d.String()
}

func (l *lagFlag) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	l.d, l.set = d, true
	return nil
}

func addGAFlags(fs *flag.FlagSet) *gaFlags {
	g := &gaFlags{}
	fs.DurationVar(&g.associateDelay, "ga-associate-delay", alicloudtest.DefaultGAAssociateDelay,
		"how long a GA association keeps the listener updating (negative: for ever)")
	fs.DurationVar(&g.updateDelay, "ga-update-delay", alicloudtest.DefaultGAUpdateDelay,
		"how long a GA certificate update keeps the listener updating (negative: for ever)")
	fs.Var(&g.lag, "ga-accelerator-lag",
		"extra `duration` a GA accelerator stays configuring after its listener is active again; changes meanwhile answer StateError.Accelerator (default: half the operation's delay; negative: for ever)")
	return g
}

func (g *gaFlags) options() []alicloudtest.Option {
	opts := []alicloudtest.Option{
		alicloudtest.WithGAAssociateDelay(g.associateDelay),
		alicloudtest.WithGAUpdateDelay(g.updateDelay),
	}
	if g.lag.set {
		opts = append(opts, alicloudtest.WithGAAcceleratorLag(g.lag.d))
	}
	return opts
}
