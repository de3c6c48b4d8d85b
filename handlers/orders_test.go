package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yibao-health/portal/internal/payment"
	"github.com/yibao-health/portal/internal/testkit/webclient"
	"github.com/yibao-health/portal/models"
)

// shopWorld is a catalogue product and two signed-in patients.
type shopWorld struct {
	ta      *testApp
	product int64
	a, b    *models.User
	ca, cb  *webclient.Client
}

func newShopWorld(t *testing.T, ta *testApp) *shopWorld {
	t.Helper()
	now := time.Now().UTC()
	p := models.Product{Kind: models.ProductCheckup, NameZh: "基础体检套餐", NameEn: "Basic check-up", DescriptionZh: "-", DescriptionEn: "-",
		PriceFen: 39900, Available: true, CreatedAt: now, UpdatedAt: now}
	if err := ta.db.Create(&p).Error; err != nil {
		t.Fatal(err)
	}
	w := &shopWorld{ta: ta, product: p.ID}
	w.a = ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: "13800007001", Username: "shop_a"})
	w.b = ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: "13800007002", Username: "shop_b"})
	w.ca, w.cb = ta.signInFull(t, "13800007001"), ta.signInFull(t, "13800007002")
	return w
}

// fillCart puts qty of the product in u's cart (the cart pages are another area's).
func (w *shopWorld) fillCart(t *testing.T, u *models.User, qty int) {
	t.Helper()
	if err := w.ta.db.Save(&models.CartItem{UserID: u.ID, ProductID: w.product, Quantity: qty, UpdatedAt: time.Now().UTC()}).Error; err != nil {
		t.Fatal(err)
	}
}

