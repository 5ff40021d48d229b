package alicloudtest

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

const gaFullSeed = `{"ga": {
  "accelerators": [{"id": "ga-1", "state": "active", "name": "edge", "spec": "2", "instanceChargeType": "POSTPAY"},
                   {"id": "ga-locked", "state": "finacialLocked"}],
  "listeners": [{"id": "lsr-1", "acceleratorId": "ga-1", "protocol": "https", "state": "updating",
                 "clientAffinity": "SOURCE_IP", "httpVersion": "http1.1", "securityPolicyId": "tls_cipher_policy_1_2",
                 "idleTimeout": 30, "requestTimeout": 120,
                 "defaultCertificateId": "cert-0", "certificates": {"a.example.com": "cert-1", "b.example.com": "cert-1"}}]
}}`

func TestGASeedFields(t *testing.T) {
	s, err := LoadSeed(strings.NewReader(gaFullSeed))
	noErr(t, err)
	e := New(WithSeed(s))
	defer e.Close()
	a, _ := e.GA.Accelerator("ga-1")
	eq(t, a, GAAccelerator{ID: "ga-1", State: "active", Name: "edge", Spec: "2", InstanceChargeType: "POSTPAY"}, "accelerator")
	a, _ = e.GA.Accelerator("ga-locked")
	eq(t, a.State, GAStateFinacialLocked, "financially locked accelerator")
	l, _ := e.GA.Listener("lsr-1")
	eq(t, [...]any{l.State, l.ClientAffinity, l.HTTPVersion, l.SecurityPolicyID, l.IdleTimeout, l.RequestTimeout, len(l.AdditionalCertificates)},
		[...]any{"updating", "SOURCE_IP", "http1.1", "tls_cipher_policy_1_2", 30, 120, 2}, "listener")

	// The schema that locates unknown fields knows every GA field.
	b, err := json.Marshal(s)
	noErr(t, err)
	path, _, found := findUnknownField(b)
	eq(t, found, false, "unknown field %q in %s", path, b)
	back, err := LoadSeed(bytes.NewReader(b))
	noErr(t, err)
	eq(t, back, s, "round trip")
}

func TestGASeedErrors(t *testing.T) {
	const acc = `"accelerators": [{"id": "g"}]`
	for _, tc := range []struct{ json, want string }{
		{`{"ga": {"accelerators": [{"id": "g", "instanceChargeType": "monthly"}]}}`, `seed: ga.accelerators[0].instanceChargeType: "monthly" is not one of PREPAY, POSTPAY`},
		{`{"ga": {` + acc + `, "listeners": [{"id": "l", "acceleratorId": "g", "httpVersion": "http4"}]}}`, `seed: ga.listeners[0].httpVersion: "http4" is not one of`},
		{`{"ga": {` + acc + `, "listeners": [{"id": "l", "acceleratorId": "g", "clientAffinity": "COOKIE"}]}}`, `seed: ga.listeners[0].clientAffinity`},
		{`{"ga": {` + acc + `, "listeners": [{"id": "l", "acceleratorId": "g", "idleTimeout": -1}]}}`, `seed: ga.listeners[0].idleTimeout: must not be negative`},
		{`{"ga": {` + acc + `, "listeners": [{"id": "l", "acceleratorId": "g", "protocol": "tcp", "certificates": {"a.com": "c"}}]}}`,
			`seed: ga.listeners[0].certificates: only an https listener has additional certificates`},
		{`{"ga": {` + acc + `, "listeners": [{"id": "l", "acceleratorId": "g", "certificates": {"a.com": "c", "A.com": "d"}}]}}`,
			`seed: ga.listeners[0].certificates["a.com"]: the same domain as "A.com"`},
		{`{"ga": {` + acc + `, "listeners": [{"id": "l", "acceleratorId": "g", "colour": 1}]}}`, `ga.listeners[0].colour: unknown field`},
	} {
		_, err := LoadSeed(strings.NewReader(tc.json))
		errContains(t, err, tc.want)
	}
}
