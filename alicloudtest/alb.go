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

// ALB certificate statuses, as ListListenerCertificates reports them. There
// is no status for a dissociated certificate: once its dissociation job has
// succeeded it is no longer listed (and [ALBListenerState.CertificateStatus]
// returns "").
const (
	// ALBCertificateAssociating: an association job runs.
	ALBCertificateAssociating = "Associating"
	ALBCertificateAssociated  = "Associated"
	// ALBCertificateDiassociating (sic): a dissociation job runs. This is the
	// spelling of the documented Status enum, which the emulator reports by
	// default.
	ALBCertificateDiassociating = "Diassociating"
	// ALBCertificateDissociating is the spelling the Dissociate
	// documentation page uses; [WithALBDissociatingStatus] makes the
	// emulator report it instead of [ALBCertificateDiassociating].
	ALBCertificateDissociating = "Dissociating"
	// Deprecated: the services have no such status and the emulator never
	// reports it: a dissociated certificate drops out of the list.
	ALBCertificateDissociated = "Dissociated"
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

// ALBMaxAssociateCertificates is the most certificates one
// AssociateAdditionalCertificatesWithListener call may name.
const ALBMaxAssociateCertificates = 15

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
	// Associated), then the additional ones in the order they were added:
	// Associating or Diassociating while a job runs on them, else
	// Associated. Dissociated certificates are gone.
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
	ID string
	// APIName is AssociateAdditionalCertificatesWithListener or
	// DissociateAdditionalCertificatesFromListener.
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
	e *Emulator
	// associate and dissociate are the two certificate changes: one request
	// handler, one job machinery, these parameters.
	associate, dissociate *albChange
	busyCode              string // the answer to a change on a Configuring listener
	listeners             map[string]*albListener
	jobs                  []*albJob // creation order
	jobByID               map[string]*albJob
	pending               map[*albJob]bool
	failNext              []jobFailure
}

type albListener struct {
	id, protocol, status, defaultCert string
	certs                             []*albCert
	job                               *albJob // the job running on it, if any
}

type albCert struct{ id, status string }

type albJob struct {
	ALBJob
	change  *albChange
	timer   *time.Timer
	failure *jobFailure
}

type jobFailure struct{ code, message string }

// albChange is what tells the two certificate changes apart.
type albChange struct {
	api   string
	max   int           // certificates per call
	delay time.Duration // how long its job runs
	// inFlight is the status of the certificates while the job runs.
	inFlight string
	// check refuses a certificate of the request (the listener checks have
	// passed).
	check func(l *albListener, id string) *apiError
	// begin marks the certificates of a starting job inFlight.
	begin func(l *albListener, ids []string)
	// end settles the certificates of a finished job.
	end func(l *albListener, ids []string, succeeded bool)
}

func newALB(e *Emulator, o options) *ALB {
	a := &ALB{
		e:         e,
		busyCode:  o.albBusyCode,
		listeners: map[string]*albListener{},
		jobByID:   map[string]*albJob{},
		pending:   map[*albJob]bool{},
	}
	a.associate = &albChange{
		api: albAssociateAPI, max: ALBMaxAssociateCertificates, delay: o.albAssociateDelay,
		inFlight: ALBCertificateAssociating,
		check:    checkAssociable,
		begin: func(l *albListener, ids []string) {
			for _, id := range ids {
				l.certs = append(l.certs, &albCert{id: id, status: ALBCertificateAssociating})
			}
		},
		end: func(l *albListener, ids []string, ok bool) {
			if ok {
				l.setStatus(ids, ALBCertificateAssociating, ALBCertificateAssociated)
			} else {
				l.drop(ids, ALBCertificateAssociating)
			}
		},
	}
	dissociating := o.albDissociating
	a.dissociate = &albChange{
		api: albDissociateAPI, max: ALBMaxDissociateCertificates, delay: o.albDelay,
		inFlight: dissociating,
		check:    checkDissociable,
		begin: func(l *albListener, ids []string) {
			l.setStatus(ids, ALBCertificateAssociated, dissociating)
		},
		end: func(l *albListener, ids []string, ok bool) {
			if ok {
				l.drop(ids, dissociating)
			} else {
				l.setStatus(ids, dissociating, ALBCertificateAssociated)
			}
		},
	}
	return a
}

