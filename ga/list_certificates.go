package ga

import (
	"context"
	"iter"
	"strconv"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/paginate"
	"github.com/listenercerts/alicloud/internal/signer"
	"github.com/listenercerts/alicloud/internal/transport"
	"github.com/listenercerts/alicloud/internal/validate"
)

// MaxListResults is the largest page ListListenerCertificates returns.
const MaxListResults = 50

// ListListenerCertificatesInput is the input of [Client.ListListenerCertificates].
type ListListenerCertificatesInput struct {
	AcceleratorID string // required
	ListenerID    string // required
	Role          string // "default" or "additional"; empty = both
	NextToken     string
	MaxResults    int // 1..MaxListResults; 0 = service default
}

// ListenerCertificate is one certificate of a GA listener.
type ListenerCertificate struct {
	CertificateID string
	IsDefault     bool
	Domain        string // the domain of an additional certificate
	State         string // active, updating
}

// ListListenerCertificatesOutput is one page of certificates.
type ListListenerCertificatesOutput struct {
	Certificates []ListenerCertificate
	NextToken    string
	TotalCount   int
	RequestID    string
}

type listCertificatesResponse struct {
	RequestId    string
	NextToken    string
	TotalCount   int
	Certificates []struct {
		CertificateId string
		IsDefault     bool
		Domain        string
		State         string
	}
}

func (r *listCertificatesResponse) RequestID() string { return r.RequestId }

// ListListenerCertificates returns one page of the certificates of a listener.
func (c *Client) ListListenerCertificates(ctx context.Context, in *ListListenerCertificatesInput) (*ListListenerCertificatesOutput, error) {
	if in == nil {
		return nil, &alicloud.ValidationError{Field: "input", Reason: "must not be nil"}
	}
	if err := validate.ID("AcceleratorID", in.AcceleratorID); err != nil {
		return nil, err
	}
	if err := validate.ID("ListenerID", in.ListenerID); err != nil {
		return nil, err
	}
	if in.Role != "" && in.Role != "default" && in.Role != "additional" {
		return nil, &alicloud.ValidationError{Field: "Role", Reason: strconv.Quote(in.Role) + " is not \"default\" or \"additional\""}
	}
	if in.MaxResults < 0 || in.MaxResults > MaxListResults {
		return nil, &alicloud.ValidationError{Field: "MaxResults", Reason: "must be between 1 and " + strconv.Itoa(MaxListResults) + " (0 for the default)"}
	}
	params := []signer.Param{{Key: "RegionId", Value: RegionID}, {Key: "AcceleratorId", Value: in.AcceleratorID}, {Key: "ListenerId", Value: in.ListenerID}}
	if in.Role != "" {
		params = append(params, signer.Param{Key: "Role", Value: in.Role})
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
	out := &ListListenerCertificatesOutput{Certificates: make([]ListenerCertificate, len(resp.Certificates)),
		NextToken: resp.NextToken, TotalCount: resp.TotalCount, RequestID: res.RequestID}
	for i, cert := range resp.Certificates {
		out.Certificates[i] = ListenerCertificate{CertificateID: cert.CertificateId, IsDefault: cert.IsDefault, Domain: cert.Domain, State: cert.State}
	}
	return out, nil
}

// AllListenerCertificates returns an iterator over the certificates of every
// page. It stops at the first error, which it yields. in is not modified.
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
