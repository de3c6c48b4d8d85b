package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/handlers"
	"github.com/yibao-health/portal/internal/config"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/internal/testkit/webclient"
	"github.com/yibao-health/portal/models"
)

// gatePublish stores a published version directly (authoring is another page), in
// force from eff, with its hash.
func (ta *testApp) gatePublish(t *testing.T, label string, material bool, eff time.Time, bodyZh, bodyEn string) *models.PolicyVersion {
	t.Helper()
	eff = eff.UTC().Truncate(time.Microsecond)
	now := ta.clock.Now().UTC()
	v := &models.PolicyVersion{Version: label, Status: models.PolicyPublished, Material: material,
		TitleZh: "医宝健康隐私政策", TitleEn: "Yibao Health privacy policy",
		SummaryZh: "本版变更：" + label, SummaryEn: "Changes in " + label,
		BodyZh: bodyZh, BodyEn: bodyEn, EffectiveAt: &eff, CreatedAt: now, UpdatedAt: now, PublishedAt: &now}
	v.SHA256 = v.ComputeHash()
	if err := ta.db.Create(v).Error; err != nil {
		t.Fatalf("publish %s: %v", label, err)
	}
	return v
}

// gateTerms lists the terms records of userID, oldest first.
func (ta *testApp) gateTerms(t *testing.T, userID int64) []models.ConsentRecord {
	t.Helper()
	var out []models.ConsentRecord
	if err := ta.db.Where("user_id = ? AND purpose = ?", userID, models.PurposeTerms).Order("id").Find(&out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

// isReview reports whether r sends the user to the review page.
func isReview(r *webclient.Response) bool {
	return r.Status == http.StatusSeeOther && strings.HasPrefix(r.Location(), "/privacy/review")
}

// dbSnapshot is every row of every table (SQLite), sessions reduced to who is
// signed in, so a walk can prove that refused requests changed nothing.
func dbSnapshot(t *testing.T, g *gorm.DB) string {
	t.Helper()
	var tables []string
	if err := g.Raw(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).Scan(&tables).Error; err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, tb := range tables {
		q := `SELECT * FROM "` + tb + `"`
		if tb == "sessions" { // last_seen_at moves on every request
			q = `SELECT id_hash, user_id, revoked_at FROM sessions ORDER BY id_hash`
		}
		rows, err := g.Raw(q).Rows()
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s %v\n", tb, vals)
		}
		rows.Close()
	}
	return b.String()
}

// explicitlyExempt are the routes outside the policy area that stay reachable
// (invariant 5): sign-out, the language switch, health checks, static files.
var explicitlyExempt = map[string]bool{
	"POST /logout": true, "POST /lang": true, "GET /healthz": true, "GET /readyz": true,
	"GET /static/*": true, "HEAD /static/*": true,
}

// Walk the whole route table as a signed-in patient who has not accepted the
// material version in force: every route the patient may call answers 303 to the
// review page and changes nothing, except the exits — sign-out, the language
// switch, health checks, static files, the policy pages (with the review itself)
// and the export/cancel exits; routes of other classes stay 404. After accepting,
// the patient reaches their pages again.
// policy: C6.1
func TestGateBlocksEveryPatientRouteButTheExits(t *testing.T) {
	ta := newApp(t, nil)
	pat := ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: "13800004101", Username: "gatewalker"})
	v := ta.gatePublish(t, "2026-12", true, ta.clock.Now().Add(-time.Minute), "第一条 正文。", "Clause 1.")
	c := ta.signInFull(t, "13800004101")

	patientMay := map[handlers.Access]bool{handlers.Public: true, handlers.Account: true, handlers.Patient: true}
	var exempt, blocked []*echoRoute
	for _, r := range ta.app.Echo().Routes() {
		if r.Method != http.MethodGet && r.Method != http.MethodPost && r.Method != http.MethodHead {
			continue
		}
		acc, _ := handlers.AccessOfRoute(r)
		er := &echoRoute{method: r.Method, path: r.Path, access: acc}
		if handlers.GateExemptRoute(r) {
			inPolicy := r.Path == "/privacy" || strings.HasPrefix(r.Path, "/privacy/") ||
				strings.HasPrefix(r.Path, "/account/export") || strings.HasPrefix(r.Path, "/account/cancel")
			if !inPolicy && !explicitlyExempt[r.Method+" "+r.Path] && acc != handlers.Pending && acc != handlers.DevOnly {
				t.Errorf("%s %s is exempt from the gate but is not one of the listed exits", r.Method, r.Path)
			}
			exempt = append(exempt, er)
			continue
		}
		if explicitlyExempt[r.Method+" "+r.Path] {
			t.Errorf("%s %s must stay reachable through the gate", r.Method, r.Path)
		}
		blocked = append(blocked, er)
	}

	// Every non-exempt route first, and prove nothing changed.
	before := dbSnapshot(t, ta.db)
	gatedN := 0
	for _, r := range blocked {
		path := fillParams(r.path)
		res := request(c, r.method, path)
		switch {
		case !patientMay[r.access]:
			if res.Status != http.StatusNotFound {
				t.Errorf("%s %s (%s): %d, want the guard's 404", r.method, r.path, r.access, res.Status)
			}
		case r.method == http.MethodPost:
			if res.Status != http.StatusSeeOther || res.Location() != "/privacy/review" {
				t.Errorf("POST %s (%s): %d → %q, want 303 to /privacy/review", r.path, r.access, res.Status, res.Location())
			}
			gatedN++
		default:
			if want := "/privacy/review?next=" + url.QueryEscape(path); res.Status != http.StatusSeeOther || (res.Location() != want && path != "/") ||
				(path == "/" && res.Location() != "/privacy/review") {
				t.Errorf("%s %s (%s): %d → %q, want 303 to %s", r.method, path, r.access, res.Status, res.Location(), want)
			}
			gatedN++
		}
	}
	if after := dbSnapshot(t, ta.db); after != before {
		t.Errorf("requests the gate refused changed the database:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	t.Logf("%d patient routes stopped by the gate, %d exempt routes", gatedN, len(exempt))
	if gatedN < 20 {
		t.Fatalf("only %d patient routes walked through the gate", gatedN)
	}

	// The exits behave as they do without the gate (logout last: it ends the session).
	for _, r := range exempt {
		if r.method == http.MethodPost && r.path == "/logout" {
			continue
		}
		path := fillParams(r.path)
		res := request(c, r.method, path)
		if strings.HasPrefix(r.path, "/privacy/review") || r.path == "/privacy/notice" {
			continue // the review's own forms, tested below
		}
		if isReview(res) {
			t.Errorf("exit %s %s was sent to the review page", r.method, r.path)
		}
		if r.method == http.MethodGet && !strings.Contains(r.path, ":") && !strings.Contains(r.path, "*") &&
			patientMay[r.access] && res.Status != http.StatusOK {
			t.Errorf("exit GET %s: status %d", r.path, res.Status)
		}
	}
	if r := c.Get("/privacy"); r.Status != http.StatusOK {
		t.Errorf("the policy itself: %d", r.Status)
	}

	// The review page, then Accept: the consent record and the audit row, and back
	// to where the patient was going.
	review := c.Get("/privacy/review?next=" + url.QueryEscape("/account/security")).Expect(http.StatusOK)
	if !review.HasText("2026-12") {
		t.Errorf("review page does not name the version: %s", review.Text())
	}
	res := c.SubmitForm(review.Form("/privacy/review/accept"), nil)
	if res.Status != http.StatusSeeOther || res.Location() != "/account/security" {
		t.Fatalf("accept: %d → %q", res.Status, res.Location())
	}
	recs := ta.gateTerms(t, pat.ID)
	if len(recs) != 1 {
		t.Fatalf("terms records after accepting: %+v", recs)
	}
	r0 := recs[0]
	if r0.Decision != models.DecisionAccepted || r0.Channel != models.ChannelGate || r0.PolicyVersionID == nil ||
		*r0.PolicyVersionID != v.ID || r0.PolicySHA256 != v.SHA256 || r0.ClientIP != "127.0.0.0" || r0.UserAgent == "" {
		t.Errorf("acceptance record: %+v", r0)
	}
	var audits int64
	ta.db.Model(&models.AuditEntry{}).Where("action = ? AND actor_id = ?", models.AuditPolicyAccept, pat.ID).Count(&audits)
	if audits != 1 {
		t.Errorf("audit rows for the acceptance: %d", audits)
	}
	for _, p := range []string{"/account", "/account/security", "/"} {
		if r := c.Get(p); r.Status != http.StatusOK {
			t.Errorf("after accepting, GET %s: %d", p, r.Status)
		}
	}
	if r := c.Get("/privacy/review"); r.Status != http.StatusSeeOther || r.Location() != "/account" {
		t.Errorf("review with nothing to review: %d → %q", r.Status, r.Location())
	}

	// Sign-out stays reachable for a user the gate stops.
	ta.gatePublish(t, "2027-01", true, ta.clock.Now().Add(-time.Second), "第一条 新正文。", "Clause 1, new.")
	if r := c.Get("/account"); !isReview(r) {
		t.Fatalf("a newer material version: %d %q", r.Status, r.Location())
	}
	if r := request(c, http.MethodPost, "/logout"); r.Status != http.StatusSeeOther || isReview(r) {
		t.Errorf("logout while gated: %d %q", r.Status, r.Location())
	}
	if r := c.Get("/account"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/login") {
		t.Errorf("after logout: %d %q", r.Status, r.Location())
	}
}

type echoRoute struct {
	method, path string
	access       handlers.Access
}

// Doctors and staff meet the gate too, on their own routes, and nothing they post
// is performed; accepting lets them in.
// policy: C6.1
func TestGateStopsDoctorsAndStaff(t *testing.T) {
	ta := newApp(t, nil)
	ta.createAccount(t, models.NewAccount{Kind: models.KindDoctor, Phone: "13900004101",
		Doctor: &models.DoctorProfile{RealName: "门医生", Hospital: "H", Department: "D", Title: "T", LicenceNumber: "9", Status: models.DoctorVerified}})
	ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "gate-admin@example.com", Caps: []string{models.CapAdmin, models.CapPrivacyOfficer}})
	ta.gatePublish(t, "2026-12", true, ta.clock.Now().Add(-time.Minute), "正文", "Text")

	doc := ta.signInFull(t, "13900004101")
	staff := ta.signInFull(t, "gate-admin@example.com")
	for _, p := range []string{"/clinic", "/account/security"} {
		if r := doc.Get(p); !isReview(r) {
			t.Errorf("doctor GET %s: %d %q", p, r.Status, r.Location())
		}
	}
	for _, p := range []string{"/staff", "/staff/members", "/staff/privacy/stats", "/staff/policy"} {
		if r := staff.Get(p); !isReview(r) {
			t.Errorf("staff GET %s: %d %q", p, r.Status, r.Location())
		}
	}
	var invitations int64
	count := func() int64 {
		ta.db.Model(&models.User{}).Where("kind = ?", models.KindStaff).Count(&invitations)
		return invitations
	}
	n := count()
	r := gatePost(t, staff, "/staff/invite", url.Values{"email": {"new-member@example.com"}, "caps": {"support"}})
	if !isReview(r) || count() != n {
		t.Errorf("staff invitation while gated: %d %q, staff accounts %d → %d", r.Status, r.Location(), n, count())
	}

	for _, c := range []*webclient.Client{doc, staff} {
		res := c.Submit("/privacy/review", "/privacy/review/accept", nil)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("accept: %d", res.Status)
		}
	}
	if r := doc.Get("/clinic"); r.Status != http.StatusOK {
		t.Errorf("doctor after accepting: %d", r.Status)
	}
	if r := staff.Get("/staff/members"); r.Status != http.StatusOK {
		t.Errorf("staff after accepting: %d", r.Status)
	}
}

