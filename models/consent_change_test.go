package models_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/notify"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/models"
)

// publishPolicy stores a published policy version in force since effective.
func publishPolicy(t *testing.T, g *gorm.DB, version string, effective time.Time) *models.PolicyVersion {
	t.Helper()
	eff := effective.UTC().Truncate(time.Microsecond)
	now := time.Now().UTC()
	pv := &models.PolicyVersion{Version: version, Status: models.PolicyPublished, Material: true,
		TitleZh: "隐私政策 " + version, TitleEn: "Privacy policy " + version, SummaryZh: "摘要", SummaryEn: "Summary",
		BodyZh: "正文 " + version, BodyEn: "Body " + version, EffectiveAt: &eff, CreatedAt: now, UpdatedAt: now, PublishedAt: &now}
	pv.SHA256 = pv.ComputeHash()
	if err := g.Create(pv).Error; err != nil {
		t.Fatal(err)
	}
	return pv
}

// consentsFixture is the consent domain on g with a real keyring (from a real
// Accounts) and the fixture clock.
func consentsFixture(t *testing.T, g *gorm.DB) (*models.Consents, *models.Accounts, *notify.Recorder, *fixtureClock) {
	t.Helper()
	a, rec, clock := accountsFixture(t, g)
	return models.NewConsents(g, a.Keys, clock.now), a, rec, clock
}

var webCC = models.ConsentContext{Channel: models.ChannelWeb, ClientIP: "192.0.2.0", UserAgent: "Firefox 140 on Linux"}

// change runs the two steps: the confirmation token, then the change.
func change(t *testing.T, c *models.Consents, uid int64, purpose string, grant bool) *models.ConsentRecord {
	t.Helper()
	ctx := context.Background()
	tok, err := c.ConfirmToken(ctx, uid, purpose, grant)
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.Change(ctx, uid, purpose, grant, tok, webCC)
	if err != nil {
		t.Fatalf("change %s to %v: %v", purpose, grant, err)
	}
	return r
}

func wantErrKey(t *testing.T, err error, kind models.Kind, key string) {
	t.Helper()
	e := models.AsError(err)
	if e == nil || e.Kind != kind || e.Key != key {
		t.Fatalf("error = %v, want %s %q", err, kind, key)
	}
}

func countRecords(t *testing.T, g *gorm.DB, where string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := g.Model(&models.ConsentRecord{}).Where(where, args...).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// Withdraw and grant: each change needs the confirmation token of exactly that
// change, takes effect at once, quotes the policy in force, and is a new row.
// policy: C2.2.3-3, C2.2.3-4
func TestConsentChangeNeedsConfirmationAndTakesEffectAtOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		c, _, _, _ := consentsFixture(t, g)
		pv := publishPolicy(t, g, "2026-01", time.Now().Add(-time.Hour))
		const uid = 41

		// No token, a made-up token, or the token of the other direction: nothing recorded.
		wrongWay, _ := c.ConfirmToken(ctx, uid, models.PurposeMarketing, false)
		for _, tok := range []string{"", strings.Repeat("0", 64), wrongWay} {
			_, err := c.Change(ctx, uid, models.PurposeMarketing, true, tok, webCC)
			wantErrKey(t, err, models.KindInvalid, "consent.confirm.required")
		}
		if n := countRecords(t, g, "user_id = ?", uid); n != 0 {
			t.Fatalf("%d records written without confirmation", n)
		}

		tok, _ := c.ConfirmToken(ctx, uid, models.PurposeMarketing, true)
		r, err := c.Change(ctx, uid, models.PurposeMarketing, true, tok, webCC)
		if err != nil || r == nil {
			t.Fatalf("grant: %v %v", r, err)
		}
		if r.Decision != models.DecisionAccepted || r.PolicyVersionID == nil || *r.PolicyVersionID != pv.ID || r.PolicySHA256 != pv.SHA256 ||
			r.Channel != models.ChannelWeb || r.ClientIP != "192.0.2.0" || r.UserAgent != "Firefox 140 on Linux" {
			t.Errorf("record = %+v", r)
		}
		if ok, _ := models.HasConsent(ctx, g, uid, models.PurposeMarketing, ""); !ok {
			t.Error("marketing not granted after the change")
		}
		// The token worked once: the decision it was bound to is no longer the newest.
		_, err = c.Change(ctx, uid, models.PurposeMarketing, true, tok, webCC)
		wantErrKey(t, err, models.KindInvalid, "consent.confirm.required")
		// Granting again changes nothing and writes nothing.
		if r := change(t, c, uid, models.PurposeMarketing, true); r != nil {
			t.Errorf("a repeated grant wrote %+v", r)
		}
		if r := change(t, c, uid, models.PurposeMarketing, false); r == nil || r.Decision != models.DecisionWithdrawn {
			t.Errorf("withdraw = %+v", r)
		}
		if ok, _ := models.HasConsent(ctx, g, uid, models.PurposeMarketing, ""); ok {
			t.Error("marketing still granted after the withdrawal")
		}
		// Turning off an opt-out purpose never granted explicitly is a decline.
		if r := change(t, c, uid, models.PurposePersonalization, false); r == nil || r.Decision != models.DecisionDeclined {
			t.Errorf("opt out = %+v", r)
		}
		// A first explicit answer is recorded even when it matches the default.
		if r := change(t, c, uid, models.PurposeAnalytics, true); r == nil || r.Decision != models.DecisionAccepted {
			t.Errorf("first explicit yes to an opt-out purpose = %+v", r)
		}
		if n := countRecords(t, g, "user_id = ?", uid); n != 4 {
			t.Errorf("records = %d, want 4", n)
		}
	})
}

