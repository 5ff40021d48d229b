package main

import (
	"encoding/xml"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
)

const sampleOutput = `# report: cpu=Test CPU
# report: cpus=2
# report: go=go1.26.0
goos: linux
BenchmarkALBDissociate/seq/floor-2   	    8023	    100000 ns/op	     50000 cpu-ns/op	    5000 B/op	      60 allocs/op
BenchmarkALBDissociate/seq/floor-2   	    8023	    120000 ns/op	     70000 cpu-ns/op	    5000 B/op	      60 allocs/op
BenchmarkALBDissociate/seq/floor-2   	    8023	    300000 ns/op	     60000 cpu-ns/op	    5000 B/op	      60 allocs/op
BenchmarkALBDissociate/seq/ours-2    	    5593	    110000 ns/op	     60000 cpu-ns/op	    9000 B/op	      90 allocs/op
BenchmarkALBDissociate/seq/legacy-2  	    3543	    200000 ns/op	    150000 cpu-ns/op	   30000 B/op	     300 allocs/op
BenchmarkALBDissociate/seq/darabonba-2         	    3207	    220000 ns/op	    170000 cpu-ns/op	   40000 B/op	     600 allocs/op
BenchmarkALBDissociate/par64/floor-2   	    8023	    90000 ns/op	     50000 cpu-ns/op	    5000 B/op	      60 allocs/op
BenchmarkALBDissociate/par64/ours-2   	    8023	    200000 ns/op	     50000 cpu-ns/op	    5000 B/op	      60 allocs/op
BenchmarkSignV3/ours-2         	  899226	      2000 ns/op	    2392 B/op	      18 allocs/op
BenchmarkSignV3/raw-2          	  649108	      1600 ns/op	     608 B/op	       7 allocs/op
--- SKIP: BenchmarkALBDissociate/par8/legacy
PASS
`

func TestParseMedians(t *testing.T) {
	res := parse([]byte(sampleOutput))
	f := res["ALBDissociate/seq/floor"]
	if f.Runs != 3 || f.NsOp != 120000 || f.CPUOp != 60000 || !f.HasCPU || f.Allocs != 60 {
		t.Errorf("floor: %+v", f)
	}
	if s := res["SignV3/ours"]; s.NsOp != 2000 || s.HasCPU || s.BOp != 2392 {
		t.Errorf("SignV3/ours: %+v", s)
	}
	if len(res) != 8 {
		t.Errorf("%d results, want 8", len(res))
	}
	if m := median([]float64{4, 1, 3, 2}); m != 2.5 {
		t.Errorf("median = %v", m)
	}
}

func TestVerdicts(t *testing.T) {
	r := newReport(parse([]byte(sampleOutput)), machineFromResults([]byte(sampleOutput)))
	want := map[string]string{
		"ALB: time per call":       "**missed**", // 200000 at 64 callers vs 90000
		"ALB: allocations ≤ 2×":    "met",        // 90 vs 60
		"ALB: ≥ 3× fewer":          "met",        // legacy 300/90, 30000/9000
		"ALB: flat per-call cost":  "**missed**", // 200000 at 64 callers vs 110000 at 1
		"signing V3 ≤ 1.5×":        "met",        // 1.25
		"signing V1 ≤ 1.5×":        "no data",
		"GA: allocations ≤ 2×":     "no data",
		"ALB: time per call ≤ 1.1": "",
	}
	got := map[string]string{}
	for _, v := range append(append(r.targets("ALB"), r.targets("GA")...), r.signing()...) {
		for prefix := range want {
			if strings.HasPrefix(v.target, prefix) {
				got[prefix] = v.mark()
			}
		}
	}
	for prefix, w := range want {
		if w != "" && got[prefix] != w {
			t.Errorf("%s: %q, want %q", prefix, got[prefix], w)
		}
	}
}

func TestOutputs(t *testing.T) {
	r := newReport(parse([]byte(sampleOutput)), machineFromResults([]byte(sampleOutput)))
	md := r.markdown("bench/benchmarks.svg", "bench/results.txt")
	for _, s := range []string{"## Targets", "go -C bench run ./cmd/report", "Test CPU", "go1.26.0",
		"![Per-call", "| **ours (V3)** | 110.0 µs | 0.92× |"} {
		if !strings.Contains(md, s) {
			t.Errorf("markdown lacks %q", s)
		}
	}
	d := xml.NewDecoder(strings.NewReader(r.svg()))
	for {
		if _, err := d.Token(); err != nil {
			if !errors.Is(err, io.EOF) {
				t.Fatalf("the SVG is not well-formed XML: %v", err)
			}
			break
		}
	}
}

