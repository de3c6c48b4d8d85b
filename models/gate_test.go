package models_test

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/models"
)

// publish stores a published version directly (the authoring UI is elsewhere), with
// its hash, effective at eff.
func publish(t *testing.T, g *gorm.DB, label string, material bool, eff time.Time) *models.PolicyVersion {
	t.Helper()
	eff = eff.UTC().Truncate(time.Microsecond)
	now := time.Now().UTC()
	v := &models.PolicyVersion{Version: label, Status: models.PolicyPublished, Material: material,
		TitleZh: "隐私政策 " + label, TitleEn: "Privacy policy " + label,
		SummaryZh: "变更摘要 " + label, SummaryEn: "Summary " + label,
		BodyZh: "正文 " + label, BodyEn: "Body " + label,
		EffectiveAt: &eff, CreatedAt: now, UpdatedAt: now, PublishedAt: &now}
	v.SHA256 = v.ComputeHash()
	if err := g.Create(v).Error; err != nil {
		t.Fatalf("publish %s: %v", label, err)
	}
	return v
}

// decide appends a terms record of userID on v.
func decide(t *testing.T, g *gorm.DB, userID int64, v *models.PolicyVersion, decision string) {
	t.Helper()
	if _, err := models.RecordConsent(g, userID, models.PurposeTerms, "", decision, v, models.ConsentContext{Channel: models.ChannelWeb}, time.Now()); err != nil {
		t.Fatal(err)
	}
}

// The gate stops a user who has not accepted the newest material version in force
// (or a later one), shows a notice for a newer minor version until it is accepted or
// dismissed, and ignores versions not yet in force.
// policy: C6.1
func TestGateDecidesFromTheNewestMaterialVersion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		now := time.Now().UTC()
		pol := &models.Policies{DB: g, Now: func() time.Time { return now }}
		check := func(user int64) models.GateCheck {
			t.Helper()
			gc, err := pol.Gate(ctx, user)
			if err != nil {
				t.Fatal(err)
			}
			return gc
		}
		if gc := check(1); gc.Block != nil || gc.Notice != nil {
			t.Fatalf("no policy yet: %+v", gc)
		}
		v1 := publish(t, g, "v1", true, now.Add(-30*24*time.Hour))
		v2 := publish(t, g, "v2", false, now.Add(-10*24*time.Hour))
		v3 := publish(t, g, "v3", true, now.Add(-24*time.Hour))
		publish(t, g, "v4", true, now.Add(24*time.Hour)) // not in force yet

		decide(t, g, 1, v1, models.DecisionAccepted)
		decide(t, g, 1, v2, models.DecisionNoticeShown)
		decide(t, g, 2, v3, models.DecisionAccepted)
		decide(t, g, 3, v3, models.DecisionDeclined)
		if gc := check(1); gc.Block == nil || gc.Block.ID != v3.ID || gc.Notice != nil {
			t.Fatalf("user 1 accepted v1 only: %+v", gc)
		}
		if gc := check(1); !gc.Block.EffectiveAt.Equal(*v3.EffectiveAt) || gc.Block.Version != "v3" || !gc.Block.Material {
			t.Fatalf("blocking version read back wrong: %+v", gc.Block)
		}
		if gc := check(2); gc.Block != nil || gc.Notice != nil {
			t.Fatalf("user 2 accepted v3: %+v", gc)
		}
		if gc := check(3); gc.Block == nil {
			t.Fatalf("user 3 declined v3 and must still be stopped: %+v", gc)
		}

		// A minor v5 after v3: a notice for user 2 until dismissed; user 1 still blocked.
		v5 := publish(t, g, "v5", false, now.Add(-time.Hour))
		if gc := check(2); gc.Block != nil || gc.Notice == nil || gc.Notice.ID != v5.ID {
			t.Fatalf("user 2 after minor v5: %+v", gc)
		}
		if gc := check(1); gc.Block == nil || gc.Block.ID != v3.ID {
			t.Fatalf("user 1 after minor v5: %+v", gc)
		}
		if err := pol.NoticeSeen(ctx, 2, v5.ID, models.ConsentContext{Channel: models.ChannelWeb}); err != nil {
			t.Fatal(err)
		}
		if gc := check(2); gc.Block != nil || gc.Notice != nil {
			t.Fatalf("user 2 dismissed the v5 notice: %+v", gc)
		}
		// Accepting the current (minor) version also satisfies the material one before it.
		actx := models.AuditContext{ActorKind: models.ActorPatient, ActorID: 1}
		if err := pol.DecidePolicy(ctx, 1, v3.ID, models.DecisionAccepted, models.ConsentContext{Channel: models.ChannelGate}, actx); err != models.ErrNotInForce {
			t.Fatalf("accepting a version that is no longer current: %v", err)
		}
		if err := pol.DecidePolicy(ctx, 1, v5.ID, models.DecisionAccepted, models.ConsentContext{Channel: models.ChannelGate}, actx); err != nil {
			t.Fatal(err)
		}
		if gc := check(1); gc.Block != nil || gc.Notice != nil {
			t.Fatalf("user 1 accepted v5: %+v", gc)
		}
		var audits int64
		g.Model(&models.AuditEntry{}).Where("action = ? AND actor_id = ?", models.AuditPolicyAccept, 1).Count(&audits)
		if audits != 1 {
			t.Fatalf("audit rows for the acceptance: %d", audits)
		}
		last, err := pol.LastAccepted(ctx, 1)
		if err != nil || last == nil || last.ID != v5.ID {
			t.Fatalf("last accepted of user 1: %+v %v", last, err)
		}
		prev, err := pol.Previous(ctx, v5)
		if err != nil || prev == nil || prev.ID != v3.ID {
			t.Fatalf("published before v5: %+v %v", prev, err)
		}
	})
}

