package alicloudtest

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// gaExtraListeners adds listeners the change tests need beside the
// standard seed: a TCP one and an HTTPS one with 22 additional certificates.
func gaExtraListeners(f *fixture) {
	f.t.Helper()
	noErr(f.t, f.srv.GA.AddListener(GAListener{ID: "lsr-tcp", AcceleratorID: "ga-1", Protocol: "tcp"}))
	many := map[string]string{}
	for i := 1; i <= 22; i++ {
		many[fmt.Sprintf("d%02d.example.com", i)] = fmt.Sprintf("gcert-%02d", i)
	}
	noErr(f.t, f.srv.GA.AddListener(GAListener{ID: "lsr-many", AcceleratorID: "ga-2", DefaultCertificateID: "gcert-0",
		AdditionalCertificates: many}))
}

func TestGAAssociate(t *testing.T) {
	f := newFixture(t)
	r := gaAssociate(f, "ga-1", "lsr-1", nil, "x.example.com", "gcert-x", "Y.example.com", "gcert-x")
	wantOK(t, r)
	eq(t, r.Body["ListenerId"], any("lsr-1"), "ListenerId")
	eq(t, len(r.Body), 2, "fields of the answer (RequestId, ListenerId)")
	l, _ := f.srv.GA.Listener("lsr-1")
	eq(t, l.State, GAStateUpdating, "listener")
	eq(t, gaAccState(f, "ga-1"), GAStateConfiguring, "accelerator")
	eq(t, gaCertStates(f, "ga-1", "lsr-1"), map[string]string{"": "active", "a.example.com": "active",
		"b.example.com": "active", "c.example.com": "active", "x.example.com": "updating", "Y.example.com": "updating"},
		"certificates while associating")
	eq(t, f.srv.GA.CompleteUpdates(), 1, "changes")
	eq(t, gaCertStates(f, "ga-1", "lsr-1"), map[string]string{"": "active", "a.example.com": "active",
		"b.example.com": "active", "c.example.com": "active", "x.example.com": "active", "Y.example.com": "active"},
		"certificates after")
	eq(t, gaCerts(t, f, "lsr-1")["Y.example.com"], "gcert-x", "one certificate may serve two domains")
	// The domain keeps its spelling and is found whatever the case.
	wantOK(t, gaDissociate(f, "ga-1", "lsr-1", nil, "y.EXAMPLE.com"))
	f.srv.GA.CompleteUpdates()
	_, ok := gaCerts(t, f, "lsr-1")["Y.example.com"]
	eq(t, ok, false, "dissociated case-insensitively")
	eq(t, f.srv.Stats().Actions, 2, "actions")
}

