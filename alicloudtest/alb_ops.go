package alicloudtest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// ALB error codes of the certificate operations, with their HTTP status.
const (
	CodeALBListenerNotFound         = "ResourceNotFound.Listener"              // 404
	CodeALBHTTPListenerNotSupported = "OperationDenied.HttpListenerNotSupport" // 400
	CodeALBListenerConfiguring      = "ResourceInConfiguring.Listener"         // 400
	CodeALBListenerIncorrectStatus  = "IncorrectStatus.Listener"               // 400
	CodeALBDefaultCertificateUsed   = "OperationDenied.DefaultCertificateUsed" // 400
	CodeALBCertificateNotAssociated = "ResourceNotAssociated.Certificate"      // 400
	// CodeALBCertificateAlreadyAssociated (400) answers an Associate of a
	// certificate the listener already has. ALB does not document it: it is
	// what the sibling NLB API answers.
	CodeALBCertificateAlreadyAssociated = "ResourceAlreadyAssociated.Certificate"
	// CodeDryRunOperation (400) answers a DryRun whose precheck passed.
	CodeDryRunOperation = "DryRunOperation"
)

const (
	msgDryRunPassed                  = "Request validation has been passed with DryRun flag set."
	albAssociateAPI                  = "AssociateAdditionalCertificatesWithListener"
	albDissociateAPI                 = "DissociateAdditionalCertificatesFromListener"
	albMaxResults                    = 100
	albDefaultMaxResults             = 20
	albCertificateTypeServer         = "Server"
	albCertificateTypeCA             = "Ca"
	albJobResourceType               = "listener"
	albJobOperateType                = "Update"
	albListenerNotFoundMessageFormat = "The specified resource %s is not found."
)

func albListenerNotFound(id string) *apiError {
	return errorf(http.StatusNotFound, CodeALBListenerNotFound, albListenerNotFoundMessageFormat, id)
}

// opAssociate is AssociateAdditionalCertificatesWithListener.
func (a *ALB) opAssociate(c *call) (any, *apiError) { return a.serveChange(c, a.associate) }

// opDissociate is DissociateAdditionalCertificatesFromListener.
func (a *ALB) opDissociate(c *call) (any, *apiError) { return a.serveChange(c, a.dissociate) }

// serveChange serves a certificate change. Checks, in order: parameters;
// ClientToken replay; listener exists, is not HTTP, is not Configuring (the
// busy answer), is Running; no certificate is the default one (for
// Associate an assumption: the documented code that fits); the change's own
// check of each certificate; then DryRun. Otherwise it starts the change's job and answers its JobId.
func (a *ALB) serveChange(c *call, change *albChange) (any, *apiError) {
	listenerID, aerr := requiredParam(c.params, "ListenerId")
	if aerr != nil {
		return nil, aerr
	}
	certs, aerr := listParam(c.params, "Certificates.", ".CertificateId", change.max)
	if aerr != nil {
		return nil, aerr
	}
	if len(certs) == 0 {
		return nil, missingParameter("Certificates.1.CertificateId")
	}
	dryRun, aerr := boolParam(c.params, "DryRun")
	if aerr != nil {
		return nil, aerr
	}
	token, aerr := clientToken(c.params)
	if aerr != nil {
		return nil, aerr
	}

	a.e.mu.Lock()
	defer a.e.mu.Unlock()
	if !dryRun {
		if res, aerr := a.e.idem.replay(c, token); res != nil || aerr != nil {
			return res, aerr
		}
	}
	l := a.listeners[listenerID]
	if aerr := a.checkListener(l, listenerID); aerr != nil {
		return nil, aerr
	}
	for _, id := range certs {
		if id == l.defaultCert {
			return nil, errorf(http.StatusBadRequest, CodeALBDefaultCertificateUsed,
				"The operation is not allowed because of %s.", "default certificate "+id+" of listener "+l.id)
		}
	}
	for _, id := range certs {
		if aerr := change.check(l, id); aerr != nil {
			return nil, aerr
		}
	}
	if dryRun {
		return nil, errorf(http.StatusBadRequest, CodeDryRunOperation, msgDryRunPassed)
	}

	j := a.startJobLocked(l, certs, change)
	res, err := json.Marshal(struct {
		JobID string `json:"JobId"`
	}{j.ID})
	if err != nil {
		return nil, internalError()
	}
	a.e.idem.remember(c, token, res)
	a.e.stats.acted(c.action, token)
	return rawResult(res), nil
}

