package ga

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/idem"
	"github.com/listenercerts/alicloud/internal/testserver"
)

func tiny(o *alicloud.WaiterOptions) { o.MinDelay, o.MaxDelay = time.Millisecond, time.Millisecond }

func actions(srv *testserver.Server) []string {
	var a []string
	for _, r := range srv.Requests() {
		a = append(a, r.Header.Get("x-acs-action"))
	}
	return a
}

// keys returns the parameter names of a form body in the order sent.
func keys(t *testing.T, body string) []string {
	var k []string
	for _, kv := range strings.Split(body, "&") {
		name, _, _ := strings.Cut(kv, "=")
		name, err := url.QueryUnescape(name)
		require.NoError(t, err)
		k = append(k, name)
	}
	return k
}

// The documented answer of DescribeListener (REFERENCE.md): CreateTime and
// BackendPorts are strings, Certificates {Id, Type}.
const documentedListener = `{
  "RequestId": "6FEA0CF3-D3B9-43E5-A304-D217037876A8",
  "AcceleratorId": "ga-bp1odcab8tmno0hdq****",
  "AclType": "white",
  "BackendPorts": [{"FromPort": "80", "ToPort": "80"}, {"FromPort": "8000", "ToPort": "8080"}],
  "Certificates": [{"Id": "6092**-cn-hangzhou", "Type": "Server"}],
  "ClientAffinity": "SOURCE_IP",
  "CreateTime": "1577786252000",
  "Description": "Listener",
  "HttpVersion": "http2",
  "IdleTimeout": 15,
  "ListenerId": "lsr-bp1bpn0kn908w4nbw****",
  "Name": "Listener",
  "PortRanges": [{"FromPort": 443, "ToPort": 443}],
  "Protocol": "HTTPS",
  "ProxyProtocol": true,
  "RelatedAcls": [{"AclId": "123", "Status": "active"}],
  "RequestTimeout": 60,
  "SecurityPolicyId": "tls_cipher_policy_1_1",
  "ServiceId": "ALB",
  "ServiceManaged": true,
  "State": "active",
  "Type": "Standard",
  "XForwardedForConfig": {"XForwardedForGaApEnabled": false, "XForwardedForGaIdEnabled": true,
    "XForwardedForPortEnabled": true, "XForwardedForProtoEnabled": false, "XRealIpEnabled": true}
}`

func TestDescribeListenerDocumentedShape(t *testing.T) {
	srv := testserver.New(t, testserver.OK(documentedListener))
	out, err := newClient(t, srv).DescribeListener(context.Background(), &DescribeListenerInput{ListenerID: "lsr-bp1bpn0kn908w4nbw****"})
	require.NoError(t, err)
	assert.Equal(t, &DescribeListenerOutput{
		ListenerID: "lsr-bp1bpn0kn908w4nbw****", AcceleratorID: "ga-bp1odcab8tmno0hdq****", State: "active",
		RequestID: "6FEA0CF3-D3B9-43E5-A304-D217037876A8", Name: "Listener", Description: "Listener",
		Protocol: "HTTPS", Type: "Standard", CreateTime: time.UnixMilli(1577786252000).UTC(),
		PortRanges:   []PortRange{{443, 443}},
		BackendPorts: []PortRange{{80, 80}, {8000, 8080}},
		Certificates: []CertificateRef{{ID: "6092**-cn-hangzhou", Type: "Server"}},
		HTTPVersion:  "http2", SecurityPolicyID: "tls_cipher_policy_1_1", IdleTimeout: 15, RequestTimeout: 60,
		ClientAffinity: "SOURCE_IP", ProxyProtocol: true, ACLType: "white",
		RelatedACLs: []RelatedACL{{ACLID: "123", Status: "active"}}, ServiceID: "ALB", ServiceManaged: true,
		XForwardedFor: XForwardedForConfig{GaIDEnabled: true, PortEnabled: true, RealIPEnabled: true},
	}, out)
	assert.True(t, out.IsHTTPS())
	assert.Equal(t, map[string][]string{"RegionId": {"cn-hangzhou"}, "ListenerId": {"lsr-bp1bpn0kn908w4nbw****"}},
		map[string][]string(srv.Requests()[0].Form))
}

