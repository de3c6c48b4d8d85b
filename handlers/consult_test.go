package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/yibao-health/portal/internal/testkit/webclient"
	"github.com/yibao-health/portal/models"
)

// consultWorld is a verified doctor and a patient with the health-data consent and
// a lab report, signed in.
type consultWorld struct {
	ta      *testApp
	doctor  *models.User
	phone   string // the doctor's, to sign in
	patient *models.User
	c       *webclient.Client
	lab     int64
}

func newConsultWorld(t *testing.T, ta *testApp, n int) *consultWorld {
	t.Helper()
	w := &consultWorld{ta: ta, phone: fmt.Sprintf("1391234%04d", n)}
	d := directoryDoctor(t, ta, w.phone, "", "张明远", "北京协和医院", "心血管内科", "高血压", models.DoctorVerified)
	var err error
	if w.doctor, err = ta.accounts.User(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	w.c = ta.healthPatient(t, fmt.Sprintf("1381234%04d", n), fmt.Sprintf("consult_%d", n))
	w.patient = ta.userByLogin(t, fmt.Sprintf("consult_%d", n))
	w.lab = matrixDocument(t, ta, w.patient.ID, models.CategoryLab, "血常规检查报告")
	return w
}

func (w *consultWorld) newPath() string {
	return fmt.Sprintf("/consultations/new?doctor=%d", w.doctor.ID)
}

// start opens a consultation through the model (fixtures for the other tests).
func (w *consultWorld) start(t *testing.T, scope models.Scope, days int) int64 {
	t.Helper()
	id, err := w.ta.app.Consultations().Start(context.Background(), w.patient,
		models.StartInput{DoctorID: w.doctor.ID, Question: "胸闷两周", Scope: scope, ShareDays: days},
		models.ConsentContext{Channel: models.ChannelWeb}, models.AuditContext{ActorKind: models.ActorPatient})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// stored counts consultations, shares and doctor_sharing consent records.
func (ta *testApp) consultRows(t *testing.T) (cons, shares, consents int64) {
	t.Helper()
	ta.db.Table("consultations").Count(&cons)
	ta.db.Table("consultation_shares").Count(&shares)
	ta.db.Table("consent_records").Where("purpose = ?", models.PurposeDoctorSharing).Count(&consents)
	return
}

func (ta *testApp) nothingConsulted(t *testing.T, what string) {
	t.Helper()
	if c, s, r := ta.consultRows(t); c+s+r != 0 {
		t.Errorf("%s: stored %d consultations, %d shares, %d sharing consents", what, c, s, r)
	}
}

var consultationPath = regexp.MustCompile(`^/consultations/(\d+)$`)

// The start flow through the pages: an empty form (nothing ticked, 7 days), the
// preview lists exactly the chosen items and stores nothing, "back to edit" keeps
// everything, and confirming stores one consultation, its shares and a
// doctor_sharing consent scoped to it; patient_id/doctor_id in the body are ignored.
// policy: C2.2.2-5, C2.2.3-4
func TestConsultStartFlow(t *testing.T) {
	ta := newApp(t, nil)
	w := newConsultWorld(t, ta, 1)
	other := ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: "13800007999"})

	form := w.c.Get(w.newPath()).Expect(http.StatusOK)
	if !hasAll(form.Text(), "张明远", "北京协和医院", "药物过敏史", "血常规检查报告", "化验") {
		t.Errorf("form lacks the doctor, the sections or the document: %s", form.Text())
	}
	f := form.Form("/consultations/preview")
	for _, name := range []string{"section", "category", "document"} {
		if v := f.Values[name]; len(v) != 0 {
			t.Errorf("%s pre-ticked: %q", name, v)
		}
	}
	if f.Value("share_days") != "7" || f.Value("doctor") != fmt.Sprint(w.doctor.ID) {
		t.Errorf("defaults: days %q doctor %q", f.Value("share_days"), f.Value("doctor"))
	}
	if strings.Contains(form.Body, `data-testid="consent-needed"`) {
		t.Error("consent notice shown to a patient who gave it")
	}

	fields := url.Values{"question": {"胸闷两周，活动后加重"}, "section": {"allergies", "histories"},
		"category": {"imaging"}, "document": {fmt.Sprint(w.lab)}, "share_days": {"3"}}
	confirm := w.c.SubmitForm(f, fields).Expect(http.StatusOK)
	for _, want := range []string{"确认问诊", "胸闷两周，活动后加重", "药物过敏史", "过敏药物、反应和严重程度", "病史",
		"既往史、个人史、婚育史和家族史", "全部「影像检查」类资料", "血常规检查报告", "（2026-03-01）", "问诊结束后再加 3 天"} {
		if !confirm.HasText(want) {
			t.Errorf("confirmation lacks %q", want)
		}
	}
	if confirm.HasText("诊断名称") || confirm.HasText("身高、体重") {
		t.Error("confirmation lists sections that were not ticked")
	}
	ta.nothingConsulted(t, "preview")

	// Back to edit: the form again, everything kept.
	back := w.c.SubmitForm(confirm.Form("/consultations/preview"), nil).Expect(http.StatusOK)
	bf := back.Form("/consultations/preview")
	if bf.Value("question") != "胸闷两周，活动后加重" || strings.Join(bf.Values["section"], ",") != "allergies,histories" ||
		strings.Join(bf.Values["category"], ",") != "imaging" || bf.Value("document") != fmt.Sprint(w.lab) || bf.Value("share_days") != "3" {
		t.Errorf("back to edit lost values: %v", bf.Values)
	}
	ta.nothingConsulted(t, "back to edit")

	// Confirm, with a forged patient_id and doctor_id in the body.
	done := w.c.SubmitForm(confirm.Form("/consultations"), url.Values{"patient_id": {fmt.Sprint(other.ID)}, "doctor_id": {"1"}})
	if done.Status != http.StatusSeeOther || !consultationPath.MatchString(done.Location()) {
		t.Fatalf("confirm: %d → %q: %s", done.Status, done.Location(), done.Text())
	}
	var id int64
	fmt.Sscan(consultationPath.FindStringSubmatch(done.Location())[1], &id)
	if c, s, r := ta.consultRows(t); c != 1 || s != 4 || r != 1 {
		t.Errorf("stored %d consultations, %d shares, %d sharing consents; want 1, 4, 1", c, s, r)
	}
	var row models.Consultation
	ta.db.Take(&row, id)
	if row.PatientID != w.patient.ID || row.DoctorID != w.doctor.ID || row.ShareDays != 3 || row.Status != models.ConsultationNew {
		t.Errorf("stored %+v", row)
	}
	var rec models.ConsentRecord
	if err := ta.db.Where("user_id = ? AND purpose = ?", w.patient.ID, models.PurposeDoctorSharing).Take(&rec).Error; err != nil ||
		rec.Scope != models.ConsultationScopeKey(id) || rec.Decision != models.DecisionAccepted {
		t.Errorf("sharing consent %+v (%v)", rec, err)
	}

	page := w.c.Get(done.Location()).Expect(http.StatusOK)
	if !hasAll(page.Text(), "问诊已发送给医生", "胸闷两周，活动后加重", "张明远", "药物过敏史", "血常规检查报告", "问诊结束后再加 3 天", "撤销授权") {
		t.Errorf("detail page: %s", page.Text())
	}
	if !strings.Contains(page.Body, `href="/account/access-log"`) {
		t.Error("no link to the access log")
	}
	list := w.c.Get("/consultations").Expect(http.StatusOK)
	if !hasAll(list.Text(), "张明远", "待回复", "问诊结束后再加 3 天") || !strings.Contains(list.Body, fmt.Sprintf(`href="/consultations/%d"`, id)) {
		t.Errorf("list: %s", list.Text())
	}
	// Linked from the account page and the doctor's card.
	if !strings.Contains(w.c.Get("/account").Body, `href="/consultations"`) {
		t.Error("account page has no link to my consultations")
	}
	if !strings.Contains(w.c.Get(fmt.Sprintf("/doctors/%d", w.doctor.ID)).Body, fmt.Sprintf(`href="/consultations/new?doctor=%d"`, w.doctor.ID)) {
		t.Error("doctor card has no consult button")
	}
}

