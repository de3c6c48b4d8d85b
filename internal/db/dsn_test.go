package db

import (
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

func TestNormalizeMySQLDSN(t *testing.T) {
	for _, url := range []string{
		"portal:secret@tcp(127.0.0.1:3306)/portal",
		"mysql://portal:secret@tcp(127.0.0.1:3306)/portal",
		"mysql://portal:secret@tcp(127.0.0.1:3306)/portal?parseTime=false&loc=Local&charset=latin1&collation=latin1_swedish_ci&time_zone=%27SYSTEM%27",
	} {
		d, target := parseURL(url)
		if d != MySQL {
			t.Fatalf("parseURL(%q) dialect = %q", url, d)
		}
		norm, err := normalizeMySQLDSN(target)
		if err != nil {
			t.Fatalf("normalize %q: %v", url, err)
		}
		cfg, err := mysql.ParseDSN(norm)
		if err != nil {
			t.Fatalf("normalized DSN %q does not parse: %v", norm, err)
		}
		if cfg.User != "portal" || cfg.Passwd != "secret" || cfg.Addr != "127.0.0.1:3306" || cfg.DBName != "portal" {
			t.Errorf("%q: identity lost: %+v", url, cfg)
		}
		if !cfg.ParseTime || cfg.Loc != time.UTC || !cfg.InterpolateParams || cfg.Collation != "utf8mb4_unicode_ci" {
			t.Errorf("%q: forced flags missing in %q", url, norm)
		}
		if cfg.Timeout != 5*time.Second || cfg.ReadTimeout != 30*time.Second || cfg.WriteTimeout != 30*time.Second {
			t.Errorf("%q: timeouts = %v/%v/%v", url, cfg.Timeout, cfg.ReadTimeout, cfg.WriteTimeout)
		}
		if cfg.Params["time_zone"] != "'+00:00'" || !strings.Contains(norm, "charset=utf8mb4") ||
			!strings.Contains(cfg.Params["sql_mode"], "STRICT_TRANS_TABLES") {
			t.Errorf("%q: params = %v in %q", url, cfg.Params, norm)
		}
	}
}

func TestNormalizeMySQLDSNKeepsChoices(t *testing.T) {
	norm, err := normalizeMySQLDSN("u@tcp(db:3306)/p?timeout=2s&readTimeout=1m&sql_mode=%27ANSI%27&tls=true")
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := mysql.ParseDSN(norm)
	if cfg.Timeout != 2*time.Second || cfg.ReadTimeout != time.Minute || cfg.WriteTimeout != 30*time.Second {
		t.Errorf("timeouts = %v/%v/%v", cfg.Timeout, cfg.ReadTimeout, cfg.WriteTimeout)
	}
	if cfg.Params["sql_mode"] != "'ANSI'" || cfg.TLSConfig != "true" {
		t.Errorf("user settings lost: %q", norm)
	}
	if _, err := normalizeMySQLDSN("no-slash-here"); err == nil {
		t.Errorf("a malformed DSN was accepted")
	}
}

func TestParseURL(t *testing.T) {
	for url, want := range map[string][2]string{
		"":                        {"sqlite", ""},
		"sqlite:data/x.db":        {"sqlite", "data/x.db"},
		"sqlite:///var/lib/p.db":  {"sqlite", "/var/lib/p.db"},
		"mysql://u:p@tcp(h:1)/d":  {"mysql", "u:p@tcp(h:1)/d"},
		"u:p@unix(/run/m.sock)/d": {"mysql", "u:p@unix(/run/m.sock)/d"},
	} {
		if d, target := parseURL(url); string(d) != want[0] || target != want[1] {
			t.Errorf("parseURL(%q) = %q, %q; want %q", url, d, target, want)
		}
	}
}

func TestRedacted(t *testing.T) {
	for in, want := range map[string]string{
		"mysql://portal:s3cr3t@tcp(127.0.0.1:3306)/portal": "mysql://portal:xxxxx@tcp(127.0.0.1:3306)/portal",
		"portal:p@ss/w:rd@tcp(db:3306)/portal?tls=true":    "portal:xxxxx@tcp(db:3306)/portal?tls=true",
		"root@tcp(127.0.0.1:3306)/":                        "root@tcp(127.0.0.1:3306)/",
		"sqlite:/var/lib/portal/portal.db":                 "sqlite:/var/lib/portal/portal.db",
		"":                                                 "",
		"garbage":                                          "garbage",
	} {
		if got := Redacted(in); got != want {
			t.Errorf("Redacted(%q) = %q, want %q", in, got, want)
		}
	}
}