// Declining records the decision and shows the exits; the gate stays shut.
// policy: C6.1
func TestGateDeclineShowsTheExits(t *testing.T) {
	ta := newApp(t, nil)
	pat := ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: "13800004102"})
	v := ta.gatePublish(t, "2026-12", true, ta.clock.Now().Add(-time.Minute), "正文", "Text")
	c := ta.signInFull(t, "13800004102")
	res := c.Submit("/privacy/review", "/privacy/review/decline", nil)
	if res.Status != http.StatusSeeOther || res.Location() != "/privacy/review/declined" {
		t.Fatalf("decline: %d → %q", res.Status, res.Location())
	}
	recs := ta.gateTerms(t, pat.ID)
	if len(recs) != 1 || recs[0].Decision != models.DecisionDeclined || *recs[0].PolicyVersionID != v.ID || recs[0].Channel != models.ChannelGate {
		t.Fatalf("decline record: %+v", recs)
	}
	page := c.Get("/privacy/review/declined").Expect(http.StatusOK)
	if _, ok := page.FindForm("/logout"); !ok || !page.HasText("导出我的数据") || !page.HasText("注销账户") || !page.HasText("即将推出") {
		t.Errorf("exits page: %s", page.Text())
	}
	if r := c.Get("/account"); !isReview(r) {
		t.Errorf("after declining, /account: %d %q", r.Status, r.Location())
	}
	// Accepting after a decline is possible.
	if r := c.Submit("/privacy/review", "/privacy/review/accept", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("accept after decline: %d", r.Status)
	}
	if r := c.Get("/account"); r.Status != http.StatusOK {
		t.Errorf("after accepting: %d", r.Status)
	}
}

