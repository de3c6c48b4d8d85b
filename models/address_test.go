package models_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/models"
)

// Saved addresses: validated like checkout, encrypted at rest, at most ten, and a
// patient can neither list nor delete another patient's.
func TestSavedAddresses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newOrderEnv(t, g)
		ctx := context.Background()
		good := models.Consignee{Name: " 王小明 ", Phone: "139 1234 5678", RegionCode: "440305", Street: "科技园路 1 号 A 座", Postcode: "518057"}

		if _, err := e.orders.SaveAddress(ctx, e.patient, models.Consignee{Name: "", Phone: "123", RegionCode: "999999", Street: "x", Postcode: "12"}); err == nil {
			t.Fatal("bad address saved")
		} else if f := models.FieldErrors(err); f["consignee_name"] == nil || f["consignee_phone"] == nil || f["region"] == nil || f["street"] == nil || f["postcode"] == nil {
			t.Fatalf("field errors: %v", f)
		}
		id, err := e.orders.SaveAddress(ctx, e.patient, good)
		if err != nil {
			t.Fatal(err)
		}
		var raw models.Address
		if err := g.First(&raw, id).Error; err != nil {
			t.Fatal(err)
		}
		if strings.Contains(raw.NameEnc+raw.PhoneEnc+raw.StreetEnc, "王小明") || strings.Contains(raw.PhoneEnc, "13912345678") || strings.Contains(raw.StreetEnc, "科技园") {
			t.Fatal("address stored in plaintext")
		}
		if again, err := e.orders.SaveAddress(ctx, e.patient, good); err != nil || again != id {
			t.Fatalf("the same address saved twice: %d %d %v", id, again, err)
		}
		list, err := e.orders.ListAddresses(ctx, e.patient)
		if err != nil || len(list) != 1 {
			t.Fatalf("list: %v %v", list, err)
		}
		if c := list[0].Consignee; c.Name != "王小明" || c.Phone != "13912345678" || c.Street != "科技园路 1 号 A 座" || list[0].Place.Text() != "广东省深圳市南山区" {
			t.Fatalf("decrypted: %+v %+v", c, list[0].Place)
		}
		if other, _ := e.orders.ListAddresses(ctx, e.other); len(other) != 0 {
			t.Fatal("another patient lists the address")
		}
		if err := e.orders.DeleteAddress(ctx, e.other, id); !isKind(err, models.KindNotFound) {
			t.Fatalf("other deletes: %v", err)
		}
		for i := 1; i < models.MaxAddresses; i++ {
			more := good
			more.Street = fmt.Sprintf("科技园路 %d 号", i+1)
			if _, err := e.orders.SaveAddress(ctx, e.patient, more); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.orders.SaveAddress(ctx, e.patient, models.Consignee{Name: "赵六", Phone: "13712345678", RegionCode: "110105", Street: "建国路 1 号", Postcode: "100022"}); !isKind(err, models.KindConflict) {
			t.Fatalf("eleventh address: %v", err)
		}
		if err := e.orders.DeleteAddress(ctx, e.patient, id); err != nil {
			t.Fatal(err)
		}
		if list, _ := e.orders.ListAddresses(ctx, e.patient); len(list) != models.MaxAddresses-1 {
			t.Fatalf("after delete: %d", len(list))
		}
	})
}