// Numbers where the reference says strings (and the reverse), null and
// garbage decode without failing the call: a waiter needs only State.
func TestDescribeListenerToleratesOtherNumberForms(t *testing.T) {
	for body, want := range map[string]time.Time{
		`{"RequestId":"R","State":"active","CreateTime":1577786252000,"IdleTimeout":"15","BackendPorts":[{"FromPort":80,"ToPort":"81"}]}`: time.UnixMilli(1577786252000).UTC(),
		`{"RequestId":"R","State":"active","CreateTime":null,"IdleTimeout":15,"BackendPorts":[{"FromPort":"80","ToPort":81}]}`:            {},
		`{"RequestId":"R","State":"active","CreateTime":"yesterday","IdleTimeout":15.0,"BackendPorts":[{"FromPort":"80","ToPort":81}]}`:   {},
	} {
		srv := testserver.New(t, testserver.OK(body))
		out, err := newClient(t, srv).DescribeListener(context.Background(), &DescribeListenerInput{ListenerID: "lsr-1"})
		require.NoError(t, err, body)
		assert.Equal(t, want, out.CreateTime, body)
		assert.Equal(t, 15, out.IdleTimeout, body)
		assert.Equal(t, []PortRange{{80, 81}}, out.BackendPorts, body)
	}
}

func TestDescribeAcceleratorWire(t *testing.T) {
	srv := testserver.New(t, testserver.OK(`{"RequestId":"R1","AcceleratorId":"ga-1","State":"configuring","Name":"prod",
		"DnsName":"ga-1.aliyunga0019.com","Spec":"1","InstanceChargeType":"PREPAY","CreateTime":1577786252000,"ExpiredTime":1609408652000}`))
	out, err := newClient(t, srv).DescribeAccelerator(context.Background(), &DescribeAcceleratorInput{AcceleratorID: "ga-1"})
	require.NoError(t, err)
	assert.Equal(t, &DescribeAcceleratorOutput{AcceleratorID: "ga-1", State: AcceleratorStateConfiguring, RequestID: "R1",
		Name: "prod", DNSName: "ga-1.aliyunga0019.com", Spec: "1", InstanceChargeType: "PREPAY",
		CreateTime: time.UnixMilli(1577786252000).UTC(), ExpiredTime: time.UnixMilli(1609408652000).UTC()}, out)
	r := srv.Requests()[0]
	assert.Equal(t, "DescribeAccelerator", r.Header.Get("x-acs-action"))
	assert.Equal(t, map[string][]string{"RegionId": {"cn-hangzhou"}, "AcceleratorId": {"ga-1"}}, map[string][]string(r.Form))

	_, err = newClient(t, testserver.New(t, testserver.Error(400, "NotExist.Accelerator"))).DescribeAccelerator(
		context.Background(), &DescribeAcceleratorInput{AcceleratorID: "ga-1"})
	assert.ErrorIs(t, err, ErrAcceleratorNotFound)
	_, err = newClient(t, srv).DescribeAccelerator(context.Background(), &DescribeAcceleratorInput{})
	var ve *alicloud.ValidationError
	assert.ErrorAs(t, err, &ve)
}

func TestAssociateWire(t *testing.T) {
	srv := testserver.New(t, testserver.OK(`{"RequestId":"R1","ListenerId":"lsr-1"}`))
	out, err := newClient(t, srv).AssociateAdditionalCertificatesWithListener(context.Background(), &AssociateAdditionalCertificatesWithListenerInput{
		AcceleratorID: "ga-1", ListenerID: "lsr-1", ClientToken: "tok-1",
		Certificates: []DomainCertificate{{"www.example.com", "6092**-cn-hangzhou"}, {"*.example.org", "6093**-cn-hangzhou"}},
	})
	require.NoError(t, err)
	assert.Equal(t, &AssociateAdditionalCertificatesWithListenerOutput{RequestID: "R1", ClientToken: "tok-1"}, out)
	r := srv.Requests()[0]
	assert.Equal(t, "AssociateAdditionalCertificatesWithListener", r.Header.Get("x-acs-action"))
	assert.Equal(t, "2019-11-20", r.Header.Get("x-acs-version"))
	assert.Equal(t, map[string][]string{
		"RegionId": {"cn-hangzhou"}, "AcceleratorId": {"ga-1"}, "ListenerId": {"lsr-1"}, "ClientToken": {"tok-1"},
		"Certificates.1.Domain": {"www.example.com"}, "Certificates.1.Id": {"6092**-cn-hangzhou"},
		"Certificates.2.Domain": {"*.example.org"}, "Certificates.2.Id": {"6093**-cn-hangzhou"},
	}, map[string][]string(r.Form))
	assert.Equal(t, []string{"AcceleratorId", "Certificates.1.Domain", "Certificates.1.Id", "Certificates.2.Domain",
		"Certificates.2.Id", "ClientToken", "ListenerId", "RegionId"}, keys(t, r.Body), "sorted, as the official SDKs send them")
}

