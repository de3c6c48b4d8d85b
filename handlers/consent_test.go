package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/config"
	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/notify"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/internal/testkit/webclient"
	"github.com/yibao-health/portal/models"
)

// consentPolicy publishes a (minor) policy version in force, so consent records
// quote a version and its hash; minor, so the re-consent gate stays out of the way.
func consentPolicy(t *testing.T, g *gorm.DB, version string) *models.PolicyVersion {
	t.Helper()
	eff := time.Now().Add(-time.Hour).UTC().Truncate(time.Microsecond)
	now := time.Now().UTC()
	pv := &models.PolicyVersion{Version: version, Status: models.PolicyPublished, TitleZh: "隐私政策", TitleEn: "Privacy policy",
		SummaryZh: "摘要", SummaryEn: "Summary", BodyZh: "正文", BodyEn: "Body", EffectiveAt: &eff, CreatedAt: now, UpdatedAt: now, PublishedAt: &now}
	pv.SHA256 = pv.ComputeHash()
	if err := g.Create(pv).Error; err != nil {
		t.Fatal(err)
	}
	return pv
}

// consentRecords lists a user's records, oldest first.
func consentRecords(t *testing.T, g *gorm.DB, userID int64) []models.ConsentRecord {
	t.Helper()
	var rows []models.ConsentRecord
	if err := g.Where("user_id = ?", userID).Order("id").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	return rows
}

// changeThroughPages presses the purpose's button on My consents, checks the
// confirmation page, and confirms; it returns the confirmation page and the answer.
func changeThroughPages(t *testing.T, c *webclient.Client, purpose string) (confirm, done *webclient.Response) {
	t.Helper()
	confirm = c.Submit("/account/consents", "/account/consents/"+purpose, nil)
	if confirm.Status != http.StatusOK {
		t.Fatalf("%s: confirmation page %d: %s", purpose, confirm.Status, confirm.Text())
	}
	done = c.SubmitForm(confirm.Form("/account/consents/"+purpose+"/confirm"), nil)
	if done.Status != http.StatusSeeOther || done.Location() != "/account/consents" {
		t.Fatalf("%s: confirm = %d %s: %s", purpose, done.Status, done.Location(), done.Text())
	}
	return confirm, done
}

// Visitors are sent to sign in; doctors and staff get 404 (the page does not exist
// for them); the receipt check and keys are public.
func TestConsentPagesAccess(t *testing.T) {
	ta := newApp(t, nil)
	ta.createAccount(t, models.NewAccount{Kind: models.KindDoctor, Phone: "13900003001",
		Doctor: &models.DoctorProfile{RealName: "医生", Hospital: "H", Department: "D", Title: "T", LicenceNumber: "1", Status: models.DoctorVerified}})
	ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "privacy@example.com", Caps: []string{models.CapPrivacyOfficer}})
	visitor := webclient.New(t, ta.url)
	for _, p := range []string{"/account/consents", "/account/consents/receipt", "/consents/health?next=/account"} {
		r := visitor.Get(p)
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/login?next=") {
			t.Errorf("visitor GET %s = %d %s", p, r.Status, r.Location())
		}
	}
	for _, login := range []string{"13900003001", "privacy@example.com"} {
		c := ta.signInFull(t, login)
		for _, p := range []string{"/account/consents", "/account/consents/receipt", "/consents/health"} {
			if r := c.Get(p); r.Status != http.StatusNotFound {
				t.Errorf("%s GET %s = %d, want 404", login, p, r.Status)
			}
		}
		f := c.Get("/account/security").Form("") // any form: its CSRF token
		f.Action = "/account/consents/marketing"
		if r := c.SubmitForm(f, url.Values{"grant": {"1"}}); r.Status != http.StatusNotFound {
			t.Errorf("%s POST change = %d, want 404", login, r.Status)
		}
	}
	visitor.Get("/privacy/receipts/verify").Expect(http.StatusOK)
	keys := visitor.Get("/privacy/receipts/key").Expect(http.StatusOK)
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal([]byte(keys.Body), &set); err != nil || len(set.Keys) != 1 || set.Keys[0]["alg"] != "ES256" || set.Keys[0]["kid"] == nil {
		t.Errorf("JWK set = %s (%v)", keys.Body, err)
	}
	if _, private := set.Keys[0]["d"]; private {
		t.Error("the JWK set publishes a private key")
	}
}

