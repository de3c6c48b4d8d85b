package migrate_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/migrate"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
)

func TestFailingMigration(t *testing.T) {
	ctx := context.Background()
	dbtest.EachEmpty(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		fsys := fstest.MapFS{
			string(d) + "/0001_ok.sql":     {Data: []byte("CREATE TABLE ok_t (id INT NOT NULL PRIMARY KEY);\n")},
			string(d) + "/0002_broken.sql": {Data: []byte("CREATE TABLE half_t (id INT NOT NULL PRIMARY KEY);\nINSERT INTO no_such_table VALUES (1);\n")},
			string(d) + "/0003_after.sql":  {Data: []byte("CREATE TABLE after_t (id INT NOT NULL PRIMARY KEY);\n")},
		}
		applied, err := migrate.Up(ctx, g, fsys, d)
		if err == nil || !strings.Contains(err.Error(), "migrate: apply 2 (broken) statement 2") {
			t.Fatalf("Up error = %v, want one naming migration 2, statement 2", err)
		}
		if len(applied) != 1 || applied[0].Version != 1 {
			t.Errorf("applied = %+v, want only 0001", applied)
		}
		var versions []int64
		g.Raw("SELECT version FROM schema_migrations ORDER BY version").Scan(&versions)
		if len(versions) != 1 || versions[0] != 1 {
			t.Errorf("recorded versions = %v, want [1]", versions)
		}
		if g.Migrator().HasTable("after_t") {
			t.Errorf("0003 ran after 0002 failed")
		}
		// SQLite rolls the DDL back; MySQL has committed it implicitly.
		if half := g.Migrator().HasTable("half_t"); d == db.SQLite && half {
			t.Errorf("sqlite: half_t survived the rollback")
		}
	})
}

// TestConcurrentUp starts two migrations at once; the lock (MySQL) or the
// immediate transaction plus re-check (SQLite) must let exactly one apply
// each version.
func TestConcurrentUp(t *testing.T) {
	dbtest.EachEmpty(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		var (
			wg    sync.WaitGroup
			mu    sync.Mutex
			total int
		)
		for range 2 {
			wg.Go(func() {
				applied, err := migrate.Up(context.Background(), g, testdata, d)
				if err != nil {
					t.Errorf("concurrent Up: %v", err)
				}
				mu.Lock()
				total += len(applied)
				mu.Unlock()
			})
		}
		wg.Wait()
		if total != 3 {
			t.Errorf("applied %d migrations in total, want 3", total)
		}
	})
}