func TestUpdateWire(t *testing.T) {
	srv := testserver.New(t, testserver.OK(`{"RequestId":"R1","ListenerId":"lsr-1"}`))
	out, err := newClient(t, srv).UpdateAdditionalCertificateWithListener(context.Background(), &UpdateAdditionalCertificateWithListenerInput{
		AcceleratorID: "ga-1", ListenerID: "lsr-1", Domain: "www.example.com", CertificateID: "6092**-cn-hangzhou"})
	require.NoError(t, err)
	assert.Equal(t, "R1", out.RequestID)
	assert.False(t, out.DryRunPassed)
	assert.Len(t, out.ClientToken, 36)
	r := srv.Requests()[0]
	assert.Equal(t, "UpdateAdditionalCertificateWithListener", r.Header.Get("x-acs-action"))
	assert.Equal(t, map[string][]string{
		"RegionId": {"cn-hangzhou"}, "AcceleratorId": {"ga-1"}, "ListenerId": {"lsr-1"}, "ClientToken": {out.ClientToken},
		"Domain": {"www.example.com"}, "CertificateId": {"6092**-cn-hangzhou"},
	}, map[string][]string(r.Form), "no DryRun unless asked")
	assert.Equal(t, []string{"AcceleratorId", "CertificateId", "ClientToken", "Domain", "ListenerId", "RegionId"}, keys(t, r.Body))
}

func TestUpdateDryRun(t *testing.T) {
	srv := testserver.New(t, testserver.Error(400, "DryRunOperation"))
	in := &UpdateAdditionalCertificateWithListenerInput{AcceleratorID: "ga-1", ListenerID: "lsr-1",
		Domain: "a.com", CertificateID: "c-2", DryRun: true}
	out, err := newClient(t, srv).UpdateAdditionalCertificateWithListener(context.Background(), in)
	require.NoError(t, err)
	assert.True(t, out.DryRunPassed)
	assert.Equal(t, "RID-DryRunOperation", out.RequestID)
	assert.Equal(t, "true", srv.Requests()[0].Form.Get("DryRun"))

	// A 2xx answer with the code counts too; without DryRun the code is an error.
	srv = testserver.New(t, testserver.OK(`{"RequestId":"R","Code":"DryRunOperation"}`))
	out, err = newClient(t, srv).UpdateAdditionalCertificateWithListener(context.Background(), in)
	require.NoError(t, err)
	assert.True(t, out.DryRunPassed)
	in.DryRun = false
	_, err = newClient(t, testserver.New(t, testserver.Error(400, "DryRunOperation"))).UpdateAdditionalCertificateWithListener(context.Background(), in)
	assert.Error(t, err)
	assert.NotEmpty(t, alicloud.ClientTokenOf(err))
}

// Every attempt of a call carries the same ClientToken, for all three changes.
func TestChangesReuseClientTokenOnRetry(t *testing.T) {
	calls := map[string]func(c *Client) (string, error){
		opAssociate: func(c *Client) (string, error) {
			out, err := c.AssociateAdditionalCertificatesWithListener(context.Background(), &AssociateAdditionalCertificatesWithListenerInput{
				AcceleratorID: "ga-1", ListenerID: "lsr-1", Certificates: []DomainCertificate{{"a.com", "c-1"}}})
			if err != nil {
				return "", err
			}
			return out.ClientToken, nil
		},
		opUpdate: func(c *Client) (string, error) {
			out, err := c.UpdateAdditionalCertificateWithListener(context.Background(), &UpdateAdditionalCertificateWithListenerInput{
				AcceleratorID: "ga-1", ListenerID: "lsr-1", Domain: "a.com", CertificateID: "c-1"})
			if err != nil {
				return "", err
			}
			return out.ClientToken, nil
		},
		opDissociate: func(c *Client) (string, error) {
			out, err := c.DissociateAdditionalCertificatesFromListener(context.Background(), &DissociateAdditionalCertificatesFromListenerInput{
				AcceleratorID: "ga-1", ListenerID: "lsr-1", Domains: []string{"a.com"}})
			if err != nil {
				return "", err
			}
			return out.ClientToken, nil
		},
	}
	for op, call := range calls {
		t.Run(op, func(t *testing.T) {
			srv := testserver.New(t, testserver.Error(503, "ServiceUnavailable"), testserver.Answer{Drop: true},
				testserver.Error(400, "Throttling.User"), testserver.OK(`{"RequestId":"R"}`))
			token, err := call(newClient(t, srv))
			require.NoError(t, err)
			require.Len(t, srv.Requests(), 4)
			for _, r := range srv.Requests() {
				assert.Equal(t, op, r.Header.Get("x-acs-action"))
				assert.Equal(t, token, r.Form.Get("ClientToken"))
				assert.Equal(t, "cn-hangzhou", r.Form.Get("RegionId"))
			}
		})
	}
}

