package alicloudtest

import "time"

// Production timing: how long certificate changes take on the real services,
// as Alibaba's Terraform provider and certificate-deployment tools in the
// field meet them. These are estimates, not documented figures.
const (
	// ProductionALBJobDelay is a typical ALB certificate job (about 5–10 s).
	ProductionALBJobDelay = 7 * time.Second
	// ProductionGAChangeDelay is a typical GA certificate change: the
	// listener is updating for longer than an ALB job takes.
	ProductionGAChangeDelay = 15 * time.Second
	// ProductionGAAcceleratorLag is how much longer the accelerator stays
	// configuring after the listener is active again.
	ProductionGAAcceleratorLag = 10 * time.Second
)

// WithProductionTiming makes certificate changes take about as long as on
// the real services: every ALB job [ProductionALBJobDelay], every GA change
// [ProductionGAChangeDelay] with the accelerator configuring
// [ProductionGAAcceleratorLag] longer. Use it to check that automation's
// timeouts and progress reporting suit production; the defaults (a couple of
// seconds) keep tests quick. Options given after it override its delays.
func WithProductionTiming() Option {
	return func(o *options) {
		o.albDelay, o.albAssociateDelay = ProductionALBJobDelay, ProductionALBJobDelay
		o.gaDelay = ProductionGAChangeDelay
		o.ga.associate, o.ga.associateSet = ProductionGAChangeDelay, true
		o.ga.update, o.ga.updateSet = ProductionGAChangeDelay, true
		o.ga.lag, o.ga.lagSet = ProductionGAAcceleratorLag, true
	}
}

// Timing is how long each kind of certificate change takes on an emulator
// (a negative delay: until completed by hand).
type Timing struct {
	ALBAssociate, ALBDissociate         time.Duration
	GAAssociate, GAUpdate, GADissociate time.Duration
	GAAcceleratorLag                    time.Duration // after a GA change of the longest delay
}

// Timing returns the delays the emulator applies.
func (e *Emulator) Timing() Timing {
	g := e.GA.timing
	longest := max(g.associate, g.update, g.dissociate)
	return Timing{
		ALBAssociate: e.ALB.associate.delay, ALBDissociate: e.ALB.dissociate.delay,
		GAAssociate: g.associate, GAUpdate: g.update, GADissociate: g.dissociate,
		GAAcceleratorLag: g.lagAfter(longest),
	}
}
