package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/ga"
)

// globalFlags are accepted before the service name and after the verb.
type globalFlags struct {
	region   string
	endpoint string
	output   string
	wait     time.Duration
	verbose  bool
}

// options are the flags of the subcommands; each uses some of them.
type options struct {
	listener    string
	accelerator string
	certs       []string               // alb -cert, -add
	pairs       []ga.DomainCertificate // ga -cert, -set: DOMAIN=ID
	domains     []string               // ga -domain
	remove      []string               // -remove: certificate ids (alb) or domains (ga)
	dryRun      bool
	clientToken string
}

// invocation is a parsed command line.
type invocation struct {
	global globalFlags
	spec   *commandSpec
	o      options
	set    map[string]bool // flags given on the command line
	args   []string        // the command line, for the command that resumes
	// accepted: the run failed after the service accepted its change (its
	// output came back with the error).
	accepted bool
}

// usageError lists every problem found in a command line; spec is the
// subcommand when it was recognised, for its usage.
type usageError struct {
	problems []string
	spec     *commandSpec
}

func (e *usageError) Error() string { return strings.Join(e.problems, "; ") }

// helpRequest is returned by parse for -h and -help.
type helpRequest struct{ spec *commandSpec }

func (helpRequest) Error() string { return "help requested" }

func newGlobalFlagSet(g *globalFlags) *flag.FlagSet {
	fs := flag.NewFlagSet("global", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	g.output = "text"
	g.wait = 5 * time.Minute
	fs.StringVar(&g.region, "region", "", "`region` of the ALB listener (default $"+alicloud.RegionEnvVar+"); ignored by ga")
	fs.StringVar(&g.endpoint, "endpoint", "", "endpoint `URL` override, e.g. http://127.0.0.1:8080 for cmd/alicloud-emulator")
	fs.Var(enumValue{&g.output, []string{"text", "json"}}, "output", "`format` of the result on stdout: text or json")
	fs.Var(durationValue{&g.wait}, "wait", "`duration` to wait for the change to take effect, e.g. 90s or 10m; 0 returns once the service accepted it. "+
		"For rotate it bounds each wait (one after every write call), not the whole run, and 0 is a usage error. "+
		"For ga it also bounds the wait for an earlier change (the accelerator's lock) before the write")
	fs.BoolVar(&g.verbose, "v", false, "log every attempt (the SDK's debug records) to stderr")
	return fs
}

// newCommandFlagSet defines the flags named in spec.flags.
func newCommandFlagSet(spec *commandSpec, o *options) *flag.FlagSet {
	fs := flag.NewFlagSet(spec.service+" "+spec.verb, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	isGA := spec.service == "ga"
	for _, name := range spec.flags {
		switch name {
		case "listener":
			fs.StringVar(&o.listener, name, "", "listener `ID` (required)")
		case "accelerator":
			fs.StringVar(&o.accelerator, name, "", "accelerator `ID` (required)")
		case "cert":
			if isGA {
				fs.Var(pairList{&o.pairs}, name, "`DOMAIN=ID`: associate certificate ID for DOMAIN (repeat, or comma-separated)")
			} else {
				fs.Var(stringList{&o.certs}, name, "certificate `ID` (repeat, or comma-separated)")
			}
		case "add":
			fs.Var(stringList{&o.certs}, name, "certificate `ID` to have associated (repeat, or comma-separated)")
		case "set":
			fs.Var(pairList{&o.pairs}, name, "`DOMAIN=ID`: DOMAIN ends up served by certificate ID (repeat, or comma-separated)")
		case "domain":
			fs.Var(stringList{&o.domains}, name, "`DOMAIN` whose additional certificate to remove (repeat, or comma-separated)")
		case "remove":
			if isGA {
				fs.Var(stringList{&o.remove}, name, "`DOMAIN` whose additional certificate to remove (repeat, or comma-separated)")
			} else {
				fs.Var(stringList{&o.remove}, name, "certificate `ID` to have dissociated (repeat, or comma-separated)")
			}
		case "dry-run":
			usage := "run only the service's precheck; nothing changes"
			switch {
			case spec.verb == "rotate" && isGA:
				usage = "print the plan, after the service's precheck of each update; nothing changes"
			case spec.verb == "rotate":
				usage = "print the plan; nothing changes"
			}
			fs.BoolVar(&o.dryRun, name, false, usage)
		case "client-token":
			usage := "idempotency `token`: run again with the token a failed or timed-out run printed, to resume without acting twice"
			if spec.verb == "rotate" {
				usage = "base `token` of the rotation's calls: run again with the token a stopped run printed, to resume without acting twice"
			}
			fs.StringVar(&o.clientToken, name, "", usage)
		default:
			panic("listenercerts: no flag " + name)
		}
	}
	return fs
}

// parse reads a command line: global flags, service, verb, then the
// subcommand's flags (global flags are accepted there too). It reports every
// problem it finds in one *usageError.
func parse(args []string, getenv func(string) string) (*invocation, error) {
	inv := &invocation{set: map[string]bool{}, args: args}
	gfs := newGlobalFlagSet(&inv.global)
	rest, problems, help := parseFlags(args, []*flag.FlagSet{gfs}, true, inv.set)
	if help {
		return nil, helpRequest{}
	}
	var service, verb string
	if len(rest) > 0 {
		service, rest = rest[0], rest[1:]
	}
	if len(rest) > 0 {
		verb, rest = rest[0], rest[1:]
	}
	switch {
	case service == "":
		return nil, &usageError{problems: append(problems, "missing the service: alb or ga")}
	case service != "alb" && service != "ga":
		return nil, &usageError{problems: append(problems, fmt.Sprintf("unknown service %q: want alb or ga", service))}
	}
	inv.spec = lookupCommand(service, verb)
	if inv.spec == nil {
		if verb == "" {
			problems = append(problems, "missing the command after "+service+": dissociate, associate, rotate or list")
		} else {
			problems = append(problems, fmt.Sprintf("unknown command %q after %s: want dissociate, associate, rotate or list", verb, service))
		}
		return nil, &usageError{problems: problems}
	}
	cfs := newCommandFlagSet(inv.spec, &inv.o)
	positional, more, help := parseFlags(rest, []*flag.FlagSet{cfs, gfs}, false, inv.set)
	if help {
		return nil, helpRequest{inv.spec}
	}
	for _, p := range more {
		if name, ok := strings.CutPrefix(p, "unknown flag -"); ok && inv.spec.lacks[name] != "" {
			p += ": " + inv.spec.lacks[name]
		}
		problems = append(problems, p)
	}
	for _, a := range positional {
		problems = append(problems, fmt.Sprintf("unexpected argument %q: every value follows its flag (e.g. -listener ID)", a))
	}
	problems = append(problems, inv.check(getenv)...)
	if len(problems) > 0 {
		return nil, &usageError{problems: problems, spec: inv.spec}
	}
	return inv, nil
}

// check reports missing required flags and values out of range.
func (inv *invocation) check(getenv func(string) string) []string {
	var problems []string
	for _, name := range inv.spec.required {
		if !inv.set[name] {
			problems = append(problems, "-"+name+" is required")
		}
	}
	if either := inv.spec.either; len(either) == 2 && !inv.set[either[0]] && !inv.set[either[1]] {
		problems = append(problems, fmt.Sprintf("-%s or -%s is required", either[0], either[1]))
	}
	problems = append(problems, inv.checkDomains()...)
	if inv.spec.service == "alb" && inv.global.region == "" && getenv(alicloud.RegionEnvVar) == "" {
		problems = append(problems, "-region is required for alb (or set "+alicloud.RegionEnvVar+")")
	}
	switch {
	case inv.global.wait < 0:
		problems = append(problems, "-wait must not be negative")
	case inv.global.wait == 0 && inv.spec.verb == "rotate" && inv.set["wait"]:
		problems = append(problems, "-wait must be positive for rotate: it waits for each step before the next")
	}
	return problems
}

// checkDomains reports a ga domain given twice with different
// certificates (-cert, -set), or both set and removed: the SDK refuses
// them too, but in terms of its fields and one at a time.
func (inv *invocation) checkDomains() []string {
	var problems []string
	flagName := "-cert"
	if inv.spec.verb == "rotate" {
		flagName = "-set"
	}
	certOf := map[string]string{} // lower-cased domain → certificate
	for _, p := range inv.o.pairs {
		key := strings.ToLower(p.Domain)
		if id, ok := certOf[key]; ok && id != p.CertificateID {
			problems = append(problems, fmt.Sprintf("%s: domain %s given twice, with certificates %s and %s", flagName, p.Domain, id, p.CertificateID))
		} else if !ok {
			certOf[key] = p.CertificateID
		}
	}
	if inv.spec.service == "ga" && inv.spec.verb == "rotate" {
		for _, d := range inv.o.remove {
			if _, ok := certOf[strings.ToLower(d)]; ok {
				problems = append(problems, fmt.Sprintf("-remove %s: the domain is also in -set (a rotation sets a domain or removes it, not both)", d))
			}
		}
	}
	return problems
}

// parseFlags parses args against the flag sets, collecting every problem
// instead of stopping at the first. With stopAtPositional it returns at the
// first argument that is not a flag (the service name); otherwise
// positional arguments are returned, to be reported. Each flag given is
// recorded in set.
func parseFlags(args []string, sets []*flag.FlagSet, stopAtPositional bool, set map[string]bool) (positional, problems []string, help bool) {
	lookup := func(name string) *flag.Flag {
		for _, fs := range sets {
			if f := fs.Lookup(name); f != nil {
				return f
			}
		}
		return nil
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			positional = append(positional, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			if stopAtPositional {
				return args[i:], problems, false
			}
			positional = append(positional, a)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimPrefix(a[1:], "-"), "=")
		if name == "h" || name == "help" {
			return nil, nil, true
		}
		f := lookup(name)
		if f == nil {
			problems = append(problems, fmt.Sprintf("unknown flag -%s", name))
			if !hasValue && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") && !stopAtPositional {
				i++ // most likely its value: not worth a second problem
			}
			continue
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			if !hasValue {
				value = "true"
			}
		} else if !hasValue {
			if i+1 == len(args) || isFlag(args[i+1], lookup) {
				problems = append(problems, fmt.Sprintf("-%s needs a value", name))
				set[name] = true // reported; not "required" as well
				continue
			}
			i++
			value = args[i]
		}
		if err := f.Value.Set(value); err != nil {
			problems = append(problems, fmt.Sprintf("-%s: invalid value %q: %v", name, value, err))
			set[name] = true
			continue
		}
		set[name] = true
	}
	return positional, problems, false
}

// isFlag reports whether a looks like one of the defined flags, so that
// "-listener -cert c1" reports the missing listener id instead of taking
// "-cert" as one.
func isFlag(a string, lookup func(string) *flag.Flag) bool {
	if len(a) < 2 || a[0] != '-' {
		return false
	}
	name, _, _ := strings.Cut(strings.TrimPrefix(a[1:], "-"), "=")
	return lookup(name) != nil || name == "h" || name == "help"
}

// stringList is a repeatable flag; each value may be a comma-separated list.
type stringList struct{ p *[]string }

func (l stringList) String() string {
	if l.p == nil {
		return ""
	}
	return strings.Join(*l.p, ",")
}

func (l stringList) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			return fmt.Errorf("empty item")
		}
		*l.p = append(*l.p, s)
	}
	return nil
}