// Bad input shows the form again with a message per field and everything typed and
// ticked kept, and stores nothing, through the preview and through a direct post.
// A doctor who is not verified has no form (404).
func TestConsultBadInputKeepsValues(t *testing.T) {
	ta := newApp(t, nil)
	w := newConsultWorld(t, ta, 2)
	long := strings.Repeat("痛", models.MaxQuestion+1)
	for _, tc := range []struct {
		name   string
		fields url.Values
		field  string
		msg    string
	}{
		{"empty question", url.Values{"question": {"  "}}, "question", "请描述您的问题或症状"},
		{"long question", url.Values{"question": {long}}, "question", "问题描述最多 2000 字"},
		{"bad days", url.Values{"question": {"头痛"}, "share_days": {"30"}}, "share_days", "请选择问诊结束后医生还可查看的时长"},
		{"unknown section", url.Values{"question": {"头痛"}, "section": {"allergies", "bank_account"}}, "scope", "所选的共享内容无效"},
		{"bad document id", url.Values{"question": {"头痛"}, "document": {"abc"}}, "scope", "所选的共享内容无效"},
	} {
		for _, action := range []string{"/consultations/preview", "/consultations"} {
			form := w.c.Get(w.newPath()).Expect(http.StatusOK).Form("/consultations/preview")
			fields := url.Values{"section": {"allergies"}, "document": {fmt.Sprint(w.lab)}, "share_days": {"1"}}
			for k, v := range tc.fields {
				fields[k] = v
			}
			form.Action = action
			r := w.c.SubmitForm(form, fields)
			if r.Status != http.StatusUnprocessableEntity || !r.HasText(tc.msg) {
				t.Errorf("%s → %s: %d, want 422 with %q: %s", tc.name, action, r.Status, tc.msg, r.Text())
				continue
			}
			again := r.Form("/consultations/preview")
			if again.Value("question") != strings.TrimSpace(fields.Get("question")) && tc.name != "empty question" {
				t.Errorf("%s → %s: question not kept", tc.name, action)
			}
			if again.Value("section") != "allergies" || (tc.name != "bad document id" && again.Value("document") != fmt.Sprint(w.lab)) {
				t.Errorf("%s → %s: ticks not kept: %v", tc.name, action, again.Values)
			}
			if tc.field != "share_days" && again.Value("share_days") != "1" {
				t.Errorf("%s → %s: days not kept: %q", tc.name, action, again.Value("share_days"))
			}
		}
	}
	ta.nothingConsulted(t, "bad input")

	pending := directoryDoctor(t, ta, "13912349999", "", "待审", "H", "D", "", models.DoctorPending)
	if r := w.c.Get(fmt.Sprintf("/consultations/new?doctor=%d", pending)); r.Status != http.StatusNotFound {
		t.Errorf("form for a pending doctor: %d", r.Status)
	}
	for _, q := range []string{"", "abc", "0", fmt.Sprint(w.patient.ID)} {
		if r := w.c.Get("/consultations/new?doctor=" + q); r.Status != http.StatusNotFound {
			t.Errorf("form for doctor=%q: %d", q, r.Status)
		}
	}
	r := postAs(t, w.c, "/consultations/preview", url.Values{"doctor": {fmt.Sprint(pending)}, "question": {"x"}, "share_days": {"7"}})
	if r.Status != http.StatusNotFound {
		t.Errorf("preview with a pending doctor: %d", r.Status)
	}
	ta.nothingConsulted(t, "pending doctor")
}

