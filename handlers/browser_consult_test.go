package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/yibao-health/portal/internal/testkit/browser"
	"github.com/yibao-health/portal/models"
)

// The patient's consultation journey in Chromium at 360 and 1280 px, in zh-CN and
// English: a patient with a health profile and a lab report goes from the
// directory to the doctor's card, the consult form, the confirmation and the
// consultation page, sends a message, sees the doctor's reply, and revokes the
// grant; the doctor's next read finds nothing. Form, confirmation and detail (open,
// revoked, and closed with advice) are screenshotted; axe finds nothing and no page
// scrolls sideways.
// policy: C2.2.2-5
func TestConsultJourneyInBrowser(t *testing.T) {
	b := browser.Start(t)
	ta := newApp(t, nil)
	base := browser.Serve(t, ta.app.Handler())
	ctx := context.Background()
	dID := directoryDoctor(t, ta, "13912345001", "", "张明远", "北京协和医院", "心血管内科", "冠心病介入治疗、高血压的长期管理", models.DoctorVerified)
	doctor, err := ta.accounts.User(ctx, dID)
	if err != nil {
		t.Fatal(err)
	}
	cs := ta.app.Consultations()
	hp := models.NewHealthProfiles(ta.db, ta.accounts.Keys, ta.clock.Now)
	actx := models.AuditContext{ActorKind: models.ActorPatient}

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
	n := 0
	for _, w := range []int{360, 1280} {
		for _, lang := range []string{"zh-CN", "en"} {
			n++
			login := fmt.Sprintf("journey_%d", n)
			patient := ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: fmt.Sprintf("1381234500%d", n), Username: login})
			if _, err := models.RecordConsent(ta.db, patient.ID, models.PurposeHealthData, "", models.DecisionAccepted, nil,
				models.ConsentContext{Channel: models.ChannelWeb}, ta.clock.Now()); err != nil {
				t.Fatal(err)
			}
			if _, _, err := hp.Save(ctx, patient, models.HealthProfileInput{
				Allergies: []models.Allergy{{Substance: "青霉素", Reaction: "皮疹", Severity: "severe"}},
				Diagnoses: []models.Diagnosis{{Name: "高血压", Status: "active"}}, Height: "172", Weight: "70",
			}, actx); err != nil {
				t.Fatal(err)
			}
			lab := matrixDocument(t, ta, patient.ID, models.CategoryLab, "血常规检查报告（空腹）")
			matrixDocument(t, ta, patient.ID, models.CategoryImaging, "胸部X光片")

			p := b.NewPage(t, w, 900)
			p.Go(t, base+"/login")
			useLang(t, p, lang)
			p.SetValue(t, "#f-login", login)
			p.SetValue(t, "#f-password", testPassword)
			p.Submit(t, `form[action="/login"]`)

			// Directory → card → form.
			p.Click(t, `header nav a[href="/doctors"]`)
			p.Text(t, `[data-testid="doctor-directory"]`)
			p.Click(t, fmt.Sprintf(`a[href="/doctors/%d"]`, dID))
			p.Text(t, `[data-testid="doctor-card"]`)
			p.Click(t, `[data-testid="consult-start"]`)
			form := p.Text(t, `[data-testid="consult-form"]`)
			if !strings.Contains(form, "血常规检查报告（空腹）") || !strings.Contains(form, "胸部X光片") {
				t.Fatalf("%s %d: form lists %q", lang, w, form)
			}
			var ticked int
			p.Eval(t, `document.querySelectorAll('[data-testid=consult-form] input[type=checkbox]:checked').length`, &ticked)
			if ticked != 0 {
				t.Errorf("%s %d: %d choices pre-ticked", lang, w, ticked)
			}
			check(p, "consult-form-"+lang)

			// Fill in, preview.
			p.SetValue(t, "#f-question", "最近两周活动后胸闷，休息后缓解，需要做哪些检查？")
			p.Click(t, "#f-section-allergies")
			p.Click(t, "#f-section-diagnoses")
			p.Click(t, fmt.Sprintf("#f-document-%d", lab))
			p.SetValue(t, "#f-share_days", "3")
			p.Submit(t, `[data-testid="consult-form"]`)
			shared := p.Text(t, `[data-testid="confirm-shared"]`)
			if !strings.Contains(shared, "血常规检查报告（空腹）") || strings.Contains(shared, "胸部X光片") {
				t.Fatalf("%s %d: confirmation shares %q", lang, w, shared)
			}
			check(p, "consult-confirm-"+lang)

			// Confirm: the consultation's page.
			p.Submit(t, `form[action="/consultations"] button[type=submit]:not([formaction])`)
			loc := strings.TrimPrefix(p.Location(t), base)
			if !consultationPath.MatchString(loc) {
				t.Fatalf("%s %d: after confirming at %s: %s", lang, w, loc, p.Text(t, "main"))
			}
			var id int64
			fmt.Sscan(consultationPath.FindStringSubmatch(loc)[1], &id)
			p.SetValue(t, "#f-body", "我对青霉素过敏，平时血压 140/90。")
			p.Submit(t, "#f-body")
			if err := cs.Post(ctx, doctor, id, "请先做心电图和血脂检查，结果出来后上传给我。", actx); err != nil {
				t.Fatal(err)
			}
			p.Go(t, base+loc)
			thread := p.Text(t, `[data-testid="consult-thread"]`)
			if !strings.Contains(thread, "140/90") || !strings.Contains(thread, "心电图") {
				t.Errorf("%s %d: thread %q", lang, w, thread)
			}
			check(p, "consult-detail-"+lang)
			if v, err := cs.ForDoctor(ctx, doctor, id, "browser"); err != nil || len(v.Documents) != 1 || len(v.Sections) != 2 {
				t.Fatalf("%s %d: the doctor reads %+v (%v)", lang, w, v, err)
			}

			// Revoke in one click: the doctor's next read finds nothing.
			p.Submit(t, fmt.Sprintf(`form[action="/consultations/%d/revoke"] button`, id))
			state := p.Text(t, `[data-testid="grant-state"]`)
			if state != map[string]string{"zh-CN": "授权已撤销", "en": "Access revoked"}[lang] {
				t.Errorf("%s %d: grant state after revoke %q", lang, w, state)
			}
			if v, err := cs.ForDoctor(ctx, doctor, id, "browser"); err != nil || v.GrantActive || len(v.Documents) != 0 || v.Profile != nil {
				t.Errorf("%s %d: after revoke the doctor reads %+v (%v)", lang, w, v, err)
			}
			check(p, "consult-revoked-"+lang)

			// The doctor's closing advice, set apart.
			if err := cs.Close(ctx, doctor, id, "低盐饮食，规律服药，两周后复诊。", actx); err != nil {
				t.Fatal(err)
			}
			p.Go(t, base+loc)
			if advice := p.Text(t, `[data-testid="consult-advice"]`); !strings.Contains(advice, "两周后复诊") {
				t.Errorf("%s %d: advice %q", lang, w, advice)
			}
			check(p, "consult-closed-"+lang)
			p.Go(t, base+"/consultations")
			check(p, "consult-list-"+lang)
			p.AssertNoProblems(t)
			p.Submit(t, `form[action="/logout"]`)
		}
	}
}
