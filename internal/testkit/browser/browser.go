// Package browser is the browser-test harness of the portal: it starts a
// headless Chromium through chromedp, serves a handler on a real loopback
// port, and gives tests small helpers to drive pages, collect console and
// network problems, take screenshots and run axe-core accessibility checks.
//
// A test that needs a browser calls Start. When Chromium is not installed the
// test is skipped, unless the environment variable PORTAL_TEST_REQUIRE (a
// comma-separated list) contains "browser", in which case it fails.
//
//	b := browser.Start(t)
//	base := browser.Serve(t, handler)
//	p := b.NewPage(t, 360, 800)
//	p.Go(t, base+"/")
//	p.Axe(t)
//	p.AssertNoProblems(t)
package browser

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// timeout bounds every single browser operation (navigation, query, script,
// screenshot, start-up), so a hung browser fails the test instead of hanging.
const timeout = 30 * time.Second

// Browser is one headless Chromium process, closed when the test that started
// it ends. Open tabs with NewPage.
type Browser struct {
	ctx context.Context // chromedp context that owns the browser; no deadline
}

// Start launches a new headless Chromium for the test and closes it in
// t.Cleanup. The binary is $PORTAL_TEST_CHROMIUM, else the first of
// chromium, chromium-browser or google-chrome on PATH, else /usr/bin/chromium.
// If none exists the test is skipped, or fails when PORTAL_TEST_REQUIRE
// contains "browser".
func Start(t *testing.T) *Browser {
	t.Helper()
	path, reason := findChromium()
	if path == "" {
		if required("browser") {
			t.Fatalf("browser: PORTAL_TEST_REQUIRE contains %q but Chromium is unavailable: %s", "browser", reason)
		}
		t.Skipf("browser: skipping, Chromium is unavailable: %s (set PORTAL_TEST_REQUIRE=browser to fail instead)", reason)
	}

	out := &tailBuffer{max: 8 << 10}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()), // before Cleanup below: removed after the browser exits
		chromedp.Headless,
		chromedp.NoSandbox, // needed as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		// No traffic to the internet: the machine refuses it and a test
		// must not depend on it.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.CombinedOutput(out),
	)
	allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, _ := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_ = chromedp.Cancel(cctx) // close gracefully, bounded
		allocCancel()             // kill if still alive, and wait for the process
	})
	// The first Do starts the browser; its context must have no deadline, so
	// bound it from outside.
	if err := within(func() error { return chromedp.Do(ctx) }); err != nil {
		t.Fatalf("browser: start %s: %v\nChromium output:\n%s", path, err, out)
	}
	return &Browser{ctx: ctx}
}

// findChromium returns the browser binary, or "" and the reason.
func findChromium() (path, reason string) {
	if p := os.Getenv("PORTAL_TEST_CHROMIUM"); p != "" {
		if lp, err := exec.LookPath(p); err == nil {
			return lp, ""
		}
		return "", fmt.Sprintf("PORTAL_TEST_CHROMIUM=%q is not an executable", p)
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if lp, err := exec.LookPath(name); err == nil {
			return lp, ""
		}
	}
	if lp, err := exec.LookPath("/usr/bin/chromium"); err == nil {
		return lp, ""
	}
	return "", "no chromium, chromium-browser or google-chrome on PATH, no /usr/bin/chromium, and PORTAL_TEST_CHROMIUM is unset"
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

// within runs f and gives up after timeout. Use it for the first Do on a
// chromedp context, which must not carry a deadline itself.
func within(f func() error) error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(timeout):
		return fmt.Errorf("no answer from the browser after %v", timeout)
	}
}

// Serve serves h with a real http.Server on a free loopback port
// (127.0.0.1:0) and returns its base URL, such as "http://127.0.0.1:41234",
// without a trailing slash. The server and its connections are closed in
// t.Cleanup.
func Serve(t *testing.T, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("browser: listen on loopback: %v", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: timeout}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		// Close, not Shutdown: Shutdown waits up to 5 s for the idle
		// connections Chromium opens in advance, and a test needs no grace.
		_ = srv.Close()
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("browser: server: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
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
	return string(w.b)
}
