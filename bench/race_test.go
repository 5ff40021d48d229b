//go:build race

package bench

// raceEnabled reports whether the race detector is on: the official SDKs'
// concurrent benchmarks are skipped then (see contender.racy).
const raceEnabled = true
