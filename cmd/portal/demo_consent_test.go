package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/yibao-health/portal/internal/migrate"
	"github.com/yibao-health/portal/migrations"
	"github.com/yibao-health/portal/models"
)

// Every demo account has accepted the initial policy version, exactly once however
// often the seed runs, so the demo's material revision shows the re-consent gate.
func TestSeedDemoRecordsTheInitialPolicyAcceptance(t *testing.T) {
	withEnv(t, map[string]string{"PORTAL_DATA_DIR": t.TempDir()})
	ctx := context.Background()
	rt, closeDB, err := setup(ctx, "serve", nil, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB()
	if _, err := migrate.Up(ctx, rt.db, migrations.FS, rt.dialect); err != nil {
		t.Fatal(err)
	}
	notifier, _, err := newNotifier(rt.cfg, rt.db, rt.log)
	if err != nil {
		t.Fatal(err)
	}
	accounts, err := newAccounts(ctx, rt, notifier)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := seedDemo(ctx, accounts, &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
	}
	pv, err := (&models.Policies{DB: rt.db, Now: accounts.Now}).InitialPolicy(ctx)
	if err != nil || pv.Version != "2026-01" {
		t.Fatalf("initial policy: %v %v", pv, err)
	}
	for _, n := range demoAccounts() {
		login := n.Phone
		if login == "" {
			login = n.Email
		}
		u, _ := accounts.FindByLogin(ctx, login)
		var rows []models.ConsentRecord
		rt.db.Where("user_id = ? AND purpose = ?", u.ID, models.PurposeTerms).Find(&rows)
		if len(rows) != 1 || rows[0].Decision != models.DecisionAccepted || rows[0].PolicyVersionID == nil ||
			*rows[0].PolicyVersionID != pv.ID || rows[0].PolicySHA256 != pv.SHA256 || rows[0].Channel != models.ChannelSystem {
			t.Errorf("%s: terms records %+v", login, rows)
		}
		if ok, _ := models.AcceptedPolicySince(ctx, rt.db, u.ID, pv); !ok {
			t.Errorf("%s has not accepted %s", login, pv.Version)
		}
	}
}
