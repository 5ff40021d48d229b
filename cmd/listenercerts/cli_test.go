package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/alb"
	"github.com/listenercerts/alicloud/ga"
)

func noEnv(string) string { return "" }

func TestParse(t *testing.T) {
	inv, err := parse([]string{"-region", "cn-beijing", "-output=json", "alb", "dissociate",
		"-listener", "lsn-1", "-cert", "c1", "--cert=c2,c3", "-dry-run", "-wait", "90s", "-v"}, noEnv)
	require.NoError(t, err)
	assert.Equal(t, "cn-beijing", inv.global.region)
	assert.Equal(t, "json", inv.global.output)
	assert.Equal(t, 90*time.Second, inv.global.wait, "global flags after the command too")
	assert.True(t, inv.global.verbose)
	assert.Equal(t, "lsn-1", inv.o.listener)
	assert.Equal(t, []string{"c1", "c2", "c3"}, inv.o.certs)
	assert.True(t, inv.o.dryRun)

	inv, err = parse([]string{"ga", "associate", "-accelerator", "ga-1", "-listener", "lsr-1",
		"-cert", "a.com=x1", "-cert", "b.com=x2,c.com=x3"}, noEnv)
	require.NoError(t, err, "ga needs no region")
	assert.Equal(t, []ga.DomainCertificate{{Domain: "a.com", CertificateID: "x1"},
		{Domain: "b.com", CertificateID: "x2"}, {Domain: "c.com", CertificateID: "x3"}}, inv.o.pairs)
	assert.Equal(t, 5*time.Minute, inv.global.wait, "the default wait")
	assert.Equal(t, "text", inv.global.output)

	_, err = parse([]string{"alb", "list", "-listener", "lsn-1"}, func(k string) string {
		return map[string]string{alicloud.RegionEnvVar: "cn-hangzhou"}[k]
	})
	require.NoError(t, err, "the region from the environment")
}

func TestParseUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string // every problem, in order
	}{
		{nil, []string{"missing the service"}},
		{[]string{"elb", "list"}, []string{`unknown service "elb"`}},
		{[]string{"alb"}, []string{"missing the command after alb"}},
		{[]string{"alb", "remove"}, []string{`unknown command "remove"`}},
		{[]string{"-output", "yaml", "alb", "list"}, []string{`-output: invalid value "yaml": want text or json`,
			"-listener is required", "-region is required"}},
		{[]string{"-region", "r", "alb", "dissociate", "lsn-1"}, []string{`unexpected argument "lsn-1"`,
			"-listener is required", "-cert is required"}},
		{[]string{"-region", "r", "alb", "dissociate", "-listener", "-cert", "c1", "-nope"},
			[]string{"-listener needs a value", "unknown flag -nope"}},
		{[]string{"-region", "r", "-wait", "soon", "alb", "list", "-listener", "l"}, []string{`-wait: invalid value "soon"`}},
		{[]string{"-region", "r", "-wait", "-1s", "alb", "list", "-listener", "l"}, []string{"-wait must not be negative"}},
		{[]string{"-region", "r", "alb", "rotate", "-listener", "l"}, []string{"-add or -remove is required"}},
		{[]string{"ga", "rotate", "-accelerator", "a", "-listener", "l"}, []string{"-set or -remove is required"}},
		{[]string{"ga", "associate", "-accelerator", "a", "-listener", "l", "-cert", "x1"}, []string{`-cert: invalid value "x1": want DOMAIN=ID`}},
		{[]string{"ga", "dissociate", "-listener", "l", "-domain", ""}, []string{`-domain: invalid value ""`, "-accelerator is required"}},
		{[]string{"ga", "list", "-listener", "l", "-cert", "a=b"}, []string{"unknown flag -cert", "-accelerator is required"}},
		{[]string{"ga", "associate", "-accelerator", "a", "-listener", "l", "-cert", "a.com=x1,A.com=x2,a.com=x1", "-dry-run"},
			[]string{"unknown flag -dry-run: GA has no dry run for Associate (ga rotate -set DOMAIN=ID -dry-run prints the plan)",
				"-cert: domain A.com given twice, with certificates x1 and x2"}},
		{[]string{"ga", "rotate", "-accelerator", "a", "-listener", "l", "-set", "a.com=x1", "-remove", "b.com,A.com"},
			[]string{"-remove A.com: the domain is also in -set"}},
	} {
		_, err := parse(tc.args, noEnv)
		var u *usageError
		require.ErrorAs(t, err, &u, "%q", tc.args)
		require.Len(t, u.problems, len(tc.want), "%q: %q", tc.args, u.problems)
		for i, w := range tc.want {
			assert.Contains(t, u.problems[i], w, "%q", tc.args)
		}
	}
}

