package clinic

import (
	"context"
	"strings"

	"github.com/yibao-health/portal/internal/i18n"
)

const linkClass = "font-medium text-brand-800 underline underline-offset-4 hover:text-brand-950 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700"

const secondaryButtonClass = "inline-flex min-h-11 cursor-pointer items-center justify-center rounded-md border border-brand-700 bg-white px-4 py-2 text-sm font-semibold text-brand-800 hover:bg-brand-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700"

const panelClass = "rounded-xl border border-ink-200 bg-white p-5 shadow-sm sm:p-6"

// patientFacts is "45 岁 · 男" (age and sex, each only when known).
func patientFacts(ctx context.Context, p *Patient) string {
	var parts []string
	if p.Age > 0 {
		parts = append(parts, i18n.T(ctx, "clinic.patient.age", p.Age))
	}
	if p.Gender != "" {
		parts = append(parts, i18n.T(ctx, "identity.gender."+p.Gender))
	}
	if len(parts) == 0 {
		return i18n.T(ctx, "clinic.patient.unknown")
	}
	return strings.Join(parts, " · ")
}

// patientName is the masked name, or a neutral word when none is on file.
func patientName(ctx context.Context, p *Patient) string {
	if p.Name == "" {
		return i18n.T(ctx, "clinic.patient.anonymous")
	}
	return p.Name
}

// grantText says for how long the doctor may see the granted data.
func grantText(ctx context.Context, g Grant) string {
	switch {
	case g.Revoked:
		return i18n.T(ctx, "clinic.grant.revoked")
	case !g.Active:
		return i18n.T(ctx, "clinic.grant.expired")
	case g.Until != "":
		return i18n.T(ctx, "clinic.grant.until", g.Until)
	case g.DaysMore == 0:
		return i18n.T(ctx, "clinic.grant.open_only")
	}
	return i18n.T(ctx, "clinic.grant.open", g.DaysMore)
}

// orNotGiven shows an empty value as "not given".
func orNotGiven(ctx context.Context, s string) string {
	if s == "" {
		return i18n.T(ctx, "health.not_given")
	}
	return s
}

// withUnit is "170.5 cm", or "not given".
func withUnit(ctx context.Context, v, unit string) string {
	if v == "" {
		return i18n.T(ctx, "health.not_given")
	}
	return i18n.T(ctx, unit, v)
}

// sectionEmpty reports whether granted section s has nothing recorded.
func (p Profile) sectionEmpty(s string) bool {
	switch s {
	case "allergies":
		return len(p.Allergies) == 0
	case "diagnoses":
		return len(p.Diagnoses) == 0
	case "histories":
		for _, h := range p.Histories {
			if h.Text != "" {
				return false
			}
		}
		return true
	case "basics":
		return p.Height == "" && p.Weight == "" && p.MaritalStatus == ""
	}
	return true
}

// severityClass colours an allergy's severity badge; the text says it too.
func severityClass(code string) string {
	base := "inline-flex items-center rounded-full border px-2.5 py-0.5 text-xs font-semibold "
	switch code {
	case "severe":
		return base + "border-red-300 bg-red-50 text-red-900"
	case "moderate":
		return base + "border-amber-300 bg-amber-50 text-amber-900"
	}
	return base + "border-ink-300 bg-ink-50 text-ink-800"
}

// tabClass styles a queue tab; the current one is filled.
func tabClass(current bool) string {
	base := "inline-flex min-h-11 items-center gap-2 rounded-md border px-4 py-2 text-sm font-semibold focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700 "
	if current {
		return base + "border-brand-700 bg-brand-700 text-white"
	}
	return base + "border-ink-300 bg-white text-ink-800 hover:bg-ink-50"
}

// countClass styles the count inside a tab.
func countClass(current bool) string {
	base := "inline-flex min-w-6 items-center justify-center rounded-full px-1.5 text-xs font-bold "
	if current {
		return base + "bg-white text-brand-900"
	}
	return base + "bg-ink-100 text-ink-900"
}

// orDash is s, or a dash for an empty optional value.
func orDash(ctx context.Context, s string) string {
	if s == "" {
		return i18n.T(ctx, "documents.none")
	}
	return s
}
