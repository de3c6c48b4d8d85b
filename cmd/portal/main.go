// Command portal runs the Yibao Health patient portal and its maintenance commands.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/yibao-health/portal/internal/config"
)

// command is one subcommand: its usage line and what it runs.
type command struct {
	name, args, summary string
	run                 func(ctx context.Context, args []string, out io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "[--demo] [flags]", "serve the portal (the default when no command is given); --demo seeds demo accounts (development only)", runServe},
		{"migrate", "up|status [flags]", "apply pending database migrations, or list them", runMigrate},
		{"audit", "verify [flags]", "check the audit log's hash chain and report the first broken link", runAudit},
		{"keys", "generate|rotate", "generate: print fresh random keys for PORTAL_MASTER_KEY and PORTAL_SESSION_KEYS; rotate: add a new field-encryption key and re-encrypt stored data (resumable)", runKeys},
		{"staff", "create [flags]", "create a staff account (e.g. the first admin) and print its enrolment link", runStaff},
		{"policy", "import [flags]", "create a privacy-policy draft from a plain-text or Markdown document", runPolicy},
		{"seed-scale", "[--patients N] [flags]", "fill the database with a synthetic data set for load tests and query plans (development only)", runSeedScale},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "portal:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") && !isHelp(args[0]) {
		return runServe(ctx, args, out)
	}
	if isHelp(args[0]) || args[0] == "help" {
		usage(out)
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], out)
		}
	}
	usage(os.Stderr)
	return fmt.Errorf("unknown command %q", args[0])
}

func isHelp(a string) bool { return a == "-h" || a == "-help" || a == "--help" }

func usage(w io.Writer) {
	fmt.Fprint(w, `portal — the Yibao Health (医宝健康) patient portal

Usage:
  portal [command] [flags]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %-24s %s\n", c.name, c.args, c.summary)
	}
	fmt.Fprint(w, `
With no command, portal serves on http://localhost:8080 using an embedded SQLite
database in ./data (created on first start, migrations applied, development secrets
generated there). Every flag has an environment variable; a flag wins over it.

Flags and environment variables (all commands take them):
`)
	fmt.Fprint(w, config.Help())
	fmt.Fprint(w, `
MySQL/MariaDB: PORTAL_DATABASE_URL='mysql://USER:PASSWORD@tcp(HOST:3306)/DBNAME'
(utf8mb4, UTC and parseTime are set by the portal). Production (PORTAL_ENV=production)
refuses to start without PORTAL_DATABASE_URL, PORTAL_MASTER_KEY and PORTAL_SESSION_KEYS.

Run "portal COMMAND --help" for a command's flags.
`)
}
