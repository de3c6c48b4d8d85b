package models_test

import (
	"bytes"
	"context"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/keys"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/models"
)

// healthEnv is the health-profile domain on g with the real keyring, the consent
// domain beside it, and one patient.
type healthEnv struct {
	g        *gorm.DB
	hp       *models.HealthProfiles
	consents *models.Consents
	accounts *models.Accounts
	clock    *fixtureClock
	patient  *models.User
}

func newHealthEnv(t *testing.T, g *gorm.DB) *healthEnv {
	t.Helper()
	c, a, _, clock := consentsFixture(t, g)
	return &healthEnv{g: g, hp: models.NewHealthProfiles(g, a.Keys, clock.now), consents: c, accounts: a, clock: clock,
		patient: newPatient(t, a, "13900005001", "")}
}

func (e *healthEnv) actor(u *models.User) models.AuditContext {
	return models.AuditContext{ActorKind: models.ActorPatient, ActorID: u.ID, RequestID: "req-health"}
}

// save stores in as u's next version and fails the test on any error.
func (e *healthEnv) save(t *testing.T, u *models.User, in models.HealthProfileInput) int {
	t.Helper()
	v, _, err := e.hp.Save(context.Background(), u, in, e.actor(u))
	if err != nil {
		t.Fatalf("save: %v", err)
	}
	return v
}

func (e *healthEnv) rows(t *testing.T) int64 { return countRows(t, e.g, "health_profiles", "1 = 1") }

func sampleProfile() models.HealthProfileInput {
	return models.HealthProfileInput{
		Diagnoses: []models.Diagnosis{{Name: "高血压", Date: "2019-05-01", Status: "chronic"}, {}},
		Allergies: []models.Allergy{{Substance: "青霉素", Reaction: "皮疹", Severity: "moderate"}},
		Height:    "170.5", Weight: "65", MaritalStatus: "married",
		PastHistory: "2015年阑尾切除术", PersonalHistory: "不吸烟", MaritalHistory: "已婚，育有一子", FamilyHistory: "父亲有糖尿病",
	}
}

