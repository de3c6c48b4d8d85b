package migrate

import (
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/yibao-health/portal/internal/db"
)

func TestSplitStatements(t *testing.T) {
	src := `-- header comment;
CREATE TABLE a (
  x TEXT DEFAULT 'a;b'
);
  -- indented comment
INSERT INTO a VALUES ('1');   
INSERT INTO a
VALUES ('2');
-- migrate:begin
CREATE TRIGGER t BEGIN
  SELECT 1;
END;
-- migrate:end
SELECT 3`
	want := []string{
		"CREATE TABLE a (\n  x TEXT DEFAULT 'a;b'\n)",
		"INSERT INTO a VALUES ('1')",
		"INSERT INTO a\nVALUES ('2')",
		"CREATE TRIGGER t BEGIN\n  SELECT 1;\nEND",
		"SELECT 3",
	}
	if got := splitStatements(src); !reflect.DeepEqual(got, want) {
		t.Errorf("splitStatements:\n got %q\nwant %q", got, want)
	}
	if got := splitStatements("-- only a comment\n\n"); len(got) != 0 {
		t.Errorf("comment-only file gave %q", got)
	}
}

func TestLoad(t *testing.T) {
	fsys := fstest.MapFS{
		"sqlite/0010_later.sql":  {Data: []byte("SELECT 10;\n")},
		"sqlite/0002_second.sql": {Data: []byte("SELECT 2;\r\n")},
		"sqlite/0001_first.sql":  {Data: []byte("SELECT 1;\n")},
		"sqlite/notes.md":        {Data: []byte("ignored")},
	}
	ms, err := Load(fsys, db.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, m := range ms {
		got = append(got, m.Version)
	}
	if !reflect.DeepEqual(got, []int64{1, 2, 10}) || ms[1].Name != "second" {
		t.Fatalf("Load order/names: %v %+v", got, ms)
	}
	// CRLF is read as LF, so a Windows checkout does not change checksums.
	lf, _ := Load(fstest.MapFS{"sqlite/0002_second.sql": {Data: []byte("SELECT 2;\n")}}, db.SQLite)
	if lf[0].Checksum != ms[1].Checksum || len(ms[1].Checksum) != 64 {
		t.Errorf("checksum differs between CRLF and LF: %s vs %s", ms[1].Checksum, lf[0].Checksum)
	}
}

func TestLoadRejects(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"bad name":    {"mysql/1_short.sql": {Data: []byte("SELECT 1;")}},
		"upper case":  {"mysql/0001_Create.sql": {Data: []byte("SELECT 1;")}},
		"version 0":   {"mysql/0000_zero.sql": {Data: []byte("SELECT 1;")}},
		"duplicate":   {"mysql/0001_a.sql": {Data: []byte("SELECT 1;")}, "mysql/0001_b.sql": {Data: []byte("SELECT 2;")}},
		"missing dir": {"sqlite/0001_a.sql": {Data: []byte("SELECT 1;")}},
	} {
		if _, err := Load(fsys, db.MySQL); err == nil || !strings.HasPrefix(err.Error(), "migrate: load mysql") {
			t.Errorf("%s: Load error = %v, want a load error", name, err)
		}
	}
}
