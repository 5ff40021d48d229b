package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
)

// commandSpec describes one subcommand: its synopsis (as in the
// documentation), its flags, and what it runs.
type commandSpec struct {
	service, verb string
	synopsis      string
	summary       string
	flags         []string // defined by newCommandFlagSet
	required      []string
	either        []string // at least one of these two is required
	// lacks explains flags a command does not have, after "unknown flag -X".
	lacks map[string]string
	run   func(ctx context.Context, a *app, inv *invocation) (output any, err error)
}

var commands []*commandSpec

func init() {
	commands = []*commandSpec{
		{service: "alb", verb: "dissociate",
			synopsis: "-listener ID -cert ID [-cert ID ...] [-dry-run] [-client-token T]",
			summary:  "remove additional certificates from an HTTPS or QUIC listener and wait until they are gone",
			flags:    []string{"listener", "cert", "dry-run", "client-token"}, required: []string{"listener", "cert"},
			run: albDissociate},
		{service: "alb", verb: "associate",
			synopsis: "-listener ID -cert ID [-cert ID ...] [-dry-run] [-client-token T]",
			summary:  "add additional certificates to a listener and wait until they are Associated",
			flags:    []string{"listener", "cert", "dry-run", "client-token"}, required: []string{"listener", "cert"},
			run: albAssociate},
		{service: "alb", verb: "rotate",
			synopsis: "-listener ID [-add ID ...] [-remove ID ...] [-dry-run]",
			summary:  "associate -add, wait until they serve, then dissociate -remove; run again (with the printed -client-token) to resume",
			flags:    []string{"listener", "add", "remove", "dry-run", "client-token"}, required: []string{"listener"}, either: []string{"add", "remove"},
			run: albRotate},
		{service: "alb", verb: "list",
			synopsis: "-listener ID",
			summary:  "list the certificates of a listener",
			flags:    []string{"listener"}, required: []string{"listener"},
			run: albList},
		{service: "ga", verb: "dissociate",
			synopsis: "-accelerator ID -listener ID -domain D [-domain D ...] [-client-token T]",
			summary:  "remove the additional certificates of domains and wait until the listener is active",
			flags:    []string{"accelerator", "listener", "domain", "client-token"}, required: []string{"accelerator", "listener", "domain"},
			lacks: map[string]string{"dry-run": "GA has no dry run for Dissociate (ga rotate -remove DOMAIN -dry-run prints the plan)"},
			run:   gaDissociate},
		{service: "ga", verb: "associate",
			synopsis: "-accelerator ID -listener ID -cert DOMAIN=ID [-cert DOMAIN=ID ...]",
			summary:  "add additional certificates for domains and wait until the listener is active",
			flags:    []string{"accelerator", "listener", "cert", "client-token"}, required: []string{"accelerator", "listener", "cert"},
			lacks: map[string]string{"dry-run": "GA has no dry run for Associate (ga rotate -set DOMAIN=ID -dry-run prints the plan)"},
			run:   gaAssociate},
		{service: "ga", verb: "rotate",
			synopsis: "-accelerator ID -listener ID [-set DOMAIN=ID ...] [-remove DOMAIN ...] [-dry-run]",
			summary:  "make each -set domain served by its certificate (updated in place, or associated), then remove the certificates of the -remove domains; run again (with the printed -client-token) to resume",
			flags:    []string{"accelerator", "listener", "set", "remove", "dry-run", "client-token"}, required: []string{"accelerator", "listener"}, either: []string{"set", "remove"},
			run: gaRotate},
		{service: "ga", verb: "list",
			synopsis: "-accelerator ID -listener ID",
			summary:  "list the certificates of a listener",
			flags:    []string{"accelerator", "listener"}, required: []string{"accelerator", "listener"},
			run: gaList},
	}
}

func lookupCommand(service, verb string) *commandSpec {
	for _, c := range commands {
		if c.service == service && c.verb == verb {
			return c
		}
	}
	return nil
}

const globalSynopsis = `global flags: -region R (ALIBABA_CLOUD_REGION_ID), -endpoint URL, -output text|json, -wait DURATION (default 5m;
              0 = return once accepted), -v (debug log of every attempt to stderr)`

const exitCodes = `Credentials come from the default chain: ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET
(plus ALIBABA_CLOUD_SECURITY_TOKEN for STS), ~/.aliyun/config.json, an ECS RAM role, OIDC, ...
Exit status: 0 done; 1 the service refused, the wait failed or no credentials were found; 2 a usage error;
3 the wait timed out (the message says what is pending and the -client-token to resume with);
130 interrupted (Ctrl-C; 143 for SIGTERM): the message says whether the change was accepted, and how to resume.`

// printUsage writes the synopsis of every command, or of one with its
// flags when spec is not nil.
func printUsage(w io.Writer, spec *commandSpec) {
	if spec == nil {
		fmt.Fprintln(w, "usage:")
		for _, c := range commands {
			fmt.Fprintf(w, "  listenercerts [global flags] %-3s %-10s %s\n", c.service, c.verb, c.synopsis)
		}
		fmt.Fprintln(w, globalSynopsis)
		fmt.Fprintln(w)
		fmt.Fprintln(w, exitCodes)
		fmt.Fprintln(w, "\nlistenercerts alb dissociate -h (and so on) describes a command's flags.")
		return
	}
	fmt.Fprintf(w, "usage: listenercerts [global flags] %s %s %s\n\n%s.\n\nflags:\n", spec.service, spec.verb, spec.synopsis, spec.summary)
	printDefaults(w, newCommandFlagSet(spec, &options{}))
	fmt.Fprintln(w, "global flags (before the service or after the command):")
	printDefaults(w, newGlobalFlagSet(&globalFlags{}))
	fmt.Fprintln(w)
	fmt.Fprintln(w, exitCodes)
}

func printDefaults(w io.Writer, fs *flag.FlagSet) {
	var b strings.Builder
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	io.WriteString(w, b.String())
}
