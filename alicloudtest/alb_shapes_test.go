package alicloudtest

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"time"
)

// The ALB answers decode with plain encoding/json, unknown fields refused,
// into structs that mirror the documented fields and types (REFERENCE.md;
// ListAsynJobs' TotalCount, NextToken and MaxResults as the service's
// published response model has them), and every documented field is
// present in every answer, at the top level and in every array element.

type docALBListListenerCertificates struct {
	RequestId    string
	TotalCount   int
	NextToken    string
	MaxResults   int
	Certificates []struct {
		CertificateId   string
		IsDefault       bool
		Status          string
		CertificateType string
	}
}

type docALBJob struct {
	Id           string
	ApiName      string
	Status       string
	OperateType  string
	ResourceId   string
	ResourceType string
	ErrorCode    string
	ErrorMessage string
	CreateTime   int64
	ModifyTime   int64
}

type docALBListAsynJobs struct {
	RequestId  string
	TotalCount int64
	NextToken  string
	MaxResults int64
	Jobs       []docALBJob
}

type docALBChange struct{ RequestId, JobId string }

var (
	albListCertsFields = []string{"RequestId", "TotalCount", "NextToken", "MaxResults", "Certificates"}
	albCertFields      = []string{"CertificateId", "IsDefault", "Status", "CertificateType"}
	albListJobsFields  = []string{"RequestId", "TotalCount", "NextToken", "MaxResults", "Jobs"}
	albJobFields       = []string{"Id", "ApiName", "Status", "OperateType", "ResourceId", "ResourceType",
		"ErrorCode", "ErrorMessage", "CreateTime", "ModifyTime"}
	albChangeFields = []string{"RequestId", "JobId"}
)

// elementKeys checks that every element of the array field of raw has
// exactly the keys fields, and returns how many there are.
func elementKeys(t *testing.T, raw, field string, fields []string) int {
	t.Helper()
	var top map[string]json.RawMessage
	noErr(t, json.Unmarshal([]byte(raw), &top))
	var elems []map[string]json.RawMessage
	noErr(t, json.Unmarshal(top[field], &elems))
	for i, e := range elems {
		eq(t, slices.Sorted(maps.Keys(e)), slices.Sorted(slices.Values(fields)), "fields of %s[%d]", field, i)
	}
	return len(elems)
}