// Every rule of the form, all problems reported at once under their fields, and
// nothing stored (no row, no audit row) when any is broken.
func TestHealthProfileValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		e := newHealthEnv(t, g)
		change(t, e.consents, e.patient.ID, models.PurposeHealthData, true)
		tomorrow := time.Now().In(models.ChinaTime).AddDate(0, 0, 2).Format("2006-01-02")
		in := models.HealthProfileInput{
			Diagnoses: []models.Diagnosis{
				{Name: "ok", Status: "active"},                               // 0: fine
				{Name: "", Date: "2020-01-01", Status: "active"},             // 1: no name
				{Name: strings.Repeat("病", 101), Status: "resolved"},         // 2: too long
				{Name: "x", Date: tomorrow, Status: "active"},                // 3: future date
				{Name: "x", Date: "2020-02-30", Status: "chronic"},           // 4: not a date
				{Name: "x", Status: "cured"},                                 // 5: unknown status
				{},                                                           // 6: blank, dropped
				{Name: "tab\tname", Status: "active"},                        // 7: control character
				{Name: "x", Date: "1899-12-31", Status: "active"},            // 8: too old
				{Name: strings.Repeat("病", 100), Date: "", Status: "active"}, // 9: 100 is fine
			},
			Allergies: []models.Allergy{
				{Substance: "", Reaction: "rash", Severity: "mild"},                    // 0: no substance
				{Substance: "x", Reaction: strings.Repeat("r", 201), Severity: "mild"}, // 1: reaction too long
				{Substance: "x", Severity: "deadly"},                                   // 2: unknown severity
				{Substance: "x", Severity: "severe"},                                   // 3: fine without reaction
			},
			Height: "250.1", Weight: "0.5", MaritalStatus: "complicated",
			PastHistory: strings.Repeat("史", 2001), PersonalHistory: "ok\nline two", MaritalHistory: "bell\a",
			FamilyHistory: strings.Repeat("家", 2000),
		}
		_, _, err := e.hp.Save(context.Background(), e.patient, in, e.actor(e.patient))
		want := map[string]string{
			"dx-1-name": "health.diagnosis.name.invalid", "dx-2-name": "health.diagnosis.name.invalid",
			"dx-3-date": "health.diagnosis.date.future", "dx-4-date": "health.diagnosis.date.invalid",
			"dx-5-status": "health.diagnosis.status.invalid", "dx-7-name": "health.diagnosis.name.invalid",
			"dx-8-date":       "health.diagnosis.date.invalid",
			"al-0-substance":  "health.allergy.substance.invalid",
			"al-1-reaction":   "health.allergy.reaction.invalid",
			"al-2-severity":   "health.allergy.severity.invalid",
			"height":          "health.height.invalid",
			"weight":          "health.weight.invalid",
			"marital_status":  "health.marital_status.invalid",
			"past_history":    "health.history.invalid",
			"marital_history": "health.history.invalid",
		}
		got := map[string]string{}
		for f, fe := range models.FieldErrors(err) {
			got[f] = fe.Key
		}
		if !mapsEqual(got, want) {
			t.Errorf("field errors:\n got %v\nwant %v", got, want)
		}
		if k, _ := models.KindOf(err); k != models.KindInvalid {
			t.Errorf("kind %v", k)
		}
		if n := e.rows(t); n != 0 {
			t.Errorf("%d rows stored from a refused form", n)
		}
		if n := auditCount(t, g, models.AuditHealthProfileUpdate, models.OutcomeSuccess); n != 0 {
			t.Errorf("%d audit rows for a refused form", n)
		}

		// Measures: one decimal, the bounds themselves, full-width input, a decimal comma.
		for _, c := range []struct {
			height, weight string
			ok             bool
		}{
			{"30", "1", true}, {"250", "400", true}, {"250.0", "400.0", true}, {"１７０．５", "65,5", true},
			{"29.9", "1", false}, {"170", "400.1", false}, {"170.55", "60", false}, {"170", "-1", false},
			{"abc", "60", false}, {"1e2", "60", false}, {"170", "0.9", false},
		} {
			_, err := models.CleanHealthProfile(models.HealthProfileInput{Height: c.height, Weight: c.weight}, time.Now())
			if (err == nil) != c.ok {
				t.Errorf("height %q weight %q: err %v, want ok=%v", c.height, c.weight, err, c.ok)
			}
		}
		// More rows than allowed.
		many := models.HealthProfileInput{}
		for range models.MaxHealthRows + 1 {
			many.Diagnoses = append(many.Diagnoses, models.Diagnosis{Name: "x", Status: "active"})
			many.Allergies = append(many.Allergies, models.Allergy{Substance: "x", Severity: "mild"})
		}
		fe := models.FieldErrors(func() error { _, err := models.CleanHealthProfile(many, time.Now()); return err }())
		if fe["diagnoses"] == nil || fe["allergies"] == nil {
			t.Errorf("too many rows: %v", fe)
		}
	})
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// Each save is a new version and keeps the previous one: the history lists them
// newest first, an old version reads back as it was, saving the same again adds
// nothing, and a form opened on an older version is refused as stale. The audit
// rows name the version and the changed sections, never a value.
func TestHealthProfileVersionsAndHistory(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		e := newHealthEnv(t, g)
		change(t, e.consents, e.patient.ID, models.PurposeHealthData, true)

		cur, err := e.hp.HealthProfile(ctx, e.patient, e.patient.ID)
		if err != nil || cur.Version != 0 || !cur.Data.Empty() {
			t.Fatalf("before any save: %+v %v", cur, err)
		}
		in := sampleProfile()
		if v := e.save(t, e.patient, in); v != 1 {
			t.Fatalf("first version %d", v)
		}
		e.clock.advance(time.Hour)
		in.BaseVersion = 1
		in.Weight = "63.5"
		in.Diagnoses = append(in.Diagnoses, models.Diagnosis{Name: "2型糖尿病", Status: "active"})
		if v := e.save(t, e.patient, in); v != 2 {
			t.Fatalf("second version %d", v)
		}
		in.BaseVersion = 2
		if v, changed, err := e.hp.Save(ctx, e.patient, in, e.actor(e.patient)); err != nil || changed || v != 2 {
			t.Errorf("saving the same again: v%d changed=%v %v", v, changed, err)
		}
		in.BaseVersion = 1
		in.Weight = "70"
		_, _, err = e.hp.Save(ctx, e.patient, in, e.actor(e.patient))
		wantErrKey(t, err, models.KindConflict, "health.profile.stale")
		if n := e.rows(t); n != 2 {
			t.Fatalf("%d rows, want 2", n)
		}

		cur, err = e.hp.HealthProfile(ctx, e.patient, e.patient.ID)
		if err != nil {
			t.Fatal(err)
		}
		if cur.Version != 2 || cur.Data.Weight != 635 || len(cur.Data.Diagnoses) != 2 || cur.Data.Diagnoses[1].Name != "2型糖尿病" ||
			cur.CreatedBy != e.patient.ID {
			t.Errorf("current: %+v", cur)
		}
		list, more, err := e.hp.HealthProfileHistory(ctx, e.patient, e.patient.ID)
		if err != nil || more || len(list) != 2 || list[0].Version != 2 || list[1].Version != 1 || !list[0].CreatedAt.After(list[1].CreatedAt) {
			t.Fatalf("history: %+v %v %v", list, more, err)
		}
		v1, err := e.hp.HealthProfileVersion(ctx, e.patient, e.patient.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		want := models.HealthData{
			Diagnoses: []models.Diagnosis{{Name: "高血压", Date: "2019-05-01", Status: "chronic"}},
			Allergies: []models.Allergy{{Substance: "青霉素", Reaction: "皮疹", Severity: "moderate"}},
			Height:    1705, Weight: 650, MaritalStatus: "married",
			PastHistory: "2015年阑尾切除术", PersonalHistory: "不吸烟", MaritalHistory: "已婚，育有一子", FamilyHistory: "父亲有糖尿病",
		}
		if !healthDataEqual(v1.Data, want) {
			t.Errorf("version 1:\n got %+v\nwant %+v", v1.Data, want)
		}
		if _, err := e.hp.HealthProfileVersion(ctx, e.patient, e.patient.ID, 3); !models.IsNotFound(err) {
			t.Errorf("version 3: %v", err)
		}

		// Audit: two successful saves, details without values.
		var entries []models.AuditEntry
		g.Where("action = ?", models.AuditHealthProfileUpdate).Order("id").Find(&entries)
		if len(entries) != 2 {
			t.Fatalf("audit rows: %d", len(entries))
		}
		if entries[0].Details != `{"changed":"diagnoses,allergies,height,weight,marital_status,past_history,personal_history,marital_history,family_history","version":"1"}` ||
			entries[1].Details != `{"changed":"diagnoses,weight","version":"2"}` {
			t.Errorf("audit details: %s | %s", entries[0].Details, entries[1].Details)
		}
		for _, en := range entries {
			if en.ActorID != e.patient.ID || en.ObjectID != strconv.FormatInt(e.patient.ID, 10) || en.Outcome != models.OutcomeSuccess {
				t.Errorf("audit row: %+v", en)
			}
		}
	})
}