// order places an order for u through the model.
func (w *shopWorld) order(t *testing.T, u *models.User) int64 {
	t.Helper()
	id, err := w.ta.app.Orders().Checkout(context.Background(), u, models.CheckoutInput{IdempotencyKey: models.NewIdempotencyKey(),
		Lines:     []models.CartLine{{ProductID: w.product, Quantity: 1}},
		Consignee: models.Consignee{Name: "李四", Phone: "13912345678", RegionCode: "110105", Street: "建国路 88 号 3 单元 502", Postcode: "100022"}},
		models.AuditContext{ActorKind: models.ActorPatient})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (w *shopWorld) status(t *testing.T, id int64) string {
	t.Helper()
	var o models.Order
	if err := w.ta.db.First(&o, id).Error; err != nil {
		t.Fatal(err)
	}
	return o.Status
}

func (w *shopWorld) count(t *testing.T, table string) int64 {
	t.Helper()
	var n int64
	if err := w.ta.db.Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// goodConsignee is a complete checkout form.
func goodConsignee() url.Values {
	return url.Values{"consignee_name": {"王小明"}, "consignee_phone": {"13912345678"}, "province": {"44"}, "city": {"4403"},
		"region": {"440305"}, "street": {"科技园路 1 号 A 座 1201"}, "postcode": {"518057"}}
}

var orderPath = regexp.MustCompile(`^/orders/(\d+)$`)

func orderIDOf(t *testing.T, r *webclient.Response) int64 {
	t.Helper()
	m := orderPath.FindStringSubmatch(r.Location())
	if r.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("want 303 to an order, got %d %q: %s", r.Status, r.Location(), r.Text())
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// A double-clicked checkout (the same form posted twice, then the same form posted
// ten times at once) creates one order each time: the hidden idempotency key.
// policy: C2.2.2-1
func TestCheckoutDoubleSubmitMakesOneOrder(t *testing.T) {
	ta := newApp(t, nil)
	w := newShopWorld(t, ta)
	w.fillCart(t, w.a, 2)
	page := w.ca.Get("/checkout").Expect(http.StatusOK)
	if !page.HasText("¥798.00") || !page.HasText("收货人姓名、手机号、收货地址") {
		t.Fatalf("checkout page lacks the total or the purpose sentence: %s", page.Text())
	}
	form := page.Form("/checkout")
	if form.Value("key") == "" {
		t.Fatal("no idempotency key in the form")
	}
	first := orderIDOf(t, w.ca.SubmitForm(form, goodConsignee()))
	second := orderIDOf(t, w.ca.SubmitForm(form, goodConsignee()))
	if first != second || w.count(t, "orders") != 1 {
		t.Fatalf("double submit: orders %d and %d, %d stored", first, second, w.count(t, "orders"))
	}
	if n := w.count(t, "cart_items"); n != 0 {
		t.Fatalf("cart not emptied: %d", n)
	}

	w.fillCart(t, w.a, 1)
	form = w.ca.Get("/checkout").Expect(http.StatusOK).Form("/checkout")
	ids := make([]int64, 10)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := w.ca.SubmitForm(form, goodConsignee())
			if m := orderPath.FindStringSubmatch(r.Location()); r.Status == http.StatusSeeOther && m != nil {
				ids[i], _ = strconv.ParseInt(m[1], 10, 64)
			}
		}()
	}
	wg.Wait()
	for i, id := range ids {
		if id == 0 || id != ids[0] {
			t.Fatalf("concurrent submit %d: order %d, first %d", i, id, ids[0])
		}
	}
	if n := w.count(t, "orders"); n != 2 {
		t.Fatalf("%d orders after two checkouts", n)
	}
}

// Bad input: each field's message, everything typed kept (the key too), nothing
// stored — no order, no authorization, no address, the cart untouched.
func TestCheckoutBadInputKeepsValues(t *testing.T) {
	ta := newApp(t, nil)
	w := newShopWorld(t, ta)
	w.fillCart(t, w.a, 1)
	page := w.ca.Get("/checkout").Expect(http.StatusOK)
	key := page.Form("/checkout").Value("key")
	bad := url.Values{"consignee_name": {"王小明"}, "consignee_phone": {"12345"}, "region": {""}, "street": {"科技"},
		"postcode": {"51805x"}, "save_address": {"1"}, "for_other": {"1"}, "relationship": {"parent"}, "authorization": {"1"}}
	r := w.ca.SubmitForm(page.Form("/checkout"), bad)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", r.Status)
	}
	for _, msg := range []string{"请填写 11 位中国大陆手机号码", "请选择省、市、区县", "请填写详细地址", "请填写 6 位邮政编码"} {
		if !r.HasText(msg) {
			t.Errorf("missing message %q", msg)
		}
	}
	f := r.Form("/checkout")
	for k, want := range map[string]string{"key": key, "consignee_name": "王小明", "consignee_phone": "12345", "street": "科技",
		"postcode": "51805x", "relationship": "parent", "authorization": "1", "for_other": "1", "save_address": "1"} {
		if got := f.Value(k); got != want {
			t.Errorf("%s: kept %q, want %q", k, got, want)
		}
	}
	for _, table := range []string{"orders", "order_authorizations", "addresses", "order_items"} {
		if n := w.count(t, table); n != 0 {
			t.Errorf("%s: %d rows stored", table, n)
		}
	}
	if n := w.count(t, "cart_items"); n != 1 {
		t.Errorf("cart changed: %d", n)
	}
	// The same form corrected goes through, with the same key, and saves the address once.
	id := orderIDOf(t, w.ca.SubmitForm(f, typed(f, url.Values{"consignee_phone": {"13912345678"}, "region": {"440305"},
		"street": {"科技园路 1 号"}, "postcode": {"518057"}})))
	var o models.Order
	if err := ta.db.First(&o, id).Error; err != nil || o.IdempotencyKey != key {
		t.Fatalf("order %+v %v", o, err)
	}
	if n := w.count(t, "addresses"); n != 1 {
		t.Fatalf("%d addresses saved", n)
	}
	// The saved address fills the next checkout.
	w.fillCart(t, w.a, 1)
	var addr models.Address
	ta.db.First(&addr)
	next := w.ca.Get(fmt.Sprintf("/checkout?address=%d", addr.ID)).Expect(http.StatusOK).Form("/checkout")
	if next.Value("consignee_name") != "王小明" || next.Value("region") != "440305" || next.Value("street") != "科技园路 1 号" {
		t.Fatalf("saved address not filled: %v", next.Values)
	}
	// Another patient's address id fills nothing.
	w.fillCart(t, w.b, 1)
	if v := w.cb.Get(fmt.Sprintf("/checkout?address=%d", addr.ID)).Form("/checkout").Value("consignee_name"); v != "" {
		t.Fatalf("another patient's address filled: %q", v)
	}
}

