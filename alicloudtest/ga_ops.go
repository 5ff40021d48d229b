package alicloudtest

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// GA error codes of the certificate operations (all HTTP 400). The last
// four are the emulator's choice where the service's answer is
// undocumented; see the package documentation.
const (
	CodeGAAcceleratorNotExist   = "NotExist.Accelerator"
	CodeGAListenerNotExist      = "NotExist.Listener"
	CodeGAAcceleratorStateError = "StateError.Accelerator"
	CodeGAListenerNotActive     = "NotActive.Listener"
	// CodeGACertificateNotExist answers a Dissociate or Update naming a
	// domain without an additional certificate (assumption).
	CodeGACertificateNotExist = "NotExist.Certificate"
	// CodeGACertificateExist answers an Associate naming a domain that
	// already has an additional certificate (assumption).
	CodeGACertificateExist = "Exist.Certificate"
	// CodeGACertificateQuotaExceeded answers an Associate that would leave
	// the listener with more than 25 additional certificates (assumption).
	CodeGACertificateQuotaExceeded = "QuotaExceeded.Certificate"
	// CodeGAListenerProtocolIllegal answers an Associate or Update on a
	// listener that is not HTTPS (assumption).
	CodeGAListenerProtocolIllegal = "ProtocolIllegal.Listener"
)

const (
	gaMaxResults        = 50
	gaDefaultMaxResults = 20
	gaCertificateType   = "Server"
	gaListenerType      = "Standard"
	gaDNSSuffix         = ".aliyunga0019.com"
)

func gaAcceleratorNotExist(id string) *apiError {
	return errorf(http.StatusBadRequest, CodeGAAcceleratorNotExist, "The accelerated instance %s does not exist.", id)
}

func gaListenerNotExist(id string) *apiError {
	return errorf(http.StatusBadRequest, CodeGAListenerNotExist, "The listener %s does not exist.", id)
}

