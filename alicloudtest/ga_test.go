package alicloudtest

import (
	"strings"
	"testing"
	"time"
)

func TestGADissociateErrors(t *testing.T) {
	eleven := make([]string, 11)
	for i := range eleven {
		eleven[i] = strings.Repeat("x", i+1) + ".example.com"
	}
	std := []string{"AcceleratorId", "ga-1", "ListenerId", "lsr-1"}
	for _, tc := range []struct {
		name    string
		setup   func(f *fixture)
		kv      []string
		status  int
		code    string
		message string
	}{
		{name: "missing RegionId", kv: append([]string{"RegionId", ""}, append(std, domainArgs("a.example.com")...)...),
			status: 400, code: CodeMissingParameter, message: `"RegionId"`},
		{name: "wrong RegionId", kv: append([]string{"RegionId", "cn-shanghai"}, append(std, domainArgs("a.example.com")...)...),
			status: 400, code: CodeInvalidParameter, message: `"RegionId"`},
		{name: "missing AcceleratorId", kv: append([]string{"ListenerId", "lsr-1"}, domainArgs("a.example.com")...),
			status: 400, code: CodeMissingParameter, message: `"AcceleratorId"`},
		{name: "missing ListenerId", kv: append([]string{"AcceleratorId", "ga-1"}, domainArgs("a.example.com")...),
			status: 400, code: CodeMissingParameter, message: `"ListenerId"`},
		{name: "missing domains", kv: std, status: 400, code: CodeMissingParameter, message: "Domains.1"},
		{name: "too many domains", kv: append(std, domainArgs(eleven...)...), status: 400, code: CodeInvalidParameter, message: "at most 10"},
		{name: "duplicate domains", kv: append(std, domainArgs("a.example.com", "a.example.com")...), status: 400, code: CodeInvalidParameter},
		{name: "accelerator not found", kv: append([]string{"AcceleratorId", "ga-nope", "ListenerId", "lsr-1"}, domainArgs("a.example.com")...),
			status: 400, code: CodeGAAcceleratorNotExist, message: "ga-nope"},
		{name: "listener not found", kv: append([]string{"AcceleratorId", "ga-1", "ListenerId", "lsr-nope"}, domainArgs("a.example.com")...),
			status: 400, code: CodeGAListenerNotExist, message: "lsr-nope"},
		{name: "listener of another accelerator", kv: append([]string{"AcceleratorId", "ga-1", "ListenerId", "lsr-2"}, domainArgs("d.example.com")...),
			status: 400, code: CodeGAListenerNotExist},
		{name: "accelerator not active", setup: func(f *fixture) { noErr(f.t, f.srv.GA.SetAcceleratorState("ga-1", "binding")) },
			kv: append(std, domainArgs("a.example.com")...), status: 400, code: CodeGAAcceleratorStateError},
		{name: "listener not active", setup: func(f *fixture) { noErr(f.t, f.srv.GA.SetListenerState("lsr-1", "init")) },
			kv: append(std, domainArgs("a.example.com")...), status: 400, code: CodeGAListenerNotActive},
		{name: "accelerator state wins over listener state", setup: func(f *fixture) {
			noErr(f.t, f.srv.GA.SetListenerState("lsr-1", "init"))
			noErr(f.t, f.srv.GA.SetAcceleratorState("ga-1", "configuring"))
		}, kv: append(std, domainArgs("a.example.com")...), status: 400, code: CodeGAAcceleratorStateError},
		{name: "domain without certificate", kv: append(std, domainArgs("a.example.com", "z.example.com")...),
			status: 400, code: CodeGACertificateNotExist, message: "z.example.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			if tc.setup != nil {
				tc.setup(f)
			}
			r := f.ga(opDissociate, tc.kv...)
			wantError(t, r, tc.status, tc.code)
			if !strings.Contains(r.str("Message"), tc.message) {
				t.Fatalf("message %q does not contain %q", r.str("Message"), tc.message)
			}
			if !strings.Contains(r.str("Recommend"), "product=Ga") {
				t.Fatalf("Recommend %q does not name the product", r.str("Recommend"))
			}
			eq(t, f.srv.Stats().Actions, 0, "actions")
			l, _ := f.srv.GA.Listener("lsr-1")
			eq(t, len(l.AdditionalCertificates), 3, "certificates of lsr-1")
		})
	}
}

