package main

// Process-level tests: the listenercerts and alicloud-emulator binaries,
// built into a temporary directory, run as real processes talking over
// loopback. They check wiring, output and exit codes; behaviour is tested
// in the library.

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/alb"
	"github.com/listenercerts/alicloud/ga"
)

const (
	testKeyID     = "AK-listenercerts-test"
	testKeySecret = "SK-listenercerts-test"
	testSeed      = `{"alb": {"listeners": [
	    {"id": "lsn-1", "protocol": "HTTPS", "defaultCertificateId": "c0", "certificates": ["c1", "c2", "c3"]}]},
	  "ga": {"accelerators": [{"id": "ga-1"}],
	    "listeners": [{"id": "lsr-1", "acceleratorId": "ga-1", "certificates": {"a.com": "x1", "b.com": "x2", "c.com": "x3"}}]}}`
)

var binaries struct {
	once          sync.Once
	dir, cli, emu string
	err           error
}

// buildBinaries builds both programs once per test binary.
func buildBinaries(t *testing.T) (cli, emu string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs processes; skipped with -short")
	}
	binaries.once.Do(func() {
		statSources()
		dir, err := os.MkdirTemp("", "listenercerts-test-")
		if err != nil {
			binaries.err = err
			return
		}
		binaries.dir = dir
		exe := ""
		if runtime.GOOS == "windows" {
			exe = ".exe"
		}
		binaries.cli, binaries.emu = filepath.Join(dir, "listenercerts"+exe), filepath.Join(dir, "alicloud-emulator"+exe)
		for _, b := range [][2]string{{binaries.cli, "."}, {binaries.emu, "../alicloud-emulator"}} {
			out, err := exec.Command("go", "build", "-o", b[0], b[1]).CombinedOutput()
			if err != nil {
				binaries.err = fmt.Errorf("go build %s: %v\n%s", b[1], err, out)
				return
			}
		}
	})
	require.NoError(t, binaries.err)
	return binaries.cli, binaries.emu
}

// statSources stats every Go file of the module, so that go test's cache
// sees a change to what the binaries are built from (it records the files
// a test looks at, not those the go build it runs reads).
func statSources() {
	_ = filepath.WalkDir("../..", func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".go") {
			_, _ = os.Stat(path)
		}
		return nil
	})
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binaries.dir != "" {
		os.RemoveAll(binaries.dir)
	}
	os.Exit(code)
}

var urlRE = regexp.MustCompile(`http://127\.0\.0\.1:\d+`)

// startEmulator runs the standalone emulator on a random loopback port,
// seeded with testSeed, and returns its URL.
func startEmulator(t *testing.T, extra ...string) string {
	t.Helper()
	_, emu := buildBinaries(t)
	seed := filepath.Join(t.TempDir(), "seed.json")
	require.NoError(t, os.WriteFile(seed, []byte(testSeed), 0o600))
	args := append([]string{"-addr", "127.0.0.1:0", "-seed", seed, "-access-key-id", testKeyID,
		"-access-key-secret", testKeySecret, "-rate-limit", "off", "-alb-delay", "200ms", "-ga-delay", "200ms"}, extra...)
	cmd := exec.Command(emu, args...)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			t.Errorf("the emulator did not stop on SIGTERM")
		}
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u := urlRE.FindString(sc.Text()); u != "" {
				found <- u
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case u := <-found:
		return u
	case <-time.After(20 * time.Second):
		t.Fatalf("the emulator printed no URL; stderr: %s", stderr.String())
		return ""
	}
}

type result struct {
	stdout, stderr string
	code           int
}

