package models_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"gorm.io/gorm"
	"gorm.io/gorm/schema"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/models"
)

// TestSchemaMatchesModels checks, on every dialect, that the migrations
// create what the GORM entities in models.All() expect: each table exists,
// each mapped field has a column, and no NOT NULL column without a default
// is unknown to the model (inserts through GORM would fail). All mismatches
// are reported together.
func TestSchemaMatchesModels(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		var problems []string
		for _, model := range models.All() {
			problems = append(problems, checkModel(g, d, model)...)
		}
		if len(problems) > 0 {
			t.Errorf("%d schema mismatch(es) between models.All() and migrations/%s:\n  %s",
				len(problems), d, strings.Join(problems, "\n  "))
		}
	})
}

func checkModel(g *gorm.DB, d db.Dialect, model any) []string {
	stmt := &gorm.Statement{DB: g}
	if err := stmt.Parse(model); err != nil {
		return []string{fmt.Sprintf("%T: parse: %v", model, err)}
	}
	s, table := stmt.Schema, stmt.Table
	if !g.Migrator().HasTable(table) {
		return []string{fmt.Sprintf("%s (%s): table missing", table, s.Name)}
	}
	cols, err := g.Migrator().ColumnTypes(table)
	if err != nil {
		return []string{fmt.Sprintf("%s: column types: %v", table, err)}
	}
	byName := map[string]gorm.ColumnType{}
	for _, c := range cols {
		byName[c.Name()] = c
	}

	var problems []string
	mapped := map[string]bool{}
	for _, f := range s.Fields {
		if f.DBName == "" || !(f.Readable || f.Creatable || f.Updatable) {
			continue // gorm:"-" and relation fields have no column
		}
		mapped[f.DBName] = true
		if _, ok := byName[f.DBName]; !ok {
			problems = append(problems, fmt.Sprintf("%s.%s (%s.%s): column missing", table, f.DBName, s.Name, f.Name))
			continue
		}
		// The SQLite driver turns text into time.Time only for columns
		// declared exactly DATE, DATETIME or TIMESTAMP; DATETIME(6) would
		// fail every read.
		// ColumnTypes drops the "(6)", so ask SQLite for the declared type.
		if d == db.SQLite && f.DataType == schema.Time {
			var decl string
			g.Raw("SELECT type FROM pragma_table_info(?) WHERE name = ?", table, f.DBName).Scan(&decl)
			if !slices.Contains([]string{"DATE", "DATETIME", "TIMESTAMP"}, strings.ToUpper(decl)) {
				problems = append(problems, fmt.Sprintf("%s.%s: declared %q; SQLite time columns must be plain DATETIME",
					table, f.DBName, decl))
			}
		}
	}

	var extra []string
	for name, c := range byName {
		if mapped[name] {
			continue
		}
		nullable, known := c.Nullable()
		_, hasDefault := c.DefaultValue()
		auto, _ := c.AutoIncrement()
		pk, _ := c.PrimaryKey()
		rowid := d == db.SQLite && pk && strings.EqualFold(c.DatabaseTypeName(), "INTEGER")
		if known && !nullable && !hasDefault && !auto && !rowid {
			extra = append(extra, fmt.Sprintf("%s.%s: NOT NULL without default, but %s has no field for it",
				table, name, s.Name))
		}
	}
	sort.Strings(extra)
	return append(problems, extra...)
}