func TestALBDocumentedShapes(t *testing.T) {
	f := newFixture(t, WithALBAssociateDelay(-1)) // jobs run until released
	start := time.Now().UnixMilli()

	// ListListenerCertificates: the default certificate and an additional
	// one on the first page, the last page with an empty NextToken.
	r := f.alb(opListCerts, "ListenerId", "lsn-1", "MaxResults", "2")
	wantOK(t, r)
	var lc docALBListListenerCertificates
	decodeStrict(t, r.Raw, &lc, albListCertsFields)
	eq(t, elementKeys(t, r.Raw, "Certificates", albCertFields), 2, "certificates on the first page")
	eq(t, [...]int{lc.TotalCount, lc.MaxResults}, [...]int{21, 2}, "TotalCount, MaxResults")
	if lc.NextToken == "" {
		t.Fatal("the first of several pages has no NextToken")
	}
	eq(t, lc.Certificates[0].CertificateId, "cert-0", "default certificate")
	eq(t, [...]any{lc.Certificates[0].IsDefault, lc.Certificates[0].Status, lc.Certificates[0].CertificateType},
		[...]any{true, ALBCertificateAssociated, "Server"}, "default certificate's fields")
	eq(t, [...]any{lc.Certificates[1].IsDefault, lc.Certificates[1].Status, lc.Certificates[1].CertificateType},
		[...]any{false, ALBCertificateAssociated, "Server"}, "additional certificate's fields")
	r = f.alb(opListCerts, "ListenerId", "lsn-1", "MaxResults", "100")
	lc = docALBListListenerCertificates{}
	decodeStrict(t, r.Raw, &lc, albListCertsFields)
	eq(t, elementKeys(t, r.Raw, "Certificates", albCertFields), 21, "certificates on one page")
	eq(t, [...]any{lc.NextToken, lc.MaxResults}, [...]any{"", 100}, "NextToken and MaxResults of the last page")
	r = f.alb(opListCerts, "ListenerId", "lsn-http")
	lc = docALBListListenerCertificates{}
	decodeStrict(t, r.Raw, &lc, albListCertsFields)
	eq(t, [...]any{lc.TotalCount, lc.MaxResults, len(lc.Certificates)}, [...]any{0, 20, 0}, "a listener without certificates")

	// Associate and Dissociate answer RequestId and JobId.
	var ch docALBChange
	r = albDissociate(f, "lsn-1", nil, "cert-1")
	decodeStrict(t, r.Raw, &ch, albChangeFields)
	dissociateJob := ch.JobId
	r = albAssociate(f, "lsn-quic", nil, "new-1")
	decodeStrict(t, r.Raw, &ch, albChangeFields)
	associateJob := ch.JobId
	if dissociateJob == "" || associateJob == "" || dissociateJob == associateJob {
		t.Fatalf("JobIds %q and %q", dissociateJob, associateJob)
	}

	// ListAsynJobs: processing jobs, then a succeeded and a failed one; the
	// error fields are always there, "" unless the job failed.
	var lj docALBListAsynJobs
	r = f.alb(opListJobs)
	wantOK(t, r)
	decodeStrict(t, r.Raw, &lj, albListJobsFields)
	eq(t, elementKeys(t, r.Raw, "Jobs", albJobFields), 2, "jobs")
	eq(t, [...]any{lj.TotalCount, lj.MaxResults, lj.NextToken}, [...]any{int64(2), int64(20), ""}, "TotalCount, MaxResults, NextToken")
	for i, want := range []docALBJob{
		{Id: dissociateJob, ApiName: albDissociateAPI, Status: "Processing", OperateType: "Update", ResourceId: "lsn-1", ResourceType: "listener"},
		{Id: associateJob, ApiName: albAssociateAPI, Status: "Processing", OperateType: "Update", ResourceId: "lsn-quic", ResourceType: "listener"},
	} {
		got := lj.Jobs[i]
		if got.CreateTime < start-1000 || got.CreateTime > time.Now().UnixMilli()+1000 || got.ModifyTime < got.CreateTime {
			t.Fatalf("job %d: CreateTime %d, ModifyTime %d are not times in milliseconds", i, got.CreateTime, got.ModifyTime)
		}
		got.CreateTime, got.ModifyTime = 0, 0
		eq(t, got, want, "job %d", i)
	}

	f.srv.ALB.CompleteJobs()
	f.srv.ALB.FailNextJobs(1, "InternalError", "the job failed")
	r = albDissociate(f, "lsn-1", nil, "cert-2")
	decodeStrict(t, r.Raw, &ch, albChangeFields)
	failedJob := ch.JobId
	f.srv.ALB.CompleteJobs()
	r = f.alb(opListJobs, "MaxResults", "2")
	lj = docALBListAsynJobs{}
	decodeStrict(t, r.Raw, &lj, albListJobsFields)
	eq(t, elementKeys(t, r.Raw, "Jobs", albJobFields), 2, "first page of jobs")
	eq(t, [...]any{lj.TotalCount, lj.MaxResults}, [...]any{int64(3), int64(2)}, "TotalCount, MaxResults")
	if lj.NextToken == "" {
		t.Fatal("the first of several pages of jobs has no NextToken")
	}
	eq(t, [...]string{lj.Jobs[0].Status, lj.Jobs[0].ErrorCode, lj.Jobs[0].ErrorMessage}, [...]string{"Succeeded", "", ""}, "succeeded job")
	r = f.alb(opListJobs, "JobIds.1", failedJob)
	lj = docALBListAsynJobs{}
	decodeStrict(t, r.Raw, &lj, albListJobsFields)
	eq(t, elementKeys(t, r.Raw, "Jobs", albJobFields), 1, "failed job")
	eq(t, [...]string{lj.Jobs[0].Status, lj.Jobs[0].ErrorCode, lj.Jobs[0].ErrorMessage},
		[...]string{"Failed", "InternalError", "the job failed"}, "failed job")

	// No job matches: an empty list, every field still there.
	r = f.alb(opListJobs, "JobIds.1", "nope")
	lj = docALBListAsynJobs{}
	decodeStrict(t, r.Raw, &lj, albListJobsFields)
	eq(t, [...]any{lj.TotalCount, len(lj.Jobs), lj.Jobs != nil}, [...]any{int64(0), 0, true}, "no job")
}
