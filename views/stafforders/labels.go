package stafforders

import (
	"context"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/views/components"
)

const linkClass = "font-medium text-brand-800 underline underline-offset-4 hover:text-brand-950 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700"

const panelClass = "rounded-xl border border-ink-200 bg-white p-5 shadow-sm sm:p-6"

const buttonClass = "inline-flex min-h-11 cursor-pointer items-center justify-center rounded-md bg-brand-700 px-5 py-2.5 font-semibold text-white shadow-sm hover:bg-brand-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700"

const secondaryClass = "inline-flex min-h-11 cursor-pointer items-center justify-center rounded-md border border-brand-700 bg-white px-4 py-2 text-sm font-semibold text-brand-800 hover:bg-brand-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700"

const tabClass = "inline-flex min-h-10 items-center gap-2 rounded-full border border-ink-300 bg-white px-4 py-1.5 text-sm font-medium text-ink-800 hover:border-brand-700 hover:text-brand-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700 aria-[current=page]:border-brand-700 aria-[current=page]:bg-brand-700 aria-[current=page]:text-white"

const badgeClass = "inline-flex items-center rounded-full border border-ink-300 bg-ink-50 px-2.5 py-0.5 text-xs font-semibold text-ink-800"

// selectOptions adds a leading blank choice to opts.
func selectOptions(ctx context.Context, opts []Option) []components.Option {
	out := []components.Option{{Value: "", Label: i18n.T(ctx, "stafforders.ship.choose")}}
	for _, o := range opts {
		out = append(out, components.Option{Value: o.Value, Label: o.Label})
	}
	return out
}
