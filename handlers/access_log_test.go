package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/yibao-health/portal/internal/testkit/webclient"
	"github.com/yibao-health/portal/models"
)

// TestAccessLogPage: the patient's "who viewed my data" lists the seeded views
// (doctor by name, staff by role, emergency badge, no titles), records the read
// itself (hidden unless "own" is ticked), never shows another patient's rows, and
// refuses doctors, staff and visitors.
func TestAccessLogPage(t *testing.T) {
	ta := newApp(t, nil)
	pc := ta.registerPatient(t, "13800000001", "alice")
	ta.registerPatient(t, "13800000002", "bob")
	alice, bob := ta.userByLogin(t, "alice"), ta.userByLogin(t, "bob")
	doc := ta.createAccount(t, models.NewAccount{Kind: models.KindDoctor, Phone: "13900000001", Username: "drzhang",
		Doctor: &models.DoctorProfile{RealName: "张明", Hospital: "协和医院", Department: "心内科", Title: models.TitleChief,
			LicenceNumber: "110000000000001", Status: "verified"}})
	staff := ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "po@example.com", Username: "privacyoff",
		Caps: []string{models.CapPrivacyOfficer}})
	cons, emg := int64(31), int64(5)
	for _, e := range []models.AccessEntry{
		{PatientID: alice.ID, ViewerID: doc.ID, ViewerKind: models.KindDoctor, ItemType: models.ItemDocument, ItemID: "9001",
			ItemCategory: models.CategoryLab, Basis: models.BasisConsultation, BasisID: &cons},
		{PatientID: alice.ID, ViewerID: doc.ID, ViewerKind: models.KindDoctor, ItemType: models.ItemHealthProfile, ItemID: "1",
			Basis: models.BasisEmergency, BasisID: &emg},
		{PatientID: alice.ID, ViewerID: staff.ID, ViewerKind: models.KindStaff, ItemType: models.ItemIdentity, ItemID: "1",
			Basis: models.BasisDisclosure},
		{PatientID: bob.ID, ViewerID: doc.ID, ViewerKind: models.KindDoctor, ItemType: models.ItemDocument, ItemID: "9002",
			ItemCategory: models.CategoryImaging, Basis: models.BasisConsultation, BasisID: new(int64(777))},
	} {
		if err := models.LogAccess(ta.db, e); err != nil {
			t.Fatal(err)
		}
	}
	selfRows := func(id int64) int64 {
		var n int64
		ta.db.Model(&models.AccessEntry{}).Where("patient_id = ? AND viewer_id = ? AND item_type = ? AND basis = ?",
			id, id, models.ItemAccessLog, models.BasisOwner).Count(&n)
		return n
	}

	r := pc.Get("/account/access-log").Expect(http.StatusOK)
	body := r.Text()
	if !hasAll(body, "张明", "主任医师", "协和医院", "病历：化验检查", "问诊 #31", "健康档案", "紧急访问", "平台工作人员（隐私官）", "身份信息") {
		t.Errorf("page misses seeded rows:\n%s", body)
	}
	if n := strings.Count(r.Body, `data-testid="accesslog-row"`); n != 3 {
		t.Errorf("%d rows, want 3 (own views hidden)", n)
	}
	for _, leak := range []string{"#777", "影像检查", "po@example.com"} {
		if strings.Contains(body, leak) {
			t.Errorf("page shows %q", leak)
		}
	}
	if n := selfRows(alice.ID); n != 1 {
		t.Errorf("self rows after one read: %d", n)
	}
	if h := r.Header.Get("Cache-Control"); !strings.Contains(h, "no-store") {
		t.Errorf("Cache-Control %q", h)
	}
	// "Include my own views" shows the reads of the log itself.
	own := pc.Get("/account/access-log?own=1").Expect(http.StatusOK).Body
	if !hasAll(own, "访问记录", "本人查看") || strings.Count(own, `data-testid="accesslog-row"`) != 4 {
		t.Errorf("own views not listed")
	}
	if n := selfRows(alice.ID); n != 2 {
		t.Errorf("self rows after two reads: %d", n)
	}
	// Filters: emergency only; staff only.
	em := pc.Get("/account/access-log?emergency=1").Expect(http.StatusOK).Text()
	if !strings.Contains(em, "健康档案") || strings.Contains(em, "化验检查") {
		t.Errorf("emergency filter")
	}
	st := pc.Get("/account/access-log?kind=staff").Expect(http.StatusOK).Text()
	if !strings.Contains(st, "身份信息") || strings.Contains(st, "张明") {
		t.Errorf("staff filter")
	}
	// A bad date is a form error, not a crash.
	pc.Get("/account/access-log?from=2026-13-45").Expect(http.StatusUnprocessableEntity)
	// The account page links here.
	if !strings.Contains(pc.Get("/account").Expect(http.StatusOK).Body, `href="/account/access-log"`) {
		t.Errorf("account page has no link")
	}

	// Visitors go to sign in; doctors and staff are refused.
	if r := webclient.New(t, ta.url).Get("/account/access-log"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/login") {
		t.Errorf("visitor: %d %s", r.Status, r.Location())
	}
	for _, login := range []string{"drzhang", "privacyoff"} {
		c := ta.signInFull(t, login)
		if r := c.Get("/account/access-log"); r.Status == http.StatusOK {
			t.Errorf("%s read the access log", login)
		}
	}
}
