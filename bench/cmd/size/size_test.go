package main

import (
	"context"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

const versionM = `/tmp/x/ours-static: go1.26.8
	path	github.com/listenercerts/alicloud/bench/size/ours-static
	mod	github.com/listenercerts/alicloud/bench	(devel)	
	dep	github.com/google/uuid	v1.6.0	h1:NIvaJDMOsjHA8n1jAhLSgzrAzy1Hgr+hNrb57e+94F0=
	dep	github.com/listenercerts/alicloud	v0.0.0-00010101000000-000000000000
	=>	../	(devel)	
	
	dep	gopkg.in/ini.v1	v1.67.0	h1:Dgnx+6+nfE+IfzjUEISNeydPJh9AXNNsWbGP9KzCsOA=
	build	-buildmode=exe
	build	CGO_ENABLED=1
`

func TestParseDeps(t *testing.T) {
	got := parseDeps([]byte(versionM))
	want := []string{
		"github.com/google/uuid v1.6.0",
		"github.com/listenercerts/alicloud v0.0.0-00010101000000-000000000000",
		"gopkg.in/ini.v1 v1.67.0",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseDeps = %q, want %q", got, want)
	}
	if got := parseDeps([]byte("/tmp/floor: go1.26.8\n\tpath\tx\n\tmod\tx\t(devel)\t\n\tbuild\tGOOS=linux\n")); len(got) != 0 {
		t.Errorf("parseDeps of a program without modules = %q", got)
	}
}

func TestSymbolBytes(t *testing.T) {
	const nm = `  6ed0e0        920 T github.com/listenercerts/alicloud.(*APIError).Error
  6ed480        300 T github.com/listenercerts/alicloud/alb.(*Client).DissociateAdditionalCertificatesFromListener
  7a0000         40 R type:*github.com/listenercerts/alicloud.Config
  7a0100         16 D go:itab.*github.com/listenercerts/alicloud.staticProvider,github.com/listenercerts/alicloud.CredentialsProvider
  6f0000        100 T github.com/listenercerts/alicloud-other.F
  6f1000         50 T gopkg.in/ini%2ev1.(*File).Section
  401000       1000 T runtime.main
  7b0000         64 R type:struct { F uintptr; X0 *github.com/google/uuid.UUID }
                  0 U _cgo_init
`
	got := symbolBytes([]byte(nm), []string{
		"github.com/listenercerts/alicloud v0.0.0", "gopkg.in/ini.v1 v1.67.0", "github.com/google/uuid v1.6.0",
	})
	want := []moduleBytes{{"", 1164}, {"github.com/listenercerts/alicloud", 1276}, {"gopkg.in/ini.v1", 50}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("symbolBytes = %+v, want %+v", got, want)
	}
}

func TestFormatTable(t *testing.T) {
	rs := []result{
		{program: programs[0], size: 8_992_643, stripped: 6_226_185},
		{program: programs[2], size: 10_450_000, stripped: 7_260_000, deps: make([]string, 11)},
	}
	got := formatTable(toolchain{"go1.26.8", "linux", "amd64", "1"}, rs)
	want := "go1.26.8, linux/amd64, CGO_ENABLED=1; MB = 10^6 bytes; modules = `dep` lines of `go version -m`.\n\n" +
		"| program | binary | stripped (`-s -w`) | stripped above the floor | modules |\n" +
		"|---|---:|---:|---:|---:|\n" +
		"| " + programs[0].label + " | 9.0 MB | 6.2 MB | — | 0 |\n" +
		"| " + programs[2].label + " | 10.4 MB | 7.3 MB | +1.0 MB | 11 |\n"
	if got != want {
		t.Errorf("formatTable:\n%s\nwant:\n%s", got, want)
	}
}

// TestProgramsExist keeps the list and bench/size in step.
func TestProgramsExist(t *testing.T) {
	dirs, err := filepath.Glob("../../size/*/main.go")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range dirs {
		names = append(names, filepath.Base(filepath.Dir(d)))
	}
	var listed []string
	for _, p := range programs {
		listed = append(listed, p.name)
	}
	slices.Sort(names)
	sortedListed := slices.Sorted(slices.Values(listed))
	if !slices.Equal(names, sortedListed) || programs[0].name != "floor" {
		t.Errorf("bench/size has %q, programs lists %q (floor first)", names, listed)
	}
}

// TestMeasureFloor builds the floor program (about a second with a warm
// build cache) and checks that its row is sane.
func TestMeasureFloor(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	ctx := context.Background()
	tc, err := goEnv(ctx, "../..")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tc.version, "go") || tc.goos == "" || tc.goarch == "" {
		t.Fatalf("goEnv = %+v", tc)
	}
	r, err := measure(ctx, "../..", t.TempDir(), programs[0], true)
	if err != nil {
		t.Fatal(err)
	}
	if r.size < 1e6 || r.size > 100e6 || r.stripped <= 0 || r.stripped >= r.size {
		t.Errorf("floor: %d bytes, stripped %d", r.size, r.stripped)
	}
	if len(r.deps) != 0 {
		t.Errorf("floor links modules: %q", r.deps)
	}
	if len(r.symbols) != 1 || r.symbols[0].module != "" || r.symbols[0].bytes <= 0 {
		t.Errorf("floor symbols = %+v", r.symbols)
	}
	row := formatTable(tc, []result{r})
	if !strings.Contains(row, "| "+programs[0].label+" | ") || !strings.HasSuffix(row, " | — | 0 |\n") {
		t.Errorf("table:\n%s", row)
	}
}

func TestRunOutsideBench(t *testing.T) {
	if err := run(context.Background(), t.TempDir(), false); err == nil || !strings.Contains(err.Error(), "run from bench/") {
		t.Errorf("run outside bench/: %v", err)
	}
}