func TestGAAssociateErrors(t *testing.T) {
	eleven := make([]string, 0, 22)
	for i := 1; i <= 11; i++ {
		eleven = append(eleven, fmt.Sprintf("n%d.example.com", i), "gcert-n")
	}
	std := []string{"AcceleratorId", "ga-1", "ListenerId", "lsr-1"}
	for _, tc := range []struct {
		name    string
		setup   func(f *fixture)
		kv      []string
		code    string
		message string
	}{
		{name: "missing RegionId", kv: append([]string{"RegionId", ""}, append(std, pairArgs("x.com", "c")...)...), code: CodeMissingParameter},
		{name: "missing AcceleratorId", kv: append([]string{"ListenerId", "lsr-1"}, pairArgs("x.com", "c")...), code: CodeMissingParameter, message: "AcceleratorId"},
		{name: "missing ListenerId", kv: append([]string{"AcceleratorId", "ga-1"}, pairArgs("x.com", "c")...), code: CodeMissingParameter, message: "ListenerId"},
		{name: "no certificates", kv: std, code: CodeMissingParameter, message: "Certificates.1.Id"},
		{name: "pair without Id", kv: append(std, append(pairArgs("x.com", "c"), "Certificates.2.Domain", "y.com")...),
			code: CodeMissingParameter, message: "Certificates.2.Id"},
		{name: "pair without Domain", kv: append(std, append(pairArgs("x.com", "c"), "Certificates.2.Id", "c2")...),
			code: CodeMissingParameter, message: "Certificates.2.Domain"},
		{name: "gap", kv: append(std, "Certificates.2.Domain", "y.com", "Certificates.2.Id", "c2"), code: CodeMissingParameter, message: "Certificates.1.Id"},
		{name: "empty Domain", kv: append(std, "Certificates.1.Domain", "", "Certificates.1.Id", "c"), code: CodeInvalidParameter},
		{name: "eleven pairs", kv: append(std, pairArgs(eleven...)...), code: CodeInvalidParameter, message: "at most 10"},
		{name: "a domain twice", kv: append(std, pairArgs("x.com", "c1", "X.COM", "c2")...), code: CodeInvalidParameter, message: "case-insensitively"},
		{name: "accelerator not found", kv: append([]string{"AcceleratorId", "ga-9", "ListenerId", "lsr-1"}, pairArgs("x.com", "c")...),
			code: CodeGAAcceleratorNotExist, message: "ga-9"},
		{name: "listener not found", kv: append([]string{"AcceleratorId", "ga-1", "ListenerId", "lsr-9"}, pairArgs("x.com", "c")...),
			code: CodeGAListenerNotExist, message: "lsr-9"},
		{name: "listener of another accelerator", kv: append([]string{"AcceleratorId", "ga-2", "ListenerId", "lsr-1"}, pairArgs("x.com", "c")...),
			code: CodeGAListenerNotExist},
		{name: "TCP listener", kv: append([]string{"AcceleratorId", "ga-1", "ListenerId", "lsr-tcp"}, pairArgs("x.com", "c")...),
			code: CodeGAListenerProtocolIllegal, message: "HTTPS"},
		{name: "accelerator deleting", setup: func(f *fixture) { noErr(f.t, f.srv.GA.SetAcceleratorState("ga-1", "deleting")) },
			kv: append(std, pairArgs("x.com", "c")...), code: CodeGAAcceleratorStateError, message: "deleting"},
		{name: "accelerator busy", setup: func(f *fixture) { wantOK(f.t, gaDissociate(f, "ga-1", "lsr-3", nil, "e.example.com")) },
			kv: append(std, pairArgs("x.com", "c")...), code: CodeGAAcceleratorStateError},
		{name: "listener not active", setup: func(f *fixture) { noErr(f.t, f.srv.GA.SetListenerState("lsr-1", "configuring")) },
			kv: append(std, pairArgs("x.com", "c")...), code: CodeGAListenerNotActive, message: "The state of the listener lsr-1 is not active"},
		{name: "domain has a certificate", kv: append(std, pairArgs("x.com", "c", "A.Example.COM", "c")...),
			code: CodeGACertificateExist, message: "A.Example.COM"},
		{name: "26 certificates", kv: append([]string{"AcceleratorId", "ga-2", "ListenerId", "lsr-many"},
			pairArgs("x1.com", "c", "x2.com", "c", "x3.com", "c", "x4.com", "c")...), code: CodeGACertificateQuotaExceeded, message: "26"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			gaExtraListeners(f)
			if tc.setup != nil {
				tc.setup(f)
			}
			actions := f.srv.Stats().Actions
			before := gaCerts(t, f, "lsr-1")
			r := f.ga(opAssociate, tc.kv...)
			wantError(t, r, 400, tc.code)
			if !strings.Contains(r.str("Message"), tc.message) {
				t.Fatalf("message %q does not contain %q", r.str("Message"), tc.message)
			}
			eq(t, f.srv.Stats().Actions, actions, "actions")
			eq(t, gaCerts(t, f, "lsr-1"), before, "certificates of lsr-1")
		})
	}
}