func TestHelp(t *testing.T) {
	_, err := parse([]string{"ga", "list", "-h"}, noEnv)
	var h helpRequest
	require.ErrorAs(t, err, &h)
	require.NotNil(t, h.spec)
	assert.Equal(t, "list", h.spec.verb)

	var out, errOut bytes.Buffer
	code := run(t.Context(), []string{"-help"}, &out, &errOut, false, noEnv)
	assert.Equal(t, exitOK, code)
	for _, c := range commands {
		assert.Contains(t, out.String(), c.synopsis)
	}
}

func TestRunUsageErrorExit2(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(t.Context(), []string{"ga", "dissociate", "-listener", "l"}, &out, &errOut, false, noEnv)
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, out.String())
	assert.Contains(t, errOut.String(), "listenercerts: -accelerator is required\n")
	assert.Contains(t, errOut.String(), "listenercerts: -domain is required\n")
	assert.Contains(t, errOut.String(), "usage: listenercerts [global flags] ga dissociate")
}

func TestWithClientToken(t *testing.T) {
	assert.Equal(t, []string{"alb", "dissociate", "-cert", "c1", "-client-token", "T"},
		withClientToken([]string{"alb", "dissociate", "-cert", "c1"}, "T"))
	assert.Equal(t, []string{"alb", "dissociate", "-cert", "c1", "-client-token", "T"},
		withClientToken([]string{"alb", "dissociate", "-client-token", "old", "-cert", "c1"}, "T"))
	assert.Equal(t, []string{"alb", "-cert", "c1", "-client-token", "T"},
		withClientToken([]string{"alb", "--client-token=old", "-cert", "c1"}, "T"))
	assert.Equal(t, `listenercerts -endpoint http://127.0.0.1:1 ga dissociate -domain 'a b' -x 'it'\''s' ''`,
		commandLine([]string{"-endpoint", "http://127.0.0.1:1", "ga", "dissociate", "-domain", "a b", "-x", "it's", ""}))
}

func TestFlagOfField(t *testing.T) {
	for field, flag := range map[string]string{
		"ListenerID": "-listener", "CertificateIDs[3]": "-cert", "Domains[0]": "-domain", "AcceleratorID": "-accelerator",
		"Certificates[1].Domain": "-cert", "Config.Region": "-region", "Config.Endpoint": "-endpoint",
		"ClientToken": "-client-token", "maxWait": "-wait", "Add[2]": "-add", "Remove": "-remove", "Set[0]": "-set",
		"Config.Credentials": "", "input": "",
	} {
		assert.Equal(t, flag, flagOfField(field), field)
	}
}

func TestDiagnosisURL(t *testing.T) {
	assert.Equal(t, "https://given", diagnosisURL(&alicloud.APIError{Recommend: "https://given"}))
	assert.Equal(t, "https://api.aliyun.com/troubleshoot?q=NotExist.Listener&product=Ga&requestId=R-1",
		diagnosisURL(&alicloud.APIError{Service: "ga", Code: "NotExist.Listener", RequestID: "R-1"}))
	assert.Empty(t, diagnosisURL(&alicloud.APIError{Service: "ga"}))
}