func healthDataEqual(a, b models.HealthData) bool {
	return slices.Equal(a.Diagnoses, b.Diagnoses) && slices.Equal(a.Allergies, b.Allergies) && a.Height == b.Height &&
		a.Weight == b.Weight && a.MaritalStatus == b.MaritalStatus && a.PastHistory == b.PastHistory &&
		a.PersonalHistory == b.PersonalHistory && a.MaritalHistory == b.MaritalHistory && a.FamilyHistory == b.FamilyHistory
}

// BMI from height and weight, rounded to one decimal, its WHO adult category at
// each boundary, and adulthood from a birthday.
func TestHealthProfileBMI(t *testing.T) {
	for _, c := range []struct {
		h, w models.Tenths
		bmi  float64
		cat  string
	}{
		{1700, 650, 22.5, "normal"}, {1705, 635, 21.8, "normal"}, {1800, 599, 18.5, "normal"},
		{1800, 598, 18.5, "normal"}, {1800, 590, 18.2, "underweight"}, {1600, 640, 25, "overweight"},
		{1600, 768, 30, "obese_1"}, {1600, 896, 35, "obese_2"}, {1600, 1024, 40, "obese_3"}, {1600, 639, 25, "overweight"},
	} {
		bmi, ok := models.HealthData{Height: c.h, Weight: c.w}.BMI()
		if !ok || bmi != c.bmi || models.BMICategory(bmi) != c.cat {
			t.Errorf("BMI(%v cm, %v kg) = %v %v %s; want %v %s", c.h, c.w, bmi, ok, models.BMICategory(bmi), c.bmi, c.cat)
		}
	}
	if _, ok := (models.HealthData{Height: 1700}).BMI(); ok {
		t.Error("BMI without a weight")
	}
	if got := models.Tenths(1705).String() + "|" + models.Tenths(650).String() + "|" + models.Tenths(0).String(); got != "170.5|65|" {
		t.Errorf("Tenths.String: %q", got)
	}
	now := time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC) // 09:00 in China
	for birthday, want := range map[string]bool{"2008-03-01": true, "2008-03-02": false, "1990-01-01": true, "2020-06-01": false} {
		if adult, known := models.IsAdult(birthday, now); !known || adult != want {
			t.Errorf("IsAdult(%s) = %v %v", birthday, adult, known)
		}
	}
	if _, known := models.IsAdult("", now); known {
		t.Error("IsAdult of no birthday is known")
	}
}

