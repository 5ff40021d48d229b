package alicloud_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readmeBlock is one ```go block of README.md.
type readmeBlock struct {
	line int // of the block's first line of code
	code string
}

func readmeGoBlocks(t *testing.T, path string) []readmeBlock {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var blocks []readmeBlock
	var cur *readmeBlock
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur == nil && strings.TrimSpace(line) == "```go":
			cur = &readmeBlock{line: n + 1}
		case cur != nil && strings.TrimSpace(line) == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.code += line + "\n"
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return blocks
}

// Packages a README snippet may use without importing them.
var snippetImports = map[string]string{
	"alicloud": "github.com/listenercerts/alicloud", "alb": "github.com/listenercerts/alicloud/alb",
	"ga": "github.com/listenercerts/alicloud/ga", "alicloudtest": "github.com/listenercerts/alicloud/alicloudtest",
	"redislimit": "github.com/listenercerts/alicloud/redislimit", "redis": "github.com/redis/go-redis/v9",
	"otelalicloud": "github.com/listenercerts/alicloud/otelalicloud",
	"sdktrace":     "go.opentelemetry.io/otel/sdk/trace", "sdkmetric": "go.opentelemetry.io/otel/sdk/metric",
	"context": "context", "errors": "errors", "fmt": "fmt", "log": "log", "slog": "log/slog", "http": "net/http",
	"os": "os", "strings": "strings", "testing": "testing", "time": "time",
}

// Nested modules a snippet may use, by package name.
var snippetModules = map[string]string{"redislimit": "redislimit", "otelalicloud": "otelalicloud"}

// What a snippet may use without declaring it (the README's prose assumes
// it): a parameter of the function the snippet runs in, when referenced.
var snippetVars = []struct{ name, typ string }{
	{"ctx", "context.Context"}, {"client", "*alb.Client"}, {"gaClient", "*ga.Client"}, {"cfg", "*alicloud.Config"},
	{"in", "*alb.DissociateAdditionalCertificatesFromListenerInput"}, {"t", "*testing.T"},
	{"exporter", "sdktrace.SpanExporter"}, {"reader", "sdkmetric.Reader"},
}

var pkgRefRE = regexp.MustCompile(`\b([a-z]+)\.[A-Za-z]`)

// snippetFile makes a compilable file of a README fragment: the code runs in
// a function that has what the README's prose assumes (ctx, client for ALB,
// gaClient, cfg, in, t, ...) and returns an error. A block that is a whole
// file (it starts with "package") is kept as it is.
func snippetFile(b readmeBlock) string {
	if strings.HasPrefix(strings.TrimSpace(b.code), "package ") {
		return fmt.Sprintf("//line README.md:%d\n%s", b.line, b.code)
	}
	var params []string
	code := b.code
	for _, v := range snippetVars {
		if regexp.MustCompile(`\b` + v.name + `\b`).MatchString(b.code) {
			params = append(params, v.name+" "+v.typ)
			code += v.typ + "\n" // for the imports its type needs
		}
	}
	used := map[string]bool{}
	for _, m := range pkgRefRE.FindAllStringSubmatch(code, -1) {
		if _, ok := snippetImports[m[1]]; ok {
			used[m[1]] = true
		}
	}
	var s strings.Builder
	s.WriteString("package snippet\n\nimport (\n")
	for name := range used {
		fmt.Fprintf(&s, "\t%s %q\n", name, snippetImports[name])
	}
	s.WriteString(")\n\n// Snippet runs the README's code.\n")
	fmt.Fprintf(&s, "func Snippet(%s) error {\n{\n", strings.Join(params, ", "))
	fmt.Fprintf(&s, "//line README.md:%d\n", b.line)
	s.WriteString(b.code)
	s.WriteString("}\n")
	if lines := strings.Split(strings.TrimSpace(b.code), "\n"); !strings.HasPrefix(strings.TrimSpace(lines[len(lines)-1]), "return ") {
		s.WriteString("return nil\n")
	}
	s.WriteString("}\n")
	return s.String()
}

// TestREADMESnippets compiles every ```go block of README.md in a module
// of its own that uses this checkout (a replace line), and vets it; with
// staticcheck on the PATH (CI installs it) it runs that too.
func TestREADMESnippets(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go vet; skipped with -short (CI runs it)")
	}
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	blocks := readmeGoBlocks(t, "README.md")
	if len(blocks) == 0 {
		t.Fatal("no ```go blocks in README.md")
	}
	dir := t.TempDir()
	nested := map[string]bool{} // nested modules the snippets use
	for i, b := range blocks {
		pkg := filepath.Join(dir, fmt.Sprintf("snippet%02d", i))
		if err := os.Mkdir(pkg, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, mod := range snippetModules {
			if strings.Contains(b.code, name+".") {
				nested[mod] = true
			}
		}
		if err := os.WriteFile(filepath.Join(pkg, "snippet.go"), []byte(snippetFile(b)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gomod := "module readmesnippets\n\ngo 1.24\n\nrequire github.com/listenercerts/alicloud v0.0.0\n" +
		"replace github.com/listenercerts/alicloud => " + root + "\n"
	sums, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	for mod := range nested {
		gomod += "require github.com/listenercerts/alicloud/" + mod + " v0.0.0\n" +
			"replace github.com/listenercerts/alicloud/" + mod + " => " + filepath.Join(root, mod) + "\n"
		more, err := os.ReadFile(filepath.Join(root, mod, "go.sum"))
		if err != nil {
			t.Fatal(err)
		}
		sums = append(sums, more...)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), sums, 0o644); err != nil {
		t.Fatal(err)
	}

	// Offline: everything comes from the module cache (CI downloads the
	// nested modules' dependencies before running the tests).
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
	run := func(name string, args ...string) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir, cmd.Env = dir, env
		if out, err := cmd.CombinedOutput(); err != nil {
			if len(nested) > 0 && strings.Contains(string(out), "module lookup disabled by GOPROXY=off") && os.Getenv("CI") != "true" {
				t.Skipf("a nested module's dependencies are not in the module cache (go -C <module> mod download):\n%s", out)
			}
			t.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
	}
	run("go", "vet", "./...")
	if t.Failed() {
		return
	}
	if sc := staticcheckPath(); sc != "" {
		run(sc, "./...")
	} else {
		t.Log("staticcheck not found: the snippets were compiled and vetted, not staticchecked")
	}
}

func staticcheckPath() string {
	if p, err := exec.LookPath("staticcheck"); err == nil {
		return p
	}
	out, err := exec.Command("go", "env", "GOPATH").Output()
	if err != nil {
		return ""
	}
	p := filepath.Join(strings.TrimSpace(string(out)), "bin", "staticcheck")
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}