const rotationOutput = `BenchmarkRotate/ALB/defaults-2   	       1	 535208432 ns/op	       400.0 bound-ms	       100.0 job-ms	         0 busy-absorbed	         7.250 reads/change	         0 throttled-absorbed	         0 throttled-surfaced	         1.338 wall/bound	         0.1000 writes/cert
BenchmarkRotate/ALB/defaults-2   	       1	 564036138 ns/op	       400.0 bound-ms	       100.0 job-ms	         0 busy-absorbed	         6.800 reads/change	         2 throttled-absorbed	         0 throttled-surfaced	         1.410 wall/bound	         0.1000 writes/cert
BenchmarkRotate/ALB/defaults-2   	       1	 505571815 ns/op	       400.0 bound-ms	       100.0 job-ms	         0 busy-absorbed	         7.150 reads/change	         0 throttled-absorbed	         0 throttled-surfaced	         1.264 wall/bound	         0.1000 writes/cert
BenchmarkRotate/ALB/tuned-2      	       1	 460314902 ns/op	       400.0 bound-ms	       100.0 job-ms	         0 busy-absorbed	         7.450 reads/change	         0 throttled-absorbed	         0 throttled-surfaced	         1.151 wall/bound	         0.1000 writes/cert
`

func TestParseCustomMetrics(t *testing.T) {
	res := parse([]byte(rotationOutput))
	d := res["Rotate/ALB/defaults"]
	if d.Runs != 3 || d.NsOp != 535208432 || d.metric("wall/bound") != 1.338 || d.metric("reads/change") != 7.15 ||
		d.metric("writes/cert") != 0.1 || d.metric("throttled-absorbed") != 0 {
		t.Errorf("defaults: %+v", d)
	}
	if v := d.metric("no-such-unit"); v == v {
		t.Errorf("a metric not reported is %v, want NaN", v)
	}
	if n := len(res); n != 2 {
		t.Errorf("%d results, want 2", n)
	}
}

func TestRotationSection(t *testing.T) {
	out := sampleOutput + rotationOutput
	r := newReport(parse([]byte(out)), machineFromResults([]byte(out)))
	r.rotationRun = machineFromPrefix([]byte(out), rotationMetaPrefix)
	got := map[string]string{}
	for _, v := range r.rotationTargets() {
		got[strings.Fields(v.target)[1]+" "+strings.Fields(v.target)[2]] = v.mark()
	}
	want := map[string]string{
		"ALB/defaults: wall": "**missed**", // 1.338 > 1.2
		"ALB/tuned: wall":    "met",        // 1.151
		"(ALB): write":       "met",        // 0.1
		"0 throttled":        "met",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %q, want %q (all: %v)", k, got[k], w, got)
		}
	}
	md := r.markdown("bench/benchmarks.svg", "bench/results.txt")
	for _, s := range []string{"## Rotation", "Measured in the same run", "| 535 ms | 400 ms | 1.34× | 0.100 | 7.15 | 0 | 0.0 | 0.0 |",
		"| 460 ms | 400 ms | 1.15× |", "ALB by 70 (about 7 s per job", "200 per 857 ms", "compressed to 14 ms and 143 ms", "(25 ms; 1.75 s", "**GA is not measured yet**", "| 1.34× (535 ms vs 400 ms) | **missed** |", "| 1.15× (460 ms vs 400 ms) | met |", "Median of 3 runs"} {
		if !strings.Contains(md, s) {
			t.Errorf("markdown lacks %q", s)
		}
	}

	// Without rotation results, no section.
	r = newReport(parse([]byte(sampleOutput)), machineFromResults([]byte(sampleOutput)))
	if md := r.markdown("a.svg", "r.txt"); strings.Contains(md, "## Rotation") {
		t.Error("a Rotation section without rotation results")
	}
}

