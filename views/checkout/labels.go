package checkout

import (
	"context"
	"strconv"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/regions"
	"github.com/yibao-health/portal/views/components"
)

const linkClass = "font-medium text-brand-800 underline underline-offset-4 hover:text-brand-950 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700"

const panelClass = "rounded-xl border border-ink-200 bg-white p-5 shadow-sm sm:p-6"

const selectClass = "mt-1 block w-full min-h-11 rounded-md border border-ink-300 bg-white px-3 py-2 text-base text-ink-900 shadow-sm focus:border-brand-700 focus:outline-2 focus:outline-offset-0 focus:outline-brand-700 aria-[invalid=true]:border-red-700"

func relationshipOptions(ctx context.Context, codes []string) []components.Option {
	out := []components.Option{{Value: "", Label: i18n.T(ctx, "orders.choose")}}
	for _, c := range codes {
		out = append(out, components.Option{Value: c, Label: i18n.T(ctx, "orders.relationship."+c)})
	}
	return out
}

// cityGroupLabel names a city's group in the district select: 省 市, or the
// province alone for a municipality.
func cityGroupLabel(p, c regions.Region) string {
	if c.Name == "市辖区" || c.Name == p.Name {
		return p.Name
	}
	return p.Name + " " + c.Name
}

func codeHint(ctx context.Context, mode string) string {
	return i18n.T(ctx, "checkout.other.code.hint."+mode)
}

func qty(n int) string { return strconv.Itoa(n) }
