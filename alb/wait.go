package alb

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/safetext"
	"github.com/listenercerts/alicloud/internal/validate"
	"github.com/listenercerts/alicloud/internal/waiter"
)

// CertificatesDissociatedWaiter waits until certificates are dissociated
// from a listener, polling ListListenerCertificates.
type CertificatesDissociatedWaiter struct{ w certWaiter }

// CertificatesAssociatedWaiter waits until certificates are Associated with
// a listener, polling ListListenerCertificates.
type CertificatesAssociatedWaiter struct{ w certWaiter }

// NewCertificatesDissociatedWaiter returns a waiter using c. optFns adjust
// the polling delays.
func NewCertificatesDissociatedWaiter(c *Client, optFns ...func(*alicloud.WaiterOptions)) *CertificatesDissociatedWaiter {
	return &CertificatesDissociatedWaiter{newCertWaiter(c, "Dissociated", dissociated, optFns)}
}

// NewCertificatesAssociatedWaiter returns a waiter using c. optFns adjust
// the polling delays.
func NewCertificatesAssociatedWaiter(c *Client, optFns ...func(*alicloud.WaiterOptions)) *CertificatesAssociatedWaiter {
	return &CertificatesAssociatedWaiter{newCertWaiter(c, "Associated", associated, optFns)}
}

// dissociated: no longer listed (the service's end state), or listed with
// the status Dissociated (older emulators).
func dissociated(cert ListenerCertificate, listed bool) bool {
	return !listed || strings.EqualFold(cert.Status, StatusDissociated)
}

func associated(cert ListenerCertificate, listed bool) bool {
	return listed && strings.EqualFold(cert.Status, StatusAssociated)
}

// JobFailedError reports an asynchronous job that ended Failed. It matches
// alicloud.ErrConflict.
type JobFailedError struct {
	JobID        string
	ErrorCode    string
	ErrorMessage string
}

// Error names the job and the service's reason (escaped and bounded: it is
// the service's text; the fields keep it whole).
func (e *JobFailedError) Error() string {
	return fmt.Sprintf("alb: job %s failed: %s: %s", safetext.String(e.JobID, 128), safetext.String(e.ErrorCode, 128),
		safetext.String(e.ErrorMessage, 1024))
}

// Is reports whether target is alicloud.ErrConflict.
func (e *JobFailedError) Is(target error) bool { return target == alicloud.ErrConflict }

// Wait returns nil once every given certificate is no longer listed on the
// listener (the service's end state; a certificate listed as Dissociated is
// accepted too). Statuses are compared case-insensitively, and both
// "Dissociating" and "Diassociating" count as pending. Arguments are
// validated before the first poll. It polls with a growing, jittered delay
// (see alicloud.WaiterOptions); after maxWait it returns an error matching
// alicloud.ErrWaitTimeout that names the certificates still pending, and it
// returns at once when ctx ends or the listener is gone
// (ErrListenerNotFound).
func (w *CertificatesDissociatedWaiter) Wait(ctx context.Context, listenerID string, certificateIDs []string, maxWait time.Duration) error {
	return w.w.wait(ctx, listenerID, certificateIDs, "", maxWait)
}

// WaitForJob is Wait that watches the job a Dissociate call returned: while
// the job runs, each poll calls ListAsynJobs alone; a job that ends Failed
// ends the wait at once with a *JobFailedError; once the job has Succeeded,
// one listing confirms that the certificates are gone (polls go on listing
// until it does). See [CertificatesAssociatedWaiter.WaitForJob] for the
// details.
func (w *CertificatesDissociatedWaiter) WaitForJob(ctx context.Context, listenerID string, certificateIDs []string, jobID string, maxWait time.Duration) error {
	if err := validate.ID("jobID", jobID); err != nil {
		return err
	}
	return w.w.wait(ctx, listenerID, certificateIDs, jobID, maxWait)
}

// Wait returns nil once every given certificate is listed on the listener
// with the status Associated (compared case-insensitively). A certificate
// not listed yet is pending. Otherwise it behaves as
// [CertificatesDissociatedWaiter.Wait]: validation first, growing delays,
// ErrWaitTimeout naming what is pending, at once on a done ctx or a listener
// that is gone (ErrListenerNotFound).
func (w *CertificatesAssociatedWaiter) Wait(ctx context.Context, listenerID string, certificateIDs []string, maxWait time.Duration) error {
	return w.w.wait(ctx, listenerID, certificateIDs, "", maxWait)
}

