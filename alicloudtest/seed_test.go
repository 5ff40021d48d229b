package alicloudtest

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const goodSeed = `{
  "alb": {"listeners": [
    {"id": "lsn-1", "protocol": "HTTPS", "status": "Running", "defaultCertificateId": "cert-0", "certificates": ["cert-1", "cert-2"]},
    {"id": "lsn-2", "protocol": "HTTP"}
  ]},
  "ga": {
    "accelerators": [{"id": "ga-1", "state": "active"}],
    "listeners": [{"id": "lsr-1", "acceleratorId": "ga-1", "protocol": "https", "state": "active",
                   "defaultCertificateId": "cert-0", "certificates": {"example.com": "cert-1"},
                   "portRanges": [{"fromPort": 443, "toPort": 444}], "name": "web"}]
  }
}`

func TestLoadSeed(t *testing.T) {
	s, err := LoadSeed(strings.NewReader(goodSeed))
	noErr(t, err)
	eq(t, s.ALB.Listeners[0], ALBListener{ID: "lsn-1", Protocol: "HTTPS", Status: "Running",
		DefaultCertificateID: "cert-0", AdditionalCertificateIDs: []string{"cert-1", "cert-2"}}, "ALB listener")
	eq(t, s.GA.Listeners[0].AdditionalCertificates, map[string]string{"example.com": "cert-1"}, "GA certificates")

	e := New()
	defer e.Close()
	noErr(t, e.LoadSeed(s))
	l, ok := e.ALB.Listener("lsn-1")
	eq(t, ok, true, "ALB listener loaded")
	eq(t, l.CertificateStatus("cert-2"), ALBCertificateAssociated, "cert-2")
	g, ok := e.GA.Listener("lsr-1")
	eq(t, ok, true, "GA listener loaded")
	eq(t, g.PortRanges, []GAPortRange{{443, 444}}, "port ranges")

	// Loading it again conflicts, and changes nothing.
	err = e.LoadSeed(s)
	errContains(t, err, `seed: alb.listeners[0].id: listener "lsn-1" already exists`)
	// A seed may extend the state: a listener on an accelerator loaded before.
	noErr(t, e.LoadSeed(Seed{GA: SeedGA{Listeners: []GAListener{{ID: "lsr-2", AcceleratorID: "ga-1"}}}}))
}

