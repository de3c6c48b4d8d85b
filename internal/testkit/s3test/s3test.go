// Package s3test gives tests a real S3-compatible server: a MinIO process started on
// loopback, one per test binary, shared by every test in it (each test makes its own
// bucket, see Bucket).
//
// The binary is $PORTAL_TEST_MINIO, else minio on PATH, else $(go env GOPATH)/bin/minio
// (where `go install github.com/minio/minio@…` puts it). Without it the test is skipped,
// or fails when PORTAL_TEST_REQUIRE (a comma list) contains "s3"; CI sets it.
//
// Lifetime: the server starts lazily at the first Start and is never stopped by a test
// (a later test may still need it). It dies with the test process: on Linux the child
// is started with Pdeathsig SIGKILL, so the kernel kills it when the test binary exits
// (normally, by panic, by -timeout or killed); elsewhere Stop kills it by PID and a
// test binary may call Stop from TestMain. Its data directory is a fresh temporary
// directory removed by Stop or left in the OS temp dir.
package s3test

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is the running MinIO.
type Server struct {
	Endpoint  string // 127.0.0.1:PORT
	AccessKey string
	SecretKey string

	cmd  *exec.Cmd
	done <-chan struct{} // closed when the process has exited
	dir  string
	out  *tailBuffer
}

var shared struct {
	once sync.Once
	srv  *Server
	err  error // reason the server is unavailable
	skip bool  // the binary is missing (skip) rather than broken (fail)
}

// Start returns the endpoint (host:port, plain HTTP) and root credentials of the
// shared MinIO, starting it on first use. It skips t (or fails it, see the package
// doc) when MinIO is not installed, and fails t when MinIO is installed but does not
// start.
func Start(t testing.TB) (endpoint, accessKey, secretKey string) {
	t.Helper()
	shared.once.Do(func() {
		path, reason := findMinIO()
		if path == "" {
			shared.err, shared.skip = errors.New(reason), true
			return
		}
		shared.srv, shared.err = start(path)
	})
	if shared.err != nil {
		if shared.skip && !required("s3") {
			t.Skipf("s3test: skipping, MinIO is unavailable: %v (set PORTAL_TEST_REQUIRE=s3 to fail instead)", shared.err)
		}
		t.Fatalf("s3test: MinIO unavailable (PORTAL_TEST_REQUIRE=%q): %v", os.Getenv("PORTAL_TEST_REQUIRE"), shared.err)
	}
	s := shared.srv
	return s.Endpoint, s.AccessKey, s.SecretKey
}

// Bucket returns a fresh bucket name for t ("portal-t-<random>"); the caller creates
// it (blob.Open does). Buckets are not removed: they die with the server.
func Bucket(t testing.TB) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "portal-t-" + hex.EncodeToString(b)
}

// Stop kills the shared server (by its PID) and removes its data directory. Tests
// need not call it (see the package doc); a TestMain may.
func Stop() {
	if s := shared.srv; s != nil {
		s.stop()
	}
}

// findMinIO returns the binary, or "" and the reason.
func findMinIO() (path, reason string) {
	if p := os.Getenv("PORTAL_TEST_MINIO"); p != "" {
		if lp, err := exec.LookPath(p); err == nil {
			return lp, ""
		}
		return "", fmt.Sprintf("PORTAL_TEST_MINIO=%q is not an executable", p)
	}
	if lp, err := exec.LookPath("minio"); err == nil {
		return lp, ""
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
			gopath = strings.TrimSpace(string(out))
		}
	}
	var tried []string
	for _, dir := range filepath.SplitList(gopath) {
		p := filepath.Join(dir, "bin", "minio")
		if lp, err := exec.LookPath(p); err == nil {
			return lp, ""
		}
		tried = append(tried, p)
	}
	return "", fmt.Sprintf("no minio on PATH, none at %s, and PORTAL_TEST_MINIO is unset "+
		"(go install github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c)", strings.Join(tried, ", "))
}

