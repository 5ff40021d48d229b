package alicloudtest

import (
	"fmt"
	"maps"
	"slices"
	"time"
)

// GA states.
const (
	GAStateActive      = "active"
	GAStateConfiguring = "configuring"
	GAStateUpdating    = "updating"
	GAStateInit        = "init"
	GAStateDeleting    = "deleting"
	GAStateBinding     = "binding"
	GAStateUnbinding   = "unbinding"
)

// GAMaxDissociateDomains is the most domains one
// DissociateAdditionalCertificatesFromListener call may name.
const GAMaxDissociateDomains = 10

var (
	gaAcceleratorStates = []string{GAStateActive, GAStateConfiguring, GAStateInit, GAStateBinding, GAStateUnbinding, GAStateDeleting}
	gaListenerStates    = []string{GAStateActive, GAStateConfiguring, GAStateInit, GAStateUpdating, GAStateDeleting}
	gaProtocols         = []string{"tcp", "udp", "http", "https"}
)

// GAAccelerator describes an accelerator (GA instance) to seed, in Go or
// (with the JSON names) in a seed file; it is also the snapshot type.
type GAAccelerator struct {
	ID string `json:"id"`
	// State is active (the default when empty), configuring, init, binding,
	// unbinding or deleting. Only an active accelerator accepts changes.
	State string `json:"state,omitempty"`
}

// GAPortRange is a listener's port range.
type GAPortRange struct {
	FromPort int `json:"fromPort"`
	ToPort   int `json:"toPort"`
}

