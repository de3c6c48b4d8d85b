// Package staffpolicy holds the privacy officers' console for policy versions: the
// list, the draft form, and one version with its workflow (submit, approve and
// publish, return to draft, new version from this one).
package staffpolicy

import (
	"context"
	"strconv"
	"time"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/paths"
)

// Row is one version in the console's list.
type Row struct {
	ID          int64
	Version     string
	Title       string
	Status      string // draft, pending, published
	Material    bool
	EffectiveAt *time.Time
	UpdatedAt   time.Time
	InForce     bool
}

// ListProps fill the list page.
type ListProps struct {
	Rows      []Row
	TwoPerson bool
	Notice    string
}

// FormValues are the draft form's fields as typed (kept when a save is refused).
type FormValues struct {
	Version, Effective                     string
	Material                               bool
	TitleZh, TitleEn, SummaryZh, SummaryEn string
	BodyZh, BodyEn                         string
}

// FormProps fill the new-draft and edit-draft form. ID is 0 for a new draft.
type FormProps struct {
	ID     int64
	Label  string // the stored label of the draft being edited
	Values FormValues
	Errors map[string]string
	Limits Limits
}

// Limits are the field lengths, shown as maxlength and hints.
type Limits struct {
	Label, Title, Summary, Body int
}

// DetailProps fill one version's console page.
type DetailProps struct {
	ID          int64
	Version     string
	Title       string
	Status      string
	Material    bool
	EffectiveAt *time.Time
	CreatedBy   Who
	SubmittedBy *Who
	ApprovedBy  *Who
	CreatedAt   time.Time
	PublishedAt *time.Time
	SHA256      string
	TwoPerson   bool
	// CanApprove is false when the viewer wrote or submitted the version.
	CanApprove bool
	InForce    bool
	Notice     string
	// Errors are messages of a refused step: "" is the page-level one, the others
	// are keyed by field and listed with the field's name.
	Errors map[string]string
	// CopyLabel is the label offered (or typed) for "new version from this one".
	CopyLabel string
}

// Who names an officer: the system (0), the viewer, or another officer by number.
type Who struct {
	ID   int64
	Self bool
}

func whoText(ctx context.Context, w Who) string {
	switch {
	case w.ID == 0:
		return i18n.T(ctx, "staffpolicy.who.system")
	case w.Self:
		return i18n.T(ctx, "staffpolicy.who.self", strconv.FormatInt(w.ID, 10))
	}
	return i18n.T(ctx, "staffpolicy.who.other", strconv.FormatInt(w.ID, 10))
}

// fieldOrder lists the form's fields for the error list of the version page.
var fieldOrder = []string{"version", "effective", "title_zh", "summary_zh", "body_zh", "title_en", "summary_en", "body_en"}

func shortTime(t time.Time) string { return i18n.ShortTime(t) }

func effectiveText(ctx context.Context, t *time.Time) string {
	if t == nil {
		return i18n.T(ctx, "policy.effective_on_publish")
	}
	return i18n.T(ctx, "policy.when", shortTime(*t))
}

func statusClass(status string) string {
	switch status {
	case "published":
		return "bg-brand-100 text-brand-900"
	case "pending":
		return "bg-amber-100 text-amber-900"
	}
	return "bg-ink-100 text-ink-800"
}

const badgeBase = "inline-flex items-center rounded-full px-2.5 py-0.5 text-xs font-semibold"

const linkClass = "font-medium text-brand-800 underline underline-offset-4 hover:text-brand-950 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700"

const buttonLinkClass = "inline-flex min-h-11 items-center justify-center rounded-md bg-brand-700 px-5 py-2.5 font-semibold text-white shadow-sm hover:bg-brand-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700"

const secondaryLinkClass = "inline-flex min-h-11 items-center justify-center rounded-md border border-brand-700 bg-white px-4 py-2 text-sm font-semibold text-brand-800 hover:bg-brand-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700"

const areaClass = "mt-1 block w-full rounded-md border border-ink-300 bg-white px-3 py-2 text-base text-ink-900 shadow-sm focus:border-brand-700 focus:outline-2 focus:outline-offset-0 focus:outline-brand-700 aria-[invalid=true]:border-red-700"

func formTitle(ctx context.Context, p FormProps) string {
	if p.ID == 0 {
		return i18n.T(ctx, "staffpolicy.new_title")
	}
	return i18n.T(ctx, "staffpolicy.edit_title", p.Label)
}

func formAction(p FormProps) string {
	if p.ID == 0 {
		return paths.StaffPolicyNew
	}
	return paths.StaffPolicyAction(p.ID, paths.PolicyActEdit)
}

func kindKey(material bool) string {
	if material {
		return "policy.kind.material"
	}
	return "policy.kind.minor"
}
