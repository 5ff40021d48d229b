package redislimit_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// The tests need a real Redis server. They use REDIS_ADDR when it is set
// (.ci/redis.sh sets it), else a redis-server started from PATH (or from
// REDIS_SERVER_BIN) on a free loopback port for the package's run. Without
// either they skip, except under CI=true, where they fail: CI must not skip
// them.

var shared struct {
	addr string // "" when no Redis could be had
	why  string // why not
	srv  *redisServer
}

// quietRedisLog drops go-redis's own log lines ("failed to dial ..."), which
// the outage tests provoke by the hundred.
type quietRedisLog struct{}

func (quietRedisLog) Printf(context.Context, string, ...any) {}

func TestMain(m *testing.M) {
	if os.Getenv("REDISLIMIT_TEST_VERBOSE") == "" {
		redis.SetLogger(quietRedisLog{})
	}
	if isChild() {
		os.Exit(childMain())
	}
	if addr := os.Getenv("REDIS_ADDR"); addr != "" {
		shared.addr = addr
	} else if bin, err := redisBinary(); err != nil {
		shared.why = err.Error()
	} else if srv, err := startRedisServer(bin, 0); err != nil {
		shared.why = "starting redis-server: " + err.Error()
	} else {
		shared.srv, shared.addr = srv, srv.Addr()
	}
	code := m.Run()
	if shared.srv != nil {
		shared.srv.Stop()
	}
	os.Exit(code)
}

// skipOrFail skips the test for want of Redis, or fails it under CI=true.
func skipOrFail(t testing.TB, why string) {
	t.Helper()
	msg := "no Redis for this test: " + why +
		" (set REDIS_ADDR, put redis-server on PATH, or run: source .ci/redis.sh)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + "; CI=true, so this is a failure, not a skip")
	}
	t.Skip(msg)
}

// sharedRedis returns the address of the package's Redis server.
func sharedRedis(t testing.TB) string {
	t.Helper()
	if shared.addr == "" {
		skipOrFail(t, shared.why)
	}
	return shared.addr
}

// newClient returns a client of addr, closed at the end of the test.
func newClient(t testing.TB, addr string) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{
		Addr:                  addr,
		ContextTimeoutEnabled: true,
		MaxRetries:            -1,
		DialerRetries:         1, // report a refused dial at once, as the outage tests want
		DialTimeout:           time.Second,
	})
	t.Cleanup(func() { c.Close() })
	return c
}

// uniquePrefix gives each test its own keys in the shared server.
func uniquePrefix(t testing.TB) string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "test:" + t.Name() + ":" + hex.EncodeToString(b)
}

func redisBinary() (string, error) {
	if bin := os.Getenv("REDIS_SERVER_BIN"); bin != "" {
		return bin, nil
	}
	if bin, err := exec.LookPath("redis-server"); err == nil {
		return bin, nil
	}
	for _, bin := range []string{"/usr/bin/redis-server", "/usr/local/bin/redis-server", "/usr/sbin/redis-server"} {
		if _, err := os.Stat(bin); err == nil {
			return bin, nil
		}
	}
	return "", fmt.Errorf("REDIS_ADDR is unset and no redis-server binary was found")
}

// dedicatedRedis starts a redis-server for this test alone (one it may stop
// and restart), stopped at the end of the test.
func dedicatedRedis(t testing.TB) *redisServer {
	t.Helper()
	bin, err := redisBinary()
	if err != nil {
		skipOrFail(t, err.Error()+" (this test stops and restarts its own server)")
	}
	srv, err := startRedisServer(bin, 0)
	if err != nil {
		t.Fatalf("starting redis-server: %v", err)
	}
	t.Cleanup(srv.Stop)
	return srv
}

// redisServer is a redis-server process started by the tests.
type redisServer struct {
	bin  string
	dir  string
	port int

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
}

// Addr is the server's loopback address.
func (s *redisServer) Addr() string { return "127.0.0.1:" + strconv.Itoa(s.port) }

// startRedisServer starts bin on port, or on a free loopback port when port
// is 0, and waits until it answers PING.
func startRedisServer(bin string, port int) (*redisServer, error) {
	dir, err := os.MkdirTemp("", "redislimit-test-")
	if err != nil {
		return nil, err
	}
	s := &redisServer{bin: bin, dir: dir}
	var lastErr error
	for try := 0; try < 5; try++ {
		s.port = port
		if port == 0 {
			if s.port, err = freePort(); err != nil {
				return nil, err
			}
		}
		if lastErr = s.Start(); lastErr == nil {
			return s, nil
		}
		if port != 0 {
			break
		}
	}
	os.RemoveAll(dir)
	return nil, lastErr
}

// Start (re)starts the server on its port.
func (s *redisServer) Start() error {
	cmd := exec.Command(s.bin,
		"--bind", "127.0.0.1", "--port", strconv.Itoa(s.port),
		"--save", "", "--appendonly", "no", "--daemonize", "no",
		"--dir", s.dir, "--logfile", filepath.Join(s.dir, "redis.log"))
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	s.mu.Lock()
	s.cmd, s.done = cmd, done
	s.mu.Unlock()

	c := redis.NewClient(&redis.Options{Addr: s.Addr(), MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-done:
			log, _ := os.ReadFile(filepath.Join(s.dir, "redis.log"))
			return fmt.Errorf("redis-server exited on port %d: %s", s.port, tail(string(log), 500))
		default:
		}
		if time.Now().After(deadline) {
			s.kill()
			return fmt.Errorf("redis-server on port %d did not answer PING: %v", s.port, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Kill stops the server abruptly (SIGKILL) and waits until it is gone.
func (s *redisServer) Kill() { s.kill() }

func (s *redisServer) kill() {
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	cmd.Process.Kill()
	<-done
}

// Stop kills the server and removes its directory.
func (s *redisServer) Stop() {
	s.kill()
	os.RemoveAll(s.dir)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
