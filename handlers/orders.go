package handlers

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/logistics"
	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/orders"
)

// My orders (issue 7, C2.2.2-2): the list by status, one order with its timeline
// and the actions its state allows. Every read goes through the model as the
// signed-in patient, so another patient's order is 404.

// listOrders is "My orders": a status tab (stored status; "" all), newest first,
// keyset pages (?after=).
func (a *App) listOrders(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	status := c.QueryParam("status")
	if !slices.Contains(models.OrderStatuses, status) {
		status = ""
	}
	after, _ := strconv.ParseInt(c.QueryParam("after"), 10, 64)
	if after < 0 {
		after = 0
	}
	rows, next, err := a.orders.PatientOrders(c.Request().Context(), u, status, after)
	if err != nil {
		return err
	}
	base := paths.Orders
	if status != "" {
		base += "?status=" + status
	}
	p := orders.ListProps{Notice: a.flash(c), Shop: paths.Shop}
	for _, s := range append([]string{""}, models.OrderStatuses...) {
		href := paths.Orders
		if s != "" {
			href += "?status=" + s
		}
		p.Tabs = append(p.Tabs, orders.Tab{Status: s, Href: href, Current: s == status})
	}
	l := lang(c)
	for _, r := range rows {
		p.Rows = append(p.Rows, orders.Row{Href: paths.Order(r.ID), OrderNo: r.OrderNo, Created: i18n.ShortTime(r.CreatedAt),
			Summary: itemsSummary(c, r.Items, l), TotalFen: r.TotalFen, Status: r.Status, ForOther: r.ForOther})
	}
	if next != 0 {
		p.Next = withParam(base, "after", idOf(next))
	}
	if after != 0 {
		p.First = base
	}
	return a.render(c, http.StatusOK, orders.List(a.page(c, t(c, "orders.list.title")), p))
}

// withParam adds k=v to a path that may already have a query.
func withParam(base, k, v string) string {
	if strings.Contains(base, "?") {
		return base + "&" + k + "=" + v
	}
	return base + "?" + k + "=" + v
}

// itemsSummary names the first item and counts the rest.
func itemsSummary(c echo.Context, items []models.OrderItem, l i18n.Lang) string {
	if len(items) == 0 {
		return ""
	}
	first := productName(items[0].NameZh, items[0].NameEn, l)
	if len(items) == 1 {
		return t(c, "orders.summary.one", first, items[0].Quantity)
	}
	return t(c, "orders.summary.more", first, len(items)-1)
}

// orderID reads :id; anything but a positive number is 404.
func orderID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, echo.ErrNotFound
	}
	return id, nil
}

// showOrder is one of the patient's orders.
func (a *App) showOrder(c echo.Context) error {
	id, err := orderID(c)
	if err != nil {
		return err
	}
	return a.renderOrder(c, http.StatusOK, id, patientOrderState{notice: a.flash(c)})
}

// patientOrderState is what a refused post brings back to the order page.
type patientOrderState struct {
	notice       string
	errs         map[string]string
	kind, reason string
}

// renderOrder renders order id of the signed-in patient with st.
func (a *App) renderOrder(c echo.Context, status int, id int64, st patientOrderState) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	d, err := a.orders.PatientOrder(c.Request().Context(), u, id)
	if err != nil {
		return err
	}
	l := lang(c)
	base := paths.Order(id)
	p := orders.DetailProps{Notice: st.notice, Errors: st.errs, ID: id, OrderNo: d.OrderNo, Created: i18n.ShortTime(d.CreatedAt),
		Status: d.Status, TotalFen: d.TotalFen, ForOther: d.ForOther,
		Name: d.Consignee.Name, Phone: d.Consignee.Phone, Region: d.Place.Text(), Street: d.Consignee.Street, Postcode: d.Consignee.Postcode,
		Tracking: d.Order.TrackingNo, Carrier: carrierName(d.Order.Carrier),
		Payable: d.Payable, Deadline: i18n.ShortTime(d.ExpiresAt),
		CanCancel: d.CanCancel(), CanReceive: d.Status == models.OrderDelivered, CanAfterSale: d.CanAfterSale(),
		AfterSaleKinds: models.AfterSaleKinds, Kind: st.kind, Reason: st.reason, MaxReason: models.MaxAfterSaleText,
		PayAction: base + "/pay", CancelAction: base + "/cancel", ReceiveAction: base + "/receive", AfterSaleAction: base + "/after-sale",
		Support: paths.Support + "?order=" + idOf(id), Back: paths.Orders, Disclosures: paths.Disclosures}
	for _, it := range d.Items {
		p.Items = append(p.Items, orders.Item{Name: productName(it.NameZh, it.NameEn, l), UnitFen: it.UnitFen, Quantity: it.Quantity})
	}
	if d.Authorization != nil {
		p.Auth = &orders.Authorization{When: i18n.ShortTime(d.Authorization.CreatedAt), Relationship: d.Authorization.Relationship,
			CodeConfirmed: d.Authorization.CodeConfirmed}
	}
	for _, e := range d.Events {
		p.Events = append(p.Events, orders.Event{When: i18n.ShortTime(e.CreatedAt), From: e.FromStatus, To: e.ToStatus,
			Actor: e.ActorKind, Detail: eventDetail(c, e)})
	}
	for _, as := range d.AfterSales {
		v := orders.AfterSale{Kind: as.Kind, Status: as.Status, Reason: as.Reason, Resolution: as.Resolution, Created: i18n.ShortTime(as.CreatedAt)}
		if as.ResolvedAt != nil {
			v.Resolved = i18n.ShortTime(*as.ResolvedAt)
		}
		p.AfterSales = append(p.AfterSales, v)
	}
	return a.render(c, status, orders.Detail(a.page(c, t(c, "orders.detail.title")), p))
}

// carrierName is a carrier's display name, or its code if unknown.
func carrierName(code string) string {
	if code == "" {
		return ""
	}
	if c, ok := logistics.Carriers()[code]; ok {
		return c.Name()
	}
	return code
}

// recipientName translates a disclosure recipient: "payment:<provider>" or
// "logistics:<carrier>".
func recipientName(c echo.Context, r string) string {
	kind, code, _ := strings.Cut(r, ":")
	switch kind {
	case "payment":
		return t(c, "orders.recipient.payment", t(c, "orders.provider."+code))
	case "logistics":
		return t(c, "orders.recipient.logistics", carrierName(code))
	}
	return r
}

// eventDetail is a timeline step's detail in words: the carrier and waybill, the
// payment provider, or the after-sale step.
func eventDetail(c echo.Context, e models.OrderEvent) string {
	switch {
	case e.Detail == "":
		return ""
	case e.ToStatus == models.OrderRefunded && e.FromStatus != e.ToStatus:
		return t(c, "orders.event.after_sale.approved") // the refund that approval made
	case strings.HasPrefix(e.Detail, "after_sale:"):
		return t(c, "orders.event.after_sale."+strings.TrimPrefix(e.Detail, "after_sale:"))
	case e.ToStatus == models.OrderShipped:
		code, tracking, _ := strings.Cut(e.Detail, " ")
		return t(c, "orders.event.shipped", carrierName(code), tracking)
	case e.ToStatus == models.OrderPaid:
		return t(c, "orders.event.paid", t(c, "orders.provider."+e.Detail))
	}
	return ""
}
