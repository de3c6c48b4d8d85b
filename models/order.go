package models

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/yibao-health/portal/internal/logistics"
	"github.com/yibao-health/portal/internal/payment"
	"github.com/yibao-health/portal/internal/regions"
)

// Order states. An order moves awaiting_payment → paid → shipped → delivered →
// completed; it may be cancelled before shipping, expires unpaid, and an approved
// refund or return ends it as refunded.
const (
	OrderAwaitingPayment = "awaiting_payment"
	OrderPaid            = "paid"
	OrderShipped         = "shipped"
	OrderDelivered       = "delivered"
	OrderCompleted       = "completed"
	OrderCancelled       = "cancelled"
	OrderExpired         = "expired"
	OrderRefunded        = "refunded"
)

// OrderStatuses lists the states in the order a list filter shows them.
var OrderStatuses = []string{OrderAwaitingPayment, OrderPaid, OrderShipped, OrderDelivered, OrderCompleted,
	OrderCancelled, OrderExpired, OrderRefunded}

// orderTransitions is the state machine: the states each state may move to.
var orderTransitions = map[string][]string{
	OrderAwaitingPayment: {OrderPaid, OrderCancelled, OrderExpired},
	OrderPaid:            {OrderShipped, OrderCancelled, OrderRefunded},
	OrderShipped:         {OrderDelivered, OrderRefunded},
	OrderDelivered:       {OrderCompleted, OrderRefunded},
	OrderCompleted:       {OrderRefunded},
}

// CanTransition reports whether an order in from may move to to.
func CanTransition(from, to string) bool { return slices.Contains(orderTransitions[from], to) }

// Limits of the shop.
const (
	MaxCartLines       = 20
	MaxLineQuantity    = 99
	MaxConsigneeName   = 30  // characters
	MaxStreet          = 120 // characters
	DefaultUnpaidTTL   = 30 * time.Minute
	OrderPage          = 20
	AuthorizationText  = "order-for-other/2026-01" // the statement version the orderer ticks
	consigneeCodeScope = "consignee"
)

// Relationships an orderer may state with the consignee.
var Relationships = []string{"spouse", "parent", "child", "relative", "friend", "other"}

// Consignee-code modes (PORTAL_SHOP_CONSIGNEE_CODE): whether the other person
// confirms an order for them with a one-time code sent to their phone.
const (
	ConsigneeCodeOff      = "off"
	ConsigneeCodeOptional = "optional"
	ConsigneeCodeRequired = "required"
)

// Audit actions of orders.
const (
	AuditOrderCreate     = "order.create"
	AuditOrderTransition = "order.transition"
	AuditOrderUnmask     = "order.unmask"
	AuditPaymentNotice   = "payment.notification"
	AuditAfterSale       = "order.after_sale"
)

// Orders is the order domain: checkout, the state machine, payments, shipping,
// after-sale and the staff's masked views. Payment providers and carriers are
// interfaces (internal/payment, internal/logistics).
type Orders struct {
	DB        *gorm.DB
	Accounts  *Accounts
	Now       func() time.Time
	Providers map[string]payment.Provider
	Carriers  map[string]logistics.Carrier
	// UnpaidTTL is how long an unpaid order waits before it expires.
	UnpaidTTL time.Duration
	// ConsigneeCode is ConsigneeCodeOff, …Optional or …Required.
	ConsigneeCode string
}

func (o *Orders) now() time.Time {
	if o.Now == nil {
		return time.Now().UTC()
	}
	return o.Now().UTC()
}

// Consignee is where and to whom an order goes, as typed.
type Consignee struct {
	Name, Phone, RegionCode, Street, Postcode string
}

var postcodeRE = regexp.MustCompile(`^[1-9][0-9]{5}$`)

// cleanConsignee trims and checks c; problems go to the form's field names.
func cleanConsignee(c Consignee) (Consignee, Problems) {
	var p Problems
	c.Name, c.Street, c.Postcode = strings.TrimSpace(c.Name), strings.TrimSpace(c.Street), strings.TrimSpace(c.Postcode)
	c.RegionCode = strings.TrimSpace(c.RegionCode)
	switch n := utf8.RuneCountInString(c.Name); {
	case n == 0:
		p.Add("consignee_name", "shop.consignee.name.required")
	case n > MaxConsigneeName:
		p.Add("consignee_name", "shop.consignee.name.too_long")
	}
	if phone, ok := NormalizePhone(c.Phone); ok {
		c.Phone = phone
	} else {
		p.Add("consignee_phone", "shop.consignee.phone.invalid")
	}
	if _, ok := regions.Lookup(c.RegionCode); !ok {
		p.Add("region", "shop.consignee.region.invalid")
	}
	switch n := utf8.RuneCountInString(c.Street); {
	case n < 4:
		p.Add("street", "shop.consignee.street.required")
	case n > MaxStreet:
		p.Add("street", "shop.consignee.street.too_long")
	}
	if !postcodeRE.MatchString(c.Postcode) {
		p.Add("postcode", "shop.consignee.postcode.invalid")
	}
	return c, p
}

