// Command report runs the benchmarks of this SDK against Alibaba's official
// Go SDKs and writes BENCHMARKS.md (a table and the verdict on each target)
// and bench/benchmarks.svg (a bar chart of the same), stating the machine
// and the Go version. Run it from the repository root:
//
//	go -C bench run ./cmd/report
//
// It runs, in one go test invocation, every benchmark of bench/ (the calls
// and signing alone)
//
//	go test -run '^$' -bench . -benchmem -count N -benchtime T
//
// keeps its raw output in bench/results.txt (benchstat reads it), and
// reports the median of the N runs of each benchmark. With -from it
// rebuilds the report from a saved results.txt without running anything.
//
// With -rotation it runs the rotation benchmark alone
// (go test -bench '^BenchmarkRotate$'), replaces the rotation lines of the
// saved results.txt with the new ones (marked, with the date, command and
// load of that run, which the page states) and rebuilds the report from it:
// the other sections keep the figures of their own run.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

func main() {
	var (
		count     = flag.Int("count", 5, "runs of each benchmark; the report shows their median")
		benchtime = flag.String("benchtime", "1s", "go test -benchtime of each run")
		from      = flag.String("from", "", "build the report from this saved results file instead of running")
		out       = flag.String("out", "../BENCHMARKS.md", "the report, relative to bench/")
		svg       = flag.String("svg", "benchmarks.svg", "the chart, relative to bench/")
		raw       = flag.String("raw", "results.txt", "where the raw go test output is kept, relative to bench/")
		rotation  = flag.Bool("rotation", false, "run the rotation benchmark alone and merge its results into the saved raw output")
	)
	flag.Parse()
	if *rotation {
		if *from != "" {
			fmt.Fprintln(os.Stderr, "report: -rotation and -from exclude each other")
			os.Exit(2)
		}
		err := checkBenchDir()
		if err == nil {
			err = runRotation(*count, *benchtime, *raw)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "report:", err)
			os.Exit(1)
		}
		*from = *raw
	}
	if err := run(*count, *benchtime, *from, *out, *svg, *raw); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

func run(count int, benchtime, from, out, svgPath, rawPath string) error {
	if err := checkBenchDir(); err != nil {
		return err
	}
	var (
		output []byte
		m      machine
		err    error
	)
	if from != "" {
		if output, err = os.ReadFile(from); err != nil {
			return err
		}
		m = machineFromResults(output)
	} else {
		m = probeMachine()
		m.Command = fmt.Sprintf("go -C bench run ./cmd/report -count %d -benchtime %s", count, benchtime)
		m.LoadBefore = loadavg()
		start := time.Now()
		benchOut, err := goTest(".", "-run", "^$", "-bench", ".", "-benchmem",
			"-count", fmt.Sprint(count), "-benchtime", benchtime, ".")
		if err != nil {
			return err
		}
		m.LoadAfter = loadavg()
		m.Duration = time.Since(start).Round(time.Second)
		output = append(m.header(), benchOut...)
		if err := os.WriteFile(rawPath, output, 0o644); err != nil {
			return err
		}
	}
	res := parse(output)
	if len(res) == 0 {
		return fmt.Errorf("no benchmark results found")
	}
	r := newReport(res, m)
	r.rotationRun = machineFromPrefix(output, rotationMetaPrefix)
	chart := r.svg()
	if err := os.WriteFile(svgPath, []byte(chart), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(out, []byte(r.markdown(relTo(out, svgPath), relTo(out, rawPath))), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %s, %s and %s\n", out, svgPath, rawPath)
	return nil
}

// relTo returns path relative to the directory of the file from, for a
// link in that file.
func relTo(from, path string) string {
	dir, err1 := filepath.Abs(filepath.Dir(from))
	abs, err2 := filepath.Abs(path)
	if err1 != nil || err2 != nil {
		return filepath.ToSlash(path)
	}
	rel, err := filepath.Rel(dir, abs)
	if err != nil {
		return filepath.ToSlash(path)
	}
	return filepath.ToSlash(rel)
}

// checkBenchDir makes sure the working directory is the bench module.
func checkBenchDir() error {
	mod, err := os.ReadFile("go.mod")
	if err != nil || !bytes.Contains(mod, []byte("module github.com/listenercerts/alicloud/bench")) {
		return fmt.Errorf("run me in the bench module: go -C bench run ./cmd/report")
	}
	return nil
}

// goTest runs go test in dir, echoing its output to stderr as it comes.
func goTest(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("go", append([]string{"test"}, args...)...)
	cmd.Dir = dir
	var buf bytes.Buffer
	cmd.Stdout = io.MultiWriter(&buf, os.Stderr)
	cmd.Stderr = os.Stderr
	fmt.Fprintf(os.Stderr, "(cd %s && go test %s)\n", dir, strings.Join(args, " "))
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go test in %s: %w", dir, err)
	}
	return buf.Bytes(), nil
}

// machine describes where and how the benchmarks ran.
type machine struct {
	CPU        string
	CPUs       int
	Procs      int // GOMAXPROCS of the benchmarks
	OS         string
	GoVersion  string
	Date       string
	Command    string
	LoadBefore string
	LoadAfter  string
	Duration   time.Duration
	Modules    string // versions of the official SDKs
}

func probeMachine() machine {
	m := machine{
		CPU:   cpuModel(),
		CPUs:  runtime.NumCPU(),
		Procs: runtime.GOMAXPROCS(0), // go test inherits the same environment
		OS:    runtime.GOOS + "/" + runtime.GOARCH,
		Date:  time.Now().UTC().Format("2006-01-02 15:04 UTC"),
	}
	if rel, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.OS += ", kernel " + strings.TrimSpace(string(rel))
	}
	if v, err := exec.Command("go", "env", "GOVERSION").Output(); err == nil {
		m.GoVersion = strings.TrimSpace(string(v))
	}
	if v, err := exec.Command("go", "list", "-m", "github.com/aliyun/alibaba-cloud-sdk-go",
		"github.com/alibabacloud-go/darabonba-openapi/v2", "github.com/alibabacloud-go/tea").Output(); err == nil {
		m.Modules = strings.Join(strings.Fields(strings.ReplaceAll(string(v), "\n", ", ")), " ")
		m.Modules = strings.TrimSuffix(m.Modules, ",")
	}
	return m
}

