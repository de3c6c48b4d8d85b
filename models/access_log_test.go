package models_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/models"
)

// accessUser stores a bare account of kind (no pages, no keys): the access log
// only needs its id, kind and capabilities.
func accessUser(t *testing.T, g *gorm.DB, kind, caps string) int64 {
	t.Helper()
	u := models.User{Kind: kind, PasswordHash: "x", Status: models.StatusActive, Capabilities: caps, Lang: "zh-CN"}
	if err := g.Create(&u).Error; err != nil {
		t.Fatal(err)
	}
	if kind == models.KindDoctor {
		p := models.DoctorProfile{UserID: u.ID, RealName: "张明", Hospital: "协和医院", Department: "心内科",
			Title: models.TitleChief, LicenceNumber: fmt.Sprintf("%015d", u.ID), Status: "verified"}
		if err := g.Create(&p).Error; err != nil {
			t.Fatal(err)
		}
	}
	return u.ID
}

func logN(t *testing.T, g *gorm.DB, n int, e models.AccessEntry, at time.Time) {
	t.Helper()
	for i := range n {
		e.CreatedAt = at.Add(time.Duration(i) * time.Minute)
		e.ItemID = fmt.Sprint(i + 1)
		if err := models.LogAccess(g, e); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAccessLog(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		pat := accessUser(t, g, models.KindPatient, "")
		other := accessUser(t, g, models.KindPatient, "")
		doc := accessUser(t, g, models.KindDoctor, "")
		staff := accessUser(t, g, models.KindStaff, models.CapPrivacyOfficer)
		cons, emg := int64(42), int64(7)
		day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

		logN(t, g, 5, models.AccessEntry{PatientID: pat, ViewerID: doc, ViewerKind: models.KindDoctor, ItemType: models.ItemDocument,
			ItemCategory: models.CategoryLab, Basis: models.BasisConsultation, BasisID: &cons}, day)
		logN(t, g, 2, models.AccessEntry{PatientID: pat, ViewerID: doc, ViewerKind: models.KindDoctor, ItemType: models.ItemHealthProfile,
			Basis: models.BasisEmergency, BasisID: &emg}, day.Add(24*time.Hour))
		logN(t, g, 1, models.AccessEntry{PatientID: pat, ViewerID: staff, ViewerKind: models.KindStaff, ItemType: models.ItemIdentity,
			Basis: models.BasisDisclosure}, day.Add(48*time.Hour))
		logN(t, g, 3, models.AccessEntry{PatientID: pat, ViewerID: pat, ViewerKind: models.KindPatient, ItemType: models.ItemAccessLog,
			Basis: models.BasisOwner}, day.Add(72*time.Hour))
		logN(t, g, 4, models.AccessEntry{PatientID: other, ViewerID: doc, ViewerKind: models.KindDoctor, ItemType: models.ItemDocument,
			Basis: models.BasisConsultation, BasisID: &cons}, day)

		list := func(f models.AccessFilter, cursor int64, limit int) models.AccessPage {
			t.Helper()
			p, err := models.AccessLog(ctx, g, pat, f, cursor, limit)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range p.Rows {
				if r.PatientID != pat {
					t.Fatalf("another patient's row: %+v", r)
				}
			}
			return p
		}

		// Default: newest first, own reads hidden, viewers resolved.
		all := list(models.AccessFilter{}, 0, 50)
		if len(all.Rows) != 8 || all.Next != 0 {
			t.Fatalf("default: %d rows, next %d", len(all.Rows), all.Next)
		}
		for i := 1; i < len(all.Rows); i++ {
			if all.Rows[i].ID >= all.Rows[i-1].ID {
				t.Fatalf("not newest first at %d", i)
			}
		}
		if v := all.Rows[0].Viewer; v.Kind != models.KindStaff || len(v.Caps) != 1 || v.Caps[0] != models.CapPrivacyOfficer || v.Name != "" {
			t.Errorf("staff viewer: %+v", v)
		}
		if v := all.Rows[1].Viewer; v.Name != "张明" || v.Hospital != "协和医院" || v.Title != models.TitleChief || !all.Rows[1].Emergency {
			t.Errorf("doctor viewer: %+v %+v", v, all.Rows[1].AccessEntry)
		}
		if r := all.Rows[7]; r.ItemCategory != models.CategoryLab || r.BasisID == nil || *r.BasisID != 42 {
			t.Errorf("oldest: %+v", r.AccessEntry)
		}

		// Filters.
		if n := len(list(models.AccessFilter{IncludeOwn: true}, 0, 50).Rows); n != 11 {
			t.Errorf("include own: %d", n)
		}
		own := list(models.AccessFilter{Basis: models.BasisOwner}, 0, 50)
		if len(own.Rows) != 3 || !own.Rows[0].Viewer.Self {
			t.Errorf("own: %d", len(own.Rows))
		}
		if n := len(list(models.AccessFilter{EmergencyOnly: true}, 0, 50).Rows); n != 2 {
			t.Errorf("emergency only: %d", n)
		}
		if n := len(list(models.AccessFilter{ViewerKind: models.KindStaff}, 0, 50).Rows); n != 1 {
			t.Errorf("staff only: %d", n)
		}
		if n := len(list(models.AccessFilter{ViewerKind: models.KindDoctor, Basis: models.BasisConsultation}, 0, 50).Rows); n != 5 {
			t.Errorf("doctor consultation: %d", n)
		}
		if n := len(list(models.AccessFilter{From: day.Add(24 * time.Hour), To: day.Add(48 * time.Hour)}, 0, 50).Rows); n != 2 {
			t.Errorf("date range: %d", n)
		}

		// Pagination: pages of 3 give every row once, in order.
		seen := map[int64]bool{}
		var last int64
		cursor, pages := int64(0), 0
		for {
			p := list(models.AccessFilter{IncludeOwn: true}, cursor, 3)
			pages++
			for _, r := range p.Rows {
				if seen[r.ID] || (last != 0 && r.ID >= last) {
					t.Fatalf("repeat or order broken at %d", r.ID)
				}
				seen[r.ID], last = true, r.ID
			}
			if p.Next == 0 {
				break
			}
			cursor = p.Next
		}
		if len(seen) != 11 || pages != 4 {
			t.Errorf("paged: %d rows in %d pages", len(seen), pages)
		}

		// The other patient sees only their own 4.
		if p, _ := models.AccessLog(ctx, g, other, models.AccessFilter{}, 0, 50); len(p.Rows) != 4 {
			t.Errorf("other patient: %d", len(p.Rows))
		}

		// LogAccess refuses malformed entries.
		for _, bad := range []models.AccessEntry{
			{PatientID: pat, ViewerID: doc, ViewerKind: models.KindDoctor, ItemType: "title", Basis: models.BasisOwner},
			{PatientID: pat, ViewerID: doc, ViewerKind: models.KindDoctor, ItemType: models.ItemDocument, Basis: models.BasisOwner},
			{PatientID: pat, ViewerID: doc, ViewerKind: models.KindDoctor, ItemType: models.ItemDocument, Basis: models.BasisConsultation},
			{PatientID: 0, ViewerID: doc, ViewerKind: models.KindDoctor, ItemType: models.ItemDocument, Basis: models.BasisDisclosure},
		} {
			if err := models.LogAccess(g, bad); err == nil {
				t.Errorf("accepted %+v", bad)
			}
		}
	})
}

