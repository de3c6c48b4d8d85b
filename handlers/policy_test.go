package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yibao-health/portal/handlers"
	"github.com/yibao-health/portal/internal/config"
	"github.com/yibao-health/portal/internal/testkit/webclient"
	"github.com/yibao-health/portal/models"
)

// policyFields is a complete draft form.
func policyFields(label, kind string) url.Values {
	return url.Values{"version": {label}, "kind": {kind}, "effective": {""},
		"title_zh": {"医宝健康隐私政策"}, "title_en": {"Yibao Health Privacy Policy"},
		"summary_zh": {"新增按医生共享。"}, "summary_en": {"Adds sharing per doctor."},
		"body_zh": {"## 一、收集的信息\r\n\r\n我们只收集账号信息。\r\n\r\n## 八、用户协议\r\n\r\n请依法使用。"},
		"body_en": {"## 1. What we collect\r\n\r\nAccount data only.\r\n\r\n## 8. User agreement\r\n\r\nUse the portal lawfully."}}
}

// officers creates two privacy officers (MFA enrolled) and signs both in.
func (ta *testApp) officers(t *testing.T) (po1, po2 *webclient.Client, id1, id2 int64) {
	t.Helper()
	u1 := ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "po1@example.com", Caps: []string{models.CapPrivacyOfficer}})
	u2 := ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "po2@example.com", Caps: []string{models.CapPrivacyOfficer}})
	return ta.signInFull(t, "po1@example.com"), ta.signInFull(t, "po2@example.com"), u1.ID, u2.ID
}

// createDraft posts the new-draft form and returns the new version's id.
func createDraft(t *testing.T, c *webclient.Client, fields url.Values) int64 {
	t.Helper()
	r := c.Submit("/staff/policy/new", "/staff/policy/new", fields)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/staff/policy/") {
		t.Fatalf("create draft: %d %s %s", r.Status, r.Location(), r.Text())
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(r.Location(), "/staff/policy/"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (ta *testApp) policy(t *testing.T, id int64) *models.PolicyVersion {
	t.Helper()
	v, err := (&models.Policies{DB: ta.db, Now: ta.clock.Now}).Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Two privacy officers take a material version from draft to published: the author
// previews and submits it, cannot approve it, a second officer approves and
// publishes; the stored hash is that of the exact texts, and the public sees it.
// policy: C6.1, C4.1-5
func TestPolicyDraftToPublishByTwoOfficers(t *testing.T) {
	ta := newApp(t, nil)
	po1, po2, id1, id2 := ta.officers(t)

	console := po1.Get("/staff").Expect(http.StatusOK)
	if f := console.Doc(); f == nil || !strings.Contains(console.Body, `href="/staff/policy"`) {
		t.Fatal("the console does not link the policy versions")
	}
	po1.Get("/staff/policy").Expect(http.StatusOK)
	id := createDraft(t, po1, policyFields("2026-12", "material"))
	detail := po1.Get("/staff/policy/" + strconv.FormatInt(id, 10)).Expect(http.StatusOK)
	if !detail.HasText("草稿已创建") || !detail.HasText("提交审批") {
		t.Fatalf("draft page: %s", detail.Text())
	}
	v := ta.policy(t, id)
	if v.Status != models.PolicyDraft || v.CreatedBy != id1 || strings.Contains(v.BodyZh, "\r") || !v.Material {
		t.Fatalf("stored draft: %+v", v)
	}

	// The preview renders the public page's component, with the sanitised body.
	base := "/staff/policy/" + strconv.FormatInt(id, 10)
	pv := po1.Get(base + "/preview?lang=en").Expect(http.StatusOK)
	if !pv.HasText("Yibao Health Privacy Policy") || !pv.HasText("Account data only.") || !strings.Contains(pv.Body, `data-testid="preview-bar"`) ||
		!strings.Contains(pv.Body, `id="terms"`) || htmlLang(pv) != "en" {
		t.Fatalf("preview: %s", pv.Text())
	}

	po1.Submit(base, base+"/submit", nil).Expect(http.StatusSeeOther)
	if v := ta.policy(t, id); v.Status != models.PolicyPending || *v.SubmittedBy != id1 {
		t.Fatalf("after submit: %+v", v)
	}
	// The author sees no approve button; posting anyway is refused and changes nothing.
	own := po1.Get(base).Expect(http.StatusOK)
	if _, ok := own.FindForm(base + "/publish"); ok || !own.HasText("需由另一位隐私官批准") {
		t.Fatalf("the author is offered approval: %s", own.Text())
	}
	r := request(po1, http.MethodPost, base+"/publish")
	if r.Status != http.StatusForbidden || !r.HasText("另一位隐私官") {
		t.Fatalf("author approving: %d %s", r.Status, r.Text())
	}
	if v := ta.policy(t, id); v.Status != models.PolicyPending {
		t.Fatalf("author's approval changed the status to %s", v.Status)
	}

	r = po2.Submit(base, base+"/publish", nil)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("second officer approving: %d %s", r.Status, r.Text())
	}
	v = ta.policy(t, id)
	if v.Status != models.PolicyPublished || *v.ApprovedBy != id2 || v.SHA256 == "" || v.SHA256 != v.ComputeHash() || v.EffectiveAt == nil {
		t.Fatalf("published: %+v", v)
	}
	var audits int64
	ta.db.Model(&models.AuditEntry{}).Where("action IN ? AND object_id = ?",
		[]string{"policy.create", "policy.submit", "policy.publish"}, strconv.FormatInt(id, 10)).Count(&audits)
	if audits != 4 { // create, submit, the author's denied approval, publish
		t.Fatalf("%d audit rows for the version, want 4", audits)
	}

	// The public sees it at /privacy, in the history and at its own address.
	anon := webclient.New(t, ta.url)
	page := anon.Get("/privacy").Expect(http.StatusOK)
	if !page.HasText("医宝健康隐私政策") || !page.HasText("新增按医生共享") || !page.HasText("2026-12") || strings.Count(page.Body, `id="terms"`) != 1 {
		t.Fatalf("/privacy: %s", page.Text())
	}
	en := anon.Get("/privacy", http.Header{"Accept-Language": {"en"}}).Expect(http.StatusOK)
	if !en.HasText("Yibao Health Privacy Policy") || !en.HasText("Summary of changes") {
		t.Fatalf("/privacy in English: %s", en.Text())
	}
	hist := anon.Get("/privacy/history").Expect(http.StatusOK)
	if !hist.HasText("2026-12 版") || !hist.HasText("现行版本") || !hist.HasText("重大变更") {
		t.Fatalf("history: %s", hist.Text())
	}
	anon.Get("/privacy/versions/" + strconv.FormatInt(id, 10)).Expect(http.StatusOK)
}

// With PORTAL_POLICY_TWO_PERSON off, one officer publishes their own draft.
// policy: C6.1
func TestPolicySingleOfficerPublishes(t *testing.T) {
	ta := newApp(t, func(c *config.Config) { c.PolicyTwoPerson = false })
	ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "po1@example.com", Caps: []string{models.CapPrivacyOfficer}})
	po := ta.signInFull(t, "po1@example.com")
	id := createDraft(t, po, policyFields("2026-12", "minor"))
	base := "/staff/policy/" + strconv.FormatInt(id, 10)
	if _, ok := po.Get(base).FindForm(base + "/submit"); ok {
		t.Fatal("single-officer mode still asks for approval")
	}
	po.Submit(base, base+"/publish", nil).Expect(http.StatusSeeOther)
	if v := ta.policy(t, id); v.Status != models.PolicyPublished || v.SHA256 != v.ComputeHash() {
		t.Fatalf("published alone: %+v", v)
	}
}