// The separate consent comes first: without it nothing is stored and the refusal
// is audited; with it the save goes through; after withdrawing it the next save is
// refused again. The consent is read inside the save's own transaction.
func TestHealthProfileNeedsConsent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		e := newHealthEnv(t, g)
		_, _, err := e.hp.Save(ctx, e.patient, sampleProfile(), e.actor(e.patient))
		wantErrKey(t, err, models.KindForbidden, "health.consent.required")
		if n := e.rows(t); n != 0 {
			t.Fatalf("%d rows without consent", n)
		}
		if n := auditCount(t, g, models.AuditHealthProfileUpdate, models.OutcomeDenied); n != 1 {
			t.Errorf("denied audit rows: %d", n)
		}

		// Watch which statements run inside a transaction.
		type stmt struct {
			table string
			inTx  bool
		}
		var seen []stmt
		record := func(tx *gorm.DB) {
			_, inTx := tx.Statement.ConnPool.(gorm.TxCommitter)
			seen = append(seen, stmt{tx.Statement.Table, inTx})
		}
		if err := g.Callback().Query().Before("gorm:query").Register("test:health_tx", record); err != nil {
			t.Fatal(err)
		}
		if err := g.Callback().Create().Before("gorm:create").Register("test:health_tx", record); err != nil {
			t.Fatal(err)
		}
		change(t, e.consents, e.patient.ID, models.PurposeHealthData, true)
		seen = nil
		if v := e.save(t, e.patient, sampleProfile()); v != 1 {
			t.Fatalf("version %d", v)
		}
		var consentInTx, insertInTx bool
		for _, s := range seen {
			consentInTx = consentInTx || (s.table == "consent_records" && s.inTx)
			insertInTx = insertInTx || (s.table == "health_profiles" && s.inTx)
			if s.table == "consent_records" && !s.inTx {
				t.Error("the consent was read outside the save's transaction")
			}
		}
		if !consentInTx || !insertInTx {
			t.Errorf("consent read in tx %v, insert in tx %v: %+v", consentInTx, insertInTx, seen)
		}

		change(t, e.consents, e.patient.ID, models.PurposeHealthData, false)
		in := sampleProfile()
		in.BaseVersion, in.Weight = 1, "80"
		_, _, err = e.hp.Save(ctx, e.patient, in, e.actor(e.patient))
		wantErrKey(t, err, models.KindForbidden, "health.consent.required")
		if n := e.rows(t); n != 1 {
			t.Errorf("%d rows after a refused save, want 1", n)
		}
		if n := auditCount(t, g, models.AuditHealthProfileUpdate, models.OutcomeDenied); n != 2 {
			t.Errorf("denied audit rows: %d", n)
		}
		// The owner still reads what is stored (withdrawal deletes nothing).
		if cur, err := e.hp.HealthProfile(ctx, e.patient, e.patient.ID); err != nil || cur.Version != 1 || cur.Data.Weight != 650 {
			t.Errorf("after withdrawal: %+v %v", cur, err)
		}
	})
}