// TestAccessLogQueryCount proves the list runs the same number of queries with 10
// and 500 rows from many viewers: one for the rows, one for the viewers.
func TestAccessLogQueryCount(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		pat := accessUser(t, g, models.KindPatient, "")
		var viewers []int64
		for i := range 20 {
			kind := models.KindDoctor
			if i%4 == 0 {
				kind = models.KindStaff
			}
			viewers = append(viewers, accessUser(t, g, kind, models.CapSupport))
		}
		cons := int64(1)
		add := func(n int) {
			err := g.Transaction(func(tx *gorm.DB) error {
				for i := range n {
					v := viewers[i%len(viewers)]
					kind, basis, id := models.KindDoctor, models.BasisConsultation, &cons
					if (i%len(viewers))%4 == 0 {
						kind, basis, id = models.KindStaff, models.BasisDisclosure, nil
					}
					if err := models.LogAccess(tx, models.AccessEntry{PatientID: pat, ViewerID: v, ViewerKind: kind,
						ItemType: models.ItemDocument, ItemID: fmt.Sprint(i), Basis: basis, BasisID: id}); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		cg, counter := dbtest.CountQueries(t, g)
		count := func() (int, int) {
			counter.Reset()
			p, err := models.AccessLog(context.Background(), cg, pat, models.AccessFilter{}, 0, models.MaxAccessPage)
			if err != nil {
				t.Fatal(err)
			}
			return counter.N(), len(p.Rows)
		}
		add(10)
		small, rows := count()
		if rows != 10 {
			t.Fatalf("10 rows expected, got %d", rows)
		}
		add(490)
		big, rows := count()
		if rows != models.MaxAccessPage {
			t.Fatalf("a full page expected, got %d", rows)
		}
		if small != 2 || big != small {
			t.Errorf("queries: %d with 10 rows, %d with 500:\n%s", small, big, counter)
		}
	})
}