// cli runs listenercerts with the emulator's AccessKey in the environment,
// a temporary HOME and the ECS metadata lookup off.
func cli(t *testing.T, env []string, args ...string) result {
	t.Helper()
	bin, _ := buildBinaries(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append([]string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "ALIBABA_CLOUD_ECS_METADATA_DISABLED=true"}, env...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else {
		require.NoError(t, err)
	}
	t.Logf("listenercerts %s\nexit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, stdout.String(), stderr.String())
	return result{stdout.String(), stderr.String(), code}
}

var withKey = []string{"ALIBABA_CLOUD_ACCESS_KEY_ID=" + testKeyID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET=" + testKeySecret}

// cliAt runs listenercerts against the emulator at url.
func cliAt(t *testing.T, url string, args ...string) result {
	t.Helper()
	return cli(t, withKey, append([]string{"-endpoint", url, "-region", "cn-hangzhou"}, args...)...)
}

func decode[T any](t *testing.T, r result) T {
	t.Helper()
	var v T
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&v), "stdout: %s", r.stdout)
	require.False(t, dec.More(), "one JSON object on stdout: %s", r.stdout)
	return v
}

func sdkConfig(url string) alicloud.Config {
	return alicloud.Config{Region: "cn-hangzhou", Endpoint: url, Credentials: alicloud.StaticCredentials(testKeyID, testKeySecret, "")}
}

func TestProcessUsageErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args  []string
		flags []string // named in the messages
	}{
		{[]string{"alb", "dissociate", "-region", "r"}, []string{"-listener", "-cert"}},
		{[]string{"alb", "associate", "-region", "r", "-listener", "l"}, []string{"-cert"}},
		{[]string{"alb", "rotate", "-region", "r"}, []string{"-listener", "-add or -remove"}},
		{[]string{"alb", "list"}, []string{"-listener", "-region"}},
		{[]string{"ga", "dissociate", "-accelerator", "a"}, []string{"-listener", "-domain"}},
		{[]string{"ga", "associate", "-accelerator", "a", "-listener", "l", "-cert", "x1"}, []string{"-cert"}},
		{[]string{"ga", "rotate", "-listener", "l", "-set", "a.com"}, []string{"-accelerator", "-set"}},
		{[]string{"ga", "list", "-listener", "l"}, []string{"-accelerator"}},
		{[]string{"ga", "associate", "-listener", "l", "-cert", "a.com=x1", "-dry-run"}, []string{"-accelerator", "unknown flag -dry-run: GA has no dry run"}},
		{[]string{"ga", "rotate", "-accelerator", "a", "-listener", "l", "-set", "a.com=x1,b.com"}, []string{`-set: invalid value "a.com=x1,b.com": want DOMAIN=ID`}},
		{[]string{"ga", "rotate", "-accelerator", "a", "-listener", "l", "-set", "a.com=x1", "-remove", "A.com"}, []string{"-remove A.com: the domain is also in -set"}},
		{[]string{"ga", "rotate", "-accelerator", "a", "-listener", "l", "-set", "a.com=x1", "-set", "A.com=x2"}, []string{"-set: domain A.com given twice"}},
		{[]string{"ga", "rotate", "-accelerator", "a", "-listener", "l", "-set", "a.com=x1", "-wait", "0"}, []string{"-wait must be positive"}},
		{[]string{"-output", "xml", "-wait", "later", "ga", "list", "-accelerator", "a", "-listener", "l"}, []string{"-output", "-wait"}},
		{[]string{"ga", "list", "-accelerator", "a", "-listener", "l", "stray"}, []string{`"stray"`}},
		{[]string{"-region", "r", "alb", "list", "-listener", "l", "-domain", "a.com"}, []string{"-domain"}},
	} {
		r := cli(t, withKey, tc.args...)
		assert.Equal(t, exitUsage, r.code, "%q", tc.args)
		assert.Empty(t, r.stdout)
		for _, f := range tc.flags {
			assert.Contains(t, r.stderr, f, "%q", tc.args)
		}
		assert.Contains(t, r.stderr, "usage: listenercerts [global flags] "+slicesIndex(tc.args, "alb", "ga"), "%q", tc.args)
	}
	// Input the SDK rejects before sending is a usage error too, named by its flag.
	r := cli(t, withKey, "-endpoint", "http://127.0.0.1:9", "-region", "cn-hangzhou", "alb", "dissociate", "-listener", "l", "-cert", "c1,c1")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "listenercerts: -cert: ")
}

func slicesIndex(args []string, words ...string) string {
	for i, a := range args {
		for _, w := range words {
			if a == w {
				return strings.Join(args[i:i+2], " ")
			}
		}
	}
	return ""
}

