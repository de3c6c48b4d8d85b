package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
)

// server is the shared admin connection that creates and drops the test
// databases; it is opened once per test binary and never closed.
var server struct {
	once  sync.Once
	admin *gorm.DB
	cfg   *mysql.Config
	err   error
}

func adminConn(dsn string) (*gorm.DB, *mysql.Config, error) {
	server.once.Do(func() {
		server.cfg, server.err = mysql.ParseDSN(strings.TrimPrefix(dsn, "mysql://"))
		if server.err != nil {
			return
		}
		o := options(dsn)
		o.MaxOpenConns, o.MaxIdleConns = 2, 1
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		server.admin, _, server.err = db.Open(ctx, o)
	})
	return server.admin, server.cfg, server.err
}

// mysqlDatabase creates portal_t_<random hex> on the server named by
// PORTAL_TEST_MYSQL_DSN, registers its DROP, and returns its URL. Without a
// server it skips t, or fails it when PORTAL_TEST_REQUIRE lists mysql.
func mysqlDatabase(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("PORTAL_TEST_MYSQL_DSN")
	if dsn == "" {
		if Required("mysql") {
			t.Fatalf("dbtest: PORTAL_TEST_REQUIRE lists mysql but PORTAL_TEST_MYSQL_DSN is not set")
		}
		t.Skip("dbtest: PORTAL_TEST_MYSQL_DSN not set; MySQL tests skipped")
	}
	admin, cfg, err := adminConn(dsn)
	if err != nil {
		if Required("mysql") {
			t.Fatalf("dbtest: MySQL at %s unreachable (PORTAL_TEST_REQUIRE lists mysql): %v", db.Redacted(dsn), err)
		}
		t.Skipf("dbtest: MySQL at %s unreachable; MySQL tests skipped: %v", db.Redacted(dsn), err)
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	name := "portal_t_" + hex.EncodeToString(b)
	err = admin.Exec(fmt.Sprintf("CREATE DATABASE %s CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", name)).Error
	if err != nil {
		t.Fatalf("dbtest: create database %s: %v", name, err)
	}
	// Registered before the pool's Close, so it runs after it (LIFO).
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := admin.WithContext(ctx).Exec("DROP DATABASE IF EXISTS " + name).Error; err != nil {
			t.Errorf("dbtest: drop database %s: %v", name, err)
		}
	})
	c := cfg.Clone()
	c.DBName = name
	return "mysql://" + c.FormatDSN()
}
