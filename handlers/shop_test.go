package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/yibao-health/portal/internal/testkit/webclient"
	"github.com/yibao-health/portal/models"
)

// shopFixture is a catalogue of two available products (one with an image) and
// one withdrawn product, made by a support staff member.
type shopFixture struct {
	support                *models.User
	checkup, monitor, gone int64
	image, goneImage       int64
}

func shopPNG(t *testing.T, c color.Color) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 6, 4))
	for x := range 6 {
		for y := range 4 {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func newShopFixture(t *testing.T, ta *testApp) *shopFixture {
	t.Helper()
	ctx := context.Background()
	f := &shopFixture{support: ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "catalog@example.com", Caps: []string{models.CapSupport}})}
	cat := &models.Catalog{DB: ta.db, Now: ta.clock.Now}
	actx := models.AuditContext{ActorKind: models.ActorStaff, ActorID: f.support.ID}
	mk := func(kind, zh, en, price string, available bool) int64 {
		id, err := cat.CreateProduct(ctx, f.support, models.ProductInput{Kind: kind, NameZh: zh, NameEn: en,
			DescriptionZh: zh + "的说明", DescriptionEn: "About " + en, Price: price, Available: available}, actx)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	f.checkup = mk(models.ProductCheckup, "基础体检套餐", "Basic check-up", "399.00", true)
	f.monitor = mk(models.ProductDevice, "电子血压计", "Blood pressure monitor", "259.50", true)
	f.gone = mk(models.ProductMedicine, "停售药品", "Withdrawn medicine", "9.90", false)
	var err error
	if f.image, err = cat.AddImage(ctx, f.support, f.checkup, shopPNG(t, color.RGBA{0, 120, 200, 255}), actx); err != nil {
		t.Fatal(err)
	}
	if f.goneImage, err = cat.AddImage(ctx, f.support, f.gone, shopPNG(t, color.White), actx); err != nil {
		t.Fatal(err)
	}
	return f
}

// policy: C2.2.1 — a visitor browses and searches the shop, opens a product and
// its image without an account; withdrawn products do not exist for the public.
func TestShopNeedsNoAccount(t *testing.T) {
	ta := newApp(t, nil)
	f := newShopFixture(t, ta)
	c := webclient.New(t, ta.url)

	r := c.Get("/shop").Expect(http.StatusOK)
	if !hasAll(r.Text(), "基础体检套餐", "¥399.00", "电子血压计", "¥259.50", "加入购物车") || r.HasText("停售药品") {
		t.Fatalf("shop page: %s", r.Text())
	}
	if !strings.Contains(r.Body, `href="/shop"`) || !strings.Contains(r.Body, fmt.Sprintf(`src="/shop/images/%d"`, f.image)) {
		t.Error("no header link to the shop, or no cover image")
	}
	for q, want := range map[string]string{"体检": "基础体检套餐", "blood": "电子血压计", "血压": "电子血压计"} {
		r := c.Get("/shop?" + url.Values{"q": {q}}.Encode()).Expect(http.StatusOK)
		other := map[string]string{"基础体检套餐": "电子血压计", "电子血压计": "基础体检套餐"}[want]
		if !r.HasText(want) || r.HasText(other) {
			t.Errorf("q=%s: want %s only", q, want)
		}
	}
	if r := c.Get("/shop?kind=device").Expect(http.StatusOK); !r.HasText("电子血压计") || r.HasText("基础体检套餐") {
		t.Error("kind filter")
	}
	if r := c.Get("/shop?q=停售").Expect(http.StatusOK); r.HasText("停售药品") || !r.HasText("没有找到") {
		t.Error("search finds a withdrawn product")
	}
	c.Get("/shop?kind=bogus&after=-3&q=" + url.QueryEscape(strings.Repeat("长", 3000))).Expect(http.StatusOK)

	p := c.Get(fmt.Sprintf("/shop/products/%d", f.checkup)).Expect(http.StatusOK)
	if !hasAll(p.Text(), "基础体检套餐", "¥399.00", "基础体检套餐的说明", "体检套餐") {
		t.Fatalf("product page: %s", p.Text())
	}
	en := c.Get(fmt.Sprintf("/shop/products/%d", f.checkup), http.Header{"Accept-Language": {"en"}}).Expect(http.StatusOK)
	if !en.HasText("Basic check-up") || !en.HasText("About Basic check-up") {
		t.Error("English product page")
	}
	for _, path := range []string{fmt.Sprintf("/shop/products/%d", f.gone), "/shop/products/999999", "/shop/products/x",
		fmt.Sprintf("/shop/images/%d", f.goneImage), "/shop/images/999999"} {
		c.Get(path).Expect(http.StatusNotFound)
	}
	img := c.Get(fmt.Sprintf("/shop/images/%d", f.image)).Expect(http.StatusOK)
	if img.Header.Get("Content-Type") != "image/png" || img.Header.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(img.Header.Get("Cache-Control"), "public") || !strings.HasPrefix(img.Body, "\x89PNG") {
		t.Errorf("image headers %v", img.Header)
	}
}

// A visitor's "add to cart" leads to sign-in and back to the product; a visitor's
// post to the cart and the cart page itself ask for sign-in too.
func TestAddToCartAsVisitorSignsIn(t *testing.T) {
	ta := newApp(t, nil)
	f := newShopFixture(t, ta)
	c := webclient.New(t, ta.url)
	product := fmt.Sprintf("/shop/products/%d", f.checkup)
	r := c.Submit(product, "/login", nil).Expect(http.StatusOK)
	if r.URL.Path != "/login" || r.URL.Query().Get("next") != product {
		t.Fatalf("add as visitor went to %s", r.URL)
	}
	if loc := c.Get("/cart").Expect(http.StatusSeeOther).Location(); !strings.HasPrefix(loc, "/login?next=") {
		t.Fatalf("cart as visitor: %s", loc)
	}
	request(c, http.MethodPost, "/cart/items").Expect(http.StatusNotFound)
	var n int64
	ta.db.Model(&models.CartItem{}).Count(&n)
	if n != 0 {
		t.Fatal("a visitor's post changed a cart")
	}
}

// A patient adds, merges, changes and removes lines; a refused quantity keeps
// what was typed; the cart is not cached.
func TestCartOperations(t *testing.T) {
	ta := newApp(t, nil)
	f := newShopFixture(t, ta)
	ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: "13800005001"})
	c := ta.signInFull(t, "13800005001")
	product := fmt.Sprintf("/shop/products/%d", f.checkup)

	r := c.Submit(product, "/cart/items", url.Values{"quantity": {"2"}}).Expect(http.StatusSeeOther)
	if r.Location() != "/cart" {
		t.Fatalf("add went to %s", r.Location())
	}
	cart := c.Get("/cart").Expect(http.StatusOK)
	if !hasAll(cart.Text(), "已加入购物车", "基础体检套餐", "¥798.00", "去结算") {
		t.Fatalf("cart: %s", cart.Text())
	}
	if cart.Header.Get("Cache-Control") != "no-store" || !strings.Contains(cart.Body, `href="/checkout"`) {
		t.Error("cart cached or without the checkout link")
	}
	c.Submit("/shop", "/cart/items", nil).Expect(http.StatusSeeOther) // the first card: +1
	if r := c.Get("/cart"); !r.HasText("¥1197.00") {
		t.Fatalf("merged line: %s", r.Text())
	}

	bad := c.Submit(product, "/cart/items", url.Values{"quantity": {"120"}}).Expect(http.StatusUnprocessableEntity)
	if bad.Form("/cart/items").Values.Get("quantity") != "120" || !bad.HasText("1 到 99") {
		t.Errorf("refused add: %s", bad.Text())
	}
	line := fmt.Sprintf("/cart/items/%d", f.checkup)
	bad = c.Submit("/cart", line, url.Values{"quantity": {"abc"}}).Expect(http.StatusUnprocessableEntity)
	if bad.Form(line).Values.Get("quantity") != "abc" || !bad.HasText("1 到 99") {
		t.Errorf("refused change: %s", bad.Text())
	}
	c.Submit("/cart", line, url.Values{"quantity": {"5"}}).Expect(http.StatusSeeOther)
	if r := c.Get("/cart"); !r.HasText("¥1995.00") {
		t.Fatalf("after change: %s", r.Text())
	}
	lines, err := models.CartLines(context.Background(), ta.db, ta.userByLogin(t, "13800005001").ID)
	if err != nil || len(lines) != 1 || lines[0] != (models.CartLine{ProductID: f.checkup, Quantity: 5}) {
		t.Fatalf("checkout lines %v %v", lines, err)
	}
	c.Submit("/cart", line, url.Values{"quantity": {"0"}}).Expect(http.StatusSeeOther)
	if r := c.Get("/cart"); !r.HasText("购物车是空的") || r.HasText("去结算") {
		t.Fatalf("after remove: %s", r.Text())
	}
	postWithToken(c, line, url.Values{"quantity": {"1"}}).Expect(http.StatusNotFound)         // not in the cart
	c.Submit("/shop", "/cart/items", url.Values{"product": {fmt.Sprint(f.gone)}}).Expect(404) // withdrawn
}

