package models_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/logistics"
	"github.com/yibao-health/portal/internal/payment"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/models"
)

type orderEnv struct {
	g       *gorm.DB
	acc     *models.Accounts
	orders  *models.Orders
	sim     *payment.Simulated
	clock   *fixtureClock
	patient *models.User
	other   *models.User
	support *models.User
	product int64
}

func newOrderEnv(t *testing.T, g *gorm.DB) *orderEnv {
	t.Helper()
	a, _, clock := accountsFixture(t, g)
	sim, err := payment.NewSimulated([]byte("test master key of 32 bytes....."), "/pay/simulated")
	if err != nil {
		t.Fatal(err)
	}
	e := &orderEnv{g: g, acc: a, sim: sim, clock: clock,
		orders: &models.Orders{DB: g, Accounts: a, Now: clock.now, Providers: map[string]payment.Provider{sim.Name(): sim},
			Carriers: logistics.Carriers(), ConsigneeCode: models.ConsigneeCodeOptional}}
	e.patient = newPatient(t, a, "13800009001", "")
	e.other = newPatient(t, a, "13800009002", "")
	var err2 error
	e.support, err2 = a.CreateAccount(context.Background(), models.NewAccount{Kind: models.KindStaff, Email: "s@example.com",
		Password: "Demo-Pass-2026", TOTPSecret: "JBSWY3DPEHPK3PXP", Caps: []string{models.CapSupport}}, models.AuditContext{ActorKind: models.ActorSystem})
	if err2 != nil {
		t.Fatal(err2)
	}
	p := models.Product{Kind: models.ProductCheckup, NameZh: "基础体检套餐", NameEn: "Basic check-up", DescriptionZh: "-", DescriptionEn: "-",
		PriceFen: 39900, Available: true, CreatedAt: clock.now(), UpdatedAt: clock.now()}
	if err := g.Create(&p).Error; err != nil {
		t.Fatal(err)
	}
	e.product = p.ID
	return e
}

var shopActor = models.AuditContext{ActorKind: models.ActorPatient, RequestID: "req-shop"}

func (e *orderEnv) checkout(t *testing.T, u *models.User, key string) int64 {
	t.Helper()
	id, err := e.orders.Checkout(context.Background(), u, e.input(key), shopActor)
	if err != nil {
		t.Fatalf("checkout: %v", err)
	}
	return id
}

func (e *orderEnv) input(key string) models.CheckoutInput {
	return models.CheckoutInput{IdempotencyKey: key, Lines: []models.CartLine{{ProductID: e.product, Quantity: 2}},
		Consignee: models.Consignee{Name: "李四", Phone: "13912345678", RegionCode: "110105", Street: "建国路 88 号 3 单元 502", Postcode: "100022"}}
}

func (e *orderEnv) status(t *testing.T, id int64) string {
	t.Helper()
	var o models.Order
	if err := e.g.First(&o, id).Error; err != nil {
		t.Fatal(err)
	}
	return o.Status
}

func (e *orderEnv) notice(t *testing.T, id int64, amount int64, paid bool, nid string) payment.Notice {
	t.Helper()
	var o models.Order
	if err := e.g.First(&o, id).Error; err != nil {
		t.Fatal(err)
	}
	return payment.Notice{NotificationID: nid, OrderNo: o.OrderNo, ProviderRef: "SIM" + nid, AmountFen: amount, Paid: paid}
}

