package alicloudtest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestALBDissociateErrors(t *testing.T) {
	sixteen := make([]string, 16)
	for i := range sixteen {
		sixteen[i] = fmt.Sprintf("cert-%d", i+1)
	}
	for _, tc := range []struct {
		name    string
		setup   func(f *fixture)
		kv      []string
		status  int
		code    string
		message string // a substring of the message, when checked
	}{
		{name: "missing ListenerId", kv: certArgs("cert-1"), status: 400, code: CodeMissingParameter, message: `"ListenerId"`},
		{name: "missing certificates", kv: []string{"ListenerId", "lsn-1"}, status: 400, code: CodeMissingParameter,
			message: "Certificates.1.CertificateId"},
		{name: "too many certificates", kv: append([]string{"ListenerId", "lsn-1"}, certArgs(sixteen...)...),
			status: 400, code: CodeInvalidParameter, message: "at most 15"},
		{name: "index gap", kv: []string{"ListenerId", "lsn-1", "Certificates.1.CertificateId", "cert-1", "Certificates.3.CertificateId", "cert-3"},
			status: 400, code: CodeInvalidParameter, message: "Certificates.2.CertificateId is missing"},
		{name: "zero-based index", kv: []string{"ListenerId", "lsn-1", "Certificates.0.CertificateId", "cert-1"},
			status: 400, code: CodeInvalidParameter, message: "Certificates.0.CertificateId"},
		{name: "empty certificate id", kv: []string{"ListenerId", "lsn-1", "Certificates.1.CertificateId", ""},
			status: 400, code: CodeInvalidParameter},
		{name: "duplicate certificate", kv: append([]string{"ListenerId", "lsn-1"}, certArgs("cert-1", "cert-1")...),
			status: 400, code: CodeInvalidParameter, message: "twice"},
		{name: "bad DryRun", kv: append([]string{"ListenerId", "lsn-1", "DryRun", "yes"}, certArgs("cert-1")...),
			status: 400, code: CodeInvalidParameter, message: `"DryRun"`},
		{name: "bad ClientToken", kv: append([]string{"ListenerId", "lsn-1", "ClientToken", "tök"}, certArgs("cert-1")...),
			status: 400, code: CodeInvalidParameter, message: `"ClientToken"`},
		{name: "listener not found", kv: append([]string{"ListenerId", "lsn-nope"}, certArgs("cert-1")...),
			status: 404, code: CodeALBListenerNotFound, message: "The specified resource lsn-nope is not found."},
		{name: "HTTP listener", kv: append([]string{"ListenerId", "lsn-http"}, certArgs("cert-1")...),
			status: 400, code: CodeALBHTTPListenerNotSupported, message: "The operation is not allowed because of HTTP listener lsn-http."},
		{name: "HTTP listener wins over its status", setup: func(f *fixture) { noErr(f.t, f.srv.ALB.SetListenerStatus("lsn-http", "Stopped")) },
			kv: append([]string{"ListenerId", "lsn-http"}, certArgs("cert-1")...), status: 400, code: CodeALBHTTPListenerNotSupported},
		{name: "listener configuring", setup: func(f *fixture) { noErr(f.t, f.srv.ALB.SetListenerStatus("lsn-1", "Configuring")) },
			kv: append([]string{"ListenerId", "lsn-1"}, certArgs("cert-1")...), status: 400, code: CodeALBListenerIncorrectStatus,
			message: "The status of lsn-1 [Configuring] is incorrect."},
		{name: "listener stopped", kv: append([]string{"ListenerId", "lsn-stopped"}, certArgs("cert-s1")...),
			status: 400, code: CodeALBListenerIncorrectStatus, message: "The status of lsn-stopped [Stopped] is incorrect."},
		{name: "listener provisioning", setup: func(f *fixture) { noErr(f.t, f.srv.ALB.SetListenerStatus("lsn-1", "Provisioning")) },
			kv: append([]string{"ListenerId", "lsn-1"}, certArgs("cert-1")...), status: 400, code: CodeALBListenerIncorrectStatus},
		{name: "default certificate", kv: append([]string{"ListenerId", "lsn-1"}, certArgs("cert-1", "cert-0")...),
			status: 400, code: CodeALBDefaultCertificateUsed, message: "default certificate cert-0"},
		{name: "default certificate wins over unassociated", kv: append([]string{"ListenerId", "lsn-1"}, certArgs("cert-x", "cert-0")...),
			status: 400, code: CodeALBDefaultCertificateUsed},
		{name: "certificate not associated", kv: append([]string{"ListenerId", "lsn-1"}, certArgs("cert-1", "cert-x")...),
			status: 400, code: CodeALBCertificateNotAssociated, message: "The specified resource certificate cert-x is not associated."},
		{name: "certificate of another listener", kv: append([]string{"ListenerId", "lsn-quic"}, certArgs("cert-1")...),
			status: 400, code: CodeALBCertificateNotAssociated},
		{name: "dry run on a missing listener", kv: append([]string{"ListenerId", "lsn-nope", "DryRun", "true"}, certArgs("cert-1")...),
			status: 404, code: CodeALBListenerNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			if tc.setup != nil {
				tc.setup(f)
			}
			r := f.alb(opDissociate, tc.kv...)
			wantError(t, r, tc.status, tc.code)
			if !strings.Contains(r.str("Message"), tc.message) {
				t.Fatalf("message %q does not contain %q", r.str("Message"), tc.message)
			}
			if !strings.Contains(r.str("Recommend"), "product=Alb") {
				t.Fatalf("Recommend %q does not name the product", r.str("Recommend"))
			}
			eq(t, f.srv.Stats().Actions, 0, "actions")
			eq(t, len(f.srv.ALB.Jobs()), 0, "jobs")
		})
	}
}