// The lock, stepped by hand: the listener's phase, then the accelerator's
// lag, each refusing changes on every listener of the accelerator.
func TestGAStateMachine(t *testing.T) {
	f := newFixture(t, WithGAAcceleratorLag(-1))
	r := gaDissociate(f, "ga-1", "lsr-1", nil, "a.example.com", "B.example.com")
	wantOK(t, r)
	eq(t, len(r.Body), 1, "fields of the answer (RequestId only)")

	l, _ := f.srv.GA.Listener("lsr-1")
	eq(t, l.State, GAStateUpdating, "listener during the update")
	eq(t, l.AdditionalCertificates, map[string]string{"c.example.com": "gcert-c"}, "remaining certificates")
	eq(t, gaAccState(f, "ga-1"), GAStateConfiguring, "accelerator during the update")
	d := f.ga(opDescribe, "ListenerId", "lsr-1")
	wantOK(t, d)
	eq(t, d.str("State"), "updating", "DescribeListener State")
	eq(t, gaCertStates(f, "ga-1", "lsr-1"), map[string]string{
		"": "active", "a.example.com": "updating", "b.example.com": "updating", "c.example.com": "active",
	}, "certificates while dissociating")

	// Busy: no change on the same accelerator, even on another listener.
	wantError(t, gaDissociate(f, "ga-1", "lsr-1", nil, "c.example.com"), 400, CodeGAAcceleratorStateError)
	wantError(t, gaDissociate(f, "ga-1", "lsr-3", nil, "e.example.com"), 400, CodeGAAcceleratorStateError)
	// Another accelerator is not affected.
	wantOK(t, gaDissociate(f, "ga-2", "lsr-2", nil, "d.example.com"))

	eq(t, f.srv.GA.CompleteListenerUpdates(), 2, "listener phases ended")
	l, _ = f.srv.GA.Listener("lsr-1")
	eq(t, l.State, GAStateActive, "listener after its phase")
	eq(t, gaCertStates(f, "ga-1", "lsr-1"), map[string]string{"": "active", "c.example.com": "active"},
		"dissociated domains drop out")
	eq(t, gaAccState(f, "ga-1"), GAStateConfiguring, "accelerator in its lag")
	d = f.ga(opDescribeAcc, "AcceleratorId", "ga-1")
	eq(t, d.str("State"), "configuring", "DescribeAccelerator State in the lag")
	// The listener is active, yet every change is refused until the
	// accelerator is.
	r = gaDissociate(f, "ga-1", "lsr-1", nil, "c.example.com")
	wantError(t, r, 400, CodeGAAcceleratorStateError)
	eq(t, r.str("Message"), "The state of the accelerated instance ga-1 is invalid (configuring).", "message")
	wantError(t, gaAssociate(f, "ga-1", "lsr-3", nil, "x.example.com", "gcert-x"), 400, CodeGAAcceleratorStateError)
	wantError(t, gaUpdateCert(f, "ga-1", "lsr-3", nil, "e.example.com", "gcert-e2"), 400, CodeGAAcceleratorStateError)

	eq(t, f.srv.GA.CompleteUpdates(), 2, "changes ended")
	eq(t, gaAccState(f, "ga-1"), GAStateActive, "accelerator after the lag")
	wantError(t, gaDissociate(f, "ga-1", "lsr-1", nil, "a.example.com"), 400, CodeGACertificateNotExist)
	wantOK(t, gaDissociate(f, "ga-1", "lsr-3", nil, "e.example.com"))
	eq(t, f.srv.Stats().Actions, 3, "actions")
}

// The lock with real timers: listener delay, then the accelerator's lag.
func TestGALockWindow(t *testing.T) {
	f := newFixture(t, WithGAAssociateDelay(50*time.Millisecond), WithGAAcceleratorLag(400*time.Millisecond))
	start := time.Now() // before the request, so the timers cannot have started earlier
	wantOK(t, gaAssociate(f, "ga-1", "lsr-1", nil, "x.example.com", "gcert-x"))
	eventually(t, "the listener to be active", func() bool {
		l, _ := f.srv.GA.Listener("lsr-1")
		return l.State == GAStateActive
	})
	if time.Since(start) < 300*time.Millisecond { // else the machine is too slow to see the window
		eq(t, gaAccState(f, "ga-1"), GAStateConfiguring, "accelerator after the listener")
		wantError(t, gaAssociate(f, "ga-1", "lsr-3", nil, "y.example.com", "gcert-y"), 400, CodeGAAcceleratorStateError)
	}
	eventually(t, "the accelerator to be active", func() bool { return gaAccState(f, "ga-1") == GAStateActive })
	if d := time.Since(start); d < 450*time.Millisecond {
		t.Fatalf("the accelerator was active after %v, want the 50 ms delay and the 400 ms lag", d)
	}
	wantOK(t, gaAssociate(f, "ga-1", "lsr-3", nil, "y.example.com", "gcert-y"))
}