func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

func loadavg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// The header lines of results.txt keep the machine description, so that
// -from reproduces the same report.
const metaPrefix = "# report: "

func (m machine) header() []byte { return m.headerWith(metaPrefix) }

func (m machine) headerWith(prefix string) []byte {
	var b bytes.Buffer
	kv := func(k, v string) { fmt.Fprintf(&b, "%s%s=%s\n", prefix, k, v) }
	kv("cpu", m.CPU)
	kv("cpus", fmt.Sprint(m.CPUs))
	kv("gomaxprocs", fmt.Sprint(m.Procs))
	kv("os", m.OS)
	kv("go", m.GoVersion)
	kv("date", m.Date)
	kv("command", m.Command)
	kv("load-before", m.LoadBefore)
	kv("load-after", m.LoadAfter)
	kv("duration", m.Duration.String())
	kv("modules", m.Modules)
	return b.Bytes()
}

func machineFromResults(output []byte) machine { return machineFromPrefix(output, metaPrefix) }

func machineFromPrefix(output []byte, prefix string) machine {
	var m machine
	for line := range strings.SplitSeq(string(output), "\n") {
		rest, ok := strings.CutPrefix(line, prefix)
		if !ok {
			continue
		}
		k, v, _ := strings.Cut(rest, "=")
		switch k {
		case "cpu":
			m.CPU = v
		case "cpus":
			fmt.Sscan(v, &m.CPUs)
		case "gomaxprocs":
			fmt.Sscan(v, &m.Procs)
		case "os":
			m.OS = v
		case "go":
			m.GoVersion = v
		case "date":
			m.Date = v
		case "command":
			m.Command = v
		case "load-before":
			m.LoadBefore = v
		case "load-after":
			m.LoadAfter = v
		case "duration":
			m.Duration, _ = time.ParseDuration(v)
		case "modules":
			m.Modules = v
		}
	}
	return m
}

// rotationMetaPrefix marks the description of a separate rotation run in
// results.txt, and rotationLine the lines of its results.
const (
	rotationMetaPrefix = "# rotation: "
	rotationLine       = "BenchmarkRotate/"
)

// runRotation runs the rotation benchmark alone and merges its results
// into the raw output at rawPath (which must exist: the other sections
// come from it).
func runRotation(count int, benchtime, rawPath string) error {
	saved, err := os.ReadFile(rawPath)
	if err != nil {
		return fmt.Errorf("-rotation merges into the saved results: %w", err)
	}
	m := probeMachine()
	m.Command = fmt.Sprintf("go -C bench run ./cmd/report -rotation -count %d -benchtime %s", count, benchtime)
	m.LoadBefore = loadavg()
	start := time.Now()
	out, err := goTest(".", "-run", "^$", "-bench", "^BenchmarkRotate$", "-benchmem",
		"-count", fmt.Sprint(count), "-benchtime", benchtime, ".")
	if err != nil {
		return err
	}
	m.LoadAfter = loadavg()
	m.Duration = time.Since(start).Round(time.Second)
	merged := mergeRotation(saved, out, m)
	if !bytes.Contains(merged, []byte(rotationLine)) {
		return fmt.Errorf("the rotation benchmark reported no results")
	}
	return os.WriteFile(rawPath, merged, 0o644)
}

// mergeRotation returns saved without its rotation lines and rotation
// description, followed by the description m and the rotation lines of out.
func mergeRotation(saved, out []byte, m machine) []byte {
	var b bytes.Buffer
	for line := range strings.Lines(string(saved)) {
		if !strings.HasPrefix(line, rotationLine) && !strings.HasPrefix(line, rotationMetaPrefix) {
			b.WriteString(line)
		}
	}
	if b.Len() > 0 && !bytes.HasSuffix(b.Bytes(), []byte("\n")) {
		b.WriteByte('\n')
	}
	b.Write(m.headerWith(rotationMetaPrefix))
	for line := range strings.Lines(string(out)) {
		if strings.HasPrefix(line, rotationLine) {
			b.WriteString(line)
		}
	}
	return b.Bytes()
}