func TestLoadSeedErrors(t *testing.T) {
	for _, tc := range []struct {
		name, json, want string
	}{
		{"empty", "", "seed: empty input"},
		{"syntax", "{\n  \"alb\": {\n    \"listeners\": [}\n}", "seed: line 3, column 19: invalid character '}'"},
		{"truncated", "{\n  \"alb\": {", "seed: line 2, column 11: unexpected end of input"},
		{"unknown field", "{\n  \"alb\": {\"listeners\": [{\"id\": \"l\", \"protocol\": \"HTTPS\",\n \"colour\": \"red\"}]}}", `seed: line 3, column 2: alb.listeners[0].colour: unknown field`},
		{"unknown field name", `{"gaa": {}}`, `seed: line 1, column 2: gaa: unknown field`},
		{"unknown field in GA", `{"ga": {"accelerators": [{"id": "g"}], "listeners": [{"id": "l", "acceleratorId": "g", "portRanges": [{"fromPort": 1, "to": 2}]}]}}`,
			`seed: line 1, column 119: ga.listeners[0].portRanges[0].to: unknown field`},
		{"wrong type", "{\"alb\": {\"listeners\": [\n{\"id\": 7}]}}", "seed: line 2, column 8: alb.listeners.id: cannot use a JSON number as string"},
		{"trailing data", `{"alb": {}} {}`, "seed: line 1, column 13: unexpected data after the top-level object"},
		{"invalid protocol", `{"alb": {"listeners": [{"id": "a", "protocol": "HTTP"}, {"id": "b", "protocol": "HTTP"}, {"id": "c", "protocol": "FTP"}]}}`,
			`seed: alb.listeners[2].protocol: "FTP" is not one of HTTP, HTTPS, QUIC`},
		{"invalid status", `{"alb": {"listeners": [{"id": "a", "protocol": "HTTPS", "status": "running"}]}}`,
			`seed: alb.listeners[0].status: "running" is not one of Running, Configuring, Stopped, Provisioning`},
		{"empty id", `{"alb": {"listeners": [{"protocol": "HTTPS"}]}}`, "seed: alb.listeners[0].id: must not be empty"},
		{"duplicate ALB listener", `{"alb": {"listeners": [{"id": "a", "protocol": "HTTPS"}, {"id": "a", "protocol": "QUIC"}]}}`,
			`seed: alb.listeners[1].id: duplicate listener id "a" (also at alb.listeners[0])`},
		{"duplicate certificate", `{"alb": {"listeners": [{"id": "a", "protocol": "HTTPS", "certificates": ["x", "y", "x"]}]}}`,
			`seed: alb.listeners[0].certificates[2]: duplicate certificate "x" (also at certificates[0])`},
		{"HTTP with certificates", `{"alb": {"listeners": [{"id": "a", "protocol": "HTTP", "certificates": ["x"]}]}}`,
			`seed: alb.listeners[0].certificates: an HTTP listener has no certificates`},
		{"duplicate accelerator", `{"ga": {"accelerators": [{"id": "g"}, {"id": "g"}]}}`,
			`seed: ga.accelerators[1].id: duplicate accelerator id "g" (also at ga.accelerators[0])`},
		{"accelerator state", `{"ga": {"accelerators": [{"id": "g", "state": "Active"}]}}`, `seed: ga.accelerators[0].state: "Active" is not one of`},
		{"unknown accelerator", `{"ga": {"accelerators": [{"id": "g"}], "listeners": [{"id": "l", "acceleratorId": "h"}]}}`,
			`seed: ga.listeners[0].acceleratorId: unknown accelerator "h"`},
		{"duplicate GA listener", `{"ga": {"accelerators": [{"id": "g"}], "listeners": [{"id": "l", "acceleratorId": "g"}, {"id": "l", "acceleratorId": "g"}]}}`,
			`seed: ga.listeners[1].id: duplicate listener id "l" (also at ga.listeners[0])`},
		{"GA protocol", `{"ga": {"accelerators": [{"id": "g"}], "listeners": [{"id": "l", "acceleratorId": "g", "protocol": "HTTPS"}]}}`,
			`seed: ga.listeners[0].protocol: "HTTPS" is not one of tcp, udp, http, https`},
		{"GA empty certificate", `{"ga": {"accelerators": [{"id": "g"}], "listeners": [{"id": "l", "acceleratorId": "g", "certificates": {"a.com": ""}}]}}`,
			`seed: ga.listeners[0].certificates["a.com"]: the certificate ID must not be empty`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadSeed(strings.NewReader(tc.json))
			errContains(t, err, tc.want)
		})
	}
}

func TestSeedFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	bad := filepath.Join(dir, "bad.json")
	noErr(t, os.WriteFile(good, []byte(goodSeed), 0o600))
	noErr(t, os.WriteFile(bad, []byte(`{"alb": {"listeners": [{"id": "x", "protocol": "FTP"}]}}`), 0o600))

	srv := NewServer(WithSeedFile(good))
	defer srv.Close()
	_, ok := srv.ALB.Listener("lsn-1")
	eq(t, ok, true, "seeded listener")

	e := New()
	defer e.Close()
	err := e.LoadSeedFile(bad)
	errContains(t, err, bad+": seed: alb.listeners[0].protocol")
	errContains(t, e.LoadSeedFile(filepath.Join(dir, "missing.json")), "missing.json")

	defer func() {
		if v := recover(); v == nil || !strings.Contains(v.(string), "alb.listeners[0].protocol") {
			t.Fatalf("New with a bad seed file: recovered %v", v)
		}
	}()
	New(WithSeedFile(bad))
}

// The schema used to locate unknown fields must know every field of Seed.
func TestSeedSchemaKnowsEveryField(t *testing.T) {
	full := Seed{
		ALB: SeedALB{Listeners: []ALBListener{{ID: "a", Protocol: "HTTPS", Status: "Running", DefaultCertificateID: "d",
			AdditionalCertificateIDs: []string{"c"}}}},
		GA: SeedGA{
			Accelerators: []GAAccelerator{{ID: "g", State: "active"}},
			Listeners: []GAListener{{ID: "l", AcceleratorID: "g", Protocol: "https", State: "active", Name: "n",
				Description: "d", PortRanges: []GAPortRange{{1, 2}}, DefaultCertificateID: "d",
				AdditionalCertificates: map[string]string{"x.com": "c"}}},
		},
	}
	b, err := json.Marshal(full)
	noErr(t, err)
	path, _, found := findUnknownField(b)
	eq(t, found, false, "unknown field %q in %s", path, b)
	got, err := LoadSeed(bytes.NewReader(b))
	noErr(t, err)
	eq(t, got, full, "round trip")
}
