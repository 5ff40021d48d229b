package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server and the test at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var urlRE = regexp.MustCompile(`http://127\.0\.0\.1:\d+`)

func TestRun(t *testing.T) {
	seed := filepath.Join(t.TempDir(), "seed.json")
	err := os.WriteFile(seed, []byte(`{"alb": {"listeners": [{"id": "lsn-1", "protocol": "HTTPS",
		"defaultCertificateId": "cert-0", "certificates": ["cert-1"]}]}}`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-seed", seed, "-no-signature-check", "-v",
			"-access-key-id", "id-1", "-access-key-secret", "secret-1", "-alb-delay", "0", "-rate-limit", "100/1s"}, &stdout, &stderr)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for urlRE.FindString(stdout.String()) == "" {
		if time.Now().After(deadline) {
			t.Fatalf("no URL printed; stdout %q, stderr %q", stdout.String(), stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	out := stdout.String()
	for _, want := range []string{"access key id:     id-1", "access key secret: secret-1", "region:            cn-hangzhou", "100 per 1s"} {
		if !strings.Contains(out, want) {
			t.Fatalf("banner lacks %q:\n%s", want, out)
		}
	}

	res, err := http.PostForm(urlRE.FindString(out), url.Values{
		"Action": {"DissociateAdditionalCertificatesFromListener"}, "Version": {"2020-06-16"},
		"ListenerId": {"lsn-1"}, "Certificates.1.CertificateId": {"cert-1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	_ = json.NewDecoder(res.Body).Decode(&body)
	res.Body.Close()
	if res.StatusCode != 200 || body["JobId"] == "" {
		t.Fatalf("got %d %v", res.StatusCode, body)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after the context was cancelled")
	}
	if !strings.Contains(stderr.String(), "POST 2020-06-16 DissociateAdditionalCertificatesFromListener 200") {
		t.Fatalf("no request log line in %q", stderr.String())
	}
}

func TestRunErrors(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"alb": {"listeners": [{"id": "x", "protocol": "FTP"}]}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-seed", bad, "-addr", "127.0.0.1:0"}, `alb.listeners[0].protocol: "FTP"`},
		{[]string{"-rate-limit", "fast"}, "-rate-limit"},
		{[]string{"-access-key-id", "x"}, "go together"},
		{[]string{"-nope"}, "flag provided but not defined"},
		{[]string{"extra"}, "unexpected arguments"},
		{[]string{"-addr", "256.0.0.1:1"}, "listen"},
		{[]string{"-alb-busy-code", "Throttling"}, "-alb-busy-code"},
		{[]string{"-alb-dissociating-status", "dissociating"}, "-alb-dissociating-status"},
		{[]string{"-alb-associate-delay", "soon"}, "-alb-associate-delay"},
	} {
		var out, errOut syncBuffer
		err := run(context.Background(), tc.args, &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Fatalf("run(%q) = %v, want an error containing %q", tc.args, err, tc.want)
		}
	}
}

// startRun runs the emulator with args until the test ends and returns its
// URL and banner.
func startRun(t *testing.T, args ...string) (string, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0", "-no-signature-check"}, args...), &stdout, &stderr)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	deadline := time.Now().Add(5 * time.Second)
	for urlRE.FindString(stdout.String()) == "" {
		if time.Now().After(deadline) {
			t.Fatalf("no URL printed; stdout %q, stderr %q", stdout.String(), stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	return urlRE.FindString(stdout.String()), stdout.String()
}

// post sends an unsigned ALB request and decodes the JSON answer.
func post(t *testing.T, base string, kv ...string) (int, map[string]any) {
	t.Helper()
	form := url.Values{"Version": {"2020-06-16"}}
	for i := 0; i+1 < len(kv); i += 2 {
		form.Set(kv[i], kv[i+1])
	}
	res, err := http.PostForm(base, form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, body
}

func TestRunALBFlags(t *testing.T) {
	seed := filepath.Join(t.TempDir(), "seed.json")
	err := os.WriteFile(seed, []byte(`{"alb": {"listeners": [{"id": "lsn-1", "protocol": "HTTPS",
		"defaultCertificateId": "cert-0", "certificates": ["cert-1"]}]}}`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	base, banner := startRun(t, "-seed", seed, "-alb-delay", "1h", "-alb-associate-delay", "0",
		"-alb-busy-code", "ResourceInConfiguring.Listener", "-alb-dissociating-status", "Dissociating")
	for _, want := range []string{"associate 0s, dissociate 1h0m0s", "ALB busy listener: ResourceInConfiguring.Listener; being dissociated: Dissociating"} {
		if !strings.Contains(banner, want) {
			t.Fatalf("banner lacks %q:\n%s", want, banner)
		}
	}
	// The association completes at once; the dissociation runs for an hour.
	if st, b := post(t, base, "Action", "AssociateAdditionalCertificatesWithListener", "ListenerId", "lsn-1",
		"Certificates.1.CertificateId", "cert-2"); st != 200 {
		t.Fatalf("associate: %d %v", st, b)
	}
	if st, b := post(t, base, "Action", "DissociateAdditionalCertificatesFromListener", "ListenerId", "lsn-1",
		"Certificates.1.CertificateId", "cert-1"); st != 200 {
		t.Fatalf("dissociate: %d %v", st, b)
	}
	st, b := post(t, base, "Action", "DissociateAdditionalCertificatesFromListener", "ListenerId", "lsn-1",
		"Certificates.1.CertificateId", "cert-2")
	if st != 400 || b["Code"] != "ResourceInConfiguring.Listener" {
		t.Fatalf("busy listener: %d %v", st, b)
	}
	_, b = post(t, base, "Action", "ListListenerCertificates", "ListenerId", "lsn-1")
	got := map[any]any{}
	for _, c := range b["Certificates"].([]any) {
		m := c.(map[string]any)
		got[m["CertificateId"]] = m["Status"]
	}
	want := map[any]any{"cert-0": "Associated", "cert-1": "Dissociating", "cert-2": "Associated"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("certificates %v, want %v", got, want)
	}
}

func TestParseRateLimit(t *testing.T) {
	for _, tc := range []struct {
		in  string
		n   int
		per time.Duration
		ok  bool
	}{
		{"200/60s", 200, time.Minute, true},
		{"5/200ms", 5, 200 * time.Millisecond, true},
		{"10/1", 10, time.Second, true},
		{"3/1.5", 3, 1500 * time.Millisecond, true},
		{"off", 0, 0, true},
		{"0", 0, 0, true},
		{"200", 0, 0, false},
		{"-1/1s", 0, 0, false},
		{"1/0s", 0, 0, false},
		{"1/x", 0, 0, false},
	} {
		n, per, err := parseRateLimit(tc.in)
		if (err == nil) != tc.ok || n != tc.n || per != tc.per {
			t.Fatalf("parseRateLimit(%q) = %d, %v, %v", tc.in, n, per, err)
		}
	}
}
