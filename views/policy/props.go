// Package policy holds the public privacy-policy pages: the version in force, the
// history of published versions and one version. Document, the policy as users read
// it, is shared with the officers' preview and the re-consent review page, so what
// staff check is exactly what users see.
package policy

import (
	"context"
	"time"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/paths"
)

// Document is one policy version as users read it.
type Document struct {
	ID      int64
	Version string
	Title   string
	Summary string // the summary of changes ("" hides the box)
	// BodyHTML is the body rendered by internal/markdown (sanitised: no script, no
	// style, no images, safe links). It is the only raw HTML the page writes.
	BodyHTML string
	// Lang is the language of the texts (html lang of the article).
	Lang     string
	Material bool
	// EffectiveAt is when the version takes (or took) effect; nil for a draft that
	// will take effect when published.
	EffectiveAt *time.Time
	InForce     bool  // published and the newest effective version
	Upcoming    bool  // published, effective date still ahead
	Draft       bool  // not published (preview only)
	PrevID      int64 // the published version before this one (0: none), for the compare link
	// HasTerms reports that the body carries the user agreement (an element with
	// id="terms"), which the registration form links to.
	HasTerms bool
	// Embedded renders the title as h2, for pages that have their own h1.
	Embedded bool
}

// PrivacyProps fill /privacy and /privacy/versions/:id (and the officers' preview).
type PrivacyProps struct {
	Doc *Document // nil when nothing has been published yet
	// CurrentID is the version in force, when Doc is another (older or upcoming) one.
	CurrentID int64
	// Preview, when set, shows the officers' preview bar above the document.
	Preview *Preview
}

// Preview is the bar above a preview: back to the console, the other language.
type Preview struct {
	Back  string
	Langs []PreviewLang
}

// PreviewLang is one language of the preview, with its link.
type PreviewLang struct {
	Name, URL string
	Current   bool
}

// HistoryRow is one published version in the history.
type HistoryRow struct {
	ID          int64
	Version     string
	Title       string
	Summary     string
	Lang        string
	Material    bool
	EffectiveAt time.Time
	InForce     bool
	Upcoming    bool
	PrevID      int64
}

// HistoryProps fill /privacy/history, newest effective date first.
type HistoryProps struct {
	Rows []HistoryRow
}

// When is t in Beijing time, spelled for the reader's language.
func When(ctx context.Context, t time.Time) string {
	t = t.In(i18n.Beijing)
	if i18n.FromContext(ctx) == i18n.EN {
		return i18n.T(ctx, "policy.when", t.Format("2 January 2006, 15:04"))
	}
	return i18n.T(ctx, "policy.when", t.Format("2006年1月2日 15:04"))
}

func effectiveText(ctx context.Context, d Document) string {
	if d.EffectiveAt == nil {
		return i18n.T(ctx, "policy.effective_on_publish")
	}
	return When(ctx, *d.EffectiveAt)
}

func kindKey(material bool) string {
	if material {
		return "policy.kind.material"
	}
	return "policy.kind.minor"
}

func compareURL(from, to int64) string { return paths.PolicyCompareOf(from, to) }

const linkClass = "font-medium text-brand-800 underline underline-offset-4 hover:text-brand-950 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700"

const badgeBase = "inline-flex items-center rounded-full px-2.5 py-0.5 text-xs font-semibold"
