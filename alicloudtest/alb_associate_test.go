package alicloudtest

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func albAssociate(f *fixture, listener string, extra []string, certs ...string) resp {
	f.t.Helper()
	kv := append([]string{"ListenerId", listener}, certArgs(certs...)...)
	return f.alb(albAssociateAPI, append(kv, extra...)...)
}

// listed returns the listener's certificates as ListListenerCertificates
// answers them: id → status.
func listed(f *fixture, listener string) map[string]string {
	f.t.Helper()
	r := f.alb(opListCerts, "ListenerId", listener, "MaxResults", "100")
	wantOK(f.t, r)
	out := map[string]string{}
	for _, c := range r.list("Certificates") {
		out[c["CertificateId"].(string)] = c["Status"].(string)
	}
	return out
}

func TestALBBusyListener(t *testing.T) {
	for _, tc := range []struct {
		name    string
		opts    []Option
		code    string
		message string
	}{
		{"default", nil, CodeALBListenerIncorrectStatus, "The status of lsn-1 [Configuring] is incorrect."},
		{"explicit IncorrectStatus", []Option{WithALBBusyCode(CodeALBListenerIncorrectStatus)},
			CodeALBListenerIncorrectStatus, "The status of lsn-1 [Configuring] is incorrect."},
		{"ResourceInConfiguring", []Option{WithALBBusyCode(CodeALBListenerConfiguring)},
			CodeALBListenerConfiguring, "The specified resource of listener lsn-1 is being configured, please try again later."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, second := range []struct {
				name string
				send func(f *fixture) resp
			}{
				{"dissociate after dissociate", func(f *fixture) resp { return albDissociate(f, "lsn-1", nil, "cert-3") }},
				{"associate after dissociate", func(f *fixture) resp { return albAssociate(f, "lsn-1", nil, "cert-new") }},
				{"dry run after dissociate", func(f *fixture) resp {
					return albAssociate(f, "lsn-1", []string{"DryRun", "true"}, "cert-new")
				}},
			} {
				t.Run(second.name, func(t *testing.T) {
					f := newFixture(t, tc.opts...)
					wantOK(t, albDissociate(f, "lsn-1", nil, "cert-1", "cert-2"))
					r := second.send(f)
					wantError(t, r, 400, tc.code)
					eq(t, r.str("Message"), tc.message, "message")
					eq(t, f.srv.Stats().Actions, 1, "actions")
					eq(t, len(f.srv.ALB.Jobs()), 1, "jobs")
					// Once the job is done, the same change goes through.
					f.srv.ALB.CompleteJobs()
					if !strings.Contains(second.name, "dry run") {
						wantOK(t, second.send(f))
					}
				})
			}
		})
	}
	// Another listener is not busy.
	f := newFixture(t)
	wantOK(t, albDissociate(f, "lsn-1", nil, "cert-1"))
	wantOK(t, albDissociate(f, "lsn-quic", nil, "cert-q1"))
}

func TestALBBadOptionsPanic(t *testing.T) {
	for _, opt := range []Option{WithALBBusyCode("Throttling"), WithALBDissociatingStatus("dissociating")} {
		func() {
			defer func() {
				if recover() == nil {
					t.Fatal("New accepted a bad option")
				}
			}()
			New(opt).Close()
		}()
	}
}

func TestALBDissociatingStatusSpelling(t *testing.T) {
	for _, tc := range []struct {
		opts []Option
		want string
	}{
		{nil, "Diassociating"},
		{[]Option{WithALBDissociatingStatus(ALBCertificateDissociating)}, "Dissociating"},
		{[]Option{WithALBDissociatingStatus(ALBCertificateDiassociating)}, "Diassociating"},
	} {
		f := newFixture(t, tc.opts...)
		wantOK(t, albDissociate(f, "lsn-1", nil, "cert-1"))
		eq(t, listed(f, "lsn-1")["cert-1"], tc.want, "listed status")
		eq(t, certStatus(t, f.srv, "lsn-1", "cert-1"), tc.want, "snapshot status")
		f.srv.ALB.CompleteJobs()
		_, present := listed(f, "lsn-1")["cert-1"]
		eq(t, present, false, "listed after the job")
		// A failed job puts them back, whatever the spelling.
		f.srv.ALB.FailNextJobs(1, "Internal.Error", "failed")
		wantOK(t, albDissociate(f, "lsn-1", nil, "cert-2"))
		f.srv.ALB.CompleteJobs()
		eq(t, listed(f, "lsn-1")["cert-2"], "Associated", "after a failed job")
	}
}

