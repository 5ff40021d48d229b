package alicloudtest

import (
	"maps"
	"net/http"
	"slices"
)

// GA error codes of DissociateAdditionalCertificatesFromListener (all HTTP
// 400).
const (
	CodeGAAcceleratorNotExist   = "NotExist.Accelerator"
	CodeGAListenerNotExist      = "NotExist.Listener"
	CodeGAAcceleratorStateError = "StateError.Accelerator"
	CodeGAListenerNotActive     = "NotActive.Listener"
	CodeGACertificateNotExist   = "NotExist.Certificate"
)

const (
	gaMaxResults        = 50
	gaDefaultMaxResults = 10
)

func gaAcceleratorNotExist(id string) *apiError {
	return errorf(http.StatusBadRequest, CodeGAAcceleratorNotExist, "The accelerator %s does not exist.", id)
}

func gaListenerNotExist(id string) *apiError {
	return errorf(http.StatusBadRequest, CodeGAListenerNotExist, "The listener %s does not exist.", id)
}

// regionParam checks the required RegionId of every GA operation.
func regionParam(c *call) *apiError {
	region, aerr := requiredParam(c.params, "RegionId")
	if aerr != nil {
		return aerr
	}
	if region != Region {
		return invalidParameter("RegionId", "GA is a global service served from %s, not %q", Region, region)
	}
	return nil
}

// listenerOf finds the listener of an accelerator; a listener of another
// accelerator does not exist for this one. The caller holds Emulator.mu.
func (g *GA) listenerOf(acceleratorID, listenerID string) (*gaAccelerator, *GAListener, *apiError) {
	a := g.accelerators[acceleratorID]
	if a == nil {
		return nil, nil, gaAcceleratorNotExist(acceleratorID)
	}
	l := g.listeners[listenerID]
	if l == nil || l.AcceleratorID != acceleratorID {
		return a, nil, gaListenerNotExist(listenerID)
	}
	return a, l, nil
}

// opDissociate is DissociateAdditionalCertificatesFromListener. Checks, in
// order: parameters, accelerator exists, listener exists on it, accelerator
// active (not in the busy window of an earlier change), listener active,
// every domain has an additional certificate.
func (g *GA) opDissociate(c *call) (any, *apiError) {
	if aerr := regionParam(c); aerr != nil {
		return nil, aerr
	}
	accID, aerr := requiredParam(c.params, "AcceleratorId")
	if aerr != nil {
		return nil, aerr
	}
	listenerID, aerr := requiredParam(c.params, "ListenerId")
	if aerr != nil {
		return nil, aerr
	}
	domains, aerr := listParam(c.params, "Domains.", "", GAMaxDissociateDomains)
	if aerr != nil {
		return nil, aerr
	}
	if len(domains) == 0 {
		return nil, missingParameter("Domains.1")
	}
	token, aerr := clientToken(c.params)
	if aerr != nil {
		return nil, aerr
	}

	g.e.mu.Lock()
	defer g.e.mu.Unlock()
	if res, aerr := g.e.idem.replay(c, token); res != nil || aerr != nil {
		return res, aerr
	}
	a, l, aerr := g.listenerOf(accID, listenerID)
	if aerr != nil {
		return nil, aerr
	}
	if a.state != GAStateActive {
		return nil, errorf(http.StatusBadRequest, CodeGAAcceleratorStateError,
			"The state of accelerator %s is %s; it must be active. Try again later.", a.id, a.state)
	}
	if l.State != GAStateActive {
		return nil, errorf(http.StatusBadRequest, CodeGAListenerNotActive,
			"The listener %s is not active (state %s).", l.ID, l.State)
	}
	for _, d := range domains {
		if _, ok := l.AdditionalCertificates[d]; !ok {
			return nil, errorf(http.StatusBadRequest, CodeGACertificateNotExist,
				"The listener %s has no additional certificate for domain %s.", l.ID, d)
		}
	}
	for _, d := range domains {
		delete(l.AdditionalCertificates, d)
	}
	g.startUpdateLocked(l, a)
	res := rawResult("{}")
	g.e.idem.remember(c, token, res)
	g.e.stats.acted(c.action, token)
	return res, nil
}

type gaPortRangeOut struct {
	FromPort int `json:"FromPort"`
	ToPort   int `json:"ToPort"`
}

type gaListenerCertOut struct {
	ID     string `json:"Id"`
	Type   string `json:"Type"`
	Domain string `json:"Domain,omitempty"`
}

