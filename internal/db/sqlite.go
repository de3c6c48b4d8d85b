package db

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
)

// sqlitePragmas are applied by the driver to every new connection (modernc
// syntax). _txlock=immediate makes BEGIN take the write lock at once, so two
// writers queue on busy_timeout instead of failing with SQLITE_BUSY when a
// read transaction tries to upgrade.
const sqlitePragmas = "?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)" +
	"&_pragma=busy_timeout(5000)&_pragma=synchronous(NORMAL)&_txlock=immediate"

func openSQLite(ctx context.Context, path string, o Options, cfg *gorm.Config) (*gorm.DB, error) {
	if path == "" {
		dir := o.DataDir
		if dir == "" {
			dir = "."
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("db: create data dir: %w", err)
		}
		path = filepath.Join(dir, "portal.db")
	}
	if strings.Contains(path, "?") {
		return nil, fmt.Errorf("db: sqlite path %q must not contain '?': the pragmas are fixed", path)
	}
	if err := precreate(path); err != nil {
		return nil, err
	}
	g, err := gorm.Open(sqlite.Open(path+sqlitePragmas), cfg)
	if err != nil {
		return nil, fmt.Errorf("db: open sqlite %s: %w", path, err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, fmt.Errorf("db: open sqlite: %w", err)
	}
	sqlDB.SetMaxOpenConns(o.MaxOpenConns)
	sqlDB.SetMaxIdleConns(o.MaxIdleConns)
	if err := verifySQLite(ctx, g); err != nil {
		_ = sqlDB.Close()
		return nil, err
	}
	return g, nil
}

// precreate creates a missing database file with mode 0600; SQLite would use
// 0644, and its -wal and -shm files copy the main file's mode.
func precreate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("db: create sqlite file: %w", err)
	}
	return f.Close()
}

// verifySQLite fails loudly if the pragmas did not take: without foreign
// keys, ON DELETE rules are silently ignored; without WAL, readers block the
// writer.
func verifySQLite(ctx context.Context, g *gorm.DB) error {
	sqlDB, err := g.DB()
	if err != nil {
		return fmt.Errorf("db: verify sqlite: %w", err)
	}
	var fk int
	if err := sqlDB.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
		return fmt.Errorf("db: verify sqlite foreign_keys: %w", err)
	}
	if fk != 1 {
		return fmt.Errorf("db: sqlite foreign_keys is %d, want 1", fk)
	}
	var mode string
	if err := sqlDB.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("db: verify sqlite journal_mode: %w", err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("db: sqlite journal_mode is %q, want wal", mode)
	}
	return nil
}
