package bench

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/listenercerts/alicloud/alicloudtest"
)

// The wire identity of the operations measured.
const (
	region        = alicloudtest.Region // "cn-hangzhou"
	albVersion    = "2020-06-16"
	gaVersion     = "2019-11-20"
	dissociate    = "DissociateAdditionalCertificatesFromListener"
	gaAccelerator = "ga-bench"
	gaDomainA     = "a.example.com"
	gaDomainB     = "b.example.com"
)

// target is where and as whom a contender sends: an emulator's base URL,
// its host:port, and an AccessKey (token set for STS credentials).
type target struct {
	url, host            string
	keyID, secret, token string
}

func targetOf(srv *alicloudtest.Server) target {
	return target{url: srv.URL, host: strings.TrimPrefix(srv.URL, "http://"), keyID: srv.AccessKeyID, secret: srv.AccessKeySecret}
}

// emulatorOptions are the options of every emulator the benchmarks use:
// signature checking ON (the default), no server-side rate limit, and
// dissociations that complete before the answer, so that a listener is
// Running (a GA accelerator active) again at once.
func emulatorOptions() []alicloudtest.Option {
	return []alicloudtest.Option{
		alicloudtest.WithRateLimit("", 0, 0),
		alicloudtest.WithALBDissociateDelay(0),
		alicloudtest.WithGADissociateDelay(0),
	}
}

// newEmulator starts an in-process emulator (for the conformance test).
func newEmulator(tb testing.TB, opts ...alicloudtest.Option) *alicloudtest.Server {
	tb.Helper()
	srv := alicloudtest.NewServer(append(emulatorOptions(), opts...)...)
	tb.Cleanup(srv.Close)
	return srv
}

// albItem is the input of one ALB call: a listener seeded for that call
// alone, two of its additional certificates, and a fresh ClientToken. Every
// contender sends exactly these parameters.
type albItem struct {
	Listener string
	Certs    []string
	Token    string
}

// gaItem is the input of one GA call: a listener of the shared accelerator
// with two domains, both removed by the call.
type gaItem struct {
	Accelerator string
	Listener    string
	Domains     []string
	Token       string
}

// albSeed returns n HTTPS listeners, Running, each with a default and two
// additional certificates, and the n call inputs that dissociate them.
// prefix keeps the ids of separate runs on one emulator apart.
func albSeed(prefix string, n int) (alicloudtest.SeedALB, []albItem) {
	items := make([]albItem, n)
	seed := alicloudtest.SeedALB{Listeners: make([]alicloudtest.ALBListener, n)}
	for i := range items {
		id := prefix + strconv.Itoa(i)
		items[i] = albItem{
			Listener: "lsn-" + id,
			Certs:    []string{"cert-" + id + "-a", "cert-" + id + "-b"},
			Token:    "tok-" + id,
		}
		seed.Listeners[i] = alicloudtest.ALBListener{
			ID: items[i].Listener, Protocol: "HTTPS", DefaultCertificateID: "cert-" + id + "-default",
			AdditionalCertificateIDs: items[i].Certs,
		}
	}
	return seed, items
}

// gaSeed returns the accelerator (when withAccelerator) and n https
// listeners of it with two domains each, and the n call inputs.
func gaSeed(prefix string, n int, withAccelerator bool) (alicloudtest.SeedGA, []gaItem) {
	items := make([]gaItem, n)
	seed := alicloudtest.SeedGA{Listeners: make([]alicloudtest.GAListener, n)}
	if withAccelerator {
		seed.Accelerators = []alicloudtest.GAAccelerator{{ID: gaAccelerator}}
	}
	for i := range items {
		id := prefix + strconv.Itoa(i)
		items[i] = gaItem{
			Accelerator: gaAccelerator,
			Listener:    "lsr-" + id,
			Domains:     []string{gaDomainA, gaDomainB},
			Token:       "tok-" + id,
		}
		seed.Listeners[i] = alicloudtest.GAListener{
			ID: items[i].Listener, AcceleratorID: gaAccelerator, Protocol: "https", DefaultCertificateID: "cert-" + id + "-default",
			AdditionalCertificates: map[string]string{gaDomainA: "cert-" + id + "-a", gaDomainB: "cert-" + id + "-b"},
		}
	}
	return seed, items
}

// seedALB seeds an in-process emulator and returns the call inputs.
func seedALB(tb testing.TB, srv *alicloudtest.Server, prefix string, n int) []albItem {
	tb.Helper()
	s, items := albSeed(prefix, n)
	if err := srv.LoadSeed(alicloudtest.Seed{ALB: s}); err != nil {
		tb.Fatal(err)
	}
	return items
}

// seedGA seeds an in-process emulator and returns the call inputs.
func seedGA(tb testing.TB, srv *alicloudtest.Server, prefix string, n int) []gaItem {
	tb.Helper()
	_, exists := srv.GA.Accelerator(gaAccelerator)
	s, items := gaSeed(prefix, n, !exists)
	if err := srv.LoadSeed(alicloudtest.Seed{GA: s}); err != nil {
		tb.Fatal(err)
	}
	return items
}

// sts issues STS credentials on an in-process emulator.
func sts(srv *alicloudtest.Server) target {
	t := targetOf(srv)
	t.keyID, t.secret, t.token = srv.IssueSTS(time.Hour)
	return t
}