func TestALBDryRun(t *testing.T) {
	f := newFixture(t)
	before, _ := f.srv.ALB.Listener("lsn-1")
	r := albDissociate(f, "lsn-1", []string{"DryRun", "true", "ClientToken", "dry"}, "cert-1", "cert-2")
	wantError(t, r, 400, CodeDryRunOperation)
	eq(t, r.str("Message"), "Request validation has been passed with DryRun flag set.", "message")
	after, _ := f.srv.ALB.Listener("lsn-1")
	eq(t, after, before, "listener after the dry run")
	eq(t, len(f.srv.ALB.Jobs()), 0, "jobs")
	eq(t, f.srv.Stats().Actions, 0, "actions")

	// The dry run's ClientToken was not remembered: the real call acts.
	r = albDissociate(f, "lsn-1", []string{"DryRun", "false", "ClientToken", "dry"}, "cert-1", "cert-2")
	wantOK(t, r)
	eq(t, certStatus(t, f.srv, "lsn-1", "cert-1"), ALBCertificateDiassociating, "cert-1")
}

func TestALBStateMachine(t *testing.T) {
	f := newFixture(t) // jobs run until released (TestALBJobTimers covers the timers)
	r := albDissociate(f, "lsn-1", nil, "cert-1", "cert-2")
	wantOK(t, r)
	jobID := r.str("JobId")
	if len(jobID) != 36 || strings.ToLower(jobID) != jobID {
		t.Fatalf("JobId %q is not a lower-case UUID", jobID)
	}
	if id := r.str("RequestId"); len(id) != 36 || strings.ToUpper(id) != id {
		t.Fatalf("RequestId %q is not an upper-case UUID", id)
	}

	l, _ := f.srv.ALB.Listener("lsn-1")
	eq(t, l.Status, ALBListenerConfiguring, "listener status during the job")
	eq(t, l.CertificateStatus("cert-1"), ALBCertificateDiassociating, "cert-1 during the job")
	eq(t, l.CertificateStatus("cert-3"), ALBCertificateAssociated, "cert-3 during the job")

	list := f.alb(opListCerts, "ListenerId", "lsn-1", "CertificateIds.1", "cert-1", "CertificateIds.2", "cert-3")
	wantOK(t, list)
	eq(t, list.list("Certificates"), []map[string]any{
		{"CertificateId": "cert-1", "IsDefault": false, "Status": "Diassociating", "CertificateType": "Server"},
		{"CertificateId": "cert-3", "IsDefault": false, "Status": "Associated", "CertificateType": "Server"},
	}, "certificates during the job")

	jobs := f.alb(opListJobs, "JobIds.1", jobID)
	wantOK(t, jobs)
	eq(t, jobs.list("Jobs")[0]["Status"], any("Processing"), "job status")

	// The listener is busy: another change is refused meanwhile.
	busy := albDissociate(f, "lsn-1", nil, "cert-3")
	wantError(t, busy, 400, CodeALBListenerIncorrectStatus)
	eq(t, busy.str("Message"), "The status of lsn-1 [Configuring] is incorrect.", "busy message")

	eq(t, f.srv.ALB.CompleteJobs(), 1, "jobs completed")
	j, _ := f.srv.ALB.Job(jobID)
	eq(t, j.Status, ALBJobSucceeded, "job after")
	l, _ = f.srv.ALB.Listener("lsn-1")
	eq(t, l.Status, ALBListenerRunning, "listener status after the job")
	eq(t, l.CertificateStatus("cert-1"), "", "cert-1 after the job")
	eq(t, l.CertificateStatus("cert-2"), "", "cert-2 after the job")
	list = f.alb(opListCerts, "ListenerId", "lsn-1", "CertificateIds.1", "cert-1", "CertificateIds.2", "cert-2", "CertificateIds.3", "cert-3")
	wantOK(t, list)
	eq(t, list.Body["TotalCount"], any(1.0), "TotalCount after the job")
	eq(t, list.list("Certificates"), []map[string]any{
		{"CertificateId": "cert-3", "IsDefault": false, "Status": "Associated", "CertificateType": "Server"},
	}, "certificates after the job: the dissociated ones are not listed")

	wantError(t, albDissociate(f, "lsn-1", nil, "cert-1"), 400, CodeALBCertificateNotAssociated)
	wantOK(t, albDissociate(f, "lsn-1", nil, "cert-3"))
	eq(t, f.srv.Stats().Actions, 2, "actions")
}