// pairList is a repeatable DOMAIN=ID flag.
type pairList struct{ p *[]ga.DomainCertificate }

func (l pairList) String() string {
	if l.p == nil {
		return ""
	}
	s := make([]string, len(*l.p))
	for i, p := range *l.p {
		s[i] = p.Domain + "=" + p.CertificateID
	}
	return strings.Join(s, ",")
}

func (l pairList) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		d, id, ok := strings.Cut(strings.TrimSpace(s), "=")
		d, id = strings.TrimSpace(d), strings.TrimSpace(id)
		if !ok || d == "" || id == "" {
			return fmt.Errorf("want DOMAIN=ID, e.g. example.com=123-cn-hangzhou")
		}
		*l.p = append(*l.p, ga.DomainCertificate{Domain: d, CertificateID: id})
	}
	return nil
}

// enumValue accepts one of a few words.
type enumValue struct {
	p       *string
	allowed []string
}

func (e enumValue) String() string {
	if e.p == nil {
		return ""
	}
	return *e.p
}

func (e enumValue) Set(v string) error {
	if !slices.Contains(e.allowed, v) {
		return fmt.Errorf("want %s", strings.Join(e.allowed, " or "))
	}
	*e.p = v
	return nil
}

// durationValue is a time.Duration flag with a helpful error.
type durationValue struct{ p *time.Duration }

func (d durationValue) String() string {
	if d.p == nil {
		return ""
	}
	return d.p.String()
}

func (d durationValue) Set(v string) error {
	x, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("want a duration such as 90s or 10m")
	}
	*d.p = x
	return nil
}
