package models

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/logistics"
	"github.com/yibao-health/portal/internal/regions"
)

var trackingRE = regexp.MustCompile(`^[A-Za-z0-9-]{6,32}$`)

// staffCan reports whether u is active staff holding capability.
func staffCan(u *User, capability string) bool {
	return u != nil && u.Kind == KindStaff && u.Can(capability)
}

// Ship hands a paid order to carrier under tracking (support staff): the carrier
// receives only the Shipment fields, the hand-over is written to the patient's
// disclosure log in the same transaction, and the order becomes shipped.
func (o *Orders) Ship(ctx context.Context, staff *User, id int64, carrier, tracking string, actx AuditContext) error {
	if !staffCan(staff, CapSupport) {
		return NotFound("")
	}
	var p Problems
	c, ok := o.Carriers[carrier]
	if !ok {
		p.Add("carrier", "shop.ship.carrier")
	}
	tracking = strings.TrimSpace(tracking)
	if !trackingRE.MatchString(tracking) {
		p.Add("tracking", "shop.ship.tracking")
	}
	if len(p) > 0 {
		return p
	}
	now := o.now()
	return o.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		order, err := lockOrder(tx, id, 0)
		if err != nil {
			return err
		}
		if !CanTransition(order.Status, OrderShipped) {
			return &Error{Kind: KindConflict, Key: "shop.order.cannot." + OrderShipped}
		}
		cons, err := o.consignee(order)
		if err != nil {
			return err
		}
		var parcels int64
		if err := tx.Model(&OrderItem{}).Where("order_id = ?", order.ID).Select("COALESCE(SUM(quantity), 0)").Scan(&parcels).Error; err != nil {
			return err
		}
		place, _ := regions.Lookup(cons.RegionCode)
		s := logistics.Shipment{OrderNo: order.OrderNo, ConsigneeName: cons.Name, ConsigneePhone: cons.Phone,
			Address: place.Text() + cons.Street, Postcode: cons.Postcode, Parcels: int(parcels)}
		if err := c.Handover(ctx, s, tracking); err != nil {
			return Unavailable("error.503.body", err)
		}
		if err := recordDisclosure(tx, Disclosure{UserID: order.UserID, Recipient: "logistics:" + c.Code(), Purpose: "delivery",
			Fields: logistics.SharedFields, LegalBasis: "contract", RefType: "order", RefID: order.ID, CreatedAt: now}); err != nil {
			return err
		}
		if err := orderTransition(tx, order, OrderShipped, ActorStaff, staff.ID, c.Code()+" "+tracking, now,
			map[string]any{"carrier": c.Code(), "tracking_no": tracking}); err != nil {
			return err
		}
		_, err = AppendAudit(tx, actx.Entry(AuditOrderTransition, "order", idString(id), OutcomeSuccess).With(map[string]string{"to": OrderShipped}))
		return err
	})
}

// MarkDelivered records the carrier's delivery of a shipped order (support staff).
func (o *Orders) MarkDelivered(ctx context.Context, staff *User, id int64, actx AuditContext) error {
	if !staffCan(staff, CapSupport) {
		return NotFound("")
	}
	return o.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		order, err := lockOrder(tx, id, 0)
		if err != nil {
			return err
		}
		if err := orderTransition(tx, order, OrderDelivered, ActorStaff, staff.ID, "", o.now(), nil); err != nil {
			return err
		}
		_, err = AppendAudit(tx, actx.Entry(AuditOrderTransition, "order", idString(id), OutcomeSuccess).With(map[string]string{"to": OrderDelivered}))
		return err
	})
}

// After-sale kinds and states.
const (
	AfterSaleRefund  = "refund"
	AfterSaleReturn  = "return"
	AfterSaleDispute = "dispute"

	AfterSaleOpen     = "open"
	AfterSaleApproved = "approved"
	AfterSaleRejected = "rejected"

	MaxAfterSaleText = 1000
)

// AfterSaleKinds lists the kinds a patient may request.
var AfterSaleKinds = []string{AfterSaleRefund, AfterSaleReturn, AfterSaleDispute}

// afterSaleFrom are the order states an after-sale request may be made in.
var afterSaleFrom = []string{OrderPaid, OrderShipped, OrderDelivered, OrderCompleted}

