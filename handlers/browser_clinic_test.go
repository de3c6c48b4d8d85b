package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/yibao-health/portal/internal/testkit/browser"
	"github.com/yibao-health/portal/models"
)

// The clinic in Chromium: a verified doctor signs in with TOTP, opens the queue
// and the consultation where the patient shared her drug allergies and one lab
// report (she also has diagnoses, histories and another lab report, not shared),
// sees exactly those, opens the lab report, replies, and closes with advice
// after a refused empty attempt; once the patient revokes, the page shows that
// access ended and nothing of hers. Every page at 1280 and 360 px, in Chinese and
// English, axe-clean and without sideways scrolling.
// policy: C2.2.2-5, C4.1-5
func TestClinicInBrowser(t *testing.T) {
	b := browser.Start(t)
	ta := newApp(t, nil)
	f := newClinicFixture(t, ta)
	base := browser.Serve(t, ta.app.Handler())
	if err := f.cs.Post(context.Background(), f.patient, f.id, "我还有点头晕，需要停药吗？", patientAudit); err != nil {
		t.Fatal(err)
	}
	check := func(p *browser.Page, name string, width int) {
		t.Helper()
		p.Screenshot(t, name)
		p.Axe(t)
		var scrollW int
		p.Eval(t, `document.documentElement.scrollWidth`, &scrollW)
		if scrollW > width {
			t.Errorf("%s: horizontal scroll at %d px (page %d px wide)", name, width, scrollW)
		}
	}
	desk := b.NewPage(t, 1280, 900)
	desk.Go(t, base+"/login")
	useLang(t, desk, "zh-CN")
	desk.SetValue(t, "#f-login", "13900006001")
	desk.SetValue(t, "#f-password", testPassword)
	desk.Submit(t, `form[action="/login"]`)
	desk.SetValue(t, "#f-code", ta.totpNow(t))
	desk.Submit(t, `form[action="/login/mfa"]`)

	consultation := base + consultPath(f.id)
	document := base + clinicDocPath(f.id, f.lab)
	for _, width := range []int{1280, 360} {
		p := desk
		if width == 360 {
			p = b.NewPage(t, 360, 800) // the same browser: the doctor's session
		}
		for _, lang := range []string{"zh-CN", "en"} {
			p.Go(t, base+"/clinic")
			useLang(t, p, lang)
			q := p.Text(t, `[data-testid="queue"]`)
			if !strings.Contains(q, "王*") || strings.Contains(q, "王芳") {
				t.Errorf("queue: %q", q)
			}
			check(p, "clinic-queue-"+lang, width)

			var href string
			p.Eval(t, fmt.Sprintf(`document.querySelector('[data-testid="queue-item"] a').getAttribute("href")`), &href)
			if href != consultPath(f.id) {
				t.Fatalf("queue links %q", href)
			}
			p.Go(t, base+href)
			main := p.Text(t, "main")
			for _, want := range []string{"王*", "青霉素", "血常规 2026-03", "最近两周胸闷", "我还有点头晕"} {
				if !strings.Contains(main, want) {
					t.Errorf("%s %d: consultation lacks %q", lang, width, want)
				}
			}
			for _, leak := range []string{"二型糖尿病", "胆囊切除", "肝功能", "门诊病历", "王芳", "162"} {
				if strings.Contains(main, leak) {
					t.Errorf("%s %d: consultation shows ungranted %q", lang, width, leak)
				}
			}
			check(p, "clinic-consultation-"+lang, width)

			p.Go(t, document)
			if d := p.Text(t, "main"); !strings.Contains(d, "血常规 2026-03") || !strings.Contains(d, "空腹抽血") {
				t.Errorf("document page: %s", d)
			}
			var loaded bool
			p.Eval(t, `(() => { const i = document.querySelector('[data-testid="thumbnail"]'); return !!i && i.complete && i.naturalWidth > 0 })()`, &loaded)
			if !loaded {
				t.Errorf("%s %d: the photo's thumbnail did not load", lang, width)
			}
			check(p, "clinic-document-"+lang, width)
		}
		useLang(t, p, "zh-CN")
	}

	// Reply, a refused close, then close with advice (desktop, Chinese).
	desk.Go(t, consultation)
	desk.SetValue(t, "#f-body", "可以继续服药，注意监测血压。")
	desk.Submit(t, fmt.Sprintf(`form[action="%s/messages"]`, consultPath(f.id)))
	if txt := desk.Text(t, "main"); !strings.Contains(txt, "回复已发送") || !strings.Contains(txt, "可以继续服药") {
		t.Errorf("after reply: %s", txt)
	}
	desk.Submit(t, fmt.Sprintf(`form[action="%s/close"]`, consultPath(f.id)))
	if got := desk.Text(t, "#f-advice-error"); !strings.Contains(got, "请填写医生建议") {
		t.Errorf("empty advice: %q", got)
	}
	check(desk, "clinic-close-error-zh-CN", 1280)
	desk.SetValue(t, "#f-advice", "建议一周后复查心电图；如胸痛加重请立即就医。")
	desk.Submit(t, fmt.Sprintf(`form[action="%s/close"]`, consultPath(f.id)))
	if txt := desk.Text(t, "main"); !strings.Contains(txt, "问诊已结束") || !strings.Contains(txt, "建议一周后复查心电图") {
		t.Errorf("after close: %s", txt)
	}
	check(desk, "clinic-closed-zh-CN", 1280)
	phone := b.NewPage(t, 360, 800)
	phone.Go(t, consultation)
	check(phone, "clinic-closed-zh-CN", 360)
	useLang(t, phone, "en")
	check(phone, "clinic-closed-en", 360)
	// The patient revokes: the next load shows no patient data, only that access ended.
	if err := f.cs.Revoke(context.Background(), f.patient, f.id, webConsent, patientAudit); err != nil {
		t.Fatal(err)
	}
	phone.Go(t, consultation)
	if txt := phone.Text(t, "main"); !strings.Contains(txt, "Access ended") || strings.Contains(txt, "青霉素") || strings.Contains(txt, "血常规") {
		t.Errorf("after revocation: %s", txt)
	}
	check(phone, "clinic-revoked-en", 360)
	var c models.Consultation
	if err := ta.db.First(&c, f.id).Error; err != nil || c.Status != models.ConsultationClosed {
		t.Errorf("consultation after close: %+v %v", c, err)
	}
}
