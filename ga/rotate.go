package ga

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/idem"
	"github.com/listenercerts/alicloud/internal/rotation"
	"github.com/listenercerts/alicloud/internal/signer"
	"github.com/listenercerts/alicloud/internal/validate"
	"github.com/listenercerts/alicloud/internal/waiter"
)

// MaxRotationDomains is the most entries RotateCertificatesInput.Set and
// Remove may each hold.
const MaxRotationDomains = 1000

// MaxAdditionalCertificates is the most additional certificates GA lets
// one listener have.
const MaxAdditionalCertificates = 25

// CertificateLimitError reports a rotation whose plan would take the
// listener past MaxAdditionalCertificates: a rotation associates before it
// dissociates (so that no domain is left unserved), so at its peak the
// listener holds every certificate listed plus every one associated. It is
// returned before any write. It matches ErrCertificateQuotaExceeded, the
// service's answer to such an Associate.
type CertificateLimitError struct {
	ListenerID string
	Listed     int // additional certificates on the listener when planned
	Associate  int // certificates the plan associates before removing any
}

// Error says what the limit is and what to do.
func (e *CertificateLimitError) Error() string {
	return fmt.Sprintf("ga: rotation of listener %s would need %d additional certificates at once (%d listed + %d to associate "+
		"before any is removed), more than GA's %d per listener; nothing was sent: remove some first (DissociateAndWait) "+
		"or rotate in smaller parts", e.ListenerID, e.Listed+e.Associate, e.Listed, e.Associate, MaxAdditionalCertificates)
}

// Is reports whether target is ErrCertificateQuotaExceeded.
func (e *CertificateLimitError) Is(target error) bool { return target == ErrCertificateQuotaExceeded }

// checkCertificateLimit returns a *CertificateLimitError when p, applied to
// a listener with listed additional certificates, would exceed
// MaxAdditionalCertificates (Updates replace in place and add none).
func checkCertificateLimit(p RotationPlan, listed int) error {
	associate := 0
	for _, batch := range p.Associate {
		associate += len(batch)
	}
	if associate > 0 && listed+associate > MaxAdditionalCertificates {
		return &CertificateLimitError{ListenerID: p.ListenerID, Listed: listed, Associate: associate}
	}
	return nil
}

// RotateCertificatesInput is the input of [Client.RotateCertificates].
type RotateCertificatesInput struct {
	AcceleratorID string // required
	ListenerID    string // required: an HTTPS listener of the accelerator
	// Set are the domains the listener must serve, each by its
	// certificate. A domain may appear once (compared case-insensitively);
	// the very same pair given twice counts once, the same domain with two
	// certificates is refused.
	Set []DomainCertificate
	// Remove are the domains whose additional certificate must go, once
	// every Set domain is served. None may be in Set; a domain given twice
	// counts once. Set and Remove may not both be empty.
	Remove []string
	// DryRun reads the listener and makes the plan, prechecks each planned
	// Update with the service's DryRun (GA has no DryRun for Associate or
	// Dissociate), and changes nothing.
	DryRun bool
	// ClientToken is the base from which the ClientToken of every call is
	// derived (with the operation, the accelerator, the listener and the
	// domains and certificates of the call). Optional: when empty, a random
	// base is drawn for the run. Give one to make a re-run after an
	// interruption reuse the tokens of the calls it repeats (the service
	// then answers a call that did act with its first answer instead of
	// acting again); use a new one per rotation.
	ClientToken string
	// Progress, when set, receives an event per step (alicloud.StepPlan,
	// StepUpdate, StepAssociate, StepDissociate, StepWait for each poll,
	// StepDone), from the goroutine running the rotation. It must be quick.
	Progress alicloud.ProgressFunc
}