// RequestAfterSale opens a refund, return or dispute on the patient's own paid
// order, with a reason; one open request per order.
func (o *Orders) RequestAfterSale(ctx context.Context, u *User, id int64, kind, reason string, actx AuditContext) (int64, error) {
	var p Problems
	if !slices.Contains(AfterSaleKinds, kind) {
		p.Add("kind", "shop.after_sale.kind")
	}
	reason, err := requiredText("reason", "shop.after_sale.reason", reason, MaxAfterSaleText)
	if err != nil {
		p = append(p, AsError(err))
	}
	if len(p) > 0 {
		return 0, p
	}
	now := o.now()
	var as AfterSale
	err = o.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		order, err := lockOrder(tx, id, u.ID)
		if err != nil {
			return err
		}
		if !slices.Contains(afterSaleFrom, order.Status) {
			return &Error{Kind: KindConflict, Key: "shop.after_sale.not_now"}
		}
		var open int64
		if err := tx.Model(&AfterSale{}).Where("order_id = ? AND status = ?", order.ID, AfterSaleOpen).Count(&open).Error; err != nil {
			return err
		}
		if open > 0 {
			return &Error{Kind: KindConflict, Key: "shop.after_sale.open"}
		}
		as = AfterSale{OrderID: order.ID, UserID: u.ID, Kind: kind, ReasonEnc: "-", Status: AfterSaleOpen, CreatedAt: now}
		if err := tx.Create(&as).Error; err != nil {
			return err
		}
		ct, err := o.Accounts.Seal("after_sales", "reason", as.ID, u.ID, reason)
		if err != nil {
			return err
		}
		if err := tx.Model(&as).Update("reason_enc", *ct).Error; err != nil {
			return err
		}
		if err := tx.Create(&OrderEvent{OrderID: order.ID, FromStatus: order.Status, ToStatus: order.Status, ActorKind: ActorPatient,
			ActorID: u.ID, Detail: "after_sale:" + kind, CreatedAt: now}).Error; err != nil {
			return err
		}
		_, err = AppendAudit(tx, actx.Entry(AuditAfterSale, "order", idString(id), OutcomeSuccess).With(map[string]string{"kind": kind, "step": "request"}))
		return err
	})
	return as.ID, err
}

// ResolveAfterSale decides an open request (support staff): approve or reject with
// a note to the patient. An approved refund or return refunds the order.
func (o *Orders) ResolveAfterSale(ctx context.Context, staff *User, id int64, approve bool, note string, actx AuditContext) error {
	if !staffCan(staff, CapSupport) {
		return NotFound("")
	}
	note, err := requiredText("note", "shop.after_sale.note", note, MaxAfterSaleText)
	if err != nil {
		return err
	}
	now := o.now()
	return o.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var as AfterSale
		if err := tx.Where("id = ?", id).Take(&as).Error; err != nil {
			return NotFound("")
		}
		if as.Status != AfterSaleOpen {
			return &Error{Kind: KindConflict, Key: "shop.after_sale.done"}
		}
		status := AfterSaleRejected
		if approve {
			status = AfterSaleApproved
		}
		ct, err := o.Accounts.Seal("after_sales", "resolution", as.ID, as.UserID, note)
		if err != nil {
			return err
		}
		res := tx.Model(&AfterSale{}).Where("id = ? AND status = ?", as.ID, AfterSaleOpen).
			Updates(map[string]any{"status": status, "resolution_enc": *ct, "resolver_id": staff.ID, "resolved_at": now})
		if res.Error != nil || res.RowsAffected == 0 {
			return &Error{Kind: KindConflict, Key: "shop.after_sale.done"}
		}
		order, err := lockOrder(tx, as.OrderID, 0)
		if err != nil {
			return err
		}
		if approve && as.Kind != AfterSaleDispute {
			if err := orderTransition(tx, order, OrderRefunded, ActorStaff, staff.ID, "after_sale:"+as.Kind, now, nil); err != nil {
				return err
			}
		} else if err := tx.Create(&OrderEvent{OrderID: order.ID, FromStatus: order.Status, ToStatus: order.Status, ActorKind: ActorStaff,
			ActorID: staff.ID, Detail: "after_sale:" + status, CreatedAt: now}).Error; err != nil {
			return err
		}
		_, err = AppendAudit(tx, actx.Entry(AuditAfterSale, "order", idString(order.ID), OutcomeSuccess).
			With(map[string]string{"kind": as.Kind, "step": status}))
		return err
	})
}

// UnmaskConsignee returns an order's full consignee phone and street to support
// staff who give a reason; the reason is kept encrypted and the act audited.
func (o *Orders) UnmaskConsignee(ctx context.Context, staff *User, id int64, reason string, actx AuditContext) (Consignee, error) {
	if !staffCan(staff, CapSupport) {
		return Consignee{}, NotFound("")
	}
	reason, err := requiredText("reason", "shop.unmask.reason", reason, MaxAfterSaleText)
	if err != nil {
		return Consignee{}, err
	}
	var c Consignee
	err = o.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var order Order
		if err := tx.Where("id = ?", id).Take(&order).Error; err != nil {
			return NotFound("")
		}
		var err error
		if c, err = o.consignee(&order); err != nil {
			return err
		}
		u := OrderUnmask{OrderID: order.ID, UserID: order.UserID, StaffID: staff.ID, ReasonEnc: "-", CreatedAt: o.now()}
		if err := tx.Create(&u).Error; err != nil {
			return err
		}
		ct, err := o.Accounts.Seal("order_unmasks", "reason", u.ID, order.UserID, reason)
		if err != nil {
			return err
		}
		if err := tx.Model(&u).Update("reason_enc", *ct).Error; err != nil {
			return err
		}
		_, err = AppendAudit(tx, actx.Entry(AuditOrderUnmask, "order", idString(order.ID), OutcomeSuccess))
		return err
	})
	if err != nil {
		return Consignee{}, fmt.Errorf("orders: unmask: %w", err)
	}
	return c, nil
}