func TestGADefaultLag(t *testing.T) {
	var g gaTiming
	eq(t, g.lagAfter(2*time.Second), time.Second, "half the delay")
	eq(t, g.lagAfter(0), time.Duration(0), "zero delay")
	eq(t, g.lagAfter(-1), time.Duration(0), "manual delay")
	g.apply(gaTimingOptions{lag: 5 * time.Second, lagSet: true})
	eq(t, g.lagAfter(time.Second), 5*time.Second, "set lag")
	e := New()
	defer e.Close()
	eq(t, e.GA.timing, gaTiming{dissociate: DefaultGADissociateDelay, associate: DefaultGAAssociateDelay,
		update: DefaultGAUpdateDelay}, "defaults")
}

func TestGACompleteUpdates(t *testing.T) {
	f := newFixture(t)
	wantOK(t, gaDissociate(f, "ga-1", "lsr-1", nil, "a.example.com"))
	time.Sleep(20 * time.Millisecond)
	l, _ := f.srv.GA.Listener("lsr-1")
	eq(t, l.State, GAStateUpdating, "before CompleteUpdates")
	eq(t, f.srv.GA.CompleteUpdates(), 1, "updates completed")
	l, _ = f.srv.GA.Listener("lsr-1")
	eq(t, l.State, GAStateActive, "after CompleteUpdates")
	eq(t, f.srv.GA.CompleteUpdates(), 0, "nothing left")
}

func TestGAZeroDelay(t *testing.T) {
	f := newFixture(t, WithGADissociateDelay(0))
	wantOK(t, gaDissociate(f, "ga-1", "lsr-1", nil, "a.example.com"))
	wantOK(t, gaDissociate(f, "ga-1", "lsr-1", nil, "b.example.com"))
}

func TestGAIdempotency(t *testing.T) {
	f := newFixture(t)
	tok := []string{"ClientToken", "123e4567-e89b-12d3-a456-426655440000"}
	wantOK(t, gaDissociate(f, "ga-1", "lsr-1", tok, "a.example.com"))
	// A replay succeeds although the accelerator is busy and the domain gone.
	wantOK(t, gaDissociate(f, "ga-1", "lsr-1", tok, "a.example.com"))
	f.srv.GA.CompleteUpdates()
	wantOK(t, gaDissociate(f, "ga-1", "lsr-1", tok, "a.example.com"))
	wantError(t, gaDissociate(f, "ga-1", "lsr-1", tok, "b.example.com"), 400, CodeIdempotentParameterMismatch)
	eq(t, f.srv.Stats().Actions, 1, "actions")
	eq(t, f.srv.ActionsByClientToken(), map[string]int{tok[1]: 1}, "actions by token")
	l, _ := f.srv.GA.Listener("lsr-1")
	eq(t, len(l.AdditionalCertificates), 2, "certificates left")

	// The same token on ALB is another operation's token.
	wantOK(t, albDissociate(f, "lsn-1", tok, "cert-1"))
	eq(t, f.srv.ActionsByClientToken(), map[string]int{tok[1]: 2}, "actions by token over both APIs")
}

func TestGADescribeListener(t *testing.T) {
	f := newFixture(t)
	r := f.ga(opDescribe, "ListenerId", "lsr-1")
	wantOK(t, r)
	for k, v := range map[string]any{
		"ListenerId": "lsr-1", "AcceleratorId": "ga-1", "State": "active", "Protocol": "https", "Name": "web",
	} {
		eq(t, r.Body[k], v, "field %s", k)
	}
	eq(t, r.list("PortRanges"), []map[string]any{{"FromPort": 443.0, "ToPort": 443.0}}, "PortRanges")
	eq(t, r.list("Certificates"), []map[string]any{{"Id": "gcert-0", "Type": "Server"}}, "Certificates (the default one)")

	wantError(t, f.ga(opDescribe, "ListenerId", "lsr-nope"), 400, CodeGAListenerNotExist)
	wantError(t, f.ga(opDescribe), 400, CodeMissingParameter)
	wantError(t, f.ga(opDescribe, "ListenerId", "lsr-1", "RegionId", "us-west-1"), 400, CodeInvalidParameter)
}

