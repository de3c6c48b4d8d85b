package handlers_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yibao-health/portal/internal/testkit/browser"
)

// The consent journey of issue 4 in real Chromium at phone and desktop width: a
// patient registers, opens My consents, grants then withdraws marketing through
// the confirmation page, reads the history, sees the health-data explanation and
// the withdrawal's effects, downloads the signed receipt and the public
// verification page says it is valid (pasted at one width, uploaded at the other).
// My consents in both languages; every page screenshotted and checked with axe-core.
// policy: C2.2.3-3, C2.2.3-4
func TestConsentJourneyInBrowser(t *testing.T) {
	b := browser.Start(t)
	for i, width := range []int{360, 1280} {
		ta := newApp(t, nil)
		consentPolicy(t, ta.db, "2026-01")
		base := browser.Serve(t, ta.app.Handler())
		p := b.NewPage(t, width, 800)
		phone := []string{"13800003101", "13800003102"}[i]

		p.Go(t, base+"/register")
		useLang(t, p, "zh-CN")
		p.SetValue(t, "#f-contact", phone)
		p.Submit(t, `button[formaction="/register/code"]`)
		p.SetValue(t, "#f-code", ta.lastCode(t, phone))
		p.SetValue(t, "#f-username", "consent_"+phone[7:])
		p.SetValue(t, "#f-password", testPassword)
		p.Click(t, "#f-agree")
		p.Submit(t, `form[action="/register"]`)

		// The account page links to My consents.
		var linked bool
		p.Eval(t, `!!document.querySelector('main a[href="/account/consents"]')`, &linked)
		if !linked {
			t.Fatal("the account page has no link to My consents")
		}
		p.Go(t, base+"/account/consents")
		state := func(purpose string) string {
			return strings.TrimSpace(p.Text(t, `[data-purpose="`+purpose+`"] [data-testid=state]`))
		}
		if got := state("marketing"); got != "已关闭" {
			t.Errorf("marketing starts %q, want 已关闭", got)
		}
		if !strings.Contains(p.Text(t, `[data-purpose="terms"]`), "您接受的版本：2026-01") {
			t.Errorf("terms row: %s", p.Text(t, `[data-purpose="terms"]`))
		}
		p.Screenshot(t, "consents-zh-CN")
		p.Axe(t)

		// Grant, then withdraw, each through its confirmation page.
		p.Submit(t, `form[action="/account/consents/marketing"] button`)
		if h1 := p.Text(t, "h1"); h1 != "给予同意：营销信息" {
			t.Fatalf("confirmation h1 = %q", h1)
		}
		p.Axe(t)
		p.Submit(t, `form[action="/account/consents/marketing/confirm"] button[type=submit]`)
		if got := state("marketing"); got != "已开启" {
			t.Fatalf("after granting marketing is %q", got)
		}
		p.Submit(t, `form[action="/account/consents/marketing"] button`)
		if !strings.Contains(p.Text(t, "main"), "我们不再向您发送任何营销信息") {
			t.Errorf("withdraw confirmation does not say what stops: %s", p.Text(t, "main"))
		}
		p.Screenshot(t, "consent-confirm-withdraw")
		p.Axe(t)
		p.Submit(t, `form[action="/account/consents/marketing/confirm"] button[type=submit]`)
		if msg := p.Text(t, "[role=status]"); !strings.Contains(msg, "已撤回同意") {
			t.Errorf("no withdrawal notice: %q", msg)
		}
		if got := state("marketing"); got != "已关闭" {
			t.Errorf("after withdrawing marketing is %q", got)
		}
		p.Click(t, `[data-purpose="marketing"] summary`)
		if h := p.Text(t, `[data-testid="history-marketing"]`); !strings.Contains(h, "撤回") || !strings.Contains(h, "2026-01") {
			t.Errorf("history: %q", h)
		}
		p.Screenshot(t, "consents-history")
		p.Axe(t)

		// The health-data consent, just in time, and what withdrawing it does.
		var href string
		p.Eval(t, `document.querySelector('[data-purpose="health_data"] a').getAttribute("href")`, &href)
		p.Go(t, base+href)
		if !strings.Contains(p.Text(t, "main"), "对您的影响") {
			t.Fatalf("health page: %s", p.Text(t, "main"))
		}
		p.Screenshot(t, "consent-health")
		p.Axe(t)
		p.Submit(t, `button[name=decision][value=accept]`)
		p.Submit(t, `form[action="/account/consents/health_data"] button`)
		if !strings.Contains(p.Text(t, "[data-testid=deletion]"), "我的数据") {
			t.Errorf("health withdrawal does not offer deletion: %s", p.Text(t, "main"))
		}
		p.Screenshot(t, "consent-confirm-health")
		p.Axe(t)
		p.Go(t, base+"/account/consents")

		// The receipt, fetched as the download link would, then verified publicly.
		var dl struct {
			Disposition string `json:"cd"`
			Body        string `json:"body"`
		}
		p.Eval(t, `fetch("/account/consents/receipt").then(async r => ({cd: r.headers.get("content-disposition"), body: await r.text()}))`, &dl)
		if !strings.HasPrefix(dl.Disposition, `attachment; filename="consent-receipt-`) || !strings.Contains(dl.Body, `"jwt"`) {
			t.Fatalf("receipt download: %q %q", dl.Disposition, dl.Body)
		}
		p.Go(t, base+"/privacy/receipts/verify")
		if width == 360 {
			p.SetValue(t, "#f-receipt", dl.Body)
		} else {
			file := filepath.Join(t.TempDir(), "consent-receipt.json")
			if err := os.WriteFile(file, []byte(dl.Body), 0o600); err != nil {
				t.Fatal(err)
			}
			p.SetFiles(t, "#f-file", file)
		}
		p.Submit(t, `form[action="/privacy/receipts/verify"]`)
		if v := p.Text(t, "[data-testid=verify-result]"); !strings.Contains(v, "有效：此凭证由本站签发") {
			t.Fatalf("verification: %q", v)
		}
		p.Screenshot(t, "receipt-verified")
		p.Axe(t)

		// My consents and the verification page in English.
		useLang(t, p, "en")
		p.Go(t, base+"/account/consents")
		if h1 := p.Text(t, "h1"); h1 != "My consents" {
			t.Errorf("English h1 = %q", h1)
		}
		if got := state("marketing"); got != "Off" {
			t.Errorf("English marketing state %q", got)
		}
		p.Screenshot(t, "consents-en")
		p.Axe(t)
		p.Go(t, base+"/privacy/receipts/verify")
		p.Screenshot(t, "receipt-verify-en")
		p.Axe(t)

		var scrollW int
		p.Eval(t, `document.documentElement.scrollWidth`, &scrollW)
		if scrollW > width {
			t.Errorf("horizontal scroll at %d px: page is %d px wide", width, scrollW)
		}
		p.Go(t, base+"/account/consents")
		p.Eval(t, `document.documentElement.scrollWidth`, &scrollW)
		if scrollW > width {
			t.Errorf("My consents scrolls sideways at %d px: %d px wide", width, scrollW)
		}
		p.AssertNoProblems(t)
	}
}
