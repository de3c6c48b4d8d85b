package models

import (
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
)

// The last-admin rule itself. Through the public operations it cannot trigger (the
// acting admin is never the target and must still be an active admin), so it is
// checked here directly: a locked admin and a support member do not count.
func TestEnsureAdminLeft(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		now := time.Now().UTC()
		mk := func(status, caps string) int64 {
			u := User{Kind: KindStaff, Status: status, Capabilities: caps, CreatedAt: now, UpdatedAt: now}
			if err := g.Create(&u).Error; err != nil {
				t.Fatal(err)
			}
			return u.ID
		}
		only := mk(StatusActive, "support,admin")
		mk(StatusLocked, "admin")
		support := mk(StatusActive, "support")
		if e := AsError(ensureAdminLeft(g, only)); e == nil || e.Kind != KindConflict || e.Key != "staff.last_admin" {
			t.Fatalf("removing the only active admin: %v", e)
		}
		if err := ensureAdminLeft(g, support); err != nil {
			t.Fatalf("removing a non-admin: %v", err)
		}
		mk(StatusActive, "admin")
		if err := ensureAdminLeft(g, only); err != nil {
			t.Fatalf("with a second active admin: %v", err)
		}
	})
}