// Each operation's jobs complete on their own timer.
func TestALBJobTimers(t *testing.T) {
	f := newFixture(t, WithALBAssociateDelay(50*time.Millisecond))
	r := albAssociate(f, "lsn-1", nil, "cert-new1")
	wantOK(t, r)
	eventually(t, "the association job to succeed", func() bool {
		j, _ := f.srv.ALB.Job(r.str("JobId"))
		return j.Status == ALBJobSucceeded
	})
	eq(t, certStatus(t, f.srv, "lsn-1", "cert-new1"), ALBCertificateAssociated, "cert-new1")
	l, _ := f.srv.ALB.Listener("lsn-1")
	eq(t, l.Status, ALBListenerRunning, "listener")
	// The dissociation delay is its own (the fixture's: until released).
	wantOK(t, albDissociate(f, "lsn-1", nil, "cert-new1"))
	time.Sleep(100 * time.Millisecond)
	eq(t, certStatus(t, f.srv, "lsn-1", "cert-new1"), ALBCertificateDiassociating, "cert-new1 after 100 ms")

	f = newFixture(t, WithALBDissociateDelay(50*time.Millisecond))
	r = albDissociate(f, "lsn-1", nil, "cert-1")
	wantOK(t, r)
	eventually(t, "the dissociation job to succeed", func() bool {
		j, _ := f.srv.ALB.Job(r.str("JobId"))
		return j.Status == ALBJobSucceeded
	})
	eq(t, certStatus(t, f.srv, "lsn-1", "cert-1"), "", "cert-1")
	l, _ = f.srv.ALB.Listener("lsn-1")
	eq(t, l.Status, ALBListenerRunning, "listener")
	wantOK(t, albAssociate(f, "lsn-1", nil, "cert-new2"))
	time.Sleep(100 * time.Millisecond)
	eq(t, certStatus(t, f.srv, "lsn-1", "cert-new2"), ALBCertificateAssociating, "cert-new2 after 100 ms")
}

func TestALBAssociateStateMachine(t *testing.T) {
	f := newFixture(t) // jobs run until released, so a loaded machine sees every state
	r := albAssociate(f, "lsn-1", nil, "cert-new1", "cert-new2")
	wantOK(t, r)
	jobID := r.str("JobId")
	if len(jobID) != 36 {
		t.Fatalf("JobId %q is not a UUID", jobID)
	}

	l, _ := f.srv.ALB.Listener("lsn-1")
	eq(t, l.Status, ALBListenerConfiguring, "listener during the job")
	eq(t, l.CertificateStatus("cert-new1"), ALBCertificateAssociating, "cert-new1 during the job")
	list := f.alb(opListCerts, "ListenerId", "lsn-1", "CertificateIds.1", "cert-new1", "CertificateIds.2", "cert-new2")
	wantOK(t, list)
	eq(t, list.list("Certificates"), []map[string]any{
		{"CertificateId": "cert-new1", "IsDefault": false, "Status": "Associating", "CertificateType": "Server"},
		{"CertificateId": "cert-new2", "IsDefault": false, "Status": "Associating", "CertificateType": "Server"},
	}, "certificates during the job")
	jobs := f.alb(opListJobs, "ApiName", albAssociateAPI)
	wantOK(t, jobs)
	eq(t, len(jobs.list("Jobs")), 1, "association jobs")
	j := jobs.list("Jobs")[0]
	eq(t, j["Id"], any(jobID), "job id")
	eq(t, j["Status"], any("Processing"), "job status")
	eq(t, j["ResourceId"], any("lsn-1"), "job resource")

	// Busy: the next change waits for this one.
	wantError(t, albDissociate(f, "lsn-1", nil, "cert-1"), 400, CodeALBListenerIncorrectStatus)

	eq(t, f.srv.ALB.CompleteJobs(), 1, "jobs completed")
	got := listed(f, "lsn-1")
	eq(t, got["cert-new1"], "Associated", "cert-new1 after the job")
	eq(t, got["cert-new2"], "Associated", "cert-new2 after the job")
	eq(t, len(got), 23, "certificates listed: default, 20, 2 new")
	l, _ = f.srv.ALB.Listener("lsn-1")
	eq(t, l.Status, ALBListenerRunning, "listener after the job")
	jobs = f.alb(opListJobs, "JobIds.1", jobID)
	eq(t, jobs.list("Jobs")[0]["Status"], any("Succeeded"), "job status after")
	eq(t, jobs.list("Jobs")[0]["ApiName"], any(albAssociateAPI), "ApiName")

	// A rotation's second half: the old certificate goes, the new one stays.
	wantOK(t, albDissociate(f, "lsn-1", nil, "cert-1"))
	f.srv.ALB.CompleteJobs()
	got = listed(f, "lsn-1")
	_, old := got["cert-1"]
	eq(t, old, false, "cert-1 listed after its dissociation")
	eq(t, got["cert-new1"], "Associated", "cert-new1 at the end")
	eq(t, f.srv.Stats().Actions, 2, "actions")
}