// A change takes two posts: the first only shows what changes; the second records.
// A post straight to the confirmation endpoint (CSRF token, but no confirmation
// token) records nothing and shows the confirmation instead. Once marketing is
// withdrawn, marketing messages stop and service notices continue.
// policy: C2.2.3-3, C2.2.3-4
func TestConsentChangeNeedsTheConfirmationStep(t *testing.T) {
	ta := newApp(t, nil)
	pv := consentPolicy(t, ta.db, "2026-01")
	c := ta.registerPatient(t, "13800003001", "consent_user")
	u := ta.userByLogin(t, "13800003001")

	// Registration recorded the terms with the version in force and its hash.
	rows := consentRecords(t, ta.db, u.ID)
	if len(rows) != 1 || rows[0].Purpose != models.PurposeTerms || rows[0].PolicyVersionID == nil || *rows[0].PolicyVersionID != pv.ID ||
		rows[0].PolicySHA256 != pv.SHA256 || rows[0].Channel != models.ChannelRegistration || rows[0].ClientIP != "127.0.0.0" {
		t.Fatalf("after registration: %+v", rows)
	}
	page := c.Get("/account/consents").Expect(http.StatusOK)
	if !page.HasText("用户协议与隐私政策") || !page.HasText("您接受的版本：2026-01") || !page.HasText("营销信息") || !page.HasText("不能在这里撤回") {
		t.Errorf("My consents: %s", page.Text())
	}
	// The page showed the logistics notice, and recorded that.
	rows = consentRecords(t, ta.db, u.ID)
	if last := rows[len(rows)-1]; last.Purpose != models.PurposeLogistics || last.Decision != models.DecisionNoticeShown {
		t.Errorf("notice not recorded: %+v", last)
	}
	before := len(rows)

	// Step one alone records nothing.
	confirm := c.Submit("/account/consents", "/account/consents/marketing", nil).Expect(http.StatusOK)
	if !confirm.HasText("给予同意：营销信息") || !confirm.HasText("您会收到营销信息") {
		t.Errorf("confirmation page: %s", confirm.Text())
	}
	if n := len(consentRecords(t, ta.db, u.ID)); n != before {
		t.Fatalf("step one recorded %d rows", n-before)
	}
	// A direct post to the confirm endpoint, without the confirmation's token.
	direct := confirm.Form("/account/consents/marketing/confirm")
	r := c.SubmitForm(direct, url.Values{"token": {""}})
	if r.Status != http.StatusUnprocessableEntity || !r.HasText("请在本页确认此更改") {
		t.Errorf("direct confirm = %d: %s", r.Status, r.Text())
	}
	if n := len(consentRecords(t, ta.db, u.ID)); n != before {
		t.Fatalf("a post without confirmation recorded %d rows", n-before)
	}
	// A GET never changes anything either.
	if r := c.Get("/account/consents/marketing/confirm"); r.Status != http.StatusNotFound && r.Status != http.StatusMethodNotAllowed {
		t.Errorf("GET confirm = %d", r.Status)
	}
	// Confirming from the page that came back records the opt-in.
	done := c.SubmitForm(r.Form("/account/consents/marketing/confirm"), nil)
	if done.Status != http.StatusSeeOther {
		t.Fatalf("confirm = %d: %s", done.Status, done.Text())
	}
	if !c.Get("/account/consents").HasText("已记录您的同意") {
		t.Error("no flash after granting")
	}
	marketing := func() {
		for _, ch := range []notify.Channel{notify.Inbox, notify.SMS} {
			if err := ta.notifier.Send(context.Background(), nil, u.ID, notify.Message{To: "13800003001", Subject: "优惠",
				Body: "新品八折", Kind: notify.KindMarketing, Channel: ch}); err != nil {
				t.Fatal(err)
			}
		}
	}
	count := func() (inbox int64, sms int) {
		ta.db.Model(&models.Notification{}).Where("user_id = ? AND kind = ?", u.ID, notify.KindMarketing).Count(&inbox)
		for _, m := range ta.outbox.Recent() {
			if m.To == "13800003001" && strings.Contains(m.Body, "新品八折") {
				sms++
			}
		}
		return
	}
	marketing()
	if inbox, sms := count(); inbox != 1 || sms != 1 {
		t.Fatalf("with the opt-in: inbox %d, sms %d", inbox, sms)
	}

	// Withdraw through both steps: the confirmation says exactly what stops.
	confirm, _ = changeThroughPages(t, c, models.PurposeMarketing)
	if !confirm.HasText("撤回同意：营销信息") || !confirm.HasText("我们不再向您发送任何营销信息") {
		t.Errorf("withdraw confirmation: %s", confirm.Text())
	}
	marketing()
	if inbox, sms := count(); inbox != 1 || sms != 1 {
		t.Errorf("after withdrawal marketing still sent: inbox %d, sms %d", inbox, sms)
	}
	rows = consentRecords(t, ta.db, u.ID)
	var decisions []string
	for _, r := range rows[before:] {
		decisions = append(decisions, r.Purpose+":"+r.Decision)
	}
	if strings.Join(decisions, ",") != "marketing:accepted,marketing:withdrawn" {
		t.Errorf("decisions = %v", decisions)
	}
	page = c.Get("/account/consents")
	if !page.HasText("已撤回同意，自现在起生效") {
		t.Errorf("no withdrawal flash: %s", page.Text())
	}
	hist := regexp.MustCompile(`撤回 我的授权页面 政策版本: 2026-01 127\.0\.0\.0`)
	if !hist.MatchString(page.Text()) {
		t.Errorf("history does not show the withdrawal with version and origin: %s", page.Text())
	}
}

