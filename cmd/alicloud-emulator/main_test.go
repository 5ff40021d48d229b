package main

import (
	"bytes"
	"context"
	"encoding/json"
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
	} {
		var out, errOut syncBuffer
		err := run(context.Background(), tc.args, &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Fatalf("run(%q) = %v, want an error containing %q", tc.args, err, tc.want)
		}
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