// RotateCertificatesOutput is the result of [Client.RotateCertificates].
// Every list holds domains, spelled as in the input.
type RotateCertificatesOutput struct {
	Associated, Updated, Unchanged  []string
	Dissociated, AlreadyDissociated []string
	// Plan is what the rotation set out to do, read from the listing
	// before the first write (a DryRun returns the plan, Unchanged and
	// AlreadyDissociated, and nothing else).
	Plan RotationPlan
	// ClientToken is the base the call tokens were derived from: the
	// input's, or the one drawn for this run.
	ClientToken string
}

// PlannedUpdate is a domain whose certificate a rotation replaces in place.
type PlannedUpdate struct {
	Domain               string
	CertificateID        string // the certificate it is to be served by
	CurrentCertificateID string // the certificate it had when listed
}

// RotationPlan is what a rotation does to a listener, computed from its
// listing: the calls to make, in order, and what is already so. It is a
// plain value; [Client.RotateCertificates] applies it in this order, one
// call at a time (GA locks the accelerator for each), waiting after each
// until it has taken effect: every Update (one domain per call), every
// Associate (at most MaxDomainsPerCall pairs per call), then every
// Dissociate (at most MaxDomainsPerCall domains per call).
type RotationPlan struct {
	AcceleratorID, ListenerID string
	Update                    []PlannedUpdate
	Associate                 [][]DomainCertificate
	Dissociate                [][]string
	// Unchanged are the Set domains already served by their certificate;
	// AlreadyDissociated the Remove domains without an additional
	// certificate. Neither is sent.
	Unchanged, AlreadyDissociated []string
}

// Calls returns how many write calls the plan makes.
func (p RotationPlan) Calls() int { return len(p.Update) + len(p.Associate) + len(p.Dissociate) }

// RotationError reports a rotation that stopped once it had begun (after its
// plan):
// where, why (Unwrap), what was done and what was not. Dissociations come
// only after every Set domain was confirmed served, so a failure never
// leaves a Set domain without a certificate. Re-running RotateCertificates
// with the same input resumes (once the cause is gone: see Resumable): it
// reads the listener again and does only what is left.
// alicloud.ClientTokenOf returns ClientToken, the rotation's base token:
// set it as the input's ClientToken for the re-run to reuse the tokens of
// interrupted calls.
type RotationError struct {
	AcceleratorID, ListenerID string
	ClientToken               string // the rotation's base token
	// Step is where it stopped: alicloud.StepUpdate, StepAssociate,
	// StepDissociate (the call failed) or StepWait (the call was accepted,
	// its wait failed).
	Step string
	// CallClientToken is the token of the call that failed or was waited for.
	CallClientToken string
	// Done is what was confirmed done before the failure.
	Done RotateCertificatesOutput
	// NotServed are the Set domains not confirmed served by their
	// certificate; NotDissociated the Remove domains not confirmed gone.
	NotServed, NotDissociated []string
	Err                       error
	// Sent reports whether any write request was sent before the failure.
	// Only then does alicloud.ClientTokenOf return ClientToken.
	Sent bool
}

// Error says where the rotation stopped, why, what is done and what is
// left, and either that a re-run resumes or, when the cause does not pass
// on its own (see Resumable), that it must be fixed first.
func (e *RotationError) Error() string {
	return rotation.ErrorText(fmt.Sprintf("ga: rotation of listener %s stopped at %s (ClientToken %s): %v; done: updated %s, associated %s, dissociated %s; not done: serve %s, dissociate %s; ",
		e.ListenerID, e.Step, e.CallClientToken, e.Err, rotation.List(e.Done.Updated), rotation.List(e.Done.Associated),
		rotation.List(e.Done.Dissociated), rotation.List(e.NotServed), rotation.List(e.NotDissociated)),
		len(e.Done.Dissociated) > 0, "every Set domain was served before any dissociation", e.ClientToken, e.Resumable())
}

