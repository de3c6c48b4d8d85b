package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"

	"github.com/yibao-health/portal/internal/logistics"
	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/internal/payment"
	"github.com/yibao-health/portal/models"
)

type demoProduct struct {
	kind, zh, en, descZh, descEn, price string
	colour                              color.RGBA
}

var demoProducts = []demoProduct{
	{models.ProductCheckup, "基础体检套餐", "Basic health check", "血常规、尿常规、肝肾功能、血脂、血糖、心电图和胸部 X 光。约 2 小时。",
		"Blood and urine tests, liver and kidney function, lipids, glucose, ECG and chest X-ray. About 2 hours.", "399.00", color.RGBA{0x1d, 0x6f, 0xa5, 255}},
	{models.ProductCheckup, "心脑血管深度体检", "Heart and brain check-up", "在基础套餐之上加做心脏彩超、颈动脉超声和同型半胱氨酸。",
		"The basic check plus echocardiography, carotid ultrasound and homocysteine.", "1280.00", color.RGBA{0x8e, 0x2c, 0x4a, 255}},
	{models.ProductMedicine, "维生素 D3 软胶囊 60 粒", "Vitamin D3 soft capsules, 60", "每日一粒，随餐服用。请遵医嘱。",
		"One a day with a meal. Follow your doctor's advice.", "68.00", color.RGBA{0xc2, 0x7c, 0x0e, 255}},
	{models.ProductMedicine, "医用退热贴 6 片", "Cooling gel patches, 6", "物理降温，适用于儿童和成人。",
		"Physical cooling for children and adults.", "25.90", color.RGBA{0x0f, 0x76, 0x6e, 255}},
	{models.ProductDevice, "上臂式电子血压计", "Upper-arm blood pressure monitor", "一键测量，存储 2×90 组数据，附袖带。",
		"One-button measurement, stores 2×90 readings, cuff included.", "259.00", color.RGBA{0x37, 0x41, 0x8c, 255}},
	{models.ProductDevice, "指夹式血氧仪", "Fingertip pulse oximeter", "测量血氧饱和度和脉率，OLED 显示。",
		"Measures oxygen saturation and pulse rate; OLED display.", "129.00", color.RGBA{0x4d, 0x7c, 0x0f, 255}},
	{models.ProductService, "家庭医生年度服务包", "Family doctor, one year", "一年内不限次图文咨询，每季度一次健康评估。",
		"Unlimited messages for a year and a health review every quarter.", "1999.00", color.RGBA{0x6d, 0x28, 0xd9, 255}},
	{models.ProductService, "慢病随访服务（三个月）", "Chronic care follow-up, 3 months", "高血压或糖尿病患者的用药提醒和每月随访。",
		"Medication reminders and monthly follow-up for hypertension or diabetes.", "299.00", color.RGBA{0xb4, 0x23, 0x18, 255}},
}

// demoPNG draws a product tile: its colour with a white cross, 480×320.
func demoPNG(c color.RGBA) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, 480, 320))
	for y := range 320 {
		for x := range 480 {
			shade := c
			shade.R, shade.G, shade.B = lighten(c.R, y), lighten(c.G, y), lighten(c.B, y)
			if (x >= 215 && x < 265 && y >= 100 && y < 220) || (y >= 135 && y < 185 && x >= 180 && x < 300) {
				shade = color.RGBA{255, 255, 255, 255}
			}
			img.SetRGBA(x, y, shade)
		}
	}
	var b bytes.Buffer
	err := png.Encode(&b, img)
	return b.Bytes(), err
}

// lighten fades v toward white down the tile (a gentle vertical gradient).
func lighten(v uint8, y int) uint8 { return uint8(int(v) + (255-int(v))*y/640) }

// seedDemoShop fills the catalogue and gives the demo patients orders in several
// states. It does nothing when the catalogue has products.
func seedDemoShop(ctx context.Context, accounts *models.Accounts, masterKey []byte, out io.Writer) error {
	g := accounts.DB.WithContext(ctx)
	var n int64
	if err := g.Model(&models.Product{}).Count(&n).Error; err != nil || n > 0 {
		return err
	}
	support, err := accounts.FindByLogin(ctx, "support@demo.local")
	if err != nil || support == nil {
		return fmt.Errorf("demo: support staff: %w", err)
	}
	cat := &models.Catalog{DB: accounts.DB, Now: accounts.Now}
	staffActor := models.AuditContext{ActorKind: models.ActorStaff, ActorID: support.ID, RequestID: "demo-seed"}
	ids := make([]int64, len(demoProducts))
	for i, p := range demoProducts {
		id, err := cat.CreateProduct(ctx, support, models.ProductInput{Kind: p.kind, NameZh: p.zh, NameEn: p.en,
			DescriptionZh: p.descZh, DescriptionEn: p.descEn, Price: p.price, Available: true}, staffActor)
		if err != nil {
			return fmt.Errorf("demo: product %s: %w", p.en, err)
		}
		data, err := demoPNG(p.colour)
		if err != nil {
			return err
		}
		if _, err := cat.AddImage(ctx, support, id, data, staffActor); err != nil {
			return fmt.Errorf("demo: image %s: %w", p.en, err)
		}
		ids[i] = id
	}
	sim, err := payment.NewSimulated(masterKey, paths.PaySimulated)
	if err != nil {
		return err
	}
	orders := &models.Orders{DB: accounts.DB, Accounts: accounts, Now: accounts.Now,
		Providers: map[string]payment.Provider{sim.Name(): sim}, Carriers: logistics.Carriers(), ConsigneeCode: models.ConsigneeCodeOff}
	d := demoOrders{ctx: ctx, orders: orders, sim: sim, support: support, staff: staffActor}
	if err := d.forFirstPatient(ctx, accounts, ids); err != nil {
		return err
	}
	second, err := accounts.FindByLogin(ctx, "13800000002")
	if err != nil || second == nil {
		return fmt.Errorf("demo: patient 2: %w", err)
	}
	id, err := d.place(second, []models.CartLine{{ProductID: ids[5], Quantity: 1}},
		models.Consignee{Name: "刘芳", Phone: "13800000002", RegionCode: "310104", Street: "漕溪北路 398 号 12 楼", Postcode: "200030"}, nil)
	if err == nil {
		err = d.pay(id)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Demo shop: %d products; orders for 13800000001 (awaiting payment, paid, shipped, completed, one for a parent) and 13800000002 (paid)\n",
		len(ids))
	return nil
}

