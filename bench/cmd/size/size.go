package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// program is one directory of bench/size and its row label.
type program struct {
	name  string // directory under bench/size
	label string // the table's first column
}

var programs = []program{
	{"floor", "`net/http` POST only, unsigned (the floor: runtime, TLS, HTTP/2, `encoding/json`)"},
	{"ours-default", "this SDK: `alb` with `LoadDefaultConfig` (default credential chain)"},
	{"ours-static", "this SDK: `alb` with `StaticCredentials`"},
	{"legacy", "legacy `alibaba-cloud-sdk-go/services/alb` (`NewClientWithProvider`)"},
	{"darabonba", "`darabonba-openapi/v2` `CallApi` with credentials-go"},
}

// result is the measurement of one program.
type result struct {
	program
	size, stripped int64    // bytes of the plain and the -s -w binary
	deps           []string // the dep modules, "path version"
	symbols        []moduleBytes
}

// moduleBytes is the size of a module's symbols in a binary.
type moduleBytes struct {
	module string // "" for the standard library and the runtime
	bytes  int64
}

// toolchain is what the binaries were built with.
type toolchain struct {
	version, goos, goarch, cgo string
}

func goEnv(ctx context.Context, dir string) (toolchain, error) {
	out, err := goCmd(ctx, dir, "env", "GOVERSION", "GOOS", "GOARCH", "CGO_ENABLED")
	if err != nil {
		return toolchain{}, err
	}
	f := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(f) != 4 {
		return toolchain{}, fmt.Errorf("go env: unexpected output %q", out)
	}
	return toolchain{version: f[0], goos: f[1], goarch: f[2], cgo: f[3]}, nil
}

// goCmd runs the go command in dir and returns its standard output.
func goCmd(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out, nil
}

// measure builds p plain and stripped into tmp (from benchDir, the bench
// module) and reads the sizes and the modules of the binaries; with
// symbols, also the symbol bytes per module.
func measure(ctx context.Context, benchDir, tmp string, p program, symbols bool) (result, error) {
	r := result{program: p}
	plain := filepath.Join(tmp, p.name)
	stripped := filepath.Join(tmp, p.name+"-s")
	pkg := "./size/" + p.name
	if _, err := goCmd(ctx, benchDir, "build", "-o", plain, pkg); err != nil {
		return r, err
	}
	if _, err := goCmd(ctx, benchDir, "build", "-ldflags=-s -w", "-o", stripped, pkg); err != nil {
		return r, err
	}
	var err error
	if r.size, err = fileSize(plain); err != nil {
		return r, err
	}
	if r.stripped, err = fileSize(stripped); err != nil {
		return r, err
	}
	out, err := goCmd(ctx, benchDir, "version", "-m", plain)
	if err != nil {
		return r, err
	}
	r.deps = parseDeps(out)
	if symbols {
		out, err := goCmd(ctx, benchDir, "tool", "nm", "-size", plain)
		if err != nil {
			return r, err
		}
		r.symbols = symbolBytes(out, r.deps)
	}
	return r, nil
}

func fileSize(path string) (int64, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// parseDeps returns the dep lines of go version -m output as "path version"
// (a replacement's => line is not a module of its own).
func parseDeps(out []byte) []string {
	var deps []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 3 && f[0] == "dep" {
			deps = append(deps, f[1]+" "+f[2])
		}
	}
	return deps
}

// symbolBytes sums the sizes in go tool nm -size output by the module (of
// deps) that defines each symbol; symbols of no module (the standard
// library, the runtime, the main package) count under "". The result is
// sorted by module path, "" first.
func symbolBytes(out []byte, deps []string) []moduleBytes {
	mods := make([]string, len(deps))
	for i, d := range deps {
		mods[i], _, _ = strings.Cut(d, " ")
	}
	// Longest path first, so that a module nested in another wins.
	sort.Slice(mods, func(i, j int) bool { return len(mods[i]) > len(mods[j]) })
	sums := map[string]int64{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		// address size type name, in aligned columns (an undefined
		// symbol has no address; a name may contain spaces)
		f := strings.Fields(sc.Text())
		if len(f) < 4 {
			continue
		}
		n, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			continue
		}
		sums[moduleOf(strings.Join(f[3:], " "), mods)] += n
	}
	res := make([]moduleBytes, 0, len(sums))
	for m, n := range sums {
		res = append(res, moduleBytes{m, n})
	}
	sort.Slice(res, func(i, j int) bool { return res[i].module < res[j].module })
	return res
}

// moduleOf is the module of mods (longest first) that defines the symbol
// name, or "". Type descriptors, itabs and pointer receivers name their
// package after a prefix.
func moduleOf(name string, mods []string) string {
	for _, p := range []string{"type:", "go:itab.", "go:info.", "*"} {
		name = strings.TrimPrefix(name, p)
	}
	for _, m := range mods {
		for _, prefix := range []string{m, symbolPrefix(m)} {
			if strings.HasPrefix(name, prefix) && (len(name) == len(prefix) || strings.ContainsRune("/.", rune(name[len(prefix)]))) {
				return m
			}
		}
	}
	return ""
}

// symbolPrefix is how the linker spells a package path in symbol names:
// the dots of its last element escaped (gopkg.in/ini.v1 is
// gopkg.in/ini%2ev1).
func symbolPrefix(path string) string {
	i := strings.LastIndexByte(path, '/') + 1
	return path[:i] + strings.ReplaceAll(path[i:], ".", "%2e")
}

// mb formats n bytes as megabytes (10^6 bytes) with one decimal.
func mb(n int64) string {
	return strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64) + " MB"
}

// formatTable is the README's table: a sentence on how the numbers were
// made, then one row per result; the floor is the first result.
func formatTable(tc toolchain, rs []result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s, %s/%s, CGO_ENABLED=%s; MB = 10^6 bytes; modules = `dep` lines of `go version -m`.\n\n",
		tc.version, tc.goos, tc.goarch, tc.cgo)
	b.WriteString("| program | binary | stripped (`-s -w`) | stripped above the floor | modules |\n")
	b.WriteString("|---|---:|---:|---:|---:|\n")
	for i, r := range rs {
		above := "—"
		if i > 0 {
			above = "+" + mb(r.stripped-rs[0].stripped)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %d |\n", r.label, mb(r.size), mb(r.stripped), above, len(r.deps))
	}
	return b.String()
}

// formatModules lists each result's modules with their symbol bytes.
func formatModules(rs []result) string {
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "\n%s: %d modules; bytes of their symbols (go tool nm -size: code and data)\n", r.name, len(r.deps))
		bytesOf := map[string]int64{}
		for _, s := range r.symbols {
			bytesOf[s.module] = s.bytes
		}
		var total int64
		for _, d := range r.deps {
			path, _, _ := strings.Cut(d, " ")
			total += bytesOf[path]
			fmt.Fprintf(&b, "  %-70s %8d\n", d, bytesOf[path])
		}
		fmt.Fprintf(&b, "  %-70s %8d\n", "total", total)
	}
	return b.String()
}