// A version that took effect while the user read is not accepted in their name:
// they are sent back to review the newest one.
func TestGateAcceptOfAStaleVersion(t *testing.T) {
	ta := newApp(t, nil)
	pat := ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: "13800004103"})
	ta.gatePublish(t, "2026-12", true, ta.clock.Now().Add(-time.Minute), "正文", "Text")
	c := ta.signInFull(t, "13800004103")
	page := c.Get("/privacy/review?next=%2Faccount%2Fsecurity").Expect(http.StatusOK)
	ta.gatePublish(t, "2027-01", true, ta.clock.Now().Add(-time.Second), "新正文", "New text")
	res := c.SubmitForm(page.Form("/privacy/review/accept"), nil)
	if res.Status != http.StatusSeeOther || res.Location() != "/privacy/review?next=%2Faccount%2Fsecurity" {
		t.Fatalf("stale accept: %d → %q", res.Status, res.Location())
	}
	if recs := ta.gateTerms(t, pat.ID); len(recs) != 0 {
		t.Fatalf("stale accept recorded: %+v", recs)
	}
	if r := c.Get(res.Location()); !r.HasText("2027-01") || !r.HasText("您阅读期间隐私政策又有更新") {
		t.Errorf("review after a stale accept: %s", r.Text())
	}
}

