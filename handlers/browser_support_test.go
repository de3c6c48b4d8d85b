package handlers_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	otptotp "github.com/pquerna/otp/totp"

	"github.com/yibao-health/portal/internal/testkit/browser"
	"github.com/yibao-health/portal/models"
)

// Support in Chromium at phone and desktop width, in both languages: a patient
// opens a conversation about her order; support staff see the order queue, ship
// an order with carrier and tracking number, look at the full contact with a
// reason, resolve an after-sale request and answer the conversation; the patient
// reads the answer. axe finds nothing on any page and nothing scrolls sideways.
// policy: C2.2.2-3, C3.1-7, C4.3
func TestSupportInBrowser(t *testing.T) {
	b := browser.Start(t)
	w := newSupportWorld(t)
	ta := w.ta
	base := browser.Serve(t, ta.app.Handler())
	check := func(p *browser.Page, name string) {
		t.Helper()
		p.Screenshot(t, name)
		p.Axe(t)
		var scrollW, width int
		p.Eval(t, `document.documentElement.scrollWidth`, &scrollW)
		p.Eval(t, `window.innerWidth`, &width)
		if scrollW > width {
			t.Errorf("%s: horizontal scroll at %d px (page %d px wide)", name, width, scrollW)
		}
	}
	signIn := func(p *browser.Page, login string) {
		t.Helper()
		p.Go(t, base+"/login")
		useLang(t, p, "zh-CN")
		p.SetValue(t, "#f-login", login)
		p.SetValue(t, "#f-password", testPassword)
		p.Submit(t, `form[action="/login"]`)
		if strings.Contains(p.Location(t), "/login/mfa") {
			ta.clock.Advance(30 * time.Second)
			code, err := otptotp.GenerateCode(testTOTPSecret, ta.clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			p.SetValue(t, "#f-code", code)
			p.Submit(t, `form[action="/login/mfa"]`)
		}
	}
	for _, width := range []int{360, 1280} {
		ship := w.paidOrder(t, w.patient)
		disputed := w.paidOrder(t, w.patient)
		if _, err := ta.app.Orders().RequestAfterSale(context.Background(), w.patient, disputed, models.AfterSaleRefund, "买重复了，申请退款",
			models.AuditContext{ActorKind: models.ActorPatient, ActorID: w.patient.ID}); err != nil {
			t.Fatal(err)
		}
		var shipNo string
		ta.db.Model(&models.Order{}).Where("id = ?", ship).Pluck("order_no", &shipNo)
		p := b.NewPage(t, width, 900)

		// The patient asks about the order she is waiting for.
		signIn(p, spPatient)
		p.Go(t, base+"/support?order="+strconv.FormatInt(ship, 10))
		check(p, "support-new-zh-CN")
		p.SetValue(t, "#f-subject", "什么时候发货")
		p.SetValue(t, "#f-body", "您好，我的订单已付款两天了，请问什么时候发货？")
		p.Submit(t, `form[action="/support"]`)
		loc := p.Location(t)
		if !strings.Contains(loc, "/support/") {
			t.Fatalf("open landed on %s: %s", loc, p.Text(t, "main"))
		}
		conv := loc[strings.LastIndex(loc, "/")+1:]
		if txt := p.Text(t, "main"); !strings.Contains(txt, shipNo) || !strings.Contains(txt, "已付款两天") {
			t.Errorf("thread: %s", txt)
		}
		check(p, "support-thread-patient-zh-CN")
		p.Submit(t, `form[action="/logout"]`)

		// Support ships the order, resolves the refund and answers.
		signIn(p, spSupport)
		p.Go(t, base+"/staff")
		if txt := p.Text(t, `[data-testid="support-links"]`); !strings.Contains(txt, "订单处理") || !strings.Contains(txt, "售后处理") ||
			!strings.Contains(txt, "客服会话") || strings.Contains(txt, "stafforders.") {
			t.Errorf("console links: %s", txt)
		}
		check(p, "staff-console-support-zh-CN")
		p.Follow(t, `a[href="/staff/orders"]`)
		p.Go(t, base+"/staff/orders?status=paid")
		if txt := p.Text(t, `[data-testid="order-queue"]`); !strings.Contains(txt, shipNo) || !strings.Contains(txt, "139****5678") || strings.Contains(txt, spConsignee) {
			t.Errorf("queue: %s", txt)
		}
		check(p, "staff-orders-zh-CN")
		p.Follow(t, `a[href="/staff/orders/`+strconv.FormatInt(ship, 10)+`"]`)
		p.SetValue(t, "#f-carrier", "sf")
		p.SetValue(t, "#f-tracking", "SF1234567890")
		p.Submit(t, `form[action$="/ship"]`)
		if txt := p.Text(t, `[data-testid="shipment"]`); !strings.Contains(txt, "顺丰速运") || !strings.Contains(txt, "SF1234567890") {
			t.Errorf("shipment: %s", txt)
		}
		if txt := p.Text(t, "main"); strings.Contains(txt, spConsignee) {
			t.Error("full phone on the order page")
		}
		check(p, "staff-order-shipped-zh-CN")
		p.Click(t, `details summary`)
		p.SetValue(t, "#f-reason", "快递员反馈电话无法接通，核对号码")
		p.Submit(t, `form[action$="/unmask"]`)
		if txt := p.Text(t, `[data-testid="unmasked"]`); !strings.Contains(txt, spConsignee) || !strings.Contains(txt, "本次查看已记录") {
			t.Errorf("unmasked box: %s", txt)
		}
		check(p, "staff-order-unmasked-zh-CN")

		p.Go(t, base+"/staff/after-sales")
		check(p, "staff-after-sales-zh-CN")
		p.Follow(t, `a[href="/staff/orders/`+strconv.FormatInt(disputed, 10)+`"]`)
		p.Submit(t, `button[value="approve"]`) // no note: refused, kept on the page
		if txt := p.Text(t, "main"); !strings.Contains(txt, "请填写给用户的处理说明") {
			t.Fatalf("approve without note: %s", txt)
		}
		check(p, "staff-after-sale-error-zh-CN")
		p.SetValue(t, "#f-note", "已核实重复下单，款项将原路退回。")
		p.Submit(t, `button[value="approve"]`)
		if txt := p.Text(t, `[data-testid="after-sale"]`); !strings.Contains(txt, "已同意") || !strings.Contains(txt, "原路退回") {
			t.Errorf("after-sale: %s", txt)
		}
		useLang(t, p, "en")
		check(p, "staff-order-refunded-en")
		p.Go(t, base+"/staff/orders")
		check(p, "staff-orders-en")
		useLang(t, p, "zh-CN")

		p.Go(t, base+"/staff/support")
		check(p, "staff-support-queue-zh-CN")
		p.Follow(t, `a[href="/staff/support/`+conv+`"]`)
		if txt := p.Text(t, "main"); !strings.Contains(txt, "138****8101") || !strings.Contains(txt, shipNo) {
			t.Errorf("staff thread: %s", txt)
		}
		p.SetValue(t, "#f-body", "您好，订单已交顺丰发出，运单号 SF1234567890。")
		p.Submit(t, `form[action$="/messages"]`)
		check(p, "staff-support-thread-zh-CN")
		useLang(t, p, "en")
		check(p, "staff-support-thread-en")
		p.Go(t, base+"/staff/support")
		check(p, "staff-support-queue-en")
		p.Submit(t, `form[action="/logout"]`)

		// The patient reads the answer.
		signIn(p, spPatient)
		p.Go(t, base+"/support")
		if txt := p.Text(t, `[data-testid="support-list"]`); !strings.Contains(txt, "客服已回复") {
			t.Errorf("my list: %s", txt)
		}
		check(p, "support-list-zh-CN")
		p.Follow(t, `a[href="/support/`+conv+`"]`)
		if txt := p.Text(t, `[data-testid="support-thread"]`); !strings.Contains(txt, "运单号 SF1234567890") {
			t.Errorf("answer not shown: %s", txt)
		}
		check(p, "support-thread-answered-zh-CN")
		useLang(t, p, "en")
		check(p, "support-thread-answered-en")
		p.Go(t, base+"/support")
		check(p, "support-list-en")
		p.Submit(t, `form[action="/logout"]`)
		useLang(t, p, "zh-CN")
	}
}
