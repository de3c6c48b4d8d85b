package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/yibao-health/portal/internal/payment"
	"github.com/yibao-health/portal/internal/testkit/webclient"
	"github.com/yibao-health/portal/models"
)

// supportWorld is two patients with a paid order each, a verified doctor, and
// staff with support, privacy_officer and admin.
type supportWorld struct {
	ta                *testApp
	patient, other    *models.User
	order, otherOrder int64
	orderNo           string
	product           int64
}

const (
	spPatient       = "13800008101"
	spOther         = "13800008102"
	spDoctor        = "13900008101"
	spSupport       = "sp-support@example.com"
	spPrivacy       = "sp-privacy@example.com"
	spAdmin         = "sp-admin@example.com"
	spConsignee     = "13912345678" // the consignee phone no support response may carry unmasked
	spConsigneeName = "赵六"
	spStreet        = "建国路 88 号 3 单元 502"
)

func newSupportWorld(t *testing.T) *supportWorld {
	t.Helper()
	ta := newApp(t, nil)
	w := &supportWorld{ta: ta}
	w.patient = ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: spPatient})
	w.other = ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: spOther})
	ta.createAccount(t, models.NewAccount{Kind: models.KindDoctor, Phone: spDoctor,
		Doctor: &models.DoctorProfile{RealName: "张明", Hospital: "协和医院", Department: "内科", Title: models.TitleChief,
			LicenceNumber: "110000000081001", Status: models.DoctorVerified}})
	for email, cp := range map[string]string{spSupport: models.CapSupport, spPrivacy: models.CapPrivacyOfficer, spAdmin: models.CapAdmin} {
		ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: email, Caps: []string{cp}})
	}
	now := ta.clock.Now()
	p := models.Product{Kind: models.ProductCheckup, NameZh: "基础体检套餐", NameEn: "Basic check-up", DescriptionZh: "-",
		DescriptionEn: "-", PriceFen: 39900, Available: true, CreatedAt: now, UpdatedAt: now}
	if err := ta.db.Create(&p).Error; err != nil {
		t.Fatal(err)
	}
	w.product = p.ID
	w.order = w.paidOrder(t, w.patient)
	w.otherOrder = w.paidOrder(t, w.other)
	var o models.Order
	ta.db.First(&o, w.order)
	w.orderNo = o.OrderNo
	return w
}

// paidOrder checks out one product for u to spConsignee and pays it.
func (w *supportWorld) paidOrder(t *testing.T, u *models.User) int64 {
	t.Helper()
	ctx := context.Background()
	orders := w.ta.app.Orders()
	id, err := orders.Checkout(ctx, u, models.CheckoutInput{IdempotencyKey: models.NewIdempotencyKey(),
		Lines:     []models.CartLine{{ProductID: w.product, Quantity: 2}},
		Consignee: models.Consignee{Name: spConsigneeName, Phone: spConsignee, RegionCode: "110105", Street: spStreet, Postcode: "100022"}},
		models.AuditContext{ActorKind: models.ActorPatient, ActorID: u.ID, RequestID: "test"})
	if err != nil {
		t.Fatal(err)
	}
	var o models.Order
	w.ta.db.First(&o, id)
	n := payment.Notice{NotificationID: "N" + strconv.FormatInt(id, 10), OrderNo: o.OrderNo, ProviderRef: "SIM" + o.OrderNo,
		AmountFen: o.TotalFen, Paid: true}
	if err := orders.HandlePaymentNotice(ctx, w.ta.app.Simulated().Name(), n); err != nil {
		t.Fatal(err)
	}
	return id
}

