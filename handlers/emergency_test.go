package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yibao-health/portal/internal/testkit/webclient"
	"github.com/yibao-health/portal/models"
)

// emergencyWorld is a patient with a full health profile and an ID number, two
// verified doctors, and one staff member per capability.
type emergencyWorld struct {
	ta      *testApp
	patient *models.User
}

const (
	emPatientPhone = "13800007001"
	emPatientID    = "11010519491231002X"
	emDoctor       = "13900007001"
	emDoctor2      = "13900007002"
	emPrivacy      = "em-privacy@example.com"
	emSupport      = "em-support@example.com"
	emAdmin        = "em-admin@example.com"
	emWhy          = "患者车祸后昏迷送入急诊，无家属陪同，需了解过敏史后用药。"
)

func newEmergencyWorld(t *testing.T) *emergencyWorld {
	t.Helper()
	ta := newApp(t, nil)
	ctx := context.Background()
	w := &emergencyWorld{ta: ta}
	w.patient = ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: emPatientPhone, Username: "emalice"})
	cc := models.ConsentContext{Channel: models.ChannelWeb}
	actx := models.AuditContext{ActorKind: models.ActorPatient, ActorID: w.patient.ID, RequestID: "test"}
	if _, err := models.RecordConsent(ta.db, w.patient.ID, models.PurposeHealthData, "", models.DecisionAccepted, nil, cc, ta.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := ta.accounts.SaveIdentity(ctx, w.patient, models.IdentityInput{RealName: "王芳", Gender: models.GenderFemale, Birthday: "1949-12-31",
		IDType: models.IDResident, IDNumber: emPatientID, Consent: true}, actx); err != nil {
		t.Fatal(err)
	}
	hp := models.NewHealthProfiles(ta.db, ta.accounts.Keys, ta.clock.Now)
	if _, _, err := hp.Save(ctx, w.patient, models.HealthProfileInput{
		Allergies: []models.Allergy{{Substance: "青霉素", Reaction: "过敏性休克", Severity: "severe"}},
		Diagnoses: []models.Diagnosis{{Name: "二型糖尿病", Date: "2018-04-01", Status: "chronic"}},
		Height:    "162", Weight: "58", MaritalStatus: "married", PastHistory: "2010年胆囊切除术",
	}, actx); err != nil {
		t.Fatal(err)
	}
	for i, phone := range []string{emDoctor, emDoctor2} {
		ta.createAccount(t, models.NewAccount{Kind: models.KindDoctor, Phone: phone,
			Doctor: &models.DoctorProfile{RealName: []string{"张明", "李华"}[i], Hospital: "协和医院", Department: "急诊科",
				Title: models.TitleChief, LicenceNumber: "11000000000700" + strconv.Itoa(i), Status: models.DoctorVerified}})
	}
	for email, cp := range map[string]string{emPrivacy: models.CapPrivacyOfficer, emSupport: models.CapSupport, emAdmin: models.CapAdmin} {
		ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: email, Caps: []string{cp}})
	}
	return w
}