// setStatus moves the listed certificates that are in status from to to.
func (l *albListener) setStatus(ids []string, from, to string) {
	for _, c := range l.certs {
		if c.status == from && slices.Contains(ids, c.id) {
			c.status = to
		}
	}
}

// drop removes the listed certificates that are in status.
func (l *albListener) drop(ids []string, status string) {
	l.certs = slices.DeleteFunc(l.certs, func(c *albCert) bool {
		return c.status == status && slices.Contains(ids, c.id)
	})
}

func (l *albListener) cert(id string) *albCert {
	i := slices.IndexFunc(l.certs, func(c *albCert) bool { return c.id == id })
	if i < 0 {
		return nil
	}
	return l.certs[i]
}

// checkALB validates the ALB options.
func (o options) checkALB() error {
	if o.albBusyCode != CodeALBListenerIncorrectStatus && o.albBusyCode != CodeALBListenerConfiguring {
		return fmt.Errorf("alicloudtest: ALB busy code %q is not one of %s, %s",
			o.albBusyCode, CodeALBListenerIncorrectStatus, CodeALBListenerConfiguring)
	}
	if o.albDissociating != ALBCertificateDiassociating && o.albDissociating != ALBCertificateDissociating {
		return fmt.Errorf("alicloudtest: ALB dissociating status %q is not one of %s, %s",
			o.albDissociating, ALBCertificateDiassociating, ALBCertificateDissociating)
	}
	return nil
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

// CompleteJobs completes every pending job (association and dissociation)
// now, as its timer would have, and returns how many it completed. With a
// negative delay this is the only way jobs complete.
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

// FailNextJobs makes the next n jobs (of either operation) end Failed with
// the given error code and message: the certificates of a failed
// dissociation go back to Associated, those of a failed association are not
// listed any more.
func (a *ALB) FailNextJobs(n int, code, message string) {
	a.e.mu.Lock()
	defer a.e.mu.Unlock()
	for range n {
		a.failNext = append(a.failNext, jobFailure{code, message})
	}
}

// startJobLocked starts a job of change on the listener: its certificates
// turn change.inFlight, the listener Configuring; it completes after the
// change's delay.
func (a *ALB) startJobLocked(l *albListener, certs []string, change *albChange) *albJob {
	now := a.e.now()
	j := &albJob{change: change, ALBJob: ALBJob{
		ID: newUUID(), APIName: change.api, Status: ALBJobProcessing, ResourceID: l.id,
		Certificates: certs, CreateTime: now, ModifyTime: now,
	}}
	if len(a.failNext) > 0 {
		f := a.failNext[0]
		a.failNext = a.failNext[1:]
		j.failure = &f
	}
	change.begin(l, certs)
	l.status = ALBListenerConfiguring
	l.job = j
	a.jobs = append(a.jobs, j)
	a.jobByID[j.ID] = j
	a.pending[j] = true
	a.forgetOldJobsLocked()
	switch d := change.delay; {
	case d == 0:
		a.completeLocked(j)
	case d > 0:
		j.timer = time.AfterFunc(d, func() {
			a.e.mu.Lock()
			defer a.e.mu.Unlock()
			if !a.e.closed && a.pending[j] {
				a.completeLocked(j)
			}
		})
	}
	return j
}

// completeLocked ends a pending job, Succeeded or (when it was made to
// fail) Failed, settles its certificates and lets the listener run again.
func (a *ALB) completeLocked(j *albJob) {
	if j.timer != nil {
		j.timer.Stop()
		j.timer = nil
	}
	delete(a.pending, j)
	j.ModifyTime = a.e.now()
	if j.failure != nil {
		j.Status = ALBJobFailed
		j.ErrorCode, j.ErrorMessage = j.failure.code, j.failure.message
	} else {
		j.Status = ALBJobSucceeded
	}
	l := a.listeners[j.ResourceID]
	if l == nil || l.job != j {
		return
	}
	j.change.end(l, j.Certificates, j.failure == nil)
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