func TestProcessNoCredentials(t *testing.T) {
	t.Parallel()
	r := cli(t, nil, "-endpoint", "http://127.0.0.1:9", "ga", "list", "-accelerator", "ga-1", "-listener", "lsr-1")
	assert.Equal(t, exitFailed, r.code)
	assert.Contains(t, r.stderr, "listenercerts: no credentials")
	assert.Regexp(t, "(?i)set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET", r.stderr)
	assert.Empty(t, r.stdout)

	// A bad -endpoint or -region is a usage error, found before the credentials are looked for.
	for _, args := range [][]string{
		{"-endpoint", "ftp://127.0.0.1:9", "ga", "list", "-accelerator", "ga-1", "-listener", "lsr-1"},
		{"-endpoint", "http://127.0.0.1:9/path", "-region", "cn-hangzhou", "alb", "list", "-listener", "lsn-1"},
		{"-region", "cn hangzhou/x", "alb", "list", "-listener", "lsn-1"},
	} {
		r = cli(t, nil, args...)
		assert.Equal(t, exitUsage, r.code, "%q", args)
		assert.Regexp(t, `listenercerts: -(endpoint|region): `, r.stderr, "%q", args)
		assert.NotContains(t, r.stderr, "listenercerts: no credentials", "%q", args)
	}
}

func TestProcessALB(t *testing.T) {
	t.Parallel()
	url := startEmulator(t)

	r := cliAt(t, url, "alb", "list", "-listener", "lsn-1")
	require.Equal(t, exitOK, r.code)
	assert.Regexp(t, `(?m)^c1\s+Server\s+no\s+Associated$`, r.stdout)
	list := decode[alb.ListListenerCertificatesOutput](t, cliAt(t, url, "-output", "json", "alb", "list", "-listener", "lsn-1"))
	assert.Len(t, list.Certificates, 4)

	r = cliAt(t, url, "-output", "json", "alb", "dissociate", "-listener", "lsn-1", "-cert", "c1", "-dry-run")
	require.Equal(t, exitOK, r.code)
	dry := decode[alb.DissociateAdditionalCertificatesFromListenerOutput](t, r)
	assert.True(t, dry.DryRunPassed)

	r = cliAt(t, url, "-output", "json", "alb", "dissociate", "-listener", "lsn-1", "-cert", "c1", "-cert", "c2")
	require.Equal(t, exitOK, r.code)
	out := decode[alb.DissociateAdditionalCertificatesFromListenerOutput](t, r)
	assert.Contains(t, r.stdout, `"AlreadyDissociated": []`, "an empty list is [], not null")
	assert.NotContains(t, r.stdout, "null")
	assert.NotEmpty(t, out.JobID)
	assert.Contains(t, r.stderr, "client token "+out.ClientToken)
	assert.Contains(t, r.stderr, "done: certificates of listener lsn-1", "plain progress lines when stderr is not a terminal")
	assert.NotContains(t, r.stderr, "\r")

	// A certificate never on the listener: nothing is sent, and the output says so.
	r = cliAt(t, url, "alb", "dissociate", "-listener", "lsn-1", "-cert", "c9")
	require.Equal(t, exitOK, r.code)
	assert.Equal(t, "nothing sent: c9 is not on lsn-1 (already dissociated)\n", r.stdout)
	assert.NotContains(t, r.stderr, "dissociating c9")
	r = cliAt(t, url, "-output", "json", "alb", "dissociate", "-listener", "lsn-1", "-cert", "c9")
	require.Equal(t, exitOK, r.code)
	assert.Contains(t, r.stdout, `"AlreadyDissociated": [`)
	assert.Empty(t, decode[alb.DissociateAdditionalCertificatesFromListenerOutput](t, r).ClientToken, "nothing sent")

	r = cliAt(t, url, "-wait", "0", "alb", "dissociate", "-listener", "lsn-1", "-cert", "c3")
	require.Equal(t, exitOK, r.code)
	assert.Contains(t, r.stdout, "accepted: dissociating c3 from lsn-1; not waited for (-wait 0)")
	assert.NotContains(t, r.stderr, "waiting for")

	// The service refuses: exit 1, code, message, request id and diagnosis link.
	r = cliAt(t, url, "alb", "dissociate", "-listener", "lsn-404", "-cert", "c1")
	assert.Equal(t, exitFailed, r.code)
	assert.Contains(t, r.stderr, "refused: ResourceNotFound.Listener (HTTP 404)")
	assert.Regexp(t, `request id: [0-9A-F-]{36}`, r.stderr)
	assert.Contains(t, r.stderr, "diagnosis:  https://api.aliyun.com/troubleshoot?q=ResourceNotFound.Listener")
	assert.Empty(t, r.stdout)
	// With -output json, a failure is one object too: its Error.
	r = cliAt(t, url, "-output", "json", "alb", "dissociate", "-listener", "lsn-404", "-cert", "c1")
	assert.Equal(t, exitFailed, r.code)
	failed := decode[struct{ Error jsonError }](t, r)
	assert.Equal(t, "ResourceNotFound.Listener", failed.Error.Code)
	assert.Equal(t, 404, failed.Error.HTTPStatus)
	assert.Regexp(t, `^[0-9A-F-]{36}$`, failed.Error.RequestID)
	assert.Contains(t, failed.Error.Recommend, "https://api.aliyun.com/troubleshoot?q=ResourceNotFound.Listener")
	assert.NotEmpty(t, failed.Error.Message)
	assert.Empty(t, failed.Error.ClientToken, "nothing was sent: nothing to resume")
	assert.Contains(t, r.stdout, "&product=Alb", "no HTML escapes")

	// -v logs every attempt.
	r = cliAt(t, url, "-v", "alb", "list", "-listener", "lsn-1")
	require.Equal(t, exitOK, r.code)
	assert.Contains(t, r.stderr, "action=ListListenerCertificates attempt=1 status=200")
	assert.NotContains(t, r.stderr, testKeySecret)
}