// GAListener describes a listener to seed, in Go or (with the JSON names)
// in a seed file; it is also the snapshot type.
type GAListener struct {
	ID            string `json:"id"`
	AcceleratorID string `json:"acceleratorId"`
	// Protocol is tcp, udp, http or https (the default when empty).
	Protocol string `json:"protocol,omitempty"`
	// State is active (the default when empty), configuring, init, updating
	// or deleting.
	State       string `json:"state,omitempty"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	// PortRanges default to 443-443.
	PortRanges           []GAPortRange `json:"portRanges,omitempty"`
	DefaultCertificateID string        `json:"defaultCertificateId,omitempty"`
	// AdditionalCertificates maps each domain to its certificate ID.
	AdditionalCertificates map[string]string `json:"certificates,omitempty"`
}

// GA is the emulated Global Accelerator API (version 2019-11-20). Its
// methods are safe for concurrent use.
type GA struct {
	e            *Emulator
	delay        time.Duration
	accelerators map[string]*gaAccelerator
	listeners    map[string]*GAListener
	pending      map[*gaUpdate]bool
	created      map[string]time.Time // listener creation times
}

type gaAccelerator struct {
	id, state string
}

// gaUpdate is a dissociation in progress: the listener updating, its
// accelerator configuring.
type gaUpdate struct {
	listenerID, acceleratorID string
	timer                     *time.Timer
}

func newGA(e *Emulator, delay time.Duration) *GA {
	return &GA{
		e:            e,
		delay:        delay,
		accelerators: map[string]*gaAccelerator{},
		listeners:    map[string]*GAListener{},
		pending:      map[*gaUpdate]bool{},
		created:      map[string]time.Time{},
	}
}

func (a GAAccelerator) check() *fieldError {
	if a.ID == "" {
		return &fieldError{"id", "must not be empty"}
	}
	if a.State != "" && !slices.Contains(gaAcceleratorStates, a.State) {
		return oneOf("state", a.State, gaAcceleratorStates)
	}
	return nil
}

// check validates a listener on its own (not its accelerator).
func (l GAListener) check() *fieldError {
	if l.ID == "" {
		return &fieldError{"id", "must not be empty"}
	}
	if l.AcceleratorID == "" {
		return &fieldError{"acceleratorId", "must not be empty"}
	}
	if l.Protocol != "" && !slices.Contains(gaProtocols, l.Protocol) {
		return oneOf("protocol", l.Protocol, gaProtocols)
	}
	if l.State != "" && !slices.Contains(gaListenerStates, l.State) {
		return oneOf("state", l.State, gaListenerStates)
	}
	for i, r := range l.PortRanges {
		if r.FromPort < 1 || r.ToPort > 65535 || r.FromPort > r.ToPort {
			return &fieldError{fmt.Sprintf("portRanges[%d]", i),
				fmt.Sprintf("%d-%d is not a port range within 1-65535", r.FromPort, r.ToPort)}
		}
	}
	for _, d := range slices.Sorted(maps.Keys(l.AdditionalCertificates)) {
		f := fmt.Sprintf("certificates[%q]", d)
		switch {
		case d == "":
			return &fieldError{"certificates", "a domain must not be empty"}
		case l.AdditionalCertificates[d] == "":
			return &fieldError{f, "the certificate ID must not be empty"}
		}
	}
	return nil
}

// AddAccelerator adds an accelerator. It fails if it is invalid or its ID
// is taken.
func (g *GA) AddAccelerator(a GAAccelerator) error {
	if ferr := a.check(); ferr != nil {
		return fmt.Errorf("alicloudtest: GA accelerator %q: %s", a.ID, ferr)
	}
	g.e.mu.Lock()
	defer g.e.mu.Unlock()
	if g.accelerators[a.ID] != nil {
		return fmt.Errorf("alicloudtest: GA accelerator %q already exists", a.ID)
	}
	g.addAcceleratorLocked(a)
	return nil
}

func (g *GA) addAcceleratorLocked(a GAAccelerator) {
	st := a.State
	if st == "" {
		st = GAStateActive
	}
	g.accelerators[a.ID] = &gaAccelerator{id: a.ID, state: st}
}

// AddListener adds a listener to an existing accelerator. It fails if the
// listener is invalid, its ID is taken or its accelerator does not exist.
func (g *GA) AddListener(l GAListener) error {
	if ferr := l.check(); ferr != nil {
		return fmt.Errorf("alicloudtest: GA listener %q: %s", l.ID, ferr)
	}
	g.e.mu.Lock()
	defer g.e.mu.Unlock()
	if g.listeners[l.ID] != nil {
		return fmt.Errorf("alicloudtest: GA listener %q already exists", l.ID)
	}
	if g.accelerators[l.AcceleratorID] == nil {
		return fmt.Errorf("alicloudtest: GA listener %q: unknown accelerator %q", l.ID, l.AcceleratorID)
	}
	g.addListenerLocked(l)
	return nil
}

func (g *GA) addListenerLocked(l GAListener) {
	nl := cloneGAListener(l)
	if nl.Protocol == "" {
		nl.Protocol = "https"
	}
	if nl.State == "" {
		nl.State = GAStateActive
	}
	if len(nl.PortRanges) == 0 {
		nl.PortRanges = []GAPortRange{{443, 443}}
	}
	if nl.AdditionalCertificates == nil {
		nl.AdditionalCertificates = map[string]string{}
	}
	g.listeners[l.ID] = &nl
	g.created[l.ID] = g.e.now()
}

func cloneGAListener(l GAListener) GAListener {
	l.PortRanges = slices.Clone(l.PortRanges)
	l.AdditionalCertificates = maps.Clone(l.AdditionalCertificates)
	return l
}

// Accelerator returns a snapshot of an accelerator.
func (g *GA) Accelerator(id string) (GAAccelerator, bool) {
	g.e.mu.Lock()
	defer g.e.mu.Unlock()
	a := g.accelerators[id]
	if a == nil {
		return GAAccelerator{}, false
	}
	return GAAccelerator{ID: a.id, State: a.state}, true
}

// SetAcceleratorState sets an accelerator's state, e.g. to provoke
// StateError.Accelerator.
func (g *GA) SetAcceleratorState(id, state string) error {
	if !slices.Contains(gaAcceleratorStates, state) {
		return fmt.Errorf("alicloudtest: GA accelerator %q: %s", id, oneOf("state", state, gaAcceleratorStates))
	}
	g.e.mu.Lock()
	defer g.e.mu.Unlock()
	a := g.accelerators[id]
	if a == nil {
		return fmt.Errorf("alicloudtest: GA accelerator %q not found", id)
	}
	a.state = state
	return nil
}

// DeleteAccelerator removes an accelerator and its listeners, and reports
// whether it existed.
func (g *GA) DeleteAccelerator(id string) bool {
	g.e.mu.Lock()
	defer g.e.mu.Unlock()
	if g.accelerators[id] == nil {
		return false
	}
	delete(g.accelerators, id)
	for lid, l := range g.listeners {
		if l.AcceleratorID == id {
			delete(g.listeners, lid)
			delete(g.created, lid)
		}
	}
	return true
}

// Listener returns a snapshot of a listener.
func (g *GA) Listener(id string) (GAListener, bool) {
	g.e.mu.Lock()
	defer g.e.mu.Unlock()
	l := g.listeners[id]
	if l == nil {
		return GAListener{}, false
	}
	return cloneGAListener(*l), true
}

// SetListenerState sets a listener's state, e.g. to provoke
// NotActive.Listener.
func (g *GA) SetListenerState(id, state string) error {
	if !slices.Contains(gaListenerStates, state) {
		return fmt.Errorf("alicloudtest: GA listener %q: %s", id, oneOf("state", state, gaListenerStates))
	}
	g.e.mu.Lock()
	defer g.e.mu.Unlock()
	l := g.listeners[id]
	if l == nil {
		return fmt.Errorf("alicloudtest: GA listener %q not found", id)
	}
	l.State = state
	return nil
}

// DeleteListener removes a listener and reports whether it existed.
func (g *GA) DeleteListener(id string) bool {
	g.e.mu.Lock()
	defer g.e.mu.Unlock()
	_, ok := g.listeners[id]
	delete(g.listeners, id)
	delete(g.created, id)
	return ok
}

// CompleteUpdates ends every pending dissociation now (listener and
// accelerator back to active) and returns how many it ended. With a
// negative delay this is the only way they end.
func (g *GA) CompleteUpdates() int {
	g.e.mu.Lock()
	defer g.e.mu.Unlock()
	n := 0
	for u := range g.pending {
		g.completeLocked(u)
		n++
	}
	return n
}

// startUpdateLocked marks the listener updating and its accelerator
// configuring until the delay has passed.
func (g *GA) startUpdateLocked(l *GAListener, a *gaAccelerator) {
	l.State = GAStateUpdating
	a.state = GAStateConfiguring
	u := &gaUpdate{listenerID: l.ID, acceleratorID: a.id}
	g.pending[u] = true
	switch {
	case g.delay == 0:
		g.completeLocked(u)
	case g.delay > 0:
		u.timer = time.AfterFunc(g.delay, func() {
			g.e.mu.Lock()
			defer g.e.mu.Unlock()
			if !g.e.closed && g.pending[u] {
				g.completeLocked(u)
			}
		})
	}
}

func (g *GA) completeLocked(u *gaUpdate) {
	if u.timer != nil {
		u.timer.Stop()
		u.timer = nil
	}
	delete(g.pending, u)
	if l := g.listeners[u.listenerID]; l != nil && l.State == GAStateUpdating {
		l.State = GAStateActive
	}
	if a := g.accelerators[u.acceleratorID]; a != nil && a.state == GAStateConfiguring {
		a.state = GAStateActive
	}
}

func (g *GA) stopTimersLocked() {
	for u := range g.pending {
		if u.timer != nil {
			u.timer.Stop()
			u.timer = nil
		}
	}
}
