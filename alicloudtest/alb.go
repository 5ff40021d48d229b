package alicloudtest

import (
	"fmt"
	"slices"
	"time"
)

// ALB listener statuses.
const (
	ALBListenerRunning      = "Running"
	ALBListenerConfiguring  = "Configuring"
	ALBListenerStopped      = "Stopped"
	ALBListenerProvisioning = "Provisioning"
)

// ALB certificate statuses, as ListListenerCertificates reports them.
const (
	ALBCertificateAssociating  = "Associating"
	ALBCertificateAssociated   = "Associated"
	ALBCertificateDissociating = "Dissociating"
	ALBCertificateDissociated  = "Dissociated"
)

// ALB job statuses, as ListAsynJobs reports them.
const (
	ALBJobProcessing = "Processing"
	ALBJobSucceeded  = "Succeeded"
	ALBJobFailed     = "Failed"
)

// ALBMaxDissociateCertificates is the most certificates one
// DissociateAdditionalCertificatesFromListener call may name (the API
// schema's limit; the prose of the documentation says 20).
const ALBMaxDissociateCertificates = 15

const maxALBJobs = 10000 // finished jobs beyond this are forgotten, oldest first

// ALBListener describes a listener to seed, in Go or (with the JSON names)
// in a seed file.
type ALBListener struct {
	ID string `json:"id"`
	// Protocol is HTTP, HTTPS or QUIC. An HTTP listener has no certificates.
	Protocol string `json:"protocol"`
	// Status is Running (the default when empty), Configuring, Stopped or
	// Provisioning.
	Status               string `json:"status,omitempty"`
	DefaultCertificateID string `json:"defaultCertificateId,omitempty"`
	// AdditionalCertificateIDs start Associated.
	AdditionalCertificateIDs []string `json:"certificates,omitempty"`
}

// ALBListenerState is a snapshot of a listener.
type ALBListenerState struct {
	ID                   string
	Protocol             string
	Status               string
	DefaultCertificateID string
	// Certificates lists the default certificate first (IsDefault, status
	// Associated), then the additional ones in the order they were added,
	// dissociated ones included.
	Certificates []ALBCertificate
}

// ALBCertificate is a certificate of a listener.
type ALBCertificate struct {
	ID        string
	IsDefault bool
	Status    string
}

// CertificateStatus returns the status of the listener's certificate id,
// or "" when the listener has no such certificate.
func (s ALBListenerState) CertificateStatus(id string) string {
	for _, c := range s.Certificates {
		if c.ID == id {
			return c.Status
		}
	}
	return ""
}

// ALBJob is a snapshot of an asynchronous job.
type ALBJob struct {
	ID           string
	APIName      string
	Status       string // Processing, Succeeded or Failed
	ResourceID   string // the listener
	Certificates []string
	ErrorCode    string
	ErrorMessage string
	CreateTime   time.Time
	ModifyTime   time.Time
}

// ALB is the emulated Application Load Balancer API (version 2020-06-16).
// Its methods are safe for concurrent use.
type ALB struct {
	e         *Emulator
	delay     time.Duration
	listeners map[string]*albListener
	jobs      []*albJob // creation order
	jobByID   map[string]*albJob
	pending   map[*albJob]bool
	failNext  []jobFailure
}

type albListener struct {
	id, protocol, status, defaultCert string
	certs                             []*albCert
	job                               *albJob // the job running on it, if any
}

type albCert struct{ id, status string }

type albJob struct {
	ALBJob
	timer   *time.Timer
	failure *jobFailure
}

type jobFailure struct{ code, message string }

func newALB(e *Emulator, delay time.Duration) *ALB {
	return &ALB{
		e:         e,
		delay:     delay,
		listeners: map[string]*albListener{},
		jobByID:   map[string]*albJob{},
		pending:   map[*albJob]bool{},
	}
}

var (
	albProtocols = []string{"HTTP", "HTTPS", "QUIC"}
	albStatuses  = []string{ALBListenerRunning, ALBListenerConfiguring, ALBListenerStopped, ALBListenerProvisioning}
)

