package handlers_test

import (
	"strings"
	"testing"
	"time"

	otptotp "github.com/pquerna/otp/totp"

	"github.com/yibao-health/portal/internal/testkit/browser"
)

// Break-glass in Chromium at phone and desktop width, in both languages: the
// doctor signs in with TOTP, sees the warning, has a bad request refused with
// the typed values kept, requests access by phone and lands on the red
// EMERGENCY ACCESS page with the critical items only; the privacy officer opens
// the queue and flags the access with a note. axe finds nothing on any page and
// nothing scrolls sideways.
// policy: C2.2.4, C2.2.2-5
func TestEmergencyInBrowser(t *testing.T) {
	b := browser.Start(t)
	w := newEmergencyWorld(t)
	ta := w.ta
	base := browser.Serve(t, ta.app.Handler())
	check := func(p *browser.Page, name string) {
		t.Helper()
		p.Screenshot(t, name)
		p.Axe(t)
		var scrollW, width int
		p.Eval(t, `document.documentElement.scrollWidth`, &scrollW)
		p.Eval(t, `window.innerWidth`, &width)
		if scrollW > width {
			t.Errorf("%s: horizontal scroll at %d px (page %d px wide)", name, width, scrollW)
		}
	}
	signIn := func(p *browser.Page, login string) {
		t.Helper()
		p.Go(t, base+"/login")
		useLang(t, p, "zh-CN")
		p.SetValue(t, "#f-login", login)
		p.SetValue(t, "#f-password", testPassword)
		p.Submit(t, `form[action="/login"]`)
		ta.clock.Advance(30 * time.Second)
		code, err := otptotp.GenerateCode(testTOTPSecret, ta.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		p.SetValue(t, "#f-code", code)
		p.Submit(t, `form[action="/login/mfa"]`)
	}
	for i, width := range []int{360, 1280} {
		doctorLogin := []string{emDoctor, emDoctor2}[i]
		p := b.NewPage(t, width, 900)
		signIn(p, doctorLogin)
		p.Go(t, base+"/clinic/emergency")
		if txt := p.Text(t, `[data-testid="emergency-warning"]`); !strings.Contains(txt, "每次使用都会通知患者") {
			t.Errorf("warning: %q", txt)
		}
		check(p, "emergency-form-zh-CN")

		// A refused request keeps what was typed.
		p.SetValue(t, "#f-identifier", "13800007999")
		p.SetValue(t, "#f-reason", "severe_allergy")
		p.SetValue(t, "#f-justification", emWhy)
		p.Submit(t, `form[action="/clinic/emergency"]`)
		if txt := p.Text(t, "main"); !strings.Contains(txt, "没有完全匹配的患者") {
			t.Fatalf("no-match message missing: %s", txt)
		}
		var kept []string
		p.Eval(t, `["#f-identifier","#f-reason","#f-justification"].map(s => document.querySelector(s).value)`, &kept)
		if len(kept) != 3 || kept[0] != "13800007999" || kept[1] != "severe_allergy" || kept[2] != emWhy {
			t.Errorf("typed values not kept: %q", kept)
		}
		check(p, "emergency-form-error-zh-CN")

		p.SetValue(t, "#f-identifier", emPatientPhone)
		p.Submit(t, `form[action="/clinic/emergency"]`)
		if loc := p.Location(t); !strings.Contains(loc, "/clinic/emergency/") {
			t.Fatalf("request landed on %s", loc)
		}
		banner := p.Text(t, `[data-testid="emergency-banner"]`)
		if !strings.Contains(banner, "紧急访问") || !strings.Contains(banner, "EMERGENCY ACCESS") || !strings.Contains(banner, "到期时间") {
			t.Errorf("banner: %q", banner)
		}
		if txt := p.Text(t, "main"); !strings.Contains(txt, "青霉素") || !strings.Contains(txt, "二型糖尿病") || strings.Contains(txt, "身高") {
			t.Errorf("critical items: %s", txt)
		}
		check(p, "emergency-access-zh-CN")
		useLang(t, p, "en")
		if banner := p.Text(t, `[data-testid="emergency-banner"]`); !strings.Contains(banner, "Expires at") || !strings.Contains(banner, "left") {
			t.Errorf("English banner: %q", banner)
		}
		check(p, "emergency-access-en")
		p.Go(t, base+"/clinic/emergency")
		check(p, "emergency-form-en")
		p.Submit(t, `form[action="/logout"]`)

		// The privacy officer reviews the access just made.
		signIn(p, emPrivacy)
		p.Go(t, base+"/staff/emergency")
		if txt := p.Text(t, `[data-testid="emergency-queue"]`); !strings.Contains(txt, "待审核") {
			t.Errorf("queue: %q", txt)
		}
		check(p, "emergency-queue-zh-CN")
		var href string
		p.Eval(t, `document.querySelector('[data-testid="emergency-queue"] li:last-child a').getAttribute("href")`, &href)
		p.Go(t, base+href)
		if txt := p.Text(t, `[data-testid="review-justification"]`); !strings.Contains(txt, emWhy) {
			t.Errorf("justification: %q", txt)
		}
		check(p, "emergency-review-zh-CN")
		p.Submit(t, `button[value="flag"]`) // no note: refused
		if txt := p.Text(t, "main"); !strings.Contains(txt, "标记为滥用时必须填写说明") {
			t.Fatalf("flag without a note: %s", txt)
		}
		p.SetValue(t, "#f-note", "当日急诊无此患者就诊记录，疑似滥用。")
		p.Submit(t, `button[value="flag"]`)
		if got := p.Text(t, `[data-testid="review-status"]`); got != "已标记滥用" {
			t.Errorf("status after flag: %q", got)
		}
		check(p, "emergency-review-flagged-zh-CN")
		useLang(t, p, "en")
		check(p, "emergency-review-flagged-en")
		p.Go(t, base+"/staff/emergency?status=flagged")
		check(p, "emergency-queue-en")
		p.Submit(t, `form[action="/logout"]`)
		useLang(t, p, "zh-CN")
	}
}