func TestPollLine(t *testing.T) {
	wp := alicloud.WaitPoll{What: "listener lsr-1 to be active", Poll: 2, Pending: "listener lsr-1 is updating",
		Elapsed: 2 * time.Second, NextPoll: 1500 * time.Millisecond}
	assert.Equal(t, "waiting for listener lsr-1 to be active: listener lsr-1 is updating; 2s elapsed, next poll in 1.5s", pollLine(wp, 0))
	assert.Equal(t, "waiting for listener lsr-1 to be active: listener lsr-1 is updating; 3s elapsed, next poll in 500ms",
		pollLine(wp, time.Second), "redrawn a second later")
	assert.Contains(t, pollLine(wp, 5*time.Second), "next poll in 0s")
	wp.Done, wp.Pending, wp.NextPoll = true, "", 0
	assert.Equal(t, "done: listener lsr-1 to be active, after 2s (2 polls)", pollLine(wp, 0))
}

func TestProgressPlainAndTerminal(t *testing.T) {
	var plain bytes.Buffer
	p := newProgress(&plain, false)
	p.poll(alicloud.WaitPoll{What: "x", Poll: 1, Pending: "y", NextPoll: time.Second})
	p.poll(alicloud.WaitPoll{What: "x", Poll: 2, Done: true})
	p.finish()
	assert.Equal(t, "listenercerts: waiting for x: y; 0s elapsed, next poll in 1s\nlistenercerts: done: x, after 0s (2 polls)\n", plain.String())
	assert.NotContains(t, plain.String(), "\r")

	var term bytes.Buffer
	p = newProgress(&term, true)
	p.poll(alicloud.WaitPoll{What: "x", Poll: 1, Pending: "y", NextPoll: time.Hour})
	p.note("a log line")
	p.finish()
	assert.Equal(t, "waiting for x: y; 0s elapsed, next poll in 1h0m0s\r\x1b[Klistenercerts: a log line\n", term.String(),
		"the progress line is cleared before other output")
}

func TestFailExitCodes(t *testing.T) {
	inv, err := parse([]string{"-region", "r", "alb", "dissociate", "-listener", "l", "-cert", "c"}, noEnv)
	require.NoError(t, err)
	token := inv.clientToken() // as the CLI does before the call: it says nothing about what was sent
	sent := func(err error) error { return &alicloud.ClientTokenError{ClientToken: token, Err: err} }
	for _, tc := range []struct {
		err      error
		accepted bool
		code     int
		want     string
		not      string
	}{
		{&alicloud.APIError{Service: "alb", Operation: "DissociateAdditionalCertificatesFromListener", Code: "ResourceNotFound.Listener",
			Message: "gone", RequestID: "R-1", HTTPStatus: 404}, false, exitFailed, "diagnosis:  https://api.aliyun.com/troubleshoot?q=ResourceNotFound.Listener", "resume with -client-token"},
		{sent(errors.Join(errors.New("alb: job J"), alicloud.ErrWaitTimeout)), true, exitTimeout,
			"the change was accepted and is still in progress; resume with -client-token " + token + " (the service acts at most once per token), waiting twice as long:\n" +
				"  listenercerts -region r alb dissociate -listener l -cert c -wait 10m -client-token " + token + "\n", ""},
		{errors.Join(errors.New("still pending: c (Dissociating)"), alicloud.ErrWaitTimeout), false, exitTimeout,
			"nothing was sent by this run; the change already underway is still in progress", "-client-token"},
		{&alicloud.ValidationError{Field: "CertificateIDs[1]", Reason: "duplicate"}, false, exitUsage, "listenercerts: -cert: duplicate", "resume with -client-token"},
		{&credentialsError{errors.New("none")}, false, exitFailed, "Set ALIBABA_CLOUD_ACCESS_KEY_ID", "resume with -client-token"},
		{errors.New("dial tcp 127.0.0.1:1: connection refused"), false, exitFailed, "connection refused", "resume with -client-token"},
		{sent(errors.New("read: connection reset")), false, exitFailed, "the outcome is unknown; resume with -client-token " + token, ""},
		{context.Canceled, false, exitFailed, "listenercerts: interrupted\nnothing was sent\n", "resume with -client-token"},
		{sent(context.Canceled), true, exitFailed, "the change was accepted, still in progress; resume with -client-token " + token, "twice"},
		{sent(context.Canceled), false, exitFailed, "interrupted while sending: the outcome is unknown; resume with -client-token " + token, ""},
	} {
		var errOut bytes.Buffer
		a := &app{progress: newProgress(&errOut, false)}
		inv.accepted = tc.accepted
		assert.Equal(t, tc.code, a.fail(inv, tc.err), "%v", tc.err)
		assert.Contains(t, errOut.String(), tc.want)
		if tc.not != "" {
			assert.NotContains(t, errOut.String(), tc.not, "%v", tc.err)
		}
	}
}