func TestGAAssociateLimit(t *testing.T) {
	f := newFixture(t)
	gaExtraListeners(f)
	std := []string{"AcceleratorId", "ga-2", "ListenerId", "lsr-many"}
	wantOK(t, f.ga(opAssociate, append(std, pairArgs("x1.com", "c", "x2.com", "c", "x3.com", "c")...)...))
	f.srv.GA.CompleteUpdates()
	eq(t, len(gaCerts(t, f, "lsr-many")), 25, "certificates at the limit")
	wantError(t, f.ga(opAssociate, append(std, pairArgs("x4.com", "c")...)...), 400, CodeGACertificateQuotaExceeded)
	// Making room lets the next one in.
	wantOK(t, gaDissociate(f, "ga-2", "lsr-many", nil, "x1.com"))
	f.srv.GA.CompleteUpdates()
	wantOK(t, f.ga(opAssociate, append(std, pairArgs("x4.com", "c")...)...))
	// A seed may go beyond the limit (load tests do); Associate then refuses.
	many := map[string]string{}
	for i := range 30 {
		many[fmt.Sprintf("s%d.com", i)] = "c"
	}
	noErr(t, f.srv.GA.AddListener(GAListener{ID: "lsr-30", AcceleratorID: "ga-1", AdditionalCertificates: many}))
	wantError(t, gaAssociate(f, "ga-1", "lsr-30", nil, "x.com", "c"), 400, CodeGACertificateQuotaExceeded)
}

func TestGAUpdate(t *testing.T) {
	f := newFixture(t)
	r := gaUpdateCert(f, "ga-1", "lsr-1", nil, "B.EXAMPLE.COM", "gcert-b2")
	wantOK(t, r)
	eq(t, r.Body["ListenerId"], any("lsr-1"), "ListenerId")
	eq(t, gaCerts(t, f, "lsr-1"), map[string]string{"a.example.com": "gcert-a", "b.example.com": "gcert-b2", "c.example.com": "gcert-c"},
		"the domain keeps its spelling")
	eq(t, gaCertStates(f, "ga-1", "lsr-1"), map[string]string{"": "active", "a.example.com": "active",
		"b.example.com": "updating", "c.example.com": "active"}, "certificates while updating")
	eq(t, gaAccState(f, "ga-1"), GAStateConfiguring, "accelerator")
	wantError(t, gaUpdateCert(f, "ga-1", "lsr-1", nil, "a.example.com", "gcert-a2"), 400, CodeGAAcceleratorStateError)
	f.srv.GA.CompleteUpdates()
	eq(t, gaCertStates(f, "ga-1", "lsr-1")["b.example.com"], "active", "after")
	// Replacing with the same certificate is a change like any other.
	wantOK(t, gaUpdateCert(f, "ga-1", "lsr-1", nil, "b.example.com", "gcert-b2"))
	eq(t, f.srv.Stats().Actions, 2, "actions")
}