// A minor version only shows a banner: nothing is blocked, dismissing it records that
// the notice was shown (nothing more), and the banner is gone.
// policy: C6.1
func TestGateMinorVersionShowsADismissibleBanner(t *testing.T) {
	ta := newApp(t, nil)
	pat := ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: "13800004104"})
	v1 := ta.gatePublish(t, "2026-01", true, ta.clock.Now().Add(-48*time.Hour), "正文", "Text")
	if _, err := models.RecordConsent(ta.db, pat.ID, models.PurposeTerms, "", models.DecisionAccepted, v1, models.ConsentContext{Channel: models.ChannelRegistration}, ta.clock.Now()); err != nil {
		t.Fatal(err)
	}
	v2 := ta.gatePublish(t, "2026-03", false, ta.clock.Now().Add(-time.Minute), "正文，措辞调整。", "Text, reworded.")
	c := ta.signInFull(t, "13800004104")
	page := c.Get("/account/security").Expect(http.StatusOK)
	if !page.HasText("隐私政策已更新为 2026-03 版") {
		t.Fatalf("no banner: %s", page.Text())
	}
	if r := c.Get("/privacy/compare?to=" + fmt.Sprint(v2.ID)); r.Status != http.StatusOK {
		t.Errorf("the banner's link: %d", r.Status)
	}
	res := c.SubmitForm(page.Form("/privacy/notice"), nil)
	if res.Status != http.StatusSeeOther || res.Location() != "/account/security" {
		t.Fatalf("dismiss: %d → %q", res.Status, res.Location())
	}
	recs := ta.gateTerms(t, pat.ID)
	if len(recs) != 2 || recs[1].Decision != models.DecisionNoticeShown || *recs[1].PolicyVersionID != v2.ID {
		t.Fatalf("records after dismissing: %+v", recs)
	}
	if r := c.Get("/account/security").Expect(http.StatusOK); r.HasText("隐私政策已更新为") {
		t.Error("banner still shown after dismissing")
	}
}

