package models_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	otptotp "github.com/pquerna/otp/totp"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

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

// sqlCapture is a GORM logger that keeps every statement with its arguments
// interpolated, so the exact queries the domain ran can be EXPLAINed.
type sqlCapture struct {
	logger.Interface
	mu  sync.Mutex
	sql []string
}

func (c *sqlCapture) Trace(_ context.Context, _ time.Time, fc func() (string, int64), _ error) {
	s, _ := fc()
	c.mu.Lock()
	c.sql = append(c.sql, s)
	c.mu.Unlock()
}

func (c *sqlCapture) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.sql
	c.sql = nil
	return out
}

// bigTables are the tables that grow with patients; a full scan of one is a bug.
var bigTables = []string{"users", "identities", "documents", "consultations", "consultation_shares", "consultation_messages",
	"consent_records", "access_log", "health_profiles", "document_files"}

// TestScaleExplain seeds a data set on a scratch MySQL database (PORTAL_SCALE=full:
// 10,000 patients, 200 doctors, 200,000 documents; otherwise a tenth), runs the
// doctor's queue, the patient's access log and the doctor's consultation page,
// and prints the EXPLAIN of every SELECT they ran to $PORTAL_SCALE_EXPLAIN (see
// scripts/explain-scale.sh). It fails on a full scan of a big table. Skipped
// unless PORTAL_SCALE_EXPLAIN is set: it takes minutes.
func TestScaleExplain(t *testing.T) {
	outPath := os.Getenv("PORTAL_SCALE_EXPLAIN")
	if outPath == "" {
		t.Skip("set PORTAL_SCALE_EXPLAIN=FILE (scripts/explain-scale.sh)")
	}
	g := dbtest.Open(t, db.MySQL)
	e := newConsultEnv(t, g)
	ctx := context.Background()
	s := models.ScaleSeed{Patients: 1000, Doctors: 20, Documents: 20000, ConsultationsPerDoctor: 50, AccessPerPatient: 20}
	if os.Getenv("PORTAL_SCALE") == "full" {
		s.Patients, s.Doctors, s.Documents = 10000, 200, 200000
	}
	started := time.Now()
	res := e.seedScale(t, s)
	seeded := time.Since(started)
	for _, tb := range bigTables {
		if err := g.Exec("ANALYZE TABLE " + tb).Error; err != nil {
			t.Fatal(err)
		}
	}
	capture := &sqlCapture{Interface: logger.Discard}
	cg := g.Session(&gorm.Session{Logger: capture})
	cs := &models.Consultations{DB: cg, Accounts: e.acc, Now: e.clock.now,
		Docs:   models.NewDocuments(cg, e.docs.Keys, e.docs.Blobs, e.clock.now, e.docs.Limits),
		Health: models.NewHealthProfiles(cg, e.acc.Keys, e.clock.now)}
	doctor, err := e.acc.User(ctx, res.FirstDoctor)
	if err != nil {
		t.Fatal(err)
	}
	var c models.Consultation
	if err := g.Where("doctor_id = ? AND status = ? AND grant_revoked_at IS NULL", doctor.ID, models.ConsultationActive).
		Order("id").Take(&c).Error; err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	fmt.Fprintf(&out, "EXPLAIN of the issue-6 hot queries on MariaDB/MySQL after seed-scale (%d patients, %d doctors, %d documents, %d consultations, %d shares, %d access-log rows; seeded in %s)\n",
		res.Patients, res.Doctors, res.Documents, res.Consultations, res.Shares, res.AccessRows, seeded.Round(time.Second))
	var version string
	g.Raw("SELECT VERSION()").Scan(&version)
	fmt.Fprintf(&out, "Server %s. Doctor %d, patient %d, consultation %d.\n", version, doctor.ID, c.PatientID, c.ID)
	steps := []struct {
		name string
		run  func() error
	}{
		{"Consultations.Queue (doctor's queue, status new)", func() error {
			_, err := cs.Queue(ctx, doctor, models.ConsultationNew, nil)
			return err
		}},
		{"Consultations.Queue (status active, from a keyset cursor)", func() error {
			q, err := cs.Queue(ctx, doctor, models.ConsultationActive, nil)
			if err != nil || len(q.Items) < 2 {
				return fmt.Errorf("active queue: %d items, %v", len(q.Items), err)
			}
			capture.take()
			mid := q.Items[len(q.Items)/2]
			_, err = cs.Queue(ctx, doctor, models.ConsultationActive, &models.ConsultationCursor{At: mid.UpdatedAt, ID: mid.ID})
			return err
		}},
		{"AccessLog (patient's who-viewed-my-data page)", func() error {
			_, err := models.AccessLog(ctx, cg, c.PatientID, models.AccessFilter{}, 0, models.MaxAccessPage)
			return err
		}},
		{"Consultations.ForDoctor (doctor's consultation page: grantedSections, grantedDocuments)", func() error {
			_, err := cs.ForDoctor(ctx, doctor, c.ID, "explain")
			return err
		}},
	}
	for _, st := range steps {
		capture.take()
		if err := st.run(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		fmt.Fprintf(&out, "\n=== %s\n", st.name)
		for _, q := range capture.take() {
			if !strings.HasPrefix(strings.TrimSpace(q), "SELECT") {
				continue
			}
			fmt.Fprintf(&out, "\n%s\n", q)
			for _, line := range explain(t, g, q) {
				fmt.Fprintln(&out, line)
				f := strings.Split(line, " | ")
				if len(f) > 3 && f[3] == "ALL" && slices.Contains(bigTables, f[2]) {
					t.Errorf("full scan of %s in %s:\n%s", f[2], st.name, q)
				}
			}
		}
	}
	if err := os.WriteFile(outPath, []byte(out.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", outPath)
}

// explain returns MySQL's EXPLAIN of q, a header and one " | "-joined line a row.
func explain(t *testing.T, g *gorm.DB, q string) []string {
	t.Helper()
	rows, err := g.Raw("EXPLAIN " + q).Rows()
	if err != nil {
		t.Fatalf("explain: %v\n%s", err, q)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	out := []string{strings.Join(cols, " | ")}
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		f := make([]string, len(cols))
		for i, v := range vals {
			f[i] = v.String
			if !v.Valid {
				f[i] = "NULL"
			}
		}
		out = append(out, strings.Join(f, " | "))
	}
	return out
}
