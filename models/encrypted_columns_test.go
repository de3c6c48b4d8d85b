package models_test

import (
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/yibao-health/portal/internal/keys"
	"github.com/yibao-health/portal/migrations"
	"github.com/yibao-health/portal/models"
)

// TestEncryptedColumnsCoverMigrations fails when a migration creates an *_enc column
// that models.EncryptedColumns does not list (key rotation would never re-encrypt
// it), or when an entry names a column no migration creates. Both dialects'
// migrations must agree.
func TestEncryptedColumnsCoverMigrations(t *testing.T) {
	mysql, err := encColumnsInMigrations(migrations.FS, "mysql")
	if err != nil {
		t.Fatal(err)
	}
	if len(mysql) == 0 {
		t.Fatal("no *_enc column found in migrations/mysql: the parser is broken")
	}
	for _, p := range registryProblems(mysql, models.EncryptedColumns) {
		t.Error(p)
	}
	sqlite, err := encColumnsInMigrations(migrations.FS, "sqlite")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(mysql, sqlite) {
		t.Errorf("*_enc columns differ between the dialects:\n  mysql  %v\n  sqlite %v", mysql, sqlite)
	}
	for _, c := range models.EncryptedColumns {
		if err := c.Validate(); err != nil {
			t.Error(err)
		}
	}
}

// The check itself: a new migration adding encrypted columns (in a new table and to
// an existing one) is reported until the registry lists them; dropped ones leave.
func TestEncryptedColumnsCheckCatchesNewColumns(t *testing.T) {
	fsys := fstest.MapFS{
		"mysql/0001_a.sql": {Data: []byte("-- a table\nCREATE TABLE IF NOT EXISTS users (\n  id BIGINT NOT NULL,\n" +
			"  phone_enc TEXT NULL,\n  `email_enc` TEXT NULL,\n  gone_enc TEXT NULL,\n  PRIMARY KEY (id)\n) ENGINE=InnoDB;\n")},
		"mysql/0002_b.sql": {Data: []byte("CREATE TABLE notes (\n  id BIGINT NOT NULL,\n  body_enc MEDIUMTEXT NOT NULL,\n" +
			"  KEY idx_notes_enc (body_enc(10))\n);\nALTER TABLE users ADD COLUMN secret_enc TEXT NULL, DROP COLUMN gone_enc;\n" +
			"CREATE TABLE old (x_enc TEXT);\nDROP TABLE IF EXISTS old;\n")},
	}
	got, err := encColumnsInMigrations(fsys, "mysql")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"notes.body_enc", "users.email_enc", "users.phone_enc", "users.secret_enc"}
	if !slices.Equal(got, want) {
		t.Fatalf("parsed %v, want %v", got, want)
	}
	reg := []models.EncryptedColumn{
		{Table: "users", Column: "phone_enc", ADColumn: "phone", Key: "id", Owner: "id", Encoding: models.Base64},
		{Table: "users", Column: "email_enc", ADColumn: "email", Key: "id", Owner: "id", Encoding: models.Base64},
		{Table: "users", Column: "stale_enc", ADColumn: "stale", Key: "id", Owner: "id", Encoding: models.Base64},
	}
	problems := strings.Join(registryProblems(got, reg), "\n")
	for _, w := range []string{"notes.body_enc", "users.secret_enc", "users.stale_enc"} {
		if !strings.Contains(problems, w) {
			t.Errorf("problems do not name %s:\n%s", w, problems)
		}
	}
	if strings.Contains(problems, "users.phone_enc") {
		t.Errorf("a listed column is reported:\n%s", problems)
	}
}

func TestEncryptedColumnValidate(t *testing.T) {
	good := models.EncryptedColumn{Table: "t", Column: "c_enc", ADColumn: "c", Key: "id", Owner: "user_id", Encoding: models.Base64}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, mut := range map[string]func(*models.EncryptedColumn){
		"table":      func(c *models.EncryptedColumn) { c.Table = "t; DROP TABLE users" },
		"key":        func(c *models.EncryptedColumn) { c.Key = "" },
		"ad column":  func(c *models.EncryptedColumn) { c.ADColumn = "" },
		"owner":      func(c *models.EncryptedColumn) { c.Owner = "" },
		"encoding":   func(c *models.EncryptedColumn) { c.Encoding = 0 },
		"half codec": func(c *models.EncryptedColumn) { c.KeyID = keys.FieldKeyID },
	} {
		c := good
		mut(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("%s: Validate accepted %+v", name, c)
		}
	}
}

