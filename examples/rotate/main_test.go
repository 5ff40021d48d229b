package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// The README's rotation example must keep working.
func TestRotate(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out bytes.Buffer
	if err := run(ctx, &out, 20*time.Millisecond); err != nil {
		t.Fatal(err, "\n", out.String())
	}
	if err := runGA(ctx, &out, 20*time.Millisecond); err != nil {
		t.Fatal(err, "\n", out.String())
	}
	for _, want := range []string{"4 calls", "interrupted: 1 jobs started", "third run: 0 calls planned, 0 changes made",
		"now serves 19 certificates: default-cn-hangzhou 2025-01-cn-hangzhou",
		"ga: updated [www.example.com], associated [api.example.com], unchanged [static.example.com], dissociated [old.example.com]",
		"ga: accelerator active, listener active, domains map[api.example.com:api-2025 static.example.com:static-2025 www.example.com:www-2025]"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