func TestALBZeroDelayCompletesBeforeTheAnswer(t *testing.T) {
	f := newFixture(t, WithALBDissociateDelay(0))
	r := albDissociate(f, "lsn-1", nil, "cert-1")
	wantOK(t, r)
	eq(t, certStatus(t, f.srv, "lsn-1", "cert-1"), "", "cert-1")
	j, ok := f.srv.ALB.Job(r.str("JobId"))
	eq(t, ok, true, "job found")
	eq(t, j.Status, ALBJobSucceeded, "job status")
}

func TestALBCompleteJobs(t *testing.T) {
	f := newFixture(t) // the fixture's delay is negative: jobs wait to be released
	wantOK(t, albDissociate(f, "lsn-1", nil, "cert-1"))
	wantOK(t, albDissociate(f, "lsn-quic", nil, "cert-q1"))
	time.Sleep(20 * time.Millisecond)
	eq(t, certStatus(t, f.srv, "lsn-1", "cert-1"), ALBCertificateDiassociating, "cert-1 before CompleteJobs")
	eq(t, f.srv.ALB.CompleteJobs(), 2, "jobs completed")
	eq(t, certStatus(t, f.srv, "lsn-1", "cert-1"), "", "cert-1")
	eq(t, certStatus(t, f.srv, "lsn-quic", "cert-q1"), "", "cert-q1")
	eq(t, f.srv.ALB.CompleteJobs(), 0, "nothing left to complete")
	for _, j := range f.srv.ALB.Jobs() {
		eq(t, j.Status, ALBJobSucceeded, "job %s", j.ID)
	}
}

func TestALBFailNextJobs(t *testing.T) {
	f := newFixture(t)
	f.srv.ALB.FailNextJobs(1, "Internal.Error", "the backend failed")
	r := albDissociate(f, "lsn-1", nil, "cert-1", "cert-2")
	wantOK(t, r)
	eq(t, certStatus(t, f.srv, "lsn-1", "cert-1"), ALBCertificateDiassociating, "cert-1 during the job")
	f.srv.ALB.CompleteJobs()

	jobs := f.alb(opListJobs, "JobIds.1", r.str("JobId"))
	wantOK(t, jobs)
	j := jobs.list("Jobs")[0]
	eq(t, j["Status"], any("Failed"), "status")
	eq(t, j["ErrorCode"], any("Internal.Error"), "error code")
	eq(t, j["ErrorMessage"], any("the backend failed"), "error message")
	l, _ := f.srv.ALB.Listener("lsn-1")
	eq(t, l.Status, ALBListenerRunning, "listener")
	eq(t, l.CertificateStatus("cert-1"), ALBCertificateAssociated, "cert-1 back to Associated")

	// Only the next n jobs fail.
	r = albDissociate(f, "lsn-1", nil, "cert-1")
	wantOK(t, r)
	f.srv.ALB.CompleteJobs()
	job, _ := f.srv.ALB.Job(r.str("JobId"))
	eq(t, job.Status, ALBJobSucceeded, "second job")
	eq(t, job.ErrorCode, "", "second job's error code")
}