// Without the health-information consent the form says so with a link back to it,
// the sharing choices are disabled, a question alone still goes through, and a
// forged tick is refused with the consent message.
// policy: C2.2.3-4
func TestConsultWithoutHealthConsent(t *testing.T) {
	ta := newApp(t, nil)
	d := directoryDoctor(t, ta, "13912340003", "", "李静", "人民医院", "儿科", "", models.DoctorVerified)
	c := ta.registerPatient(t, "13812340003", "consult_nc")
	path := fmt.Sprintf("/consultations/new?doctor=%d", d)
	form := c.Get(path).Expect(http.StatusOK)
	if !form.HasText("您尚未同意处理健康信息") || !strings.Contains(form.Body, `href="/consents/health?next=`+url.QueryEscape(path)+`"`) {
		t.Errorf("no consent notice with a link back: %s", form.Text())
	}
	if n := len(regexp.MustCompile(`<fieldset[^>]*disabled`).FindAllString(form.Body, -1)); n != 3 {
		t.Error("sharing choices not disabled")
	}
	f := form.Form("/consultations/preview")
	r := c.SubmitForm(f, url.Values{"question": {"孩子发烧"}, "section": {"allergies"}, "share_days": {"7"}})
	if r.Status != http.StatusUnprocessableEntity || !r.HasText("共享健康信息前，需要先同意处理健康信息") {
		t.Errorf("forged tick: %d %s", r.Status, r.Text())
	}
	ta.nothingConsulted(t, "forged tick")
	confirm := c.SubmitForm(f, url.Values{"question": {"孩子发烧"}, "share_days": {"7"}}).Expect(http.StatusOK)
	if !confirm.HasText("不共享任何健康资料") {
		t.Errorf("confirmation of a question alone: %s", confirm.Text())
	}
	if done := c.SubmitForm(confirm.Form("/consultations"), nil); done.Status != http.StatusSeeOther {
		t.Fatalf("question alone: %d %s", done.Status, done.Text())
	}
	if cons, shares, _ := ta.consultRows(t); cons != 1 || shares != 0 {
		t.Errorf("stored %d consultations, %d shares", cons, shares)
	}
}

