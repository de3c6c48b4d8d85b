package handlers_test

import (
	"strings"
	"testing"

	"github.com/yibao-health/portal/internal/testkit/browser"
	"github.com/yibao-health/portal/models"
)

// The health-profile journey of issue 5 in real Chromium at phone and desktop
// width: a patient opens the health profile from the account page, is asked the
// separate consent and gives it, fills the profile — a height typed wrong is refused
// with its message and everything typed stays — adds a row without JavaScript
// help, saves, sees the BMI and its category, saves a change and reads the
// history and the earlier version. The overview and the editor in both languages;
// every page screenshotted and checked with axe-core.
func TestHealthProfileJourneyInBrowser(t *testing.T) {
	b := browser.Start(t)
	for i, width := range []int{360, 1280} {
		ta := newApp(t, nil)
		base := browser.Serve(t, ta.app.Handler())
		phone := []string{"13800006101", "13800006102"}[i]
		ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: phone, Username: "hp_" + phone[7:]})
		p := b.NewPage(t, width, 800)

		p.Go(t, base+"/login")
		useLang(t, p, "zh-CN")
		p.SetValue(t, "#f-login", phone)
		p.SetValue(t, "#f-password", testPassword)
		p.Submit(t, `form[action="/login"]`)
		if loc := p.Location(t); !strings.HasSuffix(loc, "/account") {
			t.Fatalf("after sign-in at %s", loc)
		}
		p.Go(t, base+"/account")
		var href string
		p.Eval(t, `(document.querySelector('main a[href="/health"]') || {}).textContent || ""`, &href)
		if !strings.Contains(href, "健康档案") {
			t.Fatalf("the account page has no health-profile link: %q", href)
		}
		p.Go(t, base+"/health")
		if !strings.Contains(p.Text(t, "[data-testid=consent-missing]"), "需要您单独同意") {
			t.Fatalf("overview without consent: %s", p.Text(t, "main"))
		}
		p.Screenshot(t, "health-no-consent")
		p.Axe(t)

		// The separate consent, then back to the editor.
		p.Eval(t, `document.querySelector("[data-testid=consent-missing] a").getAttribute("href")`, &href)
		p.Go(t, base+href)
		p.Submit(t, `button[name=decision][value=accept]`)
		if loc := p.Location(t); !strings.HasSuffix(loc, "/health/profile/edit") {
			t.Fatalf("after the consent at %s", loc)
		}
		p.Axe(t)

		// Fill in, with a height the form refuses.
		p.SetValue(t, "#f-height", "1700")
		p.SetValue(t, "#f-weight", "65")
		p.SetValue(t, "#f-marital_status", "married")
		p.SetValue(t, "#f-dx-0-name", "高血压")
		p.SetValue(t, "#f-dx-0-date", "2019-05-01")
		p.SetValue(t, "#f-dx-0-status", "chronic")
		p.SetValue(t, "#f-al-0-substance", "青霉素")
		p.SetValue(t, "#f-al-0-reaction", "皮疹")
		p.SetValue(t, "#f-al-0-severity", "moderate")
		p.SetValue(t, "#f-past_history", "2015年阑尾切除术\n2020年骨折")
		p.SetValue(t, "#f-family_history", "父亲有糖尿病")
		p.Submit(t, `form[action="/health/profile/edit"] button[type=submit]:not([name])`)
		if msg := p.Text(t, "#f-height-error"); !strings.Contains(msg, "30 到 250") {
			t.Fatalf("height not refused: %q", msg)
		}
		var kept []string
		p.Eval(t, `["#f-height","#f-dx-0-name","#f-al-0-severity","#f-past_history"].map(s => document.querySelector(s).value)`, &kept)
		if strings.Join(kept, "|") != "1700|高血压|moderate|2015年阑尾切除术\n2020年骨折" {
			t.Errorf("typed values not kept: %q", kept)
		}
		p.Screenshot(t, "health-edit-error")
		p.Axe(t)

		// Another diagnosis row, posted back without saving; it gets the focus.
		p.SetValue(t, "#f-height", "170")
		p.Submit(t, `button[name=add][value=diagnosis]`)
		var focused string // autofocus runs at the next frame: wait for it
		p.Eval(t, `new Promise(r => { let n = 0; const f = () => (document.activeElement.id || ++n > 50) ? r(document.activeElement.id) : setTimeout(f, 20); f(); })`, &focused)
		if focused != "f-dx-1-name" {
			t.Errorf("focus after adding a row: %q", focused)
		}
		p.SetValue(t, "#f-dx-1-name", "过敏性鼻炎")
		p.SetValue(t, "#f-dx-1-status", "active")
		p.Screenshot(t, "health-edit")
		p.Axe(t)
		p.Submit(t, `form[action="/health/profile/edit"] button[type=submit]:not([name])`)
		if loc := p.Location(t); !strings.HasSuffix(loc, "/health") {
			t.Fatalf("after saving at %s: %s", loc, p.Text(t, "main"))
		}
		if bmi := p.Text(t, "[data-testid=bmi]"); !strings.Contains(bmi, "22.5") {
			t.Errorf("BMI: %q", bmi)
		}
		if cat := p.Text(t, "[data-testid=bmi-category]"); cat != "正常范围" {
			t.Errorf("BMI category: %q", cat)
		}
		if dx := p.Text(t, "[data-testid=diagnoses]"); !strings.Contains(dx, "高血压") || !strings.Contains(dx, "过敏性鼻炎") {
			t.Errorf("diagnoses: %q", dx)
		}
		p.Screenshot(t, "health-overview")
		p.Axe(t)

		// A change makes version 2; the history keeps version 1.
		p.Go(t, base+"/health/profile/edit")
		p.SetValue(t, "#f-weight", "82")
		p.Submit(t, `form[action="/health/profile/edit"] button[type=submit]:not([name])`)
		if cat := p.Text(t, "[data-testid=bmi-category]"); cat != "超重" {
			t.Errorf("BMI category after the change: %q", cat)
		}
		p.Go(t, base+"/health/profile/history")
		if v := p.Text(t, "[data-testid=versions]"); !strings.Contains(v, "第 2 版") || !strings.Contains(v, "第 1 版") || !strings.Contains(v, "当前版本") {
			t.Errorf("history: %q", v)
		}
		p.Screenshot(t, "health-history")
		p.Axe(t)
		p.Go(t, base+"/health/profile/history/1")
		if note := p.Text(t, "[data-testid=version-note]"); !strings.Contains(note, "当前是第 2 版") {
			t.Errorf("version 1 note: %q", note)
		}
		if m := p.Text(t, "[data-testid=measures]"); !strings.Contains(m, "65 千克") {
			t.Errorf("version 1 measures: %q", m)
		}
		p.Screenshot(t, "health-version")
		p.Axe(t)

		// English.
		p.Go(t, base+"/health")
		useLang(t, p, "en")
		if h1 := p.Text(t, "h1"); h1 != "Health profile" {
			t.Errorf("English h1 = %q", h1)
		}
		if cat := p.Text(t, "[data-testid=bmi-category]"); cat != "Overweight" {
			t.Errorf("English category: %q", cat)
		}
		p.Screenshot(t, "health-overview-en")
		p.Axe(t)
		p.Go(t, base+"/health/profile/edit")
		p.Screenshot(t, "health-edit-en")
		p.Axe(t)
		for _, prob := range p.Problems() {
			if !strings.Contains(prob, "HTTP 422: ") { // the refused height, on purpose
				t.Errorf("width %d: %s", width, prob)
			}
		}
	}
}
