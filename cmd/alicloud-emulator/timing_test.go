package main

import (
	"context"
	"strings"
	"testing"
	"time"
)

// -production-timing sets every delay to the real services' order of
// magnitude; a timing flag given explicitly still wins.
func TestRunProductionTiming(t *testing.T) {
	tests := []struct {
		args    []string
		alb, ga string
	}{
		{[]string{"-production-timing"},
			"associate 7s, dissociate 7s", "associate 15s, update 15s, dissociate 15s; accelerator +10s"},
		{[]string{"-production-timing", "-alb-associate-delay", "1s", "-ga-accelerator-lag", "3s"},
			"associate 1s, dissociate 7s", "associate 15s, update 15s, dissociate 15s; accelerator +3s"},
		{[]string{"-alb-delay", "0", "-ga-delay", "4s"},
			"associate 0s, dissociate 0s", "associate 2s, update 2s, dissociate 4s; accelerator +2s"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var stdout, stderr syncBuffer
			done := make(chan error, 1)
			go func() {
				done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, tc.args...), &stdout, &stderr)
			}()
			deadline := time.Now().Add(5 * time.Second)
			for !strings.Contains(stdout.String(), "export ") {
				if time.Now().After(deadline) {
					t.Fatalf("no banner; stdout %q, stderr %q", stdout.String(), stderr.String())
				}
				time.Sleep(5 * time.Millisecond)
			}
			out := stdout.String()
			if want := "ALB jobs:          " + tc.alb + "\n"; !strings.Contains(out, want) {
				t.Errorf("banner %q lacks %q", out, want)
			}
			if want := "GA changes:        " + tc.ga + "\n"; !strings.Contains(out, want) {
				t.Errorf("banner %q lacks %q", out, want)
			}
			cancel()
			if err := <-done; err != nil {
				t.Fatalf("run: %v", err)
			}
		})
	}
}