// start runs `minio server DIR --address 127.0.0.1:P --console-address 127.0.0.1:P2`
// and waits until /minio/health/live answers.
func start(path string) (*Server, error) {
	sweepStale()
	dir, err := os.MkdirTemp("", "portal-minio-")
	if err != nil {
		return nil, err
	}
	secret := make([]byte, 16)
	_, _ = rand.Read(secret)
	s := &Server{AccessKey: "portaltest", SecretKey: hex.EncodeToString(secret), dir: dir, out: &tailBuffer{max: 8 << 10}}
	// Two ports picked by the kernel; a tiny race with another process taking one
	// before MinIO binds it is retried below.
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		api, console, err := freePorts()
		if err != nil {
			return nil, err
		}
		s.Endpoint = api
		cmd := exec.Command(path, "server", filepath.Join(dir, "data"),
			"--address", api, "--console-address", console, "--quiet")
		cmd.Env = append(os.Environ(),
			"MINIO_ROOT_USER="+s.AccessKey,
			"MINIO_ROOT_PASSWORD="+s.SecretKey,
			"MINIO_BROWSER=off",
			"MINIO_UPDATE=off",
			"MINIO_CI_CD=1",
		)
		cmd.Stdout, cmd.Stderr = s.out, s.out
		cmd.SysProcAttr = sysProcAttr()
		exited, err := run(cmd)
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("start %s: %w", path, err)
		}
		s.cmd, s.done = cmd, exited
		writePID(dir, cmd.Process.Pid)
		if lastErr = waitLive(api, exited); lastErr == nil {
			return s, nil
		}
		_ = cmd.Process.Kill()
		<-s.done
	}
	os.RemoveAll(dir)
	return nil, fmt.Errorf("%s did not become live: %v\nMinIO output:\n%s", path, lastErr, s.out)
}

// run starts cmd from a goroutine locked to its own OS thread, which then waits for
// the process. Pdeathsig fires when the *thread* that started the child exits, not the
// process; a goroutine that stays locked to the thread until the child ends keeps that
// thread alive for exactly as long as the test process.
func run(cmd *exec.Cmd) (<-chan struct{}, error) {
	started := make(chan error, 1)
	exited := make(chan struct{})
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with this goroutine
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		_ = cmd.Wait()
		close(exited)
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return exited, nil
}

func waitLive(endpoint string, exited <-chan struct{}) error {
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return errors.New("minio exited")
		default:
		}
		resp, err := client.Get("http://" + endpoint + "/minio/health/live")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return errors.New("no answer from /minio/health/live after 60s")
}

func (s *Server) stop() {
	_ = s.cmd.Process.Kill() // this PID only: the process we started
	select {
	case <-s.done: // exited: its files can go
	case <-time.After(10 * time.Second):
	}
	os.RemoveAll(s.dir)
}

// The data directory of a server records its PID; a later start removes the
// directories of servers that are gone (they died with their test process, leaving
// their files behind).
const pidFile = "minio.pid"

func writePID(dir string, pid int) {
	_ = os.WriteFile(filepath.Join(dir, pidFile), []byte(strconv.Itoa(pid)), 0o600)
}

func sweepStale() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "portal-minio-*"))
	for _, dir := range dirs {
		raw, err := os.ReadFile(filepath.Join(dir, pidFile))
		if err != nil {
			continue // starting right now, or not ours
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
		if err != nil || pid <= 0 || alive(pid) {
			continue
		}
		os.RemoveAll(dir)
	}
}

func freePorts() (string, string, error) {
	var addrs []string
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	for i := 0; i < 2; i++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return "", "", err
		}
		lns = append(lns, ln)
		addrs = append(addrs, ln.Addr().String())
	}
	return addrs[0], addrs[1], nil
}

// required reports whether PORTAL_TEST_REQUIRE lists what.
func required(what string) bool {
	for _, s := range strings.Split(os.Getenv("PORTAL_TEST_REQUIRE"), ",") {
		if strings.EqualFold(strings.TrimSpace(s), what) {
			return true
		}
	}
	return false
}

// tailBuffer keeps the last max bytes written to it; safe for concurrent use.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (w *tailBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b = append(w.b, p...)
	if len(w.b) > w.max {
		w.b = w.b[len(w.b)-w.max:]
	}
	return len(p), nil
}

func (w *tailBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(bytes.ToValidUTF8(w.b, []byte("?")))
}