// Resumable reports whether re-running the same input can finish the
// rotation as things are: the cause can pass (a wait that timed out, a
// cancel, a busy or transient answer). It is false when the cause stays
// until someone fixes it: the listener or accelerator is gone or being
// deleted (alicloud.ErrNotFound), the accelerator is locked for an overdue
// payment, the listener's certificate quota is full
// (ErrCertificateQuotaExceeded), the listener is not HTTPS
// (ErrListenerProtocolIllegal), the request was refused as invalid (an
// IdempotentParameterMismatch included: a base token reused for another
// rotation) or not authorized. A domain that has, or lacks, a certificate
// against the plan (ErrCertificateExists, ErrCertificateNotFound: the
// listing was out of date) is resumable: a re-run plans afresh.
func (e *RotationError) Resumable() bool {
	var locked *AcceleratorLockedError
	switch {
	case errors.Is(e.Err, ErrCertificateNotFound), errors.Is(e.Err, ErrCertificateExists):
		// The listing the plan was made from was out of date (another
		// writer, say): a re-run reads it again and plans from it.
		return true
	case errors.As(e.Err, &locked),
		errors.Is(e.Err, alicloud.ErrNotFound),
		errors.Is(e.Err, ErrCertificateQuotaExceeded),
		errors.Is(e.Err, ErrListenerProtocolIllegal),
		errors.Is(e.Err, alicloud.ErrInvalidParameter),
		errors.Is(e.Err, alicloud.ErrUnauthorized):
		return false
	}
	return true
}

// Unwrap returns the cause.
func (e *RotationError) Unwrap() error { return e.Err }

// As makes alicloud.ClientTokenOf (errors.As with a
// **alicloud.ClientTokenError) find the rotation's base token first.
func (e *RotationError) As(target any) bool {
	return rotation.As(target, e.ClientToken, e.Sent || alicloud.ClientTokenOf(e.Err) != "", e)
}

// RotateCertificates brings a listener's additional certificates to the
// wanted state, any number of them: each Set domain ends up served by its
// certificate (updated in place when it has another one, associated when
// it has none, left alone when it already has it), and then each Remove
// domain's certificate is dissociated. It lists the listener's
// certificates (every page) and makes a [RotationPlan]; then it makes one
// change at a time, as GA's accelerator lock demands, and after each waits
// until the listener is active, the domains are as wanted and the
// accelerator is active again: first every Update, then every Associate,
// then every Dissociate. Before it lists, it waits until the listener and
// the accelerator are active (checking at once): a change still under way
// (an interrupted run's, another caller's) is not planned again, and a
// listener or accelerator being deleted ends the rotation at once, before
// any write (*ListenerDeletingError, *AcceleratorDeletingError, matching
// alicloud.ErrNotFound).
//
// It converges: what is already so is skipped and reported (Unchanged,
// AlreadyDissociated); a run with nothing to do sends no write request (it
// only checks that listener and accelerator are active); running it again
// with the same input after an interruption (a crash, a cancel, an error)
// finishes the work and repeats nothing done. DryRun returns the plan after
// prechecking each planned Update with the service's DryRun, and changes
// nothing.
//
// maxWait bounds each wait (ErrWaitTimeout): the first, for the listener
// and accelerator to be active, and the one after each call. It includes
// any time the accelerator is locked by other changes, on this listener or
// on another listener of the accelerator (GA takes one change per
// accelerator at a time): rotations of several listeners of one
// accelerator, concurrent or not, take turns, and each wait may last
// through the other's changes. Bound the whole rotation with ctx. optFns
// adjust the polling delays. Busy answers of the listener or accelerator
// are retried with the call's ClientToken (alicloud.RetryPolicy,
// MaxConflictWait).
//
// Bad input is a *alicloud.ValidationError and nothing is sent: nil input,
// invalid ids, empty or invalid domains or certificate ids, a domain twice
// in Set with different certificates, a domain in both Set and Remove, Set
// and Remove both empty, an invalid ClientToken, maxWait ≤ 0. An error of
// the listing is returned as is (nothing was sent). A plan that would take
// the listener past MaxAdditionalCertificates (listed + associated, since
// nothing is removed before every association) is a *CertificateLimitError,
// returned before any write (DryRun too) with the output holding the plan. Any error after the
// first write is a *RotationError, returned with the output so far.
//
// Each step is logged at Info (each poll at Debug, failures at Warn)
// through Config.Logger and reported to in.Progress.
func (c *Client) RotateCertificates(ctx context.Context, in *RotateCertificatesInput,
	maxWait time.Duration, optFns ...func(*alicloud.WaiterOptions)) (*RotateCertificatesOutput, error) {
	set, remove, err := in.validate()
	if err != nil {
		return nil, err
	}
	if err := validate.MaxWait(maxWait); err != nil {
		return nil, err
	}
	r := &rotator{c: c, in: in, set: set, remove: remove, maxWait: maxWait,
		out: &RotateCertificatesOutput{ClientToken: rotation.BaseToken(in.ClientToken)},
		rep: rotation.Reporter{Service: ServiceName, ListenerID: in.ListenerID, Progress: in.Progress, Logger: c.logger,
			Attrs: []slog.Attr{slog.String("accelerator", in.AcceleratorID)}, ItemsKey: "domains"}}
	r.opts = waiter.Options(append(slices.Clip(optFns), r.rep.OnPoll))
	r.out.Plan, err = r.plan(ctx)
	if err != nil {
		return nil, r.rep.Finish(ctx, err)
	}
	p := r.out.Plan
	r.out.Unchanged, r.out.AlreadyDissociated = p.Unchanged, p.AlreadyDissociated
	if err := checkCertificateLimit(p, len(r.listed)); err != nil {
		return r.out, r.rep.Finish(ctx, err)
	}
	r.rep.Planned(ctx, p.Calls(), p.domains())
	if in.DryRun {
		err = r.precheck(ctx)
	} else {
		err = r.apply(ctx)
	}
	return r.out, r.rep.Finish(ctx, err)
}

