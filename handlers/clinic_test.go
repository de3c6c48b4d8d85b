package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/yibao-health/portal/internal/config"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/internal/testkit/webclient"
	"github.com/yibao-health/portal/models"
)

var doctorAudit = models.AuditContext{ActorKind: models.ActorDoctor, RequestID: "test"}

func consultPath(id int64) string        { return fmt.Sprintf("/clinic/consultations/%d", id) }
func clinicDocPath(id, doc int64) string { return fmt.Sprintf("%s/documents/%d", consultPath(id), doc) }
func clinicFile(id, doc, fid int64, m string) string {
	return fmt.Sprintf("%s/files/%d/%s", clinicDocPath(id, doc), fid, m)
}

// clinicRoutesOf lists every clinic route of consultation id that names document
// doc and its file fid, by method.
func clinicRoutesOf(id, doc, fid int64) [][2]string {
	return [][2]string{
		{http.MethodGet, consultPath(id)},
		{http.MethodGet, clinicDocPath(id, doc)},
		{http.MethodGet, clinicFile(id, doc, fid, "view")},
		{http.MethodGet, clinicFile(id, doc, fid, "download")},
		{http.MethodGet, clinicFile(id, doc, fid, "thumbnail")},
		{http.MethodPost, consultPath(id) + "/messages"},
		{http.MethodPost, consultPath(id) + "/close"},
	}
}

// postClinic posts fields to a clinic form as the page would (CSRF token from the page).
func postClinic(t *testing.T, c *webclient.Client, id int64, action string, fields url.Values) *webclient.Response {
	t.Helper()
	page := c.Get(consultPath(id)).Expect(http.StatusOK)
	return c.SubmitForm(page.Form(consultPath(id)+"/"+action), fields)
}

// The queue: tabs with counts, newest activity first, each patient masked (name,
// age, sex) or "access ended" once the grant is revoked; unknown tabs are 404.
func TestClinicQueue(t *testing.T) {
	ta := newApp(t, nil)
	f := newClinicFixture(t, ta)
	ctx := context.Background()
	active := f.start(t, f.doctor, "血压偏高", models.Scope{})
	if err := f.cs.Post(ctx, f.doctor, active, "请测量一周血压", doctorAudit); err != nil {
		t.Fatal(err)
	}
	closed := f.start(t, f.doctor, "头痛", models.Scope{})
	if err := f.cs.Close(ctx, f.doctor, closed, "多休息", doctorAudit); err != nil {
		t.Fatal(err)
	}
	revoked := f.start(t, f.doctor, "咳嗽", models.Scope{Sections: []string{models.SectionAllergies}})
	if err := f.cs.Revoke(ctx, f.patient, revoked, webConsent, patientAudit); err != nil {
		t.Fatal(err)
	}
	f.start(t, f.doctor2, "别的医生", models.Scope{})

	dc := ta.signInFull(t, "13900006001")
	r := dc.Get("/clinic").Expect(http.StatusOK)
	if got := r.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("queue Cache-Control %q", got)
	}
	counts := textsOf(r, "tab-count")
	if strings.Join(counts, ",") != "2,1,1" {
		t.Errorf("counts %v, want new 2, active 1, closed 1", counts)
	}
	items := textsOf(r, "queue-item")
	if len(items) != 2 || !strings.Contains(items[0], "授权已结束") || !strings.Contains(items[1], "王*") {
		t.Fatalf("new tab items (newest first): %q", items)
	}
	now := ta.clock.Now().In(time.FixedZone("CST", 8*3600))
	age := now.Year() - 1980
	if now.Format("01-02") < "06-15" {
		age--
	}
	if !hasAll(items[1], fmt.Sprintf("%d 岁", age), "女", fmt.Sprintf("#%d", f.id)) {
		t.Errorf("masked patient: %q (age %d)", items[1], age)
	}
	if strings.Contains(items[0], "王") {
		t.Errorf("a revoked grant still names the patient: %q", items[0])
	}
	for _, leak := range []string{"王芳", "13800006001", "wangfang", "别的医生"} {
		if strings.Contains(r.Body, leak) {
			t.Errorf("queue shows %q", leak)
		}
	}
	if !strings.Contains(r.Body, `href="/clinic/emergency"`) {
		t.Error("no link to emergency access")
	}
	a := dc.Get("/clinic?status=active").Expect(http.StatusOK)
	if it := textsOf(a, "queue-item"); len(it) != 1 || !strings.Contains(it[0], fmt.Sprintf("#%d", active)) {
		t.Errorf("active tab: %q", it)
	}
	cl := dc.Get("/clinic?status=closed").Expect(http.StatusOK)
	if it := textsOf(cl, "queue-item"); len(it) != 1 || !strings.Contains(it[0], "王*") {
		t.Errorf("closed tab (grant still in its window): %q", it)
	}
	dc.Get("/clinic?status=bogus").Expect(http.StatusNotFound)
	// English.
	dc.Submit("/clinic", "/lang", url.Values{"lang": {"en"}}).Expect(http.StatusSeeOther)
	en := dc.Get("/clinic").Expect(http.StatusOK)
	if !hasAll(en.Text(), "New", "Active", "Closed", "Access ended", "Female") {
		t.Errorf("English queue: %s", en.Text())
	}
	// A doctor with nothing has empty tabs.
	d2 := ta.signInFull(t, "13900006002")
	e := d2.Get("/clinic?status=closed").Expect(http.StatusOK)
	if len(textsOf(e, "queue-empty")) != 1 {
		t.Errorf("empty state missing: %s", e.Text())
	}
}