func TestProcessGA(t *testing.T) {
	t.Parallel()
	url := startEmulator(t)

	list := decode[ga.ListListenerCertificatesOutput](t, cliAt(t, url, "-output", "json", "ga", "list", "-accelerator", "ga-1", "-listener", "lsr-1"))
	assert.Len(t, list.Certificates, 3)
	r := cliAt(t, url, "ga", "list", "-accelerator", "ga-1", "-listener", "lsr-1")
	require.Equal(t, exitOK, r.code)
	assert.Regexp(t, `(?m)^a\.com\s+x1\s+no\s+active$`, r.stdout)

	r = cli(t, withKey, "-endpoint", url, "-output", "json", "ga", "dissociate", "-accelerator", "ga-1", "-listener", "lsr-1", "-domain", "a.com,b.com")
	require.Equal(t, exitOK, r.code, "no -region for ga")
	out := decode[ga.DissociateAdditionalCertificatesFromListenerOutput](t, r)
	assert.NotEmpty(t, out.RequestID)
	assert.Contains(t, r.stderr, "done: the change of listener lsr-1 to take effect")

	list = decode[ga.ListListenerCertificatesOutput](t, cliAt(t, url, "-output", "json", "ga", "list", "-accelerator", "ga-1", "-listener", "lsr-1"))
	var domains []string
	for _, c := range list.Certificates {
		domains = append(domains, c.Domain)
	}
	assert.Equal(t, []string{"c.com"}, domains)

	r = cliAt(t, url, "ga", "dissociate", "-accelerator", "ga-1", "-listener", "lsr-1", "-domain", "a.com")
	require.Equal(t, exitOK, r.code)
	assert.Equal(t, "nothing sent: a.com has no additional certificate on lsr-1 (already dissociated); the listener is active\n", r.stdout)
	r = cliAt(t, url, "ga", "dissociate", "-accelerator", "ga-1", "-listener", "lsr-1", "-domain", "a.com,c.com")
	require.Equal(t, exitOK, r.code)
	assert.Regexp(t, `^dissociated from lsr-1: the certificates of c\.com; the listener is active\nalready dissociated \(not sent\): a\.com\nrequest `, r.stdout)

	r = cliAt(t, url, "ga", "dissociate", "-accelerator", "ga-1", "-listener", "lsr-404", "-domain", "a.com")
	assert.Equal(t, exitFailed, r.code)
	// DissociateAndWait first checks that the listener and accelerator are active: the read is refused, nothing was sent.
	assert.Contains(t, r.stderr, "ga DescribeListener refused: NotExist.Listener")
	assert.Contains(t, r.stderr, "diagnosis:  https://")
	assert.NotContains(t, r.stderr, "resume with", "nothing was accepted")
}

var tokenRE = regexp.MustCompile(`resume with -client-token (\S+)`)