// CartLine is one product and quantity to order.
type CartLine struct {
	ProductID int64
	Quantity  int
}

// OtherAuthorization is the orderer's statement for an order whose consignee is
// another person: the tick, the relationship, and the code the other person
// received when one was sent.
type OtherAuthorization struct {
	Confirmed    bool
	Relationship string
	Code         string
}

// CheckoutInput is the checkout form.
type CheckoutInput struct {
	// IdempotencyKey is the form's one-time key: a second submission with the same
	// key (a double click, a retry) returns the first order instead of a new one.
	IdempotencyKey string
	Lines          []CartLine
	Consignee      Consignee
	ForOther       bool
	Authorization  OtherAuthorization
	ClientIP       string
}

var idemKeyRE = regexp.MustCompile(`^[A-Za-z0-9_-]{16,64}$`)

// NewIdempotencyKey returns a fresh key for a checkout form.
func NewIdempotencyKey() string { return randomCode(32) }

// randomCode returns n characters from an unambiguous alphabet.
func randomCode(n int) string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("orders: random: " + err.Error())
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// Checkout turns in into an order awaiting payment: lines checked against the
// catalogue (available products, bounded quantities; prices from the database,
// never the form), the consignee validated, and — for another person — the
// authorization recorded first, in the same transaction (C2.2.2-1). The cart is
// emptied. Returns the order id; the same idempotency key returns the same order.
func (o *Orders) Checkout(ctx context.Context, u *User, in CheckoutInput, actx AuditContext) (int64, error) {
	if u == nil || u.Kind != KindPatient {
		return 0, NotFound("")
	}
	if !idemKeyRE.MatchString(in.IdempotencyKey) {
		return 0, Invalid("", "shop.checkout.stale")
	}
	if id, err := o.byIdempotencyKey(ctx, u.ID, in.IdempotencyKey); err != nil || id != 0 {
		return id, err
	}
	c, p := cleanConsignee(in.Consignee)
	if len(in.Lines) == 0 || len(in.Lines) > MaxCartLines {
		p.Add("", "shop.checkout.empty")
	}
	for _, l := range in.Lines {
		if l.Quantity < 1 || l.Quantity > MaxLineQuantity {
			p.Add("", "shop.cart.quantity")
			break
		}
	}
	codeConfirmed := false
	if in.ForOther {
		if !in.Authorization.Confirmed {
			p.Add("authorization", "shop.other.authorization.required")
		}
		if !slices.Contains(Relationships, in.Authorization.Relationship) {
			p.Add("relationship", "shop.other.relationship.invalid")
		}
		code := strings.TrimSpace(in.Authorization.Code)
		switch {
		case o.ConsigneeCode == ConsigneeCodeRequired && code == "":
			p.Add("consignee_code", "shop.other.code.required")
		case code != "" && o.ConsigneeCode != ConsigneeCodeOff && len(p) == 0:
			if err := o.Accounts.Codes.Check(ctx, PurposeConsignee, o.consigneeTarget(u.ID, c.Phone), code); err != nil {
				p.Add("consignee_code", "shop.other.code.wrong")
			} else {
				codeConfirmed = true
			}
		}
	}
	if len(p) > 0 {
		return 0, p
	}
	now := o.now()
	var order Order
	err := o.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		items, total, err := priceLines(tx, in.Lines)
		if err != nil {
			return err
		}
		order = Order{OrderNo: newOrderNo(now), UserID: u.ID, Status: OrderAwaitingPayment, TotalFen: total,
			IdempotencyKey: in.IdempotencyKey, ConsigneeEnc: "-", PhoneEnc: "-", StreetEnc: "-", RegionCode: c.RegionCode,
			Postcode: c.Postcode, ForOther: in.ForOther, ExpiresAt: now.Add(o.ttl()), CreatedAt: now, UpdatedAt: now}
		if in.ForOther {
			auth := OrderAuthorization{UserID: u.ID, Relationship: in.Authorization.Relationship, Statement: AuthorizationText,
				CodeConfirmed: codeConfirmed, ClientIP: in.ClientIP, CreatedAt: now}
			if err := tx.Create(&auth).Error; err != nil {
				return fmt.Errorf("orders: authorization: %w", err)
			}
			order.AuthorizationID = &auth.ID
		}
		if err := tx.Create(&order).Error; err != nil {
			return err // a duplicate idempotency key is handled below
		}
		if err := o.sealConsignee(tx, &order, c); err != nil {
			return err
		}
		for i := range items {
			items[i].OrderID = order.ID
		}
		if err := tx.Create(&items).Error; err != nil {
			return fmt.Errorf("orders: items: %w", err)
		}
		if err := tx.Create(&OrderEvent{OrderID: order.ID, ToStatus: OrderAwaitingPayment, ActorKind: ActorPatient, ActorID: u.ID, CreatedAt: now}).Error; err != nil {
			return fmt.Errorf("orders: event: %w", err)
		}
		if err := tx.Where("user_id = ?", u.ID).Delete(&CartItem{}).Error; err != nil {
			return fmt.Errorf("orders: empty cart: %w", err)
		}
		_, err = AppendAudit(tx, actx.Entry(AuditOrderCreate, "order", idString(order.ID), OutcomeSuccess).
			With(map[string]string{"for_other": fmt.Sprint(in.ForOther), "code_confirmed": fmt.Sprint(codeConfirmed)}))
		return err
	})
	if err != nil {
		// The same key committed by a concurrent submission: that order is the answer.
		if id, lerr := o.byIdempotencyKey(ctx, u.ID, in.IdempotencyKey); lerr == nil && id != 0 {
			return id, nil
		}
		return 0, err
	}
	return order.ID, nil
}