// Ordering for someone else: without the tick it is refused with the message and
// nothing is stored; with it the authorization row exists and the order points at
// it (written first, in the same transaction), and the order page shows the record.
// policy: C2.2.2-1
func TestCheckoutForSomeoneElse(t *testing.T) {
	ta := newApp(t, nil)
	w := newShopWorld(t, ta)
	w.fillCart(t, w.a, 1)
	other := goodConsignee()
	other.Set("for_other", "1")
	other.Set("relationship", "parent")
	r := w.ca.Submit("/checkout", "/checkout", other)
	if r.Status != http.StatusUnprocessableEntity || !r.HasText("请确认您已获得收货人本人的授权") {
		t.Fatalf("no tick: %d %s", r.Status, r.Text())
	}
	if w.count(t, "orders")+w.count(t, "order_authorizations") != 0 {
		t.Fatal("stored without the authorization")
	}
	id := orderIDOf(t, w.ca.SubmitForm(r.Form("/checkout"), typed(r.Form("/checkout"), url.Values{"authorization": {"1"}})))
	var o models.Order
	if err := ta.db.First(&o, id).Error; err != nil {
		t.Fatal(err)
	}
	var auth models.OrderAuthorization
	if !o.ForOther || o.AuthorizationID == nil || ta.db.First(&auth, *o.AuthorizationID).Error != nil {
		t.Fatalf("order %+v has no stored authorization", o)
	}
	if auth.UserID != w.a.ID || auth.Relationship != "parent" || auth.CodeConfirmed || auth.CreatedAt.After(o.CreatedAt) {
		t.Fatalf("authorization %+v, order created %v", auth, o.CreatedAt)
	}
	page := w.ca.Get(fmt.Sprintf("/orders/%d", id)).Expect(http.StatusOK)
	if !page.HasText("确认已获收货人授权（关系：父母；收货人短信确认：否）") || !page.HasText("为他人下单") {
		t.Fatalf("order page lacks the authorization record: %s", page.Text())
	}
}

// The recipient's code: sending it re-renders the form with a notice and every value
// kept; the code from the recipient's text message confirms the authorization.
func TestCheckoutConsigneeCode(t *testing.T) {
	ta := newApp(t, nil)
	w := newShopWorld(t, ta)
	w.fillCart(t, w.a, 1)
	v := goodConsignee()
	v.Set("for_other", "1")
	v.Set("relationship", "child")
	v.Set("authorization", "1")
	page := w.ca.Get("/checkout").Expect(http.StatusOK)
	key := page.Form("/checkout").Value("key")
	f := page.Form("/checkout")
	f.Action = "/checkout/code"
	r := w.ca.SubmitForm(f, v).Expect(http.StatusOK)
	if !r.HasText("验证码已发送到收货人手机") || r.Form("/checkout").Value("street") != "科技园路 1 号 A 座 1201" || r.Form("/checkout").Value("key") != key {
		t.Fatalf("code sent: %s", r.Text())
	}
	code := ta.lastCode(t, "13912345678")
	id := orderIDOf(t, w.ca.SubmitForm(r.Form("/checkout"), typed(r.Form("/checkout"), url.Values{"consignee_code": {code}})))
	var o models.Order
	ta.db.First(&o, id)
	var auth models.OrderAuthorization
	if o.AuthorizationID == nil || ta.db.First(&auth, *o.AuthorizationID).Error != nil || !auth.CodeConfirmed {
		t.Fatalf("code not recorded: %+v", auth)
	}
}

