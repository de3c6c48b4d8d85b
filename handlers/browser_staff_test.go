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

// The admin console in a real browser at phone and desktop width: the admin signs in
// through /login and /login/mfa, opens the console (in both languages), invites a
// staff member and locks a patient. Every page passes axe-core with zero violations
// and never scrolls sideways; contacts appear masked only.
// policy: C4.1-4, C4.1-5, C4.3
func TestStaffConsoleInBrowser(t *testing.T) {
	b := browser.Start(t)
	ta := newApp(t, nil)
	base := browser.Serve(t, ta.app.Handler())
	ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "admin@example.com", Caps: []string{models.CapAdmin, models.CapSupport}})
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
	lang := func(p *browser.Page) string {
		var l string
		p.Eval(t, `document.documentElement.lang`, &l)
		return l
	}
	switchTo := func(p *browser.Page, want string) {
		t.Helper()
		if lang(p) != want {
			p.Submit(t, `form[action="/lang"] button[name="lang"][value="`+want+`"]`)
		}
		if got := lang(p); got != want {
			t.Fatalf("language switch to %s gave %s", want, got)
		}
	}
	for i, width := range []int{360, 1280} {
		phone := fmt.Sprintf("1380000401%d", i)
		ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: phone})
		p := b.NewPage(t, width, 800)

		p.Go(t, base+"/login")
		switchTo(p, "zh-CN")
		p.SetValue(t, "#f-login", "admin@example.com")
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
			t.Fatalf("admin landed on %s", loc)
		}

		// The console home in both languages.
		for _, l := range []string{"zh-CN", "en"} {
			switchTo(p, l)
			want := map[string]string{"zh-CN": "管理后台", "en": "Staff console"}[l]
			if h1 := p.Text(t, "h1"); !strings.Contains(h1, want) {
				t.Errorf("console h1 (%s) = %q", l, h1)
			}
			if links := p.Text(t, `[data-testid="admin-links"]`); !strings.Contains(links, map[string]string{"zh-CN": "医生资质审核", "en": "Doctor verification"}[l]) {
				t.Errorf("console (%s) does not link the doctor queue: %q", l, links)
			}
			check(p, "staff-console-"+l)
		}

		// Invite a staff member (English now).
		p.Go(t, base+"/staff/invite")
		check(p, "staff-invite")
		invitee := fmt.Sprintf("member%d@example.com", i)
		p.SetValue(t, "#f-email", invitee)
		p.Click(t, "#cap-support")
		p.Submit(t, `form[action="/staff/invite"]`)
		if loc := p.Location(t); !strings.HasSuffix(loc, "/staff/members") {
			t.Fatalf("after inviting: %s: %s", loc, p.Text(t, "main"))
		}
		list := p.Text(t, "main")
		if !strings.Contains(list, "Invitation sent") || !strings.Contains(list, fmt.Sprintf("m***@example.com")) || strings.Contains(list, invitee) {
			t.Errorf("staff list after the invitation: %s", list)
		}
		check(p, "staff-members")

		// Find the patient by phone and lock the account with a reason.
		p.Go(t, base+"/staff/accounts")
		check(p, "staff-find")
		p.SetValue(t, "#f-login", phone)
		p.Submit(t, `form[action="/staff/accounts"]`)
		if txt := p.Text(t, `[data-testid="account-details"]`); !strings.Contains(txt, phone[:3]+"****"+phone[7:]) || strings.Contains(txt, phone) {
			t.Errorf("account details must show the phone masked: %s", txt)
		}
		check(p, "staff-account")
		p.SetValue(t, "#f-lock_reason", "Reported stolen phone; ticket 77")
		p.Submit(t, `form[action$="/lock"]`)
		main := p.Text(t, "main")
		if !strings.Contains(main, "Account locked") || !strings.Contains(main, "ticket 77") {
			t.Errorf("after locking: %s", main)
		}
		if u := ta.userByLogin(t, phone); u.Status != models.StatusLocked {
			t.Errorf("patient status %q after the lock", u.Status)
		}
		check(p, "staff-account-locked")

		for _, prob := range p.Problems() {
			t.Errorf("width %d: %s", width, prob)
		}
		p.Submit(t, `form[action="/logout"]`)
	}
}