// A wait that times out exits 3 with the command that resumes; that
// command finishes the work without acting twice.
func TestProcessWaitTimeoutResumesALB(t *testing.T) {
	t.Parallel()
	url := startEmulator(t, "-alb-delay", "2s")
	r := cliAt(t, url, "-wait", "300ms", "-output", "json", "alb", "dissociate", "-listener", "lsn-1", "-cert", "c2")
	require.Equal(t, exitTimeout, r.code)
	firstRun := decode[struct {
		alb.DissociateAdditionalCertificatesFromListenerOutput
		Error jsonError
	}](t, r)
	first := firstRun.DissociateAdditionalCertificatesFromListenerOutput
	assert.Equal(t, first.ClientToken, firstRun.Error.ClientToken, "the token to resume with")
	assert.Contains(t, firstRun.Error.Message, "still pending")
	assert.Contains(t, r.stderr, "still pending")
	m := tokenRE.FindStringSubmatch(r.stderr)
	require.NotNil(t, m, r.stderr)
	assert.Equal(t, first.ClientToken, m[1])
	resume := r.stderr[strings.LastIndex(r.stderr, "listenercerts -endpoint"):]
	args := strings.Fields(strings.TrimSpace(resume))[1:]
	args[slicesPos(args, "-wait")+1] = "30s"

	r = cli(t, withKey, args...)
	require.Equal(t, exitOK, r.code)
	again := decode[alb.DissociateAdditionalCertificatesFromListenerOutput](t, r)
	if again.JobID != "" {
		assert.Equal(t, first.JobID, again.JobID, "the service replayed the first call")
	} else {
		assert.Equal(t, []string{"c2"}, again.AlreadyDissociated, "seen dissociating: not sent again")
	}

	client, err := alb.New(sdkConfig(url))
	require.NoError(t, err)
	jobs, err := client.ListAsynJobs(t.Context(), &alb.ListAsynJobsInput{ResourceIDs: []string{"lsn-1"}})
	require.NoError(t, err)
	assert.Len(t, jobs.Jobs, 1, "one job: acted once")
}

func TestProcessWaitTimeoutResumesGA(t *testing.T) {
	t.Parallel()
	url := startEmulator(t, "-ga-delay", "2s")
	r := cliAt(t, url, "-wait", "300ms", "ga", "dissociate", "-accelerator", "ga-1", "-listener", "lsr-1", "-domain", "c.com")
	require.Equal(t, exitTimeout, r.code)
	assert.Contains(t, r.stderr, "still pending: listener lsr-1")
	m := tokenRE.FindStringSubmatch(r.stderr)
	require.NotNil(t, m, r.stderr)

	// The re-run first waits for the interrupted change to take effect, then
	// finds c.com gone: it sends nothing (no token), and c.com was acted on once.
	r = cliAt(t, url, "-wait", "30s", "-output", "json", "ga", "dissociate", "-accelerator", "ga-1", "-listener", "lsr-1",
		"-domain", "c.com", "-client-token", m[1])
	require.Equal(t, exitOK, r.code)
	again := decode[ga.DissociateAdditionalCertificatesFromListenerOutput](t, r)
	assert.Equal(t, []string{"c.com"}, again.AlreadyDissociated)
	assert.Empty(t, again.ClientToken, "nothing sent again")

	client, err := ga.New(sdkConfig(url))
	require.NoError(t, err)
	for c, err := range client.AllListenerCertificates(t.Context(), &ga.ListListenerCertificatesInput{AcceleratorID: "ga-1", ListenerID: "lsr-1"}) {
		require.NoError(t, err)
		assert.NotEqual(t, "c.com", c.Domain)
	}
}

func slicesPos(args []string, s string) int {
	for i, a := range args {
		if a == s {
			return i
		}
	}
	return -1
}

