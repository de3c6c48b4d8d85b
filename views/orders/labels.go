package orders

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

// StatusLabel names an order status.
func StatusLabel(ctx context.Context, status string) string {
	if status == "" {
		return i18n.T(ctx, "orders.status.all")
	}
	return i18n.T(ctx, "orders.status."+status)
}

// statusClass colours a status badge.
func statusClass(status string) string {
	base := "inline-flex items-center rounded-full px-2.5 py-0.5 text-xs font-semibold whitespace-nowrap "
	switch status {
	case "awaiting_payment", "after_sale_open":
		return base + "bg-amber-100 text-amber-900"
	case "paid", "shipped", "delivered":
		return base + "bg-brand-50 text-brand-900"
	case "cancelled", "expired", "refunded", "after_sale_rejected":
		return base + "bg-ink-100 text-ink-800"
	}
	return base + "bg-brand-100 text-brand-950"
}

// eventText is one timeline step: the new status, or the note when it did not change.
func eventText(ctx context.Context, e Event) string {
	if e.From == e.To {
		return i18n.T(ctx, "orders.event.note")
	}
	return StatusLabel(ctx, e.To)
}

func actorLabel(ctx context.Context, kind string) string {
	return i18n.T(ctx, "orders.actor."+kind)
}

func relationshipLabel(ctx context.Context, code string) string {
	return i18n.T(ctx, "orders.relationship."+code)
}

func afterSaleKindLabel(ctx context.Context, code string) string {
	return i18n.T(ctx, "orders.after_sale.kind."+code)
}

func afterSaleStatusLabel(ctx context.Context, code string) string {
	return i18n.T(ctx, "orders.after_sale.status."+code)
}

func fieldLabel(ctx context.Context, code string) string {
	return i18n.T(ctx, "orders.field."+code)
}

// fieldsText lists the data given, in words.
func fieldsText(ctx context.Context, codes []string) string {
	out := ""
	for i, c := range codes {
		if i > 0 {
			out += i18n.T(ctx, "orders.list_sep")
		}
		out += fieldLabel(ctx, c)
	}
	return out
}

func purposeLabel(ctx context.Context, code string) string {
	return i18n.T(ctx, "orders.purpose."+code)
}

// authText is the sentence recording an order placed for someone else.
func authText(ctx context.Context, a *Authorization) string {
	yes := i18n.T(ctx, "orders.auth.no")
	if a.CodeConfirmed {
		yes = i18n.T(ctx, "orders.auth.yes")
	}
	return i18n.T(ctx, "orders.auth.record", a.When, relationshipLabel(ctx, a.Relationship), yes)
}

// lineTotal is one line's amount.
func lineTotal(it Item) string { return components.Yuan(it.UnitFen * int64(it.Quantity)) }

// kindOptions are the after-sale kinds, after a "choose" prompt.
func kindOptions(ctx context.Context, kinds []string) []components.Option {
	out := []components.Option{{Value: "", Label: i18n.T(ctx, "orders.choose")}}
	for _, k := range kinds {
		out = append(out, components.Option{Value: k, Label: afterSaleKindLabel(ctx, k)})
	}
	return out
}