func TestGAUpdateErrors(t *testing.T) {
	std := []string{"AcceleratorId", "ga-1", "ListenerId", "lsr-1"}
	for _, tc := range []struct {
		name  string
		setup func(f *fixture)
		kv    []string
		code  string
	}{
		{name: "missing Domain", kv: append(std, "CertificateId", "c"), code: CodeMissingParameter},
		{name: "missing CertificateId", kv: append(std, "Domain", "a.example.com"), code: CodeMissingParameter},
		{name: "bad DryRun", kv: append(std, "Domain", "a.example.com", "CertificateId", "c", "DryRun", "yes"), code: CodeInvalidParameter},
		{name: "accelerator not found", kv: []string{"AcceleratorId", "ga-9", "ListenerId", "lsr-1", "Domain", "a.example.com", "CertificateId", "c"},
			code: CodeGAAcceleratorNotExist},
		{name: "listener not found", kv: []string{"AcceleratorId", "ga-1", "ListenerId", "lsr-9", "Domain", "a.example.com", "CertificateId", "c"},
			code: CodeGAListenerNotExist},
		{name: "TCP listener", kv: []string{"AcceleratorId", "ga-1", "ListenerId", "lsr-tcp", "Domain", "a.example.com", "CertificateId", "c"},
			code: CodeGAListenerProtocolIllegal},
		{name: "domain without certificate", kv: append(std, "Domain", "z.example.com", "CertificateId", "c"), code: CodeGACertificateNotExist},
		{name: "domain without certificate, DryRun", kv: append(std, "Domain", "z.example.com", "CertificateId", "c", "DryRun", "true"),
			code: CodeGACertificateNotExist},
		{name: "accelerator financially locked", setup: func(f *fixture) { noErr(f.t, f.srv.GA.SetAcceleratorState("ga-1", "finacialLocked")) },
			kv: append(std, "Domain", "a.example.com", "CertificateId", "c"), code: CodeGAAcceleratorStateError},
		{name: "busy, DryRun", setup: func(f *fixture) { wantOK(f.t, gaDissociate(f, "ga-1", "lsr-3", nil, "e.example.com")) },
			kv: append(std, "Domain", "a.example.com", "CertificateId", "c", "DryRun", "true"), code: CodeGAAcceleratorStateError},
		{name: "listener not active", setup: func(f *fixture) { noErr(f.t, f.srv.GA.SetListenerState("lsr-1", "init")) },
			kv: append(std, "Domain", "a.example.com", "CertificateId", "c"), code: CodeGAListenerNotActive},
		{name: "DryRun passes", kv: append(std, "Domain", "A.example.com", "CertificateId", "c", "DryRun", "true"), code: CodeDryRunOperation},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			gaExtraListeners(f)
			if tc.setup != nil {
				tc.setup(f)
			}
			actions := f.srv.Stats().Actions
			before := gaCerts(t, f, "lsr-1")
			l, _ := f.srv.GA.Listener("lsr-1")
			acc := gaAccState(f, "ga-1")
			wantError(t, f.ga(opUpdate, tc.kv...), 400, tc.code)
			eq(t, f.srv.Stats().Actions, actions, "actions")
			eq(t, gaCerts(t, f, "lsr-1"), before, "certificates of lsr-1")
			l2, _ := f.srv.GA.Listener("lsr-1")
			eq(t, l2.State, l.State, "listener state")
			eq(t, gaAccState(f, "ga-1"), acc, "accelerator state")
		})
	}
}

func TestGAChangeIdempotency(t *testing.T) {
	f := newFixture(t)
	tok := []string{"ClientToken", "tok-associate"}
	first := gaAssociate(f, "ga-1", "lsr-1", tok, "x.example.com", "gcert-x")
	wantOK(t, first)
	// Replays answer the first result while busy, and after.
	r := gaAssociate(f, "ga-1", "lsr-1", tok, "x.example.com", "gcert-x")
	wantOK(t, r)
	eq(t, r.Body["ListenerId"], any("lsr-1"), "replayed ListenerId")
	f.srv.GA.CompleteUpdates()
	wantOK(t, gaAssociate(f, "ga-1", "lsr-1", tok, "x.example.com", "gcert-x"))
	wantError(t, gaAssociate(f, "ga-1", "lsr-1", tok, "x.example.com", "gcert-other"), 400, CodeIdempotentParameterMismatch)

	utok := []string{"ClientToken", "tok-update"}
	wantOK(t, gaUpdateCert(f, "ga-1", "lsr-1", utok, "x.example.com", "gcert-x2"))
	wantOK(t, gaUpdateCert(f, "ga-1", "lsr-1", utok, "x.example.com", "gcert-x2"))
	wantError(t, gaUpdateCert(f, "ga-1", "lsr-1", utok, "a.example.com", "gcert-x2"), 400, CodeIdempotentParameterMismatch)
	f.srv.GA.CompleteUpdates()
	eq(t, f.srv.Stats().Actions, 2, "actions")
	eq(t, f.srv.ActionsByClientToken(), map[string]int{"tok-associate": 1, "tok-update": 1}, "actions by token")
	eq(t, gaCerts(t, f, "lsr-1")["x.example.com"], "gcert-x2", "certificate")

	// A DryRun is not remembered: the same token then acts.
	dtok := []string{"ClientToken", "tok-dry"}
	wantError(t, gaUpdateCert(f, "ga-1", "lsr-1", append(dtok, "DryRun", "true"), "a.example.com", "gcert-a2"), 400, CodeDryRunOperation)
	wantOK(t, gaUpdateCert(f, "ga-1", "lsr-1", append(dtok, "DryRun", "false"), "a.example.com", "gcert-a2"))
}

