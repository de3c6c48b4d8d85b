package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// The privacy officer's review of break-glass accesses: every access enters the
// queue as pending and is confirmed or flagged as misuse (with a note) once.

// Review decisions.
const (
	EmergencyConfirm = "confirm"
	EmergencyFlag    = "flag"
)

// EmergencyDoctor is the doctor of an access as the reviewer sees them.
type EmergencyDoctor struct {
	UserID                                int64
	RealName, Title, Hospital, Department string
}

// EmergencyReviewRow is one access in the review queue.
type EmergencyReviewRow struct {
	ID           int64
	Reason       string
	CreatedAt    time.Time
	ExpiresAt    time.Time
	ReviewStatus string
	Doctor       EmergencyDoctor
	Patient      MaskedPatient
}

// EmergencyCounts is how many accesses are in each review state.
type EmergencyCounts struct{ Pending, Confirmed, Flagged int64 }

// EmergencyQueue is one page of the review queue.
type EmergencyQueue struct {
	Status string
	Counts EmergencyCounts
	Rows   []EmergencyReviewRow
	Next   int64 // cursor (an id) of the next page; 0 on the last
}

// EmergencyReviewQueue returns a page of accesses in status (pending when ""):
// pending oldest first (the one waiting longest on top), reviewed ones newest first;
// keyset on id from after (0: the first page). Four queries whatever the rows: the
// counts, the page, its doctors and its patients.
func (s *Consultations) EmergencyReviewQueue(ctx context.Context, status string, after int64) (*EmergencyQueue, error) {
	if status == "" {
		status = EmergencyPending
	}
	if !slices.Contains(EmergencyStatuses, status) {
		return nil, Invalid("status", "emergency.queue.status")
	}
	out := &EmergencyQueue{Status: status}
	var counts []struct {
		ReviewStatus string
		N            int64
	}
	if err := s.DB.WithContext(ctx).Model(&EmergencyAccess{}).Select("review_status, COUNT(*) AS n").
		Group("review_status").Scan(&counts).Error; err != nil {
		return nil, fmt.Errorf("emergency: counts: %w", err)
	}
	for _, c := range counts {
		switch c.ReviewStatus {
		case EmergencyPending:
			out.Counts.Pending = c.N
		case EmergencyConfirmed:
			out.Counts.Confirmed = c.N
		case EmergencyFlagged:
			out.Counts.Flagged = c.N
		}
	}
	q := s.DB.WithContext(ctx).Where("review_status = ?", status)
	switch {
	case status == EmergencyPending && after > 0:
		q = q.Where("id > ?", after).Order("id ASC")
	case status == EmergencyPending:
		q = q.Order("id ASC")
	case after > 0:
		q = q.Where("id < ?", after).Order("id DESC")
	default:
		q = q.Order("id DESC")
	}
	var rows []EmergencyAccess
	if err := q.Limit(EmergencyPage + 1).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("emergency: queue: %w", err)
	}
	if len(rows) > EmergencyPage {
		rows = rows[:EmergencyPage]
		out.Next = rows[EmergencyPage-1].ID
	}
	var doctorIDs, patientIDs []int64
	for _, r := range rows {
		doctorIDs, patientIDs = append(doctorIDs, r.DoctorID), append(patientIDs, r.PatientID)
	}
	doctors, err := s.emergencyDoctors(ctx, doctorIDs)
	if err != nil {
		return nil, err
	}
	now := s.now()
	patients, err := s.maskedPatients(ctx, patientIDs, now)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out.Rows = append(out.Rows, EmergencyReviewRow{ID: r.ID, Reason: r.Reason, CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt,
			ReviewStatus: r.ReviewStatus, Doctor: doctors[r.DoctorID], Patient: patients[r.PatientID]})
	}
	return out, nil
}

func (s *Consultations) emergencyDoctors(ctx context.Context, ids []int64) (map[int64]EmergencyDoctor, error) {
	out := map[int64]EmergencyDoctor{}
	cards, err := s.doctorCards(ctx, ids)
	if err != nil {
		return nil, err
	}
	for id, c := range cards {
		out[id] = EmergencyDoctor(c)
	}
	return out, nil
}

// EmergencyRead is one logged read under an access (from the patient's access log).
type EmergencyRead struct {
	At       time.Time
	ItemType string
}

// EmergencyDetail is one access as the reviewer sees it: who, whom (masked), why,
// the window, the review so far, and what was read under it.
type EmergencyDetail struct {
	EmergencyReviewRow
	Justification string
	ReviewNote    string
	ReviewedAt    *time.Time
	Reads         []EmergencyRead // newest first, at most MaxEmergencyReads
	MoreReads     bool
}

