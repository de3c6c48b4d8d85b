package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yibao-health/portal/internal/blob"
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

// --demo seeds a consultation between the first demo patient and the first demo
// doctor sharing exactly the allergies and one lab report, once.
func TestSeedDemoConsultation(t *testing.T) {
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
	blobs, err := blob.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := seedDemo(ctx, accounts, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := seedDemoConsultation(ctx, accounts, blobs, &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
	}
	var cs []models.Consultation
	rt.db.Find(&cs)
	if len(cs) != 1 {
		t.Fatalf("%d consultations after seeding twice, want 1", len(cs))
	}
	doctor, _ := accounts.FindByLogin(ctx, "13900000001")
	hp := models.NewHealthProfiles(rt.db, accounts.Keys, accounts.Now)
	_, sections, err := hp.ForDoctor(ctx, doctor, models.ConsultationBasis(cs[0].ID), "test")
	if err != nil || len(sections) != 1 || sections[0] != models.SectionAllergies {
		t.Fatalf("doctor sees sections %v (%v), want allergies only", sections, err)
	}
	docs := models.NewDocuments(rt.db, accounts.Keys, blobs, accounts.Now, models.UploadLimits{MaxFileSize: 1 << 20, MaxFiles: 1})
	r := models.DocumentReader{UserID: doctor.ID, Basis: models.ConsultationBasis(cs[0].ID), At: time.Now(), RequestID: "test"}
	list, err := docs.List(ctx, r, models.DocumentQuery{})
	if err != nil || len(list.Items) != 1 || list.Items[0].Category != models.CategoryLab {
		t.Fatalf("doctor sees documents %+v (%v), want the one lab report", list, err)
	}
}
