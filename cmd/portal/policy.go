package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/config"
	"github.com/yibao-health/portal/internal/migrate"
	"github.com/yibao-health/portal/migrations"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/models/policytext"
)

const policyUsage = `Usage: portal policy import --file FILE --lang zh|en [--version LABEL] [--title TITLE] [flags]
       portal policy import --file FILE --lang zh|en --into LABEL [--title TITLE] [flags]

Creates a privacy-policy draft from an existing document, so the company's current
policy can be brought in. A Markdown file (.md, or text with # headings) is kept as
it is; plain text (UTF-8 or GB18030) becomes Markdown: one paragraph per line (or per
blank-line-separated block), numbered section lines (一、 （一） 1、 or 1. 1.1) become
headings, longer numbered lines numbered paragraphs. The first line becomes the
title when it reads like one; --title overrides it (default 隐私政策 / Privacy policy).

--into adds the document as the other language of an existing draft. The label
defaults to the current month (e.g. 2026-12). A privacy officer then reviews the
draft at /staff/policy, writes the summary of changes and submits it for approval:
the command never publishes. Pending migrations are applied first (or, with
--auto-migrate=false, the command refuses to run).

`

// maxImportBytes bounds the document read (a policy is a few dozen kilobytes).
const maxImportBytes = 1 << 20

func runPolicy(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 || isHelp(args[0]) || args[0] == "help" {
		fmt.Fprint(out, policyUsage)
		if len(args) == 0 {
			return errors.New("usage: portal policy import --file FILE --lang zh|en [flags]")
		}
		return nil
	}
	if args[0] != "import" {
		return fmt.Errorf("unknown policy command %q (usage: portal policy import --file FILE --lang zh|en)", args[0])
	}
	fs := flag.NewFlagSet("portal policy import", flag.ContinueOnError)
	fs.SetOutput(out)
	file := fs.String("file", "", "the document to import: plain text or Markdown (required)")
	langFlag := fs.String("lang", "", "its language: zh or en (required)")
	label := fs.String("version", "", "label of the new draft (default: the current month, e.g. 2026-12)")
	title := fs.String("title", "", "title of the policy in that language (default: the document's first line when it is a title)")
	into := fs.String("into", "", "label of an existing draft to receive the document as its other language")
	config.Register(fs, getenv)
	fs.Usage = func() {
		fmt.Fprint(out, policyUsage+"Flags (configuration flags are also read from their environment variables):\n")
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
	if *file == "" {
		return errors.New("--file is required")
	}
	en := false
	switch *langFlag {
	case "zh", "zh-CN":
	case "en":
		en = true
	default:
		return errors.New("--lang: give zh or en")
	}
	if *into != "" && *label != "" {
		return errors.New("--version and --into exclude each other")
	}
	doc, err := readPolicyFile(*file)
	if err != nil {
		return err
	}
	if *title != "" {
		doc.Title = *title
	}
	if doc.Title == "" {
		doc.Title = map[bool]string{false: "隐私政策", true: "Privacy policy"}[en]
	}
	var rest []string
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "file", "lang", "version", "title", "into":
		default:
			rest = append(rest, "--"+f.Name+"="+f.Value.String())
		}
	})
	return importPolicy(ctx, rest, out, doc, en, *label, *into)
}

// readPolicyFile reads and converts the document.
func readPolicyFile(name string) (importedDoc, error) {
	f, err := os.Open(name)
	if err != nil {
		return importedDoc{}, fmt.Errorf("--file: %w", err)
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, maxImportBytes+1))
	if err != nil {
		return importedDoc{}, fmt.Errorf("--file: %w", err)
	}
	if len(raw) > maxImportBytes {
		return importedDoc{}, fmt.Errorf("--file: larger than %d bytes; a policy is much shorter", maxImportBytes)
	}
	text, ok := decodeText(raw)
	if !ok {
		return importedDoc{}, errors.New("--file: not UTF-8 or GB18030 text")
	}
	text = cleanText(text)
	var doc importedDoc
	if looksLikeMarkdown(name, text) {
		doc = markdownDoc(text)
	} else {
		doc = plainToMarkdown(text)
	}
	if doc.Body == "" {
		return importedDoc{}, errors.New("--file: the document is empty")
	}
	return doc, nil
}

