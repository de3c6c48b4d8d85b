package db

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"time"

	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// slogLogger adapts GORM's logger to slog. It logs failed and slow queries
// at Warn, with the SQL text but never the parameter values (they may hold
// personal data); record-not-found is an expected outcome and not logged.
type slogLogger struct {
	log   *slog.Logger
	slow  time.Duration
	level logger.LogLevel
}

func newLogger(l *slog.Logger, slow time.Duration) logger.Interface {
	return &slogLogger{log: l, slow: slow, level: logger.Warn}
}

// LogMode implements logger.Interface.
func (l *slogLogger) LogMode(level logger.LogLevel) logger.Interface {
	c := *l
	c.level = level
	return &c
}

// Info implements logger.Interface for GORM's own messages.
func (l *slogLogger) Info(ctx context.Context, msg string, args ...any) {
	if l.level >= logger.Info {
		l.log.InfoContext(ctx, "db: "+fmt.Sprintf(msg, args...))
	}
}

// Warn implements logger.Interface for GORM's own messages.
func (l *slogLogger) Warn(ctx context.Context, msg string, args ...any) {
	if l.level >= logger.Warn {
		l.log.WarnContext(ctx, "db: "+fmt.Sprintf(msg, args...))
	}
}

// Error implements logger.Interface for GORM's own messages.
func (l *slogLogger) Error(ctx context.Context, msg string, args ...any) {
	if l.level >= logger.Error {
		l.log.ErrorContext(ctx, "db: "+fmt.Sprintf(msg, args...))
	}
}

// Trace implements logger.Interface; GORM calls it after every statement.
func (l *slogLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	if l.level <= logger.Silent {
		return
	}
	elapsed := time.Since(begin)
	failed := err != nil && !errors.Is(err, gorm.ErrRecordNotFound) && l.level >= logger.Error
	slow := l.slow > 0 && elapsed > l.slow && l.level >= logger.Warn
	if !failed && !slow && l.level < logger.Info {
		return
	}
	sql, rows := fc()
	attrs := []any{"sql", sql, "rows", rows, "duration_ms", float64(elapsed.Microseconds()) / 1000}
	switch {
	case failed:
		l.log.WarnContext(ctx, "db: query failed", append(attrs, "error", redactErr(err))...)
	case slow:
		l.log.WarnContext(ctx, "db: slow query", attrs...)
	default:
		l.log.DebugContext(ctx, "db: query", attrs...)
	}
}

// ParamsFilter drops the parameter values before GORM renders the SQL for
// Trace, so logged SQL keeps its ? placeholders.
func (l *slogLogger) ParamsFilter(_ context.Context, sql string, _ ...any) (string, []any) {
	return sql, nil
}

// quoted matches a quoted value inside a MySQL error message.
var quoted = regexp.MustCompile(`'[^']*'`)

// redactErr returns the error text for a log line. MySQL errors about bad
// values quote the value itself ("Incorrect string value: '…' for column"),
// so for those the quoted parts are masked.
func redactErr(err error) string {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		switch me.Number {
		case 1062, 1264, 1265, 1292, 1366, 1367, 1406, 1411:
			return quoted.ReplaceAllString(err.Error(), "'…'")
		}
	}
	return err.Error()
}
