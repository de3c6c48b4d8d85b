package consult

import (
	"context"
	"strconv"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/views/components"
)

const linkClass = "font-medium text-brand-800 underline underline-offset-4 hover:text-brand-950 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700"

const primaryLinkClass = "inline-flex min-h-11 shrink-0 items-center justify-center rounded-md bg-brand-700 px-5 py-2.5 font-semibold text-white shadow-sm hover:bg-brand-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700"

const secondaryButtonClass = "inline-flex min-h-11 cursor-pointer items-center justify-center rounded-md border border-brand-700 bg-white px-4 py-2 text-sm font-semibold text-brand-800 hover:bg-brand-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700"

const panelClass = "rounded-xl border border-ink-200 bg-white p-5 shadow-sm sm:p-6"

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// sectionLabel and sectionContents name a profile section and what it holds.
func sectionLabel(ctx context.Context, code string) string {
	return i18n.T(ctx, "consult.section."+code)
}

func sectionContents(ctx context.Context, code string) string {
	return i18n.T(ctx, "consult.section."+code+".contents")
}

func categoryLabel(ctx context.Context, code string) string {
	return i18n.T(ctx, "documents.category."+code)
}

func statusLabel(ctx context.Context, code string) string {
	return i18n.T(ctx, "consult.status."+code)
}

// doctorLine is the doctor's title, hospital and department on one line.
func doctorLine(ctx context.Context, d Doctor) string {
	s := ""
	if d.Title != "" {
		s = i18n.T(ctx, "doctor.title."+d.Title)
	}
	for _, v := range []string{d.Hospital, d.Department} {
		if v == "" {
			continue
		}
		if s != "" {
			s += " · "
		}
		s += v
	}
	return s
}

// windowText is how long a grant lasts, before the end date is known.
func windowText(ctx context.Context, days int) string {
	if days == 0 {
		return i18n.T(ctx, "consult.window.open_only")
	}
	return i18n.T(ctx, "consult.window.days", days)
}

// grantState is the one-line state of a grant: shared while open (+N days),
// shared until a date, revoked, or ended.
func grantState(ctx context.Context, g Grant) string {
	switch {
	case g.Revoked:
		return i18n.T(ctx, "consult.grant.state.revoked")
	case !g.Active:
		return i18n.T(ctx, "consult.grant.state.ended")
	case g.Until != "":
		return i18n.T(ctx, "consult.grant.state.until", g.Until)
	}
	return windowText(ctx, g.ShareDays)
}

// grantPanelState is grantState as a sentence of its own.
func grantPanelState(ctx context.Context, g Grant) string {
	switch {
	case g.Revoked:
		return i18n.T(ctx, "consult.grant.panel.revoked")
	case !g.Active:
		return i18n.T(ctx, "consult.grant.panel.ended")
	}
	return i18n.T(ctx, "consult.grant.panel.period", grantState(ctx, g))
}

// dayOptions are the choices of "how long".
func dayOptions(ctx context.Context, choices []int) []components.Option {
	out := make([]components.Option, 0, len(choices))
	for _, d := range choices {
		out = append(out, components.Option{Value: strconv.Itoa(d), Label: windowText(ctx, d)})
	}
	return out
}

// statusClass colours a status badge.
func statusClass(status string) string {
	base := "inline-flex items-center rounded-full px-2.5 py-0.5 text-xs font-semibold "
	switch status {
	case "new":
		return base + "bg-amber-100 text-amber-900"
	case "active":
		return base + "bg-brand-50 text-brand-900"
	}
	return base + "bg-ink-100 text-ink-800"
}

// closeNote says what ending the consultation does to the grant.
func closeNote(ctx context.Context, g Grant) string {
	if !g.Active {
		return i18n.T(ctx, "consult.close.note_no_grant")
	}
	if g.ShareDays == 0 {
		return i18n.T(ctx, "consult.close.note_now")
	}
	return i18n.T(ctx, "consult.close.note_days", g.ShareDays)
}