// The required terms cannot be withdrawn on "My consents" (declining the policy
// means leaving the service); a notice-only purpose has nothing to change; purposes
// that are not listed there (per-doctor sharing) or unknown are NotFound.
func TestTermsAndNoticesCannotBeChangedHere(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		c, _, _, _ := consentsFixture(t, g)
		for _, grant := range []bool{false, true} {
			tok, _ := c.ConfirmToken(ctx, 5, models.PurposeTerms, grant)
			_, err := c.Change(ctx, 5, models.PurposeTerms, grant, tok, webCC)
			wantErrKey(t, err, models.KindForbidden, "consent.change.not_changeable.required")
			tok, _ = c.ConfirmToken(ctx, 5, models.PurposeLogistics, grant)
			_, err = c.Change(ctx, 5, models.PurposeLogistics, grant, tok, webCC)
			wantErrKey(t, err, models.KindForbidden, "consent.change.not_changeable.notice")
		}
		for _, p := range []string{models.PurposeDoctorSharing, "telepathy"} {
			if _, err := c.Change(ctx, 5, p, true, "", webCC); !models.IsNotFound(err) {
				t.Errorf("%s: %v, want NotFound", p, err)
			}
		}
		if n := countRecords(t, g, "user_id = 5"); n != 0 {
			t.Errorf("%d records written", n)
		}
	})
}

// A withdrawal's effects run in the transaction that records it: an effect that
// fails leaves no record, and an effect sees the record it belongs to.
func TestWithdrawalEffectsShareTheRecordTransaction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		c, _, _, _ := consentsFixture(t, g)
		const uid = 8
		change(t, c, uid, models.PurposeHealthData, true)
		boom := errors.New("grant store down")
		var sawRecord int64
		c.Effects = []models.WithdrawalEffect{func(ctx context.Context, tx *gorm.DB, userID int64, purpose string, at time.Time) error {
			tx.Model(&models.ConsentRecord{}).Where("user_id = ? AND decision = ?", userID, models.DecisionWithdrawn).Count(&sawRecord)
			return boom
		}}
		tok, _ := c.ConfirmToken(ctx, uid, models.PurposeHealthData, false)
		if _, err := c.Change(ctx, uid, models.PurposeHealthData, false, tok, webCC); !errors.Is(err, boom) {
			t.Fatalf("Change = %v, want the effect's error", err)
		}
		if sawRecord != 1 {
			t.Errorf("the effect saw %d withdrawal records, want 1 (same transaction)", sawRecord)
		}
		if ok, _ := models.HasConsent(ctx, g, uid, models.PurposeHealthData, ""); !ok {
			t.Error("withdrawal committed although its effect failed")
		}
		var calls []string
		c.Effects = []models.WithdrawalEffect{func(ctx context.Context, tx *gorm.DB, userID int64, purpose string, at time.Time) error {
			calls = append(calls, purpose)
			return nil
		}}
		change(t, c, uid, models.PurposeHealthData, false)
		change(t, c, uid, models.PurposeMarketing, true) // a grant runs no effect
		if strings.Join(calls, ",") != models.PurposeHealthData {
			t.Errorf("effects ran for %v", calls)
		}
		if ok, _ := models.HasConsent(ctx, g, uid, models.PurposeHealthData, ""); ok {
			t.Error("health consent still granted")
		}
	})
}