// A document id of another patient in the confirmation's hidden fields is refused
// with the scope message and nothing is stored.
func TestConsultTamperedDocumentRefused(t *testing.T) {
	ta := newApp(t, nil)
	w := newConsultWorld(t, ta, 4)
	stranger := ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: "13800004444"})
	if _, err := models.RecordConsent(ta.db, stranger.ID, models.PurposeHealthData, "", models.DecisionAccepted, nil,
		models.ConsentContext{Channel: models.ChannelWeb}, ta.clock.Now()); err != nil {
		t.Fatal(err)
	}
	theirs := matrixDocument(t, ta, stranger.ID, models.CategoryRecord, "他人的病历")
	confirm := w.c.SubmitForm(w.c.Get(w.newPath()).Expect(http.StatusOK).Form("/consultations/preview"),
		url.Values{"question": {"头晕"}, "document": {fmt.Sprint(w.lab)}, "share_days": {"7"}}).Expect(http.StatusOK)
	f := confirm.Form("/consultations")
	f.Hidden["document"] = []string{fmt.Sprint(w.lab), fmt.Sprint(theirs)}
	r := w.c.SubmitForm(f, nil)
	if r.Status != http.StatusUnprocessableEntity || !r.HasText("所选的共享内容无效") || r.HasText("他人的病历") {
		t.Errorf("tampered document: %d %s", r.Status, r.Text())
	}
	ta.nothingConsulted(t, "tampered document")
	// The preview refuses it the same way.
	r = w.c.SubmitForm(w.c.Get(w.newPath()).Form("/consultations/preview"), url.Values{"question": {"头晕"}, "document": {fmt.Sprint(theirs)}, "share_days": {"7"}})
	if r.Status != http.StatusUnprocessableEntity || r.HasText("他人的病历") {
		t.Errorf("tampered preview: %d", r.Status)
	}
}