func TestWithWait(t *testing.T) {
	assert.Equal(t, []string{"-wait", "10m", "alb", "list"}, withWait([]string{"-wait", "5m", "alb", "list"}, 10*time.Minute))
	assert.Equal(t, []string{"alb", "-wait", "1h", "list"}, withWait([]string{"alb", "--wait=30m", "list", "-wait", "2s"}, time.Hour))
	assert.Equal(t, []string{"alb", "list", "-wait", "600ms"}, withWait([]string{"alb", "list"}, 600*time.Millisecond))
	assert.Equal(t, "1h30m", formatDuration(90*time.Minute))
}

func TestProgressEvents(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b, false)
	p.event(alicloud.ProgressEvent{Service: "alb", ListenerID: "lsn-1", Step: alicloud.StepPlan, Total: 2})
	p.event(alicloud.ProgressEvent{Step: alicloud.StepAssociate, Items: []string{"c1", "c2"}, Done: 0, Total: 2, ClientToken: "T", JobID: "J"})
	p.event(alicloud.ProgressEvent{Step: alicloud.StepWait, Items: []string{"c1"},
		Poll: &alicloud.WaitPoll{What: "x", Poll: 1, Pending: "c1 (Associating)", NextPoll: time.Second}})
	p.event(alicloud.ProgressEvent{Step: alicloud.StepDissociate, Items: []string{"c0"}, Err: errors.New("refused")})
	p.event(alicloud.ProgressEvent{Step: alicloud.StepDone})
	p.finish()
	assert.Equal(t, `listenercerts: plan for lsn-1: 2 write call(s)
listenercerts: associate c1, c2 accepted (call 1 of 2, client token T, job J)
listenercerts: c1: waiting for x: c1 (Associating); 0s elapsed, next poll in 1s
listenercerts: dissociate c0 failed: refused
`, b.String())
}