// A published version cannot be edited over HTTP: the edit page and every
// editing POST answer with a clear message, and the stored version (texts, hash,
// time of change) stays exactly as published. "New version from this one" copies
// it into a new draft instead.
// policy: C6.1
func TestPublishedPolicyRefusesEdits(t *testing.T) {
	ta := newApp(t, nil)
	po1, po2, _, _ := ta.officers(t)
	id := createDraft(t, po1, policyFields("2026-12", "minor")) // minor: no re-consent gate in the way
	base := "/staff/policy/" + strconv.FormatInt(id, 10)
	editForm := po1.Get(base + "/edit").Expect(http.StatusOK).Form(base + "/edit")
	po1.Submit(base, base+"/submit", nil).Expect(http.StatusSeeOther)
	po2.Submit(base, base+"/publish", nil).Expect(http.StatusSeeOther)
	before := ta.policy(t, id)

	if r := po1.Get(base + "/edit"); r.Status != http.StatusConflict || !r.HasText("已发布的版本不能修改") {
		t.Fatalf("edit page of a published version: %d %s", r.Status, r.Text())
	}
	changed := policyFields("2026-12", "material")
	changed.Set("body_zh", "篡改后的正文")
	r := po1.SubmitForm(editForm, changed)
	if r.Status != http.StatusConflict || !r.HasText("已发布的版本不能修改") || !r.HasText("基于此版本新建") {
		t.Fatalf("POST edit of a published version: %d %s", r.Status, r.Text())
	}
	for _, step := range []string{"/submit", "/return", "/publish"} {
		if r := request(po2, http.MethodPost, base+step); r.Status != http.StatusConflict {
			t.Errorf("POST %s on a published version: %d, want 409", step, r.Status)
		}
	}
	after := ta.policy(t, id)
	if after.BodyZh != before.BodyZh || after.SHA256 != before.SHA256 || after.ComputeHash() != before.SHA256 ||
		!after.UpdatedAt.Equal(before.UpdatedAt) || after.Material != before.Material || after.Status != models.PolicyPublished {
		t.Fatalf("published version changed:\nbefore %+v\nafter  %+v", before, after)
	}

	r = po1.Submit(base, base+"/copy", url.Values{"version": {"2027-01"}})
	if r.Status != http.StatusSeeOther || !strings.HasSuffix(r.Location(), "/edit") {
		t.Fatalf("new version from this one: %d %s", r.Status, r.Text())
	}
	form := po1.Get(r.Location()).Expect(http.StatusOK).Form(r.Location())
	if form.Value("version") != "2027-01" || form.Value("body_zh") != before.BodyZh || form.Value("summary_zh") != "" {
		t.Fatalf("copied draft form: %v", form.Values)
	}
}