// policy: C2.2.2-1 — checkout stores exactly the delivery fields, encrypted; prices
// come from the catalogue; the same idempotency key, even twice at once, makes one
// order.
func TestCheckoutIsIdempotent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newOrderEnv(t, g)
		key := models.NewIdempotencyKey()
		var wg sync.WaitGroup
		ids := make([]int64, 5)
		errs := make([]error, 5)
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ids[i], errs[i] = e.orders.Checkout(context.Background(), e.patient, e.input(key), shopActor)
			}()
		}
		wg.Wait()
		for i := range ids {
			if errs[i] != nil || ids[i] != ids[0] {
				t.Fatalf("double submission: ids %v errs %v", ids, errs)
			}
		}
		if n := countRows(t, g, "orders", "1 = 1"); n != 1 {
			t.Fatalf("%d orders for one key", n)
		}
		var o models.Order
		g.First(&o, ids[0])
		if o.TotalFen != 79800 || o.Status != models.OrderAwaitingPayment || strings.Contains(o.PhoneEnc, "13912345678") || strings.Contains(o.StreetEnc, "建国路") {
			t.Fatalf("stored order %+v", o)
		}
		d, err := e.orders.PatientOrder(context.Background(), e.patient, o.ID)
		if err != nil || d.Consignee.Phone != "13912345678" || d.Place.Text() != "北京市朝阳区" {
			t.Fatalf("owner's view: %+v %v", d, err)
		}
		if _, err := e.orders.PatientOrder(context.Background(), e.other, o.ID); !models.IsNotFound(err) {
			t.Fatalf("another patient sees the order: %v", err)
		}
	})
}

// Bad consignee input names each field and stores nothing.
func TestCheckoutValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newOrderEnv(t, g)
		in := e.input(models.NewIdempotencyKey())
		in.Consignee = models.Consignee{Name: " ", Phone: "12345", RegionCode: "999999", Street: "x", Postcode: "012345"}
		in.ForOther = true
		_, err := e.orders.Checkout(context.Background(), e.patient, in, shopActor)
		fe := models.FieldErrors(err)
		for _, f := range []string{"consignee_name", "consignee_phone", "region", "street", "postcode", "authorization", "relationship"} {
			if fe[f] == nil {
				t.Errorf("no error on %s: %v", f, err)
			}
		}
		if n := countRows(t, g, "orders", "1 = 1") + countRows(t, g, "order_authorizations", "1 = 1"); n != 0 {
			t.Fatalf("%d rows stored", n)
		}
	})
}

// policy: C2.2.2-1 — an order for another person records the authorization first;
// with a code the other person confirmed it.
func TestCheckoutForAnotherPerson(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newOrderEnv(t, g)
		ctx := context.Background()
		in := e.input(models.NewIdempotencyKey())
		in.ForOther, in.Authorization = true, models.OtherAuthorization{Confirmed: true, Relationship: "parent", Code: "000000"}
		if _, err := e.orders.Checkout(ctx, e.patient, in, shopActor); models.FieldErrors(err)["consignee_code"] == nil {
			t.Fatalf("a wrong code is accepted: %v", err)
		}
		in.Authorization.Code = ""
		id, err := e.orders.Checkout(ctx, e.patient, in, shopActor)
		if err != nil {
			t.Fatal(err)
		}
		d, err := e.orders.PatientOrder(ctx, e.patient, id)
		if err != nil || d.Authorization == nil || d.Authorization.Relationship != "parent" || d.Authorization.CodeConfirmed {
			t.Fatalf("authorization: %+v %v", d.Authorization, err)
		}
		e.orders.ConsigneeCode = models.ConsigneeCodeRequired
		in.IdempotencyKey = models.NewIdempotencyKey()
		if _, err := e.orders.Checkout(ctx, e.patient, in, shopActor); models.FieldErrors(err)["consignee_code"] == nil {
			t.Fatalf("required code not asked: %v", err)
		}
	})
}