// domains lists the domains the plan changes, in the order of effect.
func (p RotationPlan) domains() []string {
	var d []string
	for _, u := range p.Update {
		d = append(d, u.Domain)
	}
	for _, batch := range p.Associate {
		for _, dc := range batch {
			d = append(d, dc.Domain)
		}
	}
	for _, batch := range p.Dissociate {
		d = append(d, batch...)
	}
	return d
}

// validate checks in and returns Set and Remove without repeats.
func (in *RotateCertificatesInput) validate() (set []DomainCertificate, remove []string, err error) {
	if in == nil {
		return nil, nil, &alicloud.ValidationError{Field: "input", Reason: "must not be nil"}
	}
	if err := validateTarget(in.AcceleratorID, in.ListenerID, in.ClientToken); err != nil {
		return nil, nil, err
	}
	if len(in.Set) == 0 && len(in.Remove) == 0 {
		return nil, nil, &alicloud.ValidationError{Field: "Set", Reason: "Set and Remove are both empty: nothing to rotate"}
	}
	if len(in.Set) > MaxRotationDomains || len(in.Remove) > MaxRotationDomains {
		return nil, nil, &alicloud.ValidationError{Field: "Set", Reason: "Set and Remove may hold at most " +
			strconv.Itoa(MaxRotationDomains) + " domains each"}
	}
	seen := map[string]int{} // lower-cased domain → index in in.Set
	for i, dc := range in.Set {
		field := indexed("Set", i)
		if err := validate.ID(field+".Domain", dc.Domain); err != nil {
			return nil, nil, err
		}
		if err := validate.ID(field+".CertificateID", dc.CertificateID); err != nil {
			return nil, nil, err
		}
		key := strings.ToLower(dc.Domain)
		if j, ok := seen[key]; ok {
			if in.Set[j].CertificateID != dc.CertificateID {
				return nil, nil, &alicloud.ValidationError{Field: field, Reason: "domain " + strconv.Quote(dc.Domain) +
					" is also " + indexed("Set", j) + " with certificate " + strconv.Quote(in.Set[j].CertificateID) +
					" (domains are compared case-insensitively)"}
			}
			continue
		}
		seen[key] = i
		set = append(set, dc)
	}
	removed := map[string]bool{}
	for i, d := range in.Remove {
		field := indexed("Remove", i)
		if err := validate.ID(field, d); err != nil {
			return nil, nil, err
		}
		key := strings.ToLower(d)
		if j, ok := seen[key]; ok {
			return nil, nil, &alicloud.ValidationError{Field: field, Reason: strconv.Quote(d) + " is also " +
				indexed("Set", j) + " (domains are compared case-insensitively)"}
		}
		if !removed[key] {
			removed[key] = true
			remove = append(remove, d)
		}
	}
	return set, remove, nil
}

