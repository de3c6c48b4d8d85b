package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yibao-health/portal/internal/config"
	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/models"
)

func TestSeedScaleIsRefusedInProduction(t *testing.T) {
	dir := t.TempDir()
	withEnv(t, map[string]string{"PORTAL_ENV": "production", "PORTAL_DATA_DIR": dir,
		"PORTAL_DATABASE_URL": "sqlite:" + filepath.Join(dir, "p.db"),
		"PORTAL_MASTER_KEY":   config.NewKey(), "PORTAL_SESSION_KEYS": config.NewKey()})
	_, err := runCLI(t, "seed-scale", "--patients", "2")
	if err == nil || !strings.Contains(err.Error(), "refused in production") {
		t.Fatalf("want seed-scale refused in production, got %v", err)
	}
}

func TestSeedScaleHelp(t *testing.T) {
	out, err := runCLI(t, "seed-scale", "--help")
	if err != nil || !hasAllStrings(out, "--consultations-per-doctor", "--access-rows", "refused when PORTAL_ENV=production", DemoTOTPSecret, "-data-dir") {
		t.Fatalf("help: %v\n%s", err, out)
	}
}

// TestSeedScaleSmall runs the command on a fresh SQLite data directory, then
// again (refused: already seeded), and checks what it stored.
func TestSeedScaleSmall(t *testing.T) {
	dir := t.TempDir()
	withEnv(t, map[string]string{"PORTAL_DATA_DIR": dir})
	out, err := runCLI(t, "seed-scale", "--patients", "20", "--doctors", "3", "--documents", "100", "--consultations-per-doctor", "4", "--access-rows", "2")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !hasAllStrings(out, "20 patients", "3 doctors", "100 documents", "12 consultations", models.ScaleDoctorPhone(0)) {
		t.Fatalf("output:\n%s", out)
	}
	g, _, err := db.Open(context.Background(), db.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if s, err := g.DB(); err == nil {
			s.Close()
		}
	}()
	var n int64
	g.Model(&models.Document{}).Count(&n)
	if n != 100 {
		t.Fatalf("%d documents", n)
	}
	if _, err := runCLI(t, "seed-scale", "--patients", "1", "--doctors", "1"); err == nil || !strings.Contains(err.Error(), "already seeded") {
		t.Fatalf("second run: %v", err)
	}
}

func hasAllStrings(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}