// importPolicy stores the draft (or the other language of draft into) as the
// system, audited, and says what to do next.
func importPolicy(ctx context.Context, configArgs []string, out io.Writer, doc importedDoc, en bool, label, into string) error {
	rt, closeDB, err := setup(ctx, "policy import", configArgs, out)
	if err != nil {
		return err
	}
	defer closeDB()
	if err := migrateFirst(ctx, rt); err != nil {
		return err
	}
	ps := &models.Policies{DB: rt.db, Now: time.Now}
	actx := models.AuditContext{ActorKind: models.ActorSystem, RequestID: "cli:policy-import"}
	var v *models.PolicyVersion
	if into != "" {
		cur, err := ps.GetByLabel(ctx, into)
		if models.IsNotFound(err) {
			return fmt.Errorf("--into: there is no version %q", into)
		} else if err != nil {
			return err
		}
		in := models.PolicyInputOf(cur)
		if en {
			in.TitleEn, in.BodyEn = doc.Title, doc.Body
		} else {
			in.TitleZh, in.BodyZh = doc.Title, doc.Body
		}
		v, err = ps.UpdateDraft(ctx, cur.ID, in, actx)
		if err != nil {
			return importError(err, "--into")
		}
	} else {
		if label == "" {
			if label, err = ps.SuggestLabel(ctx); err != nil {
				return err
			}
		}
		in := models.PolicyInput{Version: label, Material: true}
		if en {
			in.TitleEn, in.BodyEn = doc.Title, doc.Body
		} else {
			in.TitleZh, in.BodyZh = doc.Title, doc.Body
		}
		v, err = ps.CreateDraft(ctx, in, actx)
		if err != nil {
			return importError(err, "--version")
		}
	}
	which := map[bool]string{false: "Chinese", true: "English"}[en]
	fmt.Fprintf(out, "Draft #%d, version %s: %s text imported (%d characters, %d headings, title %q).\n",
		v.ID, v.Version, which, utf8.RuneCountInString(doc.Body), doc.Headings, doc.Title)
	fmt.Fprintf(out, "Next: a privacy officer reviews it at %s/staff/policy/%d, completes both languages and the summary of changes, and submits it for approval.\n",
		rt.cfg.PublicURL, v.ID)
	return nil
}

// importError turns the domain's refusal into a one-line message naming the flag
// or field.
func importError(err error, labelFlag string) error {
	if errors.Is(err, models.ErrPolicyPublished) || errors.Is(err, models.ErrPolicyPending) {
		return fmt.Errorf("%s: only a draft can receive an import (this version is pending or published)", labelFlag)
	}
	fields := models.FieldErrors(err)
	if fields == nil {
		return err
	}
	for field, e := range fields {
		switch {
		case field == "version" && e.Key == "policy.error.version_taken":
			return fmt.Errorf("%s: a version with this label exists already", labelFlag)
		case field == "version":
			return fmt.Errorf("%s: use up to %d letters, digits, dots, dashes or underscores", labelFlag, models.MaxPolicyLabel)
		case field == "effective":
			return errors.New("--into: the draft's effective date has passed; change it in the console first")
		case e.Key == "policy.error.too_long":
			return fmt.Errorf("--file: the %s is longer than %d characters", field, models.MaxPolicyBody)
		}
	}
	return err
}

// migrateFirst applies pending migrations like serve (or, with auto-migrate off,
// refuses to run while any are pending).
func migrateFirst(ctx context.Context, rt *runtime) error {
	if !rt.cfg.AutoMigrate {
		if err := migrate.Check(ctx, rt.db, migrations.FS, rt.dialect); err != nil {
			return fmt.Errorf("%w (run `portal migrate up` first)", err)
		}
		return nil
	}
	applied, err := migrate.Up(ctx, rt.db, migrations.FS, rt.dialect)
	for _, m := range applied {
		rt.log.Info("migration applied", "version", m.Version, "name", m.Name)
	}
	return err
}

// seedDemoPolicy publishes, for the demo, the initial policy (when nothing is
// published yet) and the material revision 2026-12 effective now, so signed-in demo
// users meet the re-consent gate. It is safe to run on every start.
func seedDemoPolicy(ctx context.Context, g *gorm.DB, out io.Writer) error {
	now := time.Now()
	if _, err := models.EnsureInitialPolicy(ctx, g, now); err != nil {
		return err
	}
	text, err := policytext.Demo()
	if err != nil {
		return err
	}
	v, created, err := models.SeedPolicyVersion(ctx, g, text, true, now)
	if err != nil {
		return fmt.Errorf("demo: policy %s: %w", text.Version, err)
	}
	if created {
		fmt.Fprintf(out, "Demo privacy policy: material revision %s published, effective now (users who accepted %s are asked again).\n",
			v.Version, models.InitialPolicyVersion)
	}
	return nil
}