// planRotation computes the plan from the listener's additional
// certificates (keyed by lower-cased domain).
func planRotation(acceleratorID, listenerID string, set []DomainCertificate, remove []string,
	certs map[string]ListenerCertificate) RotationPlan {
	p := RotationPlan{AcceleratorID: acceleratorID, ListenerID: listenerID}
	var associate []DomainCertificate
	var dissociate []string
	for _, dc := range set {
		cur, ok := certs[strings.ToLower(dc.Domain)]
		switch {
		case !ok:
			associate = append(associate, dc)
		case cur.CertificateID == dc.CertificateID:
			p.Unchanged = append(p.Unchanged, dc.Domain)
		default:
			p.Update = append(p.Update, PlannedUpdate{Domain: dc.Domain, CertificateID: dc.CertificateID,
				CurrentCertificateID: cur.CertificateID})
		}
	}
	for _, d := range remove {
		if _, ok := certs[strings.ToLower(d)]; ok {
			dissociate = append(dissociate, d)
		} else {
			p.AlreadyDissociated = append(p.AlreadyDissociated, d)
		}
	}
	// Sorted before batching: the same sets give the same calls (and so the
	// same derived ClientTokens) whatever the order of Set and Remove.
	slices.SortFunc(associate, func(a, b DomainCertificate) int {
		return strings.Compare(strings.ToLower(a.Domain), strings.ToLower(b.Domain))
	})
	slices.SortFunc(dissociate, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	p.Associate = slices.Collect(slices.Chunk(associate, MaxDomainsPerCall))
	p.Dissociate = slices.Collect(slices.Chunk(dissociate, MaxDomainsPerCall))
	return p
}

// rotator is one run of RotateCertificates.
type rotator struct {
	c       *Client
	in      *RotateCertificatesInput
	set     []DomainCertificate
	remove  []string
	maxWait time.Duration
	opts    alicloud.WaiterOptions
	out     *RotateCertificatesOutput
	rep     rotation.Reporter              // progress; counts the write calls finished
	step    string                         // the step under way, for errors
	token   string                         // the token of the call under way, for errors
	listed  map[string]ListenerCertificate // the listing the plan was made from
}

// plan waits until the listener and accelerator are settled (a change still
// under way, an interrupted run's say, could otherwise be planned again;
// one being deleted ends the rotation at once), then lists the listener and
// makes the plan.
func (r *rotator) plan(ctx context.Context) (RotationPlan, error) {
	if err := r.c.settle(ctx, r.in.AcceleratorID, r.in.ListenerID, r.maxWait, r.opts); err != nil {
		return RotationPlan{}, err
	}
	certs, err := r.c.additionalCertificates(ctx, r.in.AcceleratorID, r.in.ListenerID)
	if err != nil {
		return RotationPlan{}, err
	}
	r.listed = certs
	return planRotation(r.in.AcceleratorID, r.in.ListenerID, r.set, r.remove, certs), nil
}

// precheck sends each planned Update with DryRun. Dry runs change
// nothing, so they get tokens of their own (generated), never a real
// call's.
func (r *rotator) precheck(ctx context.Context) error {
	for _, u := range r.out.Plan.Update {
		if _, err := r.c.change(ctx, opUpdate, r.in.AcceleratorID, r.in.ListenerID, "", true,
			updateParams(u.Domain, u.CertificateID)...); err != nil {
			return err
		}
	}
	return nil
}

func (r *rotator) apply(ctx context.Context) error {
	p := r.out.Plan
	for _, u := range p.Update {
		dc := DomainCertificate{Domain: u.Domain, CertificateID: u.CertificateID}
		err := r.change(ctx, alicloud.StepUpdate, opUpdate, []string{dc.Domain}, pairItems([]DomainCertificate{dc}),
			domainWant{served: []DomainCertificate{dc}}, updateParams(u.Domain, u.CertificateID))
		if err != nil {
			return err
		}
		r.out.Updated = append(r.out.Updated, u.Domain)
	}
	for _, batch := range p.Associate {
		domains := make([]string, len(batch))
		for i, dc := range batch {
			domains[i] = dc.Domain
		}
		if err := r.change(ctx, alicloud.StepAssociate, opAssociate, domains, pairItems(batch),
			domainWant{served: batch}, associateParams(batch)); err != nil {
			return err
		}
		r.out.Associated = append(r.out.Associated, domains...)
	}
	for _, batch := range p.Dissociate {
		if err := r.change(ctx, alicloud.StepDissociate, opDissociate, batch, domainItems(batch),
			domainWant{absent: batch}, dissociateParams(batch)); err != nil {
			return err
		}
		r.out.Dissociated = append(r.out.Dissociated, batch...)
	}
	if p.Calls() == 0 {
		// Nothing to do: plan settled listener and accelerator first; wait
		// only should a listed Set domain not be active yet.
		r.step = alicloud.StepWait
		if err := r.c.waitUnlessSo(ctx, r.in.AcceleratorID, r.in.ListenerID, domainWant{served: r.set}, r.listed,
			r.maxWait, r.opts); err != nil {
			return r.fail(ctx, err)
		}
	}
	return nil
}

// change makes one planned call, with a token derived from the base and
// the call's items, and waits until it has taken effect.
func (r *rotator) change(ctx context.Context, step, op string, domains, items []string, want domainWant,
	params []signer.Param) error {
	r.step = step
	r.token = derivedToken(r.out.ClientToken, op, r.in.AcceleratorID, r.in.ListenerID, items)
	res, err := r.c.change(ctx, op, r.in.AcceleratorID, r.in.ListenerID, r.token, false, params...)
	if err != nil {
		return r.fail(ctx, err)
	}
	r.rep.Report(ctx, alicloud.ProgressEvent{Step: step, Items: domains, ClientToken: r.token})
	r.step = alicloud.StepWait
	if err := r.c.waitChange(ctx, r.in.AcceleratorID, r.in.ListenerID, want, r.maxWait, r.opts, false); err != nil {
		return r.fail(ctx, idem.WithToken(res.ClientToken, err))
	}
	r.rep.Done++
	return nil
}

func (r *rotator) fail(ctx context.Context, err error) error {
	e := &RotationError{AcceleratorID: r.in.AcceleratorID, ListenerID: r.in.ListenerID, ClientToken: r.out.ClientToken,
		Step: r.step, CallClientToken: r.token, Err: err}
	e.Done = *r.out
	e.Sent = r.rep.Done > 0 || alicloud.ClientTokenOf(err) != ""
	e.Done.Updated = slices.Clone(r.out.Updated)
	e.Done.Associated = slices.Clone(r.out.Associated)
	e.Done.Dissociated = slices.Clone(r.out.Dissociated)
	for _, dc := range r.set {
		if !slices.Contains(r.out.Updated, dc.Domain) && !slices.Contains(r.out.Associated, dc.Domain) &&
			!slices.Contains(r.out.Unchanged, dc.Domain) {
			e.NotServed = append(e.NotServed, dc.Domain)
		}
	}
	for _, d := range r.remove {
		if !slices.Contains(r.out.Dissociated, d) && !slices.Contains(r.out.AlreadyDissociated, d) {
			e.NotDissociated = append(e.NotDissociated, d)
		}
	}
	r.rep.Report(ctx, alicloud.ProgressEvent{Step: r.step, Items: nil, ClientToken: r.token, Err: err})
	return e
}
