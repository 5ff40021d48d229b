package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The GA timing flags reach the emulator: an association done at once
// (-ga-associate-delay 0) leaves the accelerator configuring for the lag.
func TestRunGAFlags(t *testing.T) {
	seed := filepath.Join(t.TempDir(), "seed.json")
	err := os.WriteFile(seed, []byte(`{"ga": {"accelerators": [{"id": "ga-1"}],
		"listeners": [{"id": "lsr-1", "acceleratorId": "ga-1", "defaultCertificateId": "c0"}]}}`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-seed", seed, "-no-signature-check",
			"-ga-associate-delay", "0", "-ga-update-delay", "1h", "-ga-accelerator-lag", "1h"}, &stdout, &stderr)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for urlRE.FindString(stdout.String()) == "" {
		if time.Now().After(deadline) {
			t.Fatalf("no URL printed; stdout %q, stderr %q", stdout.String(), stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	base := urlRE.FindString(stdout.String())
	call := func(action string, kv ...string) map[string]any {
		t.Helper()
		form := url.Values{"Action": {action}, "Version": {"2019-11-20"}, "RegionId": {"cn-hangzhou"}}
		for i := 0; i+1 < len(kv); i += 2 {
			form.Set(kv[i], kv[i+1])
		}
		res, err := http.PostForm(base, form)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body map[string]any
		_ = json.NewDecoder(res.Body).Decode(&body)
		return body
	}
	body := call("AssociateAdditionalCertificatesWithListener", "AcceleratorId", "ga-1", "ListenerId", "lsr-1",
		"Certificates.1.Domain", "a.example.com", "Certificates.1.Id", "c1")
	if body["ListenerId"] != "lsr-1" {
		t.Fatalf("associate: %v", body)
	}
	if st := call("DescribeListener", "ListenerId", "lsr-1")["State"]; st != "active" {
		t.Fatalf("listener %v after a zero delay, want active", st)
	}
	if st := call("DescribeAccelerator", "AcceleratorId", "ga-1")["State"]; st != "configuring" {
		t.Fatalf("accelerator %v within the lag, want configuring", st)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}

	var out, errOut syncBuffer
	err = run(context.Background(), []string{"-ga-accelerator-lag", "soon"}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "-ga-accelerator-lag") {
		t.Fatalf("bad lag: %v", err)
	}
}
