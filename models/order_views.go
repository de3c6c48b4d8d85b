package models

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/mask"
	"github.com/yibao-health/portal/internal/regions"
)

// OrderSummary is one row of an order list.
type OrderSummary struct {
	ID        int64
	OrderNo   string
	Status    string // as shown: an overdue unpaid order shows as expired
	TotalFen  int64
	ForOther  bool
	CreatedAt time.Time
	Items     []OrderItem
	// Masked consignee, for the staff queue only.
	ConsigneeMasked, PhoneMasked string
}

// shownStatus is the status to show at now: an unpaid order past its deadline is
// expired even before the sweep writes it.
func shownStatus(o *Order, now time.Time) string {
	if o.Status == OrderAwaitingPayment && !now.Before(o.ExpiresAt) {
		return OrderExpired
	}
	return o.Status
}

// itemsOf loads the items of orders in one query.
func itemsOf(g *gorm.DB, orders []Order) (map[int64][]OrderItem, error) {
	out := map[int64][]OrderItem{}
	if len(orders) == 0 {
		return out, nil
	}
	ids := make([]int64, len(orders))
	for i, o := range orders {
		ids[i] = o.ID
	}
	var items []OrderItem
	if err := g.Where("order_id IN ?", ids).Order("id").Find(&items).Error; err != nil {
		return nil, fmt.Errorf("orders: items: %w", err)
	}
	for _, it := range items {
		out[it.OrderID] = append(out[it.OrderID], it)
	}
	return out, nil
}

// listOrders runs a keyset page (newest first, before id after) of q and loads the
// items: two queries.
func (o *Orders) listOrders(ctx context.Context, q *gorm.DB, status string, after int64) ([]Order, map[int64][]OrderItem, int64, error) {
	if status != "" && !slices.Contains(OrderStatuses, status) {
		return nil, nil, 0, Invalid("status", "shop.order.filter")
	}
	if status != "" {
		q = q.Where("status = ?", status)
	}
	if after > 0 {
		q = q.Where("id < ?", after)
	}
	var rows []Order
	if err := q.WithContext(ctx).Order("id DESC").Limit(OrderPage + 1).Find(&rows).Error; err != nil {
		return nil, nil, 0, fmt.Errorf("orders: list: %w", err)
	}
	var next int64
	if len(rows) > OrderPage {
		rows = rows[:OrderPage]
		next = rows[OrderPage-1].ID
	}
	items, err := itemsOf(o.DB.WithContext(ctx), rows)
	return rows, items, next, err
}

// PatientOrders returns a page of u's own orders, filtered by stored status ("" all).
func (o *Orders) PatientOrders(ctx context.Context, u *User, status string, after int64) ([]OrderSummary, int64, error) {
	rows, items, next, err := o.listOrders(ctx, o.DB.Model(&Order{}).Where("user_id = ?", u.ID), status, after)
	if err != nil {
		return nil, 0, err
	}
	now := o.now()
	out := make([]OrderSummary, len(rows))
	for i := range rows {
		r := &rows[i]
		out[i] = OrderSummary{ID: r.ID, OrderNo: r.OrderNo, Status: shownStatus(r, now), TotalFen: r.TotalFen, ForOther: r.ForOther,
			CreatedAt: r.CreatedAt, Items: items[r.ID]}
	}
	return out, next, nil
}

// AfterSaleView is an after-sale request with its texts.
type AfterSaleView struct {
	AfterSale
	Reason, Resolution string
}

// OrderDetail is one order with everything its pages show.
type OrderDetail struct {
	OrderSummary
	Order         Order
	Consignee     Consignee // full for the owner; masked phone and street for staff
	Place         regions.Place
	Events        []OrderEvent
	AfterSales    []AfterSaleView
	Authorization *OrderAuthorization
	Payable       bool // awaiting payment and not past its deadline
	ExpiresAt     time.Time
}

// CanCancel reports whether the order may be cancelled now.
func (d *OrderDetail) CanCancel() bool {
	return d.Status != OrderExpired && CanTransition(d.Order.Status, OrderCancelled)
}

// CanAfterSale reports whether an after-sale request may be opened now.
func (d *OrderDetail) CanAfterSale() bool {
	if !slices.Contains(afterSaleFrom, d.Order.Status) {
		return false
	}
	for _, a := range d.AfterSales {
		if a.Status == AfterSaleOpen {
			return false
		}
	}
	return true
}

// PatientOrder returns u's own order id; NotFound for anyone else's.
func (o *Orders) PatientOrder(ctx context.Context, u *User, id int64) (*OrderDetail, error) {
	var order Order
	if err := o.DB.WithContext(ctx).Where("id = ? AND user_id = ?", id, u.ID).Take(&order).Error; err != nil {
		return nil, NotFound("")
	}
	return o.detail(ctx, &order, false)
}