// The queue pages by keyset: 25 new consultations are 20 then 5, no repeats.
func TestClinicQueuePages(t *testing.T) {
	ta := newApp(t, nil)
	f := newClinicFixture(t, ta)
	for i := 0; i < 24; i++ {
		ta.clock.Advance(time.Second)
		f.start(t, f.doctor, fmt.Sprintf("问题 %d", i), models.Scope{})
	}
	dc := ta.signInFull(t, "13900006001")
	r := dc.Get("/clinic").Expect(http.StatusOK)
	first := textsOf(r, "queue-item")
	next := hrefsOf(r, "queue-next")
	if len(first) != 20 || len(next) != 1 {
		t.Fatalf("first page: %d items, next %v", len(first), next)
	}
	r2 := dc.Get(next[0]).Expect(http.StatusOK)
	second := textsOf(r2, "queue-item")
	if len(second) != 5 || len(hrefsOf(r2, "queue-next")) != 0 {
		t.Fatalf("second page: %d items", len(second))
	}
	if !strings.Contains(second[4], fmt.Sprintf("#%d", f.id)) {
		t.Errorf("the oldest is not last: %q", second[4])
	}
}

// Nobody but the consultation's doctor finds any clinic route of it: a second
// verified doctor gets 404 on every one, also with the ids of their own
// consultation swapped into the path and with ids in the query; patients,
// applicants, staff and visitors get 404 everywhere in the clinic. The
// consultation's doctor gets through (so the 404s are the rule's).
// policy: C2.2.2-5, C4.1-5
func TestClinicRoutesAreTheDoctorsOnly(t *testing.T) {
	ta := newApp(t, nil)
	f := newClinicFixture(t, ta)
	own2 := f.start(t, f.doctor2, "我的问题", models.Scope{Sections: []string{models.SectionAllergies}})
	fid := f.photoOf(t, f.lab) // an image: view, download and thumbnail all exist
	ta.createAccount(t, models.NewAccount{Kind: models.KindDoctor, Phone: "13900006009",
		Doctor: &models.DoctorProfile{RealName: "待审", Hospital: "H", Department: "D", Title: models.TitleResident, LicenceNumber: "110000000006009", Status: models.DoctorPending}})
	ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "admin6@example.com", Caps: []string{models.CapAdmin, models.CapSupport, models.CapPrivacyOfficer}})

	dc := ta.signInFull(t, "13900006001")
	for _, r := range clinicRoutesOf(f.id, f.lab, fid)[:5] {
		if res := request(dc, r[0], r[1]); res.Status != http.StatusOK {
			t.Fatalf("the consultation's doctor: %s %s = %d", r[0], r[1], res.Status)
		}
	}
	routes := clinicRoutesOf(f.id, f.lab, fid)
	routes = append(routes, clinicRoutesOf(own2, f.lab, fid)[1:5]...) // her own consultation, the other's document
	routes = append(routes,
		[2]string{http.MethodGet, consultPath(own2) + fmt.Sprintf("/documents/%d?consultation=%d&id=%d", f.lab, f.id, f.id)},
		[2]string{http.MethodGet, consultPath(f.id) + fmt.Sprintf("?doctor_id=%d", f.doctor2.ID)},
	)
	d2 := ta.signInFull(t, "13900006002")
	for _, r := range routes {
		if res := request(d2, r[0], r[1]); res.Status != http.StatusNotFound {
			t.Errorf("second doctor: %s %s = %d, want 404", r[0], r[1], res.Status)
		}
	}
	// Her own consultation opens, without the other doctor's patient data.
	page := d2.Get(consultPath(own2)).Expect(http.StatusOK)
	if strings.Contains(page.Text(), "血常规") || strings.Contains(page.Text(), "最近两周胸闷") {
		t.Errorf("second doctor sees the first doctor's consultation: %s", page.Text())
	}
	if q := d2.Get(fmt.Sprintf("/clinic?doctor_id=%d&status=new", f.doctor.ID)).Expect(http.StatusOK); strings.Contains(q.Body, consultPath(f.id)) {
		t.Error("the first doctor's consultation is in the second doctor's queue")
	}
	if msgs := ta.messages(t, f.id); msgs != 0 {
		t.Errorf("refused posts stored %d messages", msgs)
	}

	all := append(routes, [2]string{http.MethodGet, "/clinic"}, [2]string{http.MethodGet, "/clinic?status=closed"})
	for name, c := range map[string]*webclient.Client{
		"visitor":   webclient.New(t, ta.url),
		"patient":   f.pc,
		"applicant": ta.signInFull(t, "13900006009"),
		"staff":     ta.signInFull(t, "admin6@example.com"),
	} {
		for _, r := range all {
			if res := request(c, r[0], r[1]); res.Status != http.StatusNotFound {
				t.Errorf("%s: %s %s = %d, want 404", name, r[0], r[1], res.Status)
			}
		}
	}
}

