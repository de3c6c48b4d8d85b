package models_test

import (
	"context"
	"fmt"
	"testing"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/models"
)

// The cart merges lines, bounds quantities and lines, shows current prices and
// availability, counts only available lines in the total and in CartLines, and is
// the patient's own.
func TestCart(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newCatalogEnv(t, g)
		ctx := context.Background()
		a := e.product(t, productInput(models.ProductCheckup, "体检", "Check-up", "399.00"))
		b := e.product(t, productInput(models.ProductMedicine, "药", "Medicine", "12.50"))
		off := productInput(models.ProductDevice, "下架", "Withdrawn", "1")
		off.Available = false
		gone := e.product(t, off)

		for _, u := range []*models.User{nil, e.support, e.doctor} {
			if err := e.cat.AddToCart(ctx, u, a, 1); kindOf(err) != models.KindNotFound {
				t.Errorf("add by %v: %v", u, err)
			}
		}
		if err := e.cat.AddToCart(ctx, e.patient, gone, 1); kindOf(err) != models.KindNotFound {
			t.Errorf("unavailable product added: %v", err)
		}
		if err := e.cat.AddToCart(ctx, e.patient, a+999, 1); kindOf(err) != models.KindNotFound {
			t.Errorf("missing product added: %v", err)
		}
		for _, q := range []int{0, -1, 100} {
			if err := e.cat.AddToCart(ctx, e.patient, a, q); kindOf(err) != models.KindInvalid {
				t.Errorf("quantity %d: %v", q, err)
			}
		}
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(e.cat.AddToCart(ctx, e.patient, a, 2))
		must(e.cat.AddToCart(ctx, e.patient, a, 3))
		must(e.cat.AddToCart(ctx, e.patient, b, 1))
		if err := e.cat.AddToCart(ctx, e.patient, a, 95); kindOf(err) != models.KindInvalid {
			t.Errorf("merged quantity over 99: %v", err)
		}
		cart, err := e.cat.Cart(ctx, e.patient)
		must(err)
		if len(cart.Lines) != 2 || cart.Lines[0].Quantity != 5 || cart.TotalFen != 5*39900+1250 || cart.Count != 6 {
			t.Fatalf("cart %+v", cart)
		}

		// The catalogue changes: the cart shows the new price, and a withdrawn product
		// stays visible (to be removed) but leaves the total and the checkout lines.
		in := productInput(models.ProductMedicine, "药", "Medicine", "13.00")
		in.Available = false
		must(e.cat.UpdateProduct(ctx, e.support, b, in, catalogActor))
		cart, err = e.cat.Cart(ctx, e.patient)
		must(err)
		if !cart.Unavailable() || cart.Lines[1].UnitFen != 1300 || cart.Lines[1].Available || cart.TotalFen != 5*39900 {
			t.Fatalf("cart after change %+v", cart)
		}
		lines, err := models.CartLines(ctx, g, e.patient.ID)
		must(err)
		if fmt.Sprint(lines) != fmt.Sprint([]models.CartLine{{ProductID: a, Quantity: 5}}) {
			t.Fatalf("checkout lines %v", lines)
		}

		must(e.cat.SetQuantity(ctx, e.patient, a, 7))
		must(e.cat.SetQuantity(ctx, e.patient, b, 0))
		if err := e.cat.SetQuantity(ctx, e.patient, b, 1); kindOf(err) != models.KindNotFound {
			t.Errorf("set on a removed line: %v", err)
		}
		if err := e.cat.SetQuantity(ctx, e.patient, a, 100); kindOf(err) != models.KindInvalid {
			t.Errorf("set 100: %v", err)
		}
		other := newPatient(t, e.acc, "13800007002", "")
		if err := e.cat.SetQuantity(ctx, other, a, 1); kindOf(err) != models.KindNotFound {
			t.Errorf("another patient changed the line: %v", err)
		}
		if c, err := e.cat.Cart(ctx, other); err != nil || len(c.Lines) != 0 {
			t.Errorf("another patient's cart %+v %v", c, err)
		}

		// At most MaxCartLines lines; merging into a line is still possible when full.
		must(e.cat.AddToCart(ctx, other, a, 1))
		for i := range models.MaxCartLines {
			id := e.product(t, productInput(models.ProductMedicine, fmt.Sprintf("药%d", i), fmt.Sprintf("M%d", i), "1"))
			err := e.cat.AddToCart(ctx, other, id, 1)
			if i < models.MaxCartLines-1 {
				must(err)
			} else if kindOf(err) != models.KindInvalid {
				t.Errorf("line %d: %v", i+2, err)
			}
		}
		must(e.cat.AddToCart(ctx, other, a, 1))
	})
}
