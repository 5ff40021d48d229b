package main

import (
	"context"
	"testing"
	"time"
)

// The README's main command must keep working: run the whole flow.
func TestQuickstart(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx); err != nil {
		t.Fatal(err)
	}
}
