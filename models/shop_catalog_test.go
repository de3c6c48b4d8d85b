package models_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"testing"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/models"
)

type catalogEnv struct {
	g       *gorm.DB
	acc     *models.Accounts
	cat     *models.Catalog
	patient *models.User
	support *models.User
	admin   *models.User
	doctor  *models.User
}

var catalogActor = models.AuditContext{ActorKind: models.ActorStaff, RequestID: "req-catalog"}

func newCatalogEnv(t *testing.T, g *gorm.DB) *catalogEnv {
	t.Helper()
	a, _, clock := accountsFixture(t, g)
	e := &catalogEnv{g: g, acc: a, cat: &models.Catalog{DB: g, Now: clock.now}}
	e.patient = newPatient(t, a, "13800007001", "")
	staff := func(email, cap string) *models.User {
		u, err := a.CreateAccount(context.Background(), models.NewAccount{Kind: models.KindStaff, Email: email,
			Password: "Demo-Pass-2026", TOTPSecret: "JBSWY3DPEHPK3PXP", Caps: []string{cap}}, models.AuditContext{ActorKind: models.ActorSystem})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	e.support = staff("support@example.com", models.CapSupport)
	e.admin = staff("admin@example.com", models.CapAdmin)
	d, err := a.CreateAccount(context.Background(), models.NewAccount{Kind: models.KindDoctor, Phone: "13900007001",
		Doctor: &models.DoctorProfile{RealName: "王", Hospital: "H", Department: "D", Title: models.TitleChief,
			LicenceNumber: "110101199001011", Status: models.DoctorVerified}}, models.AuditContext{ActorKind: models.ActorSystem})
	if err != nil {
		t.Fatal(err)
	}
	e.doctor = d
	return e
}

func productInput(kind, zh, en, price string) models.ProductInput {
	return models.ProductInput{Kind: kind, NameZh: zh, NameEn: en, DescriptionZh: "说明", DescriptionEn: "About", Price: price, Available: true}
}

func (e *catalogEnv) product(t *testing.T, in models.ProductInput) int64 {
	t.Helper()
	id, err := e.cat.CreateProduct(context.Background(), e.support, in, catalogActor)
	if err != nil {
		t.Fatalf("create %s: %v", in.NameEn, err)
	}
	return id
}

func pngBytes(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestParsePrice(t *testing.T) {
	cases := map[string]int64{"399.00": 39900, "399": 39900, "0.1": 10, "0.01": 1, " 12.5 ": 1250, "999999.99": 99999999, "1.05": 105}
	for in, want := range cases {
		if got, ok := models.ParsePrice(in); !ok || got != want {
			t.Errorf("ParsePrice(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "0", "0.00", "0.001", "1.005", "1e3", "-1", "+1", "¥3", "1,000", "1000000", "1.", ".5",
		"12.345", "0x10", "1 000", "１２", "NaN", "Inf"} {
		if got, ok := models.ParsePrice(in); ok {
			t.Errorf("ParsePrice(%q) = %d accepted", in, got)
		}
	}
	for _, fen := range []int64{1, 10, 105, 39900, 99999999} {
		if got, ok := models.ParsePrice(models.FormatPrice(fen)); !ok || got != fen {
			t.Errorf("FormatPrice(%d) does not parse back", fen)
		}
	}
}

// Search: available products only, names in both languages, the kind filter,
// wildcards taken literally, keyset pages of 20.
func TestSearchProducts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newCatalogEnv(t, g)
		ctx := context.Background()
		checkup := e.product(t, productInput(models.ProductCheckup, "基础体检套餐", "Basic check-up", "399.00"))
		bp := e.product(t, productInput(models.ProductDevice, "电子血压计", "Blood pressure monitor 100%", "259"))
		hidden := productInput(models.ProductDevice, "下架血压计", "Withdrawn monitor", "1")
		hidden.Available = false
		e.product(t, hidden)

		ids := func(q, kind string) []int64 {
			rows, _, err := models.SearchProducts(ctx, g, q, kind, 0)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, r := range rows {
				out = append(out, r.ID)
			}
			return out
		}
		for _, c := range []struct {
			q, kind string
			want    []int64
		}{
			{"", "", []int64{checkup, bp}},
			{"体检", "", []int64{checkup}},
			{"blood", "", []int64{bp}},
			{"血压", "", []int64{bp}},
			{"", models.ProductDevice, []int64{bp}},
			{"体检", models.ProductDevice, nil},
			{"100%", "", []int64{bp}},
			{"%", "", []int64{bp}}, // literal: only the name with a per-cent sign
			{"_", "", nil},
			{"withdrawn", "", nil},
		} {
			if got := ids(c.q, c.kind); fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("q=%q kind=%q: %v, want %v", c.q, c.kind, got, c.want)
			}
		}

		for i := range 41 {
			e.product(t, productInput(models.ProductMedicine, fmt.Sprintf("药品%02d", i), fmt.Sprintf("Medicine %02d", i), "9.90"))
		}
		seen := map[int64]bool{}
		after, pages := int64(0), 0
		for {
			rows, next, err := models.SearchProducts(ctx, g, "", models.ProductMedicine, after)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			if len(rows) > models.ProductPage {
				t.Fatalf("page of %d", len(rows))
			}
			for _, r := range rows {
				if seen[r.ID] || r.Kind != models.ProductMedicine {
					t.Fatalf("product %d repeated or of kind %s", r.ID, r.Kind)
				}
				seen[r.ID] = true
			}
			if next == 0 {
				break
			}
			after = next
		}
		if len(seen) != 41 || pages != 3 {
			t.Fatalf("%d products in %d pages, want 41 in 3", len(seen), pages)
		}
	})
}