// Every consultation route is the patient's own: another patient gets 404 on each
// (and changes nothing), a visitor is sent to sign in on GETs and refused on posts,
// and doctors (this consultation's own doctor too) and staff get 404 everywhere.
func TestConsultRoutesAccess(t *testing.T) {
	ta := newApp(t, nil)
	w := newConsultWorld(t, ta, 5)
	id := w.start(t, models.Scope{Sections: []string{models.SectionAllergies}}, 7)
	other := ta.registerPatient(t, "13800005555", "consult_other")
	ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "c-admin@example.com", Caps: []string{models.CapAdmin}})
	ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "c-privacy@example.com", Caps: []string{models.CapPrivacyOfficer}})
	doctor := ta.signInFull(t, w.phone)
	admin := ta.signInFull(t, "c-admin@example.com")
	privacy := ta.signInFull(t, "c-privacy@example.com")
	visitor := webclient.New(t, ta.url)

	own := []string{"GET /consultations/%d", "POST /consultations/%d/messages", "POST /consultations/%d/revoke",
		"POST /consultations/%d/scope", "POST /consultations/%d/close"}
	all := append([]string{"GET /consultations", "GET /consultations/new?doctor=%d", "POST /consultations/preview", "POST /consultations"}, own...)
	arg := func(route string) (string, string) {
		m, p, _ := strings.Cut(route, " ")
		if strings.Contains(p, "doctor=") {
			return m, fmt.Sprintf(p, w.doctor.ID)
		}
		if strings.Contains(p, "%d") {
			return m, fmt.Sprintf(p, id)
		}
		return m, p
	}
	for _, route := range own {
		m, p := arg(route)
		if r := request(other, m, p); r.Status != http.StatusNotFound {
			t.Errorf("other patient %s: %d, want 404", route, r.Status)
		}
	}
	for _, route := range all {
		m, p := arg(route)
		r := request(visitor, m, p)
		switch {
		case m == http.MethodGet && (r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/login?next=")):
			t.Errorf("visitor %s: %d → %q, want sign-in", route, r.Status, r.Location())
		case m == http.MethodPost && r.Status != http.StatusNotFound:
			t.Errorf("visitor %s: %d, want 404", route, r.Status)
		}
		for name, c := range map[string]*webclient.Client{"doctor": doctor, "admin": admin, "privacy officer": privacy} {
			if r := request(c, m, p); r.Status != http.StatusNotFound {
				t.Errorf("%s %s: %d, want 404", name, route, r.Status)
			}
		}
	}
	// Nothing the refused posts asked for happened.
	v, err := ta.app.Consultations().ForPatient(context.Background(), w.patient, id)
	if err != nil || v.Status != models.ConsultationNew || v.Revoked || len(v.Messages) != 0 || len(v.Scope.Sections) != 1 {
		t.Errorf("after refused posts: %+v (%v)", v, err)
	}
	// Ids that are not numbers or not there are 404 to the owner too.
	for _, p := range []string{"/consultations/abc", "/consultations/0", "/consultations/999999"} {
		if r := w.c.Get(p); r.Status != http.StatusNotFound {
			t.Errorf("owner GET %s: %d", p, r.Status)
		}
	}
}

