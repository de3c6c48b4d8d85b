package db_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	gormmysql "gorm.io/driver/mysql"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
)

// TestOpenMySQL runs when PORTAL_TEST_MYSQL_DSN is set (see dbtest).
func TestOpenMySQL(t *testing.T) {
	g := dbtest.OpenEmpty(t, db.MySQL)
	var tz, charset, collation string
	g.Raw("SELECT @@session.time_zone, @@character_set_connection, @@collation_connection").
		Row().Scan(&tz, &charset, &collation)
	if tz != "+00:00" || charset != "utf8mb4" || collation != "utf8mb4_unicode_ci" {
		t.Errorf("session: time_zone=%q charset=%q collation=%q", tz, charset, collation)
	}

	// A UTC time with microseconds round-trips exactly; 4-byte UTF-8 survives.
	g.Exec("CREATE TABLE rt (id INT PRIMARY KEY, at DATETIME(6) NOT NULL, s VARCHAR(20) NOT NULL)")
	at := time.Date(2025, 3, 4, 5, 6, 7, 123456000, time.UTC)
	if err := g.Exec("INSERT INTO rt VALUES (1, ?, ?)", at, "张三😀").Error; err != nil {
		t.Fatal(err)
	}
	var got struct {
		At time.Time
		S  string
	}
	g.Raw("SELECT at, s FROM rt WHERE id = 1").Scan(&got)
	if !got.At.Equal(at) || got.At.Location() != time.UTC || got.S != "张三😀" {
		t.Errorf("round trip: %v %q", got.At, got.S)
	}
	// Strict mode: a too-long value is an error, not a silent truncation.
	if err := g.Exec("INSERT INTO rt VALUES (2, ?, ?)", at, strings.Repeat("x", 21)).Error; err == nil {
		t.Errorf("over-long value was accepted: sql_mode is not strict")
	}
}

// TestMySQLLifetimeBelowWaitTimeout shortens wait_timeout for the session
// (go-sql-driver sends DSN params as SET) and expects Open to lower the
// connection lifetime and say so.
func TestMySQLLifetimeBelowWaitTimeout(t *testing.T) {
	g := dbtest.OpenEmpty(t, db.MySQL)
	cfg, err := mysql.ParseDSN(g.Dialector.(*gormmysql.Dialector).DSN)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Params["wait_timeout"] = "60"
	var buf bytes.Buffer
	g2, _, err := db.Open(context.Background(), db.Options{
		URL:    "mysql://" + cfg.FormatDSN(),
		Logger: slog.New(slog.NewTextHandler(&buf, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := g2.DB()
	s.Close()
	if log := buf.String(); !strings.Contains(log, "wait_timeout=1m0s") || !strings.Contains(log, "conn_max_lifetime=30s") {
		t.Errorf("expected a lifetime adjustment log line, got %q", log)
	}
}
