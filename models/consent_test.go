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

// Consent records are proof: the database itself refuses to change or remove one.
// policy: C2.2.3-4
func TestConsentRecordsAreAppendOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		cc := models.ConsentContext{Channel: models.ChannelWeb, ClientIP: "192.0.2.0", UserAgent: "Firefox 140 on Linux"}
		r, err := models.RecordConsent(g, 7, models.PurposeMarketing, "", models.DecisionAccepted, nil, cc, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := g.Model(&models.ConsentRecord{}).Where("id = ?", r.ID).Update("decision", models.DecisionDeclined).Error; err == nil {
			t.Fatal("UPDATE of a consent record succeeded")
		}
		if err := g.Where("id = ?", r.ID).Delete(&models.ConsentRecord{}).Error; err == nil {
			t.Fatal("DELETE of a consent record succeeded")
		}
		var n int64
		g.Model(&models.ConsentRecord{}).Where("decision = ?", models.DecisionAccepted).Count(&n)
		if n != 1 {
			t.Fatalf("record changed: %d accepted rows", n)
		}
	})
}

func TestConsentStateIsTheNewestDecision(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		cc := models.ConsentContext{Channel: models.ChannelWeb}
		now := time.Now()
		states := func() map[string]bool {
			st, err := models.ConsentStates(ctx, g, 9)
			if err != nil {
				t.Fatal(err)
			}
			m := map[string]bool{}
			for _, s := range st {
				m[s.Purpose.Key] = s.Granted
			}
			return m
		}
		// Defaults: opt-in off, opt-out and notice on.
		m := states()
		if m[models.PurposeMarketing] || m[models.PurposeHealthData] || !m[models.PurposeAnalytics] || !m[models.PurposeLogistics] {
			t.Fatalf("defaults wrong: %v", m)
		}
		for i, dec := range []string{models.DecisionAccepted, models.DecisionNoticeShown, models.DecisionWithdrawn, models.DecisionAccepted} {
			if _, err := models.RecordConsent(g, 9, models.PurposeMarketing, "", dec, nil, cc, now.Add(time.Duration(i)*time.Second)); err != nil {
				t.Fatal(err)
			}
		}
		models.RecordConsent(g, 9, models.PurposeAnalytics, "", models.DecisionDeclined, nil, cc, now)
		models.RecordConsent(g, 10, models.PurposeMarketing, "", models.DecisionWithdrawn, nil, cc, now) // someone else
		m = states()
		if !m[models.PurposeMarketing] || m[models.PurposeAnalytics] {
			t.Fatalf("derived state wrong: %v", m)
		}
		ok, err := models.HasConsent(ctx, g, 10, models.PurposeMarketing, "")
		if err != nil || ok {
			t.Fatalf("user 10 marketing: %v %v", ok, err)
		}
	})
}
