package alb

import (
	"context"
	"iter"
	"strconv"
	"strings"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/paginate"
	"github.com/listenercerts/alicloud/internal/signer"
	"github.com/listenercerts/alicloud/internal/transport"
	"github.com/listenercerts/alicloud/internal/validate"
)

// Certificate statuses reported by ListListenerCertificates. The service
// documents Associating, Associated and Diassociating (sic); its Dissociate
// page spells the last Dissociating. There is no Dissociated value in the
// real service: a dissociated certificate drops out of the listing.
const (
	StatusAssociating   = "Associating"
	StatusAssociated    = "Associated"
	StatusDissociating  = "Dissociating"
	StatusDiassociating = "Diassociating" // the documented enum's spelling; reported as StatusDissociating
	// StatusDissociated is not sent by the service (a dissociated
	// certificate is no longer listed); older emulators sent it, and the
	// waiters still accept it.
	StatusDissociated = "Dissociated"
)

// canonicalStatus maps the service's spellings of a status, in any case,
// to the constants above; an unknown status is returned as sent.
func canonicalStatus(s string) string {
	for _, known := range [...]string{StatusAssociating, StatusAssociated, StatusDissociating, StatusDissociated} {
		if strings.EqualFold(s, known) {
			return known
		}
	}
	if strings.EqualFold(s, StatusDiassociating) {
		return StatusDissociating
	}
	return s
}

// MaxListResults is the largest page ListListenerCertificates returns.
const MaxListResults = 100

// ListListenerCertificatesInput is the input of [Client.ListListenerCertificates].
type ListListenerCertificatesInput struct {
	ListenerID      string   // required
	CertificateType string   // "Server" or "Ca"; empty = all
	CertificateIDs  []string // optional filter (wire: CertificateIds.N)
	NextToken       string   // from the previous page
	MaxResults      int      // 1..MaxListResults; 0 = service default (20)
}

// ListenerCertificate is one certificate of a listener.
type ListenerCertificate struct {
	CertificateID   string
	CertificateType string // "Server" or "Ca"
	IsDefault       bool
	// Status is StatusAssociating, StatusAssociated or StatusDissociating
	// (the service's "Diassociating" and any case variant of a known value
	// are reported as the constant); an unknown value is reported as sent.
	Status string
}

// ListListenerCertificatesOutput is one page of certificates.
type ListListenerCertificatesOutput struct {
	Certificates []ListenerCertificate
	NextToken    string // empty on the last page
	TotalCount   int
	RequestID    string
}

type listCertificatesResponse struct {
	RequestId    string
	NextToken    string
	TotalCount   int
	Certificates []struct {
		CertificateId   string
		CertificateType string
		IsDefault       bool
		Status          string
	}
}

func (r *listCertificatesResponse) RequestID() string { return r.RequestId }

// ListListenerCertificates returns one page of the certificates of a
// listener, with their association status. Use [Client.AllListenerCertificates]
// to walk every page. Statuses are reported as the Status* constants,
// whatever the case or spelling the service used ("Diassociating" is
// StatusDissociating). A dissociated certificate is not listed.
func (c *Client) ListListenerCertificates(ctx context.Context, in *ListListenerCertificatesInput) (*ListListenerCertificatesOutput, error) {
	if in == nil {
		return nil, &alicloud.ValidationError{Field: "input", Reason: "must not be nil"}
	}
	if err := validate.ID("ListenerID", in.ListenerID); err != nil {
		return nil, err
	}
	if in.CertificateType != "" && in.CertificateType != "Server" && in.CertificateType != "Ca" {
		return nil, &alicloud.ValidationError{Field: "CertificateType", Reason: strconv.Quote(in.CertificateType) + " is not \"Server\" or \"Ca\""}
	}
	if in.MaxResults < 0 || in.MaxResults > MaxListResults {
		return nil, &alicloud.ValidationError{Field: "MaxResults", Reason: "must be between 1 and " + strconv.Itoa(MaxListResults) + " (0 for the default)"}
	}
	params := []signer.Param{{Key: "ListenerId", Value: in.ListenerID}}
	if in.CertificateType != "" {
		params = append(params, signer.Param{Key: "CertificateType", Value: in.CertificateType})
	}
	for i, id := range in.CertificateIDs {
		if err := validate.ID("CertificateIDs["+strconv.Itoa(i)+"]", id); err != nil {
			return nil, err
		}
		params = append(params, signer.Param{Key: "CertificateIds." + strconv.Itoa(i+1), Value: id})
	}
	if in.NextToken != "" {
		params = append(params, signer.Param{Key: "NextToken", Value: in.NextToken})
	}
	if in.MaxResults > 0 {
		params = append(params, signer.Param{Key: "MaxResults", Value: strconv.Itoa(in.MaxResults)})
	}
	var resp listCertificatesResponse
	res, err := c.t.Do(ctx, &transport.Request{Operation: "ListListenerCertificates", Params: params}, &resp)
	if err != nil {
		return nil, err
	}
	out := &ListListenerCertificatesOutput{
		Certificates: make([]ListenerCertificate, len(resp.Certificates)),
		NextToken:    resp.NextToken,
		TotalCount:   resp.TotalCount,
		RequestID:    res.RequestID, // redacted by the transport, as every field taken from an answer
	}
	for i, cert := range resp.Certificates {
		out.Certificates[i] = ListenerCertificate{CertificateID: cert.CertificateId, CertificateType: cert.CertificateType,
			IsDefault: cert.IsDefault, Status: canonicalStatus(cert.Status)}
	}
	return out, nil
}

// AllListenerCertificates returns an iterator over the certificates of
// every page, starting at in.NextToken. It stops at the first error, which
// it yields. in is not modified.
//
//	for cert, err := range client.AllListenerCertificates(ctx, &alb.ListListenerCertificatesInput{ListenerID: id}) {
//		if err != nil { return err }
//		fmt.Println(cert.CertificateID, cert.Status)
//	}
func (c *Client) AllListenerCertificates(ctx context.Context, in *ListListenerCertificatesInput) iter.Seq2[ListenerCertificate, error] {
	if in == nil {
		return paginate.Error[ListenerCertificate](&alicloud.ValidationError{Field: "input", Reason: "must not be nil"})
	}
	page := *in
	return paginate.All(in.NextToken, func(token string) ([]ListenerCertificate, string, error) {
		page.NextToken = token
		out, err := c.ListListenerCertificates(ctx, &page)
		if err != nil {
			return nil, "", err
		}
		return out.Certificates, out.NextToken, nil
	})
}
