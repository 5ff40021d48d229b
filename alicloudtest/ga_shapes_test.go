package alicloudtest

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The answers decode with plain encoding/json into structs that mirror the
// documented fields and types (REFERENCE.md): unknown fields are errors, a
// number where a string is documented (CreateTime, BackendPorts) is an
// error, and every documented field is present.

type docDescribeListener struct {
	RequestId           string
	AcceleratorId       string
	AclType             string
	BackendPorts        []struct{ FromPort, ToPort string }
	Certificates        []struct{ Id, Type string }
	ClientAffinity      string
	CreateTime          string
	Description         string
	HttpVersion         string
	IdleTimeout         int
	ListenerId          string
	Name                string
	PortRanges          []struct{ FromPort, ToPort int }
	Protocol            string
	ProxyProtocol       bool
	RelatedAcls         []struct{ AclId, Status string }
	RequestTimeout      int
	SecurityPolicyId    string
	ServiceId           string
	ServiceManaged      bool
	State               string
	Type                string
	XForwardedForConfig struct {
		XForwardedForGaApEnabled  bool
		XForwardedForGaIdEnabled  bool
		XForwardedForPortEnabled  bool
		XForwardedForProtoEnabled bool
		XRealIpEnabled            bool
	}
}

type docListListenerCertificates struct {
	RequestId    string
	Certificates []struct {
		CertificateId string
		Domain        string
		IsDefault     bool
		State         string
	}
	TotalCount int
	NextToken  string
	MaxResults int
}

type docDescribeAccelerator struct {
	RequestId          string
	AcceleratorId      string
	State              string
	Name               string
	DnsName            string
	Spec               string
	InstanceChargeType string
	CreateTime         int64
	ExpiredTime        int64
}

// decodeStrict decodes raw into v, refusing unknown fields and trailing
// data, and checks that the top-level keys are exactly want's fields.
func decodeStrict(t *testing.T, raw string, v any, fields []string) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%T: %v in %s", v, err, raw)
	}
	if dec.More() {
		t.Fatalf("trailing data after the answer: %s", raw)
	}
	var keys map[string]json.RawMessage
	noErr(t, json.Unmarshal([]byte(raw), &keys))
	eq(t, slices.Sorted(maps.Keys(keys)), slices.Sorted(slices.Values(fields)), "fields of %T", v)
}

func TestGADocumentedShapes(t *testing.T) {
	f := newFixture(t)
	r := f.ga(opDescribe, "ListenerId", "lsr-1")
	wantOK(t, r)
	var dl docDescribeListener
	decodeStrict(t, r.Raw, &dl, []string{"RequestId", "AcceleratorId", "AclType", "BackendPorts", "Certificates",
		"ClientAffinity", "CreateTime", "Description", "HttpVersion", "IdleTimeout", "ListenerId", "Name", "PortRanges",
		"Protocol", "ProxyProtocol", "RelatedAcls", "RequestTimeout", "SecurityPolicyId", "ServiceId", "ServiceManaged",
		"State", "Type", "XForwardedForConfig"})
	if ms, err := strconv.ParseInt(dl.CreateTime, 10, 64); err != nil || len(dl.CreateTime) != 13 || ms <= 0 {
		t.Fatalf("CreateTime %q is not a string of milliseconds", dl.CreateTime)
	}
	eq(t, dl.Certificates, []struct{ Id, Type string }{{"gcert-0", "Server"}}, "Certificates")
	eq(t, dl.BackendPorts, []struct{ FromPort, ToPort string }{{"443", "443"}}, "BackendPorts")
	eq(t, dl.PortRanges, []struct{ FromPort, ToPort int }{{443, 443}}, "PortRanges")
	eq(t, [...]any{dl.Protocol, dl.Type, dl.State, dl.HttpVersion, dl.SecurityPolicyId, dl.ClientAffinity, dl.IdleTimeout, dl.RequestTimeout},
		[...]any{"https", "Standard", "active", "http2", "tls_cipher_policy_1_0", "NONE", 15, 60}, "HTTPS defaults")

	// Seeded settings are reported as given.
	noErr(t, f.srv.GA.AddListener(GAListener{ID: "lsr-s", AcceleratorID: "ga-1", HTTPVersion: "http3",
		SecurityPolicyID: "tls_cipher_policy_1_2", ClientAffinity: "SOURCE_IP", IdleTimeout: 30, RequestTimeout: 90}))
	r = f.ga(opDescribe, "ListenerId", "lsr-s")
	dl = docDescribeListener{}
	noErr(t, json.Unmarshal([]byte(r.Raw), &dl))
	eq(t, [...]any{dl.HttpVersion, dl.SecurityPolicyId, dl.ClientAffinity, dl.IdleTimeout, dl.RequestTimeout, len(dl.Certificates)},
		[...]any{"http3", "tls_cipher_policy_1_2", "SOURCE_IP", 30, 90, 0}, "seeded settings")

	r = f.ga(opListCerts, "AcceleratorId", "ga-1", "ListenerId", "lsr-1", "MaxResults", "2")
	wantOK(t, r)
	var lc docListListenerCertificates
	decodeStrict(t, r.Raw, &lc, []string{"RequestId", "Certificates", "TotalCount", "NextToken", "MaxResults"})
	eq(t, [...]int{lc.TotalCount, lc.MaxResults, len(lc.Certificates)}, [...]int{4, 2, 2}, "TotalCount, MaxResults, page")
	var certKeys []map[string]json.RawMessage
	var raw struct{ Certificates json.RawMessage }
	noErr(t, json.Unmarshal([]byte(r.Raw), &raw))
	noErr(t, json.Unmarshal(raw.Certificates, &certKeys))
	eq(t, slices.Sorted(maps.Keys(certKeys[0])), []string{"CertificateId", "IsDefault", "State"}, "the default certificate has no Domain")
	eq(t, slices.Sorted(maps.Keys(certKeys[1])), []string{"CertificateId", "Domain", "IsDefault", "State"}, "an additional certificate")

	r = f.ga(opDescribeAcc, "AcceleratorId", "ga-1")
	wantOK(t, r)
	var da docDescribeAccelerator
	decodeStrict(t, r.Raw, &da, []string{"RequestId", "AcceleratorId", "State", "Name", "DnsName", "Spec",
		"InstanceChargeType", "CreateTime", "ExpiredTime"})

	// The two changes answer ListenerId and RequestId.
	var ch struct{ RequestId, ListenerId string }
	r = gaAssociate(f, "ga-2", "lsr-2", nil, "x.example.com", "gcert-x")
	decodeStrict(t, r.Raw, &ch, []string{"RequestId", "ListenerId"})
	f.srv.GA.CompleteUpdates()
	r = gaUpdateCert(f, "ga-2", "lsr-2", nil, "x.example.com", "gcert-y")
	decodeStrict(t, r.Raw, &ch, []string{"RequestId", "ListenerId"})
}