// A patient cannot see, pay, cancel, receive or open an after-sale on another
// patient's order: 404 each time and the order unchanged.
// policy: C2.2.2-2
func TestOtherPatientsOrderIs404(t *testing.T) {
	ta := newApp(t, nil)
	w := newShopWorld(t, ta)
	id := w.order(t, w.a)
	base := fmt.Sprintf("/orders/%d", id)
	if r := w.cb.Get(base); r.Status != http.StatusNotFound || r.HasText("李四") {
		t.Fatalf("other patient GET: %d", r.Status)
	}
	if r := w.cb.Get("/orders"); r.HasText("基础体检套餐") {
		t.Fatal("other patient lists the order")
	}
	for _, action := range []string{"/pay", "/cancel", "/receive", "/after-sale"} {
		if r := postWithToken(w.cb, base+action, url.Values{"kind": {"refund"}, "reason": {"想退款"}}); r.Status != http.StatusNotFound {
			t.Errorf("other patient POST %s: %d", action, r.Status)
		}
	}
	if s := w.status(t, id); s != models.OrderAwaitingPayment {
		t.Fatalf("order changed to %s", s)
	}
	if n := w.count(t, "after_sales") + w.count(t, "disclosures"); n != 0 {
		t.Fatalf("%d rows written by the other patient", n)
	}
	// The owner sees it, with no-store.
	r := w.ca.Get(base).Expect(http.StatusOK)
	if !r.HasText("李四") || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("owner: %q", r.Header.Get("Cache-Control"))
	}
}

// Every order route refuses visitors (sign in for pages, 404 for posts) and staff
// and doctors (404).
func TestOrderRoutesRefuseEveryoneButPatients(t *testing.T) {
	ta := newApp(t, nil)
	w := newShopWorld(t, ta)
	id := w.order(t, w.a)
	ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "support@example.com", Caps: []string{models.CapSupport}})
	ta.createAccount(t, models.NewAccount{Kind: models.KindDoctor, Phone: "13900007003"})
	clients := map[string]*webclient.Client{"staff": ta.signInFull(t, "support@example.com"), "doctor": ta.signInFull(t, "13900007003")}
	visitor := webclient.New(t, ta.url)
	n := 0
	for _, rt := range ta.app.Echo().Routes() {
		if !strings.HasPrefix(rt.Path, "/orders") && !strings.HasPrefix(rt.Path, "/checkout") &&
			rt.Path != "/account/addresses" && !strings.HasPrefix(rt.Path, "/account/addresses/") && rt.Path != "/account/disclosures" {
			continue
		}
		n++
		path := strings.ReplaceAll(rt.Path, ":id", strconv.FormatInt(id, 10))
		r := request(visitor, rt.Method, path)
		switch {
		case rt.Method == http.MethodGet && (r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/login")):
			t.Errorf("visitor GET %s: %d %s", path, r.Status, r.Location())
		case rt.Method != http.MethodGet && r.Status != http.StatusNotFound:
			t.Errorf("visitor %s %s: %d", rt.Method, path, r.Status)
		}
		for who, c := range clients {
			if r := request(c, rt.Method, path); r.Status != http.StatusNotFound {
				t.Errorf("%s %s %s: %d", who, rt.Method, path, r.Status)
			}
		}
	}
	if n < 10 {
		t.Fatalf("only %d order routes found", n)
	}
	if s := w.status(t, id); s != models.OrderAwaitingPayment {
		t.Fatalf("order changed to %s", s)
	}
}