func TestChangeValidationSendsNothing(t *testing.T) {
	long := strings.Repeat("a", MaxDomainLength+1)
	eleven := make([]DomainCertificate, 11)
	for i := range eleven {
		eleven[i] = DomainCertificate{Domain: string(rune('a'+i)) + ".com", CertificateID: "c"}
	}
	srv := testserver.New(t, testserver.OK(`{"RequestId":"R"}`))
	c := newClient(t, srv)
	ctx := context.Background()
	assoc := func(in *AssociateAdditionalCertificatesWithListenerInput) error {
		_, err := c.AssociateAdditionalCertificatesWithListener(ctx, in)
		return err
	}
	upd := func(in *UpdateAdditionalCertificateWithListenerInput) error {
		_, err := c.UpdateAdditionalCertificateWithListener(ctx, in)
		return err
	}
	pair := func(dcs ...DomainCertificate) *AssociateAdditionalCertificatesWithListenerInput {
		return &AssociateAdditionalCertificatesWithListenerInput{AcceleratorID: "g", ListenerID: "l", Certificates: dcs}
	}
	tests := []struct {
		name  string
		err   error
		field string
	}{
		{"associate nil", assoc(nil), "input"},
		{"associate no accelerator", assoc(&AssociateAdditionalCertificatesWithListenerInput{ListenerID: "l", Certificates: []DomainCertificate{{"a", "c"}}}), "AcceleratorID"},
		{"associate no pairs", assoc(pair()), "Certificates"},
		{"associate eleven", assoc(pair(eleven...)), "Certificates"},
		{"associate empty domain", assoc(pair(DomainCertificate{"", "c"})), "Certificates[0]"},
		{"associate empty id", assoc(pair(DomainCertificate{"a.com", ""})), "Certificates[0].CertificateID"},
		{"associate long domain", assoc(pair(DomainCertificate{long, "c"})), "Certificates[0]"},
		{"associate long id", assoc(pair(DomainCertificate{"a.com", long})), "Certificates[0].CertificateID"},
		{"associate domain twice", assoc(pair(DomainCertificate{"a.com", "c"}, DomainCertificate{"A.com", "d"})), "Certificates[1]"},
		{"associate long token", assoc(&AssociateAdditionalCertificatesWithListenerInput{AcceleratorID: "g", ListenerID: "l",
			Certificates: []DomainCertificate{{"a", "c"}}, ClientToken: long}), "ClientToken"},
		{"update nil", upd(nil), "input"},
		{"update no listener", upd(&UpdateAdditionalCertificateWithListenerInput{AcceleratorID: "g", Domain: "a", CertificateID: "c"}), "ListenerID"},
		{"update no domain", upd(&UpdateAdditionalCertificateWithListenerInput{AcceleratorID: "g", ListenerID: "l", CertificateID: "c"}), "Domain"},
		{"update no certificate", upd(&UpdateAdditionalCertificateWithListenerInput{AcceleratorID: "g", ListenerID: "l", Domain: "a"}), "CertificateID"},
		{"update long domain", upd(&UpdateAdditionalCertificateWithListenerInput{AcceleratorID: "g", ListenerID: "l", Domain: long, CertificateID: "c"}), "Domain"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var ve *alicloud.ValidationError
			require.ErrorAs(t, tc.err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.ErrorIs(t, tc.err, alicloud.ErrInvalidParameter)
			assert.Empty(t, alicloud.ClientTokenOf(tc.err))
		})
	}
	assert.Empty(t, srv.Requests())
}

func TestNewErrorCodes(t *testing.T) {
	for code, sentinel := range map[string]error{
		"Exist.Certificate": ErrCertificateExists, "QuotaExceeded.Certificate": ErrCertificateQuotaExceeded,
		"ProtocolIllegal.Listener": ErrListenerProtocolIllegal, "StateError.Listener": ErrListenerState,
	} {
		srv := testserver.New(t, testserver.Error(400, code))
		_, err := newClient(t, srv).AssociateAdditionalCertificatesWithListener(context.Background(), &AssociateAdditionalCertificatesWithListenerInput{
			AcceleratorID: "ga-1", ListenerID: "lsr-1", Certificates: []DomainCertificate{{"a.com", "c-1"}}})
		assert.ErrorIs(t, err, sentinel, code)
		assert.NotEmpty(t, alicloud.ClientTokenOf(err), code)
	}
	assert.ErrorIs(t, ErrListenerState, alicloud.ErrConflict)

	srv := testserver.New(t, testserver.Error(500, "UnknownError"))
	_, err := newClient(t, srv).DescribeListener(context.Background(), &DescribeListenerInput{ListenerID: "lsr-1"})
	assert.ErrorIs(t, err, ErrUnknown)
	assert.Len(t, srv.Requests(), alicloud.DefaultMaxAttempts, "retried as a server error first")
}

const (
	activeListener    = `{"RequestId":"R","ListenerId":"lsr-1","AcceleratorId":"ga-1","State":"active"}`
	activeAccelerator = `{"RequestId":"R","AcceleratorId":"ga-1","State":"active"}`
)

