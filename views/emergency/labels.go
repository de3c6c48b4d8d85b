package emergency

import (
	"context"
	"time"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/views/components"
)

// reasonOptions lists the reason codes with a leading blank choice.
func reasonOptions(ctx context.Context, codes []string) []components.Option {
	out := []components.Option{{Value: "", Label: i18n.T(ctx, "emergency.form.reason_choose")}}
	for _, c := range codes {
		out = append(out, components.Option{Value: c, Label: i18n.T(ctx, "emergency.reason."+c)})
	}
	return out
}

// hours is a window in whole hours (at least 1) for the warning.
func hours(d time.Duration) int { return max(int(d.Hours()), 1) }

// remaining is "3 hours 12 minutes" left, in words.
func remaining(ctx context.Context, minutes int) string {
	if minutes >= 60 {
		return i18n.T(ctx, "emergency.view.remaining_hm", minutes/60, minutes%60)
	}
	return i18n.T(ctx, "emergency.view.remaining_m", max(minutes, 1))
}

const badgeBase = "inline-flex items-center rounded-full border px-2.5 py-0.5 text-xs font-semibold "

// statusBadge colours a review state; the text says it too.
func statusBadge(status string) string {
	switch status {
	case "flagged":
		return badgeBase + "border-red-300 bg-red-50 text-red-900"
	case "confirmed":
		return badgeBase + "border-brand-200 bg-brand-50 text-brand-900"
	}
	return badgeBase + "border-amber-300 bg-amber-50 text-amber-900"
}

// severityClass colours an allergy's severity badge.
func severityClass(code string) string {
	switch code {
	case "severe":
		return badgeBase + "border-red-300 bg-red-50 text-red-900"
	case "moderate":
		return badgeBase + "border-amber-300 bg-amber-50 text-amber-900"
	}
	return badgeBase + "border-ink-300 bg-ink-50 text-ink-800"
}

// orNotGiven shows "not given" for an empty text.
func orNotGiven(ctx context.Context, s string) string {
	if s == "" {
		return i18n.T(ctx, "health.not_given")
	}
	return s
}