func TestALBAssociateAfterDissociation(t *testing.T) {
	// A certificate that was dissociated may be associated again.
	f := newFixture(t, WithALBDissociateDelay(0), WithALBAssociateDelay(0))
	wantOK(t, albDissociate(f, "lsn-1", nil, "cert-1"))
	wantOK(t, albAssociate(f, "lsn-1", nil, "cert-1"))
	eq(t, listed(f, "lsn-1")["cert-1"], "Associated", "cert-1")
	l, _ := f.srv.ALB.Listener("lsn-1")
	eq(t, l.Certificates[len(l.Certificates)-1], ALBCertificate{ID: "cert-1", Status: "Associated"}, "re-added last")
}

func TestALBAssociateErrors(t *testing.T) {
	sixteen := make([]string, 16)
	for i := range sixteen {
		sixteen[i] = fmt.Sprintf("new-%d", i+1)
	}
	for _, tc := range []struct {
		name    string
		setup   func(f *fixture)
		kv      []string
		status  int
		code    string
		message string
	}{
		{name: "missing ListenerId", kv: certArgs("new-1"), status: 400, code: CodeMissingParameter, message: `"ListenerId"`},
		{name: "missing certificates", kv: []string{"ListenerId", "lsn-1"}, status: 400, code: CodeMissingParameter,
			message: "Certificates.1.CertificateId"},
		{name: "too many certificates", kv: append([]string{"ListenerId", "lsn-1"}, certArgs(sixteen...)...),
			status: 400, code: CodeInvalidParameter, message: "at most 15"},
		{name: "duplicate certificate", kv: append([]string{"ListenerId", "lsn-1"}, certArgs("new-1", "new-1")...),
			status: 400, code: CodeInvalidParameter, message: "twice"},
		{name: "bad DryRun", kv: append([]string{"ListenerId", "lsn-1", "DryRun", "1"}, certArgs("new-1")...),
			status: 400, code: CodeInvalidParameter, message: `"DryRun"`},
		{name: "ClientToken too long", kv: append([]string{"ListenerId", "lsn-1", "ClientToken", strings.Repeat("t", 65)}, certArgs("new-1")...),
			status: 400, code: CodeInvalidParameter, message: `"ClientToken"`},
		{name: "ClientToken not ASCII", kv: append([]string{"ListenerId", "lsn-1", "ClientToken", "tök"}, certArgs("new-1")...),
			status: 400, code: CodeInvalidParameter, message: `"ClientToken"`},
		{name: "listener not found", kv: append([]string{"ListenerId", "lsn-nope"}, certArgs("new-1")...),
			status: 404, code: CodeALBListenerNotFound, message: "The specified resource lsn-nope is not found."},
		{name: "HTTP listener", kv: append([]string{"ListenerId", "lsn-http"}, certArgs("new-1")...),
			status: 400, code: CodeALBHTTPListenerNotSupported, message: "The operation is not allowed because of HTTP listener lsn-http."},
		{name: "listener configuring", setup: func(f *fixture) { noErr(f.t, f.srv.ALB.SetListenerStatus("lsn-1", "Configuring")) },
			kv: append([]string{"ListenerId", "lsn-1"}, certArgs("new-1")...), status: 400, code: CodeALBListenerIncorrectStatus,
			message: "The status of lsn-1 [Configuring] is incorrect."},
		{name: "listener stopped", kv: append([]string{"ListenerId", "lsn-stopped"}, certArgs("new-1")...),
			status: 400, code: CodeALBListenerIncorrectStatus, message: "The status of lsn-stopped [Stopped] is incorrect."},
		{name: "default certificate", kv: append([]string{"ListenerId", "lsn-1"}, certArgs("new-1", "cert-0")...),
			status: 400, code: CodeALBDefaultCertificateUsed, message: "default certificate cert-0"},
		{name: "already associated", kv: append([]string{"ListenerId", "lsn-1"}, certArgs("new-1", "cert-7")...),
			status: 400, code: CodeALBCertificateAlreadyAssociated, message: "The specified resource certificate cert-7 is already associated."},
		{name: "already associated, dry run", kv: append([]string{"ListenerId", "lsn-1", "DryRun", "true"}, certArgs("cert-7")...),
			status: 400, code: CodeALBCertificateAlreadyAssociated},
		{name: "dry run on a missing listener", kv: append([]string{"ListenerId", "lsn-nope", "DryRun", "true"}, certArgs("new-1")...),
			status: 404, code: CodeALBListenerNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			if tc.setup != nil {
				tc.setup(f)
			}
			before, _ := f.srv.ALB.Listener("lsn-1")
			r := f.alb(albAssociateAPI, tc.kv...)
			wantError(t, r, tc.status, tc.code)
			if !strings.Contains(r.str("Message"), tc.message) {
				t.Fatalf("message %q does not contain %q", r.str("Message"), tc.message)
			}
			if !strings.Contains(r.str("Recommend"), "product=Alb") {
				t.Fatalf("Recommend %q does not name the product", r.str("Recommend"))
			}
			eq(t, f.srv.Stats().Actions, 0, "actions")
			eq(t, len(f.srv.ALB.Jobs()), 0, "jobs")
			after, _ := f.srv.ALB.Listener("lsn-1")
			eq(t, after, before, "listener")
		})
	}
}