// A refused draft shows every problem at once and keeps what was typed; an
// incomplete draft cannot be submitted and its form names each missing text.
// policy: C6.1
func TestPolicyFormKeepsTypedValues(t *testing.T) {
	ta := newApp(t, nil)
	po1, _, _, _ := ta.officers(t)
	bad := policyFields("not a label!", "minor")
	bad.Set("effective", "2020-01-01T08:00")
	bad.Set("title_en", strings.Repeat("x", models.MaxPolicyTitle+1))
	r := po1.Submit("/staff/policy/new", "/staff/policy/new", bad)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad draft: %d %s", r.Status, r.Text())
	}
	f := r.Form("/staff/policy/new")
	for _, name := range []string{"version", "effective", "title_zh", "summary_en", "body_zh", "kind"} {
		if f.Value(name) != strings.ReplaceAll(bad.Get(name), "\r\n", "\n") {
			t.Errorf("field %s not kept: %q", name, f.Value(name))
		}
	}
	for _, msg := range []string{"版本号最多", "生效时间不能早于现在", "最多 200 个字符"} {
		if !r.HasText(msg) {
			t.Errorf("message %q missing: %s", msg, r.Text())
		}
	}
	var n int64
	ta.db.Model(&models.PolicyVersion{}).Count(&n)
	if n != 0 {
		t.Fatalf("%d versions stored from a refused form", n)
	}

	partial := policyFields("2026-12", "material")
	partial.Del("body_en")
	partial.Del("summary_zh")
	id := createDraft(t, po1, partial)
	base := "/staff/policy/" + strconv.FormatInt(id, 10)
	r = po1.Submit(base, base+"/submit", nil)
	if r.Status != http.StatusUnprocessableEntity || !r.HasText("提交和发布前必须填写") {
		t.Fatalf("submitting an incomplete draft: %d %s", r.Status, r.Text())
	}
	if f := r.Form(base + "/edit"); f.Value("title_zh") != "医宝健康隐私政策" {
		t.Fatalf("the form after a refused submit lost the texts: %v", f.Values)
	}
	if v := ta.policy(t, id); v.Status != models.PolicyDraft {
		t.Fatalf("incomplete draft was submitted: %s", v.Status)
	}
}

// Only privacy officers reach the console: a patient, a doctor, support and admin
// staff get 404 on every /staff/policy route, with a real version id.
// policy: C4.1-5, C4.3
func TestStaffPolicyRoutesRefuseOthers(t *testing.T) {
	ta := newApp(t, nil)
	po1, _, _, _ := ta.officers(t)
	id := createDraft(t, po1, policyFields("2026-12", "material"))
	ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: "13800003001"})
	ta.createAccount(t, models.NewAccount{Kind: models.KindDoctor, Phone: "13900003001",
		Doctor: &models.DoctorProfile{RealName: "王", Hospital: "H", Department: "D", Title: "T", LicenceNumber: "3", Status: models.DoctorVerified}})
	ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "support@example.com", Caps: []string{models.CapSupport}})
	ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "admin@example.com", Caps: []string{models.CapAdmin}})
	others := map[string]*webclient.Client{
		"visitor": webclient.New(t, ta.url), "patient": ta.signInFull(t, "13800003001"), "doctor": ta.signInFull(t, "13900003001"),
		"support": ta.signInFull(t, "support@example.com"), "admin": ta.signInFull(t, "admin@example.com"),
	}
	checked := 0
	for _, rt := range ta.app.Echo().Routes() {
		if !strings.HasPrefix(rt.Path, "/staff/policy") {
			continue
		}
		if acc, _ := handlers.AccessOfRoute(rt); acc != handlers.Staff("privacy_officer") {
			t.Errorf("%s %s is declared %q", rt.Method, rt.Path, acc)
		}
		path := strings.Replace(rt.Path, ":id", strconv.FormatInt(id, 10), 1)
		for name, c := range others {
			if res := request(c, rt.Method, path); res.Status != http.StatusNotFound {
				t.Errorf("%s %s as %s: %d, want 404", rt.Method, path, name, res.Status)
			}
		}
		if rt.Method == http.MethodGet {
			po1.Get(path).Expect(http.StatusOK)
		}
		checked++
	}
	if checked < 10 {
		t.Fatalf("only %d policy console routes", checked)
	}
	if v := ta.policy(t, id); v.Status != models.PolicyDraft || v.TitleZh != "医宝健康隐私政策" {
		t.Fatalf("refused requests changed the draft: %+v", v)
	}
}