// StaffOrder returns order id for support staff, the consignee masked.
func (o *Orders) StaffOrder(ctx context.Context, staff *User, id int64) (*OrderDetail, error) {
	if !staffCan(staff, CapSupport) {
		return nil, NotFound("")
	}
	var order Order
	if err := o.DB.WithContext(ctx).Where("id = ?", id).Take(&order).Error; err != nil {
		return nil, NotFound("")
	}
	return o.detail(ctx, &order, true)
}

// StaffQueue returns a page of every order in status, newest first, with the
// consignee masked, for support staff.
func (o *Orders) StaffQueue(ctx context.Context, staff *User, status string, after int64) ([]OrderSummary, int64, error) {
	if !staffCan(staff, CapSupport) {
		return nil, 0, NotFound("")
	}
	rows, items, next, err := o.listOrders(ctx, o.DB.Model(&Order{}), status, after)
	if err != nil {
		return nil, 0, err
	}
	now := o.now()
	out := make([]OrderSummary, len(rows))
	for i := range rows {
		r := &rows[i]
		c, err := o.consignee(r)
		if err != nil {
			return nil, 0, err
		}
		out[i] = OrderSummary{ID: r.ID, OrderNo: r.OrderNo, Status: shownStatus(r, now), TotalFen: r.TotalFen, ForOther: r.ForOther,
			CreatedAt: r.CreatedAt, Items: items[r.ID], ConsigneeMasked: mask.Name(c.Name), PhoneMasked: mask.Phone(c.Phone)}
	}
	return out, next, nil
}

func (o *Orders) detail(ctx context.Context, order *Order, masked bool) (*OrderDetail, error) {
	g := o.DB.WithContext(ctx)
	now := o.now()
	items, err := itemsOf(g, []Order{*order})
	if err != nil {
		return nil, err
	}
	c, err := o.consignee(order)
	if err != nil {
		return nil, err
	}
	d := &OrderDetail{Order: *order, ExpiresAt: order.ExpiresAt,
		OrderSummary: OrderSummary{ID: order.ID, OrderNo: order.OrderNo, Status: shownStatus(order, now), TotalFen: order.TotalFen,
			ForOther: order.ForOther, CreatedAt: order.CreatedAt, Items: items[order.ID]}}
	d.Place, _ = regions.Lookup(order.RegionCode)
	if masked {
		d.ConsigneeMasked, d.PhoneMasked = mask.Name(c.Name), mask.Phone(c.Phone)
		c = Consignee{Name: mask.Name(c.Name), Phone: mask.Phone(c.Phone), RegionCode: c.RegionCode, Street: "****", Postcode: c.Postcode}
	}
	d.Consignee = c
	d.Payable = order.Status == OrderAwaitingPayment && now.Before(order.ExpiresAt)
	if err := g.Where("order_id = ?", order.ID).Order("id").Find(&d.Events).Error; err != nil {
		return nil, fmt.Errorf("orders: events: %w", err)
	}
	var as []AfterSale
	if err := g.Where("order_id = ?", order.ID).Order("id").Find(&as).Error; err != nil {
		return nil, fmt.Errorf("orders: after-sales: %w", err)
	}
	for _, a := range as {
		v := AfterSaleView{AfterSale: a}
		if v.Reason, err = o.Accounts.Open("after_sales", "reason", a.ID, a.UserID, &a.ReasonEnc); err != nil {
			return nil, err
		}
		if v.Resolution, err = o.Accounts.Open("after_sales", "resolution", a.ID, a.UserID, a.ResolutionEnc); err != nil {
			return nil, err
		}
		d.AfterSales = append(d.AfterSales, v)
	}
	if order.AuthorizationID != nil {
		var auth OrderAuthorization
		if err := g.Where("id = ?", *order.AuthorizationID).Take(&auth).Error; err != nil {
			return nil, fmt.Errorf("orders: authorization: %w", err)
		}
		d.Authorization = &auth
	}
	return d, nil
}

// Disclosures returns a page of userID's disclosure log, newest first (before id
// after; 0 for the first page), at most limit rows, and the next cursor.
func Disclosures(ctx context.Context, g *gorm.DB, userID, after int64, limit int) ([]Disclosure, int64, error) {
	if limit <= 0 || limit > MaxAccessPage {
		limit = MaxAccessPage
	}
	q := g.WithContext(ctx).Where("user_id = ?", userID)
	if after > 0 {
		q = q.Where("id < ?", after)
	}
	var rows []Disclosure
	if err := q.Order("id DESC").Limit(limit + 1).Find(&rows).Error; err != nil {
		return nil, 0, fmt.Errorf("disclosures: %w", err)
	}
	var next int64
	if len(rows) > limit {
		rows = rows[:limit]
		next = rows[limit-1].ID
	}
	return rows, next, nil
}
