package models

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// AfterSaleStatuses lists the request states in the order the queue's tabs show them.
var AfterSaleStatuses = []string{AfterSaleOpen, AfterSaleApproved, AfterSaleRejected}

// AfterSaleRow is one request in the support queue: no texts, no contact.
type AfterSaleRow struct {
	ID        int64
	OrderID   int64
	OrderNo   string
	Kind      string
	Status    string
	CreatedAt time.Time
}

// AfterSaleQueue returns a page of after-sale requests in status (open when ""),
// open ones oldest first so the longest-waiting comes first, decided ones newest
// first; keyset by id (after = the last id of the previous page). Support staff only.
func (o *Orders) AfterSaleQueue(ctx context.Context, staff *User, status string, after int64) ([]AfterSaleRow, int64, error) {
	if !staffCan(staff, CapSupport) {
		return nil, 0, NotFound("")
	}
	if status == "" {
		status = AfterSaleOpen
	}
	if !slices.Contains(AfterSaleStatuses, status) {
		return nil, 0, Invalid("status", "stafforders.after_sales.status")
	}
	q := o.DB.WithContext(ctx).Table("after_sales AS a").
		Select("a.id, a.order_id, o.order_no, a.kind, a.status, a.created_at").
		Joins("JOIN orders o ON o.id = a.order_id").Where("a.status = ?", status)
	asc := status == AfterSaleOpen
	switch {
	case after > 0 && asc:
		q = q.Where("a.id > ?", after)
	case after > 0:
		q = q.Where("a.id < ?", after)
	}
	if asc {
		q = q.Order("a.id ASC")
	} else {
		q = q.Order("a.id DESC")
	}
	var rows []AfterSaleRow
	if err := q.Limit(OrderPage + 1).Scan(&rows).Error; err != nil {
		return nil, 0, fmt.Errorf("orders: after-sale queue: %w", err)
	}
	var next int64
	if len(rows) > OrderPage {
		rows = rows[:OrderPage]
		next = rows[OrderPage-1].ID
	}
	return rows, next, nil
}

// AfterSaleOrderID returns the order of after-sale request id, for support staff
// (the resolve form answers on the order's page); NotFound otherwise.
func (o *Orders) AfterSaleOrderID(ctx context.Context, staff *User, id int64) (int64, error) {
	if !staffCan(staff, CapSupport) {
		return 0, NotFound("")
	}
	var ids []int64
	if err := o.DB.WithContext(ctx).Model(&AfterSale{}).Where("id = ?", id).Limit(1).Pluck("order_id", &ids).Error; err != nil {
		return 0, fmt.Errorf("orders: after-sale order: %w", err)
	}
	if len(ids) == 0 {
		return 0, NotFound("")
	}
	return ids[0], nil
}