// History is derived per purpose, newest first, bounded; the page's states come
// from the newest decision, and notices shown are in the history but never decide.
func TestConsentOverviewHistory(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		c, _, _, clock := consentsFixture(t, g)
		pv := publishPolicy(t, g, "2026-01", time.Now().Add(-time.Hour))
		const uid = 12
		for i := range models.MaxConsentHistory + 5 {
			clock.advance(time.Second)
			change(t, c, uid, models.PurposeMarketing, i%2 == 0)
		}
		wrote, err := c.NoticeShown(ctx, uid, models.PurposeLogistics, webCC)
		if err != nil || !wrote {
			t.Fatalf("notice: %v %v", wrote, err)
		}
		// Once per policy version: showing the page again writes nothing.
		if wrote, _ := c.NoticeShown(ctx, uid, models.PurposeLogistics, webCC); wrote {
			t.Error("notice recorded twice under one policy version")
		}
		publishPolicy(t, g, "2026-02", time.Now().Add(-time.Minute))
		if wrote, _ := c.NoticeShown(ctx, uid, models.PurposeLogistics, webCC); !wrote {
			t.Error("notice not recorded under the new policy version")
		}
		views, err := c.Overview(ctx, uid)
		if err != nil {
			t.Fatal(err)
		}
		byKey := map[string]models.PurposeView{}
		for _, v := range views {
			byKey[v.Purpose.Key] = v
		}
		m := byKey[models.PurposeMarketing]
		if len(m.History) != models.MaxConsentHistory {
			t.Fatalf("history has %d rows, want the bound %d", len(m.History), models.MaxConsentHistory)
		}
		for i := 1; i < len(m.History); i++ {
			if m.History[i].ID >= m.History[i-1].ID {
				t.Fatal("history not newest first")
			}
		}
		// 25 toggles starting with a grant: the last (i=24) was a grant.
		if !m.Granted || m.Last.ID != m.History[0].ID {
			t.Errorf("marketing state = %v, last %d, newest %d", m.Granted, m.Last.ID, m.History[0].ID)
		}
		if m.Versions[pv.ID] != "2026-01" {
			t.Errorf("version labels = %v", m.Versions)
		}
		l := byKey[models.PurposeLogistics]
		if len(l.History) != 2 || l.Last != nil || !l.Granted {
			t.Errorf("logistics = %+v", l)
		}
		if len(views) != 7 {
			t.Errorf("%d purposes listed, want 7", len(views))
		}
	})
}