// ProductByID: the public sees available products only; support staff see any.
// Only support staff change the catalogue; everyone else gets NotFound, and every
// change is audited.
func TestCatalogStaffOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newCatalogEnv(t, g)
		ctx := context.Background()
		in := productInput(models.ProductService, "家庭医生服务包", "Family doctor package", "1999.00")
		for _, u := range []*models.User{nil, e.patient, e.doctor, e.admin} {
			if _, err := e.cat.CreateProduct(ctx, u, in, catalogActor); kindOf(err) != models.KindNotFound {
				t.Errorf("create by %v: %v, want not found", u, err)
			}
		}
		id := e.product(t, in)
		in.Available = false
		for _, u := range []*models.User{nil, e.patient, e.doctor, e.admin} {
			if err := e.cat.UpdateProduct(ctx, u, id, in, catalogActor); kindOf(err) != models.KindNotFound {
				t.Errorf("update by %v: %v", u, err)
			}
			if _, err := e.cat.AddImage(ctx, u, id, pngBytes(t), catalogActor); kindOf(err) != models.KindNotFound {
				t.Errorf("image by %v: %v", u, err)
			}
			if _, _, err := models.CatalogProducts(ctx, g, u, "", 0); kindOf(err) != models.KindNotFound {
				t.Errorf("staff list by %v: %v", u, err)
			}
		}
		img, err := e.cat.AddImage(ctx, e.support, id, pngBytes(t), catalogActor)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.cat.UpdateProduct(ctx, e.support, id, in, catalogActor); err != nil {
			t.Fatal(err)
		}
		if err := e.cat.UpdateProduct(ctx, e.support, id+999, in, catalogActor); kindOf(err) != models.KindNotFound {
			t.Errorf("update of a missing product: %v", err)
		}
		for _, u := range []*models.User{nil, e.patient, e.admin} {
			if _, err := models.ProductByID(ctx, g, u, id); kindOf(err) != models.KindNotFound {
				t.Errorf("unavailable product shown to %v: %v", u, err)
			}
			if _, _, err := models.ProductImageByID(ctx, g, u, img); kindOf(err) != models.KindNotFound {
				t.Errorf("unavailable product's image shown to %v: %v", u, err)
			}
		}
		p, err := models.ProductByID(ctx, g, e.support, id)
		if err != nil || p.Available || p.PriceFen != 199900 || p.Cover() != img {
			t.Fatalf("staff view %+v, %v", p, err)
		}
		if rows, _, err := models.CatalogProducts(ctx, g, e.support, "", 0); err != nil || len(rows) != 1 {
			t.Fatalf("staff list %d rows, %v", len(rows), err)
		}
		if err := e.cat.DeleteImage(ctx, e.admin, id, img, catalogActor); kindOf(err) != models.KindNotFound {
			t.Errorf("delete image by admin: %v", err)
		}
		if err := e.cat.DeleteImage(ctx, e.support, id, img, catalogActor); err != nil {
			t.Fatal(err)
		}
		if err := e.cat.DeleteImage(ctx, e.support, id, img, catalogActor); kindOf(err) != models.KindNotFound {
			t.Errorf("second delete: %v", err)
		}
		var n int64
		g.Model(&models.AuditEntry{}).Where("action LIKE ? AND object_id = ?", "product.%", fmt.Sprint(id)).Count(&n)
		if n != 4 {
			t.Errorf("%d audit rows for the product, want 4 (create, image, update, delete image)", n)
		}
	})
}