func TestALBIdempotency(t *testing.T) {
	f := newFixture(t)
	tok := []string{"ClientToken", "token-1"}
	r1 := albDissociate(f, "lsn-1", tok, "cert-1", "cert-2")
	wantOK(t, r1)

	// Replays, signed either way, while the job runs and after it is done.
	r2 := albDissociate(f, "lsn-1", tok, "cert-1", "cert-2")
	wantOK(t, r2)
	f.base.V1 = true
	r3 := albDissociate(f, "lsn-1", tok, "cert-1", "cert-2")
	f.base.V1 = false
	wantOK(t, r3)
	f.srv.ALB.CompleteJobs()
	r4 := albDissociate(f, "lsn-1", tok, "cert-1", "cert-2")
	wantOK(t, r4)
	for i, r := range []resp{r2, r3, r4} {
		eq(t, r.str("JobId"), r1.str("JobId"), "JobId of replay %d", i+1)
		if r.str("RequestId") == r1.str("RequestId") {
			t.Fatalf("replay %d reused the RequestId", i+1)
		}
	}
	eq(t, f.srv.Stats().Actions, 1, "actions")
	eq(t, f.srv.ActionsByClientToken(), map[string]int{"token-1": 1}, "actions by token")
	eq(t, len(f.srv.ALB.Jobs()), 1, "jobs")

	// Same token, other parameters.
	for _, certs := range [][]string{{"cert-1"}, {"cert-2", "cert-1"}, {"cert-1", "cert-2", "cert-3"}} {
		wantError(t, albDissociate(f, "lsn-1", tok, certs...), 400, CodeIdempotentParameterMismatch)
	}
	wantError(t, albDissociate(f, "lsn-quic", tok, "cert-1", "cert-2"), 400, CodeIdempotentParameterMismatch)

	// An error is not remembered: the same token may then succeed.
	wantError(t, albDissociate(f, "lsn-1", []string{"ClientToken", "token-2"}, "cert-x"), 400, CodeALBCertificateNotAssociated)
	wantOK(t, albDissociate(f, "lsn-1", []string{"ClientToken", "token-2"}, "cert-3"))

	// Tokens are per account.
	f.srv.AddAccessKey("other", "other-secret")
	f.creds = creds{"other", "other-secret", ""}
	wantError(t, albDissociate(f, "lsn-1", tok, "cert-1", "cert-2"), 400, CodeALBListenerIncorrectStatus)
	eq(t, f.srv.ActionsByClientToken(), map[string]int{"token-1": 1, "token-2": 1}, "actions by token")
}

func TestALBConcurrentRetriesActOnce(t *testing.T) {
	f := newFixture(t)
	const n = 20
	jobIDs := make(chan string, n)
	errs := make(chan error, n)
	for range n {
		go func() {
			q := f.req(apiReq{Version: albVersion, Action: opDissociate,
				Params: params(append([]string{"ListenerId", "lsn-1", "ClientToken", "same"}, certArgs("cert-1")...)...)})
			r, err := send(t, f.srv.Client(), q.build(t, f.srv.URL))
			if err == nil && r.Status != http.StatusOK {
				err = fmt.Errorf("status %d %s", r.Status, r.code())
			}
			errs <- err
			jobIDs <- r.str("JobId")
		}()
	}
	first := ""
	for range n {
		noErr(t, <-errs)
		id := <-jobIDs
		if first == "" {
			first = id
		}
		eq(t, id, first, "JobId")
	}
	eq(t, f.srv.Stats().Actions, 1, "actions")
}

