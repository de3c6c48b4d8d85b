package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/views/shop"
)

// showCart is the patient's cart with current names, prices and availability.
func (a *App) showCart(c echo.Context) error {
	return a.renderCart(c, http.StatusOK, 0, "", "")
}

func (a *App) renderCart(c echo.Context, status int, line int64, typed, msg string) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	cart, err := a.catalog().Cart(c.Request().Context(), u)
	if err != nil {
		return err
	}
	p := shop.CartProps{TotalFen: cart.TotalFen, Unavailable: cart.Unavailable(), Error: msg, ErrorLine: line, Typed: typed}
	if status == http.StatusOK {
		p.Notice = a.flash(c)
	}
	for _, l := range cart.Lines {
		p.Lines = append(p.Lines, shop.CartLine{ProductID: l.ProductID, NameZh: l.NameZh, NameEn: l.NameEn,
			UnitFen: l.UnitFen, SubtotalFen: l.SubtotalFen, Quantity: l.Quantity, Available: l.Available})
	}
	return a.render(c, status, shop.Cart(a.page(c, t(c, "shop.cart.title")), p))
}

// formQuantity reads the quantity field; anything that is not a whole number is -1,
// which every rule refuses.
func formQuantity(c echo.Context) int {
	n, err := strconv.Atoi(strings.TrimSpace(c.FormValue("quantity")))
	if err != nil {
		return -1
	}
	return n
}

// addToCart adds a product to the cart and shows the cart. A refused quantity
// re-renders the product page with the number typed; a full cart says so there.
func (a *App) addToCart(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.FormValue("product"), 10, 64)
	if err != nil || id <= 0 {
		return echo.ErrNotFound
	}
	if err := a.catalog().AddToCart(c.Request().Context(), u, id, formQuantity(c)); err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		c.SetParamNames("id")
		c.SetParamValues(strconv.FormatInt(id, 10))
		return a.renderProduct(c, status, c.FormValue("quantity"), firstMessage(msgs))
	}
	if err := a.flashNext(c, "shop.flash.added"); err != nil {
		return err
	}
	return redirect(c, paths.Cart)
}

// setCartLine changes a line's quantity; 0 removes it.
func (a *App) setCartLine(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	id, err := shopParam(c, "product")
	if err != nil {
		return err
	}
	qty := formQuantity(c)
	if err := a.catalog().SetQuantity(c.Request().Context(), u, id, qty); err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		return a.renderCart(c, status, id, c.FormValue("quantity"), firstMessage(msgs))
	}
	key := "shop.flash.updated"
	if qty == 0 {
		key = "shop.flash.removed"
	}
	if err := a.flashNext(c, key); err != nil {
		return err
	}
	return redirect(c, paths.Cart)
}
