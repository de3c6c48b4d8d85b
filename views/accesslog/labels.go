package accesslog

import (
	"context"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/views/components"
)

const linkClass = "font-medium text-brand-800 underline underline-offset-4 hover:text-brand-950 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700"

const secondaryButtonClass = "inline-flex min-h-11 cursor-pointer items-center justify-center rounded-md border border-brand-700 bg-white px-4 py-2 text-sm font-semibold text-brand-800 hover:bg-brand-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700"

// kindOptions are the viewer-kind choices of the filter.
func kindOptions(ctx context.Context) []components.Option {
	out := []components.Option{{Value: "", Label: i18n.T(ctx, "accesslog.filter.kind.all")}}
	for _, k := range []string{"doctor", "staff", "patient"} {
		out = append(out, components.Option{Value: k, Label: i18n.T(ctx, "accesslog.kind."+k)})
	}
	return out
}