// Only the owner reads: another patient, a doctor, staff and a visitor get
// NotFound for the profile, a version and the history — existing or not.
func TestHealthProfileOnlyTheOwnerReads(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		e := newHealthEnv(t, g)
		change(t, e.consents, e.patient.ID, models.PurposeHealthData, true)
		e.save(t, e.patient, sampleProfile())
		other := newPatient(t, e.accounts, "13900005002", "")
		owner := e.patient.ID
		for name, viewer := range map[string]*models.User{
			"other patient": other, "visitor": nil,
			"doctor": {ID: owner, Kind: models.KindDoctor}, // even with the same ID
			"staff":  {ID: 999, Kind: models.KindStaff, Capabilities: "admin,privacy_officer,support"},
		} {
			if _, err := e.hp.HealthProfile(ctx, viewer, owner); !models.IsNotFound(err) {
				t.Errorf("%s: profile: %v", name, err)
			}
			if _, err := e.hp.HealthProfileVersion(ctx, viewer, owner, 1); !models.IsNotFound(err) {
				t.Errorf("%s: version: %v", name, err)
			}
			if _, _, err := e.hp.HealthProfileHistory(ctx, viewer, owner); !models.IsNotFound(err) {
				t.Errorf("%s: history: %v", name, err)
			}
		}
		if _, err := e.hp.HealthProfile(ctx, other, other.ID); err != nil {
			t.Errorf("the other patient's own (empty) profile: %v", err)
		}
		// Saving is the owner's only, and only a patient has a profile.
		if _, _, err := e.hp.Save(ctx, &models.User{ID: owner, Kind: models.KindDoctor}, sampleProfile(), e.actor(e.patient)); !models.IsNotFound(err) {
			t.Errorf("a doctor saving: %v", err)
		}
	})
}

// The ciphertext is bound to its row and owner: copied to another patient's row or
// to another version of the same patient, it no longer decrypts.
func TestHealthProfileCiphertextIsBoundToItsRow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		e := newHealthEnv(t, g)
		other := newPatient(t, e.accounts, "13900005003", "")
		for _, u := range []*models.User{e.patient, other} {
			change(t, e.consents, u.ID, models.PurposeHealthData, true)
			e.save(t, u, sampleProfile())
		}
		in := sampleProfile()
		in.BaseVersion, in.Height = 1, "171"
		e.save(t, e.patient, in)

		var rows []models.HealthProfileRow
		g.Order("id").Find(&rows)
		byKey := map[[2]int64]models.HealthProfileRow{}
		for _, r := range rows {
			byKey[[2]int64{r.UserID, int64(r.Version)}] = r
		}
		mine1, mine2, theirs := byKey[[2]int64{e.patient.ID, 1}], byKey[[2]int64{e.patient.ID, 2}], byKey[[2]int64{other.ID, 1}]
		setEnc := func(id int64, enc string) {
			if err := g.Model(&models.HealthProfileRow{}).Where("id = ?", id).Update("data_enc", enc).Error; err != nil {
				t.Fatal(err)
			}
		}
		setEnc(theirs.ID, mine1.DataEnc)
		if _, err := e.hp.HealthProfile(ctx, other, other.ID); err == nil || !strings.Contains(err.Error(), keys.ErrDecrypt.Error()) {
			t.Errorf("another patient's ciphertext decrypted: %v", err)
		}
		setEnc(mine2.ID, mine1.DataEnc)
		if _, err := e.hp.HealthProfile(ctx, e.patient, e.patient.ID); err == nil {
			t.Error("version 1's ciphertext decrypted as version 2")
		}
		if v, err := e.hp.HealthProfileVersion(ctx, e.patient, e.patient.ID, 1); err != nil || v.Data.Height != 1705 {
			t.Errorf("the untouched version: %+v %v", v, err)
		}
	})
}

const healthCanary = "CANARY-hp-7d41"