const gaRotationOutput = `BenchmarkRotate/GA/defaults-2   	       1	 677175142 ns/op	       500.0 bound-ms	         0 busy-absorbed	        50.00 job-ms	        33.33 lag-ms	         8.950 reads/change	         0 throttled-absorbed	         0 throttled-surfaced	         1.354 wall/bound	         0.2500 writes/cert
BenchmarkRotate/GA/expected-2   	       1	 554049920 ns/op	       500.0 bound-ms	         2 busy-absorbed	        50.00 job-ms	        33.33 lag-ms	         3.317 reads/change	         0 throttled-absorbed	         0 throttled-surfaced	         1.108 wall/bound	         0.3000 writes/cert
`

func TestRotationSectionWithGA(t *testing.T) {
	out := sampleOutput + rotationOutput + gaRotationOutput
	r := newReport(parse([]byte(out)), machineFromResults([]byte(out)))
	got := map[string]string{}
	for _, v := range r.rotationTargets() {
		got[strings.Fields(v.target)[1]+" "+strings.Fields(v.target)[2]] = v.mark()
	}
	want := map[string]string{
		"GA/defaults: wall": "**missed**", // 1.354
		"GA/expected: wall": "met",        // 1.108
		"(ALB): write":      "met",
		"(GA): write":       "**missed**", // 0.3 > 0.25
		"0 throttled":       "met",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %q, want %q (all: %v)", k, got[k], w, got)
		}
	}
	md := r.markdown("bench/benchmarks.svg", "bench/results.txt")
	for _, s := range []string{"- **GA**: on each listener", "GA by 300 (15 s per change", "becomes 33 ms)", "(GA: per 200 ms)",
		"(GA: 3 ms and 33 ms)", ", GA 21 ms;", "6 changes × (50 ms + 33 ms) = 500 ms", "Bound: 500 ms.",
		"| GA, the SDK's default waiter delays, compressed | 677 ms | 500 ms | 1.35× | 0.250 | 8.95 | 0 | 0.0 | 0.0 |",
		"| GA, first poll at the change's end, then every tenth change | 554 ms | 500 ms | 1.11× | 0.300 | 3.32 | 0 | 0.0 | 2.0 |",
		"GA/defaults: 0.250; GA/expected: 0.300", "the least is 3.17"} {
		if !strings.Contains(md, s) {
			t.Errorf("markdown lacks %q", s)
		}
	}
	if got := r.rotationKeys(); !slices.Equal(got, []string{"ALB/defaults", "ALB/tuned", "GA/defaults", "GA/expected"}) {
		t.Errorf("rows in the order %v", got)
	}
	if strings.Contains(md, "GA is not measured yet") {
		t.Error("GA is measured")
	}
}

func TestMergeRotation(t *testing.T) {
	old := sampleOutput + "# rotation: date=old\n" + "BenchmarkRotate/ALB/tuned-2 1 1 ns/op 9 wall/bound\n"
	m := machine{Date: "2026-12-01 10:00 UTC", Command: "go -C bench run ./cmd/report -rotation", LoadBefore: "1 1 1", LoadAfter: "2 2 2"}
	merged := mergeRotation([]byte(old), []byte("goos: linux\n"+rotationOutput+"PASS\nok bench 3s\n"), m)
	s := string(merged)
	if strings.Contains(s, "date=old") || strings.Contains(s, "9 wall/bound") || strings.Contains(s, "PASS\nok bench") {
		t.Errorf("the old rotation lines or the new run's chatter remain:\n%s", s)
	}
	if !strings.HasPrefix(s, sampleOutput) {
		t.Error("the other results were not kept as they were")
	}
	res := parse(merged)
	if res["Rotate/ALB/defaults"].Runs != 3 || res["ALBDissociate/seq/floor"].Runs != 3 {
		t.Errorf("merged results: %v", res)
	}
	r := newReport(res, machineFromResults(merged))
	r.rotationRun = machineFromPrefix(merged, rotationMetaPrefix)
	md := r.markdown("a.svg", "r.txt")
	for _, want := range []string{"**Measured separately**", "2026-12-01 10:00 UTC", "`go -C bench run ./cmd/report -rotation`", "before 1 1 1, after 2 2 2"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	if r.m.Date != "" || r.m.CPU != "Test CPU" {
		t.Errorf("the main run's description was changed: %+v", r.m)
	}
}