func TestALBListListenerCertificates(t *testing.T) {
	f := newFixture(t)
	var all []string
	next, pages := "", 0
	for {
		kv := []string{"ListenerId", "lsn-1", "MaxResults", "5"}
		if next != "" {
			kv = append(kv, "NextToken", next)
		}
		r := f.alb(opListCerts, kv...)
		wantOK(t, r)
		eq(t, r.Body["TotalCount"], any(21.0), "TotalCount")
		eq(t, r.Body["MaxResults"], any(5.0), "MaxResults")
		for _, c := range r.list("Certificates") {
			all = append(all, c["CertificateId"].(string))
			eq(t, c["IsDefault"], any(c["CertificateId"] == "cert-0"), "IsDefault of %v", c["CertificateId"])
			eq(t, c["CertificateType"], any("Server"), "CertificateType")
			eq(t, c["Status"], any("Associated"), "Status")
		}
		pages++
		if next = r.str("NextToken"); next == "" {
			break
		}
	}
	eq(t, pages, 5, "pages")
	want := []string{"cert-0"}
	for i := 1; i <= 20; i++ {
		want = append(want, fmt.Sprintf("cert-%d", i))
	}
	eq(t, all, want, "certificates over all pages")

	r := f.alb(opListCerts, "ListenerId", "lsn-1")
	wantOK(t, r)
	eq(t, len(r.list("Certificates")), 20, "default page size")
	eq(t, r.Body["MaxResults"], any(20.0), "default MaxResults")
	otherListenersToken := f.alb(opListCerts, "ListenerId", "lsn-1", "MaxResults", "1").str("NextToken")

	r = f.alb(opListCerts, "ListenerId", "lsn-1", "CertificateType", "Ca")
	wantOK(t, r)
	eq(t, r.Body["TotalCount"], any(0.0), "CA certificates")
	eq(t, r.list("Certificates"), []map[string]any{}, "CA certificates")

	for _, tc := range []struct {
		kv     []string
		status int
		code   string
	}{
		{[]string{}, 400, CodeMissingParameter},
		{[]string{"ListenerId", "lsn-nope"}, 404, CodeALBListenerNotFound},
		{[]string{"ListenerId", "lsn-1", "MaxResults", "0"}, 400, CodeInvalidParameter},
		{[]string{"ListenerId", "lsn-1", "MaxResults", "101"}, 400, CodeInvalidParameter},
		{[]string{"ListenerId", "lsn-1", "MaxResults", "ten"}, 400, CodeInvalidParameter},
		{[]string{"ListenerId", "lsn-1", "NextToken", "garbage"}, 400, CodeInvalidParameter},
		{[]string{"ListenerId", "lsn-quic", "NextToken", otherListenersToken}, 400, CodeInvalidParameter},
		{[]string{"ListenerId", "lsn-1", "CertificateType", "Client"}, 400, CodeInvalidParameter},
	} {
		wantError(t, f.alb(opListCerts, tc.kv...), tc.status, tc.code)
	}
}