// policy: C2.2.2-4 — the payment notification replayed 20 times at once changes the
// order exactly once and always answers success; a forged signature or a changed
// amount is rejected and the order stays unpaid.
func TestPaymentNotificationIdempotentAndVerified(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newOrderEnv(t, g)
		ctx := context.Background()
		id := e.checkout(t, e.patient, models.NewIdempotencyKey())
		if _, err := e.orders.StartPayment(ctx, e.patient, id, payment.SimulatedName); err != nil {
			t.Fatal(err)
		}

		// Forged: the body is changed after signing.
		body, hdr := e.sim.Notification(e.notice(t, id, 79800, true, "N1"))
		forged := []byte(strings.Replace(string(body), "79800", "79801", 1))
		if _, err := e.sim.Verify(forged, hdr); err == nil {
			t.Fatal("a changed body verifies")
		}
		hdr2 := hdr.Clone()
		hdr2.Set(payment.SignatureHeader, strings.Repeat("0", 64))
		if _, err := e.sim.Verify(body, hdr2); err == nil {
			t.Fatal("a wrong signature verifies")
		}
		// Correctly signed but the amount differs from our record.
		if err := e.orders.HandlePaymentNotice(ctx, "simulated", e.notice(t, id, 100, true, "N0")); err == nil {
			t.Fatal("a wrong amount is accepted")
		}
		if st := e.status(t, id); st != models.OrderAwaitingPayment {
			t.Fatalf("after rejected notices: %s", st)
		}

		n, err := e.sim.Verify(body, hdr)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 20)
		for i := range errs {
			wg.Add(1)
			go func() { defer wg.Done(); errs[i] = e.orders.HandlePaymentNotice(ctx, "simulated", n) }()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("replay %d: %v", i, err)
			}
		}
		if st := e.status(t, id); st != models.OrderPaid {
			t.Fatalf("after the notice: %s", st)
		}
		if n := countRows(t, g, "order_events", fmt.Sprintf("order_id = %d AND to_status = 'paid'", id)); n != 1 {
			t.Fatalf("%d paid events, want 1", n)
		}
		if n := countRows(t, g, "disclosures", fmt.Sprintf("user_id = %d AND recipient = 'payment:simulated'", e.patient.ID)); n != 1 {
			t.Fatalf("%d payment disclosures", n)
		}
	})
}