func TestGAListListenerCertificates(t *testing.T) {
	f := newFixture(t)
	std := []string{"AcceleratorId", "ga-1", "ListenerId", "lsr-1"}
	var got []map[string]any
	next := ""
	for pages := 0; ; pages++ {
		kv := append(append([]string(nil), std...), "MaxResults", "3")
		if next != "" {
			kv = append(kv, "NextToken", next)
		}
		r := f.ga(opListCerts, kv...)
		wantOK(t, r)
		eq(t, r.Body["TotalCount"], any(4.0), "TotalCount")
		got = append(got, r.list("Certificates")...)
		if next = r.str("NextToken"); next == "" {
			eq(t, pages, 1, "last page index")
			break
		}
	}
	eq(t, got, []map[string]any{
		{"CertificateId": "gcert-0", "IsDefault": true, "State": "active"},
		{"CertificateId": "gcert-a", "IsDefault": false, "Domain": "a.example.com", "State": "active"},
		{"CertificateId": "gcert-b", "IsDefault": false, "Domain": "b.example.com", "State": "active"},
		{"CertificateId": "gcert-c", "IsDefault": false, "Domain": "c.example.com", "State": "active"},
	}, "certificates")

	r := f.ga(opListCerts, append(std, "Role", "default")...)
	eq(t, r.Body["TotalCount"], any(1.0), "default role")
	r = f.ga(opListCerts, append(std, "Role", "additional")...)
	eq(t, r.Body["TotalCount"], any(3.0), "additional role")
	eq(t, r.Body["MaxResults"], any(20.0), "default MaxResults")

	wantOK(t, gaDissociate(f, "ga-1", "lsr-1", nil, "a.example.com"))
	r = f.ga(opListCerts, append(std, "Role", "additional")...)
	eq(t, r.Body["TotalCount"], any(3.0), "while dissociating")
	eq(t, r.list("Certificates")[0]["State"], any("updating"), "state of the domain being dissociated")
	eq(t, r.list("Certificates")[1]["State"], any("active"), "state of another domain")
	f.srv.GA.CompleteUpdates()
	r = f.ga(opListCerts, append(std, "Role", "additional")...)
	eq(t, r.Body["TotalCount"], any(2.0), "after dissociation")

	for _, tc := range []struct {
		kv   []string
		code string
	}{
		{append(std, "Role", "other"), CodeInvalidParameter},
		{append(std, "MaxResults", "51"), CodeInvalidParameter},
		{append(std, "NextToken", "bogus"), CodeInvalidParameter},
		{[]string{"AcceleratorId", "ga-2", "ListenerId", "lsr-1"}, CodeGAListenerNotExist},
		{[]string{"AcceleratorId", "ga-9", "ListenerId", "lsr-1"}, CodeGAAcceleratorNotExist},
		{[]string{"ListenerId", "lsr-1"}, CodeMissingParameter},
	} {
		wantError(t, f.ga(opListCerts, tc.kv...), 400, tc.code)
	}
}

func TestGASeedingAPI(t *testing.T) {
	e := New()
	defer e.Close()
	noErr(t, e.GA.AddAccelerator(GAAccelerator{ID: "ga-1"}))
	errContains(t, e.GA.AddAccelerator(GAAccelerator{ID: "ga-1"}), "already exists")
	errContains(t, e.GA.AddAccelerator(GAAccelerator{ID: "ga-2", State: "sleeping"}), `state: "sleeping"`)
	noErr(t, e.GA.AddListener(GAListener{ID: "l", AcceleratorID: "ga-1", AdditionalCertificates: map[string]string{"x.com": "c"}}))
	errContains(t, e.GA.AddListener(GAListener{ID: "l", AcceleratorID: "ga-1"}), "already exists")
	errContains(t, e.GA.AddListener(GAListener{ID: "m", AcceleratorID: "ga-9"}), `unknown accelerator "ga-9"`)
	errContains(t, e.GA.AddListener(GAListener{ID: "m", AcceleratorID: "ga-1", Protocol: "ftp"}), `protocol: "ftp"`)
	errContains(t, e.GA.AddListener(GAListener{ID: "m", AcceleratorID: "ga-1", PortRanges: []GAPortRange{{500, 400}}}), "portRanges[0]")
	errContains(t, e.GA.AddListener(GAListener{ID: "m", AcceleratorID: "ga-1", AdditionalCertificates: map[string]string{"x.com": ""}}),
		`certificates["x.com"]`)

	l, ok := e.GA.Listener("l")
	eq(t, ok, true, "found")
	eq(t, l, GAListener{ID: "l", AcceleratorID: "ga-1", Protocol: "https", State: "active",
		PortRanges: []GAPortRange{{443, 443}}, AdditionalCertificates: map[string]string{"x.com": "c"}}, "snapshot with defaults")
	l.AdditionalCertificates["y.com"] = "mutated"
	l2, _ := e.GA.Listener("l")
	eq(t, len(l2.AdditionalCertificates), 1, "the snapshot is a copy")

	eq(t, e.GA.DeleteListener("l"), true, "delete")
	eq(t, e.GA.DeleteListener("l"), false, "delete twice")
	noErr(t, e.GA.AddListener(GAListener{ID: "l", AcceleratorID: "ga-1"}))
	eq(t, e.GA.DeleteAccelerator("ga-1"), true, "delete accelerator")
	_, ok = e.GA.Listener("l")
	eq(t, ok, false, "listener of the deleted accelerator")
	eq(t, e.GA.DeleteAccelerator("ga-1"), false, "delete accelerator twice")
	errContains(t, e.GA.SetAcceleratorState("ga-1", "active"), "not found")
	errContains(t, e.GA.SetListenerState("l", "active"), "not found")
}