type gaDescribeListenerOut struct {
	ListenerID     string              `json:"ListenerId"`
	AcceleratorID  string              `json:"AcceleratorId"`
	State          string              `json:"State"`
	Protocol       string              `json:"Protocol"`
	Name           string              `json:"Name"`
	Description    string              `json:"Description"`
	ClientAffinity string              `json:"ClientAffinity"`
	CreateTime     int64               `json:"CreateTime"`
	PortRanges     []gaPortRangeOut    `json:"PortRanges"`
	Certificates   []gaListenerCertOut `json:"Certificates"`
}

// opDescribeListener is DescribeListener: the listener's attributes and its
// certificates (the default one, then the additional ones by domain).
func (g *GA) opDescribeListener(c *call) (any, *apiError) {
	if aerr := regionParam(c); aerr != nil {
		return nil, aerr
	}
	listenerID, aerr := requiredParam(c.params, "ListenerId")
	if aerr != nil {
		return nil, aerr
	}
	g.e.mu.Lock()
	defer g.e.mu.Unlock()
	l := g.listeners[listenerID]
	if l == nil {
		return nil, gaListenerNotExist(listenerID)
	}
	out := gaDescribeListenerOut{
		ListenerID: l.ID, AcceleratorID: l.AcceleratorID, State: l.State, Protocol: l.Protocol,
		Name: l.Name, Description: l.Description, ClientAffinity: "NONE",
		CreateTime:   g.created[l.ID].UnixMilli(),
		PortRanges:   make([]gaPortRangeOut, len(l.PortRanges)),
		Certificates: []gaListenerCertOut{},
	}
	for i, r := range l.PortRanges {
		out.PortRanges[i] = gaPortRangeOut(r)
	}
	if l.DefaultCertificateID != "" {
		out.Certificates = append(out.Certificates, gaListenerCertOut{ID: l.DefaultCertificateID, Type: "default"})
	}
	for _, d := range slices.Sorted(maps.Keys(l.AdditionalCertificates)) {
		out.Certificates = append(out.Certificates, gaListenerCertOut{ID: l.AdditionalCertificates[d], Type: "additional", Domain: d})
	}
	return out, nil
}

type gaCertificateOut struct {
	CertificateID string `json:"CertificateId"`
	IsDefault     bool   `json:"IsDefault"`
	Domain        string `json:"Domain,omitempty"`
	State         string `json:"State"`
}

type gaListCertificatesOut struct {
	TotalCount   int                `json:"TotalCount"`
	NextToken    string             `json:"NextToken"`
	MaxResults   int                `json:"MaxResults"`
	Certificates []gaCertificateOut `json:"Certificates"`
}

// opListListenerCertificates is ListListenerCertificates: the default
// certificate, then the additional ones by domain, filtered by Role,
// paginated.
func (g *GA) opListListenerCertificates(c *call) (any, *apiError) {
	if aerr := regionParam(c); aerr != nil {
		return nil, aerr
	}
	accID, aerr := requiredParam(c.params, "AcceleratorId")
	if aerr != nil {
		return nil, aerr
	}
	listenerID, aerr := requiredParam(c.params, "ListenerId")
	if aerr != nil {
		return nil, aerr
	}
	role := c.params.Get("Role")
	if role != "" && role != "default" && role != "additional" {
		return nil, invalidParameter("Role", "%q is not one of default, additional", role)
	}
	max, aerr := intParam(c.params, "MaxResults", gaDefaultMaxResults, 1, gaMaxResults)
	if aerr != nil {
		return nil, aerr
	}
	scope := "ga-certs|" + accID + "|" + listenerID + "|" + role
	offset, aerr := pageOffset(c.params, scope)
	if aerr != nil {
		return nil, aerr
	}

	g.e.mu.Lock()
	defer g.e.mu.Unlock()
	_, l, aerr := g.listenerOf(accID, listenerID)
	if aerr != nil {
		return nil, aerr
	}
	state := GAStateActive
	if l.State == GAStateUpdating {
		state = GAStateUpdating
	}
	var all []gaCertificateOut
	if role != "additional" && l.DefaultCertificateID != "" {
		all = append(all, gaCertificateOut{CertificateID: l.DefaultCertificateID, IsDefault: true, State: state})
	}
	if role != "default" {
		for _, d := range slices.Sorted(maps.Keys(l.AdditionalCertificates)) {
			all = append(all, gaCertificateOut{CertificateID: l.AdditionalCertificates[d], Domain: d, State: state})
		}
	}
	lo, hi, next := page(len(all), offset, max, scope)
	certs := all[lo:hi]
	if certs == nil {
		certs = []gaCertificateOut{}
	}
	return gaListCertificatesOut{TotalCount: len(all), NextToken: next, MaxResults: max, Certificates: certs}, nil
}