// Marketing goes out only with a current opt-in, checked through the notifier's
// hook: before the opt-in nothing, after it the message, after withdrawal nothing.
// policy: C2.2.3-3
func TestMarketingNeedsACurrentOptIn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		c, _, _, _ := consentsFixture(t, g)
		rec := notify.NewRecorder(nil)
		n := models.NewNotifier(g, rec, rec, nil)
		n.MarketingAllowed = models.MarketingConsent
		const uid = 77
		send := func() {
			for _, ch := range []notify.Channel{notify.Inbox, notify.SMS} {
				if err := n.Send(ctx, nil, uid, notify.Message{To: "13800007777", Subject: "Sale", Body: "10% off",
					Kind: notify.KindMarketing, Channel: ch}); err != nil {
					t.Fatal(err)
				}
			}
			if err := n.Send(ctx, nil, uid, notify.Message{Subject: "Maintenance", Body: "tonight", Kind: notify.KindService, Channel: notify.Inbox}); err != nil {
				t.Fatal(err)
			}
		}
		inbox := func() (marketing, service int64) {
			g.Model(&models.Notification{}).Where("user_id = ? AND kind = ?", uid, notify.KindMarketing).Count(&marketing)
			g.Model(&models.Notification{}).Where("user_id = ? AND kind = ?", uid, notify.KindService).Count(&service)
			return
		}
		smsCount := func() int {
			k := 0
			for _, m := range rec.Recent() {
				if m.To == "13800007777" {
					k++
				}
			}
			return k
		}
		send()
		if m, s := inbox(); m != 0 || s != 1 || smsCount() != 0 {
			t.Fatalf("before opt-in: marketing %d, service %d, sms %d", m, s, smsCount())
		}
		change(t, c, uid, models.PurposeMarketing, true)
		send()
		if m, _ := inbox(); m != 1 || smsCount() != 1 {
			t.Fatalf("after opt-in: marketing %d, sms %d", m, smsCount())
		}
		change(t, c, uid, models.PurposeMarketing, false)
		send()
		if m, s := inbox(); m != 1 || s != 3 || smsCount() != 1 {
			t.Fatalf("after withdrawal: marketing %d, service %d, sms %d (service notices continue)", m, s, smsCount())
		}
	})
}

// Registration appends the terms acceptance in the registration transaction,
// quoting the policy version in force and its hash, the channel, truncated IP
// and browser summary; the account's TermsVersion is that version.
// policy: C6.1
func TestRegistrationRecordsTermsAcceptance(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		a, rec, _ := accountsFixture(t, g)
		publishPolicy(t, g, "2025-06", time.Now().Add(-48*time.Hour))
		pv := publishPolicy(t, g, "2026-01", time.Now().Add(-time.Hour))
		publishPolicy(t, g, "2026-09", time.Now().Add(30*24*time.Hour)) // not in force yet
		if err := a.SendCode(ctx, models.PurposeRegister, "13800006666", "zh-CN"); err != nil {
			t.Fatal(err)
		}
		cc := models.ConsentContext{ClientIP: "198.51.100.0", UserAgent: "Chrome 140 on Android"}
		u, err := a.Register(ctx, models.Registration{Contact: "13800006666", Code: sentCode(t, rec, "13800006666"),
			Username: "terms_user", Password: "correct horse battery", Agree: true, Consent: cc},
			models.AuditContext{ActorKind: models.ActorAnonymous, RequestID: "r"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var rows []models.ConsentRecord
		g.Where("user_id = ?", u.ID).Find(&rows)
		if len(rows) != 1 {
			t.Fatalf("records = %+v", rows)
		}
		r := rows[0]
		if r.Purpose != models.PurposeTerms || r.Decision != models.DecisionAccepted || r.PolicyVersionID == nil || *r.PolicyVersionID != pv.ID ||
			r.PolicySHA256 != pv.SHA256 || len(r.PolicySHA256) != 64 || r.Channel != models.ChannelRegistration ||
			r.ClientIP != "198.51.100.0" || r.UserAgent != "Chrome 140 on Android" {
			t.Errorf("terms record = %+v", r)
		}
		if u.TermsVersion != "2026-01" {
			t.Errorf("TermsVersion = %q", u.TermsVersion)
		}
		if ok, err := models.AcceptedPolicySince(ctx, g, u.ID, pv); !ok || err != nil {
			t.Errorf("AcceptedPolicySince = %v, %v", ok, err)
		}
		// A registration that fails (the code is used up) leaves no consent record.
		if _, err := a.Register(ctx, models.Registration{Contact: "13800006666", Code: "000000", Username: "other_user",
			Password: "correct horse battery", Agree: true}, models.AuditContext{ActorKind: models.ActorAnonymous}, nil); err == nil {
			t.Fatal("second registration succeeded")
		}
		if n := countRecords(t, g, "purpose = ?", models.PurposeTerms); n != 1 {
			t.Errorf("terms records = %d", n)
		}
	})
}