// The catalogue's staff pages exist for support staff only: everyone else,
// signed in or not, gets 404, with real IDs in the paths.
func TestStaffCatalogRoutesRefuseOthers(t *testing.T) {
	ta := newApp(t, nil)
	f := newShopFixture(t, ta)
	ta.createAccount(t, models.NewAccount{Kind: models.KindPatient, Phone: "13800005002"})
	ta.createAccount(t, models.NewAccount{Kind: models.KindDoctor, Phone: "13900005002",
		Doctor: &models.DoctorProfile{RealName: "王", Hospital: "H", Department: "D", Title: models.TitleChief, LicenceNumber: "2", Status: models.DoctorVerified}})
	ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "privacy@example.com", Caps: []string{models.CapPrivacyOfficer}})
	ta.createAccount(t, models.NewAccount{Kind: models.KindStaff, Email: "admin@example.com", Caps: []string{models.CapAdmin}})
	who := map[string]*webclient.Client{
		"visitor": webclient.New(t, ta.url), "patient": ta.signInFull(t, "13800005002"), "doctor": ta.signInFull(t, "13900005002"),
		"privacy officer": ta.signInFull(t, "privacy@example.com"), "admin": ta.signInFull(t, "admin@example.com"),
	}
	id := fmt.Sprint(f.gone)
	routes := [][2]string{{"GET", "/staff/catalog"}, {"GET", "/staff/catalog/new"}, {"POST", "/staff/catalog"},
		{"GET", "/staff/catalog/" + id}, {"POST", "/staff/catalog/" + id}, {"POST", "/staff/catalog/" + id + "/images"},
		{"POST", fmt.Sprintf("/staff/catalog/%s/images/%d/delete", id, f.goneImage)}}
	for name, c := range who {
		for _, r := range routes {
			if res := request(c, r[0], r[1]); res.Status != http.StatusNotFound {
				t.Errorf("%s %s as %s: %d, want 404", r[0], r[1], name, res.Status)
			}
		}
	}
	support := ta.signInFull(t, "catalog@example.com")
	for _, r := range routes {
		if r[0] == "GET" {
			support.Get(r[1]).Expect(http.StatusOK)
		}
	}
	var n int64
	ta.db.Model(&models.ProductImage{}).Count(&n)
	if n != 2 {
		t.Fatalf("%d images after the refused requests, want 2", n)
	}
}