// Two versions that take effect at the same instant are ordered by id, as Current
// orders them: accepting the first does not accept the second (the demo publishes its
// revision at the initial policy's instant).
// policy: C6.1
func TestGateOrdersVersionsOfTheSameInstant(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		now := time.Now().UTC()
		pol := &models.Policies{DB: g, Now: func() time.Time { return now }}
		at := now.Add(-time.Hour)
		a := publish(t, g, "a", true, at)
		b := publish(t, g, "b", true, at)
		decide(t, g, 101, a, models.DecisionAccepted)
		decide(t, g, 102, b, models.DecisionAccepted)
		if gc, err := pol.Gate(ctx, 101); err != nil || gc.Block == nil || gc.Block.ID != b.ID {
			t.Fatalf("accepted the earlier of two same-instant versions: %+v %v", gc, err)
		}
		if gc, err := pol.Gate(ctx, 102); err != nil || gc.Block != nil {
			t.Fatalf("accepted the later one: %+v %v", gc, err)
		}
		st, err := models.ConsentStatistics(ctx, g)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range st.Versions { // no active users exist: 101 and 102 are bare records
			if v.Pending != 0 || v.Accepted != 0 {
				t.Errorf("version %s counted users that do not exist: %+v", v.Version, v)
			}
		}
		u1 := addUser(t, g, models.KindPatient, models.StatusActive)
		u2 := addUser(t, g, models.KindPatient, models.StatusActive)
		decide(t, g, u1, a, models.DecisionAccepted)
		decide(t, g, u1, b, models.DecisionDeclined)
		decide(t, g, u2, b, models.DecisionAccepted)
		if st, err = models.ConsentStatistics(ctx, g); err != nil {
			t.Fatal(err)
		}
		got := map[string][3]int64{}
		for _, v := range st.Versions {
			got[v.Version] = [3]int64{v.Accepted, v.Pending, v.Declined}
		}
		if got["b"] != [3]int64{1, 1, 1} || got["a"] != [3]int64{1, 0, 0} {
			t.Errorf("same-instant versions: %v", got)
		}
	})
}

// The gate costs at most two statements per signed-in request.
func TestGateRunsAtMostTwoStatements(t *testing.T) {
	g := dbtest.SQLite(t)
	now := time.Now().UTC()
	publish(t, g, "v1", true, now.Add(-time.Hour))
	cg, n := dbtest.CountQueries(t, g)
	pol := &models.Policies{DB: cg, Now: func() time.Time { return now }}
	for i := 0; i < 20; i++ {
		decide(t, g, 5, &models.PolicyVersion{ID: 1}, models.DecisionNoticeShown)
	}
	n.Reset()
	if _, err := pol.Gate(context.Background(), 5); err != nil {
		t.Fatal(err)
	}
	if n.N() != 2 {
		t.Fatalf("gate ran %d statements:\n%s", n.N(), n)
	}
}
