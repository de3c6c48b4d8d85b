// Package dbtest gives every database test a fresh, migrated database on
// each dialect: SQLite always, MySQL/MariaDB when PORTAL_TEST_MYSQL_DSN is
// set (a go-sql-driver DSN, with or without mysql://, naming a server and a
// user allowed to create databases; its database name is ignored).
//
// PORTAL_TEST_REQUIRE is a comma list of harnesses that must run (mysql,
// browser, s3, …). With mysql in it, a missing DSN or unreachable server
// fails the test instead of skipping it; CI sets it.
package dbtest

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/migrate"
	"github.com/yibao-health/portal/migrations"
)

// Required reports whether PORTAL_TEST_REQUIRE lists what (e.g. "mysql"),
// so that a harness fails rather than skips when its dependency is missing.
func Required(what string) bool {
	for _, s := range strings.Split(os.Getenv("PORTAL_TEST_REQUIRE"), ",") {
		if strings.EqualFold(strings.TrimSpace(s), what) {
			return true
		}
	}
	return false
}

// Dialects lists the dialects Each runs on.
func Dialects() []db.Dialect { return []db.Dialect{db.SQLite, db.MySQL} }

// Each runs fn as subtests "sqlite" and "mysql", each on a fresh database
// with all migrations from migrations.FS applied. The mysql subtest is
// skipped (or fails, see the package doc) without a server.
func Each(t *testing.T, fn func(t *testing.T, g *gorm.DB, d db.Dialect)) {
	t.Helper()
	for _, d := range Dialects() {
		t.Run(string(d), func(t *testing.T) { fn(t, Open(t, d), d) })
	}
}

// EachEmpty is Each without migrations: fresh, empty databases, for tests
// of the migration runner itself.
func EachEmpty(t *testing.T, fn func(t *testing.T, g *gorm.DB, d db.Dialect)) {
	t.Helper()
	for _, d := range Dialects() {
		t.Run(string(d), func(t *testing.T) { fn(t, OpenEmpty(t, d), d) })
	}
}

// SQLite returns a fresh, migrated SQLite database.
func SQLite(t testing.TB) *gorm.DB { return Open(t, db.SQLite) }

// Open returns a fresh database of dialect d with all migrations applied;
// it is closed (and on MySQL dropped) when the test ends.
func Open(t testing.TB, d db.Dialect) *gorm.DB {
	t.Helper()
	g := OpenEmpty(t, d)
	if _, err := migrate.Up(context.Background(), g, migrations.FS, d); err != nil {
		t.Fatalf("dbtest: migrate %s: %v", d, err)
	}
	return g
}

// OpenEmpty returns a fresh database of dialect d with no tables.
func OpenEmpty(t testing.TB, d db.Dialect) *gorm.DB {
	t.Helper()
	switch d {
	case db.SQLite:
		return open(t, "sqlite:"+filepath.Join(t.TempDir(), "test.db"))
	case db.MySQL:
		return open(t, mysqlDatabase(t))
	}
	t.Fatalf("dbtest: unknown dialect %q", d)
	return nil
}

// options are those of production except a quiet logger (failed queries
// already reach the test as errors) and a smaller pool, as many test
// databases share one server.
func options(url string) db.Options {
	return db.Options{
		URL:          url,
		MaxOpenConns: 8,
		MaxIdleConns: 4,
		Logger:       slog.New(slog.DiscardHandler),
	}
}

func open(t testing.TB, url string) *gorm.DB {
	t.Helper()
	g, _, err := db.Open(context.Background(), options(url))
	if err != nil {
		t.Fatalf("dbtest: open %s: %v", db.Redacted(url), err)
	}
	t.Cleanup(func() {
		if sqlDB, err := g.DB(); err == nil {
			_ = sqlDB.Close()
		}
	})
	return g
}