// Support staff create a product (a refused form keeps every value), edit it, add
// and delete an image, and withdraw it from the shop.
func TestStaffCatalogManage(t *testing.T) {
	ta := newApp(t, nil)
	newShopFixture(t, ta)
	c := ta.signInFull(t, "catalog@example.com")

	console := c.Get("/staff").Expect(http.StatusOK)
	if !strings.Contains(console.Body, `href="/staff/catalog"`) {
		t.Error("no console link to the catalogue")
	}
	list := c.Get("/staff/catalog").Expect(http.StatusOK)
	if !hasAll(list.Text(), "基础体检套餐", "停售药品", "已下架", "¥9.90") {
		t.Fatalf("staff list: %s", list.Text())
	}
	typed := url.Values{"kind": {"service"}, "name_zh": {"家庭医生服务包"}, "name_en": {"Family doctor"},
		"description_zh": {"一年内不限次图文咨询。"}, "description_en": {"Unlimited messages for a year."}, "price": {"1.005"}, "available": {"1"}}
	bad := c.Submit("/staff/catalog/new", "/staff/catalog", typed).Expect(http.StatusUnprocessableEntity)
	form := bad.Form("/staff/catalog")
	for k, v := range typed {
		if got := form.Values.Get(k); got != v[0] {
			t.Errorf("refused form lost %s: %q", k, got)
		}
	}
	if !bad.HasText("最多两位小数") {
		t.Errorf("no price message: %s", bad.Text())
	}
	var before int64
	ta.db.Model(&models.Product{}).Count(&before)
	typed.Set("price", "1999")
	r := c.Submit("/staff/catalog/new", "/staff/catalog", typed).Expect(http.StatusSeeOther)
	edit := r.Location()
	page := c.Get(edit).Expect(http.StatusOK)
	if !page.HasText("商品已创建") || page.Form(edit).Values.Get("price") != "1999.00" {
		t.Fatalf("edit page: %s", page.Text())
	}

	img := shopPNG(t, color.RGBA{200, 40, 40, 255})
	c.SubmitFiles(edit, edit+"/images", nil, webclient.File{Field: "image", Name: "a.png", ContentType: "image/png", Data: img}).Expect(http.StatusSeeOther)
	refused := c.SubmitFiles(edit, edit+"/images", nil, webclient.File{Field: "image", Name: "x.png", Data: []byte("<svg onload=alert(1)>")}).
		Expect(http.StatusUnprocessableEntity)
	if !refused.HasText("只接受 JPEG、PNG 或 WebP") {
		t.Errorf("refused image: %s", refused.Text())
	}
	big := append(shopPNG(t, color.Black), make([]byte, models.MaxProductImageSize)...)
	c.SubmitFiles(edit, edit+"/images", nil, webclient.File{Field: "image", Name: "big.png", Data: big}).Expect(http.StatusRequestEntityTooLarge)

	id := strings.TrimPrefix(edit, "/staff/catalog/")
	public := webclient.New(t, ta.url)
	pp := public.Get("/shop/products/" + id).Expect(http.StatusOK)
	if !hasAll(pp.Text(), "家庭医生服务包", "¥1999.00", "一年内不限次图文咨询") || !strings.Contains(pp.Body, `src="/shop/images/`) {
		t.Fatalf("public page: %s", pp.Text())
	}

	page = c.Get(edit)
	del := ""
	for _, fm := range page.Forms() {
		if strings.HasSuffix(fm.Action, "/delete") {
			del = fm.Action
		}
	}
	c.Submit(edit, del, nil).Expect(http.StatusSeeOther)
	typed.Del("available")
	typed.Set("name_en", "")
	if r := c.Submit(edit, edit, typed).Expect(http.StatusUnprocessableEntity); r.Form(edit).Values.Get("name_zh") != "家庭医生服务包" {
		t.Error("refused edit lost the name")
	}
	typed.Set("name_en", "Family doctor package")
	c.Submit(edit, edit, typed).Expect(http.StatusSeeOther)
	public.Get("/shop/products/" + id).Expect(http.StatusNotFound)
	var p models.Product
	ta.db.First(&p, id)
	var imgs int64
	ta.db.Model(&models.ProductImage{}).Where("product_id = ?", p.ID).Count(&imgs)
	if p.Available || p.NameEn != "Family doctor package" || p.PriceFen != 199900 || imgs != 0 {
		t.Fatalf("stored %+v with %d images", p, imgs)
	}
	var audits int64
	ta.db.Model(&models.AuditEntry{}).Where("action LIKE ? AND object_id = ?", "product.%", id).Count(&audits)
	if audits != 4 {
		t.Errorf("%d audit rows, want 4", audits)
	}
}

// postWithToken posts fields to path with the client's CSRF token, as a form the
// page no longer shows would.
func postWithToken(c *webclient.Client, path string, fields url.Values) *webclient.Response {
	c.Get("/")
	hdr := http.Header{"Origin": {c.Base.Scheme + "://" + c.Base.Host}}
	if ck := c.Cookie("csrf"); ck != nil {
		hdr.Set("X-CSRF-Token", ck.Value)
	}
	return c.Do(http.MethodPost, path, "application/x-www-form-urlencoded", strings.NewReader(fields.Encode()), hdr)
}