// check validates a listener on its own; the error names the field.
func (l ALBListener) check() *fieldError {
	if l.ID == "" {
		return &fieldError{"id", "must not be empty"}
	}
	if !slices.Contains(albProtocols, l.Protocol) {
		return oneOf("protocol", l.Protocol, albProtocols)
	}
	if l.Status != "" && !slices.Contains(albStatuses, l.Status) {
		return oneOf("status", l.Status, albStatuses)
	}
	if l.Protocol == "HTTP" {
		if l.DefaultCertificateID != "" {
			return &fieldError{"defaultCertificateId", "an HTTP listener has no certificates"}
		}
		if len(l.AdditionalCertificateIDs) > 0 {
			return &fieldError{"certificates", "an HTTP listener has no certificates"}
		}
	}
	seen := map[string]int{}
	for i, c := range l.AdditionalCertificateIDs {
		f := fmt.Sprintf("certificates[%d]", i)
		switch j, dup := seen[c]; {
		case c == "":
			return &fieldError{f, "must not be empty"}
		case c == l.DefaultCertificateID:
			return &fieldError{f, fmt.Sprintf("%q is the default certificate", c)}
		case dup:
			return &fieldError{f, fmt.Sprintf("duplicate certificate %q (also at certificates[%d])", c, j)}
		}
		seen[c] = i
	}
	return nil
}

// AddListener adds a listener. It fails if the listener is invalid or its
// ID is taken.
func (a *ALB) AddListener(l ALBListener) error {
	if ferr := l.check(); ferr != nil {
		return fmt.Errorf("alicloudtest: ALB listener %q: %s", l.ID, ferr)
	}
	a.e.mu.Lock()
	defer a.e.mu.Unlock()
	if a.listeners[l.ID] != nil {
		return fmt.Errorf("alicloudtest: ALB listener %q already exists", l.ID)
	}
	a.addLocked(l)
	return nil
}

func (a *ALB) addLocked(l ALBListener) {
	st := l.Status
	if st == "" {
		st = ALBListenerRunning
	}
	nl := &albListener{id: l.ID, protocol: l.Protocol, status: st, defaultCert: l.DefaultCertificateID}
	for _, c := range l.AdditionalCertificateIDs {
		nl.certs = append(nl.certs, &albCert{id: c, status: ALBCertificateAssociated})
	}
	a.listeners[l.ID] = nl
}

// DeleteListener removes a listener and reports whether it existed. A job
// running on it still completes.
func (a *ALB) DeleteListener(id string) bool {
	a.e.mu.Lock()
	defer a.e.mu.Unlock()
	_, ok := a.listeners[id]
	delete(a.listeners, id)
	return ok
}

// SetListenerStatus sets a listener's status (Running, Configuring, Stopped
// or Provisioning), e.g. to provoke IncorrectStatus.Listener.
func (a *ALB) SetListenerStatus(id, status string) error {
	if !slices.Contains(albStatuses, status) {
		return fmt.Errorf("alicloudtest: ALB listener %q: %s", id, oneOf("status", status, albStatuses))
	}
	a.e.mu.Lock()
	defer a.e.mu.Unlock()
	l := a.listeners[id]
	if l == nil {
		return fmt.Errorf("alicloudtest: ALB listener %q not found", id)
	}
	l.status = status
	return nil
}

// Listener returns a snapshot of a listener.
func (a *ALB) Listener(id string) (ALBListenerState, bool) {
	a.e.mu.Lock()
	defer a.e.mu.Unlock()
	l := a.listeners[id]
	if l == nil {
		return ALBListenerState{}, false
	}
	s := ALBListenerState{ID: l.id, Protocol: l.protocol, Status: l.status, DefaultCertificateID: l.defaultCert}
	if l.defaultCert != "" {
		s.Certificates = append(s.Certificates, ALBCertificate{ID: l.defaultCert, IsDefault: true, Status: ALBCertificateAssociated})
	}
	for _, c := range l.certs {
		s.Certificates = append(s.Certificates, ALBCertificate{ID: c.id, Status: c.status})
	}
	return s, true
}

// Job returns a snapshot of a job.
func (a *ALB) Job(id string) (ALBJob, bool) {
	a.e.mu.Lock()
	defer a.e.mu.Unlock()
	j := a.jobByID[id]
	if j == nil {
		return ALBJob{}, false
	}
	return j.snapshot(), true
}

