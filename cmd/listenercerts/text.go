package main

import (
	"fmt"
	"io"
	"slices"
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
		changeText{verb: "dissociate", prep: "from", listener: inv.o.listener, sent: joinIDs(without(inv.o.certs, out.AlreadyDissociated)),
			nothingSent: out.ClientToken == "" && !out.DryRunPassed, state: [2]string{"is not on", "are not on"},
			dryRunPassed: out.DryRunPassed, requestID: out.RequestID, already: out.AlreadyDissociated,
			ids: jobLine(out.JobID, out.RequestID, out.ClientToken)}.write(w, waited)
	case *alb.AssociateAdditionalCertificatesWithListenerOutput:
		changeText{verb: "associate", prep: "with", listener: inv.o.listener, sent: joinIDs(without(inv.o.certs, out.AlreadyAssociated)),
			nothingSent: out.ClientToken == "" && !out.DryRunPassed, state: [2]string{"is already on", "are already on"},
			dryRunPassed: out.DryRunPassed, requestID: out.RequestID, already: out.AlreadyAssociated,
			ids: jobLine(out.JobID, out.RequestID, out.ClientToken)}.write(w, waited)
	case *ga.DissociateAdditionalCertificatesFromListenerOutput:
		changeText{verb: "dissociate", prep: "from", listener: inv.o.listener,
			sent:        "the certificates of " + joinIDs(without(inv.o.domains, out.AlreadyDissociated)),
			nothingSent: out.ClientToken == "", state: [2]string{"has no additional certificate on", "have no additional certificate on"},
			active: true, already: out.AlreadyDissociated, ids: requestLine(out.RequestID, out.ClientToken)}.write(w, waited)
	case *ga.AssociateAdditionalCertificatesWithListenerOutput:
		changeText{verb: "associate", prep: "with", listener: inv.o.listener, sent: joinPairs(pairsWithout(inv.o.pairs, out.AlreadyAssociated)),
			nothingSent: out.ClientToken == "", state: [2]string{"is already served by its certificate on", "are already served by their certificates on"},
			active: true, already: out.AlreadyAssociated, ids: requestLine(out.RequestID, out.ClientToken)}.write(w, waited)
	case *alb.RotateCertificatesOutput:
		p := out.Plan
		r := rotationText{listener: inv.o.listener, dryRun: inv.o.dryRun, calls: p.Calls(),
			done:    []listed{{"associated", out.Associated}, {"dissociated", out.Dissociated}},
			already: []listed{{"associated", out.AlreadyAssociated}, {"dissociated", out.AlreadyDissociated}}}
		for _, b := range p.Associate {
			r.plan = append(r.plan, "associate  "+joinIDs(b))
		}
		for _, b := range p.Dissociate {
			r.plan = append(r.plan, "dissociate "+joinIDs(b))
		}
		if len(out.JobIDs) > 0 {
			r.ids = clean(fmt.Sprintf("jobs %s, client token %s", joinIDs(out.JobIDs), out.ClientToken))
		}
		r.write(w)
	case *ga.RotateCertificatesOutput:
		p := out.Plan
		r := rotationText{listener: inv.o.listener, dryRun: inv.o.dryRun, calls: p.Calls(),
			done:    []listed{{"updated", out.Updated}, {"associated", out.Associated}, {"dissociated", out.Dissociated}},
			already: []listed{{"unchanged", out.Unchanged}, {"dissociated", out.AlreadyDissociated}},
			ids:     "client token " + out.ClientToken}
		for _, u := range p.Update {
			r.plan = append(r.plan, fmt.Sprintf("update     %s=%s (was %s)", u.Domain, u.CertificateID, u.CurrentCertificateID))
		}
		for _, b := range p.Associate {
			r.plan = append(r.plan, "associate  "+joinPairs(b))
		}
		for _, b := range p.Dissociate {
			r.plan = append(r.plan, "dissociate "+joinIDs(b))
		}
		r.write(w)
	case *alb.ListListenerCertificatesOutput:
		fmt.Fprintf(w, "listener %s: %d certificate(s)\n", inv.o.listener, len(out.Certificates))
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "CERTIFICATE\tTYPE\tDEFAULT\tSTATUS")
		for _, c := range out.Certificates {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", clean(c.CertificateID), clean(c.CertificateType), yesNo(c.IsDefault), clean(c.Status))
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
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", clean(d), clean(c.CertificateID), yesNo(c.IsDefault), clean(c.State))
		}
		tw.Flush()
	default:
		fmt.Fprintf(w, "%+v\n", out)
	}
}

