package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/yibao-health/portal/internal/config"
	"github.com/yibao-health/portal/internal/keys"
	"github.com/yibao-health/portal/internal/migrate"
	"github.com/yibao-health/portal/migrations"
	"github.com/yibao-health/portal/models"
)

// keyReloadEvery is how often a serving process re-reads the keysets, so that it
// knows a key `portal keys rotate` added in another process.
const keyReloadEvery = time.Minute

// defaultSettle is how long `portal keys rotate` waits after adding the key before it
// re-encrypts: one reload period of every server, and a margin.
const defaultSettle = keyReloadEvery + 15*time.Second

const keysRotateUsage = `Usage: portal keys rotate [--batch N] [--settle DURATION] [flags]

Adds a new AES-256-GCM key to the field-encryption keyset and makes it primary (new
values are sealed with it), then re-encrypts every stored value of every encrypted
column (models.EncryptedColumns) that is under an older key: in batches of --batch
rows, each committed together with the position reached. A value written
concurrently is never overwritten (each update checks that the value is still the
one read). Pending migrations are applied first (with --auto-migrate=false the
command refuses to run while any are pending).

Resuming: if the command stops for any reason (crash, kill, Ctrl-C, lost database),
run it again. It continues the same rotation after the last committed batch, with
the same key: no second key is added and no committed batch is redone. When every
column is done the rotation is closed and the counts are printed; running the
command after that starts a new rotation with a new key.

Running servers re-read the keysets every minute. After adding the key the command
waits --settle before re-encrypting, so that no server meets a value under a key it
has not loaded yet (a resumed rotation waits only for what is left of it).

Old keys stay in the keyset: backups and any value a server wrote with the old key
before it reloaded keep decrypting. Removing old keys is not supported. The
blind-index key (lookups on phone numbers and e-mail addresses) is never rotated.
Uploaded files keep their own per-file keys; the copies of those keys stored in
the database are re-encrypted like any other column.

`

// afterRotateBatch, when set (by tests only), runs after each committed batch.
var afterRotateBatch func(models.BatchDone)

func runKeysRotate(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("portal keys rotate", flag.ContinueOnError)
	fs.SetOutput(out)
	batch := fs.Int("batch", models.DefaultRotationBatch, "rows read and updated per transaction")
	settle := fs.Duration("settle", defaultSettle, "wait this long after adding the key before re-encrypting (0 when no server runs)")
	config.Register(fs, getenv)
	fs.Usage = func() {
		fmt.Fprint(out, keysRotateUsage+"Flags (configuration flags are also read from their environment variables):\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *batch < 1 {
		return errors.New("--batch must be at least 1")
	}
	if *settle < 0 {
		return errors.New("--settle must not be negative")
	}
	var rest []string
	fs.Visit(func(f *flag.Flag) {
		if f.Name != "batch" && f.Name != "settle" {
			rest = append(rest, "--"+f.Name+"="+f.Value.String())
		}
	})
	rt, closeDB, err := setup(ctx, "keys rotate", rest, out)
	if err != nil {
		return err
	}
	defer closeDB()
	if rt.cfg.AutoMigrate {
		applied, err := migrate.Up(ctx, rt.db, migrations.FS, rt.dialect)
		if err != nil {
			return err
		}
		for _, m := range applied {
			rt.log.Info("migration applied", "version", m.Version, "name", m.Name)
		}
	} else if err := migrate.Check(ctx, rt.db, migrations.FS, rt.dialect); err != nil {
		return fmt.Errorf("%w (run `portal migrate up` first)", err)
	}
	kr, err := keys.Open(ctx, rt.db, rt.cfg.Secrets.MasterKey)
	if err != nil {
		return err
	}
	rot := &models.KeyRotator{DB: rt.db, Keys: kr, Batch: *batch, Settle: *settle,
		Audit: models.AuditContext{ActorKind: models.ActorSystem, RequestID: "cli:keys-rotate"},
		Hooks: models.RotationHooks{
			Started: func(r models.RotationReport, wait time.Duration) {
				switch {
				case r.Retargeted:
					fmt.Fprintf(out, "Rotation #%d continues for key %d: the primary key changed since it started, so every column is walked again.\n", r.RotationID, r.TargetKeyID)
				case r.Resumed:
					fmt.Fprintf(out, "Rotation #%d resumes: re-encrypting under key %d (was %d).\n", r.RotationID, r.TargetKeyID, r.FromKeyID)
				default:
					fmt.Fprintf(out, "Rotation #%d: added key %d as the primary (was %d).\n", r.RotationID, r.TargetKeyID, r.FromKeyID)
				}
				if wait > 0 {
					fmt.Fprintf(out, "Waiting %s for running servers to load the new key (--settle)…\n", wait.Round(time.Second))
				}
			},
			AfterBatch: func(b models.BatchDone) {
				rt.log.Debug("key rotation batch committed", "column", b.Column.Name(), "last_key", b.LastKey,
					"changed", b.Changed, "conflicts", b.Conflicts, "done", b.Done)
				if afterRotateBatch != nil {
					afterRotateBatch(b)
				}
			},
		}}
	rep, err := rot.Run(ctx)
	if rep != nil {
		printRotation(out, rep)
	}
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("key rotation stopped (%w); every committed batch is kept: run `portal keys rotate` again to continue", ctx.Err())
		}
		return fmt.Errorf("%w (committed batches are kept; run `portal keys rotate` again to continue)", err)
	}
	if n := rep.Left(); n > 0 {
		rt.log.Warn("values kept changing under an older key during the rotation; they still decrypt and the next rotation re-encrypts them", "count", n)
	}
	fmt.Fprintf(out, "Rotation #%d complete: %d value(s) re-encrypted in this run, %d in all, under key %d. "+
		"Key %d is no longer primary; it stays in the keyset so that older copies still decrypt.\n",
		rep.RotationID, rep.Changed(), rep.TotalChanged(), rep.TargetKeyID, rep.FromKeyID)
	return nil
}

// printRotation lists what each column went through in this run.
func printRotation(out io.Writer, rep *models.RotationReport) {
	for _, c := range rep.Columns {
		name := c.Table + "." + c.Column
		switch {
		case c.DoneBefore:
			fmt.Fprintf(out, "  %-32s done by an earlier run (%d re-encrypted)\n", name, c.TotalChanged)
		default:
			fmt.Fprintf(out, "  %-32s %d re-encrypted of %d value(s) read", name, c.Changed, c.Scanned)
			if c.TotalChanged != c.Changed {
				fmt.Fprintf(out, " (%d in all runs)", c.TotalChanged)
			}
			if c.Conflicts > 0 {
				fmt.Fprintf(out, ", %d concurrent write(s) kept", c.Conflicts)
			}
			fmt.Fprintln(out)
		}
	}
}

// reloadKeys re-reads the keysets every keyReloadEvery until ctx ends, so that a
// serving process decrypts values sealed with a key `portal keys rotate` added.
func reloadKeys(ctx context.Context, log *slog.Logger, kr *keys.Keyring) {
	t := time.NewTicker(keyReloadEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			before := kr.PrimaryFieldKeyID()
			if err := kr.Reload(ctx); err != nil {
				if ctx.Err() == nil {
					log.Warn("reload keysets", "err", err)
				}
				continue
			}
			if after := kr.PrimaryFieldKeyID(); after != before {
				log.Info("field key rotated", "primary", after, "was", before)
			}
		}
	}
}