func TestProcessALBAssociateAndRotate(t *testing.T) {
	t.Parallel()
	url := startEmulator(t)

	r := cliAt(t, url, "-output", "json", "alb", "associate", "-listener", "lsn-1", "-cert", "c9", "-dry-run")
	require.Equal(t, exitOK, r.code)
	assert.True(t, decode[alb.AssociateAdditionalCertificatesWithListenerOutput](t, r).DryRunPassed)

	r = cliAt(t, url, "-output", "json", "alb", "associate", "-listener", "lsn-1", "-cert", "c9")
	require.Equal(t, exitOK, r.code)
	assert.NotEmpty(t, decode[alb.AssociateAdditionalCertificatesWithListenerOutput](t, r).JobID)
	r = cliAt(t, url, "alb", "list", "-listener", "lsn-1")
	assert.Regexp(t, `(?m)^c9\s+Server\s+no\s+Associated$`, r.stdout)

	// Only what was sent is reported as done.
	r = cliAt(t, url, "alb", "associate", "-listener", "lsn-1", "-cert", "c9,c12")
	require.Equal(t, exitOK, r.code)
	assert.Regexp(t, `^associated with lsn-1: c12\nalready associated \(not sent\): c9\njob \S+, request \S+, client token \S+\n$`, r.stdout)
	r = cliAt(t, url, "alb", "associate", "-listener", "lsn-1", "-cert", "c9,c12")
	require.Equal(t, exitOK, r.code)
	assert.Equal(t, "nothing sent: c9, c12 are already on lsn-1 (already associated)\n", r.stdout)

	r = cliAt(t, url, "-output", "json", "alb", "rotate", "-listener", "lsn-1", "-add", "c10,c11", "-remove", "c1", "-dry-run")
	require.Equal(t, exitOK, r.code)
	plan := decode[alb.RotateCertificatesOutput](t, r)
	assert.Equal(t, [][]string{{"c10", "c11"}}, plan.Plan.Associate)
	assert.Equal(t, [][]string{{"c1"}}, plan.Plan.Dissociate)

	r = cliAt(t, url, "alb", "rotate", "-listener", "lsn-1", "-add", "c10,c11", "-remove", "c1")
	require.Equal(t, exitOK, r.code)
	assert.Contains(t, r.stdout, "rotated lsn-1: associated c10, c11; dissociated c1")
	assert.Contains(t, r.stderr, "listenercerts: associate c10, c11 accepted")

	r = cliAt(t, url, "-output", "json", "alb", "rotate", "-listener", "lsn-1", "-add", "c10,c11", "-remove", "c1")
	require.Equal(t, exitOK, r.code)
	again := decode[alb.RotateCertificatesOutput](t, r)
	assert.Empty(t, again.JobIDs, "nothing left to do: nothing sent")
	assert.ElementsMatch(t, []string{"c10", "c11"}, again.AlreadyAssociated)

	r = cliAt(t, url, "alb", "rotate", "-listener", "lsn-1", "-remove", "c0")
	assert.Equal(t, exitUsage, r.code, "the default certificate is refused before sending, naming the flag")
	assert.Contains(t, r.stderr, "listenercerts: -remove")
}

func TestProcessRotateTimeoutResumes(t *testing.T) {
	t.Parallel()
	url := startEmulator(t, "-alb-associate-delay", "2s")
	r := cliAt(t, url, "-wait", "300ms", "alb", "rotate", "-listener", "lsn-1", "-add", "c10", "-remove", "c1")
	require.Equal(t, exitTimeout, r.code)
	m := tokenRE.FindStringSubmatch(r.stderr)
	require.NotNil(t, m, r.stderr)

	r = cliAt(t, url, "-wait", "30s", "-output", "json", "alb", "rotate", "-listener", "lsn-1", "-add", "c10", "-remove", "c1", "-client-token", m[1])
	require.Equal(t, exitOK, r.code)
	out := decode[alb.RotateCertificatesOutput](t, r)
	assert.Equal(t, []string{"c1"}, out.Dissociated)

	client, err := alb.New(sdkConfig(url))
	require.NoError(t, err)
	jobs, err := client.ListAsynJobs(t.Context(), &alb.ListAsynJobsInput{ResourceIDs: []string{"lsn-1"}})
	require.NoError(t, err)
	assert.Len(t, jobs.Jobs, 2, "one association and one dissociation: nothing acted twice")
}

// gaCertificates lists a GA listener through the CLI: domain → certificate.
func gaCertificates(t *testing.T, url string) map[string]string {
	t.Helper()
	r := cliAt(t, url, "-output", "json", "ga", "list", "-accelerator", "ga-1", "-listener", "lsr-1")
	require.Equal(t, exitOK, r.code)
	certs := map[string]string{}
	for _, c := range decode[ga.ListListenerCertificatesOutput](t, r).Certificates {
		certs[c.Domain] = c.CertificateID
		assert.Equal(t, "active", c.State, c.Domain)
	}
	return certs
}