// guardConsentRecords fails the test on any UPDATE or DELETE statement GORM
// issues against consent_records (model, table or raw SQL): the triggers would
// refuse it anyway; this proves no code path even tries.
func guardConsentRecords(t *testing.T, g *gorm.DB) *int {
	t.Helper()
	var mu sync.Mutex
	seen := new(int)
	check := func(op string) func(*gorm.DB) {
		return func(tx *gorm.DB) {
			sql := strings.ToLower(tx.Statement.SQL.String())
			if tx.Statement.Table == "consent_records" || strings.Contains(sql, "consent_records") {
				if op == "raw" && !strings.HasPrefix(strings.TrimSpace(sql), "update") && !strings.HasPrefix(strings.TrimSpace(sql), "delete") {
					return
				}
				t.Errorf("%s issued on consent_records: %s", op, tx.Statement.SQL.String())
			}
		}
	}
	cb := g.Callback()
	if err := cb.Update().After("gorm:update").Register("test:consent_no_update", check("update")); err != nil {
		t.Fatal(err)
	}
	if err := cb.Delete().After("gorm:delete").Register("test:consent_no_delete", check("delete")); err != nil {
		t.Fatal(err)
	}
	if err := cb.Raw().After("gorm:raw").Register("test:consent_no_raw", check("raw")); err != nil {
		t.Fatal(err)
	}
	creates := func(tx *gorm.DB) {
		if tx.Statement.Table == "consent_records" {
			mu.Lock()
			*seen++
			mu.Unlock()
		}
	}
	if err := cb.Create().After("gorm:create").Register("test:consent_creates", creates); err != nil {
		t.Fatal(err)
	}
	return seen
}

// Consent records are never updated or deleted by any code path: the whole flow
// (registration, grants, withdrawals with effects, notices, history, receipts)
// runs under a guard that fails on any UPDATE/DELETE of consent_records.
// policy: C2.2.3-4
func TestNoCodePathUpdatesOrDeletesConsentRecords(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		inserts := guardConsentRecords(t, g)
		c, a, rec, clock := consentsFixture(t, g)
		publishPolicy(t, g, "2026-01", time.Now().Add(-time.Hour))
		if err := a.SendCode(ctx, models.PurposeRegister, "13800004444", "en"); err != nil {
			t.Fatal(err)
		}
		u, err := a.Register(ctx, models.Registration{Contact: "13800004444", Code: sentCode(t, rec, "13800004444"),
			Username: "guarded", Password: "correct horse battery", Agree: true}, models.AuditContext{ActorKind: models.ActorAnonymous}, nil)
		if err != nil {
			t.Fatal(err)
		}
		c.Effects = []models.WithdrawalEffect{func(context.Context, *gorm.DB, int64, string, time.Time) error { return nil }}
		for _, p := range []string{models.PurposeHealthData, models.PurposeMarketing} {
			change(t, c, u.ID, p, true)
			clock.advance(time.Second)
			change(t, c, u.ID, p, false)
		}
		change(t, c, u.ID, models.PurposePersonalization, false)
		change(t, c, u.ID, models.PurposeAnalytics, false)
		c.NoticeShown(ctx, u.ID, models.PurposeLogistics, webCC)
		if _, err := c.Overview(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		r := receiptsFixture(a, clock)
		file, _, err := r.Issue(ctx, u.ID, "en")
		if err != nil {
			t.Fatal(err)
		}
		if chk := r.Verify(file); !chk.Valid {
			t.Fatalf("receipt: %+v", chk)
		}
		if *inserts < 8 {
			t.Errorf("the guard saw %d inserts; is it installed?", *inserts)
		}
	})
}
