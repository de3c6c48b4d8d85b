package handlers_test

import (
	"strings"
	"testing"

	"github.com/yibao-health/portal/internal/testkit/browser"
)

// The public pages in both languages at phone and desktop width: real server on a
// loopback port, real Chromium, screenshots, axe-core with zero violations, and no
// request leaving the origin.
// policy: C5, C4.0-2
func TestPublicPagesInBrowser(t *testing.T) {
	b := browser.Start(t)
	ta := newApp(t, nil)
	base := browser.Serve(t, ta.app.Handler())
	for _, width := range []int{360, 1280} {
		p := b.NewPage(t, width, 800)
		lang := func() string {
			var l string
			p.Eval(t, `document.documentElement.lang`, &l)
			return l
		}
		// Switch with the page's own language form (a real POST with the CSRF
		// token), so each page is seen in zh-CN and in English.
		switchTo := func(want string) {
			if lang() != want {
				p.Submit(t, `form[action="/lang"] button[name="lang"][value="`+want+`"]`)
			}
			if got := lang(); got != want {
				t.Fatalf("language switch to %s gave %s", want, got)
			}
		}
		for _, l := range []string{"zh-CN", "en"} {
			p.Go(t, base+"/")
			switchTo(l)
			if h1 := p.Text(t, "h1"); strings.TrimSpace(h1) == "" {
				t.Errorf("home (%s) has an empty h1", l)
			}
			p.Screenshot(t, "home-"+l)
			p.Axe(t)
			p.Go(t, base+"/privacy")
			p.Screenshot(t, "privacy-"+l)
			p.Axe(t)
			p.Go(t, base+"/no-such-page")
			want := map[string]string{"zh-CN": "页面不存在", "en": "Page not found"}[l]
			if got := p.Text(t, "h1"); !strings.Contains(got, want) {
				t.Errorf("404 page (%s) h1 = %q, want %q", l, got, want)
			}
			p.Screenshot(t, "error-404-"+l)
			p.Axe(t)
		}
		for _, prob := range p.Problems() {
			if !strings.Contains(prob, "no-such-page") { // the 404 itself is expected
				t.Errorf("width %d: %s", width, prob)
			}
		}
		// The development outbox, with one recorded message.
		if err := ta.outbox.SendSMS(t.Context(), "13800000001", "验证码 123456 / code 123456"); err != nil {
			t.Fatal(err)
		}
		p.Go(t, base+"/dev/outbox")
		if !strings.Contains(p.Text(t, "main"), "123456") {
			t.Error("dev outbox does not show the recorded message")
		}
		p.Screenshot(t, "dev-outbox")
		p.Axe(t)
		var scrollW int
		p.Eval(t, `document.documentElement.scrollWidth`, &scrollW)
		if scrollW > width {
			t.Errorf("horizontal scroll at %d px: page is %d px wide", width, scrollW)
		}
	}
}
