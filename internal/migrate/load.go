// Package migrate applies the portal's versioned SQL migrations. The binary
// runs them itself (`portal migrate`, or at start-up when auto-migration is
// on); GORM's AutoMigrate is never used.
//
// # Files
//
// Migrations live in an fs.FS under <dialect>/NNNN_snake_name.sql (at least
// four digits; the number is the version, unique per dialect). Files not
// ending in .sql are ignored. Applied migrations are recorded in
// schema_migrations with a SHA-256 of the file (CRLF read as LF), and an
// applied file must never change: write a new migration instead.
//
// # Statements
//
// A file is split into statements at every line whose last non-blank
// character is ';'. So each statement must end its line with ';', and no
// string literal may contain a line ending in ';'. Whole-line "--" comments
// are dropped (do not start a line inside a string literal with "--"); use
// no "#" or "/* */" comments. A statement that itself contains ';' line
// ends (a trigger body) goes between two marker lines:
//
//	-- migrate:begin
//	CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
//	BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
//	-- migrate:end
//
// # Transactions
//
// Each migration's statements and its schema_migrations row run in one
// transaction. SQLite DDL is transactional, so a failed SQLite migration
// leaves nothing behind. MySQL commits implicitly at every DDL statement, so
// there a failure can leave earlier statements applied while the version
// stays unrecorded: keep each MySQL migration one DDL-ish unit and make it
// safe to re-run where possible (CREATE TABLE IF NOT EXISTS, …). Inside the
// transaction PRAGMA foreign_keys cannot change on SQLite; a table rebuild
// should use PRAGMA defer_foreign_keys=ON instead.
package migrate

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/yibao-health/portal/internal/db"
)

// Migration is one versioned SQL file for one dialect.
type Migration struct {
	Version  int64  // the NNNN prefix
	Name     string // the snake_name part, without .sql
	Checksum string // hex SHA-256 of the file, CRLF normalised to LF
	SQL      string // the file's contents
}

var fileName = regexp.MustCompile(`^([0-9]{4,})_([a-z0-9_]+)\.sql$`)

// Load reads the migrations for dialect d from fsys, sorted by version. A
// .sql file with a malformed name or a repeated version is an error.
func Load(fsys fs.FS, d db.Dialect) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, string(d))
	if err != nil {
		return nil, fmt.Errorf("migrate: load %s: %w", d, err)
	}
	var ms []Migration
	seen := map[int64]string{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		m := fileName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("migrate: load %s: bad file name %q, want NNNN_snake_name.sql", d, e.Name())
		}
		v, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("migrate: load %s: bad version in %q", d, e.Name())
		}
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrate: load %s: version %d used by %q and %q", d, v, prev, e.Name())
		}
		seen[v] = e.Name()
		body, err := fs.ReadFile(fsys, path.Join(string(d), e.Name()))
		if err != nil {
			return nil, fmt.Errorf("migrate: load %s: %w", d, err)
		}
		text := strings.ReplaceAll(string(body), "\r\n", "\n")
		sum := sha256.Sum256([]byte(text))
		ms = append(ms, Migration{Version: v, Name: m[2], Checksum: hex.EncodeToString(sum[:]), SQL: text})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	return ms, nil
}

// splitStatements cuts a migration into statements as described in the
// package doc, without the trailing ';'.
func splitStatements(src string) []string {
	var (
		out   []string
		cur   strings.Builder
		block bool
	)
	flush := func() {
		s := strings.TrimSpace(cur.String())
		s = strings.TrimSpace(strings.TrimSuffix(s, ";"))
		if s != "" {
			out = append(out, s)
		}
		cur.Reset()
	}
	for _, line := range strings.Split(src, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "-- migrate:begin":
			flush()
			block = true
			continue
		case trimmed == "-- migrate:end":
			flush()
			block = false
			continue
		case strings.HasPrefix(trimmed, "--"):
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if !block && strings.HasSuffix(trimmed, ";") {
			flush()
		}
	}
	flush()
	return out
}