// operations are the GA operations by Action.
func (g *GA) operations() map[string]operation {
	return map[string]operation{
		"DissociateAdditionalCertificatesFromListener": g.opDissociate,
		"AssociateAdditionalCertificatesWithListener":  g.opAssociate,
		"UpdateAdditionalCertificateWithListener":      g.opUpdate,
		"DescribeListener":                             g.opDescribeListener,
		"ListListenerCertificates":                     g.opListListenerCertificates,
		"DescribeAccelerator":                          g.opDescribeAccelerator,
	}
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

// gaTarget holds the parameters every certificate change names.
type gaTarget struct {
	acceleratorID, listenerID, token string
}

func gaTargetParams(c *call) (gaTarget, *apiError) {
	var t gaTarget
	if aerr := regionParam(c); aerr != nil {
		return t, aerr
	}
	var aerr *apiError
	if t.acceleratorID, aerr = requiredParam(c.params, "AcceleratorId"); aerr != nil {
		return t, aerr
	}
	if t.listenerID, aerr = requiredParam(c.params, "ListenerId"); aerr != nil {
		return t, aerr
	}
	t.token, aerr = clientToken(c.params)
	return t, aerr
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

// changeable runs the checks every certificate change shares, in order:
// accelerator exists, listener exists on it, (httpsOnly) the listener is
// HTTPS, the accelerator is active (not within the lock of an earlier
// change), the listener is active. The caller holds Emulator.mu.
func (g *GA) changeable(t gaTarget, httpsOnly bool) (*gaAccelerator, *GAListener, *apiError) {
	a, l, aerr := g.listenerOf(t.acceleratorID, t.listenerID)
	if aerr != nil {
		return nil, nil, aerr
	}
	if httpsOnly && !strings.EqualFold(l.Protocol, "https") {
		return nil, nil, errorf(http.StatusBadRequest, CodeGAListenerProtocolIllegal,
			"The protocol of the listener %s is %s; only HTTPS listeners have additional certificates.", l.ID, l.Protocol)
	}
	if a.State != GAStateActive {
		return nil, nil, errorf(http.StatusBadRequest, CodeGAAcceleratorStateError,
			"The state of the accelerated instance %s is invalid (%s).", a.ID, a.State)
	}
	if l.State != GAStateActive {
		return nil, nil, errorf(http.StatusBadRequest, CodeGAListenerNotActive,
			"The state of the listener %s is not active (%s).", l.ID, l.State)
	}
	return a, l, nil
}

// noCertificate answers a domain without an additional certificate.
func noCertificate(listenerID, domain string) *apiError {
	return errorf(http.StatusBadRequest, CodeGACertificateNotExist,
		"The listener %s has no additional certificate for domain %s.", listenerID, domain)
}

// acted remembers a successful change's answer for its ClientToken.
func (g *GA) acted(c *call, token string, res rawResult) {
	g.e.idem.remember(c, token, res)
	g.e.stats.acted(c.action, token)
}

// listenerIDResult is the answer of Associate and Update.
func listenerIDResult(id string) rawResult {
	b, _ := json.Marshal(struct {
		ListenerID string `json:"ListenerId"`
	}{id})
	return b
}

// opDissociate is DissociateAdditionalCertificatesFromListener. Checks, in
// order: parameters, the shared checks of [GA.changeable] (any protocol),
// every domain has an additional certificate. The domains stay listed as
// updating until the listener is active again.
func (g *GA) opDissociate(c *call) (any, *apiError) {
	t, aerr := gaTargetParams(c)
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
	if aerr := distinctDomains(domains, func(i int) string { return "Domains." + strconv.Itoa(i+1) }); aerr != nil {
		return nil, aerr
	}

	g.e.mu.Lock()
	defer g.e.mu.Unlock()
	if res, aerr := g.e.idem.replay(c, t.token); res != nil || aerr != nil {
		return res, aerr
	}
	a, l, aerr := g.changeable(t, false)
	if aerr != nil {
		return nil, aerr
	}
	removing := map[string]string{}
	for _, d := range domains {
		key, ok := findDomain(l.AdditionalCertificates, d)
		if !ok {
			return nil, noCertificate(l.ID, d)
		}
		removing[key] = l.AdditionalCertificates[key]
	}
	for key := range removing {
		delete(l.AdditionalCertificates, key)
	}
	g.startUpdateLocked(l, a, g.timing.dissociate, nil, removing)
	res := rawResult("{}")
	g.acted(c, t.token, res)
	return res, nil
}

// opAssociate is AssociateAdditionalCertificatesWithListener. Checks, in
// order: parameters (1 to 10 Certificates.N.Id / Certificates.N.Domain
// pairs, no domain twice), the shared checks of [GA.changeable] (HTTPS
// only), no domain already has an additional certificate (Exist.Certificate),
// at most 25 additional certificates afterwards (QuotaExceeded.Certificate).
func (g *GA) opAssociate(c *call) (any, *apiError) {
	t, aerr := gaTargetParams(c)
	if aerr != nil {
		return nil, aerr
	}
	pairs, aerr := gaCertificatePairs(c.params)
	if aerr != nil {
		return nil, aerr
	}

	g.e.mu.Lock()
	defer g.e.mu.Unlock()
	if res, aerr := g.e.idem.replay(c, t.token); res != nil || aerr != nil {
		return res, aerr
	}
	a, l, aerr := g.changeable(t, true)
	if aerr != nil {
		return nil, aerr
	}
	for _, p := range pairs {
		if key, ok := findDomain(l.AdditionalCertificates, p.domain); ok {
			return nil, errorf(http.StatusBadRequest, CodeGACertificateExist,
				"The domain %s of listener %s already has an additional certificate (%s); replace it with UpdateAdditionalCertificateWithListener.",
				p.domain, l.ID, l.AdditionalCertificates[key])
		}
	}
	if n := len(l.AdditionalCertificates) + len(pairs); n > GAMaxAdditionalCertificates {
		return nil, errorf(http.StatusBadRequest, CodeGACertificateQuotaExceeded,
			"The listener %s would have %d additional certificates; at most %d are allowed.", l.ID, n, GAMaxAdditionalCertificates)
	}
	touched := map[string]bool{}
	for _, p := range pairs {
		l.AdditionalCertificates[p.domain] = p.id
		touched[strings.ToLower(p.domain)] = true
	}
	g.startUpdateLocked(l, a, g.timing.associate, touched, nil)
	res := listenerIDResult(l.ID)
	g.acted(c, t.token, res)
	return res, nil
}

// opUpdate is UpdateAdditionalCertificateWithListener. Checks, in order:
// parameters, the ClientToken (not for a DryRun), the shared checks of
// [GA.changeable] (HTTPS only), the domain has an additional certificate
// (NotExist.Certificate); then DryRun. The domain keeps the spelling it was
// associated with.
func (g *GA) opUpdate(c *call) (any, *apiError) {
	t, aerr := gaTargetParams(c)
	if aerr != nil {
		return nil, aerr
	}
	domain, aerr := requiredParam(c.params, "Domain")
	if aerr != nil {
		return nil, aerr
	}
	certID, aerr := requiredParam(c.params, "CertificateId")
	if aerr != nil {
		return nil, aerr
	}
	dryRun, aerr := boolParam(c.params, "DryRun")
	if aerr != nil {
		return nil, aerr
	}

	g.e.mu.Lock()
	defer g.e.mu.Unlock()
	// A DryRun is a precheck of the current state: it never replays an
	// earlier answer of its ClientToken (nor a mismatch), and is never
	// remembered.
	if !dryRun {
		if res, aerr := g.e.idem.replay(c, t.token); res != nil || aerr != nil {
			return res, aerr
		}
	}
	a, l, aerr := g.changeable(t, true)
	if aerr != nil {
		return nil, aerr
	}
	key, ok := findDomain(l.AdditionalCertificates, domain)
	if !ok {
		return nil, noCertificate(l.ID, domain)
	}
	if dryRun {
		return nil, errorf(http.StatusBadRequest, CodeDryRunOperation, msgDryRunPassed)
	}
	l.AdditionalCertificates[key] = certID
	g.startUpdateLocked(l, a, g.timing.update, map[string]bool{strings.ToLower(key): true}, nil)
	res := listenerIDResult(l.ID)
	g.acted(c, t.token, res)
	return res, nil
}

// gaPair is one Certificates.N of an Associate.
type gaPair struct{ id, domain string }

// gaCertificatePairs reads Certificates.N.Id and Certificates.N.Domain:
// 1 to 10 complete pairs with indexes 1..n, no domain twice (compared
// case-insensitively). A certificate may serve several domains.
func gaCertificatePairs(p url.Values) ([]gaPair, *apiError) {
	ids, aerr := indexedParams(p, "Certificates.", ".Id")
	if aerr != nil {
		return nil, aerr
	}
	domains, aerr := indexedParams(p, "Certificates.", ".Domain")
	if aerr != nil {
		return nil, aerr
	}
	n := 0
	for i := range ids {
		n = max(n, i)
	}
	for i := range domains {
		n = max(n, i)
	}
	if n == 0 {
		return nil, missingParameter("Certificates.1.Id")
	}
	if n > GAMaxAssociateCertificates {
		return nil, invalidParameter("Certificates.N", "%d items given, at most %d allowed", n, GAMaxAssociateCertificates)
	}
	pairs := make([]gaPair, n)
	for i := range pairs {
		id, ok := ids[i+1]
		if !ok {
			return nil, missingParameter(fmt.Sprintf("Certificates.%d.Id", i+1))
		}
		d, ok := domains[i+1]
		if !ok {
			return nil, missingParameter(fmt.Sprintf("Certificates.%d.Domain", i+1))
		}
		pairs[i] = gaPair{id: id, domain: d}
	}
	aerr = distinctDomains(slices.Collect(func(yield func(string) bool) {
		for _, p := range pairs {
			if !yield(p.domain) {
				return
			}
		}
	}), func(i int) string { return fmt.Sprintf("Certificates.%d.Domain", i+1) })
	return pairs, aerr
}

// indexedParams collects prefix + N + suffix parameters by their 1-based
// index: non-empty, each given once, indexes without leading zeros;
// parameters that merely share the prefix are ignored. Values may repeat
// (listParam, built on it, refuses that).
func indexedParams(p url.Values, prefix, suffix string) (map[int]string, *apiError) {
	byIndex := map[int]string{}
	for k, vs := range p {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		num, ok := strings.CutSuffix(rest, suffix)
		if !ok || num == "" || strings.Trim(num, "0123456789") != "" {
			continue
		}
		n, err := strconv.Atoi(num)
		if err != nil || n < 1 || num[0] == '0' {
			return nil, invalidParameter(k, "array indexes start at 1 and have no leading zeros")
		}
		if len(vs) != 1 {
			return nil, invalidParameter(k, "the parameter is given %d times", len(vs))
		}
		if vs[0] == "" {
			return nil, invalidParameter(k, "the value is empty")
		}
		byIndex[n] = vs[0]
	}
	return byIndex, nil
}

// distinctDomains fails if two domains are equal but for case.
func distinctDomains(domains []string, name func(i int) string) *apiError {
	seen := make(map[string]int, len(domains))
	for i, d := range domains {
		k := strings.ToLower(d)
		if j, dup := seen[k]; dup {
			return invalidParameter(name(i), "%q names the same domain as %s (%q); domains compare case-insensitively",
				d, name(j), domains[j])
		}
		seen[k] = i
	}
	return nil
}

type gaPortRangeOut struct {
	FromPort int `json:"FromPort"`
	ToPort   int `json:"ToPort"`
}

type gaBackendPortOut struct {
	FromPort string `json:"FromPort"`
	ToPort   string `json:"ToPort"`
}

type gaListenerCertOut struct {
	ID   string `json:"Id"`
	Type string `json:"Type"`
}

type gaRelatedACLOut struct {
	ACLID  string `json:"AclId"`
	Status string `json:"Status"`
}

type gaXForwardedForOut struct {
	GaAPEnabled   bool `json:"XForwardedForGaApEnabled"`
	GaIDEnabled   bool `json:"XForwardedForGaIdEnabled"`
	PortEnabled   bool `json:"XForwardedForPortEnabled"`
	ProtoEnabled  bool `json:"XForwardedForProtoEnabled"`
	RealIPEnabled bool `json:"XRealIpEnabled"`
}

// gaDescribeListenerOut is DescribeListener's documented answer, every
// field always present.
type gaDescribeListenerOut struct {
	AcceleratorID       string              `json:"AcceleratorId"`
	ACLType             string              `json:"AclType"`
	BackendPorts        []gaBackendPortOut  `json:"BackendPorts"`
	Certificates        []gaListenerCertOut `json:"Certificates"`
	ClientAffinity      string              `json:"ClientAffinity"`
	CreateTime          string              `json:"CreateTime"`
	Description         string              `json:"Description"`
	HTTPVersion         string              `json:"HttpVersion"`
	IdleTimeout         int                 `json:"IdleTimeout"`
	ListenerID          string              `json:"ListenerId"`
	Name                string              `json:"Name"`
	PortRanges          []gaPortRangeOut    `json:"PortRanges"`
	Protocol            string              `json:"Protocol"`
	ProxyProtocol       bool                `json:"ProxyProtocol"`
	RelatedACLs         []gaRelatedACLOut   `json:"RelatedAcls"`
	RequestTimeout      int                 `json:"RequestTimeout"`
	SecurityPolicyID    string              `json:"SecurityPolicyId"`
	ServiceID           string              `json:"ServiceId"`
	ServiceManaged      bool                `json:"ServiceManaged"`
	State               string              `json:"State"`
	Type                string              `json:"Type"`
	XForwardedForConfig gaXForwardedForOut  `json:"XForwardedForConfig"`
}

// opDescribeListener is DescribeListener: the listener's settings (the
// service's defaults for its protocol where the seed left them empty) and
// its default certificate.
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
		AcceleratorID: l.AcceleratorID, ListenerID: l.ID, Name: l.Name, Description: l.Description,
		Protocol: l.Protocol, State: l.State, Type: gaListenerType,
		CreateTime:     strconv.FormatInt(g.created[l.ID].UnixMilli(), 10),
		ClientAffinity: orDefault(l.ClientAffinity, "NONE"),
		BackendPorts:   make([]gaBackendPortOut, len(l.PortRanges)),
		PortRanges:     make([]gaPortRangeOut, len(l.PortRanges)),
		Certificates:   []gaListenerCertOut{},
		RelatedACLs:    []gaRelatedACLOut{},
	}
	for i, r := range l.PortRanges {
		out.PortRanges[i] = gaPortRangeOut(r)
		out.BackendPorts[i] = gaBackendPortOut{strconv.Itoa(r.FromPort), strconv.Itoa(r.ToPort)}
	}
	switch l.Protocol {
	case "https":
		out.HTTPVersion = orDefault(l.HTTPVersion, "http2")
		out.SecurityPolicyID = orDefault(l.SecurityPolicyID, "tls_cipher_policy_1_0")
		fallthrough
	case "http":
		out.IdleTimeout = orDefaultInt(l.IdleTimeout, 15)
		out.RequestTimeout = orDefaultInt(l.RequestTimeout, 60)
	case "tcp":
		out.IdleTimeout = orDefaultInt(l.IdleTimeout, 900)
	case "udp":
		out.IdleTimeout = orDefaultInt(l.IdleTimeout, 20)
	}
	if l.DefaultCertificateID != "" {
		out.Certificates = append(out.Certificates, gaListenerCertOut{ID: l.DefaultCertificateID, Type: gaCertificateType})
	}
	return out, nil
}

