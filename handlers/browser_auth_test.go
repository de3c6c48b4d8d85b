package handlers_test

import (
	"strings"
	"testing"
	"time"

	"github.com/yibao-health/portal/internal/testkit/browser"
)

// The patient journey of issue 3 in real Chromium at phone and desktop width: register
// with a phone number and the code it received, land signed in, sign out, sign in
// again, sign out; then five wrong passwords show the throttling message. Every page
// is screenshotted and checked with axe-core.
// policy: C1.1-1
func TestPatientRegistersSignsInAndOutInBrowser(t *testing.T) {
	b := browser.Start(t)
	for i, width := range []int{360, 1280} {
		ta := newApp(t, nil)
		base := browser.Serve(t, ta.app.Handler())
		p := b.NewPage(t, width, 800)
		phone := []string{"13800003001", "13800003002"}[i]

		p.Go(t, base+"/register")
		useLang(t, p, "zh-CN")
		p.Screenshot(t, "register")
		p.Axe(t)
		p.SetValue(t, "#f-contact", phone)
		p.Submit(t, `button[formaction="/register/code"]`)
		if !strings.Contains(p.Text(t, "main"), "验证码已发送") {
			t.Fatalf("no 'code sent' notice: %s", p.Text(t, "main"))
		}
		p.SetValue(t, "#f-code", ta.lastCode(t, phone))
		p.SetValue(t, "#f-username", "patient_"+phone[7:])
		// A common password is refused with a message; what was typed stays.
		p.SetValue(t, "#f-password", "password123")
		p.Click(t, "#f-agree")
		p.Submit(t, `form[action="/register"]`)
		if !strings.Contains(p.Text(t, "#f-password-error"), "太常见") {
			t.Fatalf("common password not refused: %s", p.Text(t, "main"))
		}
		var kept string
		p.Eval(t, `document.querySelector("#f-contact").value`, &kept)
		if kept != phone {
			t.Fatalf("contact not kept after an error: %q", kept)
		}
		p.Screenshot(t, "register-error")
		p.Axe(t)
		p.SetValue(t, "#f-password", testPassword)
		p.Submit(t, `form[action="/register"]`)
		if loc := p.Location(t); !strings.HasSuffix(loc, "/account") {
			t.Fatalf("after registration at %s", loc)
		}
		p.Screenshot(t, "registered")
		p.Axe(t)

		p.Submit(t, `form[action="/logout"]`)
		if !strings.Contains(p.Text(t, "main"), "您已安全退出") {
			t.Fatalf("no signed-out notice: %s", p.Text(t, "main"))
		}
		p.Screenshot(t, "signed-out")
		p.Axe(t)

		p.SetValue(t, "#f-login", phone)
		p.SetValue(t, "#f-password", testPassword)
		p.Submit(t, `form[action="/login"]`)
		if loc := p.Location(t); !strings.HasSuffix(loc, "/account") {
			t.Fatalf("after sign-in at %s", loc)
		}
		p.Submit(t, `form[action="/logout"]`)

		// Five wrong passwords: the fifth locks the account for a while and says so.
		for try := 1; try <= 5; try++ {
			p.SetValue(t, "#f-login", phone)
			p.SetValue(t, "#f-password", "not my password")
			p.Submit(t, `form[action="/login"]`)
			ta.clock.Advance(time.Minute) // past the growing delay between tries
		}
		if msg := p.Text(t, "[role=alert]"); !strings.Contains(msg, "尝试次数过多") {
			t.Fatalf("no throttling message after five wrong passwords: %q", msg)
		}
		p.Screenshot(t, "signin-throttled")
		p.Axe(t)

		p.Go(t, base+"/password/forgot")
		p.Screenshot(t, "password-reset")
		p.Axe(t)

		// The same pages in English.
		useLang(t, p, "en")
		for _, page := range []string{"/login", "/register", "/password/forgot"} {
			p.Go(t, base+page)
			if h1 := p.Text(t, "h1"); !strings.ContainsAny(h1, "abcdefghijklmnopqrstuvwxyz") {
				t.Errorf("%s in English has h1 %q", page, h1)
			}
			p.Screenshot(t, strings.ReplaceAll(strings.Trim(page, "/"), "/", "-")+"-en")
			p.Axe(t)
		}
		for _, prob := range p.Problems() {
			if !strings.Contains(prob, "429") && !strings.Contains(prob, "422") {
				t.Errorf("width %d: %s", width, prob)
			}
		}
	}
}

// useLang switches the page to lang with the header's language form, if needed.
func useLang(t *testing.T, p *browser.Page, lang string) {
	t.Helper()
	var cur string
	p.Eval(t, `document.documentElement.lang`, &cur)
	if cur != lang {
		p.Submit(t, `form[action="/lang"] button[name="lang"][value="`+lang+`"]`)
	}
}
