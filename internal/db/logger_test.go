package db

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
)

const secret = "13800138000-patient-secret"

func openLogged(t *testing.T, slow time.Duration) (*bytes.Buffer, *gorm.DB) {
	t.Helper()
	var buf bytes.Buffer
	g, _, err := Open(context.Background(), Options{
		URL:           "sqlite:" + filepath.Join(t.TempDir(), "log.db"),
		Logger:        slog.New(slog.NewJSONHandler(&buf, nil)),
		SlowThreshold: slow,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s, _ := g.DB(); s.Close() })
	g.Exec("CREATE TABLE t (v TEXT NOT NULL UNIQUE)")
	buf.Reset()
	return &buf, g
}

func TestLoggerNeverLogsParameters(t *testing.T) {
	buf, g := openLogged(t, time.Nanosecond) // every query is "slow"
	g.Exec("INSERT INTO t (v) VALUES (?)", secret)
	g.Exec("INSERT INTO t (v) VALUES (?)", secret) // unique violation
	g.Exec("INSERT INTO missing (v) VALUES (?)", secret)
	log := buf.String()
	if strings.Contains(log, secret) || strings.Contains(log, "138001") {
		t.Fatalf("a parameter value reached the log:\n%s", log)
	}
	for _, want := range []string{`"level":"WARN"`, `"msg":"db: slow query"`, `"msg":"db: query failed"`,
		`INSERT INTO t (v) VALUES (?)`, `no such table: missing`} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %s:\n%s", want, log)
		}
	}
}

func TestLoggerQuietWhenFastAndNotFound(t *testing.T) {
	buf, g := openLogged(t, time.Hour)
	g.Exec("INSERT INTO t (v) VALUES (?)", "fast")
	var row struct{ V string }
	if err := g.Table("t").Where("v = ?", secret).First(&row).Error; err == nil {
		t.Fatal("expected record not found")
	}
	if buf.Len() != 0 {
		t.Errorf("fast queries or not-found were logged:\n%s", buf)
	}
}

func TestRedactErr(t *testing.T) {
	err := &mysql.MySQLError{Number: 1366, Message: "Incorrect string value: '" + secret + "' for column `name` at row 1"}
	if got := redactErr(err); strings.Contains(got, secret) || !strings.Contains(got, "column `name`") {
		t.Errorf("redactErr = %q", got)
	}
	plain := errors.New("no such table: missing")
	if got := redactErr(plain); got != plain.Error() {
		t.Errorf("redactErr changed an unrelated error: %q", got)
	}
}