func TestGADelays(t *testing.T) {
	f := newFixture(t, WithGAAssociateDelay(0), WithGAUpdateDelay(0), WithGADissociateDelay(0))
	// Zero delays and the default lag (half of zero): done before the answer.
	wantOK(t, gaAssociate(f, "ga-1", "lsr-1", nil, "x.example.com", "gcert-x"))
	wantOK(t, gaUpdateCert(f, "ga-1", "lsr-1", nil, "x.example.com", "gcert-x2"))
	wantOK(t, gaDissociate(f, "ga-1", "lsr-1", nil, "x.example.com"))
	eq(t, gaAccState(f, "ga-1"), GAStateActive, "accelerator")

	// A lag of its own keeps the accelerator even after a zero delay.
	f = newFixture(t, WithGAUpdateDelay(0), WithGAAcceleratorLag(-1))
	wantOK(t, gaUpdateCert(f, "ga-1", "lsr-1", nil, "a.example.com", "gcert-a2"))
	l, _ := f.srv.GA.Listener("lsr-1")
	eq(t, l.State, GAStateActive, "listener")
	eq(t, gaAccState(f, "ga-1"), GAStateConfiguring, "accelerator")
	eq(t, f.srv.GA.CompleteListenerUpdates(), 0, "no listener phase left")
	eq(t, f.srv.GA.CompleteUpdates(), 1, "the lag")

	// Each operation has its own delay.
	f = newFixture(t, WithGAAssociateDelay(time.Hour), WithGAUpdateDelay(0), WithGAAcceleratorLag(0))
	wantOK(t, gaUpdateCert(f, "ga-1", "lsr-1", nil, "a.example.com", "gcert-a2"))
	wantOK(t, gaAssociate(f, "ga-1", "lsr-1", nil, "x.example.com", "gcert-x"))
	l, _ = f.srv.GA.Listener("lsr-1")
	eq(t, l.State, GAStateUpdating, "listener after the slow associate")
}

func TestGADescribeAccelerator(t *testing.T) {
	f := newFixture(t)
	for _, st := range gaAcceleratorStates {
		noErr(t, f.srv.GA.AddAccelerator(GAAccelerator{ID: "ga-" + st, State: st}))
		r := f.ga(opDescribeAcc, "AcceleratorId", "ga-"+st)
		wantOK(t, r)
		eq(t, r.str("State"), st, "State")
		eq(t, r.str("AcceleratorId"), "ga-"+st, "AcceleratorId")
	}
	noErr(t, f.srv.GA.AddAccelerator(GAAccelerator{ID: "ga-post", Name: "edge", Spec: "2", InstanceChargeType: "POSTPAY"}))
	r := f.ga(opDescribeAcc, "AcceleratorId", "ga-post")
	for k, v := range map[string]any{"Name": "edge", "Spec": "2", "InstanceChargeType": "POSTPAY", "ExpiredTime": 0.0,
		"DnsName": "ga-post.aliyunga0019.com", "State": "active"} {
		eq(t, r.Body[k], v, "field %s", k)
	}
	r = f.ga(opDescribeAcc, "AcceleratorId", "ga-1")
	eq(t, r.str("Name"), "ga-1", "default Name")
	eq(t, r.str("InstanceChargeType"), "PREPAY", "default charge type")
	ct, _ := r.Body["CreateTime"].(float64)
	et, _ := r.Body["ExpiredTime"].(float64)
	if d := time.UnixMilli(int64(ct)); time.Since(d) > time.Minute || time.Since(d) < 0 {
		t.Fatalf("CreateTime %v is not the time the accelerator was added (milliseconds)", d)
	}
	eq(t, int64(et-ct), (365 * 24 * time.Hour).Milliseconds(), "PREPAY expires a year later")

	wantError(t, f.ga(opDescribeAcc, "AcceleratorId", "ga-9"), 400, CodeGAAcceleratorNotExist)
	wantError(t, f.ga(opDescribeAcc), 400, CodeMissingParameter)
	wantError(t, f.ga(opDescribeAcc, "AcceleratorId", "ga-1", "RegionId", "cn-beijing"), 400, CodeInvalidParameter)
	errContains(t, f.srv.GA.AddAccelerator(GAAccelerator{ID: "x", InstanceChargeType: "prepay"}), "instanceChargeType")
}

