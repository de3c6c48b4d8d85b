package models_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/db"
	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/notify"
	"github.com/yibao-health/portal/internal/testkit/dbtest"
	"github.com/yibao-health/portal/models"
)

// emergencyEnv is the consultation env with an ID number on the patient, a notice
// recorder, and a privacy officer and a support member.
type emergencyEnv struct {
	*consultEnv
	rec     *notify.Recorder
	officer *models.User
	support *models.User
}

const emergencyJustification = "患者昏迷送入急诊，无家属陪同，需了解过敏史后用药。"

func newEmergencyEnv(t *testing.T, g *gorm.DB) *emergencyEnv {
	t.Helper()
	e := &emergencyEnv{consultEnv: newConsultEnv(t, g), rec: notify.NewRecorder(nil)}
	e.acc.Notify = models.NewNotifier(g, e.rec, e.rec, nil)
	e.consents.Effects = append(e.consents.Effects, models.ForgetIDNumber)
	ctx := context.Background()
	in := canaryIdentity()
	in.IDNumber = "11010519491231002x" // lower case: stored and indexed as X
	if err := e.acc.SaveIdentity(ctx, e.patient, in, patientActor); err != nil {
		t.Fatal(err)
	}
	var err error
	if e.officer, err = e.acc.User(ctx, accessUser(t, g, models.KindStaff, models.CapPrivacyOfficer)); err != nil {
		t.Fatal(err)
	}
	if e.support, err = e.acc.User(ctx, accessUser(t, g, models.KindStaff, models.CapSupport)); err != nil {
		t.Fatal(err)
	}
	return e
}

func doctorActor(d *models.User) models.AuditContext {
	return models.AuditContext{ActorKind: models.ActorDoctor, ActorID: d.ID, RequestID: "req", ClientIP: "192.0.2.9"}
}

func (e *emergencyEnv) request(t *testing.T, d *models.User, identifier string) int64 {
	t.Helper()
	id, err := e.cs.RequestEmergency(context.Background(), d, models.EmergencyInput{Identifier: identifier,
		Reason: models.EmergencyUnconscious, Justification: emergencyJustification}, doctorActor(d))
	if err != nil {
		t.Fatalf("request %q: %v", identifier, err)
	}
	return id
}

// auditRows returns the emergency.request rows, oldest first.
func auditRows(t *testing.T, g *gorm.DB, action string) []models.AuditEntry {
	t.Helper()
	var rows []models.AuditEntry
	if err := g.Where("action = ?", action).Order("id").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	return rows
}