// Invalid transitions through the pages show the domain's message on the order
// page; valid ones redirect with a notice and land in the timeline.
func TestOrderActionsThroughPages(t *testing.T) {
	ta := newApp(t, nil)
	w := newShopWorld(t, ta)
	id := w.order(t, w.a)
	base := fmt.Sprintf("/orders/%d", id)
	page := w.ca.Get(base).Expect(http.StatusOK)
	if _, ok := page.FindForm(base + "/receive"); ok {
		t.Fatal("confirm receipt offered before delivery")
	}
	if _, ok := page.FindForm(base + "/after-sale"); ok {
		t.Fatal("after-sale offered before payment")
	}
	cancelForm := page.Form(base + "/cancel")
	r := w.ca.SubmitForm(cancelForm, nil)
	if r.Status != http.StatusSeeOther || r.Location() != base {
		t.Fatalf("cancel: %d %s", r.Status, r.Location())
	}
	page = w.ca.Get(base)
	if !page.HasText("订单已取消。") || !page.HasText("已取消") {
		t.Fatalf("after cancel: %s", page.Text())
	}
	// The stale form posted again: refused with the message, on the page.
	r = w.ca.SubmitForm(cancelForm, nil)
	if r.Status != http.StatusConflict || !r.HasText("只有待付款或已付款且尚未发货的订单可以取消") {
		t.Fatalf("second cancel: %d %s", r.Status, r.Text())
	}
	f := cancelForm
	f.Action = base + "/receive"
	if r := w.ca.SubmitForm(f, nil); r.Status != http.StatusConflict || !r.HasText("只有已送达的订单可以确认收货") {
		t.Fatalf("receive: %d", r.Status)
	}
	f.Action = base + "/pay"
	if r := w.ca.SubmitForm(f, nil); r.Status != http.StatusConflict || !r.HasText("此订单现在不能付款") {
		t.Fatalf("pay cancelled: %d", r.Status)
	}
	f.Action = base + "/after-sale"
	if r := w.ca.SubmitForm(f, url.Values{"kind": {"refund"}, "reason": {"不想要了"}}); r.Status != http.StatusConflict || !r.HasText("只有已付款的订单可以申请售后") {
		t.Fatalf("after-sale on cancelled: %d", r.Status)
	}
	if s := w.status(t, id); s != models.OrderCancelled {
		t.Fatalf("status %s", s)
	}
}

// After-sale on a paid order: bad input keeps what was typed; a good request shows
// in the list and the timeline, and a second one is refused while it is open.
// policy: C3.1-7
func TestAfterSaleThroughPages(t *testing.T) {
	ta := newApp(t, nil)
	w := newShopWorld(t, ta)
	id := w.order(t, w.a)
	w.pay(t, id)
	base := fmt.Sprintf("/orders/%d", id)
	r := w.ca.Submit(base, base+"/after-sale", url.Values{"kind": {""}, "reason": {"  包装破损"}})
	if r.Status != http.StatusUnprocessableEntity || !r.HasText("请选择售后类型") || r.Form(base+"/after-sale").Value("reason") != "  包装破损" {
		t.Fatalf("bad after-sale: %d %s", r.Status, r.Text())
	}
	r = w.ca.SubmitForm(r.Form(base+"/after-sale"), typed(r.Form(base+"/after-sale"), url.Values{"kind": {"return"}}))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("after-sale: %d %s", r.Status, r.Text())
	}
	page := w.ca.Get(base)
	if !page.HasText("售后申请已提交") || !page.HasText("包装破损") || !page.HasText("申请退货") || !page.HasText("处理中") {
		t.Fatalf("after-sale page: %s", page.Text())
	}
	if _, ok := page.FindForm(base + "/after-sale"); ok {
		t.Fatal("a second request offered while one is open")
	}
	if !page.HasText("联系客服（关于此订单）") {
		t.Fatal("no support link")
	}
}

// pay marks order id paid through a signed notification.
func (w *shopWorld) pay(t *testing.T, id int64) {
	t.Helper()
	var o models.Order
	w.ta.db.First(&o, id)
	n := payment.Notice{NotificationID: "N" + o.OrderNo, OrderNo: o.OrderNo, ProviderRef: "T" + o.OrderNo, AmountFen: o.TotalFen, Paid: true}
	if err := w.ta.app.Orders().HandlePaymentNotice(context.Background(), w.ta.app.Simulated().Name(), n); err != nil {
		t.Fatal(err)
	}
}

// typed is what a re-rendered form shows (the values kept) with changes: what the
// user submits after correcting a field.
func typed(f *webclient.Form, changes url.Values) url.Values {
	v := url.Values{}
	for k, vs := range f.Values {
		v[k] = append([]string(nil), vs...)
	}
	for k, vs := range changes {
		v[k] = vs
	}
	return v
}
