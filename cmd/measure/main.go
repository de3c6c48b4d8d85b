// Command measure prints start-up and memory figures of the portal binary:
//
//	go run ./cmd/measure
//
// It builds cmd/portal, then starts it several times on a fresh data directory (cold:
// creates the SQLite file, applies migrations, generates development secrets) and on
// an existing one (warm), timing from process start to the first 200 from GET /. It
// then reports the server's resident memory when idle and after a burst of requests.
// The numbers depend on the machine and its load; they are reported, never asserted.
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

const runs = 7

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "measure:", err)
		os.Exit(1)
	}
}

func run() error {
	tmp, err := os.MkdirTemp("", "portal-measure-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "portal")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/portal").CombinedOutput(); err != nil {
		return fmt.Errorf("build: %v\n%s", err, out)
	}
	var cold, warm []time.Duration
	warmDir := filepath.Join(tmp, "warm")
	for i := 0; i < runs; i++ {
		d, p, err := start(bin, filepath.Join(tmp, "cold"+strconv.Itoa(i)))
		if err != nil {
			return err
		}
		stop(p)
		cold = append(cold, d)
	}
	if _, p, err := start(bin, warmDir); err == nil { // create it once
		stop(p)
	}
	for i := 0; i < runs; i++ {
		d, p, err := start(bin, warmDir)
		if err != nil {
			return err
		}
		stop(p)
		warm = append(warm, d)
	}
	fmt.Printf("start to first 200 (GET /), %d runs each:\n", runs)
	fmt.Printf("  cold (new data dir, migrations, secrets): median %v, max %v\n", median(cold), slices.Max(cold))
	fmt.Printf("  warm (existing SQLite database):          median %v, max %v\n", median(warm), slices.Max(warm))

	_, p, err := start(bin, warmDir)
	if err != nil {
		return err
	}
	defer stop(p)
	time.Sleep(3 * time.Second)
	idle, _ := rss(p.cmd.Process.Pid)
	for i := 0; i < 500; i++ {
		for _, path := range []string{"/", "/privacy", "/healthz", "/nope"} {
			if resp, err := http.Get(p.url + path); err == nil {
				resp.Body.Close()
			}
		}
	}
	time.Sleep(time.Second)
	busy, _ := rss(p.cmd.Process.Pid)
	fmt.Printf("resident memory (VmRSS): idle after start %.1f MiB; after 2,000 requests %.1f MiB\n", idle, busy)
	return nil
}

type proc struct {
	cmd *exec.Cmd
	url string
}

func start(bin, dataDir string) (time.Duration, *proc, error) {
	port, err := freePort()
	if err != nil {
		return 0, nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "PORTAL_DATA_DIR="+dataDir, "PORTAL_ADDR="+addr, "PORTAL_LOG_LEVEL=error", "PORTAL_DATABASE_URL=")
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, nil, err
	}
	p := &proc{cmd: cmd, url: "http://" + addr}
	client := &http.Client{Timeout: time.Second}
	for time.Since(t0) < 30*time.Second {
		resp, err := client.Get(p.url + "/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(t0), p, nil
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	stop(p)
	return 0, nil, fmt.Errorf("portal did not answer within 30s")
}

func stop(p *proc) {
	_ = p.cmd.Process.Signal(os.Interrupt)
	_ = p.cmd.Wait()
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// rss reads the resident set size of pid in MiB (Linux).
func rss(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, err := strconv.ParseFloat(f[1], 64)
			return kb / 1024, err
		}
	}
	return 0, fmt.Errorf("no VmRSS for pid %d", pid)
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
