package models_test

import (
	"context"
	"fmt"
	"testing"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/models"
)

// Every action on an order in every state: the ones the state machine allows
// succeed, every other one is refused with a conflict and leaves the order as it was.
// policy: C2.2.2-2
func TestEveryOrderActionInEveryState(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newOrderEnv(t, g)
		ctx := context.Background()
		staff := models.AuditContext{ActorKind: models.ActorStaff, ActorID: e.support.ID, RequestID: "req"}
		n := 0
		// reach returns a new order moved to state by the same operations users use.
		reach := func(state string) int64 {
			t.Helper()
			id := e.checkout(t, e.patient, models.NewIdempotencyKey())
			n++
			step := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatalf("reaching %s: %v", state, err)
				}
			}
			pay := func() {
				step(e.orders.HandlePaymentNotice(ctx, "simulated", e.notice(t, id, 79800, true, fmt.Sprint("R", n))))
			}
			switch state {
			case models.OrderAwaitingPayment:
			case models.OrderCancelled:
				step(e.orders.Cancel(ctx, e.patient, id, shopActor))
			case models.OrderExpired:
				e.clock.advance(models.DefaultUnpaidTTL + 1)
				_, err := e.orders.ExpireUnpaid(ctx)
				step(err)
			default:
				pay()
				if state == models.OrderPaid {
					break
				}
				step(e.orders.Ship(ctx, e.support, id, "jd", fmt.Sprint("JD00000", n), staff))
				if state == models.OrderShipped {
					break
				}
				step(e.orders.MarkDelivered(ctx, e.support, id, staff))
				if state == models.OrderDelivered {
					break
				}
				step(e.orders.ConfirmReceipt(ctx, e.patient, id, shopActor))
				if state == models.OrderCompleted {
					break
				}
				as, err := e.orders.RequestAfterSale(ctx, e.patient, id, models.AfterSaleRefund, "不需要了", shopActor)
				step(err)
				step(e.orders.ResolveAfterSale(ctx, e.support, as, true, "已退款", staff))
			}
			if got := e.status(t, id); got != state {
				t.Fatalf("reached %s, want %s", got, state)
			}
			return id
		}
		actions := []struct {
			name string
			to   string // the state the action moves to ("" for after-sale, which keeps it)
			do   func(id int64) error
			from []string
		}{
			{"pay", models.OrderPaid, func(id int64) error {
				before := e.status(t, id)
				if err := e.orders.HandlePaymentNotice(ctx, "simulated", e.notice(t, id, 79800, true, fmt.Sprint("A", id))); err != nil {
					return err
				}
				if before == models.OrderPaid || e.status(t, id) != models.OrderPaid {
					return fmt.Errorf("not paid") // a late notice is acknowledged but changes nothing
				}
				return nil
			}, []string{models.OrderAwaitingPayment}},
			{"cancel", models.OrderCancelled, func(id int64) error { return e.orders.Cancel(ctx, e.patient, id, shopActor) },
				[]string{models.OrderAwaitingPayment, models.OrderPaid}},
			{"ship", models.OrderShipped, func(id int64) error { return e.orders.Ship(ctx, e.support, id, "sf", "SF99999999", staff) },
				[]string{models.OrderPaid}},
			{"deliver", models.OrderDelivered, func(id int64) error { return e.orders.MarkDelivered(ctx, e.support, id, staff) },
				[]string{models.OrderShipped}},
			{"receive", models.OrderCompleted, func(id int64) error { return e.orders.ConfirmReceipt(ctx, e.patient, id, shopActor) },
				[]string{models.OrderDelivered}},
			{"after-sale", "", func(id int64) error {
				_, err := e.orders.RequestAfterSale(ctx, e.patient, id, models.AfterSaleDispute, "与描述不符", shopActor)
				return err
			}, []string{models.OrderPaid, models.OrderShipped, models.OrderDelivered, models.OrderCompleted}},
		}
		for _, state := range models.OrderStatuses {
			for _, a := range actions {
				id := reach(state)
				err := a.do(id)
				allowed := false
				for _, f := range a.from {
					allowed = allowed || f == state
				}
				got := e.status(t, id)
				switch {
				case allowed && err != nil:
					t.Errorf("%s from %s: refused: %v", a.name, state, err)
				case allowed && a.to != "" && got != a.to:
					t.Errorf("%s from %s: now %s, want %s", a.name, state, got, a.to)
				case !allowed && err == nil:
					t.Errorf("%s from %s: allowed", a.name, state)
				case !allowed && got != state:
					t.Errorf("%s from %s: refused but the order is now %s", a.name, state, got)
				case !allowed && a.name != "pay" && !isKind(err, models.KindConflict):
					t.Errorf("%s from %s: %v, want a conflict with a message", a.name, state, err)
				}
			}
		}
	})
}
