package handlers

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/stafforders"
)

// showStaffAfterSales is the after-sale queue of one state (open by default).
func (a *App) showStaffAfterSales(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	status := c.QueryParam("status")
	if !slices.Contains(models.AfterSaleStatuses, status) {
		status = models.AfterSaleOpen
	}
	after, _ := strconv.ParseInt(c.QueryParam("after"), 10, 64)
	rows, next, err := a.orders.AfterSaleQueue(c.Request().Context(), u, status, max(after, 0))
	if err != nil {
		return err
	}
	base := paths.StaffAfterSales + "?status=" + status
	p := stafforders.AfterSalesProps{Status: status}
	for _, s := range models.AfterSaleStatuses {
		p.Tabs = append(p.Tabs, stafforders.Tab{Label: t(c, "stafforders.as."+s), Href: paths.StaffAfterSales + "?status=" + s, Current: s == status})
	}
	for _, r := range rows {
		p.Rows = append(p.Rows, stafforders.AfterSaleRow{OrderHref: paths.StaffOrder(r.OrderID), OrderNo: r.OrderNo,
			Kind: t(c, "stafforders.as."+r.Kind), Created: i18n.ShortTime(r.CreatedAt)})
	}
	if next != 0 {
		p.Next = base + "&after=" + strconv.FormatInt(next, 10)
	}
	if after > 0 {
		p.First = base
	}
	return a.render(c, http.StatusOK, stafforders.AfterSales(a.page(c, t(c, "stafforders.after_sales.title")), p))
}

// resolveAfterSale approves or rejects request :id with a note to the patient and
// goes back to the order's page; a refused decision shows that page with the
// message and the typed note.
func (a *App) resolveAfterSale(c echo.Context) error {
	id, err := documentID(c, "id")
	if err != nil {
		return err
	}
	u, err := a.user(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	orderID, err := a.orders.AfterSaleOrderID(ctx, u, id)
	if err != nil {
		return err
	}
	decision, note := c.FormValue("decision"), c.FormValue("note")
	st := orderState{resolveID: id, note: note}
	if decision != "approve" && decision != "reject" {
		st.resolveErr = t(c, "stafforders.after_sale.decision")
		return a.renderStaffOrder(c, http.StatusUnprocessableEntity, orderID, st)
	}
	if err := a.orders.ResolveAfterSale(ctx, u, id, decision == "approve", note, a.actor(c)); err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		st.noteErr, st.resolveErr = msgs["note"], msgs[""]
		return a.renderStaffOrder(c, status, orderID, st)
	}
	if err := a.flashNext(c, "stafforders.flash.resolved_"+decision); err != nil {
		return err
	}
	return redirect(c, paths.StaffOrder(orderID))
}
