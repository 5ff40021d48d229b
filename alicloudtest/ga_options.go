package alicloudtest

import "time"

// Default delays of the GA certificate changes (the DissociateAdditional...
// one is [DefaultGADissociateDelay]). The accelerator stays configuring for
// half the operation's delay longer unless [WithGAAcceleratorLag] says
// otherwise: 2 s listener updating, 3 s accelerator configuring.
const (
	// DefaultGAAssociateDelay is how long an
	// AssociateAdditionalCertificatesWithListener keeps the listener updating.
	DefaultGAAssociateDelay = 2 * time.Second
	// DefaultGAUpdateDelay is how long an
	// UpdateAdditionalCertificateWithListener keeps the listener updating.
	DefaultGAUpdateDelay = 2 * time.Second
)

// gaTiming is how long each GA certificate change holds the listener, and
// how much longer the accelerator.
type gaTiming struct {
	dissociate, associate, update time.Duration
	lag                           time.Duration
	lagSet                        bool
}

// gaTimingOptions are the GA options given to [New]; unset ones keep the
// defaults.
type gaTimingOptions struct {
	associate, update, lag          time.Duration
	associateSet, updateSet, lagSet bool
}

func (t *gaTiming) apply(o gaTimingOptions) {
	if o.associateSet {
		t.associate = o.associate
	}
	if o.updateSet {
		t.update = o.update
	}
	if o.lagSet {
		t.lag, t.lagSet = o.lag, true
	}
}

// lagAfter is how long the accelerator stays configuring after the listener
// of a change with this delay is active again: the configured lag, or by
// default half the delay (none for a zero or negative delay).
func (t gaTiming) lagAfter(delay time.Duration) time.Duration {
	switch {
	case t.lagSet:
		return t.lag
	case delay > 0:
		return delay / 2
	}
	return 0
}

// WithGAAssociateDelay sets how long a GA
// AssociateAdditionalCertificatesWithListener keeps the listener updating
// (and its accelerator configuring). Zero completes it before the response;
// a negative delay means it lasts until [GA.CompleteUpdates] or
// [GA.CompleteListenerUpdates] is called. Default [DefaultGAAssociateDelay].
func WithGAAssociateDelay(d time.Duration) Option {
	return func(o *options) { o.ga.associate, o.ga.associateSet = d, true }
}

// WithGAUpdateDelay sets how long a GA
// UpdateAdditionalCertificateWithListener keeps the listener updating (and
// its accelerator configuring), as [WithGAAssociateDelay] does. Default
// [DefaultGAUpdateDelay].
func WithGAUpdateDelay(d time.Duration) Option {
	return func(o *options) { o.ga.update, o.ga.updateSet = d, true }
}

// WithGAAcceleratorLag sets how long a GA accelerator stays configuring
// after the listener of a certificate change is active again; every change
// on any listener of that accelerator meanwhile answers
// StateError.Accelerator, as the service does. Zero frees the accelerator
// with the listener; a negative lag keeps it configuring until
// [GA.CompleteUpdates]. By default the lag is half the operation's delay
// (none when the delay is zero or negative).
func WithGAAcceleratorLag(d time.Duration) Option {
	return func(o *options) { o.ga.lag, o.ga.lagSet = d, true }
}
