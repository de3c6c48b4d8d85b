package handlers_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/yibao-health/portal/internal/testkit/browser"
	"github.com/yibao-health/portal/models"
)

// The shop journey of issue 7 in two browsers, a patient on a phone and support
// on a desktop: an anonymous visitor searches the shop; the patient, signed in,
// orders for a family member with their authorization and pays with the simulated
// provider; support ships it; the patient sees the timeline and the disclosure
// entries, and opens an after-sale request; support resolves it.
// policy: C2.2.1, C2.2.2-1, C2.2.2-2, C2.2.2-4, C3.1-1, C3.1-7
func TestShopJourneyInTwoBrowsers(t *testing.T) {
	patientBrowser, supportBrowser := browser.Start(t), browser.Start(t)
	ta := newApp(t, nil)
	base := browser.Serve(t, ta.app.Handler())
	now := time.Now().UTC()
	for _, p := range []models.Product{
		{Kind: models.ProductCheckup, NameZh: "中老年体检套餐", NameEn: "Senior health check", DescriptionZh: "含血常规、心电图、腹部彩超。",
			DescriptionEn: "Blood count, ECG and abdominal ultrasound.", PriceFen: 59900, Available: true, CreatedAt: now, UpdatedAt: now},
		{Kind: models.ProductDevice, NameZh: "电子血压计", NameEn: "Blood pressure monitor", DescriptionZh: "上臂式。",
			DescriptionEn: "Upper arm.", PriceFen: 19900, Available: true, CreatedAt: now, UpdatedAt: now},
	} {
		if err := ta.db.Create(&p).Error; err != nil {
			t.Fatal(err)
		}
	}
	ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: "13800008001", Username: "shopper"})
	ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "support-journey@example.com", Caps: []string{models.CapSupport}})
	look := func(p *browser.Page, name string) {
		t.Helper()
		p.Screenshot(t, name)
		p.Axe(t)
	}

	// An anonymous visitor searches the shop and opens a product.
	pp := patientBrowser.NewPage(t, 360, 800)
	pp.Go(t, base+"/shop")
	useLang(t, pp, "zh-CN")
	pp.SetValue(t, `form[role="search"] input[name="q"]`, "体检")
	pp.Submit(t, `form[role="search"]`)
	found := pp.Text(t, `[data-testid="products"]`)
	if !strings.Contains(found, "中老年体检套餐") || strings.Contains(found, "电子血压计") {
		t.Fatalf("search for 体检 found %q", found)
	}
	look(pp, "shop-journey-search")
	pp.Follow(t, `[data-testid="products"] a[href^="/shop/products/"]`)
	product := strings.TrimPrefix(pp.Location(t), base)

	// The patient signs in, adds it to the cart and checks out for a parent.
	pp.Go(t, base+"/login?next="+product)
	pp.SetValue(t, "#f-login", "shopper")
	pp.SetValue(t, "#f-password", testPassword)
	pp.Submit(t, `form[action="/login"]`)
	pp.Go(t, base+product)
	pp.Submit(t, `form[action="/cart/items"]`)
	pp.Go(t, base+"/checkout")
	pp.SetValue(t, "#f-region", "110105")
	pp.SetValue(t, "#f-consignee_name", "王秀英")
	pp.SetValue(t, "#f-consignee_phone", "13912345678")
	pp.SetValue(t, "#f-street", "建国路 88 号 3 单元 502")
	pp.SetValue(t, "#f-postcode", "100022")
	pp.Click(t, "#f-for_other")
	pp.SetValue(t, "#f-relationship", "parent")
	pp.Click(t, "#f-authorization")
	look(pp, "shop-journey-checkout")
	pp.Submit(t, `[data-testid="checkout-form"]`)
	order := strings.TrimPrefix(pp.Location(t), base)
	if !regexp.MustCompile(`^/orders/\d+$`).MatchString(order) {
		t.Fatalf("after checkout at %s: %s", order, pp.Text(t, "main"))
	}
	pp.Submit(t, `form[action$="/pay"]`)
	look(pp, "shop-journey-simulated-payment")
	pp.Submit(t, `button[name="outcome"][value="paid"]`)
	if st := pp.Text(t, `[data-testid="order-status"]`); !strings.Contains(st, "已付款") {
		t.Fatalf("after paying: %q", st)
	}
	if auth := pp.Text(t, `[data-testid="order-authorization"]`); !strings.Contains(auth, "父母") {
		t.Errorf("the authorization record is not shown: %q", auth)
	}

	// Support ships it from the order queue.
	sp := supportBrowser.NewPage(t, 1280, 900)
	sp.Go(t, base+"/login")
	useLang(t, sp, "zh-CN")
	sp.SetValue(t, "#f-login", "support-journey@example.com")
	sp.SetValue(t, "#f-password", testPassword)
	sp.Submit(t, `form[action="/login"]`)
	sp.SetValue(t, "#f-code", ta.totpNow(t))
	sp.Submit(t, `form[action="/login/mfa"]`)
	sp.Go(t, base+"/staff/orders?status=paid")
	sp.Follow(t, fmt.Sprintf(`[data-testid="order-queue"] a[href="/staff%s"]`, order))
	if page := sp.Text(t, "main"); strings.Contains(page, "13912345678") || strings.Contains(page, "建国路") {
		t.Fatal("support sees the full consignee contact without unmasking")
	}
	sp.SetValue(t, "#f-carrier", "sf")
	sp.SetValue(t, "#f-tracking", "SF1234567890")
	look(sp, "shop-journey-support-order")
	sp.Submit(t, `form[action$="/ship"]`)
	if ship := sp.Text(t, `[data-testid="shipment"]`); !strings.Contains(ship, "SF1234567890") {
		t.Fatalf("after shipping: %q", ship)
	}

	// The patient sees the timeline and both hand-overs in the disclosure log.
	pp.Go(t, base+order)
	timeline := pp.Text(t, `[data-testid="order-timeline"]`)
	if !strings.Contains(timeline, "SF1234567890") || !strings.Contains(pp.Text(t, `[data-testid="order-status"]`), "已发货") {
		t.Errorf("the timeline does not show the shipment: %q", timeline)
	}
	look(pp, "shop-journey-shipped")
	pp.Go(t, base+"/account/disclosures")
	disclosed := pp.Text(t, `[data-testid="disclosures-list"]`)
	if !strings.Contains(disclosed, "模拟支付") || !strings.Contains(disclosed, "顺丰") {
		t.Errorf("the disclosure log lacks the payment or the delivery hand-over: %q", disclosed)
	}
	look(pp, "shop-journey-disclosures")

	// The patient asks to return it; support approves.
	pp.Go(t, base+order)
	pp.SetValue(t, "#f-kind", models.AfterSaleReturn)
	pp.SetValue(t, "#f-reason", "收到的血压计外包装破损，屏幕有裂痕。")
	pp.Submit(t, `form[action$="/after-sale"]`)
	if as := pp.Text(t, `[data-testid="after-sales"]`); !strings.Contains(as, "外包装破损") {
		t.Fatalf("after-sale request not listed: %q", as)
	}
	sp.Go(t, base+"/staff"+order)
	sp.SetValue(t, "#f-note", "已为您办理退货退款，快递员将上门取件。")
	look(sp, "shop-journey-support-after-sale")
	sp.Submit(t, `button[name="decision"][value="approve"]`)
	pp.Go(t, base+order)
	if st := pp.Text(t, `[data-testid="order-status"]`); !strings.Contains(st, "已退款") {
		t.Errorf("after the approved return the order is %q", st)
	}
	if as := pp.Text(t, `[data-testid="after-sales"]`); !strings.Contains(as, "上门取件") {
		t.Errorf("the resolution is not shown to the patient: %q", as)
	}
	look(pp, "shop-journey-resolved")
	useLang(t, pp, "en")
	look(pp, "shop-journey-resolved-en")
}