func registryProblems(inMigrations []string, reg []models.EncryptedColumn) []string {
	var problems []string
	listed := map[string]bool{}
	for _, c := range reg {
		listed[c.Name()] = true
		if !slices.Contains(inMigrations, c.Name()) {
			problems = append(problems, fmt.Sprintf("models.EncryptedColumns lists %s, which no migration creates", c.Name()))
		}
	}
	for _, n := range inMigrations {
		if !listed[n] {
			problems = append(problems, fmt.Sprintf("%s is an encrypted column (a migration creates it) but models.EncryptedColumns "+
				"does not list it, so `portal keys rotate` would leave it under the old key: add an entry in models/encrypted_columns.go", n))
		}
	}
	return problems
}

var (
	reCreate   = regexp.MustCompile("(?is)^CREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?`?(\\w+)`?\\s*\\((.*)\\)")
	reAlter    = regexp.MustCompile("(?is)^ALTER\\s+TABLE\\s+`?(\\w+)`?\\s+(.*)$")
	reDrop     = regexp.MustCompile("(?is)^DROP\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?`?(\\w+)`?")
	reAddCol   = regexp.MustCompile("(?i)\\bADD\\s+(?:COLUMN\\s+)?(?:IF\\s+NOT\\s+EXISTS\\s+)?`?(\\w+)`?")
	reDropCol  = regexp.MustCompile("(?i)\\bDROP\\s+(?:COLUMN\\s+)?(?:IF\\s+EXISTS\\s+)?`?(\\w+)`?")
	reRenCol   = regexp.MustCompile("(?i)\\b(?:RENAME\\s+COLUMN|CHANGE\\s+(?:COLUMN\\s+)?)`?(\\w+)`?\\s+(?:TO\\s+)?`?(\\w+)`?")
	reColumnLn = regexp.MustCompile("^`?(\\w+)`?\\s")
)

// encColumnsInMigrations replays the CREATE TABLE, ALTER TABLE and DROP TABLE
// statements of dialect's migrations and returns the *_enc columns that exist at
// the end, as sorted "table.column".
func encColumnsInMigrations(fsys fs.FS, dialect string) ([]string, error) {
	files, err := fs.Glob(fsys, dialect+"/*.sql")
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	cols := map[string]map[string]bool{}
	enc := func(c string) bool { return strings.HasSuffix(strings.ToLower(c), "_enc") }
	for _, f := range files {
		raw, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		var lines []string
		for _, l := range strings.Split(string(raw), "\n") {
			if !strings.HasPrefix(strings.TrimSpace(l), "--") {
				lines = append(lines, l)
			}
		}
		for _, stmt := range strings.Split(strings.Join(lines, "\n"), ";\n") {
			stmt = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(stmt), ";"))
			if m := reCreate.FindStringSubmatch(stmt); m != nil {
				table := strings.ToLower(m[1])
				cols[table] = map[string]bool{}
				for _, l := range strings.Split(m[2], "\n") {
					if c := reColumnLn.FindStringSubmatch(strings.TrimSpace(l) + " "); c != nil && enc(c[1]) {
						cols[table][strings.ToLower(c[1])] = true
					}
				}
			} else if m := reAlter.FindStringSubmatch(stmt); m != nil {
				table := strings.ToLower(m[1])
				if cols[table] == nil {
					cols[table] = map[string]bool{}
				}
				for _, c := range reDropCol.FindAllStringSubmatch(m[2], -1) {
					delete(cols[table], strings.ToLower(c[1]))
				}
				for _, c := range reRenCol.FindAllStringSubmatch(m[2], -1) {
					delete(cols[table], strings.ToLower(c[1]))
					if enc(c[2]) {
						cols[table][strings.ToLower(c[2])] = true
					}
				}
				for _, c := range reAddCol.FindAllStringSubmatch(m[2], -1) {
					if enc(c[1]) {
						cols[table][strings.ToLower(c[1])] = true
					}
				}
			} else if m := reDrop.FindStringSubmatch(stmt); m != nil {
				delete(cols, strings.ToLower(m[1]))
			}
		}
	}
	var out []string
	for table, cs := range cols {
		for c := range cs {
			out = append(out, table+"."+c)
		}
	}
	slices.Sort(out)
	return out, nil
}