func (o *Orders) ttl() time.Duration {
	if o.UnpaidTTL <= 0 {
		return DefaultUnpaidTTL
	}
	return o.UnpaidTTL
}

func (o *Orders) byIdempotencyKey(ctx context.Context, userID int64, key string) (int64, error) {
	var ids []int64
	if err := o.DB.WithContext(ctx).Model(&Order{}).Where("user_id = ? AND idempotency_key = ?", userID, key).Limit(1).Pluck("id", &ids).Error; err != nil {
		return 0, fmt.Errorf("orders: idempotency: %w", err)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	return ids[0], nil
}

// priceLines loads the products of lines (available ones only) and returns the
// order items with the catalogue's names and prices, and the total.
func priceLines(tx *gorm.DB, lines []CartLine) ([]OrderItem, int64, error) {
	ids := make([]int64, len(lines))
	for i, l := range lines {
		ids[i] = l.ProductID
	}
	var products []Product
	if err := tx.Where("id IN ? AND available = ?", ids, true).Find(&products).Error; err != nil {
		return nil, 0, fmt.Errorf("orders: products: %w", err)
	}
	byID := make(map[int64]Product, len(products))
	for _, p := range products {
		byID[p.ID] = p
	}
	var items []OrderItem
	var total int64
	for _, l := range lines {
		p, ok := byID[l.ProductID]
		if !ok {
			return nil, 0, Invalid("", "shop.checkout.unavailable")
		}
		items = append(items, OrderItem{ProductID: p.ID, NameZh: p.NameZh, NameEn: p.NameEn, UnitFen: p.PriceFen, Quantity: l.Quantity})
		total += p.PriceFen * int64(l.Quantity)
	}
	return items, total, nil
}

// newOrderNo is the public order number: date, then random characters.
func newOrderNo(now time.Time) string {
	return "YB" + now.In(ChinaTime).Format("20060102") + randomCode(8)
}

// sealConsignee encrypts c into order's columns, bound to the row and owner.
func (o *Orders) sealConsignee(tx *gorm.DB, order *Order, c Consignee) error {
	seal := func(column, v string) (string, error) {
		s, err := o.Accounts.Seal("orders", column, order.ID, order.UserID, v)
		if err != nil || s == nil {
			return "", fmt.Errorf("orders: seal %s: %w", column, err)
		}
		return *s, nil
	}
	var err error
	if order.ConsigneeEnc, err = seal("consignee", c.Name); err != nil {
		return err
	}
	if order.PhoneEnc, err = seal("phone", c.Phone); err != nil {
		return err
	}
	if order.StreetEnc, err = seal("street", c.Street); err != nil {
		return err
	}
	return tx.Model(order).Updates(map[string]any{"consignee_enc": order.ConsigneeEnc, "phone_enc": order.PhoneEnc, "street_enc": order.StreetEnc}).Error
}

// consignee decrypts order's consignee.
func (o *Orders) consignee(order *Order) (Consignee, error) {
	open := func(column, v string) (string, error) {
		return o.Accounts.Open("orders", column, order.ID, order.UserID, &v)
	}
	c := Consignee{RegionCode: order.RegionCode, Postcode: order.Postcode}
	var err error
	if c.Name, err = open("consignee", order.ConsigneeEnc); err != nil {
		return c, err
	}
	if c.Phone, err = open("phone", order.PhoneEnc); err != nil {
		return c, err
	}
	c.Street, err = open("street", order.StreetEnc)
	return c, err
}

// orderTransition moves order to `to` inside tx, refusing anything the state machine
// does not allow with a clear message, and writes the timeline event. The row is
// updated only if it is still in the state it was read in, so two racing changes
// cannot both win.
func orderTransition(tx *gorm.DB, order *Order, to, actorKind string, actorID int64, detail string, now time.Time, extra map[string]any) error {
	if !CanTransition(order.Status, to) {
		return &Error{Kind: KindConflict, Key: "shop.order.cannot." + to}
	}
	upd := map[string]any{"status": to, "updated_at": now}
	for k, v := range extra {
		upd[k] = v
	}
	res := tx.Model(&Order{}).Where("id = ? AND status = ?", order.ID, order.Status).Updates(upd)
	if res.Error != nil {
		return fmt.Errorf("orders: transition: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return &Error{Kind: KindConflict, Key: "shop.order.changed"}
	}
	ev := OrderEvent{OrderID: order.ID, FromStatus: order.Status, ToStatus: to, ActorKind: actorKind, ActorID: actorID, Detail: detail, CreatedAt: now}
	if err := tx.Create(&ev).Error; err != nil {
		return fmt.Errorf("orders: event: %w", err)
	}
	order.Status = to
	return nil
}

// lockOrder loads order id for update (FOR UPDATE on MySQL; SQLite serializes
// writers); owner, when not zero, must own it (NotFound otherwise).
func lockOrder(tx *gorm.DB, id, owner int64) (*Order, error) {
	q := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", id)
	if owner != 0 {
		q = q.Where("user_id = ?", owner)
	}
	var order Order
	err := q.Take(&order).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, NotFound("")
	}
	if err != nil {
		return nil, fmt.Errorf("orders: load: %w", err)
	}
	return &order, nil
}

// Cancel cancels the patient's own order before it ships.
func (o *Orders) Cancel(ctx context.Context, u *User, id int64, actx AuditContext) error {
	return o.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		order, err := lockOrder(tx, id, u.ID)
		if err != nil {
			return err
		}
		if err := orderTransition(tx, order, OrderCancelled, ActorPatient, u.ID, "", o.now(), nil); err != nil {
			return err
		}
		_, err = AppendAudit(tx, actx.Entry(AuditOrderTransition, "order", idString(id), OutcomeSuccess).With(map[string]string{"to": OrderCancelled}))
		return err
	})
}

