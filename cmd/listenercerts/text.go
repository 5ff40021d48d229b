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
		if !out.DryRunPassed {
			fmt.Fprintf(w, "job %s, request %s, client token %s\n", out.JobID, out.RequestID, out.ClientToken)
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
