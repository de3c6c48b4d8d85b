package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yibao-health/portal/internal/config"
	"github.com/yibao-health/portal/internal/migrate"
	"github.com/yibao-health/portal/migrations"
	"github.com/yibao-health/portal/models"
)

func TestDemoIsRefusedInProduction(t *testing.T) {
	dir := t.TempDir()
	withEnv(t, map[string]string{"PORTAL_ENV": "production", "PORTAL_DATA_DIR": dir,
		"PORTAL_DATABASE_URL": "sqlite:" + filepath.Join(dir, "p.db"),
		"PORTAL_MASTER_KEY":   config.NewKey(), "PORTAL_SESSION_KEYS": config.NewKey()})
	_, err := runCLI(t, "--demo", "--addr", "127.0.0.1:0")
	if err == nil || !strings.Contains(err.Error(), "refused in production") {
		t.Fatalf("want --demo refused in production, got %v", err)
	}
}

func TestSeedDemoCreatesEveryAccountOnce(t *testing.T) {
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
	var out bytes.Buffer
	for range 2 { // the second run finds them all and changes nothing
		out.Reset()
		if err := seedDemo(ctx, accounts, &out); err != nil {
			t.Fatal(err)
		}
	}
	var n int64
	rt.db.Model(&models.User{}).Count(&n)
	if n != 7 {
		t.Fatalf("%d users after seeding twice, want 7", n)
	}
	for _, login := range []string{"13800000001", "13800000002", "13900000001", "13900000002",
		"support@demo.local", "privacy@demo.local", "admin@demo.local", DemoPassword, DemoTOTPSecret} {
		if !strings.Contains(out.String(), login) {
			t.Errorf("demo output does not print %s", login)
		}
	}
	doc, err := accounts.FindByLogin(ctx, "13900000001")
	if err != nil || doc == nil || !doc.HasMFA() {
		t.Fatal("demo doctor missing or without MFA")
	}
	if st, _ := models.DoctorStatus(ctx, rt.db, doc.ID); st != models.DoctorVerified {
		t.Fatalf("demo doctor status %q", st)
	}
	admin, _ := accounts.FindByLogin(ctx, "admin@demo.local")
	if admin == nil || !admin.Can(models.CapAdmin) {
		t.Fatal("demo admin lacks the admin capability")
	}
}
