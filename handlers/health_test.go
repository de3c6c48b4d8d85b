package handlers_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/yibao-health/portal/internal/testkit/webclient"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/health"
)

const healthEdit = "/health/profile/edit"

// giveHealthConsent agrees on the just-in-time consent page opened from the editor
// and checks that it continues to the editor.
func giveHealthConsent(t *testing.T, c *webclient.Client) {
	t.Helper()
	r := c.Get(healthEdit)
	if r.Status != http.StatusSeeOther || r.Location() != "/consents/health?next="+url.QueryEscape(healthEdit) {
		t.Fatalf("editor without consent: %d → %q", r.Status, r.Location())
	}
	page := c.Get(r.Location()).Expect(http.StatusOK)
	done := c.SubmitForm(page.Form("/consents/health"), url.Values{"decision": {"accept"}})
	if done.Status != http.StatusSeeOther || done.Location() != healthEdit {
		t.Fatalf("consent: %d → %q", done.Status, done.Location())
	}
}

// healthRows counts health_profiles rows of userID.
func (ta *testApp) healthRows(t *testing.T, userID int64) int64 {
	t.Helper()
	var n int64
	if err := ta.db.Model(&models.HealthProfileRow{}).Where("user_id = ?", userID).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// submitAll posts a form with every value it shows (as a browser would), then fields.
func submitAll(c *webclient.Client, f *webclient.Form, fields url.Values) *webclient.Response {
	vals := url.Values{}
	for k, v := range f.Values {
		vals[k] = v
	}
	for k, v := range fields {
		vals[k] = v
	}
	return c.SubmitForm(f, vals)
}

var goodProfile = url.Values{
	"height": {"170"}, "weight": {"65"}, "marital_status": {"married"},
	"dx-0-name": {"高血压"}, "dx-0-date": {"2019-05-01"}, "dx-0-status": {"chronic"},
	"al-0-substance": {"青霉素"}, "al-0-reaction": {"皮疹"}, "al-0-severity": {"moderate"},
	"past_history": {"2015年阑尾切除术"}, "personal_history": {"不吸烟"},
	"marital_history": {"已婚，育有一子"}, "family_history": {"父亲有糖尿病"},
}

// Visitors are sent to sign in; doctors and staff find no such pages (404), for
// reading and for posting alike.
func TestHealthPagesAccess(t *testing.T) {
	ta := newApp(t, nil)
	ta.createAccount(t, models.NewAccount{Kind: models.KindDoctor, Phone: "13900006001",
		Doctor: &models.DoctorProfile{RealName: "医生", Hospital: "H", Department: "D", Title: "T", LicenceNumber: "1", Status: models.DoctorVerified}})
	ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "admin@example.com",
		Caps: []string{models.CapAdmin, models.CapPrivacyOfficer, models.CapSupport}})
	pages := []string{"/health", healthEdit, "/health/profile/history", "/health/profile/history/1"}
	visitor := webclient.New(t, ta.url)
	for _, p := range pages {
		r := visitor.Get(p)
		if r.Status != http.StatusSeeOther || r.Location() != "/login?next="+url.QueryEscape(p) {
			t.Errorf("visitor GET %s = %d %s", p, r.Status, r.Location())
		}
	}
	if r := request(visitor, http.MethodPost, healthEdit); r.Status != http.StatusNotFound {
		t.Errorf("visitor POST: %d", r.Status)
	}
	for _, login := range []string{"13900006001", "admin@example.com"} {
		c := ta.signInFull(t, login)
		for _, p := range pages {
			if r := c.Get(p); r.Status != http.StatusNotFound {
				t.Errorf("%s GET %s = %d", login, p, r.Status)
			}
		}
		if r := request(c, http.MethodPost, healthEdit); r.Status != http.StatusNotFound {
			t.Errorf("%s POST = %d", login, r.Status)
		}
	}
	var n int64
	ta.db.Model(&models.HealthProfileRow{}).Count(&n)
	if n != 0 {
		t.Errorf("%d rows", n)
	}
}

