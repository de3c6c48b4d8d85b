package handlers_test

import (
	"strings"
	"testing"

	"github.com/yibao-health/portal/internal/testkit/browser"
	"github.com/yibao-health/portal/models"
)

// "Who viewed my data" in Chromium at phone and desktop width, in both languages:
// a doctor's consultation read and an emergency read are listed, axe finds nothing.
// policy: C4.1-5
func TestAccessLogInBrowser(t *testing.T) {
	b := browser.Start(t)
	ta := newApp(t, nil)
	base := browser.Serve(t, ta.app.Handler())
	ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: "13800004001", Username: "viewlog"})
	patient := ta.userByLogin(t, "viewlog")
	doc := ta.createAccount(t, models.NewAccount{Kind: models.KindDoctor, Phone: "13900004001",
		Doctor: &models.DoctorProfile{RealName: "张明", Hospital: "协和医院", Department: "心内科", Title: models.TitleChief,
			LicenceNumber: "110000000000001", Status: models.DoctorVerified}})
	cons, emg := int64(31), int64(5)
	for _, e := range []models.AccessEntry{
		{PatientID: patient.ID, ViewerID: doc.ID, ViewerKind: models.KindDoctor, ItemType: models.ItemDocument, ItemID: "9001",
			ItemCategory: models.CategoryLab, Basis: models.BasisConsultation, BasisID: &cons},
		{PatientID: patient.ID, ViewerID: doc.ID, ViewerKind: models.KindDoctor, ItemType: models.ItemHealthProfile, ItemID: "1",
			Basis: models.BasisEmergency, BasisID: &emg},
	} {
		if err := models.LogAccess(ta.db, e); err != nil {
			t.Fatal(err)
		}
	}
	for _, width := range []int{360, 1280} {
		p := b.NewPage(t, width, 800)
		p.Go(t, base+"/login")
		useLang(t, p, "zh-CN")
		p.SetValue(t, "#f-login", "13800004001")
		p.SetValue(t, "#f-password", testPassword)
		p.Submit(t, `form[action="/login"]`)
		p.Go(t, base+"/account/access-log")
		if txt := p.Text(t, "main"); !strings.Contains(txt, "张明") || !strings.Contains(txt, "紧急访问") {
			t.Fatalf("access log page misses the seeded views: %s", txt)
		}
		p.Screenshot(t, "access-log-zh-CN")
		p.Axe(t)
		useLang(t, p, "en")
		if txt := p.Text(t, "main"); !strings.Contains(strings.ToLower(txt), "emergency") {
			t.Errorf("English page misses the emergency badge: %s", txt)
		}
		p.Screenshot(t, "access-log-en")
		p.Axe(t)
		var scrollW int
		p.Eval(t, `document.documentElement.scrollWidth`, &scrollW)
		if scrollW > width {
			t.Errorf("horizontal scroll at %d px: %d", width, scrollW)
		}
		p.Submit(t, `form[action="/logout"]`)
		useLang(t, p, "zh-CN")
	}
}