// settled prepends to script the answers every converging call reads
// first (settle): the listener active, then the accelerator active.
func settled(script ...testserver.Answer) []testserver.Answer {
	return append([]testserver.Answer{testserver.OK(activeListener), testserver.OK(activeAccelerator)}, script...)
}

// DissociateAndWait lists first: a domain without a certificate is not
// sent, and the shortened list carries a token derived from the caller's.
func TestDissociateAndWaitConverges(t *testing.T) {
	listed := testserver.OK(`{"RequestId":"R","Certificates":[{"CertificateId":"c0","IsDefault":true,"State":"active"},
		{"CertificateId":"c1","Domain":"A.com","State":"active"}]}`)
	gone := testserver.OK(`{"RequestId":"R","Certificates":[{"CertificateId":"c0","IsDefault":true,"State":"active"}]}`)
	in := &DissociateAdditionalCertificatesFromListenerInput{AcceleratorID: "ga-1", ListenerID: "lsr-1",
		Domains: []string{"a.com", "b.com"}, ClientToken: "caller-token"}

	t.Run("partial", func(t *testing.T) {
		srv := testserver.New(t, settled(listed, testserver.OK(`{"RequestId":"R-D"}`), testserver.OK(activeListener), gone,
			testserver.OK(activeAccelerator))...)
		out, err := newClient(t, srv).DissociateAndWait(context.Background(), in, time.Minute, tiny)
		require.NoError(t, err)
		want := idem.Derive("caller-token", opDissociate, "ga-1", "lsr-1", "a.com")
		assert.Equal(t, &DissociateAdditionalCertificatesFromListenerOutput{RequestID: "R-D", ClientToken: want,
			AlreadyDissociated: []string{"b.com"}}, out)
		r := srv.Requests()[3]
		assert.Equal(t, opDissociate, r.Header.Get("x-acs-action"))
		assert.Equal(t, []string{"a.com"}, r.Form["Domains.1"], "sent as the caller spelled it")
		assert.Empty(t, r.Form["Domains.2"])
		assert.Equal(t, want, r.Form.Get("ClientToken"))
		assert.Equal(t, []string{"a.com", "b.com"}, in.Domains, "input untouched")
	})
	t.Run("unchanged list keeps the caller's token", func(t *testing.T) {
		both := testserver.OK(`{"RequestId":"R","Certificates":[{"CertificateId":"c1","Domain":"a.com","State":"active"},
			{"CertificateId":"c2","Domain":"B.COM","State":"active"}]}`)
		srv := testserver.New(t, settled(both, testserver.OK(`{"RequestId":"R-D"}`), testserver.OK(activeListener), gone,
			testserver.OK(activeAccelerator))...)
		out, err := newClient(t, srv).DissociateAndWait(context.Background(), in, time.Minute, tiny)
		require.NoError(t, err)
		assert.Equal(t, "caller-token", out.ClientToken)
		assert.Empty(t, out.AlreadyDissociated)
		assert.Equal(t, "caller-token", srv.Requests()[3].Form.Get("ClientToken"))
		assert.Equal(t, "b.com", srv.Requests()[3].Form.Get("Domains.2"))
	})
	t.Run("nothing left sends nothing", func(t *testing.T) {
		srv := testserver.New(t, settled(gone)...)
		out, err := newClient(t, srv).DissociateAndWait(context.Background(), in, time.Minute)
		require.NoError(t, err)
		assert.Equal(t, &DissociateAdditionalCertificatesFromListenerOutput{AlreadyDissociated: []string{"a.com", "b.com"}}, out)
		assert.Equal(t, []string{"DescribeListener", "DescribeAccelerator", "ListListenerCertificates"}, actions(srv),
			"no Dissociate, no delay: settle checks at once, and nothing is checked twice")
	})
	t.Run("without a caller token two runs never share one", func(t *testing.T) {
		var tokens []string
		for range 2 {
			srv := testserver.New(t, settled(listed, testserver.OK(`{"RequestId":"R-D"}`), testserver.OK(activeListener), gone,
				testserver.OK(activeAccelerator))...)
			noToken := *in
			noToken.ClientToken = ""
			out, err := newClient(t, srv).DissociateAndWait(context.Background(), &noToken, time.Minute, tiny)
			require.NoError(t, err)
			tokens = append(tokens, out.ClientToken)
		}
		assert.NotEqual(t, tokens[0], tokens[1])
	})
	t.Run("a domain gone between the read and the call", func(t *testing.T) {
		srv := testserver.New(t, settled(listed, testserver.Error(400, "NotExist.Certificate"), gone)...)
		out, err := newClient(t, srv).DissociateAndWait(context.Background(), in, time.Minute, tiny)
		require.NoError(t, err)
		assert.Equal(t, []string{"a.com", "b.com"}, out.AlreadyDissociated)
		assert.Equal(t, []string{"DescribeListener", "DescribeAccelerator", "ListListenerCertificates", opDissociate,
			"ListListenerCertificates"}, actions(srv), "the refused call changed nothing: settled already")
	})
}

