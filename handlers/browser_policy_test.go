package handlers_test

import (
	"strings"
	"testing"
	"time"

	otptotp "github.com/pquerna/otp/totp"

	"github.com/yibao-health/portal/internal/testkit/browser"
	"github.com/yibao-health/portal/models"
)

// The policy journey in a real browser: officer 1 drafts a material version on a
// phone (both languages), previews it in each language and submits it; officer 2
// approves and publishes it at desktop width; then the public /privacy page and the
// history show it, at 360 and 1280 px in zh-CN and English. Every page passes
// axe-core with zero violations and never scrolls sideways.
// policy: C6.1, C6.2, C4.1-5
func TestPolicyJourneyInBrowser(t *testing.T) {
	b := browser.Start(t)
	ta := newApp(t, nil)
	base := browser.Serve(t, ta.app.Handler())
	ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "po1@example.com", Caps: []string{models.CapPrivacyOfficer}})
	ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "po2@example.com", Caps: []string{models.CapPrivacyOfficer}})
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
	signIn := func(p *browser.Page, email string) {
		t.Helper()
		p.Go(t, base+"/login")
		useLang(t, p, "zh-CN")
		p.SetValue(t, "#f-login", email)
		p.SetValue(t, "#f-password", testPassword)
		p.Submit(t, `form[action="/login"]`)
		ta.clock.Advance(30 * time.Second)
		code, err := otptotp.GenerateCode(testTOTPSecret, ta.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		p.SetValue(t, "#f-code", code)
		p.Submit(t, `form[action="/login/mfa"]`)
		if loc := p.Location(t); !strings.HasSuffix(loc, "/staff") {
			t.Fatalf("%s landed on %s", email, loc)
		}
	}

	// Officer 1, on a phone: the console links the versions; a new draft in both languages.
	p1 := b.NewPage(t, 360, 800)
	signIn(p1, "po1@example.com")
	if links := p1.Text(t, `[data-testid="privacy-links"]`); !strings.Contains(links, "隐私政策版本") {
		t.Fatalf("console privacy links: %q", links)
	}
	var href string
	p1.Eval(t, `document.querySelector('[data-testid="privacy-links"] a').getAttribute("href")`, &href)
	if href != "/staff/policy" {
		t.Fatalf("console links %q", href)
	}
	p1.Go(t, base+href)
	check(p1, "policy-console-empty")
	p1.Go(t, base+"/staff/policy/new")
	check(p1, "policy-new")
	p1.SetValue(t, "#f-version", "2026-12")
	p1.Click(t, "#f-kind-material")
	p1.SetValue(t, "#f-title_zh", "医宝健康隐私政策")
	p1.SetValue(t, "#f-summary_zh", "新增按医生共享：每次问诊由您决定共享给哪位医生、共享哪些内容。")
	p1.SetValue(t, "#f-body_zh", "## 一、我们收集的信息\n\n只收集提供服务所必需的信息。\n\n## 二、与医生共享\n\n- 按医生、按问诊逐项授权\n- 随时可以结束共享\n\n## 三、用户协议\n\n请依法使用本平台。")
	p1.SetValue(t, "#f-title_en", "Yibao Health Privacy Policy")
	p1.SetValue(t, "#f-summary_en", "Adds sharing per doctor: for each consultation you decide which doctor sees what.")
	p1.SetValue(t, "#f-body_en", "## 1. What we collect\n\nOnly what the service needs.\n\n## 2. Sharing with doctors\n\n- granted per doctor and consultation\n- ended at any time\n\n## 3. User agreement\n\nUse the portal lawfully.")
	p1.Submit(t, `form[action="/staff/policy/new"]`)
	versionURL := p1.Location(t)
	if !strings.Contains(versionURL, "/staff/policy/") || !strings.Contains(p1.Text(t, "main"), "草稿已创建") {
		t.Fatalf("after saving the draft: %s: %s", versionURL, p1.Text(t, "main"))
	}
	check(p1, "policy-draft")
	for _, l := range []string{"zh-CN", "en"} {
		p1.Go(t, versionURL+"/preview?lang="+l)
		want := map[string]string{"zh-CN": "按医生、按问诊逐项授权", "en": "granted per doctor and consultation"}[l]
		if doc := p1.Text(t, `[data-testid="policy-document"]`); !strings.Contains(doc, want) {
			t.Errorf("preview (%s): %s", l, doc)
		}
		check(p1, "policy-preview-"+l)
	}
	p1.Go(t, versionURL)
	p1.Submit(t, `form[action$="/submit"]`)
	if st := p1.Text(t, `[data-testid="policy-status"]`); !strings.Contains(st, "待审批") {
		t.Fatalf("status after submitting: %q", st)
	}
	if main := p1.Text(t, "main"); !strings.Contains(main, "需由另一位隐私官批准") {
		t.Errorf("the author is not told a second officer must approve: %s", main)
	}
	check(p1, "policy-pending-author")
	p1.Submit(t, `form[action="/logout"]`) // the tabs share one cookie jar

	// Officer 2, at desktop width: reviews and publishes.
	p2 := b.NewPage(t, 1280, 900)
	signIn(p2, "po2@example.com")
	p2.Go(t, base+"/staff/policy")
	check(p2, "policy-console")
	p2.Go(t, base+"/staff/policy/new")
	check(p2, "policy-new")
	p2.Go(t, versionURL)
	useLang(t, p2, "en")
	check(p2, "policy-pending-approver")
	p2.Submit(t, `form[action$="/publish"]`)
	var v models.PolicyVersion
	if err := ta.db.Where("version = ?", "2026-12").Take(&v).Error; err != nil {
		t.Fatal(err)
	}
	if v.Status != models.PolicyPublished || v.SHA256 != v.ComputeHash() || !v.Material {
		t.Fatalf("after approval: %+v", v)
	}
	p2.Submit(t, `form[action="/logout"]`)

	// The public, on a phone and on a desktop, in both languages.
	for _, width := range []int{360, 1280} {
		p := b.NewPage(t, width, 800)
		for _, l := range []string{"zh-CN", "en"} {
			p.Go(t, base+"/privacy")
			useLang(t, p, l)
			want := map[string][2]string{"zh-CN": {"医宝健康隐私政策", "新增按医生共享"}, "en": {"Yibao Health Privacy Policy", "Adds sharing per doctor"}}[l]
			if h1 := p.Text(t, "h1"); !strings.Contains(h1, want[0]) {
				t.Errorf("/privacy (%s) h1 = %q", l, h1)
			}
			if main := p.Text(t, "main"); !strings.Contains(main, want[1]) || !strings.Contains(main, "2026-12") {
				t.Errorf("/privacy (%s) lacks the summary: %s", l, main)
			}
			var terms int
			p.Eval(t, `document.querySelectorAll("#terms").length`, &terms)
			if terms != 1 {
				t.Errorf("/privacy (%s) has %d #terms elements", l, terms)
			}
			check(p, "privacy-policy-"+l)
			p.Go(t, base+"/privacy/history")
			hist := p.Text(t, `[data-testid="policy-history"]`)
			if !strings.Contains(hist, "2026-12") || !strings.Contains(hist, map[string]string{"zh-CN": "现行版本", "en": "In force"}[l]) {
				t.Errorf("history (%s): %s", l, hist)
			}
			check(p, "privacy-history-"+l)
		}
		for _, prob := range p.Problems() {
			t.Errorf("public, width %d: %s", width, prob)
		}
	}
	for _, prob := range append(p1.Problems(), p2.Problems()...) {
		t.Errorf("officers: %s", prob)
	}
}