func TestFailRotation(t *testing.T) {
	inv, err := parse([]string{"ga", "rotate", "-accelerator", "ga-1", "-listener", "lsr-1", "-set", "a.com=y1,d.com=x4", "-remove", "c.com"}, noEnv)
	require.NoError(t, err)
	token := inv.clientToken()
	timeout := &ga.RotationError{ListenerID: "lsr-1", ClientToken: token, Step: alicloud.StepWait,
		Done:      ga.RotateCertificatesOutput{Updated: []string{"a.com"}},
		NotServed: []string{"d.com"}, NotDissociated: []string{"c.com"},
		Err: &alicloud.ClientTokenError{ClientToken: "call", Err: errors.Join(errors.New("still pending: listener lsr-1"), alicloud.ErrWaitTimeout)}}
	var errOut bytes.Buffer
	a := &app{progress: newProgress(&errOut, false)}
	assert.Equal(t, exitTimeout, a.fail(inv, timeout))
	assert.Contains(t, errOut.String(), "listenercerts: the rotation of lsr-1 stopped at waiting for a change to take effect: ")
	assert.Contains(t, errOut.String(), "  done:       updated a.com; associated none; dissociated none\n  not done:   serve d.com; dissociate c.com\n  (nothing was dissociated)\n")
	assert.True(t, strings.HasSuffix(errOut.String(), "-remove c.com -wait 10m -client-token "+token+"\n"), errOut.String())

	inv, err = parse([]string{"-region", "r", "alb", "rotate", "-listener", "lsn-1", "-add", "c9", "-remove", "c1"}, noEnv)
	require.NoError(t, err)
	token = inv.clientToken()
	refused := &alb.RotationError{ListenerID: "lsn-1", ClientToken: token, Step: alicloud.StepDissociate,
		Done: alb.RotateCertificatesOutput{Associated: []string{"c9"}}, NotDissociated: []string{"c1"},
		Err: &alicloud.APIError{Service: "alb", Operation: "DissociateAdditionalCertificatesFromListener", Code: "Forbidden", RequestID: "R-1", HTTPStatus: 403}}
	errOut.Reset()
	assert.Equal(t, exitFailed, a.fail(inv, refused))
	assert.Contains(t, errOut.String(), "listenercerts: the rotation of lsn-1 stopped at the dissociate call:\nlistenercerts: alb DissociateAdditionalCertificatesFromListener refused: Forbidden (HTTP 403)\n")
	assert.Contains(t, errOut.String(), "diagnosis:  https://api.aliyun.com/troubleshoot?q=Forbidden")
	assert.Contains(t, errOut.String(), "  done:       associated c9; dissociated none\n  not done:   associate none; dissociate c1\n")
	assert.Contains(t, errOut.String(), "a re-run cannot finish this until the cause is fixed", "Forbidden: a re-run alone cannot help")
	assert.NotContains(t, errOut.String(), "resume with")

	// A transient refusal after a write was sent: the same command resumes.
	transient := *refused
	transient.Sent = true
	transient.Err = &alicloud.APIError{Service: "alb", Operation: "DissociateAdditionalCertificatesFromListener", Code: "ServiceUnavailable",
		RequestID: "R-2", HTTPStatus: 503}
	errOut.Reset()
	assert.Equal(t, exitFailed, a.fail(inv, &transient))
	assert.Contains(t, errOut.String(), "the rotation stopped part way; resume with -client-token "+token+" (the service acts at most once per token):\n")

	// Stopped before its first write: nothing to resume.
	unsent := &alb.RotationError{ListenerID: "lsn-1", ClientToken: token, Step: alicloud.StepAssociate,
		NotAssociated: []string{"c9"}, NotDissociated: []string{"c1"}, Err: errors.New("connection refused")}
	errOut.Reset()
	assert.Equal(t, exitFailed, a.fail(inv, unsent))
	assert.Contains(t, errOut.String(), "nothing was sent")
	assert.NotContains(t, errOut.String(), "resume with")
}

func TestRotationText(t *testing.T) {
	var b bytes.Buffer
	inv := &invocation{o: options{listener: "lsr-1"}}
	writeText(&b, inv, &ga.RotateCertificatesOutput{Updated: []string{"a.com"}, Associated: []string{"e.com"}, Unchanged: []string{"b.com"},
		Plan: ga.RotationPlan{Update: make([]ga.PlannedUpdate, 1), Associate: make([][]ga.DomainCertificate, 1)}, ClientToken: "T"})
	assert.Equal(t, "rotated lsr-1: updated a.com; associated e.com; dissociated none\nalready so (not sent): unchanged b.com; dissociated none\nclient token T\n", b.String())

	b.Reset()
	writeText(&b, inv, &ga.RotateCertificatesOutput{Unchanged: []string{"b.com"}, ClientToken: "T"})
	assert.Equal(t, "nothing to do: lsr-1 is already as asked (no write call sent)\nalready so (not sent): unchanged b.com; dissociated none\n", b.String())

	b.Reset()
	inv.o.dryRun = true
	writeText(&b, inv, &ga.RotateCertificatesOutput{Plan: ga.RotationPlan{
		Update:     []ga.PlannedUpdate{{Domain: "a.com", CertificateID: "y1", CurrentCertificateID: "x1"}},
		Associate:  [][]ga.DomainCertificate{{{Domain: "e.com", CertificateID: "x5"}, {Domain: "f.com", CertificateID: "x6"}}},
		Dissociate: [][]string{{"c.com"}}}, ClientToken: "T"})
	assert.Equal(t, `dry run passed: the plan for lsr-1 (3 write calls; nothing changed)
  update     a.com=y1 (was x1)
  associate  e.com=x5, f.com=x6
  dissociate c.com
`, b.String())
}

