package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/yibao-health/portal/internal/testkit/browser"
	"github.com/yibao-health/portal/models"
)

// The grant journey of issue 6 in two browsers, a patient on a phone and a doctor
// on a desktop: the patient shares the allergies and one lab report → the doctor
// sees exactly those and nothing else → the patient revokes → the doctor's next
// click is a 404 → the patient's access log lists the doctor's views.
// policy: C2.2.2-5, C4.1-5
func TestGrantJourneyInTwoBrowsers(t *testing.T) {
	patientBrowser, doctorBrowser := browser.Start(t), browser.Start(t)
	ta := newApp(t, nil)
	base := browser.Serve(t, ta.app.Handler())
	ctx := context.Background()

	patient := ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: "13800007001", Username: "grant_journey"})
	if _, err := models.RecordConsent(ta.db, patient.ID, models.PurposeHealthData, "", models.DecisionAccepted, nil,
		models.ConsentContext{Channel: models.ChannelWeb}, ta.clock.Now()); err != nil {
		t.Fatal(err)
	}
	hp := models.NewHealthProfiles(ta.db, ta.accounts.Keys, ta.clock.Now)
	if _, _, err := hp.Save(ctx, patient, models.HealthProfileInput{
		Allergies:   []models.Allergy{{Substance: "青霉素", Reaction: "皮疹", Severity: "severe"}},
		Diagnoses:   []models.Diagnosis{{Name: "二型糖尿病", Status: "chronic"}},
		PastHistory: "胆囊切除术后", Height: "168",
	}, models.AuditContext{ActorKind: models.ActorPatient}); err != nil {
		t.Fatal(err)
	}
	lab := matrixDocument(t, ta, patient.ID, models.CategoryLab, "血常规报告")
	matrixDocument(t, ta, patient.ID, models.CategoryLab, "肝功能报告")
	matrixDocument(t, ta, patient.ID, models.CategoryRecord, "门诊病历")
	doctor := ta.createAccount(t, models.NewAccount{Kind: models.KindDoctor, Phone: "13900007001",
		Doctor: &models.DoctorProfile{RealName: "赵立新", Hospital: "示范人民医院", Department: "内分泌科", Title: models.TitleChief,
			LicenceNumber: "110000000007001", Status: models.DoctorVerified}})
	notShared := []string{"二型糖尿病", "胆囊切除", "肝功能报告", "门诊病历", "168"}

	look := func(p *browser.Page, name string) {
		t.Helper()
		p.Screenshot(t, name)
		p.Axe(t)
	}

	// The patient, on a phone: the start form, the confirmation, the consultation.
	pp := patientBrowser.NewPage(t, 360, 800)
	pp.Go(t, base+"/login")
	useLang(t, pp, "zh-CN")
	pp.SetValue(t, "#f-login", "grant_journey")
	pp.SetValue(t, "#f-password", testPassword)
	pp.Submit(t, `form[action="/login"]`)
	pp.Go(t, fmt.Sprintf("%s/consultations/new?doctor=%d", base, doctor.ID))
	pp.SetValue(t, "#f-question", "最近空腹血糖偏高，青霉素过敏，能否帮我看看血常规？")
	pp.Click(t, "#f-section-allergies")
	pp.Click(t, fmt.Sprintf("#f-document-%d", lab))
	pp.Submit(t, `[data-testid="consult-form"]`)
	shared := pp.Text(t, `[data-testid="confirm-shared"]`)
	if !strings.Contains(shared, "血常规报告") || strings.Contains(shared, "肝功能报告") || strings.Contains(shared, "门诊病历") {
		t.Fatalf("the confirmation lists %q", shared)
	}
	look(pp, "journey-patient-confirm")
	pp.Submit(t, `form[action="/consultations"] button[type=submit]:not([formaction])`)
	consultation := strings.TrimPrefix(pp.Location(t), base)
	if !consultationPath.MatchString(consultation) {
		t.Fatalf("after confirming: %s", consultation)
	}
	var id int64
	fmt.Sscan(consultationPath.FindStringSubmatch(consultation)[1], &id)
	look(pp, "journey-patient-consultation")

	// The doctor, on a desktop: queue → consultation → the lab report.
	dp := doctorBrowser.NewPage(t, 1280, 900)
	dp.Go(t, base+"/login")
	useLang(t, dp, "zh-CN")
	dp.SetValue(t, "#f-login", "13900007001")
	dp.SetValue(t, "#f-password", testPassword)
	dp.Submit(t, `form[action="/login"]`)
	dp.SetValue(t, "#f-code", ta.totpNow(t))
	dp.Submit(t, `form[action="/login/mfa"]`)
	dp.Go(t, base+"/clinic")
	dp.Follow(t, `[data-testid="queue-item"] a`)
	main := dp.Text(t, "main")
	for _, want := range []string{"青霉素", "血常规报告", "最近空腹血糖偏高"} {
		if !strings.Contains(main, want) {
			t.Errorf("the doctor does not see %q: %s", want, main)
		}
	}
	for _, leak := range notShared {
		if strings.Contains(main, leak) {
			t.Errorf("the doctor sees %q, which was not shared", leak)
		}
	}
	look(dp, "journey-doctor-consultation")
	docLink := fmt.Sprintf(`main a[href="/clinic/consultations/%d/documents/%d"]`, id, lab)
	dp.Follow(t, docLink)
	if d := dp.Text(t, "main"); !strings.Contains(d, "血常规报告") {
		t.Fatalf("the granted report does not open: %s", d)
	}
	look(dp, "journey-doctor-document")
	dp.Go(t, base+fmt.Sprintf("/clinic/consultations/%d", id)) // the doctor is back on the consultation

	// The patient revokes in one click.
	pp.Submit(t, fmt.Sprintf(`form[action="/consultations/%d/revoke"] button`, id))
	look(pp, "journey-patient-revoked")

	// The doctor's next click, on the page loaded before the revocation, is a 404.
	dp.Follow(t, docLink)
	if title := dp.Title(t); !strings.Contains(title, "页面不存在") {
		t.Errorf("after the revocation the report still opens: %q %s", title, dp.Text(t, "main"))
	}
	if strings.Contains(dp.Text(t, "main"), "血常规报告") {
		t.Error("the 404 page shows the report")
	}
	look(dp, "journey-doctor-404")

	// The patient's access log lists the doctor's views under this consultation.
	pp.Go(t, base+"/account/access-log")
	log := pp.Text(t, "main")
	if !strings.Contains(log, "赵立新") || !strings.Contains(log, fmt.Sprint(id)) {
		t.Errorf("the access log does not list the doctor's views: %s", log)
	}
	rows, err := models.AccessLog(ctx, ta.db, patient.ID, models.AccessFilter{ViewerKind: models.KindDoctor}, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var profile, list, opened int
	for _, r := range rows.Rows {
		if r.ViewerID != doctor.ID || r.Basis != models.BasisConsultation || r.BasisID == nil || *r.BasisID != id {
			t.Errorf("unexpected access-log row %+v", r.AccessEntry)
		}
		switch {
		case r.ItemType == models.ItemHealthProfile:
			profile++
		case r.ItemType == models.ItemDocument && r.ItemID == fmt.Sprint(lab):
			if opened == 0 && list == 0 {
				opened++ // newest first: the report's own page comes before the list
			} else {
				list++
			}
		case r.ItemType == models.ItemDocument:
			t.Errorf("a document that was not shared was logged as read: %+v", r.AccessEntry)
		}
	}
	if profile == 0 || list == 0 || opened == 0 {
		t.Errorf("access log: %d profile, %d list, %d opened reads of the doctor", profile, list, opened)
	}
	look(pp, "journey-patient-access-log")
	useLang(t, pp, "en")
	look(pp, "journey-patient-access-log-en")
}
