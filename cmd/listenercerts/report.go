package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/alb"
	"github.com/listenercerts/alicloud/ga"
	"github.com/listenercerts/alicloud/internal/safetext"
)

// fail reports err on stderr and returns the exit status.
func (a *app) fail(inv *invocation, err error) int {
	w := a.progress
	if r := rotationStopOf(err); r != nil {
		return a.failRotation(inv, r)
	}
	var (
		apiErr  *alicloud.APIError
		invalid *alicloud.ValidationError
		creds   *credentialsError
	)
	switch {
	case errors.As(err, &creds):
		fmt.Fprintf(w, "listenercerts: %v\n", err)
		if !strings.Contains(err.Error(), "ALIBABA_CLOUD_ACCESS_KEY_ID") { // the SDK's message may say it already
			fmt.Fprintln(w, credentialsHelp)
		}
		return exitFailed
	case errors.As(err, &invalid) && flagOfField(invalid.Field) != "":
		// Rejected by the SDK before sending: a usage error, named by its flag.
		fmt.Fprintf(w, "listenercerts: %s: %s\n\n", flagOfField(invalid.Field), invalid.Reason)
		printUsage(w, inv.spec)
		return exitUsage
	case errors.Is(err, alicloud.ErrWaitTimeout):
		fmt.Fprintf(w, "listenercerts: %v\n", err)
		if alicloud.ClientTokenOf(err) == "" && !inv.accepted {
			// Nothing sent by this run: it waited for a change already underway.
			fmt.Fprintf(w, "nothing was sent by this run; the change already underway is still in progress; run the same command again to wait for it:\n  %s\n",
				commandLine(withWait(inv.args, 2*inv.global.wait)))
			return exitTimeout
		}
		fmt.Fprintln(w, resumeHint(inv, "the change was accepted and is still in progress", true))
		return exitTimeout
	case errors.As(err, &apiErr):
		writeAPIError(w, apiErr)
		if inv.spec.service == "ga" && inv.spec.verb == "associate" && errors.Is(err, ga.ErrCertificateExists) {
			fmt.Fprintln(w, "  hint:       the domain has another certificate: ga rotate -set DOMAIN=ID replaces it in place")
		}
		if acceptedBefore(inv, apiErr, err) {
			fmt.Fprintln(w, resumeHint(inv, "a change was accepted before this error", false))
		}
		return exitFailed
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(w, "listenercerts: interrupted")
		switch {
		case !inv.spec.resumable():
		case inv.accepted:
			fmt.Fprintln(w, resumeHint(inv, "the change was accepted, still in progress", false))
		case alicloud.ClientTokenOf(err) != "":
			fmt.Fprintln(w, resumeHint(inv, "interrupted while sending: the outcome is unknown", false))
		default:
			fmt.Fprintln(w, "nothing was sent")
		}
		return exitFailed
	}
	fmt.Fprintf(w, "listenercerts: %v\n", err)
	// The SDK attaches a ClientToken to an error only once a write was
	// sent: without one, nothing was, and there is nothing to resume.
	if inv.spec.resumable() && (alicloud.ClientTokenOf(err) != "" || inv.accepted) {
		fmt.Fprintln(w, resumeHint(inv, "the outcome is unknown", false))
	}
	return exitFailed
}

// rotationStop is what an *alb.RotationError or a *ga.RotationError says,
// in one shape: where the rotation stopped, why, what is done and what not.
type rotationStop struct {
	listener, step string
	done, notDone  []listed
	dissociated    bool
	cause          error
	sent           bool // a write was sent before it stopped
	resumable      bool // a re-run of the same input can finish the work
}

func rotationStopOf(err error) *rotationStop {
	var ae *alb.RotationError
	var ge *ga.RotationError
	switch {
	case errors.As(err, &ae):
		return &rotationStop{listener: ae.ListenerID, step: ae.Step, cause: ae.Err, dissociated: len(ae.Done.Dissociated) > 0,
			sent: alicloud.ClientTokenOf(err) != "", resumable: ae.Resumable(),
			done:    []listed{{"associated", ae.Done.Associated}, {"dissociated", ae.Done.Dissociated}},
			notDone: []listed{{"associate", ae.NotAssociated}, {"dissociate", ae.NotDissociated}}}
	case errors.As(err, &ge):
		return &rotationStop{listener: ge.ListenerID, step: ge.Step, cause: ge.Err, dissociated: len(ge.Done.Dissociated) > 0,
			sent: alicloud.ClientTokenOf(err) != "", resumable: ge.Resumable(),
			done:    []listed{{"updated", ge.Done.Updated}, {"associated", ge.Done.Associated}, {"dissociated", ge.Done.Dissociated}},
			notDone: []listed{{"serve", ge.NotServed}, {"dissociate", ge.NotDissociated}}}
	}
	return nil
}

