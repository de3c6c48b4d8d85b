package keys

import (
	"slices"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
)

// TestSchemaMatchesRow checks keysetRow against the 0003 migration on each
// dialect, as models/schema_test.go does for models.All(): every field has
// a column, no column is unknown, and SQLite time columns are plain DATETIME.
func TestSchemaMatchesRow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		stmt := &gorm.Statement{DB: g}
		if err := stmt.Parse(&keysetRow{}); err != nil {
			t.Fatal(err)
		}
		cols, err := g.Migrator().ColumnTypes(stmt.Table)
		if err != nil {
			t.Fatal(err)
		}
		var have, want []string
		for _, c := range cols {
			have = append(have, c.Name())
		}
		for _, f := range stmt.Schema.Fields {
			want = append(want, f.DBName)
		}
		slices.Sort(have)
		slices.Sort(want)
		if !slices.Equal(have, want) {
			t.Errorf("keysets columns %v, keysetRow fields %v", have, want)
		}
		if d == db.SQLite {
			var decl string
			g.Raw("SELECT type FROM pragma_table_info('keysets') WHERE name = 'updated_at'").Scan(&decl)
			if strings.ToUpper(decl) != "DATETIME" {
				t.Errorf("keysets.updated_at declared %q, want DATETIME", decl)
			}
		}
	})
}
