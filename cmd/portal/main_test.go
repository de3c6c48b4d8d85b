package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/migrate"
	"github.com/yibao-health/portal/migrations"
	"github.com/yibao-health/portal/models"
)

// withEnv runs the CLI with only the given environment variables.
func withEnv(t *testing.T, env map[string]string) {
	t.Helper()
	old := getenv
	getenv = func(k string) string { return env[k] }
	t.Cleanup(func() { getenv = old })
}

func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, &out)
	return out.String(), err
}

func TestHelpDocumentsEveryCommandAndVariable(t *testing.T) {
	out, err := runCLI(t, "--help")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range commands() {
		if !strings.Contains(out, "  "+c.name+" ") {
			t.Errorf("--help does not list command %q", c.name)
		}
	}
	for _, v := range []string{"PORTAL_ENV", "PORTAL_DATABASE_URL", "PORTAL_MASTER_KEY", "PORTAL_SESSION_KEYS",
		"PORTAL_TRUSTED_PROXIES", "PORTAL_ADDR", "PORTAL_DATA_DIR", "PORTAL_AUTO_MIGRATE", "mysql://"} {
		if !strings.Contains(out, v) {
			t.Errorf("--help does not mention %s", v)
		}
	}
}

func TestProductionRefusesToStartWithoutSecrets(t *testing.T) {
	dir := t.TempDir()
	withEnv(t, map[string]string{"PORTAL_ENV": "production", "PORTAL_DATA_DIR": dir})
	_, err := runCLI(t, "serve", "--addr", "127.0.0.1:0")
	if err == nil || !strings.Contains(err.Error(), "PORTAL_MASTER_KEY") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("want a one-line refusal naming the missing secret, got %v", err)
	}
}

func TestUnknownCommandFails(t *testing.T) {
	if _, err := runCLI(t, "frobnicate"); err == nil {
		t.Fatal("unknown command accepted")
	}
}

func TestMigrateStatusUpAndNewerSchemaRefusal(t *testing.T) {
	dir := t.TempDir()
	withEnv(t, map[string]string{"PORTAL_DATA_DIR": dir})
	out, err := runCLI(t, "migrate", "status")
	if err != nil || !strings.Contains(out, "pending") {
		t.Fatalf("status before up: %v\n%s", err, out)
	}
	if out, err = runCLI(t, "migrate", "up"); err != nil || !strings.Contains(out, "applied 0001") {
		t.Fatalf("up: %v\n%s", err, out)
	}
	if out, err = runCLI(t, "migrate", "status"); err != nil || strings.Contains(out, "pending") {
		t.Fatalf("status after up: %v\n%s", err, out)
	}
	// A newer release migrated this database: this binary must refuse to serve it.
	g, _, err := db.Open(context.Background(), db.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Exec("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (9999, 'future', ?, CURRENT_TIMESTAMP)", strings.Repeat("0", 64)).Error; err != nil {
		t.Fatal(err)
	}
	sqlDB, _ := g.DB()
	sqlDB.Close()
	_, err = runCLI(t, "serve", "--addr", "127.0.0.1:0")
	if !errors.Is(err, migrate.ErrSchemaNewer) {
		t.Fatalf("serve against a newer schema: %v", err)
	}
}

// policy: C4.2
func TestAuditVerifyCommandReportsTampering(t *testing.T) {
	dir := t.TempDir()
	withEnv(t, map[string]string{"PORTAL_DATA_DIR": dir})
	if _, err := runCLI(t, "migrate", "up"); err != nil {
		t.Fatal(err)
	}
	g, d, err := db.Open(context.Background(), db.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s, _ := g.DB(); s.Close() }()
	if _, err := migrate.Up(context.Background(), g, migrations.FS, d); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		err := g.Transaction(func(tx *gorm.DB) error {
			_, err := models.AppendAudit(tx, models.AuditContext{ActorKind: models.ActorSystem}.Entry("test.event", "test", "1", models.OutcomeSuccess))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if out, err := runCLI(t, "audit", "verify"); err != nil || !strings.Contains(out, "OK: 3 row(s)") {
		t.Fatalf("verify intact chain: %v\n%s", err, out)
	}
	if err := g.Exec("UPDATE audit_log SET outcome = 'failure' WHERE id = 2").Error; err != nil {
		t.Fatal(err)
	}
	out, err := runCLI(t, "audit", "verify")
	if !errors.Is(err, errAuditBroken) || !strings.Contains(out, "row 2") {
		t.Fatalf("verify tampered chain: %v\n%s", err, out)
	}
}

func TestKeysGenerate(t *testing.T) {
	out, err := runCLI(t, "keys", "generate")
	if err != nil || !strings.Contains(out, "PORTAL_MASTER_KEY=") || !strings.Contains(out, "PORTAL_SESSION_KEYS=") {
		t.Fatalf("%v\n%s", err, out)
	}
}
