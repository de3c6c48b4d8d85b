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

// addUser stores a bare account row of kind and status (the statistics read no more).
func addUser(t *testing.T, g *gorm.DB, kind, status string) int64 {
	t.Helper()
	now := time.Now().UTC()
	u := &models.User{Kind: kind, Status: status, Lang: "zh-CN", CreatedAt: now, UpdatedAt: now}
	if err := g.Create(u).Error; err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// The dashboard's numbers for a small fixture: acceptance, pending and declines per
// version among active users, opt-in rates among active patients — a locked account
// and non-patients do not count where they must not.
// policy: C4.1-4 (aggregates only)
func TestConsentStatistics(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		now := time.Now().UTC()
		v1 := publish(t, g, "v1", true, now.Add(-30*24*time.Hour))
		v2 := publish(t, g, "v2", true, now.Add(-24*time.Hour))
		v3 := publish(t, g, "v3", false, now.Add(10*24*time.Hour)) // upcoming

		p1 := addUser(t, g, models.KindPatient, models.StatusActive)
		p2 := addUser(t, g, models.KindPatient, models.StatusActive)
		p3 := addUser(t, g, models.KindPatient, models.StatusActive)
		d1 := addUser(t, g, models.KindDoctor, models.StatusActive)
		addUser(t, g, models.KindStaff, models.StatusActive) // has decided nothing
		l1 := addUser(t, g, models.KindPatient, models.StatusLocked)

		decide(t, g, p1, v1, models.DecisionAccepted)
		decide(t, g, p1, v2, models.DecisionAccepted)
		decide(t, g, p2, v1, models.DecisionDeclined) // declined, then accepted: not a pending decline
		decide(t, g, p2, v1, models.DecisionAccepted)
		decide(t, g, p2, v2, models.DecisionDeclined)
		decide(t, g, p3, v2, models.DecisionAccepted)
		decide(t, g, d1, v1, models.DecisionAccepted)
		decide(t, g, l1, v1, models.DecisionAccepted)
		decide(t, g, l1, v2, models.DecisionAccepted)

		purpose := func(user int64, key, decision string) {
			t.Helper()
			if _, err := models.RecordConsent(g, user, key, "", decision, v2, models.ConsentContext{Channel: models.ChannelWeb}, now); err != nil {
				t.Fatal(err)
			}
		}
		purpose(p1, models.PurposeMarketing, models.DecisionAccepted)
		purpose(p1, models.PurposeMarketing, models.DecisionNoticeShown) // not a decision
		purpose(p2, models.PurposeMarketing, models.DecisionAccepted)
		purpose(p2, models.PurposeMarketing, models.DecisionWithdrawn)
		purpose(p1, models.PurposeAnalytics, models.DecisionDeclined)
		purpose(l1, models.PurposeAnalytics, models.DecisionDeclined) // locked: not counted
		purpose(p3, models.PurposeHealthData, models.DecisionAccepted)
		purpose(d1, models.PurposeHealthData, models.DecisionAccepted) // a doctor: not a patient
		if _, err := models.RecordConsent(g, p3, models.PurposeMarketing, "c-1", models.DecisionAccepted, nil, models.ConsentContext{}, now); err != nil {
			t.Fatal(err) // a scoped record is not the purpose as a whole
		}

		cg, n := dbtest.CountQueries(t, g)
		st, err := models.ConsentStatistics(ctx, cg)
		if err != nil {
			t.Fatal(err)
		}
		if n.N() != 6 {
			t.Errorf("statistics ran %d statements, want 6:\n%s", n.N(), n)
		}
		if st.ActiveUsers != 5 || st.ActivePatients != 3 {
			t.Fatalf("active users %d, patients %d; want 5 and 3", st.ActiveUsers, st.ActivePatients)
		}
		want := map[int64][3]int64{ // accepted, pending, declined
			v3.ID: {0, 5, 0},
			v2.ID: {2, 3, 1},
			v1.ID: {3, 1, 0},
		}
		if len(st.Versions) != 3 || st.Versions[0].ID != v3.ID || st.Versions[2].ID != v1.ID {
			t.Fatalf("versions not newest first: %+v", st.Versions)
		}
		for _, v := range st.Versions {
			if got := [3]int64{v.Accepted, v.Pending, v.Declined}; got != want[v.ID] {
				t.Errorf("version %s: accepted/pending/declined %v, want %v", v.Version, got, want[v.ID])
			}
		}
		if !st.Versions[1].EffectiveAt.Equal(*v2.EffectiveAt) || !st.Versions[1].Material {
			t.Errorf("version fields read back wrong: %+v", st.Versions[1])
		}
		granted := map[string]int64{}
		for _, p := range st.Purposes {
			granted[p.Purpose.Key] = p.Granted
			if p.Patients != 3 {
				t.Errorf("%s: denominator %d", p.Purpose.Key, p.Patients)
			}
		}
		wantGranted := map[string]int64{models.PurposeMarketing: 1, models.PurposeAnalytics: 2,
			models.PurposeHealthData: 1, models.PurposePersonalization: 3, models.PurposeLogistics: 3,
			models.PurposeIdentityDoc: 0}
		if len(granted) != len(wantGranted) {
			t.Errorf("purposes %v, want %v", granted, wantGranted)
		}
		for k, w := range wantGranted {
			if granted[k] != w {
				t.Errorf("%s granted %d, want %d", k, granted[k], w)
			}
		}

		// More users and records do not mean more statements.
		for i := 0; i < 20; i++ {
			decide(t, g, addUser(t, g, models.KindPatient, models.StatusActive), v2, models.DecisionAccepted)
		}
		n.Reset()
		if _, err := models.ConsentStatistics(ctx, cg); err != nil {
			t.Fatal(err)
		}
		if n.N() != 6 {
			t.Errorf("statistics with more users ran %d statements", n.N())
		}
	})
}