func TestALBListAsynJobs(t *testing.T) {
	clockStart := time.Now()
	f := newFixture(t)
	j1 := albDissociate(f, "lsn-1", nil, "cert-1").str("JobId")
	f.srv.ALB.CompleteJobs()
	j2 := albDissociate(f, "lsn-1", nil, "cert-2").str("JobId")
	j3 := albDissociate(f, "lsn-quic", nil, "cert-q1").str("JobId")

	r := f.alb(opListJobs)
	wantOK(t, r)
	eq(t, r.Body["TotalCount"], any(3.0), "TotalCount")
	jobs := r.list("Jobs")
	eq(t, []any{jobs[0]["Id"], jobs[1]["Id"], jobs[2]["Id"]}, []any{j1, j2, j3}, "jobs, oldest first")
	j := jobs[0]
	for k, v := range map[string]any{
		"ApiName": opDissociate, "Status": "Succeeded", "OperateType": "Update",
		"ResourceId": "lsn-1", "ResourceType": "listener",
	} {
		eq(t, j[k], v, "job field %s", k)
	}
	created, _ := j["CreateTime"].(float64)
	if ms := int64(created); ms < clockStart.UnixMilli()-1000 || ms > time.Now().UnixMilli()+1000 {
		t.Fatalf("CreateTime %v is not the creation time in milliseconds", j["CreateTime"])
	}
	eq(t, jobs[1]["Status"], any("Processing"), "running job")

	count := func(kv ...string) int {
		t.Helper()
		r := f.alb(opListJobs, kv...)
		wantOK(t, r)
		return int(r.Body["TotalCount"].(float64))
	}
	eq(t, count("JobIds.1", j2, "JobIds.2", j3), 2, "by JobIds")
	eq(t, count("ResourceIds.1", "lsn-quic"), 1, "by ResourceIds")
	eq(t, count("ResourceType", "listener"), 3, "by ResourceType")
	eq(t, count("ResourceType", "loadbalancer"), 0, "by another ResourceType")
	eq(t, count("ApiName", opDissociate), 3, "by ApiName")
	eq(t, count("ApiName", "CreateListener"), 0, "by another ApiName")
	eq(t, count("JobIds.1", "nope"), 0, "unknown job")
	eq(t, count("EndTime", "1"), 0, "EndTime in the past")

	p1 := f.alb(opListJobs, "MaxResults", "2")
	eq(t, len(p1.list("Jobs")), 2, "first page")
	p2 := f.alb(opListJobs, "MaxResults", "2", "NextToken", p1.str("NextToken"))
	eq(t, len(p2.list("Jobs")), 1, "second page")
	eq(t, p2.str("NextToken"), "", "last page's NextToken")
	eq(t, p2.list("Jobs")[0]["Id"], any(j3), "second page's job")
	wantError(t, f.alb(opListJobs, "MaxResults", "2", "NextToken", "x"), 400, CodeInvalidParameter)
}

func TestALBSeedingAPI(t *testing.T) {
	e := New()
	defer e.Close()
	noErr(t, e.ALB.AddListener(ALBListener{ID: "l", Protocol: "HTTPS", DefaultCertificateID: "d", AdditionalCertificateIDs: []string{"a"}}))
	errContains(t, e.ALB.AddListener(ALBListener{ID: "l", Protocol: "HTTPS"}), "already exists")
	errContains(t, e.ALB.AddListener(ALBListener{ID: "x", Protocol: "FTP"}), `protocol: "FTP" is not one of HTTP, HTTPS, QUIC`)
	errContains(t, e.ALB.AddListener(ALBListener{ID: "x", Protocol: "HTTP", AdditionalCertificateIDs: []string{"a"}}), "HTTP listener has no certificates")
	errContains(t, e.ALB.AddListener(ALBListener{ID: "x", Protocol: "QUIC", Status: "Gone"}), `status: "Gone"`)
	errContains(t, e.ALB.AddListener(ALBListener{ID: "x", Protocol: "QUIC", DefaultCertificateID: "d", AdditionalCertificateIDs: []string{"d"}}),
		"is the default certificate")
	errContains(t, e.ALB.AddListener(ALBListener{Protocol: "QUIC"}), "id: must not be empty")
	errContains(t, e.ALB.SetListenerStatus("nope", "Running"), "not found")
	errContains(t, e.ALB.SetListenerStatus("l", "Paused"), `"Paused"`)

	l, ok := e.ALB.Listener("l")
	eq(t, ok, true, "found")
	eq(t, l, ALBListenerState{ID: "l", Protocol: "HTTPS", Status: "Running", DefaultCertificateID: "d",
		Certificates: []ALBCertificate{{"d", true, "Associated"}, {"a", false, "Associated"}}}, "snapshot")
	eq(t, l.CertificateStatus("zzz"), "", "unknown certificate")
	eq(t, e.ALB.DeleteListener("l"), true, "deleted")
	eq(t, e.ALB.DeleteListener("l"), false, "deleted twice")
	_, ok = e.ALB.Listener("l")
	eq(t, ok, false, "found after delete")
}

func TestALBJobOnDeletedListener(t *testing.T) {
	f := newFixture(t)
	id := albDissociate(f, "lsn-1", nil, "cert-1").str("JobId")
	f.srv.ALB.DeleteListener("lsn-1")
	f.srv.ALB.CompleteJobs()
	j, _ := f.srv.ALB.Job(id)
	eq(t, j.Status, ALBJobSucceeded, "job")
}