// checkListener refuses a change of a listener that is missing, HTTP, busy
// (a job runs on it: Configuring) or otherwise not Running.
func (a *ALB) checkListener(l *albListener, id string) *apiError {
	switch {
	case l == nil:
		return albListenerNotFound(id)
	case l.protocol == "HTTP":
		return errorf(http.StatusBadRequest, CodeALBHTTPListenerNotSupported,
			"The operation is not allowed because of %s.", "HTTP listener "+id)
	case l.status == ALBListenerConfiguring && a.busyCode == CodeALBListenerConfiguring:
		return errorf(http.StatusBadRequest, CodeALBListenerConfiguring,
			"The specified resource of %s is being configured, please try again later.", "listener "+id)
	case l.status != ALBListenerRunning:
		return errorf(http.StatusBadRequest, CodeALBListenerIncorrectStatus,
			"The status of %s [%s] is incorrect.", id, l.status)
	}
	return nil
}

// checkAssociable refuses a certificate the listener already has, in any
// status (assumed: NLB's ResourceAlreadyAssociated.Certificate).
func checkAssociable(l *albListener, id string) *apiError {
	if l.cert(id) != nil {
		return errorf(http.StatusBadRequest, CodeALBCertificateAlreadyAssociated,
			"The specified resource %s is already associated.", "certificate "+id)
	}
	return nil
}

// checkDissociable refuses a certificate that is not Associated.
func checkDissociable(l *albListener, id string) *apiError {
	if x := l.cert(id); x == nil || x.status != ALBCertificateAssociated {
		return errorf(http.StatusBadRequest, CodeALBCertificateNotAssociated,
			"The specified resource %s is not associated.", "certificate "+id)
	}
	return nil
}

type albCertificateOut struct {
	CertificateID   string `json:"CertificateId"`
	IsDefault       bool   `json:"IsDefault"`
	Status          string `json:"Status"`
	CertificateType string `json:"CertificateType"`
}

type albListCertificatesOut struct {
	TotalCount   int                 `json:"TotalCount"`
	NextToken    string              `json:"NextToken"`
	MaxResults   int                 `json:"MaxResults"`
	Certificates []albCertificateOut `json:"Certificates"`
}

// opListListenerCertificates is ListListenerCertificates: the default
// certificate first, then the additional ones (dissociated ones are gone),
// filtered by CertificateType and CertificateIds.N, paginated.
func (a *ALB) opListListenerCertificates(c *call) (any, *apiError) {
	listenerID, aerr := requiredParam(c.params, "ListenerId")
	if aerr != nil {
		return nil, aerr
	}
	certType := c.params.Get("CertificateType")
	if certType != "" && certType != albCertificateTypeServer && certType != albCertificateTypeCA {
		return nil, invalidParameter("CertificateType", "%q is not one of Server, Ca", certType)
	}
	ids, aerr := listParam(c.params, "CertificateIds.", "", 0)
	if aerr != nil {
		return nil, aerr
	}
	max, aerr := intParam(c.params, "MaxResults", albDefaultMaxResults, 1, albMaxResults)
	if aerr != nil {
		return nil, aerr
	}
	scope := "alb-certs|" + listenerID
	offset, aerr := pageOffset(c.params, scope)
	if aerr != nil {
		return nil, aerr
	}

	a.e.mu.Lock()
	defer a.e.mu.Unlock()
	l := a.listeners[listenerID]
	if l == nil {
		return nil, albListenerNotFound(listenerID)
	}
	all := make([]albCertificateOut, 0, len(l.certs)+1)
	if certType != albCertificateTypeCA { // the emulator's certificates are all server certificates
		if l.defaultCert != "" {
			all = append(all, albCertificateOut{l.defaultCert, true, ALBCertificateAssociated, albCertificateTypeServer})
		}
		for _, x := range l.certs {
			all = append(all, albCertificateOut{x.id, false, x.status, albCertificateTypeServer})
		}
	}
	if len(ids) > 0 {
		all = slices.DeleteFunc(all, func(x albCertificateOut) bool { return !slices.Contains(ids, x.CertificateID) })
	}
	lo, hi, next := page(len(all), offset, max, scope)
	return albListCertificatesOut{
		TotalCount:   len(all),
		NextToken:    next,
		MaxResults:   max,
		Certificates: all[lo:hi],
	}, nil
}

