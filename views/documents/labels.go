package documents

import (
	"context"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/views/components"
)

const linkClass = "font-medium text-brand-800 underline underline-offset-4 hover:text-brand-950 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700"

const primaryLinkClass = "inline-flex min-h-11 shrink-0 items-center justify-center rounded-md bg-brand-700 px-5 py-2.5 font-semibold text-white shadow-sm hover:bg-brand-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700"

const secondaryButtonClass = "inline-flex min-h-11 cursor-pointer items-center justify-center rounded-md border border-brand-700 bg-white px-4 py-2 text-sm font-semibold text-brand-800 hover:bg-brand-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700"

// categoryLabel names a category code.
func categoryLabel(ctx context.Context, code string) string {
	return i18n.T(ctx, "documents.category."+code)
}

// categoryOptions are the category choices; a non-empty first label adds an
// empty first choice (the filter's "all", the form's "choose").
func categoryOptions(ctx context.Context, codes []string, first string) []components.Option {
	var out []components.Option
	if first != "" {
		out = append(out, components.Option{Value: "", Label: first})
	}
	for _, c := range codes {
		out = append(out, components.Option{Value: c, Label: categoryLabel(ctx, c)})
	}
	return out
}

// kindLabel names a file kind ("pdf", "image", "dicom").
func kindLabel(ctx context.Context, kind string) string { return i18n.T(ctx, "documents.kind."+kind) }

// orDash is s, or a dash for an empty optional value.
func orDash(ctx context.Context, s string) string {
	if s == "" {
		return i18n.T(ctx, "documents.none")
	}
	return s
}
