package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/yibao-health/portal/internal/migrate"
	"github.com/yibao-health/portal/migrations"
	"github.com/yibao-health/portal/models"
)

// --demo seeds a catalogue over the four kinds, each product with a PNG, and the
// demo patients' orders in several states, once.
func TestSeedDemoShop(t *testing.T) {
	withEnv(t, map[string]string{"PORTAL_DATA_DIR": t.TempDir()})
	ctx := context.Background()
	rt, closeDB, err := setup(ctx, "serve", nil, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB()
	if _, err := migrate.Up(ctx, rt.db, migrations.FS, rt.dialect); err != nil {
		t.Fatal(err)
	}
	notifier, _, err := newNotifier(rt.cfg, rt.db, rt.log)
	if err != nil {
		t.Fatal(err)
	}
	accounts, err := newAccounts(ctx, rt, notifier)
	if err != nil {
		t.Fatal(err)
	}
	if err := seedDemo(ctx, accounts, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for range 2 {
		if err := seedDemoShop(ctx, accounts, rt.cfg.Secrets.MasterKey, &out); err != nil {
			t.Fatal(err)
		}
	}
	if strings.Count(out.String(), "Demo shop") != 1 {
		t.Fatalf("output %q: want one line, from the first run only", out.String())
	}
	rows, _, err := models.SearchProducts(ctx, rt.db, "", "", 0)
	if err != nil || len(rows) != len(demoProducts) {
		t.Fatalf("%d products (%v), want %d", len(rows), err, len(demoProducts))
	}
	kinds := map[string]bool{}
	for _, p := range rows {
		kinds[p.Kind] = true
		if len(p.ImageIDs) != 1 || p.NameEn == "" || p.NameZh == "" || p.PriceFen <= 0 {
			t.Errorf("product %+v", p)
		}
	}
	if len(kinds) != len(models.ProductKinds) {
		t.Errorf("kinds %v", kinds)
	}
	im, public, err := models.ProductImageByID(ctx, rt.db, nil, rows[0].ImageIDs[0])
	if err != nil || !public || im.ContentType != models.TypePNG {
		t.Fatalf("image %v %v", public, err)
	}

	states := func(login string) map[string]int {
		u, _ := accounts.FindByLogin(ctx, login)
		var os []models.Order
		rt.db.Where("user_id = ?", u.ID).Find(&os)
		m := map[string]int{}
		for _, o := range os {
			m[o.Status]++
			if o.ForOther {
				m["for_other"]++
			}
		}
		return m
	}
	first := states("13800000001")
	want := map[string]int{models.OrderAwaitingPayment: 1, models.OrderPaid: 2, models.OrderShipped: 1, models.OrderCompleted: 1, "for_other": 1}
	for k, v := range want {
		if first[k] != v {
			t.Errorf("13800000001: %d %s, want %d (%v)", first[k], k, v, first)
		}
	}
	if second := states("13800000002"); second[models.OrderPaid] != 1 || len(second) != 1 {
		t.Errorf("13800000002: %v", second)
	}
	var disclosures int64
	rt.db.Model(&models.Disclosure{}).Where("recipient LIKE ?", "logistics:%").Count(&disclosures)
	if disclosures != 2 {
		t.Errorf("%d logistics disclosures, want 2 (the shipped and the completed order)", disclosures)
	}
}