// policy: C2.2.4 — emergency use is the recorded exception (4): found by exact phone
// or ID number, critical sections only, time-boxed, each read in the patient's log
// marked emergency with the access id, the patient told, every attempt audited.
// policy: C2.2.2-5 — nothing outside the critical sections, nothing for another
// doctor, nothing after the window.
func TestEmergencyAccess(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newEmergencyEnv(t, g)
		ctx := context.Background()
		e.cs.EmergencyWindow = 2 * time.Hour

		byPhone := e.request(t, e.doctor, "139 0000 0077")
		byID := e.request(t, e.doctor, "11010519491231002X")
		for _, id := range []int64{byPhone, byID} {
			var row models.EmergencyAccess
			if err := g.First(&row, id).Error; err != nil || row.PatientID != e.uid || row.ReviewStatus != models.EmergencyPending ||
				row.ExpiresAt.Sub(row.CreatedAt) != 2*time.Hour {
				t.Fatalf("access %d: %+v %v", id, row, err)
			}
			if strings.Contains(row.JustificationEnc, "昏迷") {
				t.Fatal("justification stored in clear")
			}
		}

		v, err := e.cs.EmergencyForDoctor(ctx, e.doctor, byPhone, "req-em")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(v.Sections, models.CriticalSections) || v.Patient.Name == "" || strings.Contains(v.Patient.Name, canaryName) {
			t.Fatalf("view: %+v", v)
		}
		d := v.Profile.Data
		if len(d.Allergies) == 0 || len(d.Diagnoses) == 0 || d.PastHistory == "" {
			t.Fatalf("critical sections missing: %+v", d)
		}
		if d.Height != 0 || d.Weight != 0 || d.MaritalStatus != "" {
			t.Fatalf("basics leaked under emergency: %+v", d)
		}
		// No documents under emergency access.
		r := models.DocumentReader{UserID: e.doctor.ID, Basis: models.EmergencyBasis(byPhone), At: e.clock.now(), RequestID: "req"}
		if list, err := e.docs.List(ctx, r, models.DocumentQuery{}); err != nil || len(list.Items) != 0 {
			t.Fatalf("documents under emergency: %+v %v", list, err)
		}
		if _, err := e.docs.Get(ctx, r, e.lab); !models.IsNotFound(err) {
			t.Fatalf("document get under emergency: %v", err)
		}

		// Another doctor naming the same access sees nothing.
		if _, err := e.cs.EmergencyForDoctor(ctx, e.doctor2, byPhone, "req"); !models.IsNotFound(err) {
			t.Fatalf("other doctor: %v", err)
		}

		// The read is in the patient's log, marked emergency, with the access id.
		page, err := models.AccessLog(ctx, g, e.uid, models.AccessFilter{EmergencyOnly: true}, 0, 100)
		if err != nil || len(page.Rows) != 1 {
			t.Fatalf("emergency log rows: %+v %v", page.Rows, err)
		}
		row := page.Rows[0]
		if !row.Emergency || row.Basis != models.BasisEmergency || row.BasisID == nil || *row.BasisID != byPhone ||
			row.ViewerID != e.doctor.ID || row.ItemType != models.ItemHealthProfile || row.RequestID != "req-em" {
			t.Fatalf("log row %+v", row.AccessEntry)
		}

		// The patient was told, in their language, in the inbox and by SMS.
		inbox, err := e.acc.Notify.Inbox(ctx, e.uid, 0, 20)
		if err != nil {
			t.Fatal(err)
		}
		told := 0
		for _, n := range inbox {
			if n.Subject == i18n.Translate(i18n.ZH, "emergency.notice.subject") {
				told++
			}
		}
		if told != 2 {
			t.Fatalf("patient notices = %d, want 2 (one per access)", told)
		}
		sms := 0
		for _, m := range e.rec.Recent() {
			if strings.Contains(m.Body, i18n.Translate(i18n.ZH, "emergency.notice.body")) {
				sms++
			}
		}
		if sms != 2 {
			t.Fatalf("SMS notices = %d", sms)
		}

		// Expiry by the fixture clock.
		e.clock.advance(2*time.Hour - time.Minute)
		if _, err := e.cs.EmergencyForDoctor(ctx, e.doctor, byPhone, "req"); err != nil {
			t.Fatalf("inside the window: %v", err)
		}
		e.clock.advance(2 * time.Minute)
		if _, err := e.cs.EmergencyForDoctor(ctx, e.doctor, byPhone, "req"); !models.IsNotFound(err) {
			t.Fatalf("after the window: %v", err)
		}
		if _, _, err := e.hp.ForDoctor(ctx, e.doctor, models.EmergencyBasis(byID), "req"); !models.IsNotFound(err) {
			t.Fatalf("scoped read after the window: %v", err)
		}
		recent, err := e.cs.DoctorEmergencies(ctx, e.doctor)
		if err != nil || len(recent) != 2 || recent[0].ID != byID || recent[0].Open || recent[0].Patient != nil {
			t.Fatalf("recent after expiry: %+v %v", recent, err)
		}
		if other, err := e.cs.DoctorEmergencies(ctx, e.doctor2); err != nil || len(other) != 0 {
			t.Fatalf("other doctor's list: %+v %v", other, err)
		}

		// Audited, without the identifier.
		rows := auditRows(t, g, models.AuditEmergencyRequest)
		if len(rows) != 2 {
			t.Fatalf("audit rows %d", len(rows))
		}
		for _, a := range rows {
			if a.Outcome != models.OutcomeSuccess || a.ActorID != e.doctor.ID || strings.Contains(a.Details, "13900000077") ||
				strings.Contains(a.Details, "1949") {
				t.Fatalf("audit row %+v", a)
			}
		}
	})
}