// Errors of the wait phase carry the ClientToken of the call they follow,
// and a deleting listener or accelerator ends the wait at once.
func TestAndWaitErrorsCarryTheClientToken(t *testing.T) {
	listed := testserver.OK(`{"RequestId":"R","Certificates":[{"CertificateId":"c1","Domain":"a.com","State":"active"}]}`)
	empty := testserver.OK(`{"RequestId":"R","Certificates":[]}`)
	deletingListener := testserver.OK(`{"RequestId":"R","ListenerId":"lsr-1","State":"Deleting"}`)
	deletingAccelerator := testserver.OK(`{"RequestId":"R","AcceleratorId":"ga-1","State":"DELETING"}`)
	ok := testserver.OK(`{"RequestId":"R-C"}`)
	run := map[string]func(c *Client, maxWait time.Duration) error{
		"dissociate": func(c *Client, maxWait time.Duration) error {
			_, err := c.DissociateAndWait(context.Background(), &DissociateAdditionalCertificatesFromListenerInput{
				AcceleratorID: "ga-1", ListenerID: "lsr-1", Domains: []string{"a.com"}, ClientToken: "T"}, maxWait, tiny)
			return err
		},
		"associate": func(c *Client, maxWait time.Duration) error {
			_, err := c.AssociateAndWait(context.Background(), &AssociateAdditionalCertificatesWithListenerInput{
				AcceleratorID: "ga-1", ListenerID: "lsr-1", Certificates: []DomainCertificate{{"a.com", "c-9"}}, ClientToken: "T"}, maxWait, tiny)
			return err
		},
		"update": func(c *Client, maxWait time.Duration) error {
			_, err := c.UpdateAndWait(context.Background(), &UpdateAdditionalCertificateWithListenerInput{
				AcceleratorID: "ga-1", ListenerID: "lsr-1", Domain: "a.com", CertificateID: "c-9", ClientToken: "T"}, maxWait, tiny)
			return err
		},
	}
	for name, call := range run {
		before := listed
		if name == "associate" {
			before = empty
		}
		t.Run(name+"/listener deleting", func(t *testing.T) {
			srv := testserver.New(t, settled(before, ok, deletingListener)...)
			err := call(newClient(t, srv), time.Minute)
			var de *ListenerDeletingError
			require.ErrorAs(t, err, &de)
			assert.ErrorIs(t, err, alicloud.ErrNotFound)
			assert.Equal(t, "T", alicloud.ClientTokenOf(err))
			assert.Len(t, srv.Requests(), 5, "ends at once")
		})
		t.Run(name+"/accelerator deleting", func(t *testing.T) {
			after := empty
			if name != "dissociate" {
				after = testserver.OK(`{"RequestId":"R","Certificates":[{"CertificateId":"c-9","Domain":"a.com","State":"active"}]}`)
			}
			srv := testserver.New(t, settled(before, ok, testserver.OK(activeListener), after, deletingAccelerator)...)
			err := call(newClient(t, srv), time.Minute)
			var de *AcceleratorDeletingError
			require.ErrorAs(t, err, &de)
			assert.ErrorIs(t, err, alicloud.ErrNotFound)
			assert.Equal(t, "T", alicloud.ClientTokenOf(err))
			assert.Len(t, srv.Requests(), 7, "ends at once")
		})
		t.Run(name+"/timeout", func(t *testing.T) {
			srv := testserver.New(t, settled(before, ok, testserver.OK(`{"RequestId":"R","State":"updating"}`))...)
			err := call(newClient(t, srv), 30*time.Millisecond)
			require.ErrorIs(t, err, alicloud.ErrWaitTimeout)
			assert.Contains(t, err.Error(), "lsr-1 is updating")
			assert.Equal(t, "T", alicloud.ClientTokenOf(err))
		})
	}
}