// demoOrders places and moves the demo orders through the order domain, as the
// app would (the payment notice is the simulated provider's, applied directly).
type demoOrders struct {
	ctx     context.Context
	orders  *models.Orders
	sim     *payment.Simulated
	support *models.User
	staff   models.AuditContext
	seq     int
}

func (d *demoOrders) forFirstPatient(ctx context.Context, accounts *models.Accounts, ids []int64) error {
	p, err := accounts.FindByLogin(ctx, "13800000001")
	if err != nil || p == nil {
		return fmt.Errorf("demo: patient 1: %w", err)
	}
	home := models.Consignee{Name: "陈晓明", Phone: "13800000001", RegionCode: "110105", Street: "建国路 88 号 3 单元 502", Postcode: "100022"}
	line := func(i, q int) []models.CartLine { return []models.CartLine{{ProductID: ids[i], Quantity: q}} }
	steps := []struct {
		lines []models.CartLine
		to    string
	}{
		{line(2, 2), models.OrderAwaitingPayment},
		{line(4, 1), models.OrderPaid},
		{append(line(3, 3), line(5, 1)...), models.OrderShipped},
		{line(0, 1), models.OrderCompleted},
	}
	for _, s := range steps {
		id, err := d.place(p, s.lines, home, nil)
		if err == nil {
			err = d.advance(p, id, s.to)
		}
		if err != nil {
			return err
		}
	}
	parent := models.Consignee{Name: "陈建国", Phone: "13900000088", RegionCode: "110105", Street: "朝阳北路 6 号院 2 号楼 301", Postcode: "100025"}
	id, err := d.place(p, line(1, 1), parent, &models.OtherAuthorization{Confirmed: true, Relationship: "parent"})
	if err == nil {
		err = d.pay(id)
	}
	return err
}

func (d *demoOrders) place(u *models.User, lines []models.CartLine, c models.Consignee, other *models.OtherAuthorization) (int64, error) {
	in := models.CheckoutInput{IdempotencyKey: models.NewIdempotencyKey(), Lines: lines, Consignee: c, ClientIP: "127.0.0.1"}
	if other != nil {
		in.ForOther, in.Authorization = true, *other
	}
	id, err := d.orders.Checkout(d.ctx, u, in, models.AuditContext{ActorKind: models.ActorPatient, ActorID: u.ID, RequestID: "demo-seed"})
	if err != nil {
		return 0, fmt.Errorf("demo: order: %w", err)
	}
	return id, nil
}

// pay applies a successful simulated payment notice to order id.
func (d *demoOrders) pay(id int64) error {
	var o models.Order
	if err := d.orders.DB.WithContext(d.ctx).First(&o, id).Error; err != nil {
		return err
	}
	d.seq++
	n := payment.Notice{NotificationID: fmt.Sprintf("DEMO-%s-%d", o.OrderNo, d.seq), OrderNo: o.OrderNo,
		ProviderRef: "SIMDEMO" + o.OrderNo, AmountFen: o.TotalFen, Paid: true}
	if err := d.orders.HandlePaymentNotice(d.ctx, d.sim.Name(), n); err != nil {
		return fmt.Errorf("demo: pay: %w", err)
	}
	return nil
}

// advance moves order id of u from awaiting payment to state to.
func (d *demoOrders) advance(u *models.User, id int64, to string) error {
	if to == models.OrderAwaitingPayment {
		return nil
	}
	if err := d.pay(id); err != nil || to == models.OrderPaid {
		return err
	}
	if err := d.orders.Ship(d.ctx, d.support, id, "sf", fmt.Sprintf("SF%010d", 1000000000+id), d.staff); err != nil {
		return fmt.Errorf("demo: ship: %w", err)
	}
	if to == models.OrderShipped {
		return nil
	}
	if err := d.orders.MarkDelivered(d.ctx, d.support, id, d.staff); err != nil {
		return fmt.Errorf("demo: deliver: %w", err)
	}
	return d.orders.ConfirmReceipt(d.ctx, u, id, models.AuditContext{ActorKind: models.ActorPatient, ActorID: u.ID, RequestID: "demo-seed"})
}
