package shop

import (
	"context"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/views/components"
)

const linkClass = "font-medium text-brand-800 underline underline-offset-4 hover:text-brand-950 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700"

const addClass = "inline-flex min-h-11 w-full cursor-pointer items-center justify-center rounded-md bg-brand-700 px-4 py-2 font-semibold text-white shadow-sm hover:bg-brand-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700 sm:w-auto"

const buttonLinkClass = "inline-flex min-h-11 w-full items-center justify-center rounded-md bg-brand-700 px-5 py-2.5 font-semibold text-white shadow-sm hover:bg-brand-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700 sm:w-auto"

// kindOptions is the kind filter: all, then each kind.
func kindOptions(ctx context.Context, all string) []components.Option {
	out := []components.Option{{Value: "", Label: all}}
	for _, k := range Kinds {
		out = append(out, components.Option{Value: k, Label: i18n.T(ctx, "shop.kind."+k)})
	}
	return out
}

const secondaryClass = "inline-flex min-h-11 cursor-pointer items-center justify-center rounded-md border border-brand-700 bg-white px-4 py-2 text-sm font-semibold text-brand-800 hover:bg-brand-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700"

const removeClass = "inline-flex min-h-11 cursor-pointer items-center justify-center rounded-md border border-ink-300 bg-white px-4 py-2 text-sm font-semibold text-red-800 hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-700"

// lineURL is where a cart line's forms post.
func lineURL(product int64) string { return paths.Cart + "/items/" + idStr(product) }

// lineValue is a line's quantity, or what was typed when that line was refused.
func lineValue(p CartProps, l CartLine) string {
	if p.ErrorLine == l.ProductID {
		return p.Typed
	}
	return idStr(int64(l.Quantity))
}
