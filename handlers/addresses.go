package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/orders"
)

// listAddresses is the patient's saved delivery addresses (shown in full: they
// are the owner's own, on a no-store page).
func (a *App) listAddresses(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	saved, err := a.orders.ListAddresses(c.Request().Context(), u)
	if err != nil {
		return err
	}
	p := orders.AddressesProps{Notice: a.flash(c), Max: models.MaxAddresses, Checkout: paths.Checkout, OrdersURL: paths.Orders}
	for _, s := range saved {
		p.Rows = append(p.Rows, orders.Address{ID: s.ID, Name: s.Consignee.Name, Phone: s.Consignee.Phone, Region: s.Place.Text(),
			Street: s.Consignee.Street, Postcode: s.Consignee.Postcode, DeleteAction: paths.Addresses + "/" + idOf(s.ID) + "/delete",
			UseHref: paths.Checkout + "?address=" + idOf(s.ID)})
	}
	return a.render(c, http.StatusOK, orders.Addresses(a.page(c, t(c, "orders.addresses.title")), p))
}

// deleteAddress removes one of the patient's own addresses; anyone else's is 404.
func (a *App) deleteAddress(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return echo.ErrNotFound
	}
	if err := a.orders.DeleteAddress(c.Request().Context(), u, id); err != nil {
		return err
	}
	if err := a.flashNext(c, "orders.addresses.deleted"); err != nil {
		return err
	}
	return redirect(c, paths.Addresses)
}