func TestProcessGAAssociateAndRotate(t *testing.T) {
	t.Parallel()
	url := startEmulator(t, "-ga-associate-delay", "200ms", "-ga-update-delay", "200ms")

	r := cliAt(t, url, "-output", "json", "ga", "associate", "-accelerator", "ga-1", "-listener", "lsr-1", "-cert", "d.com=x4,a.com=x1")
	require.Equal(t, exitOK, r.code)
	assoc := decode[ga.AssociateAdditionalCertificatesWithListenerOutput](t, r)
	assert.NotEmpty(t, assoc.RequestID)
	assert.Equal(t, []string{"a.com"}, assoc.AlreadyAssociated, "already served: not sent")
	assert.Contains(t, r.stderr, "done: the change of listener lsr-1 to take effect")
	before := gaCertificates(t, url)
	assert.Equal(t, map[string]string{"a.com": "x1", "b.com": "x2", "c.com": "x3", "d.com": "x4"}, before)

	rotate := []string{"ga", "rotate", "-accelerator", "ga-1", "-listener", "lsr-1", "-set", "a.com=y1,b.com=x2", "-set", "e.com=x5", "-remove", "c.com,z.com"}
	r = cliAt(t, url, append([]string{"-output", "json"}, append(rotate, "-dry-run")...)...)
	require.Equal(t, exitOK, r.code)
	plan := decode[ga.RotateCertificatesOutput](t, r).Plan
	assert.Equal(t, []ga.PlannedUpdate{{Domain: "a.com", CertificateID: "y1", CurrentCertificateID: "x1"}}, plan.Update)
	assert.Equal(t, [][]ga.DomainCertificate{{{Domain: "e.com", CertificateID: "x5"}}}, plan.Associate)
	assert.Equal(t, [][]string{{"c.com"}}, plan.Dissociate)
	assert.Equal(t, []string{"b.com"}, plan.Unchanged)
	assert.Equal(t, []string{"z.com"}, plan.AlreadyDissociated)
	assert.Equal(t, before, gaCertificates(t, url), "a dry run changes nothing")

	r = cliAt(t, url, rotate...)
	require.Equal(t, exitOK, r.code)
	assert.Contains(t, r.stdout, "rotated lsr-1: updated a.com; associated e.com; dissociated c.com\n")
	assert.Contains(t, r.stdout, "already so (not sent): unchanged b.com; dissociated z.com\n")
	assert.Contains(t, r.stderr, "listenercerts: update a.com accepted (call 1 of 3, client token ")
	assert.Contains(t, r.stderr, "listenercerts: dissociate c.com accepted (call 3 of 3, client token ")
	assert.Equal(t, map[string]string{"a.com": "y1", "b.com": "x2", "d.com": "x4", "e.com": "x5"}, gaCertificates(t, url))

	// The same rotation again: nothing left to do, nothing sent.
	r = cliAt(t, url, rotate...)
	require.Equal(t, exitOK, r.code)
	assert.Contains(t, r.stdout, "nothing to do: lsr-1 is already as asked")
	assert.NotContains(t, r.stderr, "accepted")
	r = cliAt(t, url, append([]string{"-output", "json"}, rotate...)...)
	require.Equal(t, exitOK, r.code)
	again := decode[ga.RotateCertificatesOutput](t, r)
	assert.Equal(t, []string{"a.com", "b.com", "e.com"}, again.Unchanged)
	assert.Equal(t, []string{"c.com", "z.com"}, again.AlreadyDissociated)
	assert.Empty(t, again.Updated)
	assert.Empty(t, again.Associated)
	assert.Empty(t, again.Dissociated)

	// A domain served by another certificate: refused, with the way to replace it.
	r = cliAt(t, url, "ga", "associate", "-accelerator", "ga-1", "-listener", "lsr-1", "-cert", "a.com=x9")
	assert.Equal(t, exitFailed, r.code)
	assert.Contains(t, r.stderr, "ga AssociateAdditionalCertificatesWithListener refused: Exist.Certificate")
	assert.Contains(t, r.stderr, "ga rotate -set DOMAIN=ID replaces it")

	r = cliAt(t, url, "-wait", "0", "ga", "associate", "-accelerator", "ga-1", "-listener", "lsr-1", "-cert", "f.com=x6")
	require.Equal(t, exitOK, r.code)
	assert.Contains(t, r.stdout, "accepted: associating f.com=x6 with lsr-1; not waited for (-wait 0)")
	assert.NotContains(t, r.stderr, "waiting for")
}

