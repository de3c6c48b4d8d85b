package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Page is one browser tab with a fixed viewport. It records problems (console
// errors, uncaught exceptions, failed requests, HTTP errors and any request to
// an origin other than the page's own) from the moment it opens; read them
// with Problems or AssertNoProblems. A Page is not safe for concurrent use.
type Page struct {
	ctx           context.Context // chromedp context of the tab; no deadline
	width, height int

	mu       sync.Mutex
	origin   string            // scheme://host:port of the last Go
	problems []string          // in the order the browser reported them
	requests map[string]string // request id → URL, for failures
}

// NewPage opens a new tab of width×height CSS pixels, closed in t.Cleanup.
// A width below 600 emulates a phone (mobile viewport, portrait, touch).
func (b *Browser) NewPage(t *testing.T, width, height int) *Page {
	t.Helper()
	p := &Page{width: width, height: height, requests: map[string]string{}}
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithListener(p.onEvent))
	t.Cleanup(cancel)
	if err := within(func() error { return chromedp.Do(ctx) }); err != nil {
		t.Fatalf("browser: open tab: %v", err)
	}
	p.ctx = ctx

	var opts []chromedp.EmulateViewportOption
	if width < height {
		opts = append(opts, chromedp.EmulatePortrait)
	}
	if width < 600 {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	do(t, p, fmt.Sprintf("set viewport %dx%d", width, height),
		chromedp.EmulateViewport(int64(width), int64(height), opts...))
	return p
}

// run runs a on the tab, bounded by the operation timeout, and fails the test
// with what and the page location when it fails.
func run[T any](t *testing.T, p *Page, what string, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		p.fail(t, what, err)
	}
	return v
}

// fail fails the test with what was done, on which page, and err.
func (p *Page) fail(t *testing.T, what string, err error) {
	t.Helper()
	p.mu.Lock()
	origin := p.origin
	p.mu.Unlock()
	t.Fatalf("browser: %s (page %s, %dpx): %v", what, origin, p.width, err)
}

// do is run for actions without a value.
func do(t *testing.T, p *Page, what string, a chromedp.Action[chromedp.Void]) {
	t.Helper()
	run(t, p, what, a)
}

// Problems returns what went wrong in the page so far: console errors,
// uncaught exceptions, error entries of the browser log (CSP violations,
// for instance), failed requests, HTTP responses >= 400, and requests to an
// origin other than that of the URL last passed to Go. The browser's own
// /favicon.ico request may fail without a problem.
func (p *Page) Problems() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.problems...)
}

// AssertNoProblems fails the test, listing them, if Problems is not empty.
func (p *Page) AssertNoProblems(t *testing.T) {
	t.Helper()
	if pr := p.Problems(); len(pr) > 0 {
		t.Errorf("browser: %d problem(s) in the page (%dpx):\n  %s", len(pr), p.width, strings.Join(pr, "\n  "))
	}
}

// onEvent runs on chromedp's reader goroutine for every event of the tab, so
// it must be fast and must not call the browser.
func (p *Page) onEvent(ev any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			p.add("console.%s: %s", ev.Type, argsText(ev.Args))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + strings.SplitN(d.Exception.Description, "\n", 2)[0]
		}
		p.add("uncaught exception: %s (%s:%d)", msg, d.URL, d.LineNumber+1)
	case *log.EventEntryAdded:
		e := ev.Entry
		// Network failures are reported below with their URL.
		if e.Level == log.EntryLevelError && !(e.Source == log.EntrySourceNetwork && e.NetworkRequestID != "") {
			p.add("browser log (%s): %s %s", e.Source, e.Text, e.URL)
		}
	case *network.EventRequestWillBeSent:
		u := ev.Request.URL
		p.requests[string(ev.RequestID)] = u
		if o := originOf(u); o != "" && p.origin != "" && o != p.origin {
			p.add("request to foreign origin %s (page origin %s): %s", o, p.origin, u)
		}
	case *network.EventLoadingFailed:
		u := p.requests[string(ev.RequestID)]
		if isFavicon(u) {
			return
		}
		msg := ev.ErrorText
		if ev.BlockedReason != "" {
			msg += " (blocked: " + string(ev.BlockedReason) + ")"
		}
		p.add("request failed: %s: %s", u, msg)
	case *network.EventResponseReceived:
		if r := ev.Response; r.Status >= 400 && !isFavicon(r.URL) {
			p.add("HTTP %d: %s", r.Status, r.URL)
		}
	}
}

// add records a problem; p.mu is held.
func (p *Page) add(format string, args ...any) {
	p.problems = append(p.problems, fmt.Sprintf(format, args...))
}

// originOf returns scheme://host[:port] for network URLs, "" for others
// (data:, blob:, about:…), which never leave the browser.
func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	switch u.Scheme {
	case "http", "https", "ws", "wss":
		return u.Scheme + "://" + u.Host
	}
	return ""
}

// isFavicon reports whether u is the /favicon.ico that Chromium fetches on its
// own after a load; its absence is not a problem of the page.
func isFavicon(u string) bool {
	pu, err := url.Parse(u)
	return err == nil && pu.Path == "/favicon.ico"
}

// argsText renders console arguments roughly as the DevTools console does.
func argsText(args []*runtime.RemoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		var s string
		switch {
		case a.Type == runtime.RemoteObjectTypeString && json.Unmarshal(a.Value, &s) == nil:
		case a.Description != "":
			s = a.Description
		case len(a.Value) > 0:
			s = string(a.Value)
		default:
			s = string(a.Type)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}
