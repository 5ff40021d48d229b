package main

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// sample is the median of the runs of one benchmark. A metric the
// benchmark did not report is NaN-free zero with has* false.
type sample struct {
	Runs   int
	NsOp   float64
	CPUOp  float64 // client CPU time per op (cpu-ns/op), bench/ only
	BOp    float64
	Allocs float64
	HasCPU bool
	// Metrics are the medians of every unit reported, the custom ones
	// (b.ReportMetric: "wall/bound", "writes/cert", ...) included.
	Metrics map[string]float64
}

var procSuffix = regexp.MustCompile(`-\d+$`)

// parse reads go test -bench output and returns the median of each
// benchmark's runs, keyed by name without the GOMAXPROCS suffix
// ("ALBDissociate/seq/ours").
func parse(output []byte) map[string]sample {
	runs := map[string]map[string][]float64{}
	for line := range strings.SplitSeq(string(output), "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue // not a result line
		}
		name := procSuffix.ReplaceAllString(strings.TrimPrefix(f[0], "Benchmark"), "")
		if runs[name] == nil {
			runs[name] = map[string][]float64{}
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				break
			}
			runs[name][f[i+1]] = append(runs[name][f[i+1]], v)
		}
	}
	out := make(map[string]sample, len(runs))
	for name, m := range runs {
		s := sample{Runs: len(m["ns/op"]), NsOp: median(m["ns/op"]), BOp: median(m["B/op"]), Allocs: median(m["allocs/op"])}
		s.Metrics = make(map[string]float64, len(m))
		for unit, v := range m {
			s.Metrics[unit] = median(v)
		}
		if cpu := m["cpu-ns/op"]; len(cpu) > 0 {
			s.CPUOp, s.HasCPU = median(cpu), true
		}
		out[name] = s
	}
	return out
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	} else {
		return (s[n/2-1] + s[n/2]) / 2
	}
}