// open starts a conversation as the patient through the API of the models.
func (w *supportWorld) open(t *testing.T, u *models.User, order *int64) int64 {
	t.Helper()
	s := &models.Support{DB: w.ta.db, Accounts: w.ta.accounts, Now: w.ta.clock.Now}
	id, err := s.OpenConversation(context.Background(), u, "订单什么时候发货", "请问我的订单什么时候发货？", order,
		models.AuditContext{ActorKind: models.ActorPatient, ActorID: u.ID, RequestID: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// The support routes admit only their principals: patients their own
// conversations, support staff the staff pages; everyone else gets 404 (a visitor
// on a patient page is sent to sign in).
func TestSupportRoutesRefuseEveryoneElse(t *testing.T) {
	w := newSupportWorld(t)
	ta := w.ta
	conv := w.open(t, w.patient, &w.order)
	var as int64
	if id, err := ta.app.Orders().RequestAfterSale(context.Background(), w.patient, w.order, models.AfterSaleRefund, "不需要了",
		models.AuditContext{ActorKind: models.ActorPatient, ActorID: w.patient.ID}); err != nil {
		t.Fatal(err)
	} else {
		as = id
	}
	c := strconv.FormatInt(conv, 10)
	o := strconv.FormatInt(w.order, 10)
	patientRoutes := [][2]string{{"GET", "/support/" + c}, {"POST", "/support/" + c + "/messages"}, {"POST", "/support/" + c + "/close"},
		{"GET", "/support"}, {"POST", "/support"}}
	staffRoutes := [][2]string{{"GET", "/staff/support"}, {"GET", "/staff/support/" + c}, {"POST", "/staff/support/" + c + "/messages"},
		{"POST", "/staff/support/" + c + "/close"}, {"GET", "/staff/orders"}, {"GET", "/staff/orders/" + o},
		{"POST", "/staff/orders/" + o + "/ship"}, {"POST", "/staff/orders/" + o + "/deliver"}, {"POST", "/staff/orders/" + o + "/unmask"},
		{"GET", "/staff/after-sales"}, {"POST", "/staff/after-sales/" + strconv.FormatInt(as, 10) + "/resolve"}}
	who := map[string]*webclient.Client{
		"visitor": webclient.New(t, ta.url), "patient": ta.signInFull(t, spPatient), "other patient": ta.signInFull(t, spOther),
		"doctor": ta.signInFull(t, spDoctor), "support": ta.signInFull(t, spSupport), "privacy officer": ta.signInFull(t, spPrivacy),
		"admin": ta.signInFull(t, spAdmin),
	}
	for name, cl := range who {
		for _, r := range patientRoutes {
			res := request(cl, r[0], r[1])
			switch {
			case name == "patient":
				if res.Status == http.StatusNotFound {
					t.Errorf("%s %s as the owner: 404", r[0], r[1])
				}
			case name == "other patient" && r[1] == "/support":
				// the list and the open form are every patient's own
			case name == "visitor" && r[0] == "GET":
				if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location(), "/login") {
					t.Errorf("%s %s as visitor: %d %s, want sign-in", r[0], r[1], res.Status, res.Location())
				}
			default:
				if res.Status != http.StatusNotFound {
					t.Errorf("%s %s as %s: %d, want 404", r[0], r[1], name, res.Status)
				}
			}
		}
		for _, r := range staffRoutes {
			res := request(cl, r[0], r[1])
			if name == "support" {
				if r[0] == "GET" && res.Status != http.StatusOK {
					t.Errorf("%s %s as support: %d", r[0], r[1], res.Status)
				}
				continue
			}
			if res.Status != http.StatusNotFound {
				t.Errorf("%s %s as %s: %d, want 404", r[0], r[1], name, res.Status)
			}
		}
	}
	// The refusals changed nothing.
	if n := countTable(t, ta, "support_messages", "conversation_id = ?", conv); n != 1 {
		t.Errorf("%d messages after refused posts", n)
	}
}

func countTable(t *testing.T, ta *testApp, table, where string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := ta.db.Table(table).Where(where, args...).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// policy: C2.2.2-3 — the patient opens a conversation about their order, bad
// input keeps what was typed, another's order cannot be linked, support answers,
// and the patient sees the whole history, also after closing.
func TestSupportConversationFlow(t *testing.T) {
	w := newSupportWorld(t)
	ta := w.ta
	pc := ta.signInFull(t, spPatient)
	o := strconv.FormatInt(w.order, 10)

	page := pc.Get("/support?order=" + o).Expect(http.StatusOK)
	if f := page.Form("/support"); f.Value("order") != o {
		t.Fatalf("?order= not pre-selected: %q", f.Value("order"))
	}
	if f := pc.Get("/support?order=" + strconv.FormatInt(w.otherOrder, 10)).Expect(http.StatusOK).Form("/support"); f.Value("order") != "" {
		t.Fatalf("another's order pre-selected: %q", f.Value("order"))
	}
	if strings.Contains(pc.Get("/support?order="+strconv.FormatInt(w.otherOrder, 10)).Body, "SIM") {
		t.Fatal("page leaks another's order")
	}

	r := pc.SubmitForm(page.Form("/support"), url.Values{"subject": {""}, "body": {"我的快递还没到，麻烦查一下"}, "order": {o}})
	if r.Status != http.StatusUnprocessableEntity || !r.HasText("请填写主题") {
		t.Fatalf("empty subject: %d %s", r.Status, r.Text())
	}
	if f := r.Form("/support"); f.Value("body") != "我的快递还没到，麻烦查一下" || f.Value("order") != o {
		t.Fatalf("typed values lost: %v", f.Values)
	}
	if n := countTable(t, ta, "support_conversations", "1 = 1"); n != 0 {
		t.Fatalf("%d conversations after a refused open", n)
	}
	if r := pc.SubmitForm(page.Form("/support"), url.Values{"subject": {"快递"}, "body": {"查一下"},
		"order": {strconv.FormatInt(w.otherOrder, 10)}}); r.Status != http.StatusNotFound {
		t.Fatalf("linking another's order: %d", r.Status)
	}

	r = pc.SubmitForm(page.Form("/support"), url.Values{"subject": {"快递进度"}, "body": {"我的快递还没到，麻烦查一下"}, "order": {o}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/support/") {
		t.Fatalf("open: %d %s", r.Status, r.Text())
	}
	thread := r.Location()
	id := strings.TrimPrefix(thread, "/support/")
	if got := pc.Get(thread).Expect(http.StatusOK); !got.HasText("我的快递还没到") || !got.HasText(w.orderNo) ||
		got.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("thread: %s", got.Text())
	}
	if r := ta.signInFull(t, spOther).Get(thread); r.Status != http.StatusNotFound {
		t.Fatalf("another patient opens the thread: %d", r.Status)
	}

	sc := ta.signInFull(t, spSupport)
	q := sc.Get("/staff/support").Expect(http.StatusOK)
	if !q.HasText("快递进度") || !q.HasText("待回复") {
		t.Fatalf("queue: %s", q.Text())
	}
	st := sc.Get("/staff/support/" + id).Expect(http.StatusOK)
	if !st.HasText("138****8101") || strings.Contains(st.Body, spPatient) {
		t.Fatalf("staff thread shows the patient unmasked or not at all: %s", st.Text())
	}
	// policy: C4.3 — support opening a patient's conversation is audited.
	var viewed int64
	w.ta.db.Table("audit_log").Where("action = ? AND object_id = ?", models.AuditSupportView, id).Count(&viewed)
	if viewed != 1 {
		t.Fatalf("%d audit rows for support opening the conversation, want 1", viewed)
	}
	if _, ok := st.FindForm("/staff/orders/" + o); ok || !strings.Contains(st.Body, `href="/staff/orders/`+o+`"`) {
		t.Fatal("order number does not link to the staff order page")
	}
	r = sc.Submit("/staff/support/"+id, "/staff/support/"+id+"/messages", url.Values{"body": {"  "}})
	if r.Status != http.StatusUnprocessableEntity || !r.HasText("请填写消息内容") {
		t.Fatalf("empty reply: %d", r.Status)
	}
	if r := sc.Submit("/staff/support/"+id, "/staff/support/"+id+"/messages", url.Values{"body": {"已催促快递，明天送达。"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("reply: %d %s", r.Status, r.Text())
	}
	if r := pc.Submit(thread, thread+"/close", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("close: %d", r.Status)
	}
	got := pc.Get(thread).Expect(http.StatusOK)
	if !got.HasText("已催促快递，明天送达。") || !got.HasText("我的快递还没到") || !got.HasText("已结束") {
		t.Fatalf("history after close: %s", got.Text())
	}
	if _, ok := got.FindForm(thread + "/messages"); ok {
		t.Fatal("reply form on a closed conversation")
	}
	if r := pc.Get("/support").Expect(http.StatusOK); !r.HasText("快递进度") || !r.HasText("客服已回复") {
		t.Fatalf("my list: %s", r.Text())
	}
}