// Bad input is refused whole, each field with its message, and nothing is stored.
func TestProductValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newCatalogEnv(t, g)
		long := string(bytes.Repeat([]byte("长"), 101))
		desc := string(bytes.Repeat([]byte("x"), 2001))
		in := models.ProductInput{Kind: "toy", NameZh: long, NameEn: " ", DescriptionZh: desc, DescriptionEn: "", Price: "1.005"}
		_, err := e.cat.CreateProduct(context.Background(), e.support, in, catalogActor)
		fields := models.FieldErrors(err)
		for _, f := range []string{"kind", "name_zh", "name_en", "description_zh", "price"} {
			if fields[f] == nil {
				t.Errorf("no message for %s (%v)", f, err)
			}
		}
		if fields["description_en"] != nil {
			t.Error("an empty description is allowed")
		}
		var n int64
		g.Model(&models.Product{}).Count(&n)
		if n != 0 {
			t.Fatalf("%d products stored from refused input", n)
		}
	})
}

// Images are sniffed from their bytes: JPEG, PNG and WebP only, at most 2 MB and
// five per product.
func TestProductImages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newCatalogEnv(t, g)
		ctx := context.Background()
		id := e.product(t, productInput(models.ProductDevice, "体温计", "Thermometer", "39"))
		for name, data := range map[string][]byte{
			"svg":   []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`),
			"html":  []byte("<html><body>hi</body></html>"),
			"pdf":   []byte("%PDF-1.4\n%%EOF"),
			"empty": nil,
			"gif":   []byte("GIF89a......"),
		} {
			if _, err := e.cat.AddImage(ctx, e.support, id, data, catalogActor); kindOf(err) != models.KindInvalid {
				t.Errorf("%s image: %v, want invalid", name, err)
			}
		}
		big := append(pngBytes(t), make([]byte, models.MaxProductImageSize)...)
		if _, err := e.cat.AddImage(ctx, e.support, id, big, catalogActor); kindOf(err) != models.KindTooLarge {
			t.Errorf("big image: %v", err)
		}
		if _, err := e.cat.AddImage(ctx, e.support, id+999, pngBytes(t), catalogActor); kindOf(err) != models.KindNotFound {
			t.Errorf("image of a missing product: %v", err)
		}
		jpeg := []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F'}
		webp := []byte("RIFF\x00\x00\x00\x00WEBPVP8 \x00\x00\x00\x00")
		var ids []int64
		for i, data := range [][]byte{pngBytes(t), jpeg, webp, pngBytes(t), pngBytes(t)} {
			img, err := e.cat.AddImage(ctx, e.support, id, data, catalogActor)
			if err != nil {
				t.Fatalf("image %d: %v", i, err)
			}
			ids = append(ids, img)
		}
		if _, err := e.cat.AddImage(ctx, e.support, id, pngBytes(t), catalogActor); kindOf(err) != models.KindInvalid {
			t.Errorf("sixth image: %v", err)
		}
		p, err := models.ProductByID(ctx, g, nil, id)
		if err != nil || fmt.Sprint(p.ImageIDs) != fmt.Sprint(ids) {
			t.Fatalf("images %v, want %v (%v)", p.ImageIDs, ids, err)
		}
		im, public, err := models.ProductImageByID(ctx, g, nil, ids[1])
		if err != nil || !public || im.ContentType != models.TypeJPEG || !bytes.Equal(im.Data, jpeg) {
			t.Fatalf("image read back %v %v", public, err)
		}
	})
}