func TestServiceTextCannotForgeTerminalOutput(t *testing.T) {
	var b bytes.Buffer
	writeAPIError(&b, &alicloud.APIError{Service: "alb", Operation: "DissociateAdditionalCertificatesFromListener",
		HTTPStatus: 400, Code: "Bad\x1b[2J", Message: "line one\nlistenercerts: done: all good\r",
		RequestID: "R\x00", Recommend: "https://x/\x1b]8;;evil\x07", AccessDeniedDetail: strings.Repeat("d", 10000)})
	out := b.String()
	for _, bad := range []string{"\x1b", "\x00", "\r", "\x07", "\nlistenercerts: done"} {
		assert.NotContains(t, out, bad)
	}
	assert.Contains(t, out, `line one\nlistenercerts: done: all good\r`, "escaped, still readable")
	assert.Less(t, len(out), 3*2048)
}

func TestFitLineShortensWhatFirst(t *testing.T) {
	wp := alicloud.WaitPoll{What: "the change of listener lsr-1 to take effect (listener active, domains as wanted, accelerator ga-1 active)",
		Poll: 2, Pending: "listener lsr-1 is updating", Elapsed: 2 * time.Second, NextPoll: 1500 * time.Millisecond}
	full := pollLine(wp, 0)
	assert.Equal(t, full, fitLine("", wp, 0, 200), "fits: unchanged")

	got := fitLine("", wp, 0, 100)
	assert.Equal(t, 99, utf8.RuneCountInString(got), "one column left free")
	assert.True(t, strings.HasPrefix(got, "waiting for the change of listener lsr"), got)
	assert.Contains(t, got, "…: listener lsr-1 is updating; 2s elapsed, next poll in 1.5s", "What is shortened, the rest kept")
	assert.True(t, strings.HasSuffix(got, "next poll in 1.5s"), got)

	got = fitLine("c1, c2: ", wp, 0, 30)
	assert.Equal(t, 29, utf8.RuneCountInString(got))
	assert.True(t, strings.HasPrefix(got, "c1, c2: waiting for …: "), got)
	assert.True(t, strings.HasSuffix(got, "…"), "then the end is cut: %s", got)

	assert.Equal(t, 80, terminalWidth(noEnv))
	assert.Equal(t, 100, terminalWidth(func(string) string { return "100" }))
	assert.Equal(t, 80, terminalWidth(func(string) string { return "wide" }))
	assert.Equal(t, 80, terminalWidth(func(string) string { return "-3" }))

	// On a terminal the drawn line fits.
	var term bytes.Buffer
	p := newProgress(&term, true)
	p.width = 40
	p.poll(wp)
	p.finish()
	line := strings.TrimSuffix(term.String(), "\n")
	assert.LessOrEqual(t, utf8.RuneCountInString(line), 39, line)
}