// albJobOut is one job of ListAsynJobs. Every documented field is sent:
// ErrorCode and ErrorMessage are "" unless the job Failed. (The service
// documents them as set "if Status is Failed"; whether it then omits them or
// sends "" is unconfirmed. Sending "" is what both kinds of client accept.)
type albJobOut struct {
	ID           string `json:"Id"`
	APIName      string `json:"ApiName"`
	Status       string `json:"Status"`
	OperateType  string `json:"OperateType"`
	ResourceID   string `json:"ResourceId"`
	ResourceType string `json:"ResourceType"`
	ErrorCode    string `json:"ErrorCode"`
	ErrorMessage string `json:"ErrorMessage"`
	CreateTime   int64  `json:"CreateTime"`
	ModifyTime   int64  `json:"ModifyTime"`
}

type albListJobsOut struct {
	TotalCount int         `json:"TotalCount"`
	NextToken  string      `json:"NextToken"`
	MaxResults int         `json:"MaxResults"`
	Jobs       []albJobOut `json:"Jobs"`
}

// opListAsynJobs is ListAsynJobs: the jobs, oldest first, filtered by
// JobIds.N, ResourceIds.N, ResourceType, ApiName and BeginTime/EndTime
// (creation time in ms), paginated.
func (a *ALB) opListAsynJobs(c *call) (any, *apiError) {
	jobIDs, aerr := listParam(c.params, "JobIds.", "", 0)
	if aerr != nil {
		return nil, aerr
	}
	resourceIDs, aerr := listParam(c.params, "ResourceIds.", "", 0)
	if aerr != nil {
		return nil, aerr
	}
	const maxInt = int(^uint(0) >> 1)
	begin, aerr := intParam(c.params, "BeginTime", 0, 0, maxInt)
	if aerr != nil {
		return nil, aerr
	}
	end, aerr := intParam(c.params, "EndTime", maxInt, 0, maxInt)
	if aerr != nil {
		return nil, aerr
	}
	max, aerr := intParam(c.params, "MaxResults", albDefaultMaxResults, 1, albMaxResults)
	if aerr != nil {
		return nil, aerr
	}
	const scope = "alb-jobs"
	offset, aerr := pageOffset(c.params, scope)
	if aerr != nil {
		return nil, aerr
	}
	resourceType := c.params.Get("ResourceType")
	apiName := c.params.Get("ApiName")

	a.e.mu.Lock()
	defer a.e.mu.Unlock()
	var all []albJobOut
	for _, j := range a.jobs {
		created := j.CreateTime.UnixMilli()
		switch {
		case len(jobIDs) > 0 && !slices.Contains(jobIDs, j.ID),
			len(resourceIDs) > 0 && !slices.Contains(resourceIDs, j.ResourceID),
			resourceType != "" && !strings.EqualFold(resourceType, albJobResourceType),
			apiName != "" && apiName != j.APIName,
			created < int64(begin) || created > int64(end):
			continue
		}
		all = append(all, albJobOut{
			ID: j.ID, APIName: j.APIName, Status: j.Status, OperateType: albJobOperateType,
			ResourceID: j.ResourceID, ResourceType: albJobResourceType,
			ErrorCode: j.ErrorCode, ErrorMessage: j.ErrorMessage,
			CreateTime: created, ModifyTime: j.ModifyTime.UnixMilli(),
		})
	}
	lo, hi, next := page(len(all), offset, max, scope)
	jobs := all[lo:hi]
	if jobs == nil {
		jobs = []albJobOut{}
	}
	return albListJobsOut{TotalCount: len(all), NextToken: next, MaxResults: max, Jobs: jobs}, nil
}
