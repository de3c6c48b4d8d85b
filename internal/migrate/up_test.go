package migrate_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/migrate"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
)

// testdata holds a throwaway migration set (widgets, gadgets, a seed with a
// trigger) so these tests do not depend on the product schema.
var testdata = os.DirFS("testdata")

// copyFS returns testdata as a MapFS the test can change.
func copyFS(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(testdata, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := fs.ReadFile(testdata, p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func up(t *testing.T, g *gorm.DB, fsys fs.FS, d db.Dialect) []migrate.Migration {
	t.Helper()
	applied, err := migrate.Up(context.Background(), g, fsys, d)
	if err != nil {
		t.Fatalf("Up: %v", err)
	}
	return applied
}

func TestUpStatusCheck(t *testing.T) {
	ctx := context.Background()
	dbtest.EachEmpty(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		if err := migrate.Check(ctx, g, testdata, d); !errors.Is(err, migrate.ErrPending) {
			t.Fatalf("Check on an empty database = %v, want ErrPending", err)
		}
		rows, err := migrate.Status(ctx, g, testdata, d)
		if err != nil || len(rows) != 3 || rows[0].Applied || !rows[0].ChecksumOK {
			t.Fatalf("Status before Up = %+v, %v", rows, err)
		}

		before := time.Now().UTC().Add(-time.Second)
		if applied := up(t, g, testdata, d); len(applied) != 3 || applied[2].Name != "seed_widgets" {
			t.Fatalf("first Up applied %+v, want 3", applied)
		}
		if applied := up(t, g, testdata, d); len(applied) != 0 {
			t.Fatalf("second Up applied %+v, want none", applied)
		}
		if err := migrate.Check(ctx, g, testdata, d); err != nil {
			t.Fatalf("Check after Up: %v", err)
		}

		rows, err = migrate.Status(ctx, g, testdata, d)
		if err != nil || len(rows) != 3 {
			t.Fatalf("Status = %+v, %v", rows, err)
		}
		for i, r := range rows {
			if r.Version != int64(i+1) || !r.Applied || !r.ChecksumOK || r.AppliedAt == nil ||
				r.AppliedAt.Before(before) || r.AppliedAt.After(time.Now().Add(time.Second)) {
				t.Errorf("Status row %d = %+v", i, r)
			}
		}

		// The seed ran, including the ';' inside a literal and the trigger.
		var names []string
		g.Raw("SELECT name FROM widgets ORDER BY id").Scan(&names)
		if strings.Join(names, "|") != "first; of many|second" {
			t.Errorf("widgets = %q", names)
		}
		if err := g.Exec("UPDATE widgets SET name = 'x' WHERE id = 1").Error; err == nil {
			t.Errorf("trigger from the migrate:begin block did not fire")
		}
	})
}

func TestSchemaNewer(t *testing.T) {
	ctx := context.Background()
	dbtest.EachEmpty(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		up(t, g, testdata, d)
		err := g.Exec("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
			9999, "from_the_future", strings.Repeat("0", 64), time.Now().UTC()).Error
		if err != nil {
			t.Fatal(err)
		}
		_, err = migrate.Up(ctx, g, testdata, d)
		var newer *migrate.SchemaNewerError
		if !errors.Is(err, migrate.ErrSchemaNewer) || !errors.As(err, &newer) ||
			newer.Database != 9999 || newer.Known != 3 {
			t.Fatalf("Up = %v, want SchemaNewerError{9999, 3}", err)
		}
		if msg := err.Error(); !strings.Contains(msg, "9999") || !strings.Contains(msg, " 3") || strings.Contains(msg, "\n") {
			t.Errorf("message %q should name both versions on one line", msg)
		}
		if err := migrate.Check(ctx, g, testdata, d); !errors.Is(err, migrate.ErrSchemaNewer) {
			t.Errorf("Check = %v, want ErrSchemaNewer", err)
		}
		rows, _ := migrate.Status(ctx, g, testdata, d)
		if last := rows[len(rows)-1]; last.Version != 9999 || !last.Applied || last.ChecksumOK {
			t.Errorf("Status last row = %+v", last)
		}

		// A known-but-missing version (older binary without 0003) is refused too.
		g.Exec("DELETE FROM schema_migrations WHERE version = 9999")
		older := copyFS(t)
		delete(older, string(d)+"/0003_seed_widgets.sql")
		if _, err := migrate.Up(ctx, g, older, d); !errors.As(err, &newer) || newer.Database != 3 || newer.Known != 2 {
			t.Errorf("Up with an older file set = %v, want SchemaNewerError{3, 2}", err)
		}
	})
}

func TestChecksum(t *testing.T) {
	ctx := context.Background()
	dbtest.EachEmpty(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		up(t, g, testdata, d)
		changed := copyFS(t)
		f := changed[string(d)+"/0002_create_gadgets.sql"]
		f.Data = append(f.Data, []byte("-- edited later\n")...)
		if _, err := migrate.Up(ctx, g, changed, d); !errors.Is(err, migrate.ErrChecksum) {
			t.Fatalf("Up = %v, want ErrChecksum", err)
		}
		if err := migrate.Check(ctx, g, changed, d); !errors.Is(err, migrate.ErrChecksum) {
			t.Errorf("Check = %v, want ErrChecksum", err)
		}
		rows, _ := migrate.Status(ctx, g, changed, d)
		if rows[1].ChecksumOK || !rows[0].ChecksumOK {
			t.Errorf("Status = %+v, want only 0002 flagged", rows)
		}
	})
}
