package alicloudtest

import (
	"fmt"
	"testing"
)

const (
	opAssociate   = "AssociateAdditionalCertificatesWithListener"
	opUpdate      = "UpdateAdditionalCertificateWithListener"
	opDescribeAcc = "DescribeAccelerator"
)

// pairArgs returns Certificates.N.Domain / Certificates.N.Id parameters
// from domain, id pairs.
func pairArgs(pairs ...string) []string {
	var kv []string
	for i := 0; i+1 < len(pairs); i += 2 {
		n := i/2 + 1
		kv = append(kv, fmt.Sprintf("Certificates.%d.Domain", n), pairs[i], fmt.Sprintf("Certificates.%d.Id", n), pairs[i+1])
	}
	return kv
}

func gaAssociate(f *fixture, acc, listener string, extra []string, pairs ...string) resp {
	f.t.Helper()
	kv := append([]string{"AcceleratorId", acc, "ListenerId", listener}, pairArgs(pairs...)...)
	return f.ga(opAssociate, append(kv, extra...)...)
}

func gaUpdateCert(f *fixture, acc, listener string, extra []string, domain, cert string) resp {
	f.t.Helper()
	kv := []string{"AcceleratorId", acc, "ListenerId", listener, "Domain", domain, "CertificateId", cert}
	return f.ga(opUpdate, append(kv, extra...)...)
}

// gaAccState returns an accelerator's state from its snapshot.
func gaAccState(f *fixture, id string) string {
	f.t.Helper()
	a, ok := f.srv.GA.Accelerator(id)
	if !ok {
		f.t.Fatalf("accelerator %s not found", id)
	}
	return a.State
}

// gaCertStates lists a listener's certificates through the API: domain
// ("" for the default one) to state.
func gaCertStates(f *fixture, acc, listener string) map[string]string {
	f.t.Helper()
	r := f.ga(opListCerts, "AcceleratorId", acc, "ListenerId", listener, "MaxResults", "50")
	wantOK(f.t, r)
	out := map[string]string{}
	for _, c := range r.list("Certificates") {
		d, _ := c["Domain"].(string)
		out[d], _ = c["State"].(string)
	}
	return out
}

// gaCerts returns a listener's additional certificates from its snapshot.
func gaCerts(t testing.TB, f *fixture, listener string) map[string]string {
	t.Helper()
	l, ok := f.srv.GA.Listener(listener)
	if !ok {
		t.Fatalf("listener %s not found", listener)
	}
	return l.AdditionalCertificates
}
