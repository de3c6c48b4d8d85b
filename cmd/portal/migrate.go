package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/yibao-health/portal/internal/migrate"
	"github.com/yibao-health/portal/migrations"
)

func runMigrate(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 || (args[0] != "up" && args[0] != "status") {
		return errors.New("usage: portal migrate up|status [flags]")
	}
	rt, closeDB, err := setup(ctx, "migrate "+args[0], args[1:], out)
	if err != nil {
		return err
	}
	defer closeDB()
	g, dialect := rt.db, rt.dialect
	if args[0] == "up" {
		applied, err := migrate.Up(ctx, g, migrations.FS, dialect)
		if err != nil {
			return err
		}
		for _, m := range applied {
			fmt.Fprintf(out, "applied %04d %s\n", m.Version, m.Name)
		}
		fmt.Fprintf(out, "%d migration(s) applied; the %s schema is up to date\n", len(applied), dialect)
		return nil
	}
	rows, err := migrate.Status(ctx, g, migrations.FS, dialect)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tNAME\tSTATE\tAPPLIED AT")
	for _, r := range rows {
		state, at := "pending", ""
		if r.Applied {
			state = "applied"
			if !r.ChecksumOK {
				state = "applied, FILE CHANGED"
			}
			if r.AppliedAt != nil {
				at = r.AppliedAt.UTC().Format("2006-01-02 15:04:05Z")
			}
		}
		fmt.Fprintf(tw, "%04d\t%s\t%s\t%s\n", r.Version, r.Name, state, at)
	}
	return tw.Flush()
}