// The required terms cannot be withdrawn on My consents: both steps answer with the
// reason and record nothing. Notice-only purposes have no button at all.
func TestTermsCannotBeWithdrawnHere(t *testing.T) {
	ta := newApp(t, nil)
	c := ta.registerPatient(t, "13800003002", "terms_user")
	u := ta.userByLogin(t, "13800003002")
	page := c.Get("/account/consents")
	if _, ok := page.FindForm("/account/consents/terms"); ok {
		t.Error("the terms have a withdraw button")
	}
	if _, ok := page.FindForm("/account/consents/logistics_sharing"); ok {
		t.Error("the notice-only purpose has a button")
	}
	before := len(consentRecords(t, ta.db, u.ID))
	f := page.Form("/account/consents/marketing")
	for _, action := range []string{"/account/consents/terms", "/account/consents/terms/confirm", "/account/consents/logistics_sharing/confirm"} {
		f.Action = action
		r := c.SubmitForm(f, url.Values{"grant": {"0"}})
		if r.Status != http.StatusForbidden {
			t.Errorf("POST %s = %d", action, r.Status)
		}
	}
	f.Action = "/account/consents/terms"
	if r := c.SubmitForm(f, url.Values{"grant": {"0"}}); !r.HasText("不接受隐私政策就无法使用服务") {
		t.Errorf("terms refusal does not say why: %s", r.Text())
	}
	f.Action = "/account/consents/doctor_sharing"
	if r := c.SubmitForm(f, url.Values{"grant": {"1"}}); r.Status != http.StatusNotFound {
		t.Errorf("unlisted purpose = %d", r.Status)
	}
	if n := len(consentRecords(t, ta.db, u.ID)); n != before {
		t.Errorf("%d records written", n-before)
	}
}

