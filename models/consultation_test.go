package models_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/models"
)

// consultEnv is the documents env plus health profiles, consultations and two
// verified doctors.
type consultEnv struct {
	*docEnv
	hp       *models.HealthProfiles
	cs       *models.Consultations
	patient  *models.User
	doctor   *models.User
	doctor2  *models.User
	lab, rec int64 // two documents of the patient: a lab report and a record
}

func newConsultEnv(t *testing.T, g *gorm.DB) *consultEnv {
	t.Helper()
	e := &consultEnv{docEnv: newDocEnv(t, g)}
	e.consents.Effects = append(e.consents.Effects, models.EndGrantsOnHealthWithdrawal)
	e.hp = models.NewHealthProfiles(g, e.acc.Keys, e.clock.now)
	e.cs = &models.Consultations{DB: g, Accounts: e.acc, Docs: e.docs, Health: e.hp, Now: e.clock.now}
	ctx := context.Background()
	var err error
	if e.patient, err = e.acc.User(ctx, e.uid); err != nil {
		t.Fatal(err)
	}
	for _, d := range []**models.User{&e.doctor, &e.doctor2} {
		if *d, err = e.acc.User(ctx, accessUser(t, g, models.KindDoctor, "")); err != nil {
			t.Fatal(err)
		}
	}
	in := sampleProfile()
	if _, _, err := e.hp.Save(ctx, e.patient, in, patientActor); err != nil {
		t.Fatal(err)
	}
	if e.lab, err = upload(t, e.docEnv, e.uid, labInput("血常规"), docPDF("lab")); err != nil {
		t.Fatal(err)
	}
	rec := labInput("门诊病历")
	rec.Category = models.CategoryRecord
	if e.rec, err = upload(t, e.docEnv, e.uid, rec, docPDF("record")); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *consultEnv) start(t *testing.T, scope models.Scope, days int) int64 {
	t.Helper()
	id, err := e.cs.Start(context.Background(), e.patient, models.StartInput{DoctorID: e.doctor.ID, Question: "胸闷两周", Scope: scope, ShareDays: days}, webCC, patientActor)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	return id
}

// sees is what doctor d can read under consultation id right now: profile sections
// and document ids (through the scoped reads).
func (e *consultEnv) sees(t *testing.T, d *models.User, id int64) (sections []string, docs []int64) {
	t.Helper()
	ctx := context.Background()
	_, sections, err := e.hp.ForDoctor(ctx, d, models.ConsultationBasis(id), "req")
	if err != nil && !models.IsNotFound(err) {
		t.Fatal(err)
	}
	r := models.DocumentReader{UserID: d.ID, Basis: models.ConsultationBasis(id), At: e.clock.now(), RequestID: "req"}
	list, err := e.docs.List(ctx, r, models.DocumentQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range list.Items {
		docs = append(docs, v.ID)
	}
	for _, docID := range []int64{e.lab, e.rec} {
		_, err := e.docs.Get(ctx, r, docID)
		if got := err == nil; got != slices.Contains(docs, docID) {
			t.Fatalf("Get(%d) = %v but list = %v", docID, err, docs)
		}
	}
	return sections, docs
}

// policy: C2.2.2-5, C4.1-5 — a doctor sees exactly the granted items, only while
// the grant is active, and every read is in the patient's access log.
func TestConsultationGrantScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newConsultEnv(t, g)
		ctx := context.Background()
		id := e.start(t, models.Scope{Sections: []string{models.SectionAllergies}, DocumentIDs: []int64{e.lab}}, 7)

		secs, docs := e.sees(t, e.doctor, id)
		if !slices.Equal(secs, []string{models.SectionAllergies}) || !slices.Equal(docs, []int64{e.lab}) {
			t.Fatalf("granted doctor sees %v %v", secs, docs)
		}
		p, _, err := e.hp.ForDoctor(ctx, e.doctor, models.ConsultationBasis(id), "req")
		if err != nil || len(p.Data.Allergies) != 1 || len(p.Data.Diagnoses) != 0 || p.Data.PastHistory != "" || p.Data.Height != 0 {
			t.Fatalf("profile beyond scope: %+v %v", p, err)
		}
		// Another doctor, naming the same consultation, sees nothing.
		if secs, docs := e.sees(t, e.doctor2, id); len(secs)+len(docs) != 0 {
			t.Fatalf("other doctor sees %v %v", secs, docs)
		}
		// Every read so far is logged against the patient, by the granted doctor only.
		page, err := models.AccessLog(ctx, g, e.uid, models.AccessFilter{}, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Rows) == 0 {
			t.Fatal("no access-log rows")
		}
		for _, r := range page.Rows {
			if r.ViewerID != e.doctor.ID || r.Basis != models.BasisConsultation || *r.BasisID != id {
				t.Fatalf("unexpected log row %+v", r.AccessEntry)
			}
		}

		// Scope change: the whole record category instead; effective at once.
		if err := e.cs.ChangeScope(ctx, e.patient, id, models.Scope{Categories: []string{models.CategoryRecord}}, webCC, patientActor); err != nil {
			t.Fatal(err)
		}
		if secs, docs := e.sees(t, e.doctor, id); len(secs) != 0 || !slices.Equal(docs, []int64{e.rec}) {
			t.Fatalf("after change: %v %v", secs, docs)
		}

		// Revocation: nothing on the next read.
		if err := e.cs.Revoke(ctx, e.patient, id, webCC, patientActor); err != nil {
			t.Fatal(err)
		}
		if secs, docs := e.sees(t, e.doctor, id); len(secs)+len(docs) != 0 {
			t.Fatalf("after revoke: %v %v", secs, docs)
		}
		if ok, err := models.HasConsent(ctx, g, e.uid, models.PurposeDoctorSharing, models.ConsultationScopeKey(id)); err != nil || ok {
			t.Fatalf("revocation not recorded as a withdrawn consent: %v %v", ok, err)
		}
	})
}

