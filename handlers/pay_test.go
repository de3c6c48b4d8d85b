package handlers_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/yibao-health/portal/internal/payment"
	"github.com/yibao-health/portal/models"
)

// postNotice posts a notification body with header to the notify endpoint, as the
// provider's server does (no cookie, no CSRF token).
func postNotice(t *testing.T, ta *testApp, provider string, body []byte, hdr http.Header) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, ta.url+"/payments/notify/"+provider, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return 0, ""
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func (w *shopWorld) orderRow(t *testing.T, id int64) models.Order {
	t.Helper()
	var o models.Order
	if err := w.ta.db.First(&o, id).Error; err != nil {
		t.Fatal(err)
	}
	return o
}

// The same signed notification delivered 20 times at once over HTTP changes the
// order once (one paid event, one stored notification) and every delivery is
// answered 200 with the provider's acknowledgement.
// policy: C2.2.2-4
func TestPaymentNotificationReplayedConcurrently(t *testing.T) {
	ta := newApp(t, nil)
	w := newShopWorld(t, ta)
	id := w.order(t, w.a)
	o := w.orderRow(t, id)
	sim := ta.app.Simulated()
	_, ack := sim.Ack()
	body, hdr := sim.Notification(payment.Notice{NotificationID: "N-REPLAY-1", OrderNo: o.OrderNo, AmountFen: o.TotalFen, ProviderRef: "T-1", Paid: true})
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if code, got := postNotice(t, ta, "simulated", body, hdr); code != http.StatusOK || got != string(ack) {
				t.Errorf("delivery: %d %q", code, got)
			}
		}()
	}
	wg.Wait()
	if s := w.status(t, id); s != models.OrderPaid {
		t.Fatalf("status %s", s)
	}
	var events, notices int64
	ta.db.Model(&models.OrderEvent{}).Where("order_id = ? AND to_status = ?", id, models.OrderPaid).Count(&events)
	ta.db.Model(&models.PaymentNotification{}).Where("order_id = ?", id).Count(&notices)
	if events != 1 || notices != 1 {
		t.Fatalf("%d paid events, %d notifications stored", events, notices)
	}
	if strings.Contains(ta.logs.String(), "N-REPLAY-1") || strings.Contains(ta.logs.String(), "T-1\"") {
		t.Fatal("the notification body reached the logs")
	}
}

// Forgeries change nothing: a wrong signature and a correctly signed notice for
// another amount are 400 and the order stays unpaid; an unknown provider is 404.
// policy: C2.2.2-4
func TestPaymentNotificationForgeries(t *testing.T) {
	ta := newApp(t, nil)
	w := newShopWorld(t, ta)
	id := w.order(t, w.a)
	o := w.orderRow(t, id)
	sim := ta.app.Simulated()

	body, hdr := sim.Notification(payment.Notice{NotificationID: "N-1", OrderNo: o.OrderNo, AmountFen: o.TotalFen, ProviderRef: "T", Paid: true})
	forged := bytes.Replace(body, []byte("N-1"), []byte("N-2"), 1)
	if code, _ := postNotice(t, ta, "simulated", forged, hdr); code != http.StatusBadRequest {
		t.Fatalf("re-used signature on another body: %d", code)
	}
	bad := http.Header{"Content-Type": {"application/json"}, payment.SignatureHeader: {strings.Repeat("0", 64)}}
	if code, _ := postNotice(t, ta, "simulated", body, bad); code != http.StatusBadRequest {
		t.Fatalf("wrong signature: %d", code)
	}
	changed, chdr := sim.Notification(payment.Notice{NotificationID: "N-3", OrderNo: o.OrderNo, AmountFen: 1, ProviderRef: "T", Paid: true})
	if code, _ := postNotice(t, ta, "simulated", changed, chdr); code != http.StatusBadRequest {
		t.Fatalf("changed amount: %d", code)
	}
	unknown, uhdr := sim.Notification(payment.Notice{NotificationID: "N-4", OrderNo: "YB00000000NOSUCH", AmountFen: o.TotalFen, ProviderRef: "T", Paid: true})
	if code, _ := postNotice(t, ta, "simulated", unknown, uhdr); code != http.StatusBadRequest {
		t.Fatalf("unknown order: %d", code)
	}
	if code, _ := postNotice(t, ta, "wechat", body, hdr); code != http.StatusNotFound {
		t.Fatalf("unknown provider: %d", code)
	}
	if s := w.status(t, id); s != models.OrderAwaitingPayment {
		t.Fatalf("status %s", s)
	}
	var notices int64
	ta.db.Model(&models.PaymentNotification{}).Count(&notices)
	if notices != 0 {
		t.Fatalf("%d notifications stored", notices)
	}
}

