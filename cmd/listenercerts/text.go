package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/listenercerts/alicloud/alb"
	"github.com/listenercerts/alicloud/ga"
)

// writeText prints a successful operation's output for people.
func writeText(w io.Writer, inv *invocation, out any) {
	waited := inv.global.wait > 0
	switch out := out.(type) {
	case *alb.DissociateAdditionalCertificatesFromListenerOutput:
		switch {
		case out.DryRunPassed:
			fmt.Fprintf(w, "dry run passed: %s can be dissociated from %s (request %s)\n", joinIDs(inv.o.certs), inv.o.listener, out.RequestID)
		case waited:
			fmt.Fprintf(w, "dissociated from %s: %s\n", inv.o.listener, joinIDs(inv.o.certs))
		default:
			fmt.Fprintf(w, "accepted: dissociating %s from %s; not waited for (-wait 0)\n", joinIDs(inv.o.certs), inv.o.listener)
		}
		if len(out.AlreadyDissociated) > 0 {
			fmt.Fprintf(w, "already dissociated (not sent): %s\n", joinIDs(out.AlreadyDissociated))
		}
		if out.JobID != "" {
			fmt.Fprintf(w, "job %s, request %s, client token %s\n", out.JobID, out.RequestID, out.ClientToken)
		}
	case *alb.AssociateAdditionalCertificatesWithListenerOutput:
		switch {
		case out.DryRunPassed:
			fmt.Fprintf(w, "dry run passed: %s can be associated with %s (request %s)\n", joinIDs(inv.o.certs), inv.o.listener, out.RequestID)
		case waited:
			fmt.Fprintf(w, "associated with %s: %s\n", inv.o.listener, joinIDs(inv.o.certs))
		default:
			fmt.Fprintf(w, "accepted: associating %s with %s; not waited for (-wait 0)\n", joinIDs(inv.o.certs), inv.o.listener)
		}
		if len(out.AlreadyAssociated) > 0 {
			fmt.Fprintf(w, "already associated (not sent): %s\n", joinIDs(out.AlreadyAssociated))
		}
		if out.JobID != "" {
			fmt.Fprintf(w, "job %s, request %s, client token %s\n", out.JobID, out.RequestID, out.ClientToken)
		}
	case *alb.RotateCertificatesOutput:
		if inv.o.dryRun {
			p := out.Plan
			fmt.Fprintf(w, "dry run passed: the plan for %s (%d write calls; nothing changed)\n", inv.o.listener, p.Calls())
			for _, b := range p.Associate {
				fmt.Fprintf(w, "  associate  %s\n", joinIDs(b))
			}
			for _, b := range p.Dissociate {
				fmt.Fprintf(w, "  dissociate %s\n", joinIDs(b))
			}
		} else {
			fmt.Fprintf(w, "rotated %s: associated %s; dissociated %s\n", inv.o.listener, listOrNone(out.Associated), listOrNone(out.Dissociated))
		}
		if len(out.AlreadyAssociated)+len(out.AlreadyDissociated) > 0 {
			fmt.Fprintf(w, "already so (not sent): associated %s; dissociated %s\n", listOrNone(out.AlreadyAssociated), listOrNone(out.AlreadyDissociated))
		}
		if len(out.JobIDs) > 0 {
			fmt.Fprintf(w, "jobs %s, client token %s\n", joinIDs(out.JobIDs), out.ClientToken)
		}
	case *ga.DissociateAdditionalCertificatesFromListenerOutput:
		if waited {
			fmt.Fprintf(w, "dissociated from %s: the certificates of %s; the listener is active\n", inv.o.listener, joinIDs(inv.o.domains))
		} else {
			fmt.Fprintf(w, "accepted: dissociating the certificates of %s from %s; not waited for (-wait 0)\n", joinIDs(inv.o.domains), inv.o.listener)
		}
		fmt.Fprintf(w, "request %s, client token %s\n", out.RequestID, out.ClientToken)
	case *alb.ListListenerCertificatesOutput:
		fmt.Fprintf(w, "listener %s: %d certificate(s)\n", inv.o.listener, len(out.Certificates))
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "CERTIFICATE\tTYPE\tDEFAULT\tSTATUS")
		for _, c := range out.Certificates {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.CertificateID, c.CertificateType, yesNo(c.IsDefault), c.Status)
		}
		tw.Flush()
	case *ga.ListListenerCertificatesOutput:
		fmt.Fprintf(w, "listener %s of %s: %d certificate(s)\n", inv.o.listener, inv.o.accelerator, len(out.Certificates))
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "DOMAIN\tCERTIFICATE\tDEFAULT\tSTATE")
		for _, c := range out.Certificates {
			d := c.Domain
			if d == "" {
				d = "-"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", d, c.CertificateID, yesNo(c.IsDefault), c.State)
		}
		tw.Flush()
	default:
		fmt.Fprintf(w, "%+v\n", out)
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func joinIDs(ids []string) string { return strings.Join(ids, ", ") }

func listOrNone(ids []string) string {
	if len(ids) == 0 {
		return "none"
	}
	return joinIDs(ids)
}
