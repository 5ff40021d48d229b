//go:build race

package transport

// allocsWithoutObserver is what a canned call allocated before the observer
// hooks existed (go1.26); the race detector adds its own.
const allocsWithoutObserver float64 = 47
