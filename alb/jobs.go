package alb

import (
	"context"
	"strconv"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/signer"
	"github.com/listenercerts/alicloud/internal/transport"
)

// Job statuses reported by ListAsynJobs.
const (
	JobSucceeded  = "Succeeded"
	JobFailed     = "Failed"
	JobProcessing = "Processing"
)

// ListAsynJobsInput is the input of [Client.ListAsynJobs]; every field is an
// optional filter.
type ListAsynJobsInput struct {
	JobIDs       []string // wire: JobIds.N
	ResourceIDs  []string // wire: ResourceIds.N
	ResourceType string   // e.g. "listener"
	APIName      string   // e.g. "DissociateAdditionalCertificatesFromListener"
	BeginTime    int64    // ms since the epoch; 0 = unset
	EndTime      int64    // ms since the epoch; 0 = unset
	NextToken    string
	MaxResults   int
}

// Job is one asynchronous job.
type Job struct {
	ID           string
	APIName      string
	Status       string // Succeeded, Failed, Processing
	OperateType  string
	ResourceID   string
	ResourceType string
	ErrorCode    string
	ErrorMessage string
	CreateTime   int64 // ms since the epoch
	ModifyTime   int64 // ms since the epoch
}

// ListAsynJobsOutput is one page of jobs.
type ListAsynJobsOutput struct {
	Jobs       []Job
	NextToken  string
	TotalCount int
	RequestID  string
}

type listJobsResponse struct {
	RequestId  string
	NextToken  string
	TotalCount int
	Jobs       []struct {
		Id, ApiName, Status, OperateType, ResourceId, ResourceType, ErrorCode, ErrorMessage string
		CreateTime, ModifyTime                                                              int64
	}
}

func (r *listJobsResponse) RequestID() string { return r.RequestId }

// ListAsynJobs returns asynchronous jobs, such as the JobID a
// DissociateAdditionalCertificatesFromListener call returned.
func (c *Client) ListAsynJobs(ctx context.Context, in *ListAsynJobsInput) (*ListAsynJobsOutput, error) {
	if in == nil {
		return nil, &alicloud.ValidationError{Field: "input", Reason: "must not be nil"}
	}
	var params []signer.Param
	add := func(k, v string) {
		if v != "" {
			params = append(params, signer.Param{Key: k, Value: v})
		}
	}
	for i, id := range in.JobIDs {
		add("JobIds."+strconv.Itoa(i+1), id)
	}
	for i, id := range in.ResourceIDs {
		add("ResourceIds."+strconv.Itoa(i+1), id)
	}
	add("ResourceType", in.ResourceType)
	add("ApiName", in.APIName)
	if in.BeginTime > 0 {
		add("BeginTime", strconv.FormatInt(in.BeginTime, 10))
	}
	if in.EndTime > 0 {
		add("EndTime", strconv.FormatInt(in.EndTime, 10))
	}
	add("NextToken", in.NextToken)
	if in.MaxResults > 0 {
		add("MaxResults", strconv.Itoa(in.MaxResults))
	}
	var resp listJobsResponse
	res, err := c.t.Do(ctx, &transport.Request{Operation: "ListAsynJobs", Params: params}, &resp)
	if err != nil {
		return nil, err
	}
	out := &ListAsynJobsOutput{Jobs: make([]Job, len(resp.Jobs)), NextToken: resp.NextToken,
		TotalCount: resp.TotalCount, RequestID: res.RequestID}
	for i, j := range resp.Jobs {
		out.Jobs[i] = Job{ID: j.Id, APIName: j.ApiName, Status: j.Status, OperateType: j.OperateType,
			ResourceID: j.ResourceId, ResourceType: j.ResourceType, ErrorCode: j.ErrorCode,
			ErrorMessage: j.ErrorMessage, CreateTime: j.CreateTime, ModifyTime: j.ModifyTime}
	}
	return out, nil
}
