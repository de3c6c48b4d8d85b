package migrate

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
)

// lockWait is how long GET_LOCK waits for another process's migration.
const lockWait = 30 // seconds

// Up applies every pending migration in version order and returns those it
// applied (also on error, the ones applied before it). It refuses to touch a
// database that is newer than the files (ErrSchemaNewer) or whose applied
// files changed (ErrChecksum).
func Up(ctx context.Context, g *gorm.DB, fsys fs.FS, d db.Dialect) (applied []Migration, err error) {
	ms, err := Load(fsys, d)
	if err != nil {
		return nil, err
	}
	err = withLock(ctx, g, d, func(conn *gorm.DB) error {
		if err := createTable(conn, d); err != nil {
			return err
		}
		done, err := readApplied(conn)
		if err != nil {
			return err
		}
		pending, err := compare(ms, done)
		if err != nil {
			return err
		}
		for _, m := range pending {
			ran, err := apply(conn, m)
			if err != nil {
				return err
			}
			if ran {
				applied = append(applied, m)
			}
		}
		return nil
	})
	return applied, err
}

// withLock runs fn so that two processes starting at once do not both
// migrate. MySQL: a named lock held on one dedicated connection, which fn
// then uses for everything. The name includes the database because named
// locks are server-wide and other databases on the server (tests, other
// tenants) need not wait. SQLite: every transaction begins IMMEDIATE (see
// package db), and apply re-checks the version inside it, which suffices.
func withLock(ctx context.Context, g *gorm.DB, d db.Dialect, fn func(conn *gorm.DB) error) error {
	if d != db.MySQL {
		return fn(g.WithContext(ctx))
	}
	return g.WithContext(ctx).Connection(func(conn *gorm.DB) error {
		var got sql.NullInt64
		err := conn.Raw("SELECT GET_LOCK(CONCAT('portal_migrate:', LEFT(DATABASE(), 48)), ?)", lockWait).
			Scan(&got).Error
		if err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
		if !got.Valid || got.Int64 != 1 {
			return fmt.Errorf("migrate: lock: another process is migrating (waited %ds)", lockWait)
		}
		defer func() {
			// Released even if ctx is cancelled: the connection returns to
			// the pool and would otherwise keep the lock.
			rel := conn.WithContext(context.WithoutCancel(ctx))
			var ignored sql.NullInt64
			rel.Raw("SELECT RELEASE_LOCK(CONCAT('portal_migrate:', LEFT(DATABASE(), 48)))").Scan(&ignored)
		}()
		return fn(conn)
	})
}

func createTable(conn *gorm.DB, d db.Dialect) error {
	ddl := `CREATE TABLE IF NOT EXISTS schema_migrations (
  version BIGINT NOT NULL PRIMARY KEY,
  name VARCHAR(200) NOT NULL,
  checksum CHAR(64) NOT NULL,
  applied_at DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`
	if d == db.SQLite {
		// Plain DATETIME: the SQLite driver parses times only for the
		// declared types DATE, DATETIME and TIMESTAMP, not DATETIME(6).
		ddl = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER NOT NULL PRIMARY KEY,
  name TEXT NOT NULL,
  checksum TEXT NOT NULL,
  applied_at DATETIME NOT NULL
)`
	}
	if err := conn.Exec(ddl).Error; err != nil {
		return fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	return nil
}

// apply runs one migration and records it, in one transaction. It reports
// false if another process recorded the version first.
func apply(conn *gorm.DB, m Migration) (ran bool, err error) {
	err = conn.Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Raw("SELECT COUNT(*) FROM schema_migrations WHERE version = ?", m.Version).Scan(&n).Error; err != nil {
			return fmt.Errorf("migrate: apply %d: %w", m.Version, err)
		}
		if n > 0 {
			return nil
		}
		for i, stmt := range splitStatements(m.SQL) {
			if err := tx.Exec(stmt).Error; err != nil {
				return fmt.Errorf("migrate: apply %d (%s) statement %d: %w", m.Version, m.Name, i+1, err)
			}
		}
		now := time.Now().UTC().Truncate(time.Microsecond)
		err := tx.Exec("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
			m.Version, m.Name, m.Checksum, now).Error
		if err != nil {
			return fmt.Errorf("migrate: record %d: %w", m.Version, err)
		}
		ran = true
		return nil
	})
	return ran, err
}