// EmergencyReview returns access id for review; NotFound when there is none.
// officer must hold the privacy-officer capability. The justification may carry
// health details, so each opening is audited (emergency.review.view).
func (s *Consultations) EmergencyReview(ctx context.Context, officer *User, id int64, actx AuditContext) (*EmergencyDetail, error) {
	if officer == nil || officer.Kind != KindStaff || !officer.Can(CapPrivacyOfficer) {
		return nil, NotFound("")
	}
	row, err := loadEmergency(s.DB.WithContext(ctx), id)
	if err != nil {
		return nil, err
	}
	doctors, err := s.emergencyDoctors(ctx, []int64{row.DoctorID})
	if err != nil {
		return nil, err
	}
	patients, err := s.maskedPatients(ctx, []int64{row.PatientID}, s.now())
	if err != nil {
		return nil, err
	}
	d := &EmergencyDetail{EmergencyReviewRow: EmergencyReviewRow{ID: row.ID, Reason: row.Reason, CreatedAt: row.CreatedAt,
		ExpiresAt: row.ExpiresAt, ReviewStatus: row.ReviewStatus, Doctor: doctors[row.DoctorID], Patient: patients[row.PatientID]},
		ReviewedAt: row.ReviewedAt}
	if d.Justification, err = s.Accounts.Open("emergency_accesses", "justification", row.ID, row.PatientID, &row.JustificationEnc); err != nil {
		return nil, err
	}
	if d.ReviewNote, err = s.Accounts.Open("emergency_accesses", "review_note", row.ID, row.PatientID, row.ReviewNoteEnc); err != nil {
		return nil, err
	}
	// The patient's access log, narrowed by its (patient_id, basis, id) index.
	var reads []AccessEntry
	err = s.DB.WithContext(ctx).Where("patient_id = ? AND basis = ? AND basis_id = ?", row.PatientID, BasisEmergency, row.ID).
		Order("id DESC").Limit(MaxEmergencyReads + 1).Find(&reads).Error
	if err != nil {
		return nil, fmt.Errorf("emergency: reads: %w", err)
	}
	if len(reads) > MaxEmergencyReads {
		reads, d.MoreReads = reads[:MaxEmergencyReads], true
	}
	for _, r := range reads {
		d.Reads = append(d.Reads, EmergencyRead{At: r.CreatedAt, ItemType: r.ItemType})
	}
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		_, err := AppendAudit(tx, actx.Entry(AuditEmergencyReviewView, "emergency", idString(row.ID), OutcomeSuccess))
		return err
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

func loadEmergency(tx *gorm.DB, id int64) (*EmergencyAccess, error) {
	var row EmergencyAccess
	err := tx.Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, NotFound("")
	}
	if err != nil {
		return nil, fmt.Errorf("emergency: load: %w", err)
	}
	return &row, nil
}

// ReviewEmergency records officer's decision (confirm or flag) on pending access
// id, with an optional note (required to flag, encrypted), and its audit row. An
// access already reviewed is a Conflict: decisions are final.
func (s *Consultations) ReviewEmergency(ctx context.Context, officer *User, id int64, decision, note string, actx AuditContext) error {
	if officer == nil || officer.Kind != KindStaff || !officer.Can(CapPrivacyOfficer) {
		return NotFound("")
	}
	var p Problems
	if decision != EmergencyConfirm && decision != EmergencyFlag {
		p.Add("decision", "emergency.review.decision")
	}
	note = strings.TrimSpace(note)
	switch {
	case utf8.RuneCountInString(note) > MaxReviewNote:
		p.Add("note", "emergency.review.note_long")
	case note == "" && decision == EmergencyFlag:
		p.Add("note", "emergency.review.note_required")
	}
	if err := p.Err(); err != nil {
		return err
	}
	status := EmergencyConfirmed
	if decision == EmergencyFlag {
		status = EmergencyFlagged
	}
	now := s.now()
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		row, err := loadEmergency(tx, id)
		if err != nil {
			return err
		}
		cols := map[string]any{"review_status": status, "reviewer_id": officer.ID, "reviewed_at": now}
		if note != "" {
			if cols["review_note_enc"], err = s.Accounts.Seal("emergency_accesses", "review_note", row.ID, row.PatientID, note); err != nil {
				return err
			}
		}
		// The status condition makes a concurrent second decision lose cleanly.
		res := tx.Model(&EmergencyAccess{}).Where("id = ? AND review_status = ?", id, EmergencyPending).Updates(cols)
		if res.Error != nil {
			return fmt.Errorf("emergency: review: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return Conflict("", "emergency.review.done")
		}
		e := actx.Entry(AuditEmergencyReview, "emergency", idString(id), OutcomeSuccess)
		e.OccurredAt = now
		_, err = AppendAudit(tx, e.With(map[string]string{"decision": decision, "with_note": fmt.Sprint(note != "")}))
		return err
	})
}