func TestGAListPaging(t *testing.T) {
	f := newFixture(t)
	gaExtraListeners(f)
	std := []string{"AcceleratorId", "ga-2", "ListenerId", "lsr-many"}
	r := f.ga(opListCerts, std...)
	wantOK(t, r)
	eq(t, r.Body["MaxResults"], any(20.0), "default MaxResults")
	eq(t, r.Body["TotalCount"], any(23.0), "TotalCount (default and 22)")
	eq(t, len(r.list("Certificates")), 20, "first page")
	eq(t, r.list("Certificates")[0]["IsDefault"], any(true), "the default first")
	_, hasDomain := r.list("Certificates")[0]["Domain"]
	eq(t, hasDomain, false, "no Domain for the default certificate")
	next := r.str("NextToken")
	if next == "" {
		t.Fatal("no NextToken after the first page")
	}
	r = f.ga(opListCerts, append(std, "NextToken", next)...)
	eq(t, len(r.list("Certificates")), 3, "second page")
	eq(t, r.str("NextToken"), "", "NextToken on the last page")
	eq(t, r.list("Certificates")[2]["Domain"], any("d22.example.com"), "last domain")
	wantError(t, f.ga(opListCerts, append(std, "MaxResults", "0")...), 400, CodeInvalidParameter)
	r = f.ga(opListCerts, append(std, "MaxResults", "50")...)
	eq(t, len(r.list("Certificates")), 23, "MaxResults 50")
	// A token is tied to its listing.
	wantError(t, f.ga(opListCerts, "AcceleratorId", "ga-1", "ListenerId", "lsr-1", "NextToken", next), 400, CodeInvalidParameter)
}

// A DryRun with a ClientToken already used is a precheck of the current
// state, as in ALB: it neither replays the earlier answer nor answers
// IdempotentParameterMismatch, and it is not remembered.
func TestGAUpdateDryRunUsedToken(t *testing.T) {
	f := newFixture(t)
	tok := []string{"ClientToken", "tok-u"}
	dry := append([]string{"DryRun", "true"}, tok...)
	first := gaUpdateCert(f, "ga-1", "lsr-1", tok, "a.example.com", "gcert-a2")
	wantOK(t, first)

	// Within the accelerator lock the precheck fails as a real call would.
	wantError(t, gaUpdateCert(f, "ga-1", "lsr-1", dry, "a.example.com", "gcert-a2"), 400, CodeGAAcceleratorStateError)
	f.srv.GA.CompleteUpdates()
	wantError(t, gaUpdateCert(f, "ga-1", "lsr-1", dry, "a.example.com", "gcert-a2"), 400, CodeDryRunOperation)
	wantError(t, gaUpdateCert(f, "ga-1", "lsr-1", dry, "a.example.com", "gcert-a3"), 400, CodeDryRunOperation)
	wantError(t, gaUpdateCert(f, "ga-1", "lsr-1", dry, "z.example.com", "gcert-a3"), 400, CodeGACertificateNotExist)
	eq(t, gaCerts(t, f, "lsr-1")["a.example.com"], "gcert-a2", "certificate after the dry runs")
	eq(t, gaAccState(f, "ga-1"), GAStateActive, "accelerator after the dry runs")

	// The token still names the first call: a replay answers it, other
	// parameters are a mismatch.
	r := gaUpdateCert(f, "ga-1", "lsr-1", tok, "a.example.com", "gcert-a2")
	wantOK(t, r)
	eq(t, r.Body["ListenerId"], any("lsr-1"), "replayed ListenerId")
	wantError(t, gaUpdateCert(f, "ga-1", "lsr-1", tok, "a.example.com", "gcert-a3"), 400, CodeIdempotentParameterMismatch)
	eq(t, f.srv.ActionsByClientToken(), map[string]int{"tok-u": 1}, "actions by token")
	eq(t, gaAccState(f, "ga-1"), GAStateActive, "accelerator after the replay")
}
