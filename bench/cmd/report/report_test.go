package main

import (
	"encoding/xml"
	"errors"
	"io"
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
