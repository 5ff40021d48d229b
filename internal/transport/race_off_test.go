//go:build !race

package transport

// allocsWithoutObserver is what a canned call allocated before the observer
// hooks existed (go1.26, BenchmarkDoObserver/nil).
const allocsWithoutObserver float64 = 45
