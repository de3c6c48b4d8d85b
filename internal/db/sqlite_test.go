package db_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
)

func TestOpenSQLiteDefault(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "nested", "data")
	g, d, err := db.Open(ctx, db.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s, _ := g.DB(); s.Close() })
	if d != db.SQLite {
		t.Fatalf("dialect = %q", d)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("data dir mode = %v, %v; want 0700", fi.Mode().Perm(), err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "portal.db")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("portal.db: %v, %v; want mode 0600", fi, err)
	}

	// Pragmas are per connection: check several at once.
	sqlDB, _ := g.DB()
	conns := make([]interface{ Close() error }, 0, 3)
	for range 3 {
		c, err := sqlDB.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		var fk int
		var mode string
		c.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk)
		c.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode)
		if fk != 1 || mode != "wal" {
			t.Errorf("connection has foreign_keys=%d journal_mode=%q", fk, mode)
		}
	}
	for _, c := range conns {
		c.Close()
	}

	// Foreign keys are enforced and translated.
	g.Exec("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
	g.Exec("CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent(id))")
	err = g.Exec("INSERT INTO child (id, parent_id) VALUES (1, 42)").Error
	if !errors.Is(err, gorm.ErrForeignKeyViolated) {
		t.Errorf("orphan insert error = %v, want ErrForeignKeyViolated", err)
	}

	now := g.NowFunc()
	if now.Location() != time.UTC || now.Nanosecond()%1000 != 0 {
		t.Errorf("NowFunc() = %v, want UTC truncated to µs", now)
	}
	if err := db.Ping(ctx, g); err != nil {
		t.Errorf("Ping: %v", err)
	}
	sqlDB.Close()
	if err := db.Ping(ctx, g); err == nil {
		t.Errorf("Ping on a closed database succeeded")
	}
}

func TestOpenSQLitePath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "explicit.db")
	for _, url := range []string{"sqlite:" + path, "sqlite://" + path} {
		g, d, err := db.Open(context.Background(), db.Options{URL: url})
		if err != nil || d != db.SQLite {
			t.Fatalf("Open(%q) = %q, %v", url, d, err)
		}
		s, _ := g.DB()
		s.Close()
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database file not at %s: %v", path, err)
	}
	_, _, err := db.Open(context.Background(), db.Options{URL: "sqlite:" + path + "?_pragma=foreign_keys(0)"})
	if err == nil || !strings.Contains(err.Error(), "must not contain '?'") {
		t.Errorf("a path with its own pragmas was accepted: %v", err)
	}
}
