package browser

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// Selectors below are CSS selectors; the first matching element is used.
// Element actions wait (up to the operation timeout) for the element to
// appear, so a wrong selector fails after 30 s with the selector in the message.

// Go navigates the tab to url and waits for the load event. Its origin
// becomes the page's origin for the foreign-request check of Problems.
func (p *Page) Go(t *testing.T, url string) {
	t.Helper()
	p.mu.Lock()
	p.origin = originOf(url)
	p.mu.Unlock()
	do(t, p, "go to "+url, chromedp.Navigate(url))
}

// Click clicks the element with the mouse, once it is visible. It does not
// wait for a navigation the click may cause; use Submit for forms.
func (p *Page) Click(t *testing.T, selector string) {
	t.Helper()
	do(t, p, fmt.Sprintf("click %q", selector), chromedp.Click(chromedp.CSS(selector)))
}

// Follow clicks the element (a link) and waits for the page it loads, whatever
// its status, so what is read next is the new page and not the old one.
func (p *Page) Follow(t *testing.T, selector string) {
	t.Helper()
	sel, _ := json.Marshal(selector)
	js := `(() => {
	const el = document.querySelector(` + string(sel) + `);
	if (!el) throw new Error("no element matches the selector");
	setTimeout(() => el.click());
})()`
	ctx, cancel := context.WithTimeout(p.ctx, timeout)
	defer cancel()
	if _, err := chromedp.RunResponse(ctx, chromedp.Evaluate[chromedp.Void](js)); err != nil {
		p.fail(t, fmt.Sprintf("follow %q", selector), err)
	}
}

// SetValue sets the value property of an input, textarea or select directly,
// without key events.
func (p *Page) SetValue(t *testing.T, selector, value string) {
	t.Helper()
	do(t, p, fmt.Sprintf("set value of %q", selector), chromedp.SetValue(chromedp.CSS(selector), value))
}

// SetFiles chooses files (paths on this machine) in a file input, as a user
// picking them in the file dialog would.
func (p *Page) SetFiles(t *testing.T, selector string, files ...string) {
	t.Helper()
	do(t, p, fmt.Sprintf("set files of %q", selector), chromedp.SetUploadFiles(chromedp.CSS(selector), files))
}

// Type focuses the element and types text with key events, as a user would
// ("\n" is the Enter key).
func (p *Page) Type(t *testing.T, selector, text string) {
	t.Helper()
	do(t, p, fmt.Sprintf("type into %q", selector), chromedp.SendKeys(chromedp.CSS(selector), text))
}

// Submit submits a form as a user would, with form.requestSubmit (so
// validation and submit handlers run), and waits for the next page load.
// selector is the form, a submit button (whose name=value is sent) or a
// field of the form; it must exist already (Submit does not wait for it). An
// invalid form fails the test with the invalid fields, unless the form has
// novalidate or the button formnovalidate, as in a browser. A form whose handler
// cancels the navigation (htmx) never loads a page: use Click and read the
// swapped content instead.
func (p *Page) Submit(t *testing.T, selector string) {
	t.Helper()
	sel, _ := json.Marshal(selector)
	js := `(() => {
	const el = document.querySelector(` + string(sel) + `);
	if (!el) throw new Error("no element matches the selector");
	const form = el.tagName === "FORM" ? el : el.form;
	if (!form) throw new Error("the element is not in a form");
	const skip = form.noValidate || (el !== form && el.formNoValidate);
	if (!skip && !form.checkValidity()) {
		const bad = [...form.elements].filter(e => e.willValidate && !e.validity.valid);
		throw new Error("invalid form fields: " + bad.map(e => (e.name || e.id) + " (" + e.validationMessage + ")").join(", "));
	}
	const submitter = el !== form && el.matches("button:not([type=button]):not([type=reset]), input[type=submit], input[type=image]") ? el : null;
	setTimeout(() => form.requestSubmit(submitter));
})()`
	ctx, cancel := context.WithTimeout(p.ctx, timeout)
	defer cancel()
	if _, err := chromedp.RunResponse(ctx, chromedp.Evaluate[chromedp.Void](js)); err != nil {
		p.fail(t, fmt.Sprintf("submit %q", selector), err)
	}
}

// Text returns the visible text (innerText) of the element.
func (p *Page) Text(t *testing.T, selector string) string {
	t.Helper()
	return run(t, p, fmt.Sprintf("text of %q", selector), chromedp.Text(chromedp.CSS(selector)))
}

// Location returns the URL of the document.
func (p *Page) Location(t *testing.T) string {
	t.Helper()
	return run(t, p, "location", chromedp.Location())
}

// Title returns the document title.
func (p *Page) Title(t *testing.T) string {
	t.Helper()
	return run(t, p, "title", chromedp.Title())
}

// Eval evaluates the JavaScript expression in the page, awaiting a promise,
// and decodes its JSON value into out (a pointer, or nil to ignore it);
// undefined decodes as null. It runs through the DevTools protocol, so the page's CSP does not block it.
func (p *Page) Eval(t *testing.T, js string, out any) {
	t.Helper()
	what := "eval " + short(js)
	if out == nil {
		do(t, p, what, chromedp.Evaluate[chromedp.Void](js, chromedp.EvalAwaitPromise))
		return
	}
	raw := run(t, p, what, chromedp.Evaluate[[]byte](js, chromedp.EvalAwaitPromise))
	if len(raw) == 0 {
		raw = []byte("null") // undefined
	}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("browser: %s: decode %s into %T: %v", what, short(string(raw)), out, err)
	}
}

// Screenshot saves a full-page PNG named <name>-<width>.png in
// $PORTAL_SCREENSHOT_DIR, else in .screenshots/ at the module root, logs its
// path and returns it.
func (p *Page) Screenshot(t *testing.T, name string) string {
	t.Helper()
	png := run(t, p, "screenshot "+name, chromedp.FullScreenshot(100))
	dir := os.Getenv("PORTAL_SCREENSHOT_DIR")
	if dir == "" {
		root, err := moduleRoot()
		if err != nil {
			t.Fatalf("browser: screenshot %s: %v", name, err)
		}
		dir = filepath.Join(root, ".screenshots")
	}
	path := filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, p.width))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("browser: screenshot: %v", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatalf("browser: screenshot: %v", err)
	}
	t.Logf("screenshot: %s", path)
	return path
}

// moduleRoot walks up from the working directory to the directory of go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// short abbreviates s for messages, at a rune boundary.
func short(s string) string {
	if r := []rune(s); len(r) > 160 {
		return string(r[:157]) + "..."
	}
	return s
}