// policy: C2.2.2-5 — the window after close, with a controllable clock.
func TestConsultationGrantExpires(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newConsultEnv(t, g)
		ctx := context.Background()
		id := e.start(t, models.Scope{Categories: []string{models.CategoryLab}}, 3)
		e.clock.advance(30 * 24 * time.Hour) // open consultations keep the grant
		if _, docs := e.sees(t, e.doctor, id); !slices.Equal(docs, []int64{e.lab}) {
			t.Fatalf("open consultation: %v", docs)
		}
		if err := e.cs.Close(ctx, e.doctor, id, "多喝水，复查血常规", patientActor); err != nil {
			t.Fatal(err)
		}
		e.clock.advance(3*24*time.Hour - time.Minute)
		if _, docs := e.sees(t, e.doctor, id); !slices.Equal(docs, []int64{e.lab}) {
			t.Fatalf("inside the window: %v", docs)
		}
		e.clock.advance(2 * time.Minute)
		if _, docs := e.sees(t, e.doctor, id); len(docs) != 0 {
			t.Fatalf("after the window: %v", docs)
		}
		if err := e.cs.ChangeScope(ctx, e.patient, id, models.Scope{Categories: []string{models.CategoryLab}}, webCC, patientActor); !isKind(err, models.KindConflict) {
			t.Fatalf("scope change of an ended grant: %v", err)
		}
	})
}

// policy: C2.2.3-4, C2.2.2-5 — withdrawing the health-information consent ends every
// grant from that moment.
func TestConsultationEndsOnHealthWithdrawal(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newConsultEnv(t, g)
		id := e.start(t, models.Scope{Sections: models.ProfileSections, Categories: models.DocumentCategories}, 7)
		if secs, docs := e.sees(t, e.doctor, id); len(secs) != 4 || len(docs) != 2 {
			t.Fatalf("before: %v %v", secs, docs)
		}
		change(t, e.consents, e.uid, models.PurposeHealthData, false)
		if secs, docs := e.sees(t, e.doctor, id); len(secs)+len(docs) != 0 {
			t.Fatalf("after withdrawal: %v %v", secs, docs)
		}
		var c models.Consultation
		if err := g.First(&c, id).Error; err != nil || c.GrantRevokedAt == nil {
			t.Fatalf("grant not ended by the withdrawal effect: %+v %v", c, err)
		}
	})
}

// A start with bad input stores nothing and names the fields.
func TestConsultationStartValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newConsultEnv(t, g)
		ctx := context.Background()
		other := e.patient2(t)
		_, err := e.cs.Start(ctx, e.patient, models.StartInput{DoctorID: e.doctor.ID, Question: " ", ShareDays: 5,
			Scope: models.Scope{Sections: []string{"genome"}, DocumentIDs: []int64{other}}}, webCC, patientActor)
		fe := models.FieldErrors(err)
		for _, f := range []string{"question", "share_days", "scope"} {
			if fe[f] == nil {
				t.Errorf("no error on %s: %v", f, err)
			}
		}
		_, err = e.cs.Start(ctx, e.patient, models.StartInput{DoctorID: e.patient.ID, Question: "x", ShareDays: 7}, webCC, patientActor)
		if !models.IsNotFound(err) {
			t.Errorf("a patient as doctor: %v", err)
		}
		if n := countRows(t, g, "consultations", "1 = 1"); n != 0 {
			t.Fatalf("%d consultations stored", n)
		}
	})
}

func (e *consultEnv) patient2(t *testing.T) int64 {
	t.Helper()
	uid := e.docEnv.patient(t, "13900000078")
	id, err := upload(t, e.docEnv, uid, labInput("他人"), docPDF("other"))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func isKind(err error, k models.Kind) bool {
	var me *models.Error
	return errors.As(err, &me) && me.Kind == k
}
