package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/yibao-health/portal/internal/config"
	"github.com/yibao-health/portal/internal/migrate"
	"github.com/yibao-health/portal/migrations"
	"github.com/yibao-health/portal/models"
)

const staffUsage = `Usage: portal staff create --email ADDRESS --capability CAPABILITY [--capability …] [flags]

Creates a staff account without a password and prints a one-time enrolment link
(PORTAL_PUBLIC_URL/enroll/TOKEN, valid for 72 hours). The invitee opens it, sets a
password and then enrols two-step verification. Use it to bootstrap the first admin;
later staff are invited from the console (/staff/invite) by an admin. Run it again for
an account that has not enrolled yet to get a new link (the old one stops working).

This is the only way to give capabilities without a second admin: in the console an
admin never changes their own capabilities and every change is made by another admin.
Pending migrations are applied first (or, with --auto-migrate=false, the command
refuses to run).

Capabilities (repeat --capability or separate them with commas):
  support           orders and support conversations
  privacy_officer   policy versions, consent statistics, disclosures, incidents, audit log
  admin             accounts, staff invitations, doctor verification

`

// capFlag collects repeated --capability values.
type capFlag []string

func (c *capFlag) String() string     { return strings.Join(*c, ",") }
func (c *capFlag) Set(v string) error { *c = append(*c, v); return nil }

func runStaff(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 || isHelp(args[0]) || args[0] == "help" {
		fmt.Fprint(out, staffUsage)
		if len(args) == 0 {
			return errors.New("usage: portal staff create --email ADDRESS --capability CAPABILITY [flags]")
		}
		return nil
	}
	if args[0] != "create" {
		return fmt.Errorf("unknown staff command %q (usage: portal staff create --email ADDRESS --capability CAPABILITY)", args[0])
	}
	// The command's own flags and the common configuration flags are parsed together,
	// so --help lists both; the configuration flags are then handed to setup.
	fs := flag.NewFlagSet("portal staff create", flag.ContinueOnError)
	fs.SetOutput(out)
	email := fs.String("email", "", "e-mail address of the new staff member (required)")
	var caps capFlag
	fs.Var(&caps, "capability", "support, privacy_officer or admin; repeat it or separate with commas (at least one)")
	config.Register(fs, getenv)
	fs.Usage = func() {
		fmt.Fprint(out, staffUsage+"Flags (configuration flags are also read from their environment variables):\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *email == "" {
		return errors.New("--email is required")
	}
	capList, err := models.ParseCaps(caps)
	if err != nil {
		return errors.New("--capability: give one or more of support, privacy_officer, admin")
	}
	var rest []string
	fs.Visit(func(f *flag.Flag) {
		if f.Name != "email" && f.Name != "capability" {
			rest = append(rest, "--"+f.Name+"="+f.Value.String())
		}
	})
	return createStaff(ctx, rest, out, models.StaffInvite{Email: *email, Caps: capList})
}

// createStaff opens the database (applying migrations like serve), creates the account
// and prints the enrolment link.
func createStaff(ctx context.Context, configArgs []string, out io.Writer, in models.StaffInvite) error {
	rt, closeDB, err := setup(ctx, "staff create", configArgs, out)
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
	notifier, _, err := newNotifier(rt.cfg, rt.db, rt.log)
	if err != nil {
		return err
	}
	accounts, err := newAccounts(ctx, rt, notifier)
	if err != nil {
		return err
	}
	actx := models.AuditContext{ActorKind: models.ActorSystem, RequestID: "cli:staff-create"}
	u, token, err := accounts.BootstrapStaff(ctx, in, actx)
	if err != nil {
		if e := models.AsError(err); e != nil {
			switch e.Key {
			case "contact.taken", "username.taken":
				return reissueLink(ctx, accounts, rt.cfg.PublicURL, in.Email, actx, out)
			case "contact.invalid":
				return errors.New("--email: not a valid e-mail address")
			}
		}
		return err
	}
	fmt.Fprintf(out, "Created staff account #%d with capabilities %s.\n", u.ID, u.Capabilities)
	fmt.Fprintf(out, "One-time enrolment link (valid for %d hours; give it only to the new staff member):\n%s\n",
		int(models.EnrollmentTTL.Hours()), models.EnrollURL(rt.cfg.PublicURL, token))
	return nil
}

// reissueLink prints a new link for a staff account that has not enrolled yet (its
// first link expired or was lost); any other existing account is an error.
func reissueLink(ctx context.Context, accounts *models.Accounts, publicURL, email string, actx models.AuditContext, out io.Writer) error {
	u, token, err := accounts.ReissueBootstrapLink(ctx, email, actx)
	if models.IsNotFound(err) {
		return errors.New("an account with this e-mail address already exists (and has enrolled, or is not a staff account)")
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Staff account #%d has not enrolled yet; its capabilities stay %s and earlier links no longer work.\n", u.ID, u.Capabilities)
	fmt.Fprintf(out, "New one-time enrolment link (valid for %d hours; give it only to the new staff member):\n%s\n",
		int(models.EnrollmentTTL.Hours()), models.EnrollURL(publicURL, token))
	return nil
}
