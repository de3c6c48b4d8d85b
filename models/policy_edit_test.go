package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/models"
)

// Staff ids of the two officers in these tests (policy versions do not reference
// users by foreign key: the author of the initial policy is 0, the system).
const officer1, officer2 = int64(101), int64(102)

func officer(id int64) models.AuditContext {
	return models.AuditContext{ActorKind: models.ActorStaff, ActorID: id, RequestID: "test"}
}

func policyDraftInput(label string) models.PolicyInput {
	return models.PolicyInput{Version: label, Material: true,
		TitleZh: "隐私政策", TitleEn: "Privacy policy",
		SummaryZh: "新增按医生共享。", SummaryEn: "Adds per-doctor sharing.",
		BodyZh: "## 一、收集\r\n\r\n我们收集账号信息。", BodyEn: "## 1. What we collect\r\n\r\nAccount data."}
}

func newPolicies(g *gorm.DB, now *time.Time) *models.Policies {
	return &models.Policies{DB: g, Now: func() time.Time { return *now }}
}

func auditCount(t *testing.T, g *gorm.DB, action, outcome string) int64 {
	t.Helper()
	var n int64
	if err := g.Model(&models.AuditEntry{}).Where("action = ? AND outcome = ?", action, outcome).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// A draft is edited freely; the label is unique; every problem of a form comes back
// at once; CRLF from a browser is stored as LF.
// policy: C6.1
func TestPolicyDraftEditing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		now := time.Now()
		ps := newPolicies(g, &now)
		v, err := ps.CreateDraft(ctx, policyDraftInput("2026-12"), officer(officer1))
		if err != nil {
			t.Fatal(err)
		}
		if v.Status != models.PolicyDraft || v.CreatedBy != officer1 || strings.Contains(v.BodyZh, "\r") || v.EffectiveAt != nil {
			t.Fatalf("draft: %+v", v)
		}
		in := policyDraftInput("2026-12")
		in.TitleEn = "Privacy policy (revised)"
		in.Effective = now.Add(48 * time.Hour).In(models.ChinaTime).Format("2006-01-02T15:04")
		if _, err := ps.UpdateDraft(ctx, v.ID, in, officer(officer2)); err != nil {
			t.Fatal(err)
		}
		got, _ := ps.Get(ctx, v.ID)
		if got.TitleEn != "Privacy policy (revised)" || got.EffectiveAt == nil || models.FormatBeijing(got.EffectiveAt) != in.Effective {
			t.Fatalf("after edit: %+v", got)
		}

		// Every problem at once: bad label, past date, overlong title.
		bad := policyDraftInput("bad label!")
		bad.Effective = "2020-01-01T00:00"
		bad.TitleZh = strings.Repeat("长", models.MaxPolicyTitle+1)
		_, err = ps.UpdateDraft(ctx, v.ID, bad, officer(officer1))
		fields := models.FieldErrors(err)
		for _, f := range []string{"version", "effective", "title_zh"} {
			if fields[f] == nil {
				t.Errorf("no problem reported for %s: %v", f, err)
			}
		}
		if _, err := ps.CreateDraft(ctx, policyDraftInput("2026-12"), officer(officer1)); models.FieldErrors(err)["version"] == nil ||
			models.FieldErrors(err)["version"].Key != "policy.error.version_taken" {
			t.Fatalf("duplicate label: %v", err)
		}
		if n := auditCount(t, g, "policy.create", models.OutcomeSuccess); n != 1 {
			t.Errorf("%d policy.create audit rows, want 1", n)
		}
		if n := auditCount(t, g, "policy.edit", models.OutcomeSuccess); n != 1 {
			t.Errorf("%d policy.edit audit rows, want 1", n)
		}
	})
}