// The public pages: a fresh installation's policy at /privacy (with the #terms
// anchor the registration form links to), the history, a published version, and
// 404 for drafts, pending versions and nonsense ids.
// policy: C6.1, C6.2, C2.2.1
func TestPublicPolicyPages(t *testing.T) {
	ta := newApp(t, nil)
	anon := webclient.New(t, ta.url)
	empty := anon.Get("/privacy").Expect(http.StatusOK)
	if !empty.HasText("还没有发布") || strings.Count(empty.Body, `id="terms"`) != 1 {
		t.Fatalf("/privacy before any version: %s", empty.Text())
	}
	ctx := context.Background()
	initial, err := models.EnsureInitialPolicy(ctx, ta.db, ta.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	ps := &models.Policies{DB: ta.db, Now: ta.clock.Now}
	staff := models.AuditContext{ActorKind: models.ActorStaff, ActorID: 500}
	in := models.PolicyInputOf(initial)
	in.Version, in.Effective, in.Material = "2027-01", time.Now().Add(30*24*time.Hour).In(models.ChinaTime).Format("2006-01-02T15:04"), false
	in.SummaryZh, in.SummaryEn = "改了联系方式。", "New contact address."
	upcoming, err := ps.CreateDraft(ctx, in, staff)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ps.Submit(ctx, upcoming.ID, staff); err != nil {
		t.Fatal(err)
	}
	in.Version = "draft-1"
	draft, err := ps.CreateDraft(ctx, in, staff)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []struct{ accept, title, terms, history string }{
		{"zh-CN", "医宝健康隐私政策", "用户协议", "隐私政策历史版本"},
		{"en", "Yibao Health Privacy Policy", "User agreement", "Privacy policy history"},
	} {
		h := http.Header{"Accept-Language": {l.accept}}
		page := anon.Get("/privacy", h).Expect(http.StatusOK)
		if !page.HasText(l.title) || !page.HasText(l.terms) || strings.Count(page.Body, `id="terms"`) != 1 || strings.Contains(page.Body, "<script>") {
			t.Errorf("/privacy (%s): %s", l.accept, page.Text())
		}
		hist := anon.Get("/privacy/history", h).Expect(http.StatusOK)
		if !hist.HasText(l.history) || !hist.HasText("2026-01") || hist.HasText("2027-01") {
			t.Errorf("history (%s) before publishing 2027-01: %s", l.accept, hist.Text())
		}
	}
	// Not published: 404 for the public, whatever the id.
	for _, id := range []string{strconv.FormatInt(upcoming.ID, 10), strconv.FormatInt(draft.ID, 10), "0", "x", "99999"} {
		anon.Get("/privacy/versions/" + id).Expect(http.StatusNotFound)
	}
	anon.Get("/privacy/versions/" + strconv.FormatInt(initial.ID, 10)).Expect(http.StatusOK)

	// Published with a date ahead: upcoming in the history, readable, not in force.
	if _, err := ps.Publish(ctx, upcoming.ID, true, models.AuditContext{ActorKind: models.ActorStaff, ActorID: 501}); err != nil {
		t.Fatal(err)
	}
	hist := anon.Get("/privacy/history").Expect(http.StatusOK)
	if !hist.HasText("即将生效") || !hist.HasText("现行版本") || !strings.Contains(hist.Body, "/privacy/compare?from="+strconv.FormatInt(initial.ID, 10)+"&amp;to="+strconv.FormatInt(upcoming.ID, 10)) {
		t.Fatalf("history with an upcoming version: %s", hist.Text())
	}
	up := anon.Get("/privacy/versions/" + strconv.FormatInt(upcoming.ID, 10)).Expect(http.StatusOK)
	if !up.HasText("尚未生效") || !up.HasText("阅读现行版本") {
		t.Fatalf("upcoming version page: %s", up.Text())
	}
	if cur := anon.Get("/privacy"); !cur.HasText("2026-01") || cur.HasText("改了联系方式") {
		t.Fatalf("/privacy shows the upcoming version before its date: %s", cur.Text())
	}
}