// failRotation reports a rotation that stopped after its first write: the
// cause, what is done and what is not, and the command that resumes (the
// same, with the rotation's -client-token). A wait that timed out is exit
// status 3, anything else 1.
func (a *app) failRotation(inv *invocation, r *rotationStop) int {
	w := a.progress
	at := "the " + r.step + " call"
	if r.step == alicloud.StepWait {
		at = "waiting for a change to take effect"
	}
	var apiErr *alicloud.APIError
	if errors.As(r.cause, &apiErr) {
		fmt.Fprintf(w, "listenercerts: the rotation of %s stopped at %s:\n", r.listener, at)
		writeAPIError(w, apiErr)
	} else {
		fmt.Fprintf(w, "listenercerts: the rotation of %s stopped at %s: %v\n", r.listener, at, r.cause)
	}
	fmt.Fprintf(w, "  done:       %s\n", joinListed(r.done))
	fmt.Fprintf(w, "  not done:   %s\n", joinListed(r.notDone))
	if r.dissociated {
		fmt.Fprintln(w, "  (every new certificate was confirmed serving before the first dissociation)")
	} else {
		fmt.Fprintln(w, "  (nothing was dissociated)")
	}
	code, why, longer := exitFailed, "the rotation stopped part way", false
	if errors.Is(r.cause, alicloud.ErrWaitTimeout) {
		code = exitTimeout
	}
	switch {
	case !r.resumable:
		fmt.Fprintln(w, "a re-run cannot finish this until the cause is fixed (see above)")
		return code
	case !r.sent:
		fmt.Fprintln(w, "nothing was sent; run the same command again when the cause is gone")
		return code
	}
	switch {
	case errors.Is(r.cause, alicloud.ErrWaitTimeout):
		code, why, longer = exitTimeout, "the last change was accepted and is still in progress", true
	case errors.Is(r.cause, context.Canceled) && r.step == alicloud.StepWait:
		why = "interrupted: the last change was accepted, still in progress"
	case errors.Is(r.cause, context.Canceled):
		why = "interrupted while sending the " + r.step + " call: its outcome is unknown"
	}
	fmt.Fprintln(w, resumeHint(inv, why, longer))
	return code
}

const credentialsHelp = `Set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (and ALIBABA_CLOUD_SECURITY_TOKEN
for STS credentials), or configure a profile (~/.aliyun/config.json, ALIBABA_CLOUD_PROFILE), or run
where an ECS RAM role or OIDC (ALIBABA_CLOUD_ROLE_ARN, ...) provides them.`

// writeAPIError prints what the service said, with the diagnosis link.
func writeAPIError(w io.Writer, e *alicloud.APIError) {
	// Every field is the service's text: escaped and bounded, so an answer
	// cannot forge lines or move the cursor on the operator's terminal.
	fmt.Fprintf(w, "listenercerts: %s %s refused: %s (HTTP %d", e.Service, e.Operation, clean(e.Code), e.HTTPStatus)
	if e.Attempts > 1 {
		fmt.Fprintf(w, ", after %d attempts", e.Attempts)
	}
	fmt.Fprintln(w, ")")
	if e.Message != "" {
		fmt.Fprintf(w, "  message:    %s\n", clean(e.Message))
	}
	if e.AccessDeniedDetail != "" {
		fmt.Fprintf(w, "  denied:     %s\n", clean(e.AccessDeniedDetail))
	}
	if e.RequestID != "" {
		fmt.Fprintf(w, "  request id: %s\n", clean(e.RequestID))
	}
	if d := diagnosisURL(e); d != "" {
		fmt.Fprintf(w, "  diagnosis:  %s\n", clean(d))
	}
}

// clean escapes control characters in text from the service and bounds it.
func clean(s string) string { return safetext.String(s, 2048) }