// messages counts the messages of consultation id.
func (ta *testApp) messages(t *testing.T, id int64) int64 {
	t.Helper()
	var n int64
	if err := ta.db.Model(&models.ConsultationMessage{}).Where("consultation_id = ?", id).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// The consultation page shows exactly the granted items: the allergies section
// and the shared lab report; no heading, no content of the ungranted diagnoses,
// histories or basics; the other lab report and the record are 404 (page and
// files) while the grant is active.
// policy: C2.2.2-5, C4.1-5
func TestClinicShowsOnlyTheGrant(t *testing.T) {
	ta := newApp(t, nil)
	f := newClinicFixture(t, ta)
	dc := ta.signInFull(t, "13900006001")
	r := dc.Get(consultPath(f.id)).Expect(http.StatusOK)
	if got := r.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q", got)
	}
	body := r.Text()
	if !hasAll(body, "王*", "女", "最近两周胸闷", "药物过敏", "青霉素", "重度", "血常规 2026-03", "结束后还可查看 7 天") {
		t.Errorf("granted data missing: %s", body)
	}
	for _, leak := range []string{"王芳", "二型糖尿病", "胆囊切除", "母亲有高血压", "162", "肝功能", "门诊病历", "1980", "13800006001"} {
		if strings.Contains(body, leak) {
			t.Errorf("page shows ungranted %q", leak)
		}
	}
	for _, id := range []string{"section-diagnoses", "section-histories", "section-basics"} {
		if len(byTestID(r, id)) != 0 {
			t.Errorf("ungranted section %s has a heading", id)
		}
	}
	if !strings.Contains(r.Body, fmt.Sprintf(`href="%s"`, clinicDocPath(f.id, f.lab))) {
		t.Error("no link to the shared document")
	}
	d := dc.Get(clinicDocPath(f.id, f.lab)).Expect(http.StatusOK)
	if !hasAll(d.Text(), "血常规 2026-03", "化验", "协和医院", "空腹抽血") || d.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("document page: %s (%q)", d.Text(), d.Header.Get("Cache-Control"))
	}
	view := dc.Get(clinicFile(f.id, f.lab, f.fileOf(t, f.lab), "view")).Expect(http.StatusOK)
	for k, v := range map[string]string{"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
		"Content-Type": "application/pdf", "Content-Disposition": "inline"} {
		if got := view.Header.Get(k); got != v {
			t.Errorf("file %s = %q, want %q", k, got, v)
		}
	}
	if csp := view.Header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "sandbox") {
		t.Errorf("file CSP %q", csp)
	}
	dl := dc.Get(clinicFile(f.id, f.lab, f.fileOf(t, f.lab), "download")).Expect(http.StatusOK)
	if cd := dl.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="document-1.pdf"; filename*=UTF-8''%E8%A1%80`) {
		t.Errorf("download disposition %q", cd)
	}
	for _, doc := range []int64{f.lab2, f.rec} {
		fid := f.fileOf(t, doc)
		for _, p := range []string{clinicDocPath(f.id, doc), clinicFile(f.id, doc, fid, "view"), clinicFile(f.id, doc, fid, "download")} {
			dc.Get(p).Expect(http.StatusNotFound)
		}
	}
}

// Every doctor read is in the patient's access log, basis consultation with its
// id: the page (profile and document list), the document, the file.
// policy: C2.2.2-5
func TestClinicReadsAreLogged(t *testing.T) {
	ta := newApp(t, nil)
	f := newClinicFixture(t, ta)
	dc := ta.signInFull(t, "13900006001")
	if n := len(f.doctorReads(t, f.doctor)); n != 0 {
		t.Fatalf("%d reads before any page", n)
	}
	kinds := func() map[string]int {
		out := map[string]int{}
		for _, r := range f.doctorReads(t, f.doctor) {
			if r.Basis != models.BasisConsultation || r.BasisID == nil || *r.BasisID != f.id || r.RequestID == "" {
				t.Errorf("read logged with basis %s %v request %q", r.Basis, r.BasisID, r.RequestID)
			}
			out[r.ItemType]++
		}
		return out
	}
	dc.Get(consultPath(f.id)).Expect(http.StatusOK)
	if k := kinds(); k[models.ItemHealthProfile] != 1 || k[models.ItemDocument] != 1 {
		t.Errorf("after the page: %v", k)
	}
	dc.Get(clinicDocPath(f.id, f.lab)).Expect(http.StatusOK)
	dc.Get(clinicFile(f.id, f.lab, f.fileOf(t, f.lab), "view")).Expect(http.StatusOK)
	if k := kinds(); k[models.ItemDocument] != 2 || k[models.ItemDocumentFile] != 1 {
		t.Errorf("after document and file: %v", k)
	}
	// Refused reads are not logged as views (nothing was shown).
	before := len(f.doctorReads(t, f.doctor))
	dc.Get(clinicDocPath(f.id, f.lab2)).Expect(http.StatusNotFound)
	if after := len(f.doctorReads(t, f.doctor)); after != before {
		t.Errorf("a 404 wrote %d rows", after-before)
	}
	// The queue reads no patient data beyond the masked identity: not logged.
	dc.Get("/clinic").Expect(http.StatusOK)
	if after := len(f.doctorReads(t, f.doctor)); after != before {
		t.Errorf("the queue wrote %d rows", after-before)
	}
}

// Revocation takes effect on the doctor's very next request: the granted
// document (page and file) is 404 and the consultation page shows no patient
// data, only that access ended; the thread stays.
// policy: C2.2.2-5, C4.1-5
func TestClinicRevocationEndsAccess(t *testing.T) {
	ta := newApp(t, nil)
	f := newClinicFixture(t, ta)
	dc := ta.signInFull(t, "13900006001")
	fid := f.fileOf(t, f.lab)
	dc.Get(clinicDocPath(f.id, f.lab)).Expect(http.StatusOK)
	if err := f.cs.Revoke(context.Background(), f.patient, f.id, webConsent, patientAudit); err != nil {
		t.Fatal(err)
	}
	dc.Get(clinicDocPath(f.id, f.lab)).Expect(http.StatusNotFound)
	dc.Get(clinicFile(f.id, f.lab, fid, "view")).Expect(http.StatusNotFound)
	noPatientData(t, dc, f, "患者已撤回授权")
}

// After close the grant lasts the chosen days; once the clock passes them the
// document is 404 and the page shows no patient data.
// policy: C2.2.2-5, C4.1-5
func TestClinicAccessEndsAfterTheWindow(t *testing.T) {
	ta := newApp(t, nil)
	f := newClinicFixture(t, ta)
	dc := ta.signInFull(t, "13900006001")
	r := postClinic(t, dc, f.id, "close", url.Values{"advice": {"建议心电图检查"}})
	if r.Status != http.StatusSeeOther || r.Location() != consultPath(f.id) {
		t.Fatalf("close: %d %q %s", r.Status, r.Location(), r.Text())
	}
	after := dc.Get(consultPath(f.id)).Expect(http.StatusOK)
	if !hasAll(after.Text(), "问诊已结束，建议已发给患者", "建议心电图检查", "可查看患者共享的资料至", "王*", "青霉素") {
		t.Errorf("after close: %s", after.Text())
	}
	if _, reply := after.FindForm(consultPath(f.id) + "/messages"); len(byTestID(after, "advice")) != 1 || reply {
		t.Error("closed consultation: advice block missing or reply form still there")
	}
	ta.clock.Advance(7*24*time.Hour - time.Hour)
	dc = ta.signInFull(t, "13900006001") // the idle session ended meanwhile
	dc.Get(clinicDocPath(f.id, f.lab)).Expect(http.StatusOK)
	ta.clock.Advance(2 * time.Hour)
	dc = ta.signInFull(t, "13900006001")
	noPatientData(t, dc, f, "授权已到期") // also proves the session is live: the page is 200
	dc.Get(clinicDocPath(f.id, f.lab)).Expect(http.StatusNotFound)
	dc.Get(clinicFile(f.id, f.lab, f.fileOf(t, f.lab), "download")).Expect(http.StatusNotFound)
}

// noPatientData checks the consultation page once access ended: the thread and
// the state, no patient name, profile or document.
func noPatientData(t *testing.T, dc *webclient.Client, f *clinicFixture, state string) {
	t.Helper()
	before := len(f.doctorReads(t, f.doctor))
	r := dc.Get(consultPath(f.id)).Expect(http.StatusOK)
	body := r.Text()
	if !hasAll(body, "授权已结束", state, "最近两周胸闷") {
		t.Errorf("ended page: %s", body)
	}
	for _, leak := range []string{"王", "女", "青霉素", "药物过敏", "血常规"} {
		if strings.Contains(body, leak) {
			t.Errorf("ended page shows %q", leak)
		}
	}
	if after := len(f.doctorReads(t, f.doctor)); after != before {
		t.Errorf("an ended grant logged %d reads", after-before)
	}
}

// Replies and closing: posted through the page's forms, with a flash; empty or
// too long text comes back with the localized message and the typed text, and
// stores nothing; fields naming patient_id, doctor_id or consultation_id change
// nothing (only the path names the consultation).
func TestClinicReplyAndClose(t *testing.T) {
	ta := newApp(t, nil)
	f := newClinicFixture(t, ta)
	other := f.start(t, f.doctor2, "别人的问诊", models.Scope{})
	dc := ta.signInFull(t, "13900006001")

	bad := postClinic(t, dc, f.id, "messages", url.Values{"body": {"   "}})
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Text(), "请输入消息内容") {
		t.Errorf("empty reply: %d %s", bad.Status, bad.Text())
	}
	long := strings.Repeat("长", models.MaxMessage+1)
	bad = postClinic(t, dc, f.id, "messages", url.Values{"body": {long}})
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, long) || !strings.Contains(bad.Text(), "消息最多 2000 字") {
		t.Errorf("long reply not kept: %d", bad.Status)
	}
	bad = postClinic(t, dc, f.id, "close", url.Values{"advice": {""}})
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Text(), "结束问诊前请填写医生建议") {
		t.Errorf("empty advice: %d %s", bad.Status, bad.Text())
	}
	if n := ta.messages(t, f.id); n != 0 {
		t.Fatalf("refused posts stored %d messages", n)
	}

	ok := postClinic(t, dc, f.id, "messages", url.Values{"body": {"请做一次心电图。"},
		"patient_id": {fmt.Sprint(f.doctor2.ID)}, "doctor_id": {fmt.Sprint(f.doctor2.ID)}, "consultation_id": {fmt.Sprint(other)}})
	if ok.Status != http.StatusSeeOther || ok.Location() != consultPath(f.id) {
		t.Fatalf("reply: %d %q", ok.Status, ok.Location())
	}
	page := dc.Get(consultPath(f.id)).Expect(http.StatusOK)
	if !hasAll(page.Text(), "回复已发送", "请做一次心电图。", "进行中") {
		t.Errorf("after reply: %s", page.Text())
	}
	var c models.Consultation
	if err := ta.db.First(&c, f.id).Error; err != nil {
		t.Fatal(err)
	}
	if c.PatientID != f.patient.ID || c.DoctorID != f.doctor.ID || c.Status != models.ConsultationActive {
		t.Errorf("consultation changed: %+v", c)
	}
	var m models.ConsultationMessage
	if err := ta.db.Where("consultation_id = ?", f.id).First(&m).Error; err != nil || m.SenderID != f.doctor.ID {
		t.Errorf("message sender %d (%v)", m.SenderID, err)
	}
	if n := ta.messages(t, other); n != 0 {
		t.Errorf("the other consultation got %d messages", n)
	}
	r := postClinic(t, dc, f.id, "close", url.Values{"advice": {"复查血脂"}, "patient_id": {"1"}, "doctor_id": {fmt.Sprint(f.doctor2.ID)}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("close: %d", r.Status)
	}
	if err := ta.db.First(&c, f.id).Error; err != nil || c.Status != models.ConsultationClosed || c.DoctorID != f.doctor.ID {
		t.Errorf("after close: %+v %v", c, err)
	}
	// Closed: no forms; a post anyway is refused with the message.
	page = dc.Get(consultPath(f.id)).Expect(http.StatusOK)
	if _, has := page.FindForm(consultPath(f.id) + "/messages"); has {
		t.Error("a closed consultation still offers the reply form")
	}
	if res := request(dc, http.MethodPost, consultPath(f.id)+"/messages"); res.Status == http.StatusSeeOther {
		t.Errorf("post to a closed consultation: %d", res.Status)
	}
}

// The queue costs the same number of statements with 1 and with 30
// consultations of several patients (no query per row).
func TestClinicQueueQueryCount(t *testing.T) {
	cfg, err := config.FromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = t.TempDir()
	g := dbtest.SQLite(t)
	cg, n := dbtest.CountQueries(t, g)
	ta := startApp(t, cfg, cg)
	ctx := context.Background()
	cs := ta.app.Consultations()
	doc := ta.createAccount(t, models.NewAccount{Kind: models.KindDoctor, Phone: "13900006101",
		Doctor: &models.DoctorProfile{RealName: "计数", Hospital: "H", Department: "D", Title: models.TitleChief, LicenceNumber: "110000000006101", Status: models.DoctorVerified}})
	var patients []*models.User
	for i := 0; i < 6; i++ {
		p := ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: fmt.Sprintf("1380000620%d", i)})
		if err := ta.accounts.SaveIdentity(ctx, p, models.IdentityInput{RealName: "患者" + fmt.Sprint(i), Gender: "male", Birthday: "1970-01-01"}, patientAudit); err != nil {
			t.Fatal(err)
		}
		patients = append(patients, p)
	}
	start := func(p *models.User) {
		if _, err := cs.Start(ctx, p, models.StartInput{DoctorID: doc.ID, Question: "问题", ShareDays: 7}, webConsent, patientAudit); err != nil {
			t.Fatal(err)
		}
	}
	dc := ta.signInFull(t, "13900006101")
	start(patients[0])
	n.Reset()
	dc.Get("/clinic").Expect(http.StatusOK)
	one := n.N()
	for i := 1; i < 30; i++ {
		start(patients[i%len(patients)])
	}
	n.Reset()
	r := dc.Get("/clinic").Expect(http.StatusOK)
	if got := len(textsOf(r, "queue-item")); got != models.ConsultationPage {
		t.Fatalf("%d items", got)
	}
	if n.N() != one {
		t.Errorf("queue: %d statements with 1 consultation, %d with 30:\n%s", one, n.N(), n)
	}
}