// The health-data consent is asked just in time with its explanation, continues to
// next (a local path only), and withdrawing it names every effect and the deletion.
// policy: C1.3
func TestHealthConsentJustInTime(t *testing.T) {
	ta := newApp(t, nil)
	c := ta.registerPatient(t, "13800003003", "health_user")
	u := ta.userByLogin(t, "13800003003")
	page := c.Get("/consents/health?next=/account").Expect(http.StatusOK)
	for _, s := range []string{"我们处理哪些信息", "为什么必要", "对您的影响", "第二十九条", "不同意"} {
		if !page.HasText(s) {
			t.Errorf("health page lacks %q", s)
		}
	}
	r := c.SubmitForm(page.Form("/consents/health"), url.Values{"decision": {"accept"}})
	if r.Status != http.StatusSeeOther || r.Location() != "/account" {
		t.Fatalf("accept = %d %s", r.Status, r.Location())
	}
	rows := consentRecords(t, ta.db, u.ID)
	if last := rows[len(rows)-1]; last.Purpose != models.PurposeHealthData || last.Decision != models.DecisionAccepted || last.Channel != models.ChannelJustInTime {
		t.Errorf("record = %+v", last)
	}
	again := c.Get("/consents/health?next=/account")
	if !again.HasText("您已经给予此项同意") || !strings.Contains(again.Body, `href="/account"`) {
		t.Errorf("second visit: %s", again.Text())
	}
	// An off-site next is ignored.
	evil := c.Get("/consents/health?next=//evil.example/x")
	if strings.Contains(evil.Body, "evil.example") {
		t.Error("off-site next kept")
	}
	// Withdrawal: the confirmation says exactly what stops and offers deletion.
	confirm, _ := changeThroughPages(t, c, models.PurposeHealthData)
	for _, s := range []string{"不能再上传新的健康资料", "不能再向医生开放新的查看权限", "已授予医生的所有查看权限", "“我的数据”页面删除"} {
		if !confirm.HasText(s) {
			t.Errorf("withdraw confirmation lacks %q: %s", s, confirm.Text())
		}
	}
	if ok, _ := models.HasConsent(context.Background(), ta.db, u.ID, models.PurposeHealthData, ""); ok {
		t.Error("health consent still granted after withdrawal")
	}
	// Declining on the page goes to My consents (not back to the upload that asked).
	page = c.Get("/consents/health?next=/account")
	r = c.SubmitForm(page.Form("/consents/health"), url.Values{"decision": {"decline"}})
	if r.Status != http.StatusSeeOther || r.Location() != "/account/consents" {
		t.Errorf("decline = %d %s", r.Status, r.Location())
	}
}

