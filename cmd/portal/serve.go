package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/yibao-health/portal/handlers"
	"github.com/yibao-health/portal/internal/blob"
	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/migrate"
	"github.com/yibao-health/portal/internal/server"
	"github.com/yibao-health/portal/migrations"
	"github.com/yibao-health/portal/models"
)

func runServe(ctx context.Context, args []string, out io.Writer) error {
	started := time.Now()
	args, demo := takeFlag(args, "demo")
	rt, closeDB, err := setup(ctx, "serve", args, out)
	if err != nil {
		return err
	}
	defer closeDB()
	cfg, log, g, dialect := rt.cfg, rt.log, rt.db, rt.dialect
	if demo && cfg.Production() {
		return fmt.Errorf("--demo seeds accounts with a published password and is refused in production")
	}
	if cfg.AutoMigrate {
		applied, err := migrate.Up(ctx, g, migrations.FS, dialect)
		if err != nil {
			return err
		}
		for _, m := range applied {
			log.Info("migration applied", "version", m.Version, "name", m.Name)
		}
	} else if err := migrate.Check(ctx, g, migrations.FS, dialect); err != nil {
		return fmt.Errorf("%w (run `portal migrate up`)", err)
	}
	if v, err := models.EnsureInitialPolicy(ctx, g, time.Now()); err != nil {
		return err
	} else if v != nil {
		log.Info("initial privacy policy published", "version", v.Version)
	}
	notifier, outbox, err := newNotifier(cfg, g, log)
	if err != nil {
		return err
	}
	notifier.MarketingAllowed = models.MarketingConsent // marketing only with a current opt-in
	accounts, err := newAccounts(ctx, rt, notifier)
	if err != nil {
		return err
	}
	sessions, err := handlers.NewSessionStore(g, cfg)
	if err != nil {
		return err
	}
	if demo {
		if err := seedDemo(ctx, accounts, out); err != nil {
			return err
		}
	}
	go sweep(ctx, log, sessions, accounts)
	go reloadKeys(ctx, log, accounts.Keys) // picks up `portal keys rotate` (keys.go)
	blobs, err := blob.Open(cfg.Blob.URL, cfg.DataDir, cfg.Blob.AccessKey, cfg.Blob.SecretKey)
	if err != nil {
		return err // one line; never a fallback to the local directory
	}
	log.Info("blob store", "at", blob.Describe(cfg.Blob.URL, cfg.DataDir))
	if demo {
		if err := seedDemoConsultation(ctx, accounts, blobs, out); err != nil {
			return err
		}
		if err := seedDemoShop(ctx, accounts, cfg.Secrets.MasterKey, out); err != nil {
			return err
		}
	}
	// Before serving: blobs of uploads that failed or crashed (models/documents_delete.go).
	if n, err := models.SweepOrphanBlobs(ctx, g, blobs, time.Now().Add(-models.OrphanGrace)); err != nil {
		log.Warn("orphan blob sweep failed", "err", err)
	} else if n > 0 {
		log.Info("orphan blobs removed", "count", n)
	}
	// ID numbers stored before their blind index existed (migration 0018): emergency
	// access finds patients by it. Idempotent; several servers may run it at once.
	if n, err := accounts.IndexIDNumbers(ctx, 500); err != nil {
		log.Warn("id-number index backfill failed", "err", err)
	} else if n > 0 {
		log.Info("id-number index backfilled", "count", n)
	}
	deps := handlers.Deps{Config: cfg, DB: g, Log: log, Notifier: notifier, Outbox: outbox,
		Accounts: accounts, Sessions: sessions, Blobs: blobs}
	app, err := handlers.New(deps)
	if err != nil {
		return err
	}
	go expireOrders(ctx, log, app.Orders())
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	return server.Run(ctx, ln, app.Handler(), server.Options{
		ShutdownTimeout: cfg.ShutdownTimeout,
		RequestTimeout:  cfg.RequestTimeout,
		Log:             log,
		Ready: func(addr net.Addr) {
			fmt.Fprintf(out, "Yibao Health portal serving at %s (%s, %s database %s, ready in %s)\n",
				browseURL(addr), cfg.Env, dialect, db.Redacted(databaseName(cfg.DatabaseURL, cfg.DataDir)),
				time.Since(started).Round(time.Millisecond))
		},
	})
}

// browseURL is the address a person can open: a wildcard listener is shown as localhost.
func browseURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() || ip.IsLoopback() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

func databaseName(url, dataDir string) string {
	if url == "" {
		return dataDir + "/portal.db"
	}
	return url
}

// takeFlag removes a boolean flag (-name or --name) from args and reports whether it
// was there; serve-only switches are not configuration settings.
func takeFlag(args []string, name string) ([]string, bool) {
	out := args[:0:0]
	found := false
	for _, a := range args {
		if a == "-"+name || a == "--"+name {
			found = true
			continue
		}
		out = append(out, a)
	}
	return out, found
}
