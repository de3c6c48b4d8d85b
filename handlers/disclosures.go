package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/orders"
)

// disclosurePage is the number of hand-overs per page.
const disclosurePage = 50

// showDisclosures is "data given to third parties" (C2.2.2-4, C3.1-1): every
// hand-over of the patient's data to a payment provider or carrier, newest first,
// keyset pages, next to the access log.
func (a *App) showDisclosures(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	after, _ := strconv.ParseInt(c.QueryParam("after"), 10, 64)
	if after < 0 {
		after = 0
	}
	rows, next, err := models.Disclosures(c.Request().Context(), a.db, u.ID, after, disclosurePage)
	if err != nil {
		return err
	}
	p := orders.DisclosuresProps{AccessLog: paths.AccountAccessLog, Privacy: paths.Privacy}
	for _, r := range rows {
		d := orders.Disclosure{Recipient: recipientName(c, r.Recipient), Purpose: r.Purpose, Fields: strings.Split(r.Fields, ","),
			When: i18n.ShortTime(r.CreatedAt)}
		if r.RefType == "order" && r.RefID > 0 {
			d.OrderHref = paths.Order(r.RefID)
		}
		p.Rows = append(p.Rows, d)
	}
	if next != 0 {
		p.Next = paths.Disclosures + "?after=" + idOf(next)
	}
	if after != 0 {
		p.First = paths.Disclosures
	}
	return a.render(c, http.StatusOK, orders.Disclosures(a.page(c, t(c, "orders.disclosures.title")), p))
}