// The receipt downloads as a dated JSON attachment; the public page verifies it
// (pasted or uploaded) and rejects a tampered copy, saying why.
func TestConsentReceiptDownloadAndVerification(t *testing.T) {
	ta := newApp(t, nil)
	consentPolicy(t, ta.db, "2026-01")
	c := ta.registerPatient(t, "13800003004", "receipt_user")
	changeThroughPages(t, c, models.PurposeMarketing)
	r := c.Get("/account/consents/receipt").Expect(http.StatusOK)
	want := `attachment; filename="consent-receipt-` + time.Now().In(models.ChinaTime).Format("2006-01-02") + `.json"`
	if got := r.Header.Get("Content-Disposition"); got != want {
		t.Errorf("Content-Disposition = %q, want %q", got, want)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") || r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Content-Type %q, Cache-Control %q", ct, r.Header.Get("Cache-Control"))
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(r.Body), &m); err != nil {
		t.Fatal(err)
	}
	if m["version"] != "KI-CR-v1.1.0" || m["policyVersion"] != "2026-01" || m["jwt"] == nil || strings.Contains(r.Body, "13800003004") {
		t.Errorf("receipt = %s", r.Body)
	}

	visitor := webclient.New(t, ta.url)
	ok := visitor.Submit("/privacy/receipts/verify", "/privacy/receipts/verify", url.Values{"receipt": {r.Body}}).Expect(http.StatusOK)
	if !ok.HasText("有效：此凭证由本站签发，内容未被改动") || !ok.HasText("2026-01") {
		t.Errorf("valid receipt: %s", ok.Text())
	}
	up := visitor.SubmitFiles("/privacy/receipts/verify", "/privacy/receipts/verify", nil,
		webclient.File{Field: "file", Name: "receipt.json", ContentType: "application/json", Data: []byte(r.Body)}).Expect(http.StatusOK)
	if !up.HasText("有效") {
		t.Errorf("uploaded receipt: %s", up.Text())
	}
	m["policySha256"] = strings.Repeat("0", 64)
	tampered, _ := json.Marshal(m)
	bad := visitor.Submit("/privacy/receipts/verify", "/privacy/receipts/verify", url.Values{"receipt": {string(tampered)}})
	if bad.Status != http.StatusUnprocessableEntity || !bad.HasText("无效") || !bad.HasText("policySha256") {
		t.Errorf("tampered receipt = %d: %s", bad.Status, bad.Text())
	}
}

// Consent records are never updated or deleted by any HTTP path: registration,
// both steps of every change, the health page, the receipt and its verification run
// under a guard that fails on any UPDATE/DELETE of consent_records, on each dialect.
// policy: C2.2.3-4
func TestNoHTTPPathUpdatesOrDeletesConsentRecords(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		var mu sync.Mutex
		inserts := 0
		check := func(op string) func(*gorm.DB) {
			return func(tx *gorm.DB) {
				sql := strings.ToLower(strings.TrimSpace(tx.Statement.SQL.String()))
				if tx.Statement.Table != "consent_records" && !strings.Contains(sql, "consent_records") {
					return
				}
				if op == "create" {
					mu.Lock()
					inserts++
					mu.Unlock()
					return
				}
				if op == "raw" && !strings.HasPrefix(sql, "update") && !strings.HasPrefix(sql, "delete") {
					return
				}
				t.Errorf("%s issued on consent_records: %s", op, tx.Statement.SQL.String())
			}
		}
		cb := g.Callback()
		cb.Update().After("gorm:update").Register("test:consent_update", check("update"))
		cb.Delete().After("gorm:delete").Register("test:consent_delete", check("delete"))
		cb.Raw().After("gorm:raw").Register("test:consent_raw", check("raw"))
		cb.Create().After("gorm:create").Register("test:consent_create", check("create"))

		cfg, err := config.FromEnv(func(string) string { return "" })
		if err != nil {
			t.Fatal(err)
		}
		cfg.DataDir = t.TempDir()
		ta := startApp(t, cfg, g)
		consentPolicy(t, g, "2026-01")
		c := ta.registerPatient(t, "13800003005", "guarded_user")
		for _, p := range []string{models.PurposeMarketing, models.PurposeMarketing, models.PurposePersonalization, models.PurposeAnalytics} {
			changeThroughPages(t, c, p)
		}
		page := c.Get("/consents/health?next=/account")
		c.SubmitForm(page.Form("/consents/health"), url.Values{"decision": {"accept"}}).Expect(http.StatusSeeOther)
		changeThroughPages(t, c, models.PurposeHealthData)
		receipt := c.Get("/account/consents/receipt").Expect(http.StatusOK)
		c.Submit("/privacy/receipts/verify", "/privacy/receipts/verify", url.Values{"receipt": {receipt.Body}}).Expect(http.StatusOK)
		if inserts < 8 {
			t.Errorf("the guard saw %d inserts into consent_records; is it installed?", inserts)
		}
	})
}