// The two-person rule: the author (or anyone who edited or submitted) cannot
// approve; a second officer can. Publishing stores the hash of the exact texts.
// Once published, no operation changes the version; a new version starts from a copy.
// policy: C6.1, C4.1-5
func TestPolicyTwoPersonPublishAndImmutability(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		now := time.Now()
		ps := newPolicies(g, &now)
		v, err := ps.CreateDraft(ctx, policyDraftInput("2026-12"), officer(officer1))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ps.Publish(ctx, v.ID, true, officer(officer2)); !errors.Is(err, models.ErrPolicyNotPending) {
			t.Fatalf("publishing an unsubmitted draft: %v", err)
		}
		// An incomplete draft cannot be submitted; every missing text is named.
		in := policyDraftInput("2026-12")
		in.BodyEn, in.SummaryZh = "", ""
		if _, err := ps.UpdateDraft(ctx, v.ID, in, officer(officer1)); err != nil {
			t.Fatal(err)
		}
		fields := models.FieldErrors(func() error { _, err := ps.Submit(ctx, v.ID, officer(officer1)); return err }())
		if fields["body_en"] == nil || fields["summary_zh"] == nil {
			t.Fatalf("submit of an incomplete draft: %v", fields)
		}
		if _, err := ps.UpdateDraft(ctx, v.ID, policyDraftInput("2026-12"), officer(officer1)); err != nil {
			t.Fatal(err)
		}
		if _, err := ps.Submit(ctx, v.ID, officer(officer1)); err != nil {
			t.Fatal(err)
		}
		if _, err := ps.UpdateDraft(ctx, v.ID, policyDraftInput("2026-12"), officer(officer2)); !errors.Is(err, models.ErrPolicyPending) {
			t.Fatalf("editing a pending version: %v", err)
		}
		if _, err := ps.Publish(ctx, v.ID, true, officer(officer1)); !errors.Is(err, models.ErrPolicyOwnApproval) {
			t.Fatalf("the author approving: %v", err)
		}
		if n := auditCount(t, g, "policy.publish", models.OutcomeDenied); n != 1 {
			t.Errorf("%d denied policy.publish rows, want 1", n)
		}
		pub, err := ps.Publish(ctx, v.ID, true, officer(officer2))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := ps.GetPublished(ctx, v.ID)
		if got.SHA256 == "" || got.SHA256 != got.ComputeHash() || pub.SHA256 != got.SHA256 {
			t.Fatalf("stored hash %q, recomputed %q", got.SHA256, got.ComputeHash())
		}
		if *got.ApprovedBy != officer2 || *got.SubmittedBy != officer1 || got.EffectiveAt == nil || got.EffectiveAt.After(now) || got.PublishedAt == nil {
			t.Fatalf("published: %+v", got)
		}
		// Any change of any text, the flag, the label or the date changes the hash.
		for name, change := range map[string]func(*models.PolicyVersion){
			"version": func(v *models.PolicyVersion) { v.Version += "x" }, "material": func(v *models.PolicyVersion) { v.Material = !v.Material },
			"effective": func(v *models.PolicyVersion) { t := v.EffectiveAt.Add(time.Second); v.EffectiveAt = &t },
			"title_zh":  func(v *models.PolicyVersion) { v.TitleZh += "。" }, "title_en": func(v *models.PolicyVersion) { v.TitleEn += "." },
			"summary_zh": func(v *models.PolicyVersion) { v.SummaryZh += "。" }, "summary_en": func(v *models.PolicyVersion) { v.SummaryEn += "." },
			"body_zh": func(v *models.PolicyVersion) { v.BodyZh += "。" }, "body_en": func(v *models.PolicyVersion) { v.BodyEn += "." },
		} {
			c := *got
			change(&c)
			if c.ComputeHash() == got.SHA256 {
				t.Errorf("changing %s keeps the hash", name)
			}
		}

		// Published is final: every editing operation is refused and nothing changes.
		before := *got
		if _, err := ps.UpdateDraft(ctx, v.ID, policyDraftInput("2026-12"), officer(officer2)); !errors.Is(err, models.ErrPolicyPublished) {
			t.Errorf("edit of a published version: %v", err)
		}
		if _, err := ps.Submit(ctx, v.ID, officer(officer2)); !errors.Is(err, models.ErrPolicyPublished) {
			t.Errorf("submit of a published version: %v", err)
		}
		if _, err := ps.ReturnToDraft(ctx, v.ID, officer(officer2)); !errors.Is(err, models.ErrPolicyPublished) {
			t.Errorf("return to draft of a published version: %v", err)
		}
		if _, err := ps.Publish(ctx, v.ID, false, officer(officer2)); !errors.Is(err, models.ErrPolicyPublished) {
			t.Errorf("publishing again: %v", err)
		}
		after, _ := ps.Get(ctx, v.ID)
		if after.SHA256 != before.SHA256 || after.ComputeHash() != before.SHA256 || !after.UpdatedAt.Equal(before.UpdatedAt) || after.Status != models.PolicyPublished {
			t.Fatalf("published version changed: %+v", after)
		}
		if n := auditCount(t, g, "policy.edit", models.OutcomeDenied); n != 1 {
			t.Errorf("%d denied policy.edit rows, want 1", n)
		}

		// A new version starts as a copy of the texts.
		cp, err := ps.CopyAsDraft(ctx, v.ID, "2027-01", officer(officer2))
		if err != nil {
			t.Fatal(err)
		}
		if cp.Status != models.PolicyDraft || cp.BodyZh != got.BodyZh || cp.BodyEn != got.BodyEn || cp.SummaryEn != "" || !cp.Material || cp.CreatedBy != officer2 {
			t.Fatalf("copy: %+v", cp)
		}
		if _, err := ps.CopyAsDraft(ctx, v.ID, "2027-01", officer(officer2)); models.FieldErrors(err)["version"] == nil {
			t.Fatalf("copy to a taken label: %v", err)
		}
		// Someone who only edited a version (not its author or submitter) cannot
		// approve it either: the audit log names every writer.
		in = policyDraftInput("2027-01")
		if _, err := ps.UpdateDraft(ctx, cp.ID, in, officer(officer1)); err != nil {
			t.Fatal(err)
		}
		const officer3 = int64(103)
		if _, err := ps.Submit(ctx, cp.ID, officer(officer3)); err != nil {
			t.Fatal(err)
		}
		for _, o := range []int64{officer1, officer2, officer3} {
			if _, err := ps.Publish(ctx, cp.ID, true, officer(o)); !errors.Is(err, models.ErrPolicyOwnApproval) {
				t.Errorf("writer %d approving: %v", o, err)
			}
		}
		if _, err := ps.ReturnToDraft(ctx, cp.ID, officer(officer3)); err != nil {
			t.Fatal(err)
		}
		if r, err := models.VerifyAudit(ctx, g); err != nil || !r.OK {
			t.Fatalf("audit chain: %+v %v", r, err)
		}
	})
}

