package handlers_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/yibao-health/portal/internal/testkit/browser"
	"github.com/yibao-health/portal/models"
)

// A patient on a phone and on a desktop, in zh-CN and English, checks out for a
// family member with their authorization (province → city → district narrowed by
// the page's script), pays with the simulated provider, sees the order paid with
// its timeline and the authorization record, and finds the hand-over to the
// payment provider in the disclosure log. Screenshots and axe on every step, no
// sideways scroll.
// policy: C2.2.2-1, C2.2.2-2, C2.2.2-4
func TestOrderJourneyInBrowser(t *testing.T) {
	b := browser.Start(t)
	ta := newApp(t, nil)
	base := browser.Serve(t, ta.app.Handler())
	now := time.Now().UTC()
	product := models.Product{Kind: models.ProductCheckup, NameZh: "基础体检套餐", NameEn: "Basic check-up", DescriptionZh: "-", DescriptionEn: "-",
		PriceFen: 39900, Available: true, CreatedAt: now, UpdatedAt: now}
	if err := ta.db.Create(&product).Error; err != nil {
		t.Fatal(err)
	}
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
	n := 0
	for _, w := range []int{360, 1280} {
		for _, lang := range []string{"zh-CN", "en"} {
			n++
			login := fmt.Sprintf("buyer_%d", n)
			patient := ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: fmt.Sprintf("1381234600%d", n), Username: login})
			if err := ta.db.Create(&models.CartItem{UserID: patient.ID, ProductID: product.ID, Quantity: 2, UpdatedAt: now}).Error; err != nil {
				t.Fatal(err)
			}
			p := b.NewPage(t, w, 900)
			p.Go(t, base+"/login")
			useLang(t, p, lang)
			p.SetValue(t, "#f-login", login)
			p.SetValue(t, "#f-password", testPassword)
			p.Submit(t, `form[action="/login"]`)

			p.Go(t, base+"/checkout")
			if got := p.Text(t, `[data-testid="checkout-total"]`); got != "¥798.00" {
				t.Fatalf("%s %d: total %q", lang, w, got)
			}
			// The script narrows the cities to the province and the districts to the city.
			var cities, districts int
			p.Eval(t, `(() => { const s = document.getElementById("f-province"); s.value = "44"; s.dispatchEvent(new Event("change")); return document.querySelectorAll("#f-city option").length })()`, &cities)
			p.Eval(t, `(() => { const s = document.getElementById("f-city"); s.value = "4403"; s.dispatchEvent(new Event("change")); return document.querySelectorAll("#f-region option").length })()`, &districts)
			if cities != 22 || districts != 10 {
				t.Errorf("%s %d: %d city and %d district options after choosing 广东省 深圳市", lang, w, cities, districts)
			}
			p.SetValue(t, "#f-region", "440305")
			p.SetValue(t, "#f-consignee_name", "王秀英")
			p.SetValue(t, "#f-consignee_phone", "13912345678")
			p.SetValue(t, "#f-street", "科技园路 1 号 A 座 1201")
			p.SetValue(t, "#f-postcode", "518057")
			p.Click(t, "#f-for_other")
			p.SetValue(t, "#f-relationship", "parent")
			p.Click(t, "#f-authorization")
			check(p, "checkout-"+lang)
			p.Submit(t, `[data-testid="checkout-form"]`)
			loc := strings.TrimPrefix(p.Location(t), base)
			if !orderPath.MatchString(loc) {
				t.Fatalf("%s %d: after checkout at %s: %s", lang, w, loc, p.Text(t, "main"))
			}
			check(p, "order-unpaid-"+lang)

			p.Submit(t, `form[action$="/pay"]`)
			if !strings.Contains(p.Text(t, `[data-testid="sim-amount"]`), "¥798.00") {
				t.Fatalf("%s %d: simulated page %s", lang, w, p.Text(t, "main"))
			}
			check(p, "pay-simulated-"+lang)
			p.Submit(t, `button[name="outcome"][value="paid"]`)
			if got := strings.TrimPrefix(p.Location(t), base); got != loc {
				t.Fatalf("%s %d: after paying at %s", lang, w, got)
			}
			status := p.Text(t, `[data-testid="order-status"]`)
			timeline := p.Text(t, `[data-testid="order-timeline"]`)
			auth := p.Text(t, `[data-testid="order-authorization"]`)
			wantPaid := map[string]string{"zh-CN": "已付款", "en": "Paid"}[lang]
			wantVia := map[string]string{"zh-CN": "通过模拟支付付款", "en": "Paid through simulated payment"}[lang]
			wantAuth := map[string]string{"zh-CN": "关系：父母", "en": "relationship: Parent"}[lang]
			if !strings.Contains(status, wantPaid) || !strings.Contains(timeline, wantVia) || !strings.Contains(auth, wantAuth) {
				t.Errorf("%s %d: status %q, timeline %q, authorization %q", lang, w, status, timeline, auth)
			}
			check(p, "order-paid-"+lang)

			p.Go(t, base+"/account/disclosures")
			rows := p.Text(t, `[data-testid="disclosures-list"]`)
			wantRecipient := map[string]string{"zh-CN": "支付服务商：模拟支付", "en": "Payment provider: simulated payment"}[lang]
			if !strings.Contains(rows, wantRecipient) {
				t.Errorf("%s %d: disclosures %q", lang, w, rows)
			}
			check(p, "disclosures-"+lang)
			p.Go(t, base+"/orders")
			check(p, "orders-"+lang)
			p.AssertNoProblems(t)
			p.Submit(t, `form[action="/logout"]`)
		}
	}
}