// The grant is the patient's: changing the scope changes what the doctor reads on
// the next request; revoking ends every read at once (profile and documents) and
// records the withdrawal; the scope cannot be changed after that.
// policy: C2.2.2-5
func TestConsultScopeChangeAndRevoke(t *testing.T) {
	ta := newApp(t, nil)
	ctx := context.Background()
	w := newConsultWorld(t, ta, 6)
	hp := models.NewHealthProfiles(ta.db, ta.accounts.Keys, ta.clock.Now)
	if _, _, err := hp.Save(ctx, w.patient, models.HealthProfileInput{Allergies: []models.Allergy{{Substance: "青霉素", Severity: "severe"}},
		Diagnoses: []models.Diagnosis{{Name: "高血压", Status: "active"}}}, models.AuditContext{ActorKind: models.ActorPatient}); err != nil {
		t.Fatal(err)
	}
	id := w.start(t, models.Scope{Sections: []string{models.SectionAllergies}, DocumentIDs: []int64{w.lab}}, 7)
	cs := ta.app.Consultations()
	read := func() *models.ClinicConsultation {
		t.Helper()
		v, err := cs.ForDoctor(ctx, w.doctor, id, "test")
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := read(); strings.Join(v.Sections, ",") != "allergies" || len(v.Documents) != 1 {
		t.Fatalf("doctor reads %v and %d documents", v.Sections, len(v.Documents))
	}

	// The scope form shows the current scope ticked; the patient swaps to diagnoses.
	page := w.c.Get(fmt.Sprintf("/consultations/%d", id)).Expect(http.StatusOK)
	sf := page.Form(fmt.Sprintf("/consultations/%d/scope", id))
	if sf.Value("section") != "allergies" || sf.Value("document") != fmt.Sprint(w.lab) {
		t.Errorf("scope form not pre-ticked: %v", sf.Values)
	}
	// A bad scope is refused with the typed ticks kept and nothing changed.
	r := w.c.SubmitForm(sf, url.Values{"section": {"diagnoses", "wallet"}})
	if r.Status != http.StatusUnprocessableEntity || !r.HasText("所选的共享内容无效") ||
		strings.Join(r.Form(fmt.Sprintf("/consultations/%d/scope", id)).Values["section"], ",") != "diagnoses" {
		t.Errorf("bad scope: %d %s", r.Status, r.Text())
	}
	if v := read(); strings.Join(v.Sections, ",") != "allergies" {
		t.Errorf("a refused change changed the scope: %v", v.Sections)
	}
	r = w.c.SubmitForm(sf, url.Values{"section": {"diagnoses"}, "document": nil})
	if r.Status != http.StatusSeeOther || r.Location() != fmt.Sprintf("/consultations/%d", id) {
		t.Fatalf("scope change: %d %s", r.Status, r.Text())
	}
	if v := read(); strings.Join(v.Sections, ",") != "diagnoses" || len(v.Documents) != 0 {
		t.Errorf("after the change the doctor reads %v and %d documents", v.Sections, len(v.Documents))
	}
	page = w.c.Get(r.Location())
	_, panel, _ := strings.Cut(page.Text(), "现在可以看到")
	panel, _, _ = strings.Cut(panel, "撤销授权")
	if !page.HasText("共享内容已更新") || !strings.Contains(panel, "诊断：诊断名称、诊断日期和状态") || strings.Contains(panel, "过敏") || strings.Contains(panel, "血常规") {
		t.Errorf("after the change the panel says %q", panel)
	}

	// Revoke in one click.
	page = w.c.Get(fmt.Sprintf("/consultations/%d", id)).Expect(http.StatusOK)
	if !page.HasText("医生下一次打开页面时就看不到") {
		t.Error("the revoke button does not say when it takes effect")
	}
	r = w.c.SubmitForm(page.Form(fmt.Sprintf("/consultations/%d/revoke", id)), nil)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d %s", r.Status, r.Text())
	}
	v := read()
	if v.GrantActive || v.Profile != nil || len(v.Documents) != 0 || v.Patient != nil {
		t.Errorf("after revoke the doctor still reads: %+v", v)
	}
	if _, _, err := hp.ForDoctor(ctx, w.doctor, models.ConsultationBasis(id), "test"); !models.IsNotFound(err) {
		t.Errorf("profile after revoke: %v", err)
	}
	if _, err := ta.app.Documents().Get(ctx, cs.DoctorReader(w.doctor, id, "test"), w.lab); !models.IsNotFound(err) {
		t.Errorf("document after revoke: %v", err)
	}
	var last models.ConsentRecord
	ta.db.Where("user_id = ? AND purpose = ? AND scope = ?", w.patient.ID, models.PurposeDoctorSharing, models.ConsultationScopeKey(id)).
		Order("id DESC").Take(&last)
	if last.Decision != models.DecisionWithdrawn {
		t.Errorf("last sharing decision %q, want withdrawn", last.Decision)
	}
	page = w.c.Get(r.Location()).Expect(http.StatusOK)
	if !hasAll(page.Text(), "授权已撤销，医生已无法查看", "授权已撤销", "这位医生现在看不到您的任何健康资料") {
		t.Errorf("after revoke: %s", page.Text())
	}
	if _, ok := page.FindForm(fmt.Sprintf("/consultations/%d/scope", id)); ok {
		t.Error("scope form still offered after revoke")
	}
	// A change after revoke is refused and grants nothing.
	r = postAs(t, w.c, fmt.Sprintf("/consultations/%d/scope", id), url.Values{"section": {"allergies"}})
	if r.Status != http.StatusConflict || !r.HasText("此次授权已结束") {
		t.Errorf("scope after revoke: %d %s", r.Status, r.Text())
	}
	if v := read(); v.GrantActive || v.Profile != nil {
		t.Error("a change after revoke re-opened the grant")
	}
	if list := w.c.Get("/consultations"); !list.HasText("已撤销") {
		t.Errorf("list does not say revoked: %s", list.Text())
	}
}

