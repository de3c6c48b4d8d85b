package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/config"
	"github.com/yibao-health/portal/internal/db"
)

// env is the process environment; tests replace it.
var getenv = os.Getenv

// parseConfig parses a command's flags into a Config and prepares its secrets.
func parseConfig(name string, args []string, out io.Writer) (config.Config, *flag.FlagSet, error) {
	fs := flag.NewFlagSet("portal "+name, flag.ContinueOnError)
	fs.SetOutput(out)
	build := config.Register(fs, getenv)
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: portal %s [flags]\n\nFlags (each also read from its environment variable):\n", name)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return config.Config{}, fs, err
	}
	cfg, err := build()
	if err != nil {
		return cfg, fs, fmt.Errorf("configuration: %s", strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	return cfg, fs, nil
}

// newLogger builds the process logger; the level and format come from the config.
func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// openDB prepares secrets and opens the configured database.
func openDB(ctx context.Context, cfg *config.Config, log *slog.Logger) (*gorm.DB, db.Dialect, error) {
	generated, err := cfg.Prepare()
	if err != nil {
		return nil, "", err
	}
	if generated != "" {
		log.Warn("development mode: generated secrets (never use them in production)", "file", generated)
	}
	g, d, err := db.Open(ctx, db.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, Logger: log})
	if err != nil {
		return nil, "", err
	}
	return g, d, nil
}

// runtime is what a command that touches the database needs.
type runtime struct {
	cfg     config.Config
	log     *slog.Logger
	db      *gorm.DB
	dialect db.Dialect
}

// setup parses a command's flags, prepares secrets and opens the database; the caller
// must call close when done.
func setup(ctx context.Context, name string, args []string, out io.Writer) (*runtime, func(), error) {
	cfg, _, err := parseConfig(name, args, out)
	if err != nil {
		return nil, nil, err
	}
	log := newLogger(cfg, os.Stderr)
	g, d, err := openDB(ctx, &cfg, log)
	if err != nil {
		return nil, nil, err
	}
	closeDB := func() {
		if sqlDB, err := g.DB(); err == nil {
			_ = sqlDB.Close()
		}
	}
	return &runtime{cfg: cfg, log: log, db: g, dialect: d}, closeDB, nil
}