// With PORTAL_POLICY_TWO_PERSON off one officer publishes their own draft directly.
// Effective dates: none means on publication; a minor version whose date passed
// takes effect at once; a material version may not take effect in the past.
// policy: C6.1
func TestPolicySingleOfficerAndEffectiveDates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		now := time.Now()
		ps := newPolicies(g, &now)
		future := now.Add(2 * time.Hour)
		in := policyDraftInput("2026-12")
		in.Effective = future.In(models.ChinaTime).Format("2006-01-02T15:04")
		v, err := ps.CreateDraft(ctx, in, officer(officer1))
		if err != nil {
			t.Fatal(err)
		}
		// Three hours later the material version's date has passed: refused.
		now = now.Add(3 * time.Hour)
		if _, err := ps.Publish(ctx, v.ID, false, officer(officer1)); models.FieldErrors(err)["effective"] == nil {
			t.Fatalf("publishing a material version effective in the past: %v", err)
		}
		in.Effective = ""
		if _, err := ps.UpdateDraft(ctx, v.ID, in, officer(officer1)); err != nil {
			t.Fatal(err)
		}
		pub, err := ps.Publish(ctx, v.ID, false, officer(officer1))
		if err != nil {
			t.Fatalf("single-officer publish: %v", err)
		}
		if pub.EffectiveAt == nil || now.Sub(*pub.EffectiveAt) > time.Second || *pub.ApprovedBy != officer1 {
			t.Fatalf("published: %+v", pub)
		}

		// A minor version submitted with a date that passes before approval starts at once.
		minor := policyDraftInput("2026-12.1")
		minor.Material = false
		minor.Effective = now.Add(time.Hour).In(models.ChinaTime).Format("2006-01-02T15:04")
		m, err := ps.CreateDraft(ctx, minor, officer(officer1))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ps.Submit(ctx, m.ID, officer(officer1)); err != nil {
			t.Fatal(err)
		}
		now = now.Add(2 * time.Hour)
		mp, err := ps.Publish(ctx, m.ID, true, officer(officer2))
		if err != nil {
			t.Fatal(err)
		}
		if !mp.EffectiveAt.Equal(now.UTC().Truncate(time.Second)) {
			t.Fatalf("minor effective %v, want now %v", mp.EffectiveAt, now)
		}
		got, _ := ps.Get(ctx, m.ID)
		if got.SHA256 != got.ComputeHash() {
			t.Fatal("stored hash does not match the stored texts")
		}
		cur, err := ps.Current(ctx)
		if err != nil || cur == nil || cur.ID != m.ID {
			t.Fatalf("current: %+v %v", cur, err)
		}
		lm, _ := ps.LatestMaterial(ctx)
		if lm == nil || lm.ID != v.ID {
			t.Fatalf("latest material: %+v", lm)
		}
	})
}

