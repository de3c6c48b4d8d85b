package handlers_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	otptotp "github.com/pquerna/otp/totp"

	"github.com/yibao-health/portal/internal/testkit/browser"
	"github.com/yibao-health/portal/models"
)

// The re-consent gate in real Chromium at phone and desktop width: a signed-in
// patient who accepted 2026-01 is stopped by the material 2026-12, reads the summary
// and the diff (in both languages, unfolding an unchanged run), accepts, and reaches
// their page again; a later minor version shows the banner, which they dismiss; the
// comparison page and the privacy officer's dashboard render. Every page passes
// axe-core, never scrolls sideways, and is screenshotted.
// policy: C6.1, C6.2
func TestGateJourneyInBrowser(t *testing.T) {
	b := browser.Start(t)
	for i, width := range []int{360, 1280} {
		ta := newApp(t, nil)
		base := browser.Serve(t, ta.app.Handler())
		phone := fmt.Sprintf("1380000430%d", i)
		pat := ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: phone})
		po := ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "gate-po@example.com", Caps: []string{models.CapPrivacyOfficer}})
		v1 := ta.gatePublish(t, "2026-01", true, ta.clock.Now().Add(-60*24*time.Hour), oldZh, oldEn)
		v2 := ta.gatePublish(t, "2026-12", true, ta.clock.Now().Add(-time.Minute), newZh, newEn)
		for _, r := range []struct {
			u int64
			v *models.PolicyVersion
		}{{pat.ID, v1}, {po.ID, v2}} {
			if _, err := models.RecordConsent(ta.db, r.u, models.PurposeTerms, "", models.DecisionAccepted, r.v, models.ConsentContext{Channel: models.ChannelRegistration}, ta.clock.Now()); err != nil {
				t.Fatal(err)
			}
		}
		check := func(p *browser.Page, name string) {
			t.Helper()
			p.Screenshot(t, name)
			p.Axe(t)
			noSideScroll(t, p, width, name)
		}

		p := b.NewPage(t, width, 800)
		p.Go(t, base+"/login")
		useLang(t, p, "zh-CN")
		p.SetValue(t, "#f-login", phone)
		p.SetValue(t, "#f-password", testPassword)
		p.Submit(t, `form[action="/login"]`)
		if loc := p.Location(t); !strings.Contains(loc, "/privacy/review?next=%2Faccount") {
			t.Fatalf("after sign-in the patient is at %s, not the review page", loc)
		}
		for _, lang := range []string{"zh-CN", "en"} {
			useLang(t, p, lang)
			want := map[string][2]string{"zh-CN": {"隐私政策已更新", "合作的"}, "en": {"The privacy policy has changed", "our partner"}}[lang]
			if h1 := p.Text(t, "h1"); !strings.Contains(h1, want[0]) {
				t.Errorf("review h1 (%s): %q", lang, h1)
			}
			if diff := p.Text(t, `[data-testid="body-diff"] ins`); !strings.Contains(diff, want[1]) {
				t.Errorf("review diff (%s): first insertion %q", lang, diff)
			}
			check(p, "gate-review-"+lang)
		}
		useLang(t, p, "zh-CN")
		// Unfold the long unchanged paragraph without JavaScript's help.
		p.Click(t, `[data-testid="body-diff"] details summary`)
		var open bool
		p.Eval(t, `document.querySelector('[data-testid="body-diff"] details').open`, &open)
		if !open {
			t.Error("the folded unchanged text does not open")
		}
		check(p, "gate-review-unfolded")

		// The comparison page.
		p.Go(t, base+"/privacy/compare")
		if h := p.Text(t, "#compare-heading"); !strings.Contains(h, "2026-01") || !strings.Contains(h, "2026-12") {
			t.Errorf("compare heading: %q", h)
		}
		check(p, "gate-compare")

		// Back to the review (the gate sends every page there), accept, and the
		// account page is reachable again.
		p.Go(t, base+"/account")
		if loc := p.Location(t); !strings.Contains(loc, "/privacy/review") {
			t.Fatalf("the gate let /account through: %s", loc)
		}
		p.Submit(t, `form[action="/privacy/review/accept"] button`)
		if loc := p.Location(t); !strings.HasSuffix(loc, "/account") {
			t.Fatalf("after accepting: %s", loc)
		}
		check(p, "gate-accepted")

		// A minor revision: a banner, not a gate; dismissing it removes it.
		ta.gatePublish(t, "2027-02", false, ta.clock.Now().Add(-time.Second), newZh+"\n措辞调整。\n", newEn+"\nWording.\n")
		p.Go(t, base+"/account/security")
		if txt := p.Text(t, `[data-testid="banner"]`); !strings.Contains(txt, "2027-02") {
			t.Errorf("banner: %q", txt)
		}
		check(p, "gate-banner")
		p.Submit(t, `[data-testid="banner"] form button`)
		var banners int
		p.Eval(t, `document.querySelectorAll('[data-testid="banner"]').length`, &banners)
		if loc := p.Location(t); !strings.HasSuffix(loc, "/account/security") || banners != 0 {
			t.Errorf("after dismissing: at %s with %d banners", loc, banners)
		}
		for _, prob := range p.Problems() {
			t.Errorf("patient, width %d: %s", width, prob)
		}
		p.Submit(t, `form[action="/logout"] button`) // pages share the browser's cookies

		// The privacy officer's dashboard.
		s := b.NewPage(t, width, 800)
		s.Go(t, base+"/login")
		useLang(t, s, "zh-CN")
		s.SetValue(t, "#f-login", "gate-po@example.com")
		s.SetValue(t, "#f-password", testPassword)
		s.Submit(t, `form[action="/login"]`)
		ta.clock.Advance(30 * time.Second)
		code, err := otptotp.GenerateCode(testTOTPSecret, ta.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		s.SetValue(t, "#f-code", code)
		s.Submit(t, `form[action="/login/mfa"]`)
		s.Go(t, base+"/staff/privacy/stats")
		if h1 := s.Text(t, "h1"); !strings.Contains(h1, "同意情况统计") {
			t.Fatalf("dashboard h1: %q (at %s)", h1, s.Location(t))
		}
		var bars int
		s.Eval(t, `document.querySelectorAll('svg[role="img"] rect').length`, &bars)
		if bars < 6 {
			t.Errorf("dashboard draws %d bars", bars)
		}
		check(s, "privacy-stats")
		useLang(t, s, "en")
		check(s, "privacy-stats-en")
		for _, prob := range s.Problems() {
			t.Errorf("privacy officer, width %d: %s", width, prob)
		}
	}
}