// requestAccess posts the form as c and returns the new access id.
func (w *emergencyWorld) requestAccess(t *testing.T, c *webclient.Client, identifier string) int64 {
	t.Helper()
	r := c.Submit("/clinic/emergency", "/clinic/emergency", url.Values{"identifier": {identifier}, "reason": {models.EmergencyUnconscious},
		"justification": {emWhy}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/clinic/emergency/") {
		t.Fatalf("request: %d %s %s", r.Status, r.Location(), r.Text())
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(r.Location(), "/clinic/emergency/"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// Only verified doctors reach the doctor's pages and only privacy officers the
// review; everyone else (visitor, patient, other doctor on review pages, support,
// admin) gets 404, also on a real access id.
// policy: C2.2.2-5
func TestEmergencyRoutesAccess(t *testing.T) {
	w := newEmergencyWorld(t)
	ta := w.ta
	doctor := ta.signInFull(t, emDoctor)
	id := w.requestAccess(t, doctor, emPatientPhone)
	who := map[string]*webclient.Client{
		"visitor": webclient.New(t, ta.url),
		"patient": ta.signInFull(t, emPatientPhone),
		"doctor":  doctor,
		"support": ta.signInFull(t, emSupport),
		"admin":   ta.signInFull(t, emAdmin),
		"privacy": ta.signInFull(t, emPrivacy),
	}
	ids := strconv.FormatInt(id, 10)
	routes := []struct {
		method, path, admits string
	}{
		{http.MethodGet, "/clinic/emergency", "doctor"},
		{http.MethodPost, "/clinic/emergency", "doctor"},
		{http.MethodGet, "/clinic/emergency/" + ids, "doctor"},
		{http.MethodGet, "/staff/emergency", "privacy"},
		{http.MethodGet, "/staff/emergency?status=flagged", "privacy"},
		{http.MethodGet, "/staff/emergency/" + ids, "privacy"},
		{http.MethodPost, "/staff/emergency/" + ids + "/review", "privacy"},
	}
	for _, rt := range routes {
		for name, c := range who {
			res := request(c, rt.method, rt.path)
			switch {
			case name != rt.admits && res.Status != http.StatusNotFound:
				t.Errorf("%s %s as %s: %d, want 404", rt.method, rt.path, name, res.Status)
			case name == rt.admits && rt.method == http.MethodGet && res.Status != http.StatusOK:
				t.Errorf("%s %s as %s: %d, want 200", rt.method, rt.path, name, res.Status)
			}
		}
	}
	// The review is still pending: the empty POST above was refused as bad input.
	var row models.EmergencyAccess
	if err := ta.db.First(&row, id).Error; err != nil || row.ReviewStatus != models.EmergencyPending {
		t.Fatalf("after refused posts: %+v %v", row, err)
	}
	// Another doctor, the same id: 404. Ids that are not numbers: 404.
	request(ta.signInFull(t, emDoctor2), http.MethodGet, "/clinic/emergency/"+ids).Expect(http.StatusNotFound)
	doctor.Get("/clinic/emergency/abc").Expect(http.StatusNotFound)
	who["privacy"].Get("/staff/emergency/0").Expect(http.StatusNotFound)
	who["privacy"].Get("/staff/emergency/99999").Expect(http.StatusNotFound)
	// The privacy officer's console links to the queue.
	if !strings.Contains(who["privacy"].Get("/staff").Expect(http.StatusOK).Body, `href="/staff/emergency"`) {
		t.Error("console has no link to the review queue")
	}
}

// The doctor's journey: bad input keeps every typed value; no match is neutral;
// a match opens the red banner page with the critical items only (no-store),
// listed under recent accesses; the patient's log shows it as an emergency; it
// ends with the window (test clock).
// policy: C2.2.4, C2.2.2-5
func TestEmergencyDoctorPages(t *testing.T) {
	w := newEmergencyWorld(t)
	ta := w.ta
	doctor := ta.signInFull(t, emDoctor)
	form := doctor.Get("/clinic/emergency").Expect(http.StatusOK)
	if !hasAll(form.Text(), "每次使用都会通知患者", "隐私保护负责人审核", "过敏、诊断和病史") {
		t.Errorf("form lacks the warning: %s", form.Text())
	}
	if cc := form.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("form Cache-Control %q", cc)
	}

	// Bad input: every value kept, messages shown, nothing stored.
	r := doctor.Submit("/clinic/emergency", "/clinic/emergency", url.Values{"identifier": {"138 0000 70"}, "reason": {models.EmergencySevereAllergy},
		"justification": {"太短了"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("short justification: %d", r.Status)
	}
	f := r.Form("/clinic/emergency")
	if f.Value("identifier") != "138 0000 70" || f.Value("reason") != models.EmergencySevereAllergy || f.Value("justification") != "太短了" {
		t.Errorf("typed values not kept: %v", f.Values)
	}
	if !r.HasText("20–1000 字") {
		t.Errorf("no justification message")
	}
	r = doctor.Submit("/clinic/emergency", "/clinic/emergency", url.Values{"identifier": {"13800007999"}, "reason": {models.EmergencyUnconscious},
		"justification": {emWhy}})
	if r.Status != http.StatusUnprocessableEntity || !r.HasText("没有完全匹配的患者") {
		t.Fatalf("no match: %d %s", r.Status, r.Text())
	}
	if f := r.Form("/clinic/emergency"); f.Value("identifier") != "13800007999" || f.Value("justification") != emWhy {
		t.Errorf("no-match values not kept: %v", f.Values)
	}
	var n int64
	ta.db.Model(&models.EmergencyAccess{}).Count(&n)
	if n != 0 {
		t.Fatalf("%d accesses after refused requests", n)
	}

	// By ID number (lower-case x): the banner page.
	id := w.requestAccess(t, doctor, strings.ToLower(emPatientID))
	page := doctor.Get("/clinic/emergency/" + strconv.FormatInt(id, 10)).Expect(http.StatusOK)
	if cc := page.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("access page Cache-Control %q", cc)
	}
	text := page.Text()
	if !hasAll(text, "紧急访问", "EMERGENCY ACCESS", "剩余 3 小时 59 分钟", "到期时间", "王*", "青霉素", "过敏性休克", "二型糖尿病", "2010年胆囊切除术") {
		t.Errorf("access page misses content: %s", text)
	}
	for _, leak := range []string{"王芳", "身高", "体重", "已婚", emPatientPhone, "110105"} {
		if strings.Contains(text, leak) {
			t.Errorf("access page shows %q", leak)
		}
	}
	if !strings.Contains(page.Body, `data-testid="emergency-banner"`) {
		t.Error("no banner")
	}
	// Recent accesses on the form page, with a link while open.
	if recent := doctor.Get("/clinic/emergency").Expect(http.StatusOK); !strings.Contains(recent.Body, `href="/clinic/emergency/`+strconv.FormatInt(id, 10)+`"`) ||
		!recent.HasText("患者昏迷或无法沟通") {
		t.Errorf("recent list: %s", recent.Text())
	}
	// The patient sees it, marked emergency, with the doctor's name.
	pc := ta.signInFull(t, emPatientPhone)
	if log := pc.Get("/account/access-log?emergency=1").Expect(http.StatusOK).Text(); !hasAll(log, "张明", "紧急访问", "健康档案") {
		t.Errorf("patient's log: %s", log)
	}
	// The window ends on the test clock.
	ta.clock.Advance(4*time.Hour + time.Minute)
	doctor = ta.signInFull(t, emDoctor) // the idle session has ended too
	doctor.Get("/clinic/emergency/" + strconv.FormatInt(id, 10)).Expect(http.StatusNotFound)
	if recent := doctor.Get("/clinic/emergency").Expect(http.StatusOK); strings.Contains(recent.Body, `href="/clinic/emergency/`+strconv.FormatInt(id, 10)+`"`) {
		t.Error("an expired access is still linked")
	}
}

// The privacy officer's review: the queue by state, the detail with the
// justification and the reads, a flag without a note refused with the typed
// values kept, a flag with a note, and a second decision refused.
// policy: C2.2.4
func TestEmergencyReviewPages(t *testing.T) {
	w := newEmergencyWorld(t)
	ta := w.ta
	doctor := ta.signInFull(t, emDoctor)
	id := w.requestAccess(t, doctor, emPatientPhone)
	ids := strconv.FormatInt(id, 10)
	doctor.Get("/clinic/emergency/" + ids).Expect(http.StatusOK)

	po := ta.signInFull(t, emPrivacy)
	q := po.Get("/staff/emergency").Expect(http.StatusOK)
	if !hasAll(q.Text(), "张明", "协和医院", "王*", "患者昏迷或无法沟通", "待审核") || !strings.Contains(q.Body, `href="/staff/emergency/`+ids+`"`) {
		t.Errorf("queue: %s", q.Text())
	}
	if cc := q.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("queue Cache-Control %q", cc)
	}
	d := po.Get("/staff/emergency/" + ids).Expect(http.StatusOK)
	if !hasAll(d.Text(), emWhy, "健康档案", "张明") {
		t.Errorf("detail: %s", d.Text())
	}
	for _, leak := range []string{"青霉素", "二型糖尿病", "王芳", emPatientPhone} {
		if strings.Contains(d.Text(), leak) {
			t.Errorf("review shows %q", leak)
		}
	}

	action := "/staff/emergency/" + ids + "/review"
	r := po.Submit("/staff/emergency/"+ids, action, url.Values{"decision": {"flag"}, "note": {"  "}})
	if r.Status != http.StatusUnprocessableEntity || !r.HasText("标记为滥用时必须填写说明") {
		t.Fatalf("flag without note: %d %s", r.Status, r.Text())
	}
	long := strings.Repeat("注", models.MaxReviewNote+1)
	r = po.Submit("/staff/emergency/"+ids, action, url.Values{"decision": {"flag"}, "note": {long}})
	if r.Status != http.StatusUnprocessableEntity || r.Form(action).Value("note") != long {
		t.Fatalf("long note not kept: %d", r.Status)
	}
	note := "当日急诊无此患者就诊记录，疑似滥用。"
	r = po.Submit("/staff/emergency/"+ids, action, url.Values{"decision": {"flag"}, "note": {note}})
	if r.Status != http.StatusSeeOther || r.Location() != "/staff/emergency/"+ids {
		t.Fatalf("flag: %d %s", r.Status, r.Location())
	}
	d = po.Get("/staff/emergency/" + ids).Expect(http.StatusOK)
	if !hasAll(d.Text(), "已将这次紧急访问标记为滥用", "已标记滥用", note) {
		t.Errorf("after flag: %s", d.Text())
	}
	if _, ok := d.FindForm(action); ok {
		t.Error("a reviewed access still offers the decision form")
	}
	// A second decision (a stale tab) is a conflict; the first stands.
	r = po.Do(http.MethodPost, action, "application/x-www-form-urlencoded",
		strings.NewReader(url.Values{"decision": {"confirm"}, "_csrf": {po.Cookie("csrf").Value}}.Encode()),
		http.Header{"Origin": {po.Base.Scheme + "://" + po.Base.Host}})
	if r.Status != http.StatusConflict || !r.HasText("已审核") {
		t.Fatalf("second review: %d %s", r.Status, r.Text())
	}
	if fl := po.Get("/staff/emergency?status=flagged").Expect(http.StatusOK); !strings.Contains(fl.Body, `href="/staff/emergency/`+ids+`"`) {
		t.Error("flagged tab misses the access")
	}
	var audits int64
	ta.db.Model(&models.AuditEntry{}).Where("action = ?", models.AuditEmergencyReview).Count(&audits)
	if audits != 1 {
		t.Errorf("review audit rows %d", audits)
	}
}
