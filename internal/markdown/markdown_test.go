package markdown

import (
	"strings"
	"testing"
)

// Hostile Markdown comes out harmless: no script, no event handler, no javascript:
// link, no remote image, no raw HTML.
func TestRenderNeutralisesHostileInput(t *testing.T) {
	src := "# 标题\n\n<script>alert(1)</script>\n\n[点我](javascript:alert(1)) " +
		"![x](https://evil.example/pixel.png) <img src=x onerror=alert(1)>\n\n" +
		"<a href=\"https://example.com\" onclick=\"x()\">ok</a>\n\n[政策](/privacy) [mail](mailto:privacy@example.com)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
	out, err := Render(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script", "javascript:", "<img", "onerror", "onclick", "evil.example"} {
		if strings.Contains(strings.ToLower(out), bad) {
			t.Errorf("output contains %q:\n%s", bad, out)
		}
	}
	for _, good := range []string{"<h1", "标题", `href="/privacy"`, `href="mailto:privacy@example.com"`, "<table>"} {
		if !strings.Contains(out, good) {
			t.Errorf("output lacks %q:\n%s", good, out)
		}
	}
}
