package alb

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/idem"
	"github.com/listenercerts/alicloud/internal/rotation"
	"github.com/listenercerts/alicloud/internal/validate"
)

// MaxRotationCertificates is the most ids RotateCertificatesInput.Add and
// Remove may each hold.
const MaxRotationCertificates = 1000

// RotateCertificatesInput is the input of [Client.RotateCertificates].
type RotateCertificatesInput struct {
	// ListenerID is the HTTPS or QUIC listener. Required.
	ListenerID string
	// Add are the certificates the listener must serve: distinct,
	// non-empty ids, any number up to MaxRotationCertificates.
	Add []string
	// Remove are the certificates that must go once every Add certificate
	// serves: distinct, non-empty ids, none of them in Add nor the
	// listener's default certificate. Add and Remove may not both be empty.
	Remove []string
	// DryRun reads the listener, makes the plan and prechecks each planned
	// call with the service's DryRun (one DryRun request per call, which
	// changes nothing); no change is made.
	DryRun bool
	// ClientToken is the base from which the ClientToken of every call is
	// derived (with the operation, the listener and the ids of the call).
	// Optional: when empty, a random base is drawn for the run. Give one to
	// make a re-run after an interruption reuse the tokens of the calls it
	// repeats (the service then answers a call that did act with its first
	// answer instead of acting again); use a new one per rotation.
	ClientToken string
	// Progress, when set, receives an event per step (alicloud.StepPlan,
	// StepAssociate, StepDissociate, StepWait for each poll, StepDone),
	// from the goroutine running the rotation. It must be quick.
	Progress alicloud.ProgressFunc
}

// RotateCertificatesOutput is the result of [Client.RotateCertificates].
type RotateCertificatesOutput struct {
	Associated, AlreadyAssociated   []string
	Dissociated, AlreadyDissociated []string
	JobIDs                          []string // every job started, in order
	// Plan is what the rotation set out to do, read from the listing
	// before the first write (a DryRun returns only the plan).
	Plan RotationPlan
	// ClientToken is the base the call tokens were derived from: the
	// input's, or the one drawn for this run.
	ClientToken string
}

// RotationPlan is what a rotation does to a listener, computed from its
// listing: the calls to make, in order, and what is already so. It is a
// plain value; [Client.RotateCertificates] applies it in this order:
// every Associate call (each waited for), then the wait for AwaitAssociated,
// then every Dissociate call (each waited for), then the wait for
// AwaitDissociated.
type RotationPlan struct {
	ListenerID           string
	DefaultCertificateID string // as listed; "" when the listing shows none
	// Associate are the Associate calls, at most MaxCertificatesPerCall ids each.
	Associate [][]string
	// Dissociate are the Dissociate calls, at most MaxCertificatesPerCall ids each.
	Dissociate [][]string
	// AlreadyAssociated are the Add ids listed Associated or Associating
	// (or the default certificate); AlreadyDissociated the Remove ids not
	// listed or Dissociating. Neither is sent.
	AlreadyAssociated, AlreadyDissociated []string
	// AwaitAssociated and AwaitDissociated are the ids among them that an
	// earlier job is still changing: waited for, not sent.
	AwaitAssociated, AwaitDissociated []string
}

// Calls returns how many write calls the plan makes.
func (p RotationPlan) Calls() int { return len(p.Associate) + len(p.Dissociate) }

// RotationError reports a rotation that stopped once it had begun (after its
// plan):
// what was done, what was not, and the cause (Unwrap). Dissociations come
// only after every Add certificate was confirmed Associated, so a failure
// never leaves the listener without a certificate it is to serve.
// Re-running RotateCertificates with the same input resumes: it reads the
// listener again and does only what is left. Once a write was sent (Sent),
// alicloud.ClientTokenOf returns ClientToken, the rotation's base token:
// set it as the input's ClientToken for the re-run to reuse the tokens of
// interrupted calls.
type RotationError struct {
	ListenerID  string
	ClientToken string
	Step        string // alicloud.StepAssociate, StepDissociate or StepWait: where it stopped
	// Done is what was done before the failure (Associated and Dissociated
	// list confirmed changes; JobIDs every job started, the last possibly
	// unconfirmed).
	Done RotateCertificatesOutput
	// NotAssociated are the Add ids not confirmed Associated;
	// NotDissociated the Remove ids not confirmed gone.
	NotAssociated, NotDissociated []string
	Err                           error
	// Sent reports whether any write request was sent before the failure.
	// Only then does alicloud.ClientTokenOf return ClientToken.
	Sent bool
}

