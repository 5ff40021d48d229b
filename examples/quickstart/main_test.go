package main

import (
	"context"
	"testing"
	"time"

	"github.com/listenercerts/alicloud/alicloudtest"
)

// The README's main command must keep working: run the whole flow.
func TestQuickstart(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx); err != nil {
		t.Fatal(err)
	}
}

// The seed file the quickstart's next step and the README use must load.
func TestSeedFile(t *testing.T) {
	emu := alicloudtest.New()
	defer emu.Close()
	if err := emu.LoadSeedFile("../seed.json"); err != nil {
		t.Fatal(err)
	}
}
