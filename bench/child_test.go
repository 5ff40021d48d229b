package bench

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/listenercerts/alicloud/alicloudtest"
)

// The benchmarks run the emulator in a child process (this test binary,
// re-executed): allocs/op and B/op then count the client's work alone, and
// the server's cost, the same for every contender, stays in ns/op only.
//
// The child serves the emulator on one port and a control API on another:
//
//	POST /reset?prefix=P&alb=N&ga=M  a fresh emulator seeded with N ALB and M GA listeners (albSeed, gaSeed)
//	GET  /stats                      the emulator's alicloudtest.Stats
//
// It exits when its standard input closes, that is when the parent exits.

const (
	childEnv       = "ALICLOUD_BENCH_EMULATOR"
	childKeyID     = "LTAIbenchAccessKeyId01"
	childKeySecret = "benchAccessKeySecret0123456789"
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		if err := runChild(); err != nil {
			fmt.Fprintln(os.Stderr, "emulator child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	code := m.Run()
	stopChild()
	os.Exit(code)
}

func runChild() error {
	debug.SetGCPercent(400) // the server's GC is shared cost: keep it rare and its noise low
	opts := append(emulatorOptions(), alicloudtest.WithAccessKey(childKeyID, childKeySecret))
	var cur atomic.Pointer[alicloudtest.Emulator]
	cur.Store(alicloudtest.New(opts...))

	api, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	ctl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go http.Serve(api, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cur.Load().ServeHTTP(w, r)
	}))
	mux := http.NewServeMux()
	mux.HandleFunc("POST /reset", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		nALB, _ := strconv.Atoi(q.Get("alb"))
		nGA, _ := strconv.Atoi(q.Get("ga"))
		e := alicloudtest.New(opts...)
		albS, _ := albSeed(q.Get("prefix"), nALB)
		gaS, _ := gaSeed(q.Get("prefix"), nGA, true)
		if err := e.LoadSeed(alicloudtest.Seed{ALB: albS, GA: gaS}); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if old := cur.Swap(e); old != nil {
			old.Close()
		}
		runtime.GC() // the seeding garbage, before the timer starts
	})
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(cur.Load().Stats())
	})
	go http.Serve(ctl, mux)

	fmt.Printf("%s %s\n", api.Addr(), ctl.Addr())
	_, _ = io.Copy(io.Discard, os.Stdin) // until the parent goes away
	return nil
}

// child is the parent's handle on the emulator process.
type child struct {
	cmd     *exec.Cmd
	stdin   io.Closer
	api     string // host:port
	control string // base URL
}

var (
	childOnce sync.Once
	theChild  *child
	childErr  error
)

// emulatorChild starts the child on first use.
func emulatorChild(tb testing.TB) *child {
	tb.Helper()
	childOnce.Do(func() { theChild, childErr = startChild() })
	if childErr != nil {
		tb.Fatal(childErr)
	}
	return theChild
}

func startChild() (*child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "-test.run=^$", "-test.bench=^$")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		_ = cmd.Process.Kill()
		return nil, fmt.Errorf("emulator child did not start: %w", err)
	}
	var api, ctl string
	if _, err := fmt.Sscan(line, &api, &ctl); err != nil {
		_ = cmd.Process.Kill()
		return nil, fmt.Errorf("emulator child said %q: %w", line, err)
	}
	return &child{cmd: cmd, stdin: stdin, api: api, control: "http://" + ctl}, nil
}

func stopChild() {
	if theChild == nil {
		return
	}
	_ = theChild.stdin.Close()
	done := make(chan struct{})
	go func() { _ = theChild.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = theChild.cmd.Process.Kill()
	}
}

// target is where the contenders send, with the child's fixed AccessKey.
func (c *child) target() target {
	return target{url: "http://" + c.api, host: c.api, keyID: childKeyID, secret: childKeySecret}
}

var resetSeq atomic.Int64

// resetALB replaces the child's emulator by a fresh one seeded with n ALB
// listeners and returns their call inputs.
func (c *child) resetALB(tb testing.TB, n int) []albItem {
	prefix := c.reset(tb, n, 0)
	_, items := albSeed(prefix, n)
	return items
}

// resetGA is resetALB for GA listeners.
func (c *child) resetGA(tb testing.TB, n int) []gaItem {
	prefix := c.reset(tb, 0, n)
	_, items := gaSeed(prefix, n, true)
	return items
}

func (c *child) reset(tb testing.TB, nALB, nGA int) string {
	tb.Helper()
	prefix := "r" + strconv.FormatInt(resetSeq.Add(1), 10) + "-"
	q := url.Values{"prefix": {prefix}, "alb": {strconv.Itoa(nALB)}, "ga": {strconv.Itoa(nGA)}}
	resp, err := http.Post(c.control+"/reset?"+q.Encode(), "", nil)
	if err != nil {
		tb.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("reset: HTTP %d: %s", resp.StatusCode, body)
	}
	return prefix
}

// stats returns the child emulator's counters.
func (c *child) stats(tb testing.TB) alicloudtest.Stats {
	tb.Helper()
	resp, err := http.Get(c.control + "/stats")
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var s alicloudtest.Stats
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		tb.Fatal(err)
	}
	return s
}
