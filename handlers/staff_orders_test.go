package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/yibao-health/portal/internal/testkit/webclient"
	"github.com/yibao-health/portal/models"
)

// noFullContact fails when r carries the consignee's full phone or street in its
// body or any header.
func noFullContact(t *testing.T, what string, r *webclient.Response) {
	t.Helper()
	if strings.Contains(r.Body, spConsignee) || strings.Contains(r.Body, "建国路") {
		t.Errorf("%s: full contact in the body", what)
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			if strings.Contains(v, spConsignee) || strings.Contains(v, url.QueryEscape(spConsignee)) {
				t.Errorf("%s: full phone in header %s", what, k)
			}
		}
	}
}

// policy: C4.3 — a support user who does not unmask never receives the full
// consignee phone in any response: the queues, the order page, the conversation
// page and the answers to ship, deliver and resolve (including refused ones).
// Unmasking with a reason shows it on exactly that response (200, no-store, no
// redirect) and leaves an order.unmask audit row.
func TestSupportNeverSeesFullPhoneUnlessUnmasked(t *testing.T) {
	w := newSupportWorld(t)
	ta := w.ta
	ctx := context.Background()
	conv := w.open(t, w.patient, &w.order)
	as, err := ta.app.Orders().RequestAfterSale(ctx, w.patient, w.otherOrder, models.AfterSaleDispute, "包装破损",
		models.AuditContext{ActorKind: models.ActorPatient, ActorID: w.other.ID})
	if err == nil {
		t.Fatal("another patient's order accepted an after-sale request")
	}
	as, err = ta.app.Orders().RequestAfterSale(ctx, w.patient, w.order, models.AfterSaleDispute, "包装破损",
		models.AuditContext{ActorKind: models.ActorPatient, ActorID: w.patient.ID})
	if err != nil {
		t.Fatal(err)
	}
	sc := ta.signInFull(t, spSupport)
	o := "/staff/orders/" + strconv.FormatInt(w.order, 10)
	resolve := "/staff/after-sales/" + strconv.FormatInt(as, 10) + "/resolve"
	for _, p := range []string{"/staff/orders", "/staff/orders?status=paid", o, "/staff/after-sales", "/staff/support",
		"/staff/support/" + strconv.FormatInt(conv, 10)} {
		r := sc.Get(p).Expect(http.StatusOK)
		noFullContact(t, "GET "+p, r)
	}
	page := sc.Get(o)
	if !page.HasText("139****5678") || !page.HasText("赵*") || !page.HasText("****") || page.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("order page not masked as expected: %s", page.Text())
	}
	posts := []struct {
		action string
		fields url.Values
		want   int
	}{
		{o + "/ship", url.Values{"carrier": {"sf"}, "tracking": {"x"}}, http.StatusUnprocessableEntity},
		{resolve, url.Values{"decision": {"reject"}, "note": {""}}, http.StatusUnprocessableEntity},
		{o + "/unmask", url.Values{"reason": {""}}, http.StatusUnprocessableEntity},
		{o + "/ship", url.Values{"carrier": {"sf"}, "tracking": {"SF1234567890"}}, http.StatusSeeOther},
		{o + "/deliver", nil, http.StatusSeeOther},
		{resolve, url.Values{"decision": {"reject"}, "note": {"已联系快递核实，包装完好"}}, http.StatusSeeOther},
	}
	// Delivering a paid order is refused; the page offers no form for it.
	if r := request(sc, http.MethodPost, o+"/deliver"); r.Status != http.StatusConflict {
		t.Fatalf("deliver a paid order: %d", r.Status)
	} else {
		noFullContact(t, "refused deliver", r)
	}
	for _, p := range posts {
		r := sc.Submit(o, p.action, p.fields)
		if r.Status != p.want {
			t.Fatalf("POST %s: %d, want %d: %s", p.action, r.Status, p.want, r.Text())
		}
		noFullContact(t, "POST "+p.action, r)
		if r.Status == http.StatusSeeOther {
			noFullContact(t, "after POST "+p.action, sc.Get(r.Location()))
		}
	}
	if n := countTable(t, ta, "audit_log", "action = ?", models.AuditOrderUnmask); n != 0 {
		t.Fatalf("%d unmask rows before any unmask", n)
	}

	r := sc.Submit(o, o+"/unmask", url.Values{"reason": {"快递员反馈电话打不通，核对号码"}})
	if r.Status != http.StatusOK || r.Header.Get("Cache-Control") != "no-store" || r.Location() != "" {
		t.Fatalf("unmask: %d %q %q", r.Status, r.Header.Get("Cache-Control"), r.Location())
	}
	if n := strings.Count(r.Body, spConsignee); n != 1 || !r.HasText("本次查看已记录") || !r.HasText(spStreet) {
		t.Fatalf("unmasked page shows the phone %d times: %s", n, r.Text())
	}
	if n := countTable(t, ta, "audit_log", "action = ? AND object_id = ?", models.AuditOrderUnmask, strconv.FormatInt(w.order, 10)); n != 1 {
		t.Fatalf("%d order.unmask audit rows", n)
	}
	if n := countTable(t, ta, "audit_log", "details LIKE ?", "%打不通%"); n != 0 {
		t.Fatal("the reason is in the audit details")
	}
	noFullContact(t, "GET after unmask", sc.Get(o))
}

