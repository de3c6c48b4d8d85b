package handlers_test

import (
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	otptotp "github.com/pquerna/otp/totp"

	"github.com/yibao-health/portal/internal/testkit/browser"
	"github.com/yibao-health/portal/models"
)

// The shop in a real browser at 360 and 1280 px, in zh-CN and English: a visitor
// searches and opens a product; a patient adds it to the cart and sees the cart;
// support staff create a product with an image. Every page passes axe-core and
// never scrolls sideways.
func TestShopInBrowser(t *testing.T) {
	b := browser.Start(t)
	ta := newApp(t, nil)
	base := browser.Serve(t, ta.app.Handler())
	f := newShopFixture(t, ta)
	ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: "13800006001"})
	imgPath := filepath.Join(t.TempDir(), "product.png")
	if err := os.WriteFile(imgPath, shopPNG(t, color.RGBA{0x6d, 0x28, 0xd9, 255}), 0o600); err != nil {
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
	signIn := func(p *browser.Page, lang, login string, mfa bool) {
		p.Go(t, base+"/login")
		useLang(t, p, lang)
		p.SetValue(t, "#f-login", login)
		p.SetValue(t, "#f-password", testPassword)
		p.Submit(t, `form[action="/login"]`)
		if mfa {
			ta.clock.Advance(30 * time.Second)
			code, err := otptotp.GenerateCode(testTOTPSecret, ta.clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			p.SetValue(t, "#f-code", code)
			p.Submit(t, `form[action="/login/mfa"]`)
		}
	}
	name := map[string]string{"zh-CN": "基础体检套餐", "en": "Basic check-up"}
	for _, w := range []int{360, 1280} {
		for _, lang := range []string{"zh-CN", "en"} {
			// A visitor: header link, search, product page.
			p := b.NewPage(t, w, 900)
			p.Go(t, base+"/")
			useLang(t, p, lang)
			p.Follow(t, `header nav a[href="/shop"]`)
			list := p.Text(t, `[data-testid="products"]`)
			if !strings.Contains(list, name[lang]) || !strings.Contains(list, "¥259.50") {
				t.Fatalf("%s %d: shop %q", lang, w, list)
			}
			check(p, "shop-list-"+lang)
			p.SetValue(t, "#f-q", map[string]string{"zh-CN": "体检", "en": "check"}[lang])
			p.Submit(t, `form[role="search"]`)
			list = p.Text(t, `[data-testid="products"]`)
			if !strings.Contains(list, name[lang]) || strings.Contains(list, "¥259.50") {
				t.Fatalf("%s %d: search shows %q", lang, w, list)
			}
			check(p, "shop-search-"+lang)
			p.Follow(t, fmt.Sprintf(`[data-testid="products"] a[href="/shop/products/%d"]`, f.checkup))
			if txt := p.Text(t, "main"); !strings.Contains(txt, "¥399.00") {
				t.Fatalf("%s %d: product %q", lang, w, txt)
			}
			var loaded bool
			p.Eval(t, `[...document.querySelectorAll('[data-testid=product-images] img')].every(i => i.complete && i.naturalWidth > 0)`, &loaded)
			if !loaded {
				t.Errorf("%s %d: product image not shown", lang, w)
			}
			check(p, "shop-product-"+lang)
			p.AssertNoProblems(t)

			// A patient: add two from the product page, see the cart.
			p = b.NewPage(t, w, 900)
			signIn(p, lang, "13800006001", false)
			p.Go(t, fmt.Sprintf("%s/shop/products/%d", base, f.checkup))
			p.SetValue(t, "#f-quantity", "2")
			p.Submit(t, `form[action="/cart/items"]`)
			cart := p.Text(t, "main")
			if !strings.Contains(cart, name[lang]) || !strings.Contains(cart, "¥798.00") {
				t.Fatalf("%s %d: cart %q", lang, w, cart)
			}
			check(p, "shop-cart-"+lang)
			p.Go(t, fmt.Sprintf("%s/shop/products/%d", base, f.checkup))
			p.SetValue(t, "#f-quantity", "98")
			p.Submit(t, `form[action="/cart/items"]`)
			if txt := p.Text(t, "main"); !strings.Contains(txt, "1 到 99") && !strings.Contains(txt, "between 1 and 99") {
				t.Fatalf("%s %d: refused quantity %q", lang, w, txt)
			}
			var typed string
			p.Eval(t, `document.querySelector('#f-quantity').value`, &typed)
			if typed != "98" {
				t.Errorf("%s %d: refused quantity shows %q", lang, w, typed)
			}
			check(p, "shop-add-refused-"+lang)
			onlyRefusals(t, p)
			p.Submit(t, `form[action="/logout"]`) // the pages share the browser's cookies
			if err := ta.db.Where("1 = 1").Delete(&models.CartItem{}).Error; err != nil {
				t.Fatal(err)
			}
		}
	}

	// Support staff create a product with an image (desktop, both languages).
	for _, lang := range []string{"zh-CN", "en"} {
		p := b.NewPage(t, 1280, 900)
		signIn(p, lang, "catalog@example.com", true)
		p.Follow(t, `a[href="/staff/catalog"]`)
		check(p, "staff-catalog-"+lang)
		p.Follow(t, `[data-testid="new-product"]`)
		zh := "指夹式血氧仪 " + lang
		p.SetValue(t, "#f-kind", "device")
		p.SetValue(t, "#f-name_zh", zh)
		p.SetValue(t, "#f-name_en", "Pulse oximeter "+lang)
		p.SetValue(t, "#f-description_zh", "测量血氧饱和度和脉率。")
		p.SetValue(t, "#f-description_en", "Measures oxygen saturation and pulse rate.")
		p.SetValue(t, "#f-price", "129.5")
		p.Submit(t, `[data-testid="product-form"]`)
		p.SetFiles(t, "#f-image", imgPath)
		p.Submit(t, `[data-testid="image-form"]`)
		var n int
		p.Eval(t, `document.querySelectorAll('[data-testid=images] img').length`, &n)
		if n != 1 {
			t.Fatalf("%s: %d images after upload", lang, n)
		}
		var price string
		p.Eval(t, `document.querySelector('#f-price').value`, &price)
		if price != "129.50" {
			t.Errorf("%s: stored price shows as %q", lang, price)
		}
		check(p, "staff-product-"+lang)
		p.Go(t, base+"/staff/catalog/new")
		p.SetValue(t, "#f-name_zh", "新品")
		p.SetValue(t, "#f-price", "1e3")
		p.Submit(t, `[data-testid="product-form"]`)
		var kept []string
		p.Eval(t, `["#f-name_zh", "#f-price"].map(s => document.querySelector(s).value)`, &kept)
		if strings.Join(kept, "|") != "新品|1e3" {
			t.Errorf("%s: refused form kept %q", lang, kept)
		}
		check(p, "staff-product-refused-"+lang)
		onlyRefusals(t, p)
		p.Submit(t, `form[action="/logout"]`)

		pub := b.NewPage(t, 360, 900)
		pub.Go(t, base+"/shop?q="+strings.ReplaceAll(zh, " ", "+"))
		if list := pub.Text(t, `[data-testid="products"]`); !strings.Contains(list, "¥129.50") {
			t.Fatalf("%s: the new product in the shop: %q", lang, list)
		}
	}
}

// onlyRefusals fails the test for any browser problem other than the 422 answers
// of the refused forms the journey submits on purpose.
func onlyRefusals(t *testing.T, p *browser.Page) {
	t.Helper()
	for _, prob := range p.Problems() {
		if !strings.Contains(prob, "HTTP 422") {
			t.Error(prob)
		}
	}
}