func TestAssociateAndWaitConverges(t *testing.T) {
	listed := testserver.OK(`{"RequestId":"R","Certificates":[{"CertificateId":"c-a","Domain":"A.com","State":"active"}]}`)
	served := testserver.OK(`{"RequestId":"R","Certificates":[{"CertificateId":"c-a","Domain":"A.com","State":"active"},
		{"CertificateId":"c-b","Domain":"b.com","State":"updating"}]}`)
	servedActive := testserver.OK(`{"RequestId":"R","Certificates":[{"CertificateId":"c-a","Domain":"A.com","State":"active"},
		{"CertificateId":"c-b","Domain":"b.com","State":"active"}]}`)
	srv := testserver.New(t, settled(listed, testserver.OK(`{"RequestId":"R-A"}`), testserver.OK(activeListener), served,
		testserver.OK(activeListener), servedActive, testserver.OK(activeAccelerator))...)
	in := &AssociateAdditionalCertificatesWithListenerInput{AcceleratorID: "ga-1", ListenerID: "lsr-1", ClientToken: "T",
		Certificates: []DomainCertificate{{"a.com", "c-a"}, {"b.com", "c-b"}}}
	out, err := newClient(t, srv).AssociateAndWait(context.Background(), in, time.Minute, tiny)
	require.NoError(t, err)
	want := idem.Derive("T", opAssociate, "ga-1", "lsr-1", "b.com=c-b")
	assert.Equal(t, &AssociateAdditionalCertificatesWithListenerOutput{RequestID: "R-A", ClientToken: want,
		AlreadyAssociated: []string{"a.com"}}, out)
	r := srv.Requests()[3]
	assert.Equal(t, map[string][]string{"RegionId": {"cn-hangzhou"}, "AcceleratorId": {"ga-1"}, "ListenerId": {"lsr-1"},
		"ClientToken": {want}, "Certificates.1.Domain": {"b.com"}, "Certificates.1.Id": {"c-b"}}, map[string][]string(r.Form))
	assert.Len(t, srv.Requests(), 9, "an updating domain is not served yet")
}

func TestUpdateAndWait(t *testing.T) {
	in := &UpdateAdditionalCertificateWithListenerInput{AcceleratorID: "ga-1", ListenerID: "lsr-1", Domain: "a.com", CertificateID: "c-new"}
	old := testserver.OK(`{"RequestId":"R","Certificates":[{"CertificateId":"c-old","Domain":"a.com","State":"active"}]}`)
	updated := testserver.OK(`{"RequestId":"R","Certificates":[{"CertificateId":"c-new","Domain":"a.com","State":"ACTIVE"}]}`)
	t.Run("replaces", func(t *testing.T) {
		srv := testserver.New(t, settled(old, testserver.OK(`{"RequestId":"R-U"}`), testserver.OK(activeListener), old,
			testserver.OK(activeListener), updated, testserver.OK(`{"RequestId":"R","State":"configuring"}`), testserver.OK(activeAccelerator))...)
		out, err := newClient(t, srv).UpdateAndWait(context.Background(), in, time.Minute, tiny)
		require.NoError(t, err)
		assert.Equal(t, "R-U", out.RequestID)
		assert.False(t, out.AlreadyUpdated)
		assert.Equal(t, []string{"DescribeListener", "DescribeAccelerator", "ListListenerCertificates", opUpdate, "DescribeListener", "ListListenerCertificates",
			"DescribeListener", "ListListenerCertificates", "DescribeAccelerator", "DescribeAccelerator"}, actions(srv))
	})
	t.Run("already", func(t *testing.T) {
		srv := testserver.New(t, settled(updated)...)
		out, err := newClient(t, srv).UpdateAndWait(context.Background(), in, time.Minute, tiny)
		require.NoError(t, err)
		assert.Equal(t, &UpdateAdditionalCertificateWithListenerOutput{AlreadyUpdated: true}, out)
		assert.Equal(t, []string{"DescribeListener", "DescribeAccelerator", "ListListenerCertificates"}, actions(srv))
	})
	t.Run("already, not active yet", func(t *testing.T) {
		updating := testserver.OK(`{"RequestId":"R","Certificates":[{"CertificateId":"c-new","Domain":"a.com","State":"updating"}]}`)
		srv := testserver.New(t, settled(updating, testserver.OK(activeListener), updated, testserver.OK(activeAccelerator))...)
		out, err := newClient(t, srv).UpdateAndWait(context.Background(), in, time.Minute, tiny)
		require.NoError(t, err)
		assert.True(t, out.AlreadyUpdated)
		assert.Equal(t, []string{"DescribeListener", "DescribeAccelerator", "ListListenerCertificates",
			"DescribeListener", "ListListenerCertificates", "DescribeAccelerator"}, actions(srv), "waits until it serves")
	})
	t.Run("dry run sends only the precheck", func(t *testing.T) {
		srv := testserver.New(t, testserver.Error(400, "DryRunOperation"))
		dry := *in
		dry.DryRun = true
		out, err := newClient(t, srv).UpdateAndWait(context.Background(), &dry, time.Minute, tiny)
		require.NoError(t, err)
		assert.True(t, out.DryRunPassed)
		assert.Equal(t, []string{opUpdate}, actions(srv))
	})
}