// A rotation whose wait times out exits 3 with what is done and not, and
// the command that resumes; that command finishes without repeating the
// association.
func TestProcessGARotateTimeoutResumes(t *testing.T) {
	t.Parallel()
	url := startEmulator(t, "-ga-associate-delay", "2s")
	r := cliAt(t, url, "-wait", "300ms", "ga", "rotate", "-accelerator", "ga-1", "-listener", "lsr-1", "-set", "d.com=x4", "-remove", "c.com")
	require.Equal(t, exitTimeout, r.code)
	assert.Contains(t, r.stderr, "still pending: listener lsr-1")
	assert.Contains(t, r.stderr, "  not done:   serve d.com; dissociate c.com\n")
	assert.Contains(t, r.stderr, "(nothing was dissociated)")
	m := tokenRE.FindStringSubmatch(r.stderr)
	require.NotNil(t, m, r.stderr)
	resume := r.stderr[strings.LastIndex(r.stderr, "listenercerts -endpoint"):]
	args := strings.Fields(strings.TrimSpace(resume))[1:]
	assert.Equal(t, m[1], args[len(args)-1])
	args[slicesPos(args, "-wait")+1] = "30s"

	r = cli(t, withKey, append([]string{"-output", "json"}, args...)...)
	require.Equal(t, exitOK, r.code)
	out := decode[ga.RotateCertificatesOutput](t, r)
	assert.Equal(t, m[1], out.ClientToken)
	assert.Equal(t, []string{"d.com"}, out.Unchanged, "associated by the first run: not sent again")
	assert.Empty(t, out.Associated)
	assert.Equal(t, []string{"c.com"}, out.Dissociated)
	assert.Equal(t, map[string]string{"a.com": "x1", "b.com": "x2", "d.com": "x4"}, gaCertificates(t, url))
}

// Nothing listens on port 1: the first request fails, nothing was sent,
// and there is nothing to resume.
func TestProcessConnectionRefusedNoResumeHint(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"alb", "dissociate", "-listener", "lsn-1", "-cert", "c1"},
		{"alb", "rotate", "-listener", "lsn-1", "-add", "c9"},
		{"ga", "associate", "-accelerator", "ga-1", "-listener", "lsr-1", "-cert", "a.com=x1"},
	} {
		r := cliAt(t, "http://127.0.0.1:1", args...)
		assert.Equal(t, exitFailed, r.code, "%q", args)
		assert.Contains(t, r.stderr, "connection refused", "%q", args)
		assert.NotContains(t, r.stderr, "resume", "%q", args)
		assert.NotContains(t, r.stderr, "outcome is unknown", "%q", args)
	}
}

// Ctrl-C while waiting for an accepted change: exit 130, the change is
// said to be accepted and in progress, with the command that resumes.
func TestProcessInterruptAfterAcceptance(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT to send")
	}
	url := startEmulator(t, "-alb-delay", "30s")
	bin, _ := buildBinaries(t)
	cmd := exec.Command(bin, "-endpoint", url, "-region", "cn-hangzhou", "alb", "dissociate", "-listener", "lsn-1", "-cert", "c1")
	cmd.Env = append([]string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "ALIBABA_CLOUD_ECS_METADATA_DISABLED=true"}, withKey...)
	var stdout strings.Builder
	cmd.Stdout = &stdout
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	var log strings.Builder
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		log.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), "waiting for") {
			require.NoError(t, cmd.Process.Signal(os.Interrupt))
			break
		}
	}
	rest, _ := io.ReadAll(stderr)
	log.Write(rest)
	err = cmd.Wait()
	t.Logf("stderr:\n%s", log.String())
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	assert.Equal(t, 130, exit.ExitCode())
	assert.Contains(t, log.String(), "listenercerts: interrupted\n")
	assert.Contains(t, log.String(), "the change was accepted, still in progress; resume with -client-token ")
	assert.Empty(t, stdout.String(), "text output: only on success")
}