// Every transition the state machine does not allow is refused with a message.
func TestOrderTransitions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newOrderEnv(t, g)
		ctx := context.Background()
		staffActor := models.AuditContext{ActorKind: models.ActorStaff, ActorID: e.support.ID, RequestID: "req"}
		id := e.checkout(t, e.patient, models.NewIdempotencyKey())
		if err := e.orders.Ship(ctx, e.support, id, "sf", "SF1234567890", staffActor); !isKind(err, models.KindConflict) {
			t.Fatalf("ship unpaid: %v", err)
		}
		if err := e.orders.ConfirmReceipt(ctx, e.patient, id, shopActor); !isKind(err, models.KindConflict) {
			t.Fatalf("receive unpaid: %v", err)
		}
		if _, err := e.orders.RequestAfterSale(ctx, e.patient, id, models.AfterSaleRefund, "不想要了", shopActor); !isKind(err, models.KindConflict) {
			t.Fatalf("after-sale unpaid: %v", err)
		}
		if err := e.orders.Cancel(ctx, e.other, id, shopActor); !models.IsNotFound(err) {
			t.Fatalf("another patient cancels: %v", err)
		}
		if err := e.orders.HandlePaymentNotice(ctx, "simulated", e.notice(t, id, 79800, true, "P1")); err != nil {
			t.Fatal(err)
		}
		if err := e.orders.MarkDelivered(ctx, e.support, id, staffActor); !isKind(err, models.KindConflict) {
			t.Fatalf("deliver unshipped: %v", err)
		}
		if err := e.orders.Ship(ctx, e.patient, id, "sf", "SF1234567890", shopActor); !models.IsNotFound(err) {
			t.Fatalf("a patient ships: %v", err)
		}
		if err := e.orders.Ship(ctx, e.support, id, "sf", "SF1234567890", staffActor); err != nil {
			t.Fatal(err)
		}
		if err := e.orders.Cancel(ctx, e.patient, id, shopActor); !isKind(err, models.KindConflict) {
			t.Fatalf("cancel shipped: %v", err)
		}
		// policy: C3.1-1 — the carrier's hand-over is in the patient's disclosure log.
		rows, _, err := models.Disclosures(ctx, g, e.patient.ID, 0, 10)
		if err != nil || len(rows) != 1 || rows[0].Recipient != "logistics:sf" || rows[0].Fields != logistics.SharedFields {
			t.Fatalf("disclosures: %+v %v", rows, err)
		}
		if err := e.orders.MarkDelivered(ctx, e.support, id, staffActor); err != nil {
			t.Fatal(err)
		}
		if err := e.orders.ConfirmReceipt(ctx, e.patient, id, shopActor); err != nil {
			t.Fatal(err)
		}
		as, err := e.orders.RequestAfterSale(ctx, e.patient, id, models.AfterSaleReturn, "包装破损", shopActor)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.orders.RequestAfterSale(ctx, e.patient, id, models.AfterSaleRefund, "再来一次", shopActor); !isKind(err, models.KindConflict) {
			t.Fatalf("second open after-sale: %v", err)
		}
		if err := e.orders.ResolveAfterSale(ctx, e.support, as, true, "已退款", staffActor); err != nil {
			t.Fatal(err)
		}
		if st := e.status(t, id); st != models.OrderRefunded {
			t.Fatalf("after an approved return: %s", st)
		}
		if err := e.orders.ResolveAfterSale(ctx, e.support, as, false, "again", staffActor); !isKind(err, models.KindConflict) {
			t.Fatalf("resolve twice: %v", err)
		}
		// Unpaid orders expire.
		id2 := e.checkout(t, e.patient, models.NewIdempotencyKey())
		e.clock.advance(models.DefaultUnpaidTTL + 1)
		if n, err := e.orders.ExpireUnpaid(ctx); err != nil || n != 1 || e.status(t, id2) != models.OrderExpired {
			t.Fatalf("expiry: %d %v %s", n, err, e.status(t, id2))
		}
		if err := e.orders.HandlePaymentNotice(ctx, "simulated", e.notice(t, id2, 79800, true, "LATE")); err != nil || e.status(t, id2) != models.OrderExpired {
			t.Fatalf("paid after expiry: %v %s", err, e.status(t, id2))
		}
	})
}

// policy: C4.3 — support sees the consignee masked; the full phone only after
// unmasking with a reason, which is kept encrypted and audited.
func TestStaffSeesConsigneeMasked(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newOrderEnv(t, g)
		ctx := context.Background()
		id := e.checkout(t, e.patient, models.NewIdempotencyKey())
		d, err := e.orders.StaffOrder(ctx, e.support, id)
		if err != nil || strings.Contains(fmt.Sprintf("%+v", d), "13912345678") || strings.Contains(fmt.Sprintf("%+v", d), "建国路") {
			t.Fatalf("staff view leaks: %+v %v", d, err)
		}
		q, _, err := e.orders.StaffQueue(ctx, e.support, "", 0)
		if err != nil || len(q) != 1 || strings.Contains(fmt.Sprintf("%+v", q), "13912345678") || q[0].PhoneMasked != "139****5678" {
			t.Fatalf("queue: %+v %v", q, err)
		}
		if _, err := e.orders.StaffOrder(ctx, e.patient, id); !models.IsNotFound(err) {
			t.Fatalf("a patient uses the staff view: %v", err)
		}
		if _, err := e.orders.UnmaskConsignee(ctx, e.support, id, " ", shopActor); err == nil {
			t.Fatal("unmask without a reason")
		}
		c, err := e.orders.UnmaskConsignee(ctx, e.support, id, "快递员联系不上收件人", shopActor)
		if err != nil || c.Phone != "13912345678" {
			t.Fatalf("unmask: %+v %v", c, err)
		}
		if n := countRows(t, g, "audit_log", "action = 'order.unmask'"); n != 1 {
			t.Fatalf("%d unmask audits", n)
		}
	})
}