// Registration records acceptance of the version in force, so a user who registers
// after a material version is not stopped by it.
// policy: C6.1
func TestGateSparesUsersWhoAcceptedAtRegistration(t *testing.T) {
	ta := newApp(t, nil)
	v := ta.gatePublish(t, "2026-12", true, ta.clock.Now().Add(-time.Minute), "正文", "Text")
	c := ta.registerPatient(t, "13800004105", "newcomer")
	u := ta.userByLogin(t, "13800004105")
	recs := ta.gateTerms(t, u.ID)
	if len(recs) != 1 || recs[0].PolicyVersionID == nil || *recs[0].PolicyVersionID != v.ID || recs[0].Decision != models.DecisionAccepted {
		t.Fatalf("registration must record acceptance of the version in force: %+v", recs)
	}
	for _, p := range []string{"/account", "/account/security"} {
		if r := c.Get(p); r.Status != http.StatusOK {
			t.Errorf("new user GET %s: %d %q", p, r.Status, r.Location())
		}
	}
}

// The gate costs two small statements on policy_versions / consent_records per
// signed-in request, whether it lets the user through or stops them.
func TestGateQueriesPerRequest(t *testing.T) {
	cfg, err := config.FromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = t.TempDir()
	g := dbtest.SQLite(t)
	cg, n := dbtest.CountQueries(t, g)
	ta := startApp(t, cfg, cg)
	pat := ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: "13800004106"})
	v := ta.gatePublish(t, "2026-12", true, ta.clock.Now().Add(-time.Minute), "正文", "Text")
	c := ta.signInFull(t, "13800004106")
	gateStatements := func() (int, string) {
		all := n.String()
		return strings.Count(all, "/* gate */"), all
	}
	n.Reset()
	if r := c.Get("/account/security"); !isReview(r) {
		t.Fatalf("not stopped: %d", r.Status)
	}
	if k, all := gateStatements(); k != 2 {
		t.Errorf("stopped request: %d gate statements, want 2:\n%s", k, all)
	}
	if _, err := models.RecordConsent(g, pat.ID, models.PurposeTerms, "", models.DecisionAccepted, v, models.ConsentContext{Channel: models.ChannelGate}, ta.clock.Now()); err != nil {
		t.Fatal(err)
	}
	n.Reset()
	c.Get("/account/security").Expect(http.StatusOK)
	if k, all := gateStatements(); k != 2 {
		t.Errorf("admitted request: %d gate statements, want 2:\n%s", k, all)
	}
	if n.N() > 5 {
		t.Errorf("a signed-in GET of the security page runs %d statements:\n%s", n.N(), n)
	}
}

// gatePost posts fields to path with the session's CSRF token, read from a page the
// gate always lets through.
func gatePost(t *testing.T, c *webclient.Client, path string, fields url.Values) *webclient.Response {
	t.Helper()
	page := c.Get("/privacy").Expect(http.StatusOK)
	fields.Set("_csrf", page.Form("/logout").Hidden.Get("_csrf"))
	return c.Do(http.MethodPost, path, "application/x-www-form-urlencoded", strings.NewReader(fields.Encode()),
		http.Header{"Origin": {c.Base.Scheme + "://" + c.Base.Host}})
}
