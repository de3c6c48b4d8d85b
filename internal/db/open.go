package db

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Dialect names the SQL dialect of an open database; it selects the
// migration directory and dialect-specific SQL.
type Dialect string

// The supported dialects.
const (
	MySQL  Dialect = "mysql"
	SQLite Dialect = "sqlite"
)

// Options configures Open. Zero values select the defaults noted per field.
type Options struct {
	URL             string        // see the package doc; empty means SQLite in DataDir
	DataDir         string        // directory of the default SQLite file
	MaxOpenConns    int           // default 20
	MaxIdleConns    int           // default 10
	ConnMaxLifetime time.Duration // default 5 min; MySQL lowers it below wait_timeout
	Logger          *slog.Logger  // default slog.Default()
	SlowThreshold   time.Duration // queries slower than this are logged; default 200 ms
}

func (o *Options) setDefaults() {
	if o.MaxOpenConns <= 0 {
		o.MaxOpenConns = 20
	}
	if o.MaxIdleConns <= 0 {
		o.MaxIdleConns = 10
	}
	if o.ConnMaxLifetime <= 0 {
		o.ConnMaxLifetime = 5 * time.Minute
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.SlowThreshold <= 0 {
		o.SlowThreshold = 200 * time.Millisecond
	}
}

// Open connects to the database named by o.URL, applies the portal's
// connection settings and returns the GORM handle and its dialect. It does
// not migrate; see package migrate.
func Open(ctx context.Context, o Options) (*gorm.DB, Dialect, error) {
	o.setDefaults()
	d, target := parseURL(o.URL)
	cfg := gormConfig(o)
	var (
		g   *gorm.DB
		err error
	)
	switch d {
	case SQLite:
		g, err = openSQLite(ctx, target, o, cfg)
	default:
		g, err = openMySQL(ctx, target, o, cfg)
	}
	if err != nil {
		return nil, "", err
	}
	return g, d, nil
}

// parseURL splits a database URL into its dialect and the driver-level target
// (a file path for SQLite, a DSN for MySQL). An empty target for SQLite means
// the default file in the data directory.
func parseURL(url string) (Dialect, string) {
	switch {
	case url == "":
		return SQLite, ""
	case strings.HasPrefix(url, "sqlite://"):
		return SQLite, strings.TrimPrefix(url, "sqlite://")
	case strings.HasPrefix(url, "sqlite:"):
		return SQLite, strings.TrimPrefix(url, "sqlite:")
	default:
		return MySQL, strings.TrimPrefix(url, "mysql://")
	}
}

func gormConfig(o Options) *gorm.Config {
	return &gorm.Config{
		// Unique and foreign-key violations come back as gorm.ErrDuplicatedKey
		// and gorm.ErrForeignKeyViolated on both dialects.
		TranslateError: true,
		// MySQL uses interpolateParams instead (one round trip per query);
		// SQLite gains little and the query counter in dbtest stays simple.
		PrepareStmt: false,
		Logger:      newLogger(o.Logger, o.SlowThreshold),
		// MySQL DATETIME(6) keeps microseconds; truncating here makes a value
		// read back equal to the value written, on both dialects.
		NowFunc: func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
	}
}

// Ping checks that the database answers, for the readiness probe. Without a
// deadline on ctx it waits at most two seconds.
func Ping(ctx context.Context, g *gorm.DB) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
	}
	sqlDB, err := g.DB()
	if err != nil {
		return fmt.Errorf("db: ping: %w", err)
	}
	var one int
	if err := sqlDB.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("db: ping: %w", err)
	}
	return nil
}