// Ship, deliver and resolve: refused input keeps what was typed; the actions move
// the order and the disclosure log records the hand-over to the carrier.
func TestStaffOrderActions(t *testing.T) {
	w := newSupportWorld(t)
	ta := w.ta
	ctx := context.Background()
	as, err := ta.app.Orders().RequestAfterSale(ctx, w.patient, w.order, models.AfterSaleRefund, "不需要了",
		models.AuditContext{ActorKind: models.ActorPatient, ActorID: w.patient.ID})
	if err != nil {
		t.Fatal(err)
	}
	sc := ta.signInFull(t, spSupport)
	o := "/staff/orders/" + strconv.FormatInt(w.order, 10)
	if q := sc.Get("/staff/orders?status=paid").Expect(http.StatusOK); !q.HasText(w.orderNo) || !q.HasText("¥798.00") {
		t.Fatalf("queue: %s", q.Text())
	}
	if q := sc.Get("/staff/after-sales").Expect(http.StatusOK); !q.HasText(w.orderNo) || !q.HasText("退款") {
		t.Fatalf("after-sale queue: %s", q.Text())
	}
	r := sc.Submit(o, o+"/ship", url.Values{"carrier": {""}, "tracking": {"SF12"}})
	if r.Status != http.StatusUnprocessableEntity || !r.HasText("请选择快递公司") || r.Form(o+"/ship").Value("tracking") != "SF12" {
		t.Fatalf("bad ship: %d %s", r.Status, r.Text())
	}
	resolve := "/staff/after-sales/" + strconv.FormatInt(as, 10) + "/resolve"
	r = sc.Submit(o, resolve, url.Values{"note": {"已核实"}})
	if r.Status != http.StatusUnprocessableEntity || r.Form(resolve).Value("note") != "已核实" {
		t.Fatalf("resolve without decision: %d", r.Status)
	}
	r = sc.Submit(o, o+"/ship", url.Values{"carrier": {"sf"}, "tracking": {"SF1234567890"}})
	if r.Status != http.StatusSeeOther || r.Location() != o {
		t.Fatalf("ship: %d %s", r.Status, r.Text())
	}
	page := sc.Get(o).Expect(http.StatusOK)
	if !page.HasText("顺丰速运") || !page.HasText("SF1234567890") || !page.HasText("已发货。") {
		t.Fatalf("after ship: %s", page.Text())
	}
	if n := countTable(t, ta, "disclosures", "user_id = ? AND ref_id = ?", w.patient.ID, w.order); n != 1 {
		t.Fatalf("%d disclosures", n)
	}
	if r := sc.Submit(o, o+"/deliver", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("deliver: %d", r.Status)
	}
	r = sc.Submit(o, resolve, url.Values{"decision": {"approve"}, "note": {"已退款至原支付方式"}})
	if r.Status != http.StatusSeeOther || r.Location() != o {
		t.Fatalf("resolve: %d %s", r.Status, r.Text())
	}
	var order models.Order
	ta.db.First(&order, w.order)
	if order.Status != models.OrderRefunded {
		t.Fatalf("order %s after an approved refund", order.Status)
	}
	if page := sc.Get(o); !page.HasText("已退款至原支付方式") || !page.HasText("已同意") {
		t.Fatalf("after resolve: %s", page.Text())
	}
	if q := sc.Get("/staff/after-sales?status=approved"); !q.HasText(w.orderNo) {
		t.Fatal("approved request not in its tab")
	}
}
