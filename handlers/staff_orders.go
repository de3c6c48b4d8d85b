package handlers

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/components"
	"github.com/yibao-health/portal/views/stafforders"
)

// The support staff's orders (issue 7): the queue by status and one order, with
// the consignee masked everywhere (C4.3) unless the staff member gives a reason
// to see the full contact, which the models record and audit.

// showStaffOrders is the order queue: one status tab ("" all), keyset pages.
func (a *App) showStaffOrders(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	status := c.QueryParam("status")
	if !slices.Contains(models.OrderStatuses, status) {
		status = ""
	}
	after, _ := strconv.ParseInt(c.QueryParam("after"), 10, 64)
	rows, next, err := a.orders.StaffQueue(c.Request().Context(), u, status, max(after, 0))
	if err != nil {
		return err
	}
	base := paths.StaffOrders + "?status=" + status
	p := stafforders.QueueProps{Tabs: []stafforders.Tab{{Label: t(c, "stafforders.all"), Href: paths.StaffOrders, Current: status == ""}}}
	for _, s := range models.OrderStatuses {
		p.Tabs = append(p.Tabs, stafforders.Tab{Label: t(c, "stafforders.status."+s), Href: paths.StaffOrders + "?status=" + s, Current: s == status})
	}
	for _, r := range rows {
		p.Rows = append(p.Rows, stafforders.QueueRow{Href: paths.StaffOrder(r.ID), OrderNo: r.OrderNo, Status: t(c, "stafforders.status."+r.Status),
			Consignee: r.ConsigneeMasked, Phone: r.PhoneMasked, Items: itemNames(c, r.Items), Total: components.Yuan(r.TotalFen),
			Created: i18n.ShortTime(r.CreatedAt)})
	}
	if next != 0 {
		p.Next = base + "&after=" + strconv.FormatInt(next, 10)
	}
	if after > 0 {
		p.First = base
	}
	return a.render(c, http.StatusOK, stafforders.Queue(a.page(c, t(c, "stafforders.queue.title")), p))
}

// itemName is an item's name in the request's language.
func itemName(c echo.Context, it models.OrderItem) string {
	if lang(c) == i18n.EN && it.NameEn != "" {
		return it.NameEn
	}
	return it.NameZh
}

func itemNames(c echo.Context, items []models.OrderItem) string {
	names := make([]string, len(items))
	for i, it := range items {
		names[i] = itemName(c, it) + " × " + strconv.Itoa(it.Quantity)
	}
	return strings.Join(names, "、")
}

// orderState is what a post brings back to the order page: its messages, what
// was typed, and — once, after an audited unmask — the full contact.
type orderState struct {
	errs                      map[string]string
	carrier, tracking, reason string
	unmasked                  *models.Consignee
	resolveID                 int64
	note, noteErr, resolveErr string
}

// showStaffOrder is one order for support staff.
func (a *App) showStaffOrder(c echo.Context) error {
	id, err := documentID(c, "id")
	if err != nil {
		return err
	}
	return a.renderStaffOrder(c, http.StatusOK, id, orderState{})
}

// renderStaffOrder reads order id masked and renders it with st.
func (a *App) renderStaffOrder(c echo.Context, status int, id int64, st orderState) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	d, err := a.orders.StaffOrder(c.Request().Context(), u, id)
	if err != nil {
		return err
	}
	p := stafforders.OrderProps{ID: d.ID, OrderNo: d.OrderNo, Status: t(c, "stafforders.status."+d.Status), Total: components.Yuan(d.TotalFen),
		Created: i18n.ShortTime(d.CreatedAt), Consignee: d.Consignee.Name, Phone: d.Consignee.Phone, Street: d.Consignee.Street,
		Region: d.Place.Text(), Postcode: d.Consignee.Postcode, Tracking: d.Order.TrackingNo, Carrier: a.carrierName(d.Order.Carrier),
		Errors: st.errs, CanShip: models.CanTransition(d.Order.Status, models.OrderShipped),
		CanDeliver:   d.Order.Status == models.OrderShipped,
		CarrierValue: st.carrier, TrackingValue: st.tracking, Reason: st.reason, MaxReason: models.MaxAfterSaleText,
		ShipAction: paths.StaffOrder(id) + "/ship", DeliverAction: paths.StaffOrder(id) + "/deliver",
		UnmaskAction: paths.StaffOrder(id) + "/unmask", Back: paths.StaffOrders + "?status=" + d.Order.Status}
	if status == http.StatusOK && st.unmasked == nil {
		p.Notice = a.flash(c)
	}
	if d.ForOther {
		p.ForOther = t(c, "stafforders.consignee.for_other_yes")
	}
	if st.unmasked != nil {
		p.Unmasked = &stafforders.Contact{Name: st.unmasked.Name, Phone: st.unmasked.Phone, Street: st.unmasked.Street}
	}
	codes := make([]string, 0, len(a.orders.Carriers))
	for code := range a.orders.Carriers {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for _, code := range codes {
		p.Carriers = append(p.Carriers, stafforders.Option{Value: code, Label: a.orders.Carriers[code].Name()})
	}
	for _, it := range d.Items {
		p.Lines = append(p.Lines, stafforders.Line{Name: itemName(c, it), Unit: components.Yuan(it.UnitFen), Quantity: strconv.Itoa(it.Quantity),
			Subtotal: components.Yuan(it.UnitFen * int64(it.Quantity))})
	}
	for _, e := range d.Events {
		p.Events = append(p.Events, a.orderEvent(c, e))
	}
	for _, as := range d.AfterSales {
		v := stafforders.AfterSale{ID: as.ID, Kind: t(c, "stafforders.as."+as.Kind), Status: t(c, "stafforders.as."+as.Status),
			Created: i18n.ShortTime(as.CreatedAt), Reason: as.Reason, Resolution: as.Resolution, Open: as.Status == models.AfterSaleOpen,
			ResolveAction: paths.StaffAfterSales + "/" + strconv.FormatInt(as.ID, 10) + "/resolve"}
		if as.ID == st.resolveID {
			v.Note, v.NoteError, v.FormError = st.note, st.noteErr, st.resolveErr
		}
		p.AfterSales = append(p.AfterSales, v)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return a.render(c, status, stafforders.Order(a.page(c, t(c, "stafforders.order.title", d.OrderNo)), p))
}

// carrierName is a carrier's display name ("" for none).
func (a *App) carrierName(code string) string {
	if cr, ok := a.orders.Carriers[code]; ok {
		return cr.Name()
	}
	return code
}

// orderEvent is one timeline step in words.
func (a *App) orderEvent(c echo.Context, e models.OrderEvent) stafforders.Event {
	ev := stafforders.Event{When: i18n.ShortTime(e.CreatedAt), Label: t(c, "stafforders.status."+e.ToStatus)}
	if kind, ok := strings.CutPrefix(e.Detail, "after_sale:"); ok {
		if e.FromStatus == e.ToStatus {
			ev.Label = t(c, "stafforders.event.after_sale")
		}
		ev.Detail = t(c, "stafforders.as."+kind)
		return ev
	}
	if e.ToStatus == models.OrderShipped {
		if code, tracking, ok := strings.Cut(e.Detail, " "); ok {
			ev.Detail = a.carrierName(code) + " " + tracking
		}
	}
	return ev
}
