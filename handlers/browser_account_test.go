package handlers_test

import (
	"strings"
	"testing"

	"github.com/yibao-health/portal/internal/testkit/browser"
	"github.com/yibao-health/portal/models"
)

// accountLang switches p to lang with the page's own language form.
func accountLang(t *testing.T, p *browser.Page, lang string) {
	t.Helper()
	var cur string
	p.Eval(t, `document.documentElement.lang`, &cur)
	if cur != lang {
		p.Submit(t, `form[action="/lang"] button[name="lang"][value="`+lang+`"]`)
	}
	p.Eval(t, `document.documentElement.lang`, &cur)
	if cur != lang {
		t.Fatalf("language switch to %s gave %s", lang, cur)
	}
}

// noSideScroll fails when the page is wider than the viewport.
func noSideScroll(t *testing.T, p *browser.Page, width int, what string) {
	t.Helper()
	var w int
	p.Eval(t, `document.documentElement.scrollWidth`, &w)
	if w > width {
		t.Errorf("%s: horizontal scroll at %d px: page is %d px wide", what, width, w)
	}
}

// The account and security pages in real Chromium at phone and desktop width, in
// both languages: a patient signs in through the form, enters identity details (a
// refused form first), sees them masked, reveals the ID number with the password,
// and opens the contact and security pages, where a second device is listed.
// Every page is screenshotted and passes axe-core.
// policy: C1.2, C4.1-4, C6.4
func TestAccountPagesInBrowser(t *testing.T) {
	b := browser.Start(t)
	for _, width := range []int{360, 1280} {
		ta := newApp(t, nil)
		base := browser.Serve(t, ta.app.Handler())
		ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: "13900004001", Username: "chenxi"})
		ta.signInFull(t, "chenxi") // a second device for the list
		p := b.NewPage(t, width, 800)

		p.Go(t, base+"/login")
		p.SetValue(t, "#f-login", "13900004001")
		p.SetValue(t, "#f-password", testPassword)
		p.Submit(t, `form[action="/login"]`)
		if loc := p.Location(t); !strings.HasSuffix(loc, "/account") {
			t.Fatalf("after sign-in at %s", loc)
		}
		accountLang(t, p, "zh-CN")

		// Identity form: a refused submission keeps the input, then a good one.
		p.Go(t, base+"/account/identity")
		p.SetValue(t, "#f-real_name", "陈曦")
		p.SetValue(t, "#f-gender", "female")
		p.SetValue(t, "#f-birthday", "1949-12-31")
		p.SetValue(t, "#f-id_type", models.IDResident)
		p.SetValue(t, "#f-id_number", "110105194912310021")
		p.Submit(t, `form[action="/account/identity"]`)
		if msg := p.Text(t, "#f-id_number-error"); !strings.Contains(msg, "18 位") {
			t.Fatalf("no check-digit message: %q", msg)
		}
		var kept string
		p.Eval(t, `document.querySelector("#f-real_name").value`, &kept)
		if kept != "陈曦" {
			t.Errorf("name not kept: %q", kept)
		}
		p.Screenshot(t, "account-identity-error")
		p.Axe(t)
		noSideScroll(t, p, width, "identity form")
		p.SetValue(t, "#f-id_number", testIDNumber)
		p.Click(t, "#f-id_consent")
		p.Submit(t, `form[action="/account/identity"]`)
		if loc := p.Location(t); !strings.HasSuffix(loc, "/account") {
			t.Fatalf("after saving identity at %s: %s", loc, p.Text(t, "main"))
		}

		for _, lang := range []string{"zh-CN", "en"} {
			p.Go(t, base+"/account")
			accountLang(t, p, lang)
			if got := p.Text(t, `[data-testid="id-number"]`); got != maskedID {
				t.Errorf("%s: masked ID = %q", lang, got)
			}
			if main := p.Text(t, "main"); strings.Contains(main, testIDNumber) || strings.Contains(main, "13900004001") {
				t.Errorf("%s: the account page shows a full identifier", lang)
			}
			p.Screenshot(t, "account-"+lang)
			p.Axe(t)
			noSideScroll(t, p, width, "account "+lang)

			p.SetValue(t, "#f-current_password", testPassword)
			p.Submit(t, `form[action="/account/identity/reveal"]`)
			if got := p.Text(t, `[data-testid="id-number-full"]`); got != testIDNumber {
				t.Errorf("%s: revealed ID = %q", lang, got)
			}
			p.Screenshot(t, "account-revealed-"+lang)
			p.Axe(t)

			p.Go(t, base+"/account/identity")
			p.Screenshot(t, "account-identity-"+lang)
			p.Axe(t)
			noSideScroll(t, p, width, "identity "+lang)

			p.Go(t, base+"/account/contact")
			p.Screenshot(t, "account-contact-"+lang)
			p.Axe(t)
			noSideScroll(t, p, width, "contact "+lang)

			p.Go(t, base+"/account/security")
			var forms int
			p.Eval(t, `document.querySelectorAll('form[action$="/signout"]').length`, &forms)
			if forms != 1 {
				t.Errorf("%s: %d device sign-out buttons, want 1", lang, forms)
			}
			p.Screenshot(t, "account-security-"+lang)
			p.Axe(t)
			noSideScroll(t, p, width, "security "+lang)
		}
		for _, prob := range p.Problems() {
			if !strings.Contains(prob, "HTTP 422") { // the refused identity form is expected
				t.Errorf("width %d: %s", width, prob)
			}
		}
	}
}