// No match is neutral and audited; bad input names the fields and stores nothing;
// only active patients are found; non-doctors cannot request.
func TestEmergencyRequestRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newEmergencyEnv(t, g)
		ctx := context.Background()
		ask := func(d *models.User, identifier, reason, why string) error {
			_, err := e.cs.RequestEmergency(ctx, d, models.EmergencyInput{Identifier: identifier, Reason: reason, Justification: why}, doctorActor(d))
			return err
		}
		// A doctor's own phone, a stranger's phone, a partial ID number: no match.
		doctorUser := newPatient(t, e.acc, "13900000078", "")
		if err := g.Model(&models.User{}).Where("id = ?", doctorUser.ID).Update("kind", models.KindDoctor).Error; err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"13900000078", "13700000000", "110105194912", "11010519491231002"} {
			wantErrKey(t, ask(e.doctor, id, models.EmergencyUnconscious, emergencyJustification), models.KindInvalid, "emergency.identifier.no_match")
		}
		failures := auditRows(t, g, models.AuditEmergencyRequest)
		if len(failures) != 4 {
			t.Fatalf("no-match attempts audited: %d", len(failures))
		}
		for _, a := range failures {
			if a.Outcome != models.OutcomeFailure || a.ObjectID != "" || strings.Contains(a.Details, "1370") || strings.Contains(a.Details, "110105") {
				t.Fatalf("no-match audit %+v", a)
			}
		}
		// Invalid input: every field named, nothing stored, nothing audited.
		err := ask(e.doctor, " ", "coffee", "太短")
		fields := models.FieldErrors(err)
		for _, f := range []string{"identifier", "reason", "justification"} {
			if fields[f] == nil {
				t.Fatalf("field %s not named: %v", f, err)
			}
		}
		if err := ask(e.doctor, "13900000077", models.EmergencyOtherUrgent, strings.Repeat("急", models.MaxJustification+1)); models.FieldErrors(err)["justification"] == nil {
			t.Fatalf("long justification: %v", err)
		}
		// Patients and staff cannot request.
		for _, u := range []*models.User{e.patient, e.officer} {
			if err := ask(u, "13900000077", models.EmergencyUnconscious, emergencyJustification); !models.IsNotFound(err) {
				t.Fatalf("%s requested: %v", u.Kind, err)
			}
		}
		// A locked patient is not found.
		if err := g.Model(&models.User{}).Where("id = ?", e.uid).Update("status", "locked").Error; err != nil {
			t.Fatal(err)
		}
		wantErrKey(t, ask(e.doctor, "13900000077", models.EmergencyUnconscious, emergencyJustification), models.KindInvalid, "emergency.identifier.no_match")
		var n int64
		g.Model(&models.EmergencyAccess{}).Count(&n)
		if n != 0 {
			t.Fatalf("%d accesses stored by refused requests", n)
		}
	})
}

// The per-doctor cap: EmergencyDailyCap grants per 24 hours (then RateLimited,
// audited as denied), back after 24 hours; failed attempts count too.
func TestEmergencyCap(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newEmergencyEnv(t, g)
		ctx := context.Background()
		for range models.EmergencyDailyCap {
			e.request(t, e.doctor, "13900000077")
		}
		in := models.EmergencyInput{Identifier: "13900000077", Reason: models.EmergencyLifeThreatening, Justification: emergencyJustification}
		if _, err := e.cs.RequestEmergency(ctx, e.doctor, in, doctorActor(e.doctor)); !isKind(err, models.KindRateLimited) {
			t.Fatalf("over the cap: %v", err)
		}
		if rows := auditRows(t, g, models.AuditEmergencyRequest); rows[len(rows)-1].Outcome != models.OutcomeDenied {
			t.Fatalf("cap refusal audited as %q", rows[len(rows)-1].Outcome)
		}
		e.request(t, e.doctor2, "13900000077") // per doctor
		e.clock.advance(24*time.Hour + time.Minute)
		e.request(t, e.doctor, "13900000077")

		// Failed attempts alone also reach a cap (no probing for who is a patient).
		in.Identifier = "13700000000"
		var err error
		for range models.EmergencyAttemptCap + 1 {
			_, err = e.cs.RequestEmergency(ctx, e.doctor2, in, doctorActor(e.doctor2))
		}
		if !isKind(err, models.KindRateLimited) {
			t.Fatalf("attempt cap: %v", err)
		}
	})
}