// changeText is the text of a dissociate or associate, for both services.
type changeText struct {
	verb, prep   string // "dissociate", "from"
	listener     string
	sent         string    // what was sent: the command line's items less those already so
	nothingSent  bool      // every item was already so: no write call was sent
	state        [2]string // what "already so" means, one item and several: "is not on", "are not on"
	dryRunPassed bool      // alb's precheck passed
	requestID    string    // of the precheck
	active       bool      // ga: the wait also saw the listener active
	already      []string
	ids          string // job, request and client token of the call; "" when none was sent
}

func (c changeText) write(w io.Writer, waited bool) {
	switch {
	case c.dryRunPassed:
		fmt.Fprintf(w, "dry run passed: %s can be %sd %s %s (request %s)\n", c.sent, c.verb, c.prep, c.listener, clean(c.requestID))
	case c.nothingSent:
		state := c.state[0]
		if len(c.already) > 1 {
			state = c.state[1]
		}
		fmt.Fprintf(w, "nothing sent: %s %s %s (already %sd)", joinIDs(c.already), state, c.listener, c.verb)
		if c.active && waited {
			io.WriteString(w, "; the listener is active")
		}
		io.WriteString(w, "\n")
		return
	case waited:
		fmt.Fprintf(w, "%sd %s %s: %s", c.verb, c.prep, c.listener, c.sent)
		if c.active {
			io.WriteString(w, "; the listener is active")
		}
		io.WriteString(w, "\n")
	default:
		fmt.Fprintf(w, "accepted: %sing %s %s %s; not waited for (-wait 0)\n", strings.TrimSuffix(c.verb, "e"), c.sent, c.prep, c.listener)
	}
	if len(c.already) > 0 {
		fmt.Fprintf(w, "already %sd (not sent): %s\n", c.verb, joinIDs(c.already))
	}
	if c.ids != "" {
		fmt.Fprintln(w, c.ids)
	}
}

func jobLine(jobID, requestID, clientToken string) string {
	if jobID == "" {
		return ""
	}
	return fmt.Sprintf("job %s, request %s, client token %s", clean(jobID), clean(requestID), clean(clientToken))
}

func requestLine(requestID, clientToken string) string {
	if requestID == "" {
		return ""
	}
	return fmt.Sprintf("request %s, client token %s", clean(requestID), clean(clientToken))
}

// listed is a labelled list, e.g. "associated c1, c2".
type listed struct {
	label string
	items []string
}

// joinListed formats lists as "associated c1, c2; dissociated none".
func joinListed(lists []listed) string {
	s := make([]string, len(lists))
	for i, l := range lists {
		s[i] = l.label + " " + listOrNone(l.items)
	}
	return strings.Join(s, "; ")
}

// rotationText is the text of a rotation, for both services.
type rotationText struct {
	listener      string
	dryRun        bool
	calls         int      // write calls of the plan
	plan          []string // one line per call
	done, already []listed
	ids           string // the jobs and client token; "" when none
}

func (r rotationText) write(w io.Writer) {
	switch {
	case r.dryRun:
		fmt.Fprintf(w, "dry run passed: the plan for %s (%d write calls; nothing changed)\n", r.listener, r.calls)
		for _, l := range r.plan {
			fmt.Fprintf(w, "  %s\n", l)
		}
	case r.calls == 0:
		fmt.Fprintf(w, "nothing to do: %s is already as asked (no write call sent)\n", r.listener)
	default:
		fmt.Fprintf(w, "rotated %s: %s\n", r.listener, joinListed(r.done))
	}
	for _, l := range r.already {
		if len(l.items) > 0 {
			fmt.Fprintf(w, "already so (not sent): %s\n", joinListed(r.already))
			break
		}
	}
	if r.ids != "" && !r.dryRun && r.calls > 0 {
		fmt.Fprintln(w, r.ids)
	}
}

// without returns ids less those in drop (what a converging call did not send).
func without(ids, drop []string) []string {
	var out []string
	for _, id := range ids {
		if !slices.Contains(drop, id) {
			out = append(out, id)
		}
	}
	return out
}

// pairsWithout returns pairs less those whose domain is in drop.
func pairsWithout(pairs []ga.DomainCertificate, drop []string) []ga.DomainCertificate {
	var out []ga.DomainCertificate
	for _, p := range pairs {
		if !slices.Contains(drop, p.Domain) {
			out = append(out, p)
		}
	}
	return out
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func joinIDs(ids []string) string { return strings.Join(ids, ", ") }

// joinPairs formats ga pairs as on the command line: "a.com=x1, b.com=x2".
func joinPairs(pairs []ga.DomainCertificate) string {
	s := make([]string, len(pairs))
	for i, p := range pairs {
		s[i] = p.Domain + "=" + p.CertificateID
	}
	return strings.Join(s, ", ")
}

func listOrNone(ids []string) string {
	if len(ids) == 0 {
		return "none"
	}
	return joinIDs(ids)
}