// WaitForJob is Wait that watches the job an Associate call returned, which
// costs fewer requests than Wait:
//
//   - while the job is Processing, each poll calls ListAsynJobs alone (one
//     request; the pending description then names the job);
//   - a job that ends Failed (the service then drops the certificates it was
//     adding) ends the wait at once with a *JobFailedError;
//   - once the job has Succeeded, one ListListenerCertificates confirms the
//     wanted state; should the listing lag behind the job, the polls that
//     follow list (only) until it shows the wanted state;
//   - a job that ListAsynJobs does not return (forgotten, say) is not waited
//     for: the poll lists, as Wait does;
//   - every jobListingEvery-th poll (8th) of a job still Processing lists
//     too, so that a listener deleted meanwhile ends the wait
//     (ErrListenerNotFound), and certificates the listing shows in the
//     wanted state end it as they would Wait;
//   - a caller not allowed alb:ListAsynJobs (a RAM denial, matching
//     alicloud.ErrUnauthorized) is not failed: the wait lists, as Wait
//     does. DissociateAndWait, AssociateAndWait and RotateCertificates
//     wait this way, so they need only alb:ListListenerCertificates
//     besides the write permission.
func (w *CertificatesAssociatedWaiter) WaitForJob(ctx context.Context, listenerID string, certificateIDs []string, jobID string, maxWait time.Duration) error {
	if err := validate.ID("jobID", jobID); err != nil {
		return err
	}
	return w.w.wait(ctx, listenerID, certificateIDs, jobID, maxWait)
}

// certWaiter polls ListListenerCertificates until every given certificate
// is in the wanted state; given a job, it polls ListAsynJobs first, until
// the job is over (see WaitForJob).
type certWaiter struct {
	client *Client
	opts   alicloud.WaiterOptions
	poller waiter.Poller
	want   string                                           // for messages: "Associated"
	done   func(cert ListenerCertificate, listed bool) bool // the wanted state
}

func newCertWaiter(c *Client, want string, done func(ListenerCertificate, bool) bool,
	optFns []func(*alicloud.WaiterOptions)) certWaiter {
	return certWaiter{client: c, want: want, done: done, opts: waiter.Options(optFns), poller: c.t.Poller("Certificates" + want)}
}

func (w certWaiter) wait(ctx context.Context, listenerID string, certificateIDs []string, jobID string, maxWait time.Duration) error {
	if err := validate.ID("listenerID", listenerID); err != nil {
		return err
	}
	if err := validate.List("certificateIDs", certificateIDs, MaxListResults); err != nil {
		return err
	}
	what := fmt.Sprintf("certificates of listener %s to be %s", listenerID, w.want)
	list := func(ctx context.Context) (bool, string, error) {
		pending, err := w.pending(ctx, listenerID, certificateIDs)
		if err != nil || len(pending) == 0 {
			return err == nil, "", err
		}
		return false, strings.Join(pending, ", "), nil
	}
	if jobID == "" {
		return w.poller.Wait(ctx, what, w.opts, maxWait, list)
	}
	// Watch the job until it is no longer Processing, then confirm with
	// the listing (see WaitForJob).
	jobOver, polls := false, 0
	return w.poller.Wait(ctx, what, w.opts, maxWait, func(ctx context.Context) (bool, string, error) {
		polls++
		if !jobOver {
			job, found, err := w.job(ctx, jobID)
			switch {
			case errors.Is(err, alicloud.ErrUnauthorized):
				// A RAM policy without alb:ListAsynJobs: the change was
				// accepted, and the listing alone can tell when it is done.
				jobOver = true
			case err != nil:
				return false, "", err
			case !found: // not waited for: the listing decides
			case strings.EqualFold(job.Status, JobFailed):
				return false, "", &JobFailedError{JobID: job.ID, ErrorCode: job.ErrorCode, ErrorMessage: job.ErrorMessage}
			case strings.EqualFold(job.Status, JobSucceeded):
				jobOver = true
			case polls%jobListingEvery != 0:
				return false, fmt.Sprintf("job %s %s (certificates %s)", jobID, job.Status, strings.Join(certificateIDs, ", ")), nil
			}
		}
		return list(ctx)
	})
}

// jobListingEvery: while a job is Processing, every jobListingEvery-th poll
// lists as well, so that a listener deleted meanwhile is noticed.
const jobListingEvery = 8

// pending lists "id (Status)" for each given certificate not yet in the
// wanted state ("id (not listed)" for one the listing lacks).
func (w certWaiter) pending(ctx context.Context, listenerID string, ids []string) ([]string, error) {
	listed := make(map[string]ListenerCertificate, len(ids))
	in := &ListListenerCertificatesInput{ListenerID: listenerID, CertificateIDs: ids, MaxResults: MaxListResults}
	for cert, err := range w.client.AllListenerCertificates(ctx, in) {
		if err != nil {
			return nil, err
		}
		if slices.Contains(ids, cert.CertificateID) {
			listed[cert.CertificateID] = cert
		}
	}
	var pending []string
	for _, id := range ids {
		cert, ok := listed[id]
		switch {
		case w.done(cert, ok):
		case ok:
			pending = append(pending, id+" ("+cert.Status+")")
		default:
			pending = append(pending, id+" (not listed)")
		}
	}
	return pending, nil
}

// job returns the job jobID as ListAsynJobs reports it; found is false when
// the answer does not include it.
func (w certWaiter) job(ctx context.Context, jobID string) (job Job, found bool, err error) {
	out, err := w.client.ListAsynJobs(ctx, &ListAsynJobsInput{JobIDs: []string{jobID}})
	if err != nil {
		return Job{}, false, err
	}
	for _, j := range out.Jobs {
		if j.ID == jobID {
			return j, true, nil
		}
	}
	return Job{}, false, nil
}