// Without the separate consent the overview explains it, the editor goes to the
// consent page (which comes back), and a post is refused with a link to it:
// nothing stored, the refusal audited, what was typed kept.
func TestHealthProfileNeedsConsentFirst(t *testing.T) {
	ta := newApp(t, nil)
	c := ta.registerPatient(t, "13800006001", "health_consent")
	u := ta.userByLogin(t, "13800006001")

	ov := c.Get("/health").Expect(http.StatusOK)
	if !ov.HasText("填写健康档案前，需要您单独同意") {
		t.Errorf("overview without consent: %s", ov.Text())
	}
	if f, _ := ov.FindForm(healthEdit); f != nil {
		t.Error("overview offers the form without consent")
	}

	// A post straight to the editor (e.g. from a page opened before a withdrawal).
	res := postHealth(t, c, goodProfile)
	if res.Status != http.StatusForbidden || !res.HasText("您尚未同意处理敏感健康信息，本次内容没有保存") {
		t.Fatalf("post without consent: %d %s", res.Status, res.Text())
	}
	f := res.Form(healthEdit)
	if f.Value("dx-0-name") != "高血压" || f.Value("height") != "170" {
		t.Errorf("typed values not kept: %v", f.Values)
	}
	if !strings.Contains(res.Body, `href="/consents/health?next=`+url.QueryEscape(healthEdit)+`"`) {
		t.Error("the refusal does not link to the consent page")
	}
	if n := ta.healthRows(t, u.ID); n != 0 {
		t.Fatalf("%d rows stored without consent", n)
	}
	var denied int64
	ta.db.Model(&models.AuditEntry{}).Where("action = ? AND outcome = ? AND actor_id = ?", models.AuditHealthProfileUpdate,
		models.OutcomeDenied, u.ID).Count(&denied)
	if denied != 1 {
		t.Errorf("denied audit rows: %d", denied)
	}

	giveHealthConsent(t, c)
	ed := c.Get(healthEdit).Expect(http.StatusOK)
	if res := c.SubmitForm(ed.Form(healthEdit), goodProfile); res.Status != http.StatusSeeOther || res.Location() != "/health" {
		t.Fatalf("save after consent: %d %s", res.Status, res.Text())
	}
	if n := ta.healthRows(t, u.ID); n != 1 {
		t.Errorf("%d rows after saving", n)
	}
}

// postHealth posts the editor's fields with the client's CSRF token (the editor
// itself is not reachable without consent).
func postHealth(t *testing.T, c *webclient.Client, fields url.Values) *webclient.Response {
	t.Helper()
	c.Get("/")
	vals := url.Values{"_csrf": {c.Cookie("csrf").Value}, "dx_rows": {"1"}, "al_rows": {"1"}, "base_version": {"0"}}
	for k, v := range fields {
		vals[k] = v
	}
	hdr := http.Header{"Origin": {c.Base.Scheme + "://" + c.Base.Host}}
	return c.Do(http.MethodPost, healthEdit, "application/x-www-form-urlencoded", strings.NewReader(vals.Encode()), hdr)
}

