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

// directoryDoctor creates a doctor account with profile p (status defaulting to
// verified) and returns its ID.
func directoryDoctor(t *testing.T, e *doctorEnv, phone string, p models.DoctorProfile) int64 {
	t.Helper()
	if p.Status == "" {
		p.Status = models.DoctorVerified
	}
	if p.Title == "" {
		p.Title = models.TitleAttending
	}
	p.LicenceNumber = "110101199001011"
	u, err := e.acc.CreateAccount(context.Background(), models.NewAccount{Kind: models.KindDoctor, Phone: phone, Doctor: &p},
		models.AuditContext{ActorKind: models.ActorSystem})
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func directoryIDs(rows []models.DirectoryDoctor) []int64 {
	var ids []int64
	for _, r := range rows {
		ids = append(ids, r.UserID)
	}
	return ids
}

// The search box matches name, hospital, department and specialty; the filters
// match exactly; unverified doctors and locked accounts never appear; wildcards in
// the query are literal.
func TestDirectorySearch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newDoctorEnv(t, g)
		ctx := context.Background()
		zhang := directoryDoctor(t, e, "13600000001", models.DoctorProfile{RealName: "张明", Hospital: "协和医院", Department: "心内科", Specialty: "高血压"})
		li := directoryDoctor(t, e, "13600000002", models.DoctorProfile{RealName: "李华", Hospital: "人民医院", Department: "儿科", Specialty: "哮喘 100%"})
		wang := directoryDoctor(t, e, "13600000003", models.DoctorProfile{RealName: "王芳", Hospital: "协和医院", Department: "儿科", Specialty: "新生儿"})
		for i, st := range []string{models.DoctorPending, models.DoctorRejected, models.DoctorSuspended} {
			directoryDoctor(t, e, fmt.Sprintf("1360000010%d", i), models.DoctorProfile{RealName: "张隐藏", Hospital: "协和医院", Department: "心内科", Specialty: "高血压", Status: st})
		}
		locked := directoryDoctor(t, e, "13600000200", models.DoctorProfile{RealName: "张锁定", Hospital: "协和医院", Department: "心内科"})
		if err := g.Model(&models.User{}).Where("id = ?", locked).Update("status", models.StatusLocked).Error; err != nil {
			t.Fatal(err)
		}

		cases := []struct {
			s    models.DirectorySearch
			want []int64
		}{
			{models.DirectorySearch{}, []int64{zhang, li, wang}}, // ordered by name (as the database collates)
			{models.DirectorySearch{Q: "张"}, []int64{zhang}},
			{models.DirectorySearch{Q: "协和"}, []int64{zhang, wang}},
			{models.DirectorySearch{Q: "儿科"}, []int64{li, wang}},
			{models.DirectorySearch{Q: "  新生  "}, []int64{wang}},
			{models.DirectorySearch{Q: "%"}, []int64{li}},
			{models.DirectorySearch{Q: "_"}, nil},
			{models.DirectorySearch{Department: "儿科"}, []int64{li, wang}},
			{models.DirectorySearch{Department: "儿"}, nil},
			{models.DirectorySearch{Hospital: "协和医院", Department: "儿科"}, []int64{wang}},
			{models.DirectorySearch{Q: "高血压", Hospital: "人民医院"}, nil},
		}
		for _, c := range cases {
			rows, next, err := models.SearchDirectory(ctx, g, c.s)
			if err != nil {
				t.Fatal(err)
			}
			got := directoryIDs(rows)
			if c.s.Q == "" && c.s.Department == "" && c.s.Hospital == "" {
				// the order is the database's; only the set is fixed here
				if len(got) != 3 {
					t.Errorf("all: %v, want the three verified", got)
				}
				continue
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) && !(len(got) == 2 && len(c.want) == 2 && got[0] == c.want[1] && got[1] == c.want[0]) {
				t.Errorf("%+v: %v, want %v", c.s, got, c.want)
			}
			if next != nil {
				t.Errorf("%+v: a next page of nothing", c.s)
			}
		}

		card, err := models.DirectoryDoctorByID(ctx, g, wang)
		if err != nil || card.RealName != "王芳" || card.Specialty != "新生儿" || card.Title != models.TitleAttending {
			t.Fatalf("card: %+v, %v", card, err)
		}
		var hidden []int64
		g.Model(&models.DoctorProfile{}).Where("status <> ?", models.DoctorVerified).Pluck("user_id", &hidden)
		for _, id := range append(hidden, locked, 999999) {
			if _, err := models.DirectoryDoctorByID(ctx, g, id); !models.IsNotFound(err) {
				t.Errorf("doctor %d: %v, want not found", id, err)
			}
		}
	})
}

// Paging by (real_name, user_id) returns every verified doctor exactly once, in
// the database's order, with equal names split across pages; each page is one
// statement whatever the number of rows.
func TestDirectoryPagination(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newDoctorEnv(t, g)
		ctx := context.Background()
		want := map[int64]bool{}
		for i := range 47 {
			name := fmt.Sprintf("医生%02d", i%9) // many equal names
			id := directoryDoctor(t, e, fmt.Sprintf("136%08d", i), models.DoctorProfile{RealName: name, Hospital: "医院", Department: "科室"})
			want[id] = true
		}
		directoryDoctor(t, e, "13700000000", models.DoctorProfile{RealName: "医生00", Hospital: "医院", Department: "科室", Status: models.DoctorPending})

		cg, n := dbtest.CountQueries(t, g)
		seen := map[int64]bool{}
		var prev *models.DirectoryDoctor
		var after *models.DirectoryCursor
		pages := 0
		for ; ; pages++ {
			if pages > 5 {
				t.Fatal("pagination does not end")
			}
			n.Reset()
			rows, next, err := models.SearchDirectory(ctx, cg, models.DirectorySearch{After: after})
			if err != nil {
				t.Fatal(err)
			}
			if n.N() != 1 {
				t.Errorf("page %d ran %d statements, want 1:\n%s", pages, n.N(), n)
			}
			if len(rows) > models.DirectoryPage {
				t.Fatalf("page of %d", len(rows))
			}
			for i := range rows {
				r := rows[i]
				if seen[r.UserID] {
					t.Errorf("doctor %d repeated", r.UserID)
				}
				seen[r.UserID] = true
				if prev != nil && prev.RealName == r.RealName && prev.UserID > r.UserID {
					t.Errorf("equal names out of ID order: %d then %d", prev.UserID, r.UserID)
				}
				prev = &r
			}
			if next == nil {
				break
			}
			after = models.ParseDirectoryCursor(next.String()) // through the URL form
			if after == nil || *after != *next {
				t.Fatalf("cursor %q does not round-trip", next.String())
			}
		}
		if pages != 2 || len(seen) != len(want) {
			t.Errorf("%d pages, %d doctors; want 3 pages and %d", pages+1, len(seen), len(want))
		}
		for id := range want {
			if !seen[id] {
				t.Errorf("doctor %d never listed", id)
			}
		}
		for _, bad := range []string{"", "junk", "0.YQ", "-1.YQ", "5.!!", "5"} {
			if models.ParseDirectoryCursor(bad) != nil {
				t.Errorf("cursor %q should read as the first page", bad)
			}
		}
	})
}
