package browser

import (
	_ "embed"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core 4.14.1 (axe.min.js of the npm package), copied here
// by `npm run vendor`.
//
//go:embed axe.min.js
var axeSource string

// axeRun runs axe on the whole document with the WCAG 2.1 A/AA and
// best-practice rules, and returns only the violations, flattened.
const axeRun = `axe.run(document, {
	runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
	resultTypes: ['violations'],
}).then(r => r.violations.map(v => ({
	id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
	nodes: v.nodes.map(n => ({
		target: n.target.flat(Infinity).map(String),
		html: n.html,
		failureSummary: n.failureSummary || '',
	})),
})))`

// Violation is one failed axe-core rule.
type Violation struct {
	ID      string          `json:"id"`      // rule id, e.g. "image-alt"
	Impact  string          `json:"impact"`  // minor, moderate, serious or critical
	Help    string          `json:"help"`    // one-line description of the rule
	HelpURL string          `json:"helpUrl"` // Deque University page of the rule
	Nodes   []ViolationNode `json:"nodes"`   // the offending elements
}

// ViolationNode is an element that fails a rule.
type ViolationNode struct {
	Target         []string `json:"target"`         // CSS selector(s); more than one inside iframes or shadow roots
	HTML           string   `json:"html"`           // outer HTML snippet of the element
	FailureSummary string   `json:"failureSummary"` // what to fix
}

// AxeResult injects axe-core into the current document and returns the
// violations of the WCAG 2.0/2.1 A and AA and best-practice rules. Both
// steps run through the DevTools protocol (Runtime.evaluate), which the
// page's Content-Security-Policy does not restrict.
func (p *Page) AxeResult(t *testing.T) []Violation {
	t.Helper()
	if !run(t, p, "check for axe", chromedp.Evaluate[bool](`typeof axe === 'object'`)) {
		do(t, p, "inject axe-core", chromedp.Evaluate[chromedp.Void](axeSource))
	}
	return run(t, p, "run axe", chromedp.Evaluate[[]Violation](axeRun, chromedp.EvalAwaitPromise))
}

// Axe runs AxeResult and fails the test listing every violation: rule id,
// impact, help text and up to three offending elements with their HTML.
func (p *Page) Axe(t *testing.T) {
	t.Helper()
	if vs := p.AxeResult(t); len(vs) > 0 {
		t.Error(axeReport(p.Location(t), p.width, vs))
	}
}

// axeReport formats violations for a test failure.
func axeReport(loc string, width int, vs []Violation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "browser: axe found %d accessibility violation(s) on %s at %dpx:", len(vs), loc, width)
	for _, v := range vs {
		fmt.Fprintf(&b, "\n- %s [%s]: %s (%s)", v.ID, v.Impact, v.Help, v.HelpURL)
		for i, n := range v.Nodes {
			if i == 3 {
				fmt.Fprintf(&b, "\n    ... and %d more", len(v.Nodes)-3)
				break
			}
			fmt.Fprintf(&b, "\n    %s: %s", strings.Join(n.Target, " >>> "), short(n.HTML))
		}
	}
	return b.String()
}
