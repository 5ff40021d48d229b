// Command size builds the minimal programs of bench/size (one ALB
// DissociateAdditionalCertificatesFromListener call each: the net/http
// floor, this SDK two ways, and Alibaba's two official Go SDKs), measures
// their binaries and prints the Markdown table of the README's "Light?
// (measured)" section. Run it from the repository root:
//
//	go -C bench run ./cmd/size
//
// Each program is built twice into a temporary directory, for the host's
// GOOS and GOARCH with the go command on PATH, as
//
//	go build -o DIR/NAME ./size/NAME
//	go build -ldflags=-s -w -o DIR/NAME-s ./size/NAME
//
// and its modules are the dep lines of go version -m (the SDK itself
// included, the main module not). With -v it also lists each program's
// modules and how many bytes of symbols (go tool nm -size) each one
// contributes to the plain binary.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
)

func main() {
	verbose := flag.Bool("v", false, "also list each program's modules and their symbol bytes")
	flag.Parse()
	if err := run(context.Background(), ".", *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "size:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, benchDir string, verbose bool) error {
	if _, err := os.Stat(benchDir + "/size/floor/main.go"); err != nil {
		return fmt.Errorf("run from bench/ (go -C bench run ./cmd/size): %w", err)
	}
	env, err := goEnv(ctx, benchDir)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "alicloud-size-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	results := make([]result, 0, len(programs))
	for _, p := range programs {
		r, err := measure(ctx, benchDir, tmp, p, verbose)
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	fmt.Print(formatTable(env, results))
	if verbose {
		fmt.Print(formatModules(results))
	}
	return nil
}