// The whole round: save, see the overview with the BMI and its category, save a
// change, and find both versions in the history with the old values on version 1.
// Pages are not cached; the account page links here.
func TestHealthProfileSaveAndHistory(t *testing.T) {
	ta := newApp(t, nil)
	c := ta.registerPatient(t, "13800006002", "health_saver")
	u := ta.userByLogin(t, "13800006002")
	if acc := c.Get("/account").Expect(http.StatusOK); !strings.Contains(acc.Body, `href="/health"`) {
		t.Error("the account page does not link to the health profile")
	}
	giveHealthConsent(t, c)
	ed := c.Get(healthEdit).Expect(http.StatusOK)
	if ed.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("editor Cache-Control %q", ed.Header.Get("Cache-Control"))
	}
	if f := ed.Form(healthEdit); f.Value("base_version") != "0" || f.Hidden.Get("dx_rows") != "1" {
		t.Errorf("blank form: %v %v", f.Hidden, f.Values)
	}
	res := c.SubmitForm(ed.Form(healthEdit), goodProfile)
	if res.Status != http.StatusSeeOther || res.Location() != "/health" {
		t.Fatalf("save: %d %s", res.Status, res.Text())
	}
	ov := c.Get("/health").Expect(http.StatusOK)
	for _, want := range []string{"健康档案已保存", "高血压", "2019-05-01", "慢性病", "青霉素", "皮疹", "中度", "170 厘米", "65 千克",
		"22.5", "正常范围", "已婚", "2015年阑尾切除术", "不吸烟", "已婚，育有一子", "父亲有糖尿病", "（第 1 版）"} {
		if !ov.HasText(want) {
			t.Errorf("overview lacks %q: %s", want, ov.Text())
		}
	}
	if ov.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("overview Cache-Control %q", ov.Header.Get("Cache-Control"))
	}

	// The editor shows what is stored plus one blank row; change the weight, drop the
	// allergy by clearing its row, add a diagnosis in the blank row.
	ed = c.Get(healthEdit).Expect(http.StatusOK)
	f := ed.Form(healthEdit)
	if f.Value("dx-0-name") != "高血压" || f.Value("weight") != "65" || f.Hidden.Get("dx_rows") != "2" || f.Value("dx-1-name") != "" ||
		f.Hidden.Get("base_version") != "1" {
		t.Fatalf("editor: %v %v", f.Hidden, f.Values)
	}
	res = submitAll(c, f, url.Values{"weight": {"80.5"}, "al-0-substance": {""}, "al-0-reaction": {""}, "al-0-severity": {""},
		"dx-1-name": {"2型糖尿病"}, "dx-1-status": {"active"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("second save: %d %s", res.Status, res.Text())
	}
	ov = c.Get("/health").Expect(http.StatusOK)
	if !ov.HasText("80.5 千克") || !ov.HasText("2型糖尿病") || ov.HasText("青霉素") || !ov.HasText("27.9") || !ov.HasText("超重") ||
		!ov.HasText("（第 2 版）") {
		t.Errorf("overview after the change: %s", ov.Text())
	}
	// Saving again without a change makes no version.
	res = submitAll(c, c.Get(healthEdit).Form(healthEdit), nil)
	if res.Status != http.StatusSeeOther || !c.Get("/health").HasText("内容没有变化") {
		t.Errorf("unchanged save: %d", res.Status)
	}
	if n := ta.healthRows(t, u.ID); n != 2 {
		t.Errorf("%d versions, want 2", n)
	}

	hist := c.Get("/health/profile/history").Expect(http.StatusOK)
	if !hist.HasText("第 2 版") || !hist.HasText("第 1 版") || !hist.HasText("当前版本") ||
		!strings.Contains(hist.Body, `href="/health/profile/history/1"`) {
		t.Errorf("history: %s", hist.Text())
	}
	v1 := c.Get("/health/profile/history/1").Expect(http.StatusOK)
	if !v1.HasText("青霉素") || !v1.HasText("65 千克") || !v1.HasText("这是以前的版本，当前是第 2 版") || v1.HasText("2型糖尿病") {
		t.Errorf("version 1: %s", v1.Text())
	}
	if v2 := c.Get("/health/profile/history/2").Expect(http.StatusOK); !v2.HasText("这是当前版本") {
		t.Errorf("version 2: %s", v2.Text())
	}
	for _, p := range []string{"/health/profile/history/3", "/health/profile/history/0", "/health/profile/history/abc"} {
		if r := c.Get(p); r.Status != http.StatusNotFound {
			t.Errorf("GET %s: %d", p, r.Status)
		}
	}

	// Audit: two saves, no values in the details.
	var entries []models.AuditEntry
	ta.db.Where("action = ?", models.AuditHealthProfileUpdate).Order("id").Find(&entries)
	if len(entries) != 2 {
		t.Fatalf("audit rows: %d", len(entries))
	}
	for _, e := range entries {
		for _, v := range []string{"高血压", "青霉素", "80.5", "糖尿病"} {
			if strings.Contains(e.Details, v) {
				t.Errorf("audit details hold %q: %s", v, e.Details)
			}
		}
	}

	// Another patient sees only their own (empty) profile and no versions.
	other := ta.registerPatient(t, "13800006003", "health_other")
	if r := other.Get("/health").Expect(http.StatusOK); r.HasText("高血压") {
		t.Error("another patient sees the profile")
	}
	if r := other.Get("/health/profile/history/1"); r.Status != http.StatusNotFound {
		t.Errorf("another patient's version 1: %d", r.Status)
	}
	if r := other.Get("/health/profile/history").Expect(http.StatusOK); r.HasText("第 1 版") {
		t.Error("another patient sees versions")
	}
}

// Bad input: every message at once in the page's language, under its field, with
// what was typed kept, and nothing stored. "Add another row" re-renders with one
// more blank row and stores nothing.
func TestHealthProfileBadInputKeepsValues(t *testing.T) {
	ta := newApp(t, nil)
	c := ta.registerPatient(t, "13800006004", "health_typo")
	u := ta.userByLogin(t, "13800006004")
	giveHealthConsent(t, c)
	bad := url.Values{"height": {"17O"}, "weight": {"401"}, "dx-0-name": {""}, "dx-0-date": {"2999-01-01"}, "dx-0-status": {"active"},
		"al-0-substance": {"阿司匹林"}, "al-0-severity": {""}, "past_history": {strings.Repeat("史", 2001)}, "family_history": {"母亲高血压"}}
	res := c.Submit(healthEdit, healthEdit, bad)
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad input: %d", res.Status)
	}
	for _, want := range []string{"请修改标出的内容后重新提交", "请填写 30 到 250 之间的身高", "请填写 1 到 400 之间的体重",
		"请填写诊断名称", "诊断日期不能晚于今天", "请选择严重程度", "最多 2000 个字"} {
		if !res.HasText(want) {
			t.Errorf("no message %q", want)
		}
	}
	f := res.Form(healthEdit)
	for k, v := range map[string]string{"height": "17O", "weight": "401", "dx-0-date": "2999-01-01", "dx-0-status": "active",
		"al-0-substance": "阿司匹林", "family_history": "母亲高血压", "past_history": strings.Repeat("史", 2001)} {
		if f.Value(k) != v {
			t.Errorf("%s = %q, want %q kept", k, f.Value(k), v)
		}
	}
	if !strings.Contains(res.Body, `id="f-height" name="height" type="text" value="17O" autocomplete="off" inputmode="decimal" maxlength="6" aria-describedby="f-height-hint f-height-error" aria-invalid="true"`) {
		t.Errorf("height field not marked invalid: %s", res.Body[strings.Index(res.Body, `id="f-height"`):][:300])
	}
	if n := ta.healthRows(t, u.ID); n != 0 {
		t.Errorf("%d rows from a refused form", n)
	}

	// English: the same refusal, in English.
	en := c.Do(http.MethodPost, "/lang", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"lang": {"en"}, "_csrf": {c.Cookie("csrf").Value}}.Encode()),
		http.Header{"Origin": {c.Base.Scheme + "://" + c.Base.Host}})
	if en.Status != http.StatusSeeOther {
		t.Fatalf("switch language: %d", en.Status)
	}
	res = c.Submit(healthEdit, healthEdit, bad)
	if !res.HasText("Enter a height between 30 and 250 cm") || !res.HasText("The date diagnosed cannot be after today") {
		t.Errorf("English messages: %s", res.Text())
	}

	// Add a diagnosis row: typed values kept, one more row, focus on it, nothing stored.
	res = submitAll(c, res.Form(healthEdit), url.Values{"add": {"diagnosis"}, "dx-0-name": {"Asthma"}})
	if res.Status != http.StatusOK {
		t.Fatalf("add row: %d", res.Status)
	}
	f = res.Form(healthEdit)
	if f.Hidden.Get("dx_rows") != "2" || f.Value("dx-0-name") != "Asthma" || f.Value("height") != "17O" || !f.Values.Has("dx-1-name") {
		t.Errorf("after adding a row: %v %v", f.Hidden, f.Values)
	}
	if !strings.Contains(res.Body, `id="f-dx-1-name" name="dx-1-name" type="text" value="" autocomplete="off" maxlength="100" autofocus`) {
		t.Error("the new row is not focused")
	}
	if res.HasText("Enter a height") {
		t.Error("adding a row shows validation messages")
	}
	res = submitAll(c, f, url.Values{"add": {"allergy"}})
	if f = res.Form(healthEdit); f.Hidden.Get("al_rows") != "2" {
		t.Errorf("after adding an allergy row: %v", f.Hidden)
	}
	if n := ta.healthRows(t, u.ID); n != 0 {
		t.Errorf("%d rows after adding rows", n)
	}
	// The fixed form saves.
	res = submitAll(c, f, url.Values{"height": {"170"}, "weight": {"60"}, "dx-0-date": {""}, "dx-0-status": {"chronic"},
		"al-0-severity": {"severe"}, "past_history": {"none"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("fixed form: %d %s", res.Status, res.Text())
	}
	ov := c.Get("/health")
	if !ov.HasText("Asthma") || !ov.HasText("Chronic") || !ov.HasText("Severe") || !ov.HasText("20.8") || !ov.HasText("Normal range") {
		t.Errorf("English overview: %s", ov.Text())
	}
}

// A form opened before another save of the same profile is refused as stale, keeps
// what was typed and then saves on the second try.
func TestHealthProfileStaleFormIsRefused(t *testing.T) {
	ta := newApp(t, nil)
	c := ta.registerPatient(t, "13800006005", "health_twotabs")
	u := ta.userByLogin(t, "13800006005")
	giveHealthConsent(t, c)
	tab1 := c.Get(healthEdit).Form(healthEdit)
	tab2 := c.Get(healthEdit).Form(healthEdit)
	if r := submitAll(c, tab1, url.Values{"height": {"180"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("tab 1: %d", r.Status)
	}
	r := submitAll(c, tab2, url.Values{"weight": {"70"}})
	if r.Status != http.StatusConflict || !r.HasText("已在别处保存了新版本") {
		t.Fatalf("tab 2: %d %s", r.Status, r.Text())
	}
	f := r.Form(healthEdit)
	if f.Value("weight") != "70" || f.Hidden.Get("base_version") != "1" {
		t.Errorf("stale form: %v %v", f.Hidden, f.Values)
	}
	if r := submitAll(c, f, nil); r.Status != http.StatusSeeOther {
		t.Fatalf("second try: %d", r.Status)
	}
	if n := ta.healthRows(t, u.ID); n != 2 {
		t.Errorf("%d versions", n)
	}
}

// The codes the views offer are the ones the domain accepts.
func TestHealthCodesAgree(t *testing.T) {
	for name, pair := range map[string][2][]string{
		"diagnosis statuses": {health.DiagnosisStatuses, models.DiagnosisStatuses},
		"allergy severities": {health.AllergySeverities, models.AllergySeverities},
		"marital statuses":   {health.MaritalStatuses, models.MaritalStatuses},
		"histories":          {health.HistoryCodes, models.HealthHistories},
	} {
		if !slices.Equal(pair[0], pair[1]) {
			t.Errorf("%s: views %v, models %v", name, pair[0], pair[1])
		}
	}
}