// The simulated provider's page refuses a tampered link (404), shows the order
// number and amount of a genuine one, and its "Pay" button marks the order paid
// through the signed notification; the patient lands on the order with the
// timeline, and the hand-over to the provider is in the disclosure log.
// policy: C2.2.2-4
func TestSimulatedPaymentFlow(t *testing.T) {
	ta := newApp(t, nil)
	w := newShopWorld(t, ta)
	id := w.order(t, w.a)
	o := w.orderRow(t, id)
	base := fmt.Sprintf("/orders/%d", id)

	r := w.ca.Submit(base, base+"/pay", nil)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/pay/simulated?") {
		t.Fatalf("pay: %d %s", r.Status, r.Location())
	}
	payURL := r.Location()
	u, _ := url.Parse(payURL)
	q := u.Query()
	q.Set("amount", "1")
	if r := w.ca.Get("/pay/simulated?" + q.Encode()); r.Status != http.StatusNotFound {
		t.Fatalf("tampered amount: %d", r.Status)
	}
	q = u.Query()
	q.Set("sig", strings.Repeat("a", 64))
	if r := w.ca.Get("/pay/simulated?" + q.Encode()); r.Status != http.StatusNotFound {
		t.Fatalf("tampered signature: %d", r.Status)
	}
	page := w.ca.Get(payURL).Expect(http.StatusOK)
	if !page.HasText(o.OrderNo) || !page.HasText("¥399.00") || !page.HasText("模拟支付") {
		t.Fatalf("page: %s", page.Text())
	}
	// A tampered posted field is refused the same way.
	f := page.Form("/pay/simulated")
	tampered := *f
	tampered.Hidden = url.Values{}
	for k, v := range f.Hidden {
		tampered.Hidden[k] = v
	}
	tampered.Hidden.Set("amount", "1")
	if r := w.ca.SubmitForm(&tampered, url.Values{"outcome": {"paid"}}); r.Status != http.StatusNotFound {
		t.Fatalf("tampered post: %d", r.Status)
	}
	// Fail first: the order waits.
	r = w.ca.SubmitForm(f, url.Values{"outcome": {"failed"}})
	if r.Status != http.StatusSeeOther || r.Location() != base || w.status(t, id) != models.OrderAwaitingPayment {
		t.Fatalf("fail: %d %s %s", r.Status, r.Location(), w.status(t, id))
	}
	if !w.ca.Get(base).HasText("付款没有成功") {
		t.Fatal("no failure notice")
	}
	r = w.ca.SubmitForm(f, url.Values{"outcome": {"paid"}})
	if r.Status != http.StatusSeeOther || r.Location() != base {
		t.Fatalf("paid: %d %s", r.Status, r.Location())
	}
	if s := w.status(t, id); s != models.OrderPaid {
		t.Fatalf("status %s", s)
	}
	detail := w.ca.Get(base).Expect(http.StatusOK)
	if !detail.HasText("付款成功") || !detail.HasText("通过模拟支付付款") || detail.HasText("去付款") {
		t.Fatalf("detail: %s", detail.Text())
	}
	disc := w.ca.Get("/account/disclosures").Expect(http.StatusOK)
	if !disc.HasText("支付服务商：模拟支付") || !disc.HasText("订单号、金额、订单说明") || disc.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("disclosures: %s", disc.Text())
	}
	if w.cb.Get("/account/disclosures").HasText("模拟支付") {
		t.Fatal("another patient sees the disclosure")
	}
}
