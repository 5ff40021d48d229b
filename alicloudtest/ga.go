package alicloudtest

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// GA states. Accelerators take active, configuring, init, binding,
// unbinding, deleting and finacialLocked (sic, as the service spells it);
// listeners active, configuring, init, updating and deleting; certificates
// in ListListenerCertificates active and updating.
const (
	GAStateActive         = "active"
	GAStateConfiguring    = "configuring"
	GAStateUpdating       = "updating"
	GAStateInit           = "init"
	GAStateDeleting       = "deleting"
	GAStateBinding        = "binding"
	GAStateUnbinding      = "unbinding"
	GAStateFinacialLocked = "finacialLocked"
)

// GA limits.
const (
	// GAMaxDissociateDomains is the most domains one
	// DissociateAdditionalCertificatesFromListener call may name.
	GAMaxDissociateDomains = 10
	// GAMaxAssociateCertificates is the most domain/certificate pairs one
	// AssociateAdditionalCertificatesWithListener call may name.
	GAMaxAssociateCertificates = 10
	// GAMaxAdditionalCertificates is the most additional certificates a
	// listener may have.
	GAMaxAdditionalCertificates = 25
)

var (
	gaAcceleratorStates = []string{GAStateActive, GAStateConfiguring, GAStateInit, GAStateBinding, GAStateUnbinding, GAStateDeleting, GAStateFinacialLocked}
	gaListenerStates    = []string{GAStateActive, GAStateConfiguring, GAStateInit, GAStateUpdating, GAStateDeleting}
	gaProtocols         = []string{"tcp", "udp", "http", "https"}
	gaChargeTypes       = []string{"PREPAY", "POSTPAY"}
	gaClientAffinities  = []string{"NONE", "SOURCE_IP"}
	gaHTTPVersions      = []string{"http1.1", "http2", "http3"}
)

// GAAccelerator describes an accelerator (GA instance) to seed, in Go or
// (with the JSON names) in a seed file; it is also the snapshot type.
type GAAccelerator struct {
	ID string `json:"id"`
	// State is active (the default when empty), configuring, init, binding,
	// unbinding, deleting or finacialLocked. Only an active accelerator
	// accepts certificate changes.
	State string `json:"state,omitempty"`
	// Name is reported by DescribeAccelerator (default: the ID).
	Name string `json:"name,omitempty"`
	// Spec is the specification, e.g. "1" (the default) or "2".
	Spec string `json:"spec,omitempty"`
	// InstanceChargeType is PREPAY (the default) or POSTPAY.
	InstanceChargeType string `json:"instanceChargeType,omitempty"`
}

// GAPortRange is a listener's port range.
type GAPortRange struct {
	FromPort int `json:"fromPort"`
	ToPort   int `json:"toPort"`
}