// orDefault returns v, or def when v is empty.
func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func orDefaultInt(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

type gaCertificateOut struct {
	CertificateID string `json:"CertificateId"`
	Domain        string `json:"Domain,omitempty"`
	IsDefault     bool   `json:"IsDefault"`
	State         string `json:"State"`
}

type gaListCertificatesOut struct {
	Certificates []gaCertificateOut `json:"Certificates"`
	TotalCount   int                `json:"TotalCount"`
	NextToken    string             `json:"NextToken"`
	MaxResults   int                `json:"MaxResults"`
}

// opListListenerCertificates is ListListenerCertificates: the default
// certificate, then the additional ones by domain, filtered by Role,
// paginated (MaxResults 1-50, default 20). The domains a change in progress
// touches are updating (dissociated ones stay listed until it is done),
// the others active.
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
	var all []gaCertificateOut
	if role != "additional" && l.DefaultCertificateID != "" {
		all = append(all, gaCertificateOut{CertificateID: l.DefaultCertificateID, IsDefault: true, State: GAStateActive})
	}
	if role != "default" {
		u := g.inFlightLocked(l.ID)
		certs := l.AdditionalCertificates
		if u != nil && len(u.removing) > 0 {
			certs = maps.Clone(certs)
			maps.Copy(certs, u.removing)
		}
		for _, d := range slices.Sorted(maps.Keys(certs)) {
			st := GAStateActive
			if u != nil && (u.touched[strings.ToLower(d)] || u.removing[d] != "") {
				st = GAStateUpdating
			}
			all = append(all, gaCertificateOut{CertificateID: certs[d], Domain: d, State: st})
		}
	}
	lo, hi, next := page(len(all), offset, max, scope)
	certs := all[lo:hi]
	if certs == nil {
		certs = []gaCertificateOut{}
	}
	return gaListCertificatesOut{TotalCount: len(all), NextToken: next, MaxResults: max, Certificates: certs}, nil
}

