package handlers

import (
	"context"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/orders"
)

// checkoutCart is the patient's cart as checkout shows it and hands it on.
type checkoutCart struct {
	items []orders.Item     // available lines, names and current prices (display only)
	total int64             // of those lines; the model prices the order itself
	lines []models.CartLine // what the model is asked to order
	gone  bool              // some lines are no longer available and are left out
}

// cartForCheckout reads u's cart: the lines through the cart's CartLines (the
// available products), the names and prices through the catalogue's cart view.
func (a *App) cartForCheckout(ctx context.Context, u *models.User, lng i18n.Lang) (checkoutCart, error) {
	var out checkoutCart
	sum, err := (&models.Catalog{DB: a.db, Now: a.now}).Cart(ctx, u)
	if err != nil {
		return out, err
	}
	if out.lines, err = models.CartLines(ctx, a.db, u.ID); err != nil {
		return out, err
	}
	for _, l := range sum.Lines {
		if !l.Available {
			out.gone = true
			continue
		}
		out.items = append(out.items, orders.Item{Name: productName(l.NameZh, l.NameEn, lng), UnitFen: l.UnitFen, Quantity: l.Quantity})
	}
	out.total = sum.TotalFen
	return out, nil
}

// productName is a product's name in the request's language.
func productName(zh, en string, l i18n.Lang) string {
	if l != i18n.EN || en == "" {
		return zh
	}
	return en
}
