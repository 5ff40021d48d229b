package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/listenercerts/alicloud"
)

// fail reports err on stderr and returns the exit status.
func (a *app) fail(inv *invocation, err error) int {
	w := a.progress
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
		fmt.Fprintln(w, resumeHint(inv, "the change was accepted and is still in progress"))
		return exitTimeout
	case errors.As(err, &apiErr):
		writeAPIError(w, apiErr)
		if acceptedBefore(inv, apiErr, err) {
			fmt.Fprintln(w, resumeHint(inv, "a change was accepted before this error"))
		}
		return exitFailed
	case errors.Is(err, errNotAvailable):
		fmt.Fprintf(w, "listenercerts: %s %s: %v\n", inv.spec.service, inv.spec.verb, err)
		return exitFailed
	}
	fmt.Fprintf(w, "listenercerts: %v\n", err)
	if inv.spec.resumable() && (errors.Is(err, context.Canceled) || alicloud.ClientTokenOf(err) != "" || inv.o.clientToken != "") {
		fmt.Fprintln(w, resumeHint(inv, "the outcome is unknown"))
	}
	return exitFailed
}

const credentialsHelp = `Set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (and ALIBABA_CLOUD_SECURITY_TOKEN
for STS credentials), or configure a profile (~/.aliyun/config.json, ALIBABA_CLOUD_PROFILE), or run
where an ECS RAM role or OIDC (ALIBABA_CLOUD_ROLE_ARN, ...) provides them.`

// writeAPIError prints what the service said, with the diagnosis link.
func writeAPIError(w io.Writer, e *alicloud.APIError) {
	fmt.Fprintf(w, "listenercerts: %s %s refused: %s (HTTP %d", e.Service, e.Operation, e.Code, e.HTTPStatus)
	if e.Attempts > 1 {
		fmt.Fprintf(w, ", after %d attempts", e.Attempts)
	}
	fmt.Fprintln(w, ")")
	if e.Message != "" {
		fmt.Fprintf(w, "  message:    %s\n", e.Message)
	}
	if e.AccessDeniedDetail != "" {
		fmt.Fprintf(w, "  denied:     %s\n", e.AccessDeniedDetail)
	}
	if e.RequestID != "" {
		fmt.Fprintf(w, "  request id: %s\n", e.RequestID)
	}
	if d := diagnosisURL(e); d != "" {
		fmt.Fprintf(w, "  diagnosis:  %s\n", d)
	}
}

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
// (dissociate, associate), or the same command (rotate converges).
func resumeHint(inv *invocation, why string) string {
	if !inv.spec.hasFlag("client-token") {
		return fmt.Sprintf("%s; run the same command again to finish it (it never repeats what is done):\n  %s",
			why, commandLine(inv.args))
	}
	return fmt.Sprintf("%s; resume with -client-token %s (the service acts at most once per token):\n  %s",
		why, inv.o.clientToken, commandLine(withClientToken(inv.args, inv.o.clientToken)))
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
	switch inv.spec.verb {
	case "rotate":
		return alicloud.ClientTokenOf(err) != ""
	case "list":
		return false
	}
	return apiErr.Operation != inv.spec.operation()
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

func (c *commandSpec) hasFlag(name string) bool {
	for _, f := range c.flags {
		if f == name {
			return true
		}
	}
	return false
}