// The thread: a refused message keeps what was typed, a message appears as the
// patient's, the doctor's reply and closing advice appear (the advice set apart),
// and a closed consultation takes no more messages. The patient may close too;
// the grant then shows its end date.
func TestConsultThreadAndClose(t *testing.T) {
	ta := newApp(t, nil)
	ctx := context.Background()
	w := newConsultWorld(t, ta, 7)
	id := w.start(t, models.Scope{Sections: []string{models.SectionAllergies}}, 3)
	path := fmt.Sprintf("/consultations/%d", id)
	mf := w.c.Get(path).Expect(http.StatusOK).Form(path + "/messages")
	long := strings.Repeat("咳", models.MaxMessage+1)
	r := w.c.SubmitForm(mf, url.Values{"body": {long}})
	if r.Status != http.StatusUnprocessableEntity || !r.HasText("消息最多 2000 字") || r.Form(path+"/messages").Value("body") != long {
		t.Errorf("long message: %d", r.Status)
	}
	if r := w.c.SubmitForm(mf, url.Values{"body": {"我对青霉素过敏"}}); r.Status != http.StatusSeeOther || r.Location() != path {
		t.Fatalf("message: %d %s", r.Status, r.Text())
	}
	actx := models.AuditContext{ActorKind: models.ActorDoctor}
	cs := ta.app.Consultations()
	if err := cs.Post(ctx, w.doctor, id, "请测量血压", actx); err != nil {
		t.Fatal(err)
	}
	if err := cs.Close(ctx, w.doctor, id, "低盐饮食，两周后复诊", actx); err != nil {
		t.Fatal(err)
	}
	page := w.c.Get(path).Expect(http.StatusOK)
	if !hasAll(page.Text(), "我对青霉素过敏", "请测量血压", "医生建议", "低盐饮食，两周后复诊", "此问诊已结束", "共享至") {
		t.Errorf("thread: %s", page.Text())
	}
	if !strings.Contains(page.Body, `data-testid="consult-advice"`) || strings.Count(page.Body, `data-testid="bubble-doctor"`) != 1 {
		t.Error("advice not set apart from the doctor's messages")
	}
	if _, ok := page.FindForm(path + "/messages"); ok {
		t.Error("message form on a closed consultation")
	}
	if r := postAs(t, w.c, path+"/messages", url.Values{"body": {"还有问题"}}); r.Status != http.StatusConflict || !r.HasText("此问诊已结束") {
		t.Errorf("message after close: %d", r.Status)
	}

	// The patient ends another consultation: no advice, the window starts.
	id2 := w.start(t, models.Scope{Sections: []string{models.SectionDiagnoses}}, 1)
	path2 := fmt.Sprintf("/consultations/%d", id2)
	r = w.c.SubmitForm(w.c.Get(path2).Expect(http.StatusOK).Form(path2+"/close"), nil)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("patient close: %d %s", r.Status, r.Text())
	}
	v, err := cs.ForPatient(ctx, w.patient, id2)
	if err != nil || v.Status != models.ConsultationClosed || v.GrantUntil == nil || !v.GrantActive || len(v.Messages) != 0 {
		t.Errorf("after the patient's close: %+v (%v)", v, err)
	}
	if list := w.c.Get("/consultations"); !hasAll(list.Text(), "已结束", "共享至") {
		t.Errorf("list after close: %s", list.Text())
	}
	ta.clock.Advance(25 * time.Hour) // the session is idle too long by now: sign in again
	if list := ta.signInFull(t, "consult_7").Get("/consultations"); !hasAll(list.Text(), "已结束", "已到期") {
		t.Errorf("list after the window: %s", list.Text())
	}
}

// The list pages by newest activity with a next link; an empty list points to the
// directory.
func TestConsultListPaging(t *testing.T) {
	ta := newApp(t, nil)
	w := newConsultWorld(t, ta, 8)
	empty := w.c.Get("/consultations").Expect(http.StatusOK)
	if !empty.HasText("您还没有发起过问诊") || !strings.Contains(empty.Body, `href="/doctors"`) {
		t.Errorf("empty list: %s", empty.Text())
	}
	var ids []int64
	for range models.ConsultationPage + 1 {
		ids = append(ids, w.start(t, models.Scope{}, 7))
		ta.clock.Advance(1e9)
	}
	first := w.c.Get("/consultations").Expect(http.StatusOK)
	if strings.Count(first.Body, `href="/consultations/`) != models.ConsultationPage {
		t.Errorf("first page has %d rows", strings.Count(first.Body, `href="/consultations/`))
	}
	if !strings.Contains(first.Body, fmt.Sprintf(`href="/consultations/%d"`, ids[len(ids)-1])) {
		t.Error("newest not on the first page")
	}
	m := regexp.MustCompile(`href="(/consultations\?after=[^"]+)"`).FindStringSubmatch(first.Body)
	if m == nil {
		t.Fatal("no next link")
	}
	second := w.c.Get(strings.ReplaceAll(m[1], "&amp;", "&")).Expect(http.StatusOK)
	if !strings.Contains(second.Body, fmt.Sprintf(`href="/consultations/%d"`, ids[0])) || strings.Count(second.Body, `href="/consultations/`) != 1 {
		t.Errorf("second page: %s", second.Text())
	}
}