// The review: queue by status, detail with the justification and the reads, confirm
// or flag (a flag needs a note), decisions final; privacy officers only.
func TestEmergencyReview(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newEmergencyEnv(t, g)
		ctx := context.Background()
		first := e.request(t, e.doctor, "13900000077")
		second := e.request(t, e.doctor2, "11010519491231002X")
		if _, err := e.cs.EmergencyForDoctor(ctx, e.doctor, first, "req-1"); err != nil {
			t.Fatal(err)
		}
		officerActor := models.AuditContext{ActorKind: models.ActorStaff, ActorID: e.officer.ID, RequestID: "req"}

		q, err := e.cs.EmergencyReviewQueue(ctx, "", 0)
		if err != nil || q.Status != models.EmergencyPending || len(q.Rows) != 2 || q.Rows[0].ID != first || q.Counts.Pending != 2 {
			t.Fatalf("pending queue: %+v %v", q, err)
		}
		if q.Rows[0].Doctor.RealName == "" || q.Rows[0].Patient.Name == "" || strings.Contains(q.Rows[0].Patient.Name, canaryName) {
			t.Fatalf("queue row: %+v", q.Rows[0])
		}
		if _, err := e.cs.EmergencyReviewQueue(ctx, "bogus", 0); !isKind(err, models.KindInvalid) {
			t.Fatalf("bogus status: %v", err)
		}

		d, err := e.cs.EmergencyReview(ctx, e.officer, first, officerActor)
		if err != nil || d.Justification != emergencyJustification || len(d.Reads) != 1 || d.Reads[0].ItemType != models.ItemHealthProfile {
			t.Fatalf("detail: %+v %v", d, err)
		}
		if d2, err := e.cs.EmergencyReview(ctx, e.officer, second, officerActor); err != nil || len(d2.Reads) != 0 {
			t.Fatalf("second detail (no reads yet): %+v %v", d2, err)
		}
		// Each opening by the officer is audited.
		if n := countRows(t, g, "audit_log", fmt.Sprintf("action = '%s' AND actor_id = %d", models.AuditEmergencyReviewView, e.officer.ID)); n != 2 {
			t.Fatalf("%d review views audited, want 2", n)
		}
		for _, u := range []*models.User{e.support, e.doctor, e.patient} {
			if _, err := e.cs.EmergencyReview(ctx, u, first, officerActor); !models.IsNotFound(err) {
				t.Fatalf("%s read the review: %v", u.Kind, err)
			}
			if err := e.cs.ReviewEmergency(ctx, u, first, models.EmergencyConfirm, "", officerActor); !models.IsNotFound(err) {
				t.Fatalf("%s reviewed: %v", u.Kind, err)
			}
		}
		if _, err := e.cs.EmergencyReview(ctx, e.officer, 999999, officerActor); !models.IsNotFound(err) {
			t.Fatalf("missing: %v", err)
		}

		wantErrKey(t, e.cs.ReviewEmergency(ctx, e.officer, second, models.EmergencyFlag, "  ", officerActor), models.KindInvalid, "emergency.review.note_required")
		wantErrKey(t, e.cs.ReviewEmergency(ctx, e.officer, second, models.EmergencyFlag, strings.Repeat("注", models.MaxReviewNote+1), officerActor),
			models.KindInvalid, "emergency.review.note_long")
		wantErrKey(t, e.cs.ReviewEmergency(ctx, e.officer, second, "approve", "", officerActor), models.KindInvalid, "emergency.review.decision")

		if err := e.cs.ReviewEmergency(ctx, e.officer, first, models.EmergencyConfirm, "", officerActor); err != nil {
			t.Fatal(err)
		}
		note := "急诊记录中无此患者就诊，疑似滥用。"
		if err := e.cs.ReviewEmergency(ctx, e.officer, second, models.EmergencyFlag, note, officerActor); err != nil {
			t.Fatal(err)
		}
		wantErrKey(t, e.cs.ReviewEmergency(ctx, e.officer, second, models.EmergencyConfirm, "", officerActor), models.KindConflict, "emergency.review.done")

		d, err = e.cs.EmergencyReview(ctx, e.officer, second, officerActor)
		if err != nil || d.ReviewStatus != models.EmergencyFlagged || d.ReviewNote != note || d.ReviewedAt == nil {
			t.Fatalf("flagged detail: %+v %v", d, err)
		}
		var raw models.EmergencyAccess
		if err := g.First(&raw, second).Error; err != nil || raw.ReviewNoteEnc == nil || strings.Contains(*raw.ReviewNoteEnc, "滥用") ||
			raw.ReviewerID == nil || *raw.ReviewerID != e.officer.ID {
			t.Fatalf("stored review: %+v %v", raw, err)
		}
		for status, want := range map[string]int64{models.EmergencyPending: 0, models.EmergencyConfirmed: first, models.EmergencyFlagged: second} {
			q, err := e.cs.EmergencyReviewQueue(ctx, status, 0)
			if err != nil || q.Counts != (models.EmergencyCounts{Confirmed: 1, Flagged: 1}) {
				t.Fatalf("%s: %+v %v", status, q, err)
			}
			if (want == 0 && len(q.Rows) != 0) || (want != 0 && (len(q.Rows) != 1 || q.Rows[0].ID != want)) {
				t.Fatalf("%s rows: %+v", status, q.Rows)
			}
		}
		if rows := auditRows(t, g, models.AuditEmergencyReview); len(rows) != 2 || strings.Contains(rows[1].Details, "滥用") {
			t.Fatalf("review audit: %+v", rows)
		}
	})
}