// GAListener describes a listener to seed, in Go or (with the JSON names)
// in a seed file; it is also the snapshot type. Settings left empty are
// reported by DescribeListener with the service's defaults for the
// protocol (for HTTPS: client affinity NONE, http2, tls_cipher_policy_1_0,
// idle timeout 15 s, request timeout 60 s).
type GAListener struct {
	ID            string `json:"id"`
	AcceleratorID string `json:"acceleratorId"`
	// Protocol is tcp, udp, http or https (the default when empty). Only an
	// https listener accepts additional certificates.
	Protocol string `json:"protocol,omitempty"`
	// State is active (the default when empty), configuring, init, updating
	// or deleting.
	State       string `json:"state,omitempty"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	// PortRanges default to 443-443.
	PortRanges []GAPortRange `json:"portRanges,omitempty"`
	// ClientAffinity is NONE or SOURCE_IP.
	ClientAffinity string `json:"clientAffinity,omitempty"`
	// HTTPVersion is http1.1, http2 or http3 (HTTPS listeners).
	HTTPVersion string `json:"httpVersion,omitempty"`
	// SecurityPolicyID is the TLS policy, e.g. tls_cipher_policy_1_2
	// (HTTPS listeners).
	SecurityPolicyID string `json:"securityPolicyId,omitempty"`
	// IdleTimeout and RequestTimeout are in seconds.
	IdleTimeout          int    `json:"idleTimeout,omitempty"`
	RequestTimeout       int    `json:"requestTimeout,omitempty"`
	DefaultCertificateID string `json:"defaultCertificateId,omitempty"`
	// AdditionalCertificates maps each domain to its certificate ID.
	// Domains compare case-insensitively. Associate refuses to go beyond 25;
	// a seed may hold more (e.g. for load tests).
	AdditionalCertificates map[string]string `json:"certificates,omitempty"`
}

// GA is the emulated Global Accelerator API (version 2019-11-20). Its
// methods are safe for concurrent use.
type GA struct {
	e            *Emulator
	timing       gaTiming
	accelerators map[string]*gaAccelerator
	listeners    map[string]*GAListener
	pending      map[*gaUpdate]bool
	created      map[string]time.Time // listener creation times
}

type gaAccelerator struct {
	GAAccelerator
	created time.Time
}

// gaUpdate is a certificate change in progress. In its first phase the
// listener is updating and the domains it touches are listed as updating
// (removed ones still listed); in its second phase (the accelerator lag)
// the listener is active again and the accelerator still configuring.
type gaUpdate struct {
	listenerID, acceleratorID string
	touched                   map[string]bool   // lower-cased domains listed as updating
	removing                  map[string]string // domain -> certificate, dropped at the end of phase 1
	listenerDone              bool
	lag                       time.Duration
	timer                     *time.Timer
}

func newGA(e *Emulator, dissociateDelay time.Duration) *GA {
	return &GA{
		e:            e,
		timing:       gaTiming{dissociate: dissociateDelay, associate: DefaultGAAssociateDelay, update: DefaultGAUpdateDelay},
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
	if a.InstanceChargeType != "" && !slices.Contains(gaChargeTypes, a.InstanceChargeType) {
		return oneOf("instanceChargeType", a.InstanceChargeType, gaChargeTypes)
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
	if l.ClientAffinity != "" && !slices.Contains(gaClientAffinities, l.ClientAffinity) {
		return oneOf("clientAffinity", l.ClientAffinity, gaClientAffinities)
	}
	if l.HTTPVersion != "" && !slices.Contains(gaHTTPVersions, l.HTTPVersion) {
		return oneOf("httpVersion", l.HTTPVersion, gaHTTPVersions)
	}
	if l.IdleTimeout < 0 {
		return &fieldError{"idleTimeout", "must not be negative"}
	}
	if l.RequestTimeout < 0 {
		return &fieldError{"requestTimeout", "must not be negative"}
	}
	for i, r := range l.PortRanges {
		if r.FromPort < 1 || r.ToPort > 65535 || r.FromPort > r.ToPort {
			return &fieldError{fmt.Sprintf("portRanges[%d]", i),
				fmt.Sprintf("%d-%d is not a port range within 1-65535", r.FromPort, r.ToPort)}
		}
	}
	seen := map[string]string{}
	for _, d := range slices.Sorted(maps.Keys(l.AdditionalCertificates)) {
		f := fmt.Sprintf("certificates[%q]", d)
		switch {
		case d == "":
			return &fieldError{"certificates", "a domain must not be empty"}
		case l.AdditionalCertificates[d] == "":
			return &fieldError{f, "the certificate ID must not be empty"}
		case seen[strings.ToLower(d)] != "":
			return &fieldError{f, fmt.Sprintf("the same domain as %q (domains compare case-insensitively)", seen[strings.ToLower(d)])}
		}
		seen[strings.ToLower(d)] = d
	}
	if len(l.AdditionalCertificates) > 0 && l.Protocol != "" && l.Protocol != "https" {
		return &fieldError{"certificates", "only an https listener has additional certificates"}
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
	if a.State == "" {
		a.State = GAStateActive
	}
	g.accelerators[a.ID] = &gaAccelerator{GAAccelerator: a, created: g.e.now()}
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
	return a.GAAccelerator, true
}

// SetAcceleratorState sets an accelerator's state, e.g. to provoke
// StateError.Accelerator. A change in progress no longer frees an
// accelerator that was set to anything but configuring.
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
	a.State = state
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

// Listener returns a snapshot of a listener. AdditionalCertificates are the
// certificates the listener will serve once a change in progress is done.
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

// CompleteUpdates ends every pending certificate change now, both phases:
// the listener is active again, its certificates too, and the accelerator
// is active (no lag). It returns how many changes it ended. With a negative
// delay (or lag) this is the way they end.
func (g *GA) CompleteUpdates() int {
	g.e.mu.Lock()
	defer g.e.mu.Unlock()
	n := 0
	for u := range g.pending {
		if !u.listenerDone {
			g.finishListenerLocked(u)
		}
		g.finishLocked(u)
		n++
	}
	return n
}

// CompleteListenerUpdates ends the first phase of every pending change now:
// the listener and its certificates are active again, while the
// accelerator stays configuring for the accelerator lag (see
// [WithGAAcceleratorLag]); with a negative lag, until [GA.CompleteUpdates].
// It returns how many listener phases it ended. Tests use it to step into
// the window in which only the accelerator is still busy.
func (g *GA) CompleteListenerUpdates() int {
	g.e.mu.Lock()
	defer g.e.mu.Unlock()
	n := 0
	for u := range g.pending {
		if !u.listenerDone {
			g.finishListenerLocked(u)
			n++
		}
	}
	return n
}

// findDomain returns the key under which l holds domain (case-insensitive).
func findDomain(certs map[string]string, domain string) (string, bool) {
	if _, ok := certs[domain]; ok {
		return domain, true
	}
	for d := range certs {
		if strings.EqualFold(d, domain) {
			return d, true
		}
	}
	return "", false
}

// startUpdateLocked marks the listener updating and its accelerator
// configuring: the listener for delay, the accelerator for lag longer.
func (g *GA) startUpdateLocked(l *GAListener, a *gaAccelerator, delay time.Duration, touched map[string]bool, removing map[string]string) {
	l.State = GAStateUpdating
	a.State = GAStateConfiguring
	u := &gaUpdate{listenerID: l.ID, acceleratorID: a.ID, touched: touched, removing: removing,
		lag: g.timing.lagAfter(delay)}
	g.pending[u] = true
	switch {
	case delay == 0:
		g.finishListenerLocked(u)
	case delay > 0:
		u.timer = time.AfterFunc(delay, func() {
			g.e.mu.Lock()
			defer g.e.mu.Unlock()
			if !g.e.closed && g.pending[u] && !u.listenerDone {
				g.finishListenerLocked(u)
			}
		})
	}
}

// finishListenerLocked ends the first phase of u and starts its lag.
func (g *GA) finishListenerLocked(u *gaUpdate) {
	if u.timer != nil {
		u.timer.Stop()
		u.timer = nil
	}
	u.listenerDone = true
	if l := g.listeners[u.listenerID]; l != nil && l.State == GAStateUpdating {
		l.State = GAStateActive
	}
	switch {
	case u.lag == 0:
		g.finishLocked(u)
	case u.lag > 0:
		u.timer = time.AfterFunc(u.lag, func() {
			g.e.mu.Lock()
			defer g.e.mu.Unlock()
			if !g.e.closed && g.pending[u] {
				g.finishLocked(u)
			}
		})
	}
}

// finishLocked ends u: its accelerator is active again unless another
// change still holds it.
func (g *GA) finishLocked(u *gaUpdate) {
	if u.timer != nil {
		u.timer.Stop()
		u.timer = nil
	}
	delete(g.pending, u)
	for o := range g.pending {
		if o.acceleratorID == u.acceleratorID {
			return
		}
	}
	if a := g.accelerators[u.acceleratorID]; a != nil && a.State == GAStateConfiguring {
		a.State = GAStateActive
	}
}

// inFlightLocked returns the first phase of the change running on a
// listener, if any.
func (g *GA) inFlightLocked(listenerID string) *gaUpdate {
	for u := range g.pending {
		if u.listenerID == listenerID && !u.listenerDone {
			return u
		}
	}
	return nil
}

func (g *GA) stopTimersLocked() {
	for u := range g.pending {
		if u.timer != nil {
			u.timer.Stop()
			u.timer = nil
		}
	}
}
