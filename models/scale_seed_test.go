package models_test

import (
	"context"
	"testing"
	"time"

	otptotp "github.com/pquerna/otp/totp"
	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/models"
)

const scaleTOTP = "JBSWY3DPEHPK3PXP"

// seedScale seeds s on e's database with the env's clock and keys.
func (e *consultEnv) seedScale(t testing.TB, s models.ScaleSeed) *models.ScaleResult {
	t.Helper()
	s.Password, s.TOTPSecret, s.Now = "Demo-Pass-2026", scaleTOTP, e.clock.now()
	res, err := models.SeedScale(context.Background(), e.acc, s)
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	return res
}

func scaleRows(t testing.TB, g *gorm.DB, table, where string, args ...any) int64 {
	t.Helper()
	var n int64
	q := g.Table(table)
	if where != "" {
		q = q.Where(where, args...)
	}
	if err := q.Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSeedScale seeds a small data set and reads it back through the domain: the
// counts, sign-in with password and TOTP, ciphertexts that open (identities in the
// queue, document titles, questions), grants the scoped rule honours, and a second
// run refused.
func TestSeedScale(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newConsultEnv(t, g)
		ctx := context.Background()
		before := map[string]int64{}
		tables := []string{"users", "identities", "doctor_profiles", "documents", "consultations", "consultation_shares",
			"consultation_messages", "consent_records", "access_log"}
		for _, tb := range tables {
			before[tb] = scaleRows(t, g, tb, "")
		}
		var stages []string
		res := e.seedScale(t, models.ScaleSeed{Patients: 50, Doctors: 5, Documents: 500, ConsultationsPerDoctor: 12, AccessPerPatient: 3,
			Progress: func(stage string, done, total int) {
				if done > total {
					t.Errorf("%s: %d of %d", stage, done, total)
				}
				stages = append(stages, stage)
			}})
		if len(stages) == 0 {
			t.Error("no progress reported")
		}
		want := map[string]int64{"users": 55, "identities": 50, "doctor_profiles": 5, "documents": 500, "consultations": 60,
			"consultation_shares": int64(res.Shares), "consultation_messages": int64(res.Messages),
			"consent_records": 55 + 50 + 60, "access_log": 50 * 3}
		for _, tb := range tables {
			if got := scaleRows(t, g, tb, "") - before[tb]; got != want[tb] {
				t.Errorf("%s: %d rows seeded, want %d", tb, got, want[tb])
			}
		}
		if res.Shares < 60*3 || res.Messages == 0 || res.AccessRows != 150 || res.Consents != 165 {
			t.Errorf("result %+v", res)
		}
		for _, st := range models.ConsultationStatuses {
			if scaleRows(t, g, "consultations", "status = ? AND id >= ?", st, 1) == 0 {
				t.Errorf("no %s consultation", st)
			}
		}

		// Sign-in works with the real hash, blind index and sealed TOTP secret.
		actx := models.AuditContext{ActorKind: models.ActorSystem}
		p, err := e.acc.Authenticate(ctx, models.SignIn{Login: models.ScalePatientPhone(7), Password: "Demo-Pass-2026", IP: "192.0.2.1"}, actx)
		if err != nil || p.ID != res.FirstPatient+7 || p.Kind != models.KindPatient {
			t.Fatalf("patient sign-in: %+v %v", p, err)
		}
		d, err := e.acc.Authenticate(ctx, models.SignIn{Login: models.ScaleDoctorPhone(2), Password: "Demo-Pass-2026", IP: "192.0.2.1"}, actx)
		if err != nil || d.ID != res.FirstDoctor+2 || !d.NeedsMFA() {
			t.Fatalf("doctor sign-in: %+v %v", d, err)
		}
		code, _ := otptotp.GenerateCode(scaleTOTP, e.clock.now())
		if err := e.acc.SecondFactor(ctx, d, code, "zh-CN", actx); err != nil {
			t.Fatalf("doctor TOTP: %v", err)
		}
		if st, err := models.DoctorStatus(ctx, g, d.ID); err != nil || st != models.DoctorVerified {
			t.Fatalf("doctor status %q %v", st, err)
		}

		// The queue opens every question's and identity's ciphertext.
		q, err := e.cs.Queue(ctx, d, models.ConsultationNew, nil)
		if err != nil || len(q.Items) == 0 || q.Counts.New+q.Counts.Active+q.Counts.Closed != 12 {
			t.Fatalf("queue %+v %v", q, err)
		}
		if it := q.Items[0]; it.Patient == nil || []rune(it.Patient.Name)[1] != '*' || it.Patient.Age < 18 {
			t.Fatalf("masked patient %+v", it.Patient)
		}
		// A grant of an active consultation lets the doctor read, through the scoped
		// rule, the shared documents (titles open).
		var c models.Consultation
		if err := g.Where("doctor_id = ? AND status = ? AND grant_revoked_at IS NULL", d.ID, models.ConsultationActive).
			Order("id").Take(&c).Error; err != nil {
			t.Fatal(err)
		}
		cc, err := e.cs.ForDoctor(ctx, d, c.ID, "req-scale")
		if err != nil || cc.Question == "" || len(cc.Messages) == 0 || !cc.GrantActive || len(cc.Documents) == 0 {
			t.Fatalf("consultation %+v %v", cc, err)
		}
		for _, doc := range cc.Documents {
			if doc.Title == "" || doc.Hospital == "" {
				t.Fatalf("document did not open: %+v", doc)
			}
		}
		// The patient's own list opens too, and their access log lists the doctor.
		own, err := e.docs.List(ctx, models.DocumentReader{UserID: c.PatientID}, models.DocumentQuery{})
		if err != nil || len(own.Items) != 10 || own.Items[0].Title == "" {
			t.Fatalf("own documents %+v %v", own, err)
		}
		log, err := models.AccessLog(ctx, g, c.PatientID, models.AccessFilter{}, 0, 10)
		if err != nil || len(log.Rows) == 0 || log.Rows[0].Viewer.Name == "" {
			t.Fatalf("access log %+v %v", log, err)
		}

		if _, err := models.SeedScale(ctx, e.acc, models.ScaleSeed{Patients: 1, Doctors: 1, Password: "x", TOTPSecret: scaleTOTP,
			Now: time.Now()}); err == nil {
			t.Fatal("second seed accepted")
		}
	})
}
