package models

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/notify"
	"github.com/yibao-health/portal/internal/payment"
)

// PurposeConsignee is the code purpose of a consignee confirming an order placed
// for them (sent to their phone, checked at checkout).
const PurposeConsignee = "consignee"

// Payment-notification outcomes, as stored.
const (
	NoticePaid      = "paid"      // moved the order to paid
	NoticeFailed    = "failed"    // the payer's attempt failed; the order waits
	NoticeLate      = "late"      // paid after the order was closed: to refund by hand
	NoticeDuplicate = "duplicate" // already handled (never stored: the unique key refuses it)
	NoticeMismatch  = "mismatch"  // amount or order did not match: rejected
)

// consigneeTarget binds a consignee code to the orderer and the consignee's phone,
// so a code sent for one orderer cannot be used by another.
func (o *Orders) consigneeTarget(orderer int64, phone string) string {
	return o.Accounts.ContactIndex(LoginPhone, fmt.Sprintf("%s#%d", phone, orderer))
}

// SendConsigneeCode texts the other person a one-time code that confirms they
// authorized u's order for them. The message names the orderer's username only.
func (o *Orders) SendConsigneeCode(ctx context.Context, u *User, phone string, lang i18n.Lang) error {
	if o.ConsigneeCode == ConsigneeCodeOff {
		return NotFound("")
	}
	phone, ok := NormalizePhone(phone)
	if !ok {
		return Invalid("consignee_phone", "shop.consignee.phone.invalid")
	}
	code, err := o.Accounts.Codes.Issue(ctx, PurposeConsignee, LoginPhone, o.consigneeTarget(u.ID, phone))
	if err != nil {
		if e := AsError(err); e != nil && e.Field == "" {
			e.Field = "consignee_code"
		}
		return err
	}
	body := i18n.Translate(lang, "shop.other.code.sms", u.Username, code, int(CodeLifetime.Minutes()))
	msg := notify.Message{Channel: notify.SMS, To: phone, Subject: i18n.Translate(lang, "code.subject"), Body: body,
		Kind: notify.KindService, Lang: string(lang)}
	return o.Accounts.Notify.Send(ctx, nil, 0, msg)
}

// StartPayment returns where the patient pays their own order awaiting payment
// with provider, and records the hand-over of the order number and amount to the
// provider in the disclosure log.
func (o *Orders) StartPayment(ctx context.Context, u *User, id int64, provider string) (string, error) {
	p, ok := o.Providers[provider]
	if !ok {
		return "", Invalid("provider", "shop.pay.provider")
	}
	var url string
	err := o.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		order, err := lockOrder(tx, id, u.ID)
		if err != nil {
			return err
		}
		if order.Status != OrderAwaitingPayment || !o.now().Before(order.ExpiresAt) {
			return &Error{Kind: KindConflict, Key: "shop.pay.not_payable"}
		}
		if url, err = p.PayURL(payment.Request{OrderNo: order.OrderNo, AmountFen: order.TotalFen, Description: "医宝健康 " + order.OrderNo}); err != nil {
			return Unavailable("error.503.body", err)
		}
		if err := tx.Model(order).Update("payment_provider", provider).Error; err != nil {
			return err
		}
		return recordDisclosure(tx, Disclosure{UserID: u.ID, Recipient: "payment:" + provider, Purpose: "payment",
			Fields: payment.SharedFields, LegalBasis: "contract", RefType: "order", RefID: order.ID, CreatedAt: o.now()})
	})
	return url, err
}

// HandlePaymentNotice applies a verified notification from provider. It is
// idempotent: each (provider, notification id) is stored once under a unique key,
// so the same notification any number of times, even at once, changes the order
// once; every call that is not a mismatch answers success. The amount and order
// must match our records, or the notice is rejected and the order is unchanged.
func (o *Orders) HandlePaymentNotice(ctx context.Context, provider string, n payment.Notice) error {
	now := o.now()
	outcome := ""
	err := o.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var order Order
		if err := tx.Where("order_no = ?", n.OrderNo).Take(&order).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				outcome = NoticeMismatch
				return Invalid("", "shop.pay.mismatch")
			}
			return err
		}
		if order.TotalFen != n.AmountFen || (order.PaymentProvider != "" && order.PaymentProvider != provider) {
			outcome = NoticeMismatch
			return Invalid("", "shop.pay.mismatch")
		}
		locked, err := lockOrder(tx, order.ID, 0)
		if err != nil {
			return err
		}
		switch {
		case !n.Paid:
			outcome = NoticeFailed
		case locked.Status == OrderAwaitingPayment:
			outcome = NoticePaid
		default:
			outcome = NoticeLate
		}
		pn := PaymentNotification{Provider: provider, NotificationID: n.NotificationID, OrderID: order.ID,
			AmountFen: n.AmountFen, Outcome: outcome, ReceivedAt: now}
		if err := tx.Create(&pn).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) || isDuplicate(err) {
				outcome = NoticeDuplicate
				return errDuplicateNotice
			}
			return fmt.Errorf("payments: record notice: %w", err)
		}
		if outcome == NoticePaid {
			ref := n.ProviderRef
			if len(ref) > 64 {
				ref = ref[:64]
			}
			if err := orderTransition(tx, locked, OrderPaid, ActorSystem, 0, provider, now, map[string]any{"payment_ref": ref, "payment_provider": provider}); err != nil {
				return err
			}
		}
		_, err = AppendAudit(tx, AuditContext{ActorKind: ActorSystem, RequestID: "payment:" + provider}.
			Entry(AuditPaymentNotice, "order", idString(order.ID), OutcomeSuccess).With(map[string]string{"outcome": outcome}))
		return err
	})
	if errors.Is(err, errDuplicateNotice) {
		return nil
	}
	if outcome == NoticeMismatch {
		entry := AuditContext{ActorKind: ActorSystem, RequestID: "payment:" + provider}.Entry(AuditPaymentNotice, "order", n.OrderNo, OutcomeDenied).
			With(map[string]string{"outcome": NoticeMismatch})
		_ = o.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error { _, e := AppendAudit(tx, entry); return e })
	}
	return err
}

var errDuplicateNotice = errors.New("payments: duplicate notification")

// isDuplicate recognises a unique-key violation on drivers that GORM does not
// translate (no TranslateError): MySQL 1062, SQLite UNIQUE constraint.
func isDuplicate(err error) bool {
	s := err.Error()
	return strings.Contains(s, "1062") || strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "Duplicate entry")
}
