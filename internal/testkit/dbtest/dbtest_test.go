package dbtest_test

import (
	"testing"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
)

func TestRequired(t *testing.T) {
	t.Setenv("PORTAL_TEST_REQUIRE", " browser, MySQL ,s3")
	for what, want := range map[string]bool{"mysql": true, "browser": true, "s3": true, "sqlite": false, "": false} {
		if got := dbtest.Required(what); got != want {
			t.Errorf("Required(%q) = %v, want %v", what, got, want)
		}
	}
}

func TestEachGivesFreshMigratedDatabases(t *testing.T) {
	for range 2 { // the second round must not see the first round's row
		dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
			if !g.Migrator().HasTable("schema_migrations") {
				t.Fatal("migrations were not applied")
			}
			var n int64
			g.Raw("SELECT COUNT(*) FROM schema_migrations WHERE version = 424242").Scan(&n)
			if n != 0 {
				t.Fatal("database is not fresh")
			}
			g.Exec("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (424242, 'x', 'x', ?)", g.NowFunc())
		})
	}
}

func TestCountQueries(t *testing.T) {
	dbtest.EachEmpty(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		g.Exec("CREATE TABLE items (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(20) NOT NULL)")
		type Item struct {
			ID   int64
			Name string
		}
		cg, c := dbtest.CountQueries(t, g)
		cg.Create(&Item{ID: 1, Name: "a"})
		var items []Item
		cg.WithContext(t.Context()).Find(&items)
		var n int64
		cg.Raw("SELECT COUNT(*) FROM items").Scan(&n)
		cg.Exec("DELETE FROM items WHERE id = 99")
		if c.N() != 4 || len(items) != 1 || n != 1 {
			t.Errorf("counted %d statements, want 4:\n%s", c.N(), c)
		}
		// The original handle does not count.
		g.Find(&items)
		if c.N() != 4 {
			t.Errorf("the original handle was counted too")
		}
		c.Reset()
		if c.N() != 0 || c.String() != "" {
			t.Errorf("Reset did not clear the counter")
		}
	})
}
