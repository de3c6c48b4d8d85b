package models_test

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/models"
)

// These tests prove the issue-6 pages run a constant number of statements
// whatever the number of rows (counted with dbtest.CountQueries); the plans that
// keep each statement cheap are checked by TestScaleExplain.

// counted returns e's consultation domain on a handle that counts statements.
func (e *consultEnv) counted(t *testing.T) (*models.Consultations, *dbtest.Counter) {
	t.Helper()
	cg, counter := dbtest.CountQueries(t, e.g)
	docs := models.NewDocuments(cg, e.docs.Keys, e.docs.Blobs, e.clock.now, e.docs.Limits)
	hp := models.NewHealthProfiles(cg, e.acc.Keys, e.clock.now)
	return &models.Consultations{DB: cg, Accounts: e.acc, Docs: docs, Health: hp, Now: e.clock.now}, counter
}

// seededDoctor seeds one doctor with perDoctor consultations (sixty patients) on
// g and returns the counted domain and the doctor.
func seededDoctor(t *testing.T, g *gorm.DB, perDoctor int) (*models.Consultations, *dbtest.Counter, *models.User) {
	t.Helper()
	e := newConsultEnv(t, g)
	res := e.seedScale(t, models.ScaleSeed{Patients: 60, Doctors: 1, ConsultationsPerDoctor: perDoctor})
	cs, counter := e.counted(t)
	doctor, err := e.acc.User(context.Background(), res.FirstDoctor)
	if err != nil {
		t.Fatal(err)
	}
	return cs, counter, doctor
}

func shown(q *models.Queue) int {
	n := 0
	for _, it := range q.Items {
		if it.Patient != nil {
			n++
		}
	}
	return n
}

// TestQueueQueryCount: a doctor's queue with one consultation and with sixty (a
// full page, a next cursor, many patients masked) runs the same three statements:
// the counts, the page, the page's identities.
func TestQueueQueryCount(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		cs, counter, doctor := seededDoctor(t, g, 1)
		q, err := cs.Queue(ctx, doctor, models.ConsultationNew, nil)
		one := counter.N()
		if err != nil || len(q.Items) != 1 || shown(q) != 1 || q.Next != nil {
			t.Fatalf("one consultation: %+v %v", q, err)
		}
		if one != 3 {
			t.Errorf("one consultation: %d statements, want 3\n%s", one, counter)
		}
		cs, counter, doctor = seededDoctor(t, dbtest.Open(t, d), 60)
		for _, st := range []string{models.ConsultationNew, models.ConsultationActive} {
			counter.Reset()
			q, err := cs.Queue(ctx, doctor, st, nil)
			if err != nil {
				t.Fatal(err)
			}
			if q.Counts.New+q.Counts.Active+q.Counts.Closed != 60 || shown(q) < 2 {
				t.Fatalf("sixty, %s: counts %+v, %d shown", st, q.Counts, shown(q))
			}
			if st == models.ConsultationActive && (len(q.Items) != models.ConsultationPage || q.Next == nil) {
				t.Fatalf("active: %d items, next %v", len(q.Items), q.Next)
			}
			if counter.N() != one {
				t.Errorf("%s with 60 consultations: %d statements, with 1: %d\n%s", st, counter.N(), one, counter)
			}
		}
	})
}

// TestAccessLogScaleQueryCount: the patient's access log with one row and with
// 300 rows from three doctors runs the same two statements (rows, viewers).
func TestAccessLogScaleQueryCount(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		run := func(g *gorm.DB, rows int) (int, models.AccessPage) {
			e := newConsultEnv(t, g)
			res := e.seedScale(t, models.ScaleSeed{Patients: 1, Doctors: 3, ConsultationsPerDoctor: 1, AccessPerPatient: rows})
			cg, counter := dbtest.CountQueries(t, g)
			p, err := models.AccessLog(context.Background(), cg, res.FirstPatient, models.AccessFilter{}, 0, models.MaxAccessPage)
			if err != nil {
				t.Fatal(err)
			}
			return counter.N(), p
		}
		one, p1 := run(g, 1)
		many, p300 := run(dbtest.Open(t, d), 300)
		if len(p1.Rows) != 1 || len(p300.Rows) != models.MaxAccessPage || p300.Next == 0 {
			t.Fatalf("pages: %d rows, %d rows next %d", len(p1.Rows), len(p300.Rows), p300.Next)
		}
		names := map[string]bool{}
		for _, r := range p300.Rows {
			names[r.Viewer.Name] = r.Viewer.Name != ""
		}
		if len(names) < 2 || names[""] {
			t.Fatalf("viewers not resolved: %v", names)
		}
		if one != 2 || many != one {
			t.Errorf("access log: %d statements with 1 row, %d with 300 (want 2 each)", one, many)
		}
	})
}

// TestClinicConsultationQueryCount: the doctor's consultation page with one
// granted document and with forty (every one decrypted and logged) runs the
// same statements.
func TestClinicConsultationQueryCount(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		run := func(g *gorm.DB, docs int) int {
			e := newConsultEnv(t, g)
			for i := 1; i < docs; i++ { // the env has one lab report already
				if _, err := upload(t, e.docEnv, e.uid, labInput("血常规"), docPDF("lab")); err != nil {
					t.Fatal(err)
				}
			}
			id := e.start(t, models.Scope{Sections: []string{models.SectionAllergies}, Categories: []string{models.CategoryLab}}, 7)
			cs, counter := e.counted(t)
			c, err := cs.ForDoctor(context.Background(), e.doctor, id, "req-count")
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Documents) != docs || c.Profile == nil || c.Patient == nil {
				t.Fatalf("%d documents shown, want %d (profile %v)", len(c.Documents), docs, c.Profile != nil)
			}
			t.Logf("%d documents: %d statements\n%s", docs, counter.N(), counter)
			return counter.N()
		}
		one := run(g, 1)
		if forty := run(dbtest.Open(t, d), 40); forty != one {
			t.Errorf("consultation page: %d statements with 1 document, %d with 40", one, forty)
		}
	})
}