// diagnosisURL is the service's Recommend link, or the same troubleshooting
// page built from the code and request id when the service gave none.
func diagnosisURL(e *alicloud.APIError) string {
	if e.Recommend != "" {
		return e.Recommend
	}
	if e.Code == "" || e.RequestID == "" {
		return ""
	}
	product := map[string]string{"alb": "Alb", "ga": "Ga"}[e.Service]
	return "https://api.aliyun.com/troubleshoot?q=" + url.QueryEscape(e.Code) +
		"&product=" + product + "&requestId=" + url.QueryEscape(e.RequestID)
}

// resumeHint tells how to resume: the same command with the ClientToken
// (the service acts at most once per token; a rotation derives its calls'
// tokens from it). After a wait that timed out (longer), the command waits
// twice as long: the same -wait would most likely time out again.
func resumeHint(inv *invocation, why string, longer bool) string {
	args, wait := inv.args, ""
	if longer && inv.global.wait > 0 {
		args = withWait(args, 2*inv.global.wait)
		wait = ", waiting twice as long"
	}
	return fmt.Sprintf("%s; resume with -client-token %s (the service acts at most once per token)%s:\n  %s",
		why, inv.o.clientToken, wait, commandLine(withClientToken(args, inv.o.clientToken)))
}

// withWait returns args with -wait set to d: in place of the first -wait
// (dropping any other), or appended (global flags are accepted after the
// command).
func withWait(args []string, d time.Duration) []string {
	value := formatDuration(d)
	out := make([]string, 0, len(args)+2)
	found := false
	for i := 0; i < len(args); i++ {
		name, _, hasValue := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		if !strings.HasPrefix(args[i], "-") || name != "wait" {
			out = append(out, args[i])
			continue
		}
		if !hasValue {
			i++ // skip its value
		}
		if !found {
			out = append(out, "-wait", value)
			found = true
		}
	}
	if !found {
		out = append(out, "-wait", value)
	}
	return out
}

// formatDuration is d as a person writes it: 10m rather than 10m0s.
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// withClientToken returns args with -client-token set to token, replacing
// any -client-token already there.
func withClientToken(args []string, token string) []string {
	out := make([]string, 0, len(args)+2)
	for i := 0; i < len(args); i++ {
		name, _, hasValue := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		if strings.HasPrefix(args[i], "-") && name == "client-token" {
			if !hasValue {
				i++ // skip its value
			}
			continue
		}
		out = append(out, args[i])
	}
	return append(out, "-client-token", token)
}

// commandLine quotes args for a POSIX shell.
func commandLine(args []string) string {
	var b strings.Builder
	b.WriteString("listenercerts")
	for _, a := range args {
		b.WriteByte(' ')
		b.WriteString(shellQuote(a))
	}
	return b.String()
}

func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=.,/:@+%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// flagOfField maps the field of an SDK *ValidationError to the flag that
// sets it, or "" when no flag does.
func flagOfField(field string) string {
	switch field {
	case "Config.Region":
		return "-region"
	case "Config.Endpoint":
		return "-endpoint"
	}
	field, _, _ = strings.Cut(field, "[") // CertificateIDs[2]
	field, _, _ = strings.Cut(field, ".") // Certificates.Domain
	switch strings.ToLower(field) {
	case "listenerid":
		return "-listener"
	case "acceleratorid":
		return "-accelerator"
	case "certificateids", "certificates":
		return "-cert"
	case "domains":
		return "-domain"
	case "add":
		return "-add"
	case "remove":
		return "-remove"
	case "set":
		return "-set"
	case "clienttoken":
		return "-client-token"
	case "maxwait":
		return "-wait"
	}
	return ""
}

// acceptedBefore reports whether a service error came after a change was
// accepted: while waiting for it (dissociate, associate), or after the
// first write of a rotation (its error then carries the rotation's token).
func acceptedBefore(inv *invocation, apiErr *alicloud.APIError, err error) bool {
	// The SDK attaches a ClientToken only once a write was sent; the
	// converging calls read before they write, so an error of another
	// operation says nothing by itself.
	switch inv.spec.verb {
	case "rotate":
		return alicloud.ClientTokenOf(err) != ""
	case "list":
		return false
	}
	return alicloud.ClientTokenOf(err) != "" && apiErr.Operation != inv.spec.operation()
}

// operation is the write operation of a subcommand, "" for list.
func (c *commandSpec) operation() string {
	switch c.verb {
	case "dissociate":
		return "DissociateAdditionalCertificatesFromListener"
	case "associate":
		return "AssociateAdditionalCertificatesWithListener"
	}
	return ""
}

// resumable: the command changes something and can be run again to finish.
func (c *commandSpec) resumable() bool { return c.verb != "list" }