// Jobs returns snapshots of every job, oldest first.
func (a *ALB) Jobs() []ALBJob {
	a.e.mu.Lock()
	defer a.e.mu.Unlock()
	out := make([]ALBJob, len(a.jobs))
	for i, j := range a.jobs {
		out[i] = j.snapshot()
	}
	return out
}

func (j *albJob) snapshot() ALBJob {
	s := j.ALBJob
	s.Certificates = slices.Clone(s.Certificates)
	return s
}

// CompleteJobs completes every pending dissociation job now (as its timer
// would have) and returns how many it completed. With a negative delay this
// is the only way jobs complete.
func (a *ALB) CompleteJobs() int {
	a.e.mu.Lock()
	defer a.e.mu.Unlock()
	n := 0
	for _, j := range a.jobs {
		if a.pending[j] {
			a.completeLocked(j)
			n++
		}
	}
	return n
}

// FailNextJobs makes the next n dissociation jobs end Failed with the given
// error code and message: their certificates go back to Associated.
func (a *ALB) FailNextJobs(n int, code, message string) {
	a.e.mu.Lock()
	defer a.e.mu.Unlock()
	for range n {
		a.failNext = append(a.failNext, jobFailure{code, message})
	}
}

// startJobLocked creates the dissociation job: certificates Dissociating,
// listener Configuring, completion after the delay.
func (a *ALB) startJobLocked(l *albListener, certs []string, apiName string) *albJob {
	now := a.e.now()
	j := &albJob{ALBJob: ALBJob{
		ID: newUUID(), APIName: apiName, Status: ALBJobProcessing, ResourceID: l.id,
		Certificates: certs, CreateTime: now, ModifyTime: now,
	}}
	if len(a.failNext) > 0 {
		f := a.failNext[0]
		a.failNext = a.failNext[1:]
		j.failure = &f
	}
	for _, c := range l.certs {
		if slices.Contains(certs, c.id) {
			c.status = ALBCertificateDissociating
		}
	}
	l.status = ALBListenerConfiguring
	l.job = j
	a.jobs = append(a.jobs, j)
	a.jobByID[j.ID] = j
	a.pending[j] = true
	a.forgetOldJobsLocked()
	switch {
	case a.delay == 0:
		a.completeLocked(j)
	case a.delay > 0:
		j.timer = time.AfterFunc(a.delay, func() {
			a.e.mu.Lock()
			defer a.e.mu.Unlock()
			if !a.e.closed && a.pending[j] {
				a.completeLocked(j)
			}
		})
	}
	return j
}

// completeLocked ends a pending job: Succeeded (certificates Dissociated)
// or Failed (certificates back to Associated); the listener runs again.
func (a *ALB) completeLocked(j *albJob) {
	if j.timer != nil {
		j.timer.Stop()
		j.timer = nil
	}
	delete(a.pending, j)
	j.ModifyTime = a.e.now()
	status := ALBCertificateDissociated
	if j.failure != nil {
		j.Status = ALBJobFailed
		j.ErrorCode, j.ErrorMessage = j.failure.code, j.failure.message
		status = ALBCertificateAssociated
	} else {
		j.Status = ALBJobSucceeded
	}
	l := a.listeners[j.ResourceID]
	if l == nil || l.job != j {
		return
	}
	for _, c := range l.certs {
		if c.status == ALBCertificateDissociating && slices.Contains(j.Certificates, c.id) {
			c.status = status
		}
	}
	l.job = nil
	if l.status == ALBListenerConfiguring {
		l.status = ALBListenerRunning
	}
}

func (a *ALB) forgetOldJobsLocked() {
	if len(a.jobs) <= maxALBJobs+maxALBJobs/10 {
		return
	}
	kept := a.jobs[:0]
	excess := len(a.jobs) - maxALBJobs
	for _, j := range a.jobs {
		if excess > 0 && !a.pending[j] {
			delete(a.jobByID, j.ID)
			excess--
			continue
		}
		kept = append(kept, j)
	}
	clear(a.jobs[len(kept):])
	a.jobs = kept
}

func (a *ALB) stopTimersLocked() {
	for j := range a.pending {
		if j.timer != nil {
			j.timer.Stop()
			j.timer = nil
		}
	}
}
