package db

import (
	"context"
	"fmt"
	"time"

	"github.com/go-sql-driver/mysql"
	gormmysql "gorm.io/driver/mysql"
	"gorm.io/gorm"
)

// strictSQLMode is MySQL 8's default sql_mode. MariaDB's default is laxer
// (no NO_ZERO_DATE, no ONLY_FULL_GROUP_BY), so forcing it makes tests on
// MariaDB fail where production on MySQL 8 would.
const strictSQLMode = "'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE," +
	"NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'"

// normalizeMySQLDSN parses a go-sql-driver DSN (without the mysql:// prefix)
// and forces the settings the portal relies on: times parsed as UTC, a UTC
// session time zone, utf8mb4 with a case-insensitive Unicode collation,
// client-side parameter interpolation and bounded network timeouts.
func normalizeMySQLDSN(dsn string) (string, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return "", fmt.Errorf("db: parse mysql dsn: %w", err)
	}
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	cfg.InterpolateParams = true
	// Charset sets both the connection charset and Collation.
	if err := cfg.Apply(mysql.Charset("utf8mb4", "utf8mb4_unicode_ci")); err != nil {
		return "", fmt.Errorf("db: mysql charset: %w", err)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	if cfg.ReadTimeout == 0 {
		cfg.ReadTimeout = 30 * time.Second
	}
	if cfg.WriteTimeout == 0 {
		cfg.WriteTimeout = 30 * time.Second
	}
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	// Params are sent as SET statements at connect time.
	cfg.Params["time_zone"] = "'+00:00'"
	delete(cfg.Params, "charset") // carried by the Charset option above
	if _, ok := cfg.Params["sql_mode"]; !ok {
		cfg.Params["sql_mode"] = strictSQLMode
	}
	return cfg.FormatDSN(), nil
}

func openMySQL(ctx context.Context, dsn string, o Options, cfg *gorm.Config) (*gorm.DB, error) {
	norm, err := normalizeMySQLDSN(dsn)
	if err != nil {
		return nil, err
	}
	g, err := gorm.Open(gormmysql.New(gormmysql.Config{DSN: norm}), cfg)
	if err != nil {
		return nil, fmt.Errorf("db: open mysql %s: %w", Redacted(dsn), err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, fmt.Errorf("db: open mysql: %w", err)
	}
	sqlDB.SetMaxOpenConns(o.MaxOpenConns)
	sqlDB.SetMaxIdleConns(o.MaxIdleConns)

	// A pooled connection the server has already closed for idleness fails
	// the next query, so connections must be retired before wait_timeout.
	var waitSeconds int64
	if err := sqlDB.QueryRowContext(ctx, "SELECT @@wait_timeout").Scan(&waitSeconds); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("db: read wait_timeout: %w", err)
	}
	lifetime := o.ConnMaxLifetime
	if wait := time.Duration(waitSeconds) * time.Second; wait > 0 && lifetime >= wait {
		lifetime = wait / 2
		o.Logger.Info("db: connection lifetime lowered below the server's wait_timeout",
			"wait_timeout", wait.String(), "conn_max_lifetime", lifetime.String())
	}
	sqlDB.SetConnMaxLifetime(lifetime)
	return g, nil
}