func TestAndWaitValidatesMaxWait(t *testing.T) {
	srv := testserver.New(t, testserver.OK(`{"RequestId":"R"}`))
	c := newClient(t, srv)
	_, err := c.DissociateAndWait(context.Background(), &DissociateAdditionalCertificatesFromListenerInput{
		AcceleratorID: "g", ListenerID: "l", Domains: []string{"a"}}, 0)
	assert.ErrorIs(t, err, alicloud.ErrInvalidParameter)
	_, err = c.AssociateAndWait(context.Background(), &AssociateAdditionalCertificatesWithListenerInput{
		AcceleratorID: "g", ListenerID: "l", Certificates: []DomainCertificate{{"a", "c"}}}, -1)
	assert.ErrorIs(t, err, alicloud.ErrInvalidParameter)
	_, err = c.UpdateAndWait(context.Background(), nil, time.Second)
	assert.ErrorIs(t, err, alicloud.ErrInvalidParameter)
	assert.Empty(t, srv.Requests())
}

func TestWaitersMatchStatesCaseInsensitively(t *testing.T) {
	srv := testserver.New(t, testserver.OK(`{"RequestId":"R","State":"UPDATING"}`), testserver.OK(`{"RequestId":"R","State":"Active"}`))
	require.NoError(t, NewListenerActiveWaiter(newClient(t, srv), tiny).Wait(context.Background(), "lsr-1", time.Minute))
	srv = testserver.New(t, testserver.OK(`{"RequestId":"R","State":"Configuring"}`), testserver.OK(`{"RequestId":"R","State":"ACTIVE"}`))
	require.NoError(t, NewAcceleratorActiveWaiter(newClient(t, srv), tiny).Wait(context.Background(), "ga-1", time.Minute))
	assert.Len(t, srv.Requests(), 2)
	srv = testserver.New(t, testserver.OK(`{"RequestId":"R","State":"Deleting"}`))
	err := NewAcceleratorActiveWaiter(newClient(t, srv), tiny).Wait(context.Background(), "ga-1", time.Minute)
	var de *AcceleratorDeletingError
	assert.ErrorAs(t, err, &de)
	assert.ErrorIs(t, err, alicloud.ErrNotFound)
	srv = testserver.New(t, testserver.OK(`{"RequestId":"R","State":"FinacialLocked"}`))
	err = NewAcceleratorActiveWaiter(newClient(t, srv), tiny).Wait(context.Background(), "ga-1", time.Minute)
	var le *AcceleratorLockedError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, AcceleratorLockedError{AcceleratorID: "ga-1", State: "FinacialLocked"}, *le)
	assert.ErrorIs(t, err, alicloud.ErrConflict)
	assert.NotErrorIs(t, err, alicloud.ErrWaitTimeout)
	assert.Len(t, srv.Requests(), 1, "ends at once")
}

// Derived tokens compare domains case-insensitively, certificate ids
// exactly: two ids that differ only in case are two certificates.
func TestDerivedTokensLowerCaseOnlyDomains(t *testing.T) {
	pair := func(domain, id string) string {
		return derivedToken("base", opAssociate, "ga-1", "lsr-1", pairItems([]DomainCertificate{{domain, id}}))
	}
	assert.Equal(t, pair("A.com", "cert-x"), pair("a.COM", "cert-x"))
	assert.NotEqual(t, pair("a.com", "cert-X"), pair("a.com", "cert-x"))
	assert.Equal(t, idem.Derive("base", opAssociate, "ga-1", "lsr-1", "a.com=cert-X"), pair("A.com", "cert-X"))
	assert.Equal(t, derivedToken("base", opDissociate, "ga-1", "lsr-1", domainItems([]string{"B.com", "a.com"})),
		derivedToken("base", opDissociate, "ga-1", "lsr-1", domainItems([]string{"A.COM", "b.com"})), "sorted, any case")
}

// DissociateAndWait waits only on the domains it sent: a domain that had no
// certificate when it looked and has one meanwhile does not hold it up.
func TestDissociateAndWaitWaitsOnlyOnTheDomainsSent(t *testing.T) {
	listed := testserver.OK(`{"RequestId":"R","Certificates":[{"CertificateId":"c1","Domain":"a.com","State":"active"}]}`)
	bAppeared := testserver.OK(`{"RequestId":"R","Certificates":[{"CertificateId":"c2","Domain":"b.com","State":"active"}]}`)
	srv := testserver.New(t, settled(listed, testserver.OK(`{"RequestId":"R-D"}`), testserver.OK(activeListener), bAppeared,
		testserver.OK(activeAccelerator))...)
	out, err := newClient(t, srv).DissociateAndWait(context.Background(), &DissociateAdditionalCertificatesFromListenerInput{
		AcceleratorID: "ga-1", ListenerID: "lsr-1", Domains: []string{"a.com", "b.com"}}, time.Minute, tiny)
	require.NoError(t, err)
	assert.Equal(t, []string{"b.com"}, out.AlreadyDissociated)
	assert.Len(t, srv.Requests(), 7)
}