// Canaries in every text field of the profile: the raw database — the SQLite file
// and its WAL after a checkpoint, every column of health_profiles read as bytes on
// MySQL — and the audit log hold none of them in plaintext, while the owner reads
// them all back.
// policy: DESIGN invariant 3
func TestHealthProfileCanaryNotInDatabase(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, d db.Dialect) {
		ctx := context.Background()
		e := newHealthEnv(t, g)
		change(t, e.consents, e.patient.ID, models.PurposeHealthData, true)
		canaries := []string{}
		c := func(field string) string { s := healthCanary + "-" + field; canaries = append(canaries, s); return s }
		in := models.HealthProfileInput{
			Diagnoses: []models.Diagnosis{{Name: c("dxname"), Date: "2020-01-02", Status: "active"}},
			Allergies: []models.Allergy{{Substance: c("substance"), Reaction: c("reaction"), Severity: "severe"}},
			Height:    "172.3", Weight: "61.7", MaritalStatus: "widowed",
			PastHistory: c("past"), PersonalHistory: c("personal"), MaritalHistory: c("marital"), FamilyHistory: c("family"),
		}
		e.save(t, e.patient, in)
		cur, err := e.hp.HealthProfile(ctx, e.patient, e.patient.ID)
		if err != nil {
			t.Fatal(err)
		}
		back := cur.Data.Diagnoses[0].Name + cur.Data.Allergies[0].Substance + cur.Data.Allergies[0].Reaction +
			cur.Data.PastHistory + cur.Data.PersonalHistory + cur.Data.MaritalHistory + cur.Data.FamilyHistory
		for _, s := range canaries {
			if !strings.Contains(back, s) {
				t.Fatalf("the owner does not read back %s", s)
			}
		}

		var raw [][]byte
		switch d {
		case db.SQLite:
			if err := g.Exec("PRAGMA wal_checkpoint(TRUNCATE)").Error; err != nil {
				t.Fatal(err)
			}
			var file string
			if err := g.Raw("SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&file).Error; err != nil || file == "" {
				t.Fatalf("database file: %q %v", file, err)
			}
			for _, f := range []string{file, file + "-wal", file + "-shm"} {
				b, err := os.ReadFile(f)
				if err != nil && !os.IsNotExist(err) {
					t.Fatal(err)
				}
				raw = append(raw, b)
			}
			if len(raw[0]) == 0 {
				t.Fatal("empty database file")
			}
		case db.MySQL:
			for _, q := range []string{"SELECT id, user_id, version, data_enc, created_at, created_by FROM health_profiles",
				"SELECT * FROM audit_log"} {
				rows, err := g.Raw(q).Rows()
				if err != nil {
					t.Fatal(err)
				}
				cols, _ := rows.Columns()
				n := 0
				for rows.Next() {
					vals := make([]any, len(cols))
					for i := range vals {
						vals[i] = new([]byte)
					}
					if err := rows.Scan(vals...); err != nil {
						t.Fatal(err)
					}
					for _, v := range vals {
						raw = append(raw, *(v.(*[]byte)))
					}
					n++
				}
				rows.Close()
				if n == 0 {
					t.Fatalf("%s: no rows", q)
				}
			}
		}
		var all []byte
		for _, b := range raw {
			all = append(all, b...)
		}
		// Positive control: the scan sees plaintext the database does hold.
		if !bytes.Contains(all, []byte(models.AuditHealthProfileUpdate)) {
			t.Fatal("the raw scan does not even see the audit action; it proves nothing")
		}
		for _, s := range append(canaries, healthCanary) {
			if bytes.Contains(all, []byte(s)) {
				t.Errorf("%s found in plaintext in the %s database", s, d)
			}
		}
		if dump := dumpTable(t, g, "audit_log"); strings.Contains(dump, healthCanary) || strings.Contains(dump, "172.3") {
			t.Error("the audit log holds a profile value")
		}
		// The plaintext of the non-text fields is not in health_profiles either.
		if dump := dumpTable(t, g, "health_profiles"); strings.Contains(dump, "widowed") || strings.Contains(dump, "height_tenths") {
			t.Error("health_profiles shows a profile value in clear")
		}
	})
}

// The history is bounded: past MaxHealthVersions the newest are listed and more is set.
func TestHealthProfileHistoryIsBounded(t *testing.T) {
	g := dbtest.SQLite(t)
	e := newHealthEnv(t, g)
	change(t, e.consents, e.patient.ID, models.PurposeHealthData, true)
	now := time.Now().UTC()
	for v := 1; v <= models.MaxHealthVersions+2; v++ {
		if err := g.Create(&models.HealthProfileRow{UserID: e.patient.ID, Version: v, DataEnc: "x", CreatedAt: now, CreatedBy: e.patient.ID}).Error; err != nil {
			t.Fatal(err)
		}
	}
	list, more, err := e.hp.HealthProfileHistory(context.Background(), e.patient, e.patient.ID)
	if err != nil || !more || len(list) != models.MaxHealthVersions || list[0].Version != models.MaxHealthVersions+2 {
		t.Fatalf("history: %d entries, more %v, first %+v, %v", len(list), more, list[0], err)
	}
	if !sort.SliceIsSorted(list, func(i, j int) bool { return list[i].Version > list[j].Version }) {
		t.Error("history not newest first")
	}
}
