package migrate

import (
	"context"
	"fmt"
	"io/fs"
	"sort"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
)

// StatusRow describes one migration for `portal migrate status`.
type StatusRow struct {
	Version   int64
	Name      string
	Applied   bool
	AppliedAt *time.Time // nil when not applied
	// ChecksumOK is true when the migration is not applied or its file is
	// unchanged. A version in the database with no file here (a newer
	// schema) is listed with Applied true and ChecksumOK false.
	ChecksumOK bool
}

type appliedRow struct {
	Version   int64
	Name      string
	Checksum  string
	AppliedAt time.Time
}

// Status lists every known and every applied migration, by version. It only
// reads; a database never migrated shows everything as pending.
func Status(ctx context.Context, g *gorm.DB, fsys fs.FS, d db.Dialect) ([]StatusRow, error) {
	ms, err := Load(fsys, d)
	if err != nil {
		return nil, err
	}
	done, err := readAppliedIfAny(g.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	rows := make([]StatusRow, 0, len(ms))
	for _, m := range ms {
		row := StatusRow{Version: m.Version, Name: m.Name, ChecksumOK: true}
		if r, ok := done[m.Version]; ok {
			at := r.AppliedAt
			row.Applied, row.AppliedAt, row.ChecksumOK = true, &at, r.Checksum == m.Checksum
			delete(done, m.Version)
		}
		rows = append(rows, row)
	}
	for _, r := range done {
		at := r.AppliedAt
		rows = append(rows, StatusRow{Version: r.Version, Name: r.Name, Applied: true, AppliedAt: &at})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Version < rows[j].Version })
	return rows, nil
}

// Check verifies at start-up, without changing anything, that the database
// is exactly at this binary's schema: it returns ErrSchemaNewer,
// ErrChecksum or ErrPending (each wrapped), or nil.
func Check(ctx context.Context, g *gorm.DB, fsys fs.FS, d db.Dialect) error {
	ms, err := Load(fsys, d)
	if err != nil {
		return err
	}
	done, err := readAppliedIfAny(g.WithContext(ctx))
	if err != nil {
		return err
	}
	pending, err := compare(ms, done)
	if err != nil {
		return err
	}
	if len(pending) > 0 {
		return fmt.Errorf("%w: %d not applied, first %04d_%s; run the migrate command or enable auto-migration",
			ErrPending, len(pending), pending[0].Version, pending[0].Name)
	}
	return nil
}

// compare returns the migrations not yet applied, after making sure the
// database is not newer than the files and no applied file changed.
func compare(ms []Migration, done map[int64]appliedRow) ([]Migration, error) {
	known := map[int64]bool{}
	var newest int64
	for _, m := range ms {
		known[m.Version] = true
		newest = max(newest, m.Version)
	}
	var unknown int64
	for v := range done {
		if !known[v] {
			unknown = max(unknown, v)
		}
	}
	if unknown != 0 {
		return nil, &SchemaNewerError{Database: unknown, Known: newest}
	}
	var pending []Migration
	for _, m := range ms {
		r, ok := done[m.Version]
		if !ok {
			pending = append(pending, m)
			continue
		}
		if r.Checksum != m.Checksum {
			return nil, fmt.Errorf("%w: %04d_%s was edited after it was applied (recorded %.12s…, file %.12s…)",
				ErrChecksum, m.Version, m.Name, r.Checksum, m.Checksum)
		}
	}
	return pending, nil
}

func readAppliedIfAny(g *gorm.DB) (map[int64]appliedRow, error) {
	// HasTable reads a failure as "no table"; ping first so that an
	// unreachable database is an error, not "everything pending".
	if err := g.Exec("SELECT 1").Error; err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if !g.Migrator().HasTable("schema_migrations") {
		return map[int64]appliedRow{}, nil
	}
	return readApplied(g)
}

func readApplied(g *gorm.DB) (map[int64]appliedRow, error) {
	var rows []appliedRow
	err := g.Raw("SELECT version, name, checksum, applied_at FROM schema_migrations").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("migrate: read schema_migrations: %w", err)
	}
	done := make(map[int64]appliedRow, len(rows))
	for _, r := range rows {
		done[r.Version] = r
	}
	return done, nil
}