func TestListAndProgressTextEscapeServiceText(t *testing.T) {
	evil := "x\x1b[2J\nlistenercerts: done\r"
	var b bytes.Buffer
	inv := &invocation{o: options{listener: "lsn-1", accelerator: "ga-1"}}
	writeText(&b, inv, &alb.ListListenerCertificatesOutput{Certificates: []alb.ListenerCertificate{
		{CertificateID: evil, CertificateType: evil, Status: evil}}})
	writeText(&b, inv, &ga.ListListenerCertificatesOutput{Certificates: []ga.ListenerCertificate{
		{Domain: evil, CertificateID: evil, State: evil}}})
	writeText(&b, inv, &alb.DissociateAdditionalCertificatesFromListenerOutput{JobID: evil, RequestID: evil, ClientToken: "T"})
	b.WriteString(eventLine(alicloud.ProgressEvent{Step: alicloud.StepAssociate, Items: []string{"c1"}, Err: errors.New(evil)}))
	b.WriteString(eventLine(alicloud.ProgressEvent{Step: alicloud.StepAssociate, Items: []string{"c1"}, Total: 1, ClientToken: "T", JobID: evil}))
	b.WriteString(pollLine(alicloud.WaitPoll{What: evil, Pending: evil}, 0))
	out := b.String()
	assert.NotContains(t, out, "\x1b")
	assert.NotContains(t, out, "\r")
	assert.NotContains(t, out, "\nlistenercerts: done")
	assert.Contains(t, out, `x\x1b[2J\nlistenercerts: done\r`)
}

func TestWriteJSON(t *testing.T) {
	var b bytes.Buffer
	out := &ga.RotateCertificatesOutput{Updated: []string{"a.com"}, Plan: ga.RotationPlan{Associate: [][]ga.DomainCertificate{nil}}}
	require.NoError(t, writeJSON(&b, out, nil))
	assert.NotContains(t, b.String(), "null", "every list is [], also nested ones")
	assert.Contains(t, b.String(), `"Associated": []`)
	assert.Contains(t, b.String(), `"Associate": [
      []
    ]`)
	var back ga.RotateCertificatesOutput
	require.NoError(t, json.Unmarshal(b.Bytes(), &back))

	inv, err := parse([]string{"-region", "r", "alb", "dissociate", "-listener", "l", "-cert", "c"}, noEnv)
	require.NoError(t, err)
	token := inv.clientToken()
	apiErr := &alicloud.APIError{Service: "alb", Code: "Bad\x1b[2J", Message: "line\n\"quoted\"", RequestID: "R-1", HTTPStatus: 400}
	b.Reset()
	require.NoError(t, writeJSON(&b, nil, errorObject(inv, apiErr)))
	var only map[string]map[string]any
	dec := json.NewDecoder(&b)
	require.NoError(t, dec.Decode(&only), "one object")
	assert.False(t, dec.More())
	assert.Equal(t, map[string]any{"Code": "Bad\x1b[2J", "Message": "line\n\"quoted\"", "RequestID": "R-1",
		"Recommend": "https://api.aliyun.com/troubleshoot?q=Bad%1B%5B2J&product=Alb&requestId=R-1", "HTTPStatus": float64(400), "ClientToken": ""}, only["Error"])

	b.Reset()
	inv.accepted = true
	require.NoError(t, writeJSON(&b, &alb.DissociateAdditionalCertificatesFromListenerOutput{JobID: "J", ClientToken: token},
		errorObject(inv, &alicloud.ClientTokenError{ClientToken: token, Err: errors.Join(errors.New("still pending"), alicloud.ErrWaitTimeout)})))
	assert.NotContains(t, b.String(), "\x1b")
	var both struct {
		alb.DissociateAdditionalCertificatesFromListenerOutput
		Error jsonError
	}
	dec = json.NewDecoder(&b)
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&both))
	assert.Equal(t, "J", both.JobID)
	assert.Equal(t, token, both.Error.ClientToken)
	assert.Contains(t, both.Error.Message, "still pending")
}

func TestRotateUsageSaysWhatWaitBounds(t *testing.T) {
	var b bytes.Buffer
	printUsage(&b, lookupCommand("alb", "rotate"))
	assert.Contains(t, b.String(), "For rotate it bounds each wait (one after every write call), not the whole run, and 0 is a usage error")
}
