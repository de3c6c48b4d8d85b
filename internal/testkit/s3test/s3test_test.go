package s3test

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestStartIsShared(t *testing.T) {
	e1, ak, sk := Start(t)
	e2, _, _ := Start(t)
	if e1 != e2 || ak == "" || sk == "" {
		t.Fatalf("second Start: %s vs %s (keys set: %v)", e1, e2, ak != "" && sk != "")
	}
	resp, err := http.Get("http://" + e1 + "/minio/health/live")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("health: %s", resp.Status)
	}
	if b1, b2 := Bucket(t), Bucket(t); b1 == b2 || !regexp.MustCompile(`^[a-z0-9-]{3,63}$`).MatchString(b1) {
		t.Fatalf("bucket names %q %q", b1, b2)
	}
}

// child re-runs this test binary with one test and extra environment.
func child(t *testing.T, test string, env ...string) (string, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), append([]string{"S3TEST_CHILD=1"}, env...)...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// The MinIO started by a test binary goes away when that binary exits, though no test
// stopped it.
func TestServerDiesWithTestProcess(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Pdeathsig is Linux-only")
	}
	Start(t) // skips or fails here when MinIO is unavailable
	out, err := child(t, "TestChildStartsAndExits")
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`ENDPOINT=(\S+) PID=(\d+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("child printed no endpoint:\n%s", out)
	}
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := client.Get("http://" + m[1] + "/minio/health/live")
		if err != nil {
			break // refused: gone
		}
		resp.Body.Close()
		if time.Now().After(deadline) {
			t.Fatalf("MinIO (PID %s) still answers at %s after its test process exited", m[2], m[1])
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestChildStartsAndExits(t *testing.T) {
	if os.Getenv("S3TEST_CHILD") == "" {
		t.Skip("run by TestServerDiesWithTestProcess")
	}
	endpoint, _, _ := Start(t)
	fmt.Printf("ENDPOINT=%s PID=%d\n", endpoint, shared.srv.cmd.Process.Pid)
}

// Without MinIO a test skips, or fails when PORTAL_TEST_REQUIRE lists s3.
func TestMissingMinIO(t *testing.T) {
	missing := "PORTAL_TEST_MINIO=/nonexistent/minio"
	out, err := child(t, "TestChildNeedsMinIO", missing, "PORTAL_TEST_REQUIRE=mysql")
	if err != nil || !strings.Contains(out, "--- SKIP") || !strings.Contains(out, "PORTAL_TEST_REQUIRE=s3") {
		t.Errorf("not required: want a skip naming PORTAL_TEST_REQUIRE=s3, got %v:\n%s", err, out)
	}
	out, err = child(t, "TestChildNeedsMinIO", missing, "PORTAL_TEST_REQUIRE=mysql, S3")
	if err == nil || !strings.Contains(out, "--- FAIL") || !strings.Contains(out, "/nonexistent/minio") {
		t.Errorf("required: want a failure naming the binary, got %v:\n%s", err, out)
	}
}

func TestChildNeedsMinIO(t *testing.T) {
	if os.Getenv("S3TEST_CHILD") == "" {
		t.Skip("run by TestMissingMinIO")
	}
	Start(t)
	t.Log("MinIO started")
}