// Error says where the rotation stopped, why, what is done and what is
// left, and that a re-run resumes.
func (e *RotationError) Error() string {
	return rotation.ErrorText(fmt.Sprintf("alb: rotation of listener %s stopped at %s: %v; done: associated %s, dissociated %s; not done: associate %s, dissociate %s; ",
		e.ListenerID, e.Step, e.Err, rotation.List(e.Done.Associated), rotation.List(e.Done.Dissociated),
		rotation.List(e.NotAssociated), rotation.List(e.NotDissociated)),
		len(e.Done.Dissociated) > 0, "every new certificate was Associated before any dissociation", e.ClientToken, e.Resumable())
}

// Resumable reports whether re-running the same input can finish the work
// without a change elsewhere first: not when the listener is gone or is an
// HTTP listener, the request was refused as invalid, or the caller is not
// authorized.
func (e *RotationError) Resumable() bool {
	switch {
	case errors.Is(e.Err, alicloud.ErrNotFound), errors.Is(e.Err, ErrHTTPListenerNotSupported),
		errors.Is(e.Err, alicloud.ErrInvalidParameter), errors.Is(e.Err, alicloud.ErrUnauthorized):
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
// wanted state, any number of them. It lists the listener's certificates
// and makes a [RotationPlan]; associates every Add certificate not yet
// there, in calls of at most MaxCertificatesPerCall, one job at a time,
// waiting after each until its certificates are Associated (and for Add
// certificates an earlier job was still associating); only then dissociates
// every Remove certificate still there, in calls of at most
// MaxCertificatesPerCall, waiting after each until they are gone. A listener
// never loses a certificate before its replacements serve.
//
// It converges: what is already so is skipped and reported
// (AlreadyAssociated, AlreadyDissociated); a run with nothing to do sends no
// write request; running it again with the same input after an
// interruption (a crash, a cancel, an error) finishes the work and repeats
// nothing done. Should another writer change the listener after the plan
// (the service answers ResourceAlreadyAssociated or ResourceNotAssociated),
// the call's certificates are listed again: those already so are reported,
// the rest sent. DryRun returns the plan after prechecking each planned call
// with the service's DryRun, and changes nothing.
//
// maxWait bounds each wait for one change to take effect (ErrWaitTimeout);
// bound the whole rotation with ctx. optFns adjust the polling delays.
// Busy answers of the listener are retried (alicloud.RetryPolicy).
//
// Bad input is a *alicloud.ValidationError and nothing is sent: nil input,
// an invalid ListenerID, empty, duplicate or invalid ids, Add and Remove
// both empty, an id in both, an invalid ClientToken, maxWait ≤ 0, and,
// found by the listing before any write, the listener's default
// certificate in Remove (that error also matches ErrDefaultCertificateUsed).
// An error of the listing is returned as is (nothing was sent). Any error
// after the first write is a *RotationError, returned with the output so far.
//
// Each step is logged at Info (each poll at Debug) through Config.Logger
// and reported to in.Progress.
func (c *Client) RotateCertificates(ctx context.Context, in *RotateCertificatesInput,
	maxWait time.Duration, optFns ...func(*alicloud.WaiterOptions)) (*RotateCertificatesOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	if err := validate.MaxWait(maxWait); err != nil {
		return nil, err
	}
	r := &rotator{c: c, in: in, maxWait: maxWait, out: &RotateCertificatesOutput{ClientToken: rotation.BaseToken(in.ClientToken)},
		rep: rotation.Reporter{Service: ServiceName, ListenerID: in.ListenerID, Progress: in.Progress, Logger: c.logger,
			ItemsKey: "certificates"}}
	r.optFns = append(slices.Clip(optFns), r.rep.OnPoll)
	listed, err := c.listed(ctx, in.ListenerID, nil)
	if err == nil {
		r.out.Plan, err = planRotation(in, listed)
	}
	if err != nil {
		return nil, r.rep.Finish(ctx, err)
	}
	p := r.out.Plan
	r.out.AlreadyAssociated, r.out.AlreadyDissociated = slices.Clone(p.AlreadyAssociated), slices.Clone(p.AlreadyDissociated)
	r.rep.Planned(ctx, p.Calls(), slices.Concat(slices.Concat(p.Associate...), slices.Concat(p.Dissociate...)))
	if in.DryRun {
		err = r.precheck(ctx)
	} else {
		err = r.apply(ctx)
	}
	return r.out, r.rep.Finish(ctx, err)
}

func (in *RotateCertificatesInput) validate() error {
	if in == nil {
		return &alicloud.ValidationError{Field: "input", Reason: "must not be nil"}
	}
	if err := validate.ID("ListenerID", in.ListenerID); err != nil {
		return err
	}
	if len(in.Add) == 0 && len(in.Remove) == 0 {
		return &alicloud.ValidationError{Field: "Add", Reason: "Add and Remove are both empty: nothing to rotate"}
	}
	for _, l := range []struct {
		field string
		ids   []string
	}{{"Add", in.Add}, {"Remove", in.Remove}} {
		if len(l.ids) > 0 {
			if err := validate.List(l.field, l.ids, MaxRotationCertificates); err != nil {
				return err
			}
		}
	}
	for i, id := range in.Remove {
		if j := slices.Index(in.Add, id); j >= 0 {
			return &alicloud.ValidationError{Field: "Remove[" + strconv.Itoa(i) + "]",
				Reason: strconv.Quote(id) + " is also Add[" + strconv.Itoa(j) + "]"}
		}
	}
	return validate.ClientToken(in.ClientToken)
}

// planRotation computes the plan from the listener's certificates, by id.
func planRotation(in *RotateCertificatesInput, listed map[string]ListenerCertificate) (RotationPlan, error) {
	p := RotationPlan{ListenerID: in.ListenerID}
	for _, cert := range listed {
		if cert.IsDefault {
			p.DefaultCertificateID = cert.CertificateID
		}
	}
	var associate, dissociate []string
	for _, id := range in.Add {
		cert, ok := listed[id]
		switch {
		case ok && cert.IsDefault, association.done(cert, ok):
			p.AlreadyAssociated = append(p.AlreadyAssociated, id)
		case association.underway(cert, ok):
			p.AlreadyAssociated = append(p.AlreadyAssociated, id)
			p.AwaitAssociated = append(p.AwaitAssociated, id)
		default:
			associate = append(associate, id)
		}
	}
	for i, id := range in.Remove {
		cert, ok := listed[id]
		switch {
		case ok && cert.IsDefault:
			return RotationPlan{}, errDefaultCertificate("Remove["+strconv.Itoa(i)+"]", in.ListenerID, id)
		case dissociation.done(cert, ok):
			p.AlreadyDissociated = append(p.AlreadyDissociated, id)
		case dissociation.underway(cert, ok):
			p.AlreadyDissociated = append(p.AlreadyDissociated, id)
			p.AwaitDissociated = append(p.AwaitDissociated, id)
		default:
			dissociate = append(dissociate, id)
		}
	}
	// Sorted before batching: the same sets give the same calls (and so the
	// same derived ClientTokens) whatever the order of Add and Remove.
	slices.Sort(associate)
	slices.Sort(dissociate)
	p.Associate = slices.Collect(slices.Chunk(associate, MaxCertificatesPerCall))
	p.Dissociate = slices.Collect(slices.Chunk(dissociate, MaxCertificatesPerCall))
	return p, nil
}

// rotator is one run of RotateCertificates.
type rotator struct {
	c       *Client
	in      *RotateCertificatesInput
	maxWait time.Duration
	optFns  []func(*alicloud.WaiterOptions)
	out     *RotateCertificatesOutput
	rep     rotation.Reporter // progress; counts the write calls finished
	step    string            // the step under way, for errors
	// awaitedAssociated: the Add certificates an earlier job was
	// associating are confirmed Associated.
	awaitedAssociated bool
}

// precheck sends each planned call with DryRun. Dry runs change nothing,
// so they get tokens of their own (generated), never a real call's.
func (r *rotator) precheck(ctx context.Context) error {
	p := r.out.Plan
	for _, d := range []struct {
		dir     direction
		batches [][]string
	}{{association, p.Associate}, {dissociation, p.Dissociate}} {
		for _, batch := range d.batches {
			if _, err := r.c.change(ctx, d.dir.op, certificateChange{listenerID: p.ListenerID, ids: batch, dryRun: true}); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *rotator) apply(ctx context.Context) error {
	p := r.out.Plan
	for _, batch := range p.Associate {
		changed, err := r.change(ctx, association, alicloud.StepAssociate, batch)
		if err != nil {
			return err
		}
		r.out.Associated = append(r.out.Associated, changed...)
	}
	if err := r.await(ctx, association, p.AwaitAssociated); err != nil {
		return err
	}
	r.awaitedAssociated = true
	for _, batch := range p.Dissociate {
		changed, err := r.change(ctx, dissociation, alicloud.StepDissociate, batch)
		if err != nil {
			return err
		}
		r.out.Dissociated = append(r.out.Dissociated, changed...)
	}
	return r.await(ctx, dissociation, p.AwaitDissociated)
}

// await waits for certificates an earlier job is changing, as many at a
// time as one listing page holds.
func (r *rotator) await(ctx context.Context, d direction, ids []string) error {
	r.step = alicloud.StepWait
	for chunk := range slices.Chunk(ids, MaxListResults) {
		if err := d.waiter(r.c, r.optFns).wait(ctx, r.in.ListenerID, chunk, "", r.maxWait); err != nil {
			return r.fail(ctx, err)
		}
	}
	return nil
}

// change makes one planned call and waits until its job is done. It
// returns the ids it changed. Should the service answer that the listing
// the plan came from is out of date (another writer associated or
// dissociated some of them meanwhile), it lists the batch again, reports
// what is already so, waits for what another job is changing, and sends
// the rest (up to staleRounds times), as the ...AndWait calls do.
func (r *rotator) change(ctx context.Context, d direction, step string, batch []string) ([]string, error) {
	for round := 1; ; round++ {
		r.step = step
		token := batchToken(r.out.ClientToken, d.op, r.in.ListenerID, batch)
		res, err := r.c.change(ctx, d.op, certificateChange{listenerID: r.in.ListenerID, ids: batch, clientToken: token})
		if err != nil && errors.Is(err, d.stale) && round < staleRounds {
			if batch, err = r.restOf(ctx, d, batch); err != nil {
				return nil, r.fail(ctx, idem.WithToken(token, err))
			}
			if len(batch) == 0 {
				return nil, nil
			}
			continue
		}
		if err != nil {
			return nil, r.fail(ctx, err)
		}
		r.out.JobIDs = append(r.out.JobIDs, res.jobID)
		r.rep.Report(ctx, alicloud.ProgressEvent{Step: step, Items: batch, JobID: res.jobID, ClientToken: token})
		r.step = alicloud.StepWait
		if err := d.waiter(r.c, r.optFns).wait(ctx, r.in.ListenerID, batch, res.jobID, r.maxWait); err != nil {
			return nil, r.fail(ctx, waitError(res, err))
		}
		r.rep.Done++
		return batch, nil
	}
}

// restOf lists batch again after a stale answer: ids already in the end
// state are reported as such, ids another job is changing are waited for,
// and the rest is returned, to be sent.
func (r *rotator) restOf(ctx context.Context, d direction, batch []string) ([]string, error) {
	listed, err := r.c.listed(ctx, r.in.ListenerID, batch)
	if err != nil {
		return nil, err
	}
	rest, already, underway := d.split(listed, batch)
	for _, id := range already {
		r.already(d, id)
	}
	if len(underway) > 0 {
		if err := d.waiter(r.c, r.optFns).wait(ctx, r.in.ListenerID, underway, "", r.maxWait); err != nil {
			return nil, err
		}
	}
	return rest, nil
}

// already records id as found in the end state of d.
func (r *rotator) already(d direction, id string) {
	if d.removes {
		r.out.AlreadyDissociated = append(r.out.AlreadyDissociated, id)
	} else {
		r.out.AlreadyAssociated = append(r.out.AlreadyAssociated, id)
	}
}

func (r *rotator) fail(ctx context.Context, err error) error {
	e := &RotationError{ListenerID: r.in.ListenerID, ClientToken: r.out.ClientToken, Step: r.step, Err: err}
	e.Done = *r.out
	e.Sent = r.rep.Done > 0 || alicloud.ClientTokenOf(err) != ""
	e.Done.Associated = slices.Clone(r.out.Associated)
	e.Done.Dissociated = slices.Clone(r.out.Dissociated)
	e.Done.JobIDs = slices.Clone(r.out.JobIDs)
	p := r.out.Plan
	// Found done after a stale answer (restOf waited for them): in out's
	// Already lists but not in the plan's.
	foundDone := func(out, planned []string, id string) bool {
		return slices.Contains(out, id) && !slices.Contains(planned, id)
	}
	for _, id := range r.in.Add {
		if !slices.Contains(r.out.Associated, id) && !foundDone(r.out.AlreadyAssociated, p.AlreadyAssociated, id) &&
			!(slices.Contains(p.AlreadyAssociated, id) && (r.awaitedAssociated || !slices.Contains(p.AwaitAssociated, id))) {
			e.NotAssociated = append(e.NotAssociated, id)
		}
	}
	for _, id := range r.in.Remove {
		if !slices.Contains(r.out.Dissociated, id) && !foundDone(r.out.AlreadyDissociated, p.AlreadyDissociated, id) &&
			!(slices.Contains(p.AlreadyDissociated, id) && !slices.Contains(p.AwaitDissociated, id)) {
			e.NotDissociated = append(e.NotDissociated, id)
		}
	}
	r.rep.Report(ctx, alicloud.ProgressEvent{Step: r.step, Err: err})
	return e
}