func TestALBAssociateDryRun(t *testing.T) {
	f := newFixture(t)
	before, _ := f.srv.ALB.Listener("lsn-1")
	r := albAssociate(f, "lsn-1", []string{"DryRun", "true", "ClientToken", "dry"}, "new-1", "new-2")
	wantError(t, r, 400, CodeDryRunOperation)
	eq(t, r.str("Message"), "Request validation has been passed with DryRun flag set.", "message")
	after, _ := f.srv.ALB.Listener("lsn-1")
	eq(t, after, before, "listener after the dry run")
	eq(t, len(f.srv.ALB.Jobs()), 0, "jobs")
	eq(t, f.srv.Stats().Actions, 0, "actions")

	// The dry run's ClientToken was not remembered: the real call acts.
	wantOK(t, albAssociate(f, "lsn-1", []string{"ClientToken", "dry"}, "new-1", "new-2"))
	eq(t, certStatus(t, f.srv, "lsn-1", "new-1"), ALBCertificateAssociating, "new-1")
}

func TestALBAssociateIdempotency(t *testing.T) {
	f := newFixture(t)
	tok := []string{"ClientToken", "assoc-1"}
	r1 := albAssociate(f, "lsn-1", tok, "new-1", "new-2")
	wantOK(t, r1)
	// A replay while the job runs is not refused as busy, and after it is
	// done not refused as already associated: it is the first answer.
	r2 := albAssociate(f, "lsn-1", tok, "new-1", "new-2")
	wantOK(t, r2)
	f.srv.ALB.CompleteJobs()
	f.base.V1 = true
	r3 := albAssociate(f, "lsn-1", tok, "new-1", "new-2")
	f.base.V1 = false
	wantOK(t, r3)
	for i, r := range []resp{r2, r3} {
		eq(t, r.str("JobId"), r1.str("JobId"), "JobId of replay %d", i+1)
		if r.str("RequestId") == r1.str("RequestId") {
			t.Fatalf("replay %d reused the RequestId", i+1)
		}
	}
	eq(t, f.srv.ActionsByClientToken(), map[string]int{"assoc-1": 1}, "actions by token")
	eq(t, len(f.srv.ALB.Jobs()), 1, "jobs")

	for _, certs := range [][]string{{"new-1"}, {"new-2", "new-1"}, {"new-1", "new-2", "new-3"}} {
		wantError(t, albAssociate(f, "lsn-1", tok, certs...), 400, CodeIdempotentParameterMismatch)
	}
	wantError(t, albAssociate(f, "lsn-1", append([]string{"DryRun", "false"}, tok...), "new-1", "new-2"),
		400, CodeIdempotentParameterMismatch)
	// The same token names another call in the other operation.
	wantOK(t, albDissociate(f, "lsn-1", tok, "new-1", "new-2"))
	eq(t, f.srv.ActionsByClientToken(), map[string]int{"assoc-1": 2}, "actions by token")
}
