package health

import (
	"context"
	"strconv"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/views/components"
)

// The codes of the profile's choices, in display order (models.DiagnosisStatuses,
// AllergySeverities, MaritalStatuses and HealthHistories; views do not import
// models, and a handler test checks they agree).
var (
	DiagnosisStatuses = []string{"active", "resolved", "chronic"}
	AllergySeverities = []string{"mild", "moderate", "severe"}
	MaritalStatuses   = []string{"single", "married", "divorced", "widowed", "other", "undisclosed"}
	HistoryCodes      = []string{"past_history", "personal_history", "marital_history", "family_history"}
)

// Field limits of the form (models.MaxDiagnosisName and friends).
const (
	maxName     = 100
	maxReaction = 200
	maxHistory  = 2000
)

const panelClass = "rounded-xl border border-ink-200 bg-white p-5 shadow-sm sm:p-6"

const linkClass = "font-medium text-brand-800 underline underline-offset-4 hover:text-brand-950 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700"

const buttonLinkClass = "inline-flex min-h-11 items-center justify-center rounded-md border border-brand-700 bg-white px-4 py-2 text-sm font-semibold text-brand-800 hover:bg-brand-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700"

const primaryLinkClass = "inline-flex min-h-11 items-center justify-center rounded-md bg-brand-700 px-5 py-2.5 text-sm font-semibold text-white shadow-sm hover:bg-brand-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700"

// options lists codes under prefix with a leading blank choice labelled blank.
func options(ctx context.Context, prefix string, codes []string, blank string) []components.Option {
	out := []components.Option{{Value: "", Label: i18n.T(ctx, blank)}}
	for _, c := range codes {
		out = append(out, components.Option{Value: c, Label: i18n.T(ctx, prefix+c)})
	}
	return out
}

// orNotGiven shows an empty value as "not given".
func orNotGiven(ctx context.Context, s string) string {
	if s == "" {
		return i18n.T(ctx, "health.not_given")
	}
	return s
}

// codeLabel translates a code under prefix, or "not given".
func codeLabel(ctx context.Context, prefix, code string) string {
	if code == "" {
		return i18n.T(ctx, "health.not_given")
	}
	return i18n.T(ctx, prefix+code)
}

// withUnit is "170.5 cm", or "not given".
func withUnit(ctx context.Context, v, unit string) string {
	if v == "" {
		return i18n.T(ctx, "health.not_given")
	}
	return i18n.T(ctx, unit, v)
}

// rowField names a row's input: "dx-0-name".
func rowField(prefix string, i int, name string) string {
	return prefix + "-" + strconv.Itoa(i) + "-" + name
}

// severityClass colours the severity badge; the text says it too.
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

// statusClass is the badge of a diagnosis status.
func statusClass(code string) string {
	base := "inline-flex items-center rounded-full border px-2.5 py-0.5 text-xs font-semibold "
	if code == "resolved" {
		return base + "border-ink-300 bg-ink-50 text-ink-800"
	}
	return base + "border-brand-300 bg-brand-50 text-brand-900"
}

// itoa formats a number for the pages.
func itoa(n int) string { return strconv.Itoa(n) }
