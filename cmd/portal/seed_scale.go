package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/yibao-health/portal/internal/config"
	"github.com/yibao-health/portal/internal/migrate"
	"github.com/yibao-health/portal/migrations"
	"github.com/yibao-health/portal/models"
)

const seedScaleUsage = `Usage: portal seed-scale [--patients N] [--doctors N] [--documents N] [--consultations-per-doctor N] [--access-rows N] [flags]

Fills the database with a synthetic data set for load tests and query plans
(development only; refused when PORTAL_ENV=production): patients with identities
and accepted terms and health-data consents, verified doctors, documents (rows
only, no files), consultations in every state with their shares and messages, and
access-log rows. Everything is encrypted and indexed like the portal does it, so
every seeded account can sign in: patients 170NNNNNNNN and doctors 171NNNNNNNN
(N from 0), password ` + DemoPassword + `, doctors' TOTP secret ` + DemoTOTPSecret + `.
Inserts go in batches of 1000 rows, 10000 rows per transaction. It refuses to run
twice on the same database. Pending migrations are applied first.

`

func runSeedScale(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("portal seed-scale", flag.ContinueOnError)
	fs.SetOutput(out)
	s := models.ScaleSeed{Password: DemoPassword, TOTPSecret: DemoTOTPSecret}
	fs.IntVar(&s.Patients, "patients", 10000, "patients to create")
	fs.IntVar(&s.Doctors, "doctors", 200, "verified doctors to create")
	fs.IntVar(&s.Documents, "documents", 200000, "documents, spread evenly over the patients")
	fs.IntVar(&s.ConsultationsPerDoctor, "consultations-per-doctor", 50, "consultations of each doctor (3 in 10 new, 4 active, 3 closed)")
	fs.IntVar(&s.AccessPerPatient, "access-rows", 20, "access-log rows of each patient who has a consultation")
	config.Register(fs, getenv)
	fs.Usage = func() {
		fmt.Fprint(out, seedScaleUsage+"Flags (configuration flags are also read from their environment variables):\n")
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
	own := map[string]bool{"patients": true, "doctors": true, "documents": true, "consultations-per-doctor": true, "access-rows": true}
	var rest []string
	fs.Visit(func(f *flag.Flag) {
		if !own[f.Name] {
			rest = append(rest, "--"+f.Name+"="+f.Value.String())
		}
	})
	cfg, _, err := parseConfig("seed-scale", rest, out)
	if err != nil {
		return err
	}
	// Refused before anything is opened: the seed publishes a known password.
	if cfg.Production() {
		return errors.New("seed-scale creates accounts with a published password and is refused in production")
	}
	rt, closeDB, err := setup(ctx, "seed-scale", rest, out)
	if err != nil {
		return err
	}
	defer closeDB()
	if rt.cfg.AutoMigrate {
		if _, err := migrate.Up(ctx, rt.db, migrations.FS, rt.dialect); err != nil {
			return err
		}
	} else if err := migrate.Check(ctx, rt.db, migrations.FS, rt.dialect); err != nil {
		return fmt.Errorf("%w (run `portal migrate up` first)", err)
	}
	// The terms consents name the policy in force, as serve would publish it.
	if _, err := models.EnsureInitialPolicy(ctx, rt.db, time.Now()); err != nil {
		return err
	}
	accounts, err := newAccounts(ctx, rt, nil)
	if err != nil {
		return err
	}
	started, last := time.Now(), ""
	s.Progress = func(stage string, done, total int) {
		if stage != last && last != "" {
			fmt.Fprintln(out)
		}
		last = stage
		fmt.Fprintf(out, "\r  %-22s %8d / %-8d %6.1fs", stage, done, total, time.Since(started).Seconds())
		if f, ok := out.(*os.File); ok {
			_ = f.Sync()
		}
	}
	fmt.Fprintf(out, "Seeding %d patients, %d doctors, %d documents, %d consultations per doctor, %d access rows per patient (%s)\n",
		s.Patients, s.Doctors, s.Documents, s.ConsultationsPerDoctor, s.AccessPerPatient, rt.dialect)
	res, err := models.SeedScale(ctx, accounts, s)
	if last != "" {
		fmt.Fprintln(out)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Done in %s: %d patients (ids %d…), %d doctors (ids %d…), %d identities, %d documents, %d consultations, %d shares, %d messages, %d consent records, %d access-log rows.\n",
		time.Since(started).Round(100*time.Millisecond), res.Patients, res.FirstPatient, res.Doctors, res.FirstDoctor, res.Identities,
		res.Documents, res.Consultations, res.Shares, res.Messages, res.Consents, res.AccessRows)
	fmt.Fprintf(out, "Sign in as patient %s or doctor %s with password %s (doctors: TOTP secret %s).\n",
		models.ScalePatientPhone(0), models.ScaleDoctorPhone(0), DemoPassword, DemoTOTPSecret)
	return nil
}