type gaDescribeAcceleratorOut struct {
	AcceleratorID      string `json:"AcceleratorId"`
	CreateTime         int64  `json:"CreateTime"`
	DNSName            string `json:"DnsName"`
	ExpiredTime        int64  `json:"ExpiredTime"`
	InstanceChargeType string `json:"InstanceChargeType"`
	Name               string `json:"Name"`
	Spec               string `json:"Spec"`
	State              string `json:"State"`
}

// opDescribeAccelerator is DescribeAccelerator: the accelerator's state and
// the documented attributes. Times are milliseconds; a PREPAY accelerator
// expires a year after it was added, a POSTPAY one reports ExpiredTime 0.
func (g *GA) opDescribeAccelerator(c *call) (any, *apiError) {
	if aerr := regionParam(c); aerr != nil {
		return nil, aerr
	}
	accID, aerr := requiredParam(c.params, "AcceleratorId")
	if aerr != nil {
		return nil, aerr
	}
	g.e.mu.Lock()
	defer g.e.mu.Unlock()
	a := g.accelerators[accID]
	if a == nil {
		return nil, gaAcceleratorNotExist(accID)
	}
	out := gaDescribeAcceleratorOut{
		AcceleratorID: a.ID, State: a.State, Name: orDefault(a.Name, a.ID), Spec: orDefault(a.Spec, "1"),
		InstanceChargeType: orDefault(a.InstanceChargeType, "PREPAY"), DNSName: a.ID + gaDNSSuffix,
		CreateTime: a.created.UnixMilli(),
	}
	if out.InstanceChargeType == "PREPAY" {
		out.ExpiredTime = a.created.Add(365 * 24 * time.Hour).UnixMilli()
	}
	return out, nil
}