// History lists published versions only, newest effective date first, with a
// version scheduled for the future at the top; drafts never appear.
// policy: C6.1, C6.2
func TestPolicyHistoryOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		now := time.Now()
		ps := newPolicies(g, &now)
		first, err := models.EnsureInitialPolicy(ctx, g, now.Add(-72*time.Hour))
		if err != nil || first == nil {
			t.Fatalf("initial: %v", err)
		}
		publish := func(label string, material bool, eff string) *models.PolicyVersion {
			in := policyDraftInput(label)
			in.Material, in.Effective = material, eff
			v, err := ps.CreateDraft(ctx, in, officer(officer1))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ps.Submit(ctx, v.ID, officer(officer1)); err != nil {
				t.Fatal(err)
			}
			if v, err = ps.Publish(ctx, v.ID, true, officer(officer2)); err != nil {
				t.Fatal(err)
			}
			return v
		}
		minor := publish("2026-02", false, "")
		upcoming := publish("2026-03", true, now.Add(7*24*time.Hour).In(models.ChinaTime).Format("2006-01-02T15:04"))
		if _, err := ps.CreateDraft(ctx, policyDraftInput("draft-only"), officer(officer1)); err != nil {
			t.Fatal(err)
		}
		h, err := ps.History(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var labels []string
		for _, v := range h {
			labels = append(labels, v.Version)
		}
		if strings.Join(labels, ",") != "2026-03,2026-02,2026-01" {
			t.Fatalf("history %v", labels)
		}
		if h[0].Effective(now) || !h[1].Effective(now) || h[0].ID != upcoming.ID || h[1].ID != minor.ID {
			t.Fatalf("upcoming/current wrong: %+v", h[:2])
		}
		if cur, _ := ps.Current(ctx); cur == nil || cur.ID != minor.ID {
			t.Fatalf("current = %+v, want the minor version", cur)
		}
		if all, _ := ps.All(ctx); len(all) != 4 {
			t.Fatalf("console list has %d versions, want 4", len(all))
		}
	})
}

// A fresh installation publishes the shipped policy once; later starts (and a
// second server starting at the same time) change nothing.
// policy: C6.1
func TestEnsureInitialPolicyIsIdempotent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		now := time.Now()
		v, err := models.EnsureInitialPolicy(ctx, g, now)
		if err != nil || v == nil {
			t.Fatalf("first run: %v", err)
		}
		if v.Version != models.InitialPolicyVersion || !v.Material || v.CreatedBy != 0 || v.SHA256 != v.ComputeHash() ||
			!strings.Contains(v.BodyZh, "用户协议") || !strings.Contains(v.BodyEn, "User agreement") {
			t.Fatalf("initial policy: %+v", v)
		}
		for range 2 {
			again, err := models.EnsureInitialPolicy(ctx, g, now.Add(time.Hour))
			if err != nil || again != nil {
				t.Fatalf("second run: %+v %v", again, err)
			}
		}
		var n int64
		g.Model(&models.PolicyVersion{}).Count(&n)
		if n != 1 || auditCount(t, g, "policy.publish", models.OutcomeSuccess) != 1 {
			t.Fatalf("%d versions after three runs", n)
		}
		ps := newPolicies(g, &now)
		cur, err := ps.Current(ctx)
		if err != nil || cur == nil || cur.ID != v.ID {
			t.Fatalf("current: %+v %v", cur, err)
		}
		init, err := ps.InitialPolicy(ctx)
		if err != nil || init.ID != v.ID {
			t.Fatalf("InitialPolicy: %+v %v", init, err)
		}
		stored, _ := ps.Get(ctx, v.ID)
		if stored.SHA256 != stored.ComputeHash() {
			t.Fatal("stored hash differs from the recomputed one after a round trip")
		}
	})
}
