package alb

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/validate"
	"github.com/listenercerts/alicloud/internal/waiter"
)

// CertificatesDissociatedWaiter waits until certificates are dissociated
// from a listener, polling ListListenerCertificates.
type CertificatesDissociatedWaiter struct {
	client *Client
	opts   alicloud.WaiterOptions
	poller waiter.Poller
}

// NewCertificatesDissociatedWaiter returns a waiter using c. optFns adjust
// the polling delays.
func NewCertificatesDissociatedWaiter(c *Client, optFns ...func(*alicloud.WaiterOptions)) *CertificatesDissociatedWaiter {
	w := &CertificatesDissociatedWaiter{client: c, poller: c.t.Poller("CertificatesDissociated")}
	for _, fn := range optFns {
		fn(&w.opts)
	}
	return w
}

// JobFailedError reports an asynchronous job that ended Failed. It matches
// alicloud.ErrConflict.
type JobFailedError struct {
	JobID        string
	ErrorCode    string
	ErrorMessage string
}

// Error names the job and the service's reason.
func (e *JobFailedError) Error() string {
	return fmt.Sprintf("alb: job %s failed: %s: %s", e.JobID, e.ErrorCode, e.ErrorMessage)
}

// Is reports whether target is alicloud.ErrConflict.
func (e *JobFailedError) Is(target error) bool { return target == alicloud.ErrConflict }

// Wait returns nil once every given certificate is Dissociated or no longer
// listed on the listener. Arguments are validated before the first poll. It polls with a growing, jittered delay (see
// alicloud.WaiterOptions); after maxWait it returns an error matching
// alicloud.ErrWaitTimeout that names the certificates still pending, and it
// returns at once when ctx ends or the listener is gone
// (ErrListenerNotFound).
func (w *CertificatesDissociatedWaiter) Wait(ctx context.Context, listenerID string, certificateIDs []string, maxWait time.Duration) error {
	return w.wait(ctx, listenerID, certificateIDs, "", maxWait)
}

// WaitForJob is Wait that also watches the job a Dissociate call returned:
// a job that ends Failed ends the wait at once with a *JobFailedError. Each
// poll that finds certificates still pending also calls ListAsynJobs.
func (w *CertificatesDissociatedWaiter) WaitForJob(ctx context.Context, listenerID string, certificateIDs []string, jobID string, maxWait time.Duration) error {
	if err := validate.ID("jobID", jobID); err != nil {
		return err
	}
	return w.wait(ctx, listenerID, certificateIDs, jobID, maxWait)
}

func (w *CertificatesDissociatedWaiter) wait(ctx context.Context, listenerID string, certificateIDs []string, jobID string, maxWait time.Duration) error {
	if err := validate.ID("listenerID", listenerID); err != nil {
		return err
	}
	if err := validate.List("certificateIDs", certificateIDs, MaxListResults); err != nil {
		return err
	}
	what := fmt.Sprintf("certificates of listener %s to be Dissociated", listenerID)
	return w.poller.Wait(ctx, what, w.opts, maxWait, func(ctx context.Context) (bool, string, error) {
		pending, err := w.pending(ctx, listenerID, certificateIDs)
		if err != nil || len(pending) == 0 {
			return err == nil, "", err
		}
		if jobID != "" {
			if err := w.checkJob(ctx, jobID); err != nil {
				return false, "", err
			}
		}
		return false, strings.Join(pending, ", "), nil
	})
}

// pending lists "id (Status)" for each given certificate not yet dissociated.
func (w *CertificatesDissociatedWaiter) pending(ctx context.Context, listenerID string, ids []string) ([]string, error) {
	var pending []string
	in := &ListListenerCertificatesInput{ListenerID: listenerID, CertificateIDs: ids, MaxResults: MaxListResults}
	for cert, err := range w.client.AllListenerCertificates(ctx, in) {
		if err != nil {
			return nil, err
		}
		if cert.Status != StatusDissociated && slices.Contains(ids, cert.CertificateID) {
			pending = append(pending, cert.CertificateID+" ("+cert.Status+")")
		}
	}
	return pending, nil
}

func (w *CertificatesDissociatedWaiter) checkJob(ctx context.Context, jobID string) error {
	out, err := w.client.ListAsynJobs(ctx, &ListAsynJobsInput{JobIDs: []string{jobID}})
	if err != nil {
		return err
	}
	for _, j := range out.Jobs {
		if j.ID == jobID && j.Status == JobFailed {
			return &JobFailedError{JobID: j.ID, ErrorCode: j.ErrorCode, ErrorMessage: j.ErrorMessage}
		}
	}
	return nil
}

// DissociateAndWait calls DissociateAdditionalCertificatesFromListener and
// then waits, up to maxWait, until the certificates are Dissociated. Every
// attempt of the call carries one ClientToken (in.ClientToken, or one
// generated), so retrying DissociateAndWait with the same in.ClientToken
// after an error never dissociates twice. A dry run returns without waiting.
//
// On a wait error, the output of the successful call is returned with it,
// so the JobID is not lost. A job that ends Failed gives a *JobFailedError.
func (c *Client) DissociateAndWait(ctx context.Context, in *DissociateAdditionalCertificatesFromListenerInput,
	maxWait time.Duration, optFns ...func(*alicloud.WaiterOptions)) (*DissociateAdditionalCertificatesFromListenerOutput, error) {
	if maxWait <= 0 {
		return nil, &alicloud.ValidationError{Field: "maxWait", Reason: "must be positive"}
	}
	out, err := c.DissociateAdditionalCertificatesFromListener(ctx, in)
	if err != nil || out.DryRunPassed {
		return out, err
	}
	w := NewCertificatesDissociatedWaiter(c, optFns...)
	if err := w.wait(ctx, in.ListenerID, in.CertificateIDs, out.JobID, maxWait); err != nil {
		var jf *JobFailedError
		if errors.As(err, &jf) {
			return out, err
		}
		return out, fmt.Errorf("alb: job %s: %w", out.JobID, err)
	}
	return out, nil
}