// ConfirmReceipt completes the patient's delivered order.
func (o *Orders) ConfirmReceipt(ctx context.Context, u *User, id int64, actx AuditContext) error {
	return o.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		order, err := lockOrder(tx, id, u.ID)
		if err != nil {
			return err
		}
		if err := orderTransition(tx, order, OrderCompleted, ActorPatient, u.ID, "", o.now(), nil); err != nil {
			return err
		}
		_, err = AppendAudit(tx, actx.Entry(AuditOrderTransition, "order", idString(id), OutcomeSuccess).With(map[string]string{"to": OrderCompleted}))
		return err
	})
}

// ExpireUnpaid expires every order still awaiting payment after its deadline and
// returns how many. Run it periodically; views also check ExpiresAt.
func (o *Orders) ExpireUnpaid(ctx context.Context) (int, error) {
	now := o.now()
	var ids []int64
	if err := o.DB.WithContext(ctx).Model(&Order{}).Where("status = ? AND expires_at <= ?", OrderAwaitingPayment, now).
		Limit(500).Pluck("id", &ids).Error; err != nil {
		return 0, fmt.Errorf("orders: expired: %w", err)
	}
	n := 0
	for _, id := range ids {
		err := o.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			order, err := lockOrder(tx, id, 0)
			if err != nil || order.Status != OrderAwaitingPayment {
				return err
			}
			return orderTransition(tx, order, OrderExpired, ActorSystem, 0, "", now, nil)
		})
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// recordDisclosure appends one disclosure-log row in tx.
func recordDisclosure(tx *gorm.DB, d Disclosure) error {
	if d.UserID <= 0 || d.Recipient == "" || d.Purpose == "" || d.Fields == "" || d.LegalBasis == "" {
		return errors.New("disclosure: incomplete")
	}
	if err := tx.Create(&d).Error; err != nil {
		return fmt.Errorf("disclosure: %w", err)
	}
	return nil
}