// Keyset pages of the review queue: pending oldest first, reviewed newest first.
func TestEmergencyReviewQueuePages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newEmergencyEnv(t, g)
		ctx := context.Background()
		now := e.clock.now().UTC()
		var ids []int64
		for i := range models.EmergencyPage + 3 {
			status := models.EmergencyPending
			if i%2 == 1 {
				status = models.EmergencyConfirmed
			}
			row := models.EmergencyAccess{DoctorID: e.doctor.ID, PatientID: e.uid, Reason: models.EmergencyOtherUrgent,
				JustificationEnc: "-", CreatedAt: now, ExpiresAt: now.Add(time.Hour), ReviewStatus: status}
			if err := g.Create(&row).Error; err != nil {
				t.Fatal(err)
			}
			ids = append(ids, row.ID)
		}
		var got []int64
		after := int64(0)
		for {
			q, err := e.cs.EmergencyReviewQueue(ctx, models.EmergencyPending, after)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range q.Rows {
				got = append(got, r.ID)
			}
			if q.Next == 0 {
				break
			}
			after = q.Next
		}
		var want []int64
		for i, id := range ids {
			if i%2 == 0 {
				want = append(want, id)
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("pending pages %v, want %v", got, want)
		}
	})
}

// The ID-number blind index follows the stored number: set on save (normalised),
// cleared when the document is removed or the identity_document consent withdrawn.
func TestIDNumberIndex(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newEmergencyEnv(t, g)
		ctx := context.Background()
		index := func() *string {
			var v sql.NullString
			if err := g.Raw("SELECT id_number_index FROM identities WHERE user_id = ?", e.uid).Row().Scan(&v); err != nil {
				t.Fatalf("index: %v", err)
			}
			if !v.Valid {
				return nil
			}
			return &v.String
		}
		if got := index(); got == nil || *got != *e.acc.IDNumberIndex("11010519491231002X") || strings.Contains(*got, "1101") {
			t.Fatalf("index after save: %v", got)
		}
		in := canaryIdentity()
		in.IDType, in.IDNumber = "", ""
		if err := e.acc.SaveIdentity(ctx, e.patient, in, patientActor); err != nil {
			t.Fatal(err)
		}
		if got := index(); got != nil {
			t.Fatalf("index after removing the document: %v", *got)
		}
		if err := e.acc.SaveIdentity(ctx, e.patient, canaryIdentity(), patientActor); err != nil || index() == nil {
			t.Fatalf("saved again: %v", err)
		}
		change(t, e.consents, e.uid, models.PurposeIdentityDoc, false)
		if got := index(); got != nil {
			t.Fatalf("index after withdrawal: %v", *got)
		}
		wantErrKey(t, func() error {
			_, err := e.cs.RequestEmergency(ctx, e.doctor, models.EmergencyInput{Identifier: canaryID, Reason: models.EmergencyUnconscious,
				Justification: emergencyJustification}, doctorActor(e.doctor))
			return err
		}(), models.KindInvalid, "emergency.identifier.no_match")
	})
}

// Numbers stored before migration 0018 get their index from IndexIDNumbers, and
// then the patient is found by ID number.
func TestIndexIDNumbersBackfill(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB, _ db.Dialect) {
		e := newEmergencyEnv(t, g)
		ctx := context.Background()
		if err := g.Exec("UPDATE identities SET id_number_index = NULL").Error; err != nil {
			t.Fatal(err)
		}
		in := models.EmergencyInput{Identifier: canaryID, Reason: models.EmergencyUnconscious, Justification: emergencyJustification}
		if _, err := e.cs.RequestEmergency(ctx, e.doctor, in, doctorActor(e.doctor)); !isKind(err, models.KindInvalid) {
			t.Fatalf("before the backfill: %v", err)
		}
		if n, err := e.acc.IndexIDNumbers(ctx, 1); err != nil || n != 1 {
			t.Fatalf("backfill: %d %v", n, err)
		}
		if n, err := e.acc.IndexIDNumbers(ctx, 1); err != nil || n != 0 {
			t.Fatalf("second run: %d %v", n, err)
		}
		if _, err := e.cs.RequestEmergency(ctx, e.doctor, in, doctorActor(e.doctor)); err != nil {
			t.Fatalf("after the backfill: %v", err)
		}
	})
}
