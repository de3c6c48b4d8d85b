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

	"github.com/yibao-health/portal/internal/keys"
)

// Break-glass access (issue 6, policy C2.2.4 exception (4): processing without
// consent to protect life or health when consent cannot be obtained). A verified
// doctor names a patient exactly (phone or ID number), gives a reason code and a
// justification, and reads the patient's CriticalSections for EmergencyWindow. The
// read itself goes through the one scoped rule (emergencyWhere in
// consultation_scope.go); this file records the access, tells the patient and feeds
// the privacy officer's review (emergency_review.go). Every attempt is audited.

// Reason codes of an emergency request, in display order.
const (
	EmergencyUnconscious     = "unconscious"      // unconscious or unable to communicate
	EmergencyLifeThreatening = "life_threatening" // acute life-threatening condition
	EmergencySevereAllergy   = "severe_allergy"   // suspected severe allergic reaction
	EmergencyOtherUrgent     = "other_urgent"     // another urgent threat to life or health
)

// EmergencyReasons lists the reason codes a doctor may choose.
var EmergencyReasons = []string{EmergencyUnconscious, EmergencyLifeThreatening, EmergencySevereAllergy, EmergencyOtherUrgent}

// Review states of an emergency access.
const (
	EmergencyPending   = "pending"
	EmergencyConfirmed = "confirmed"
	EmergencyFlagged   = "flagged"
)

// EmergencyStatuses lists the review states in tab order.
var EmergencyStatuses = []string{EmergencyPending, EmergencyConfirmed, EmergencyFlagged}

// Limits of emergency access.
const (
	MinJustification    = 20   // characters
	MaxJustification    = 1000 // characters
	MaxReviewNote       = 1000 // characters
	EmergencyDailyCap   = 5    // granted accesses per doctor per 24 hours
	EmergencyAttemptCap = 10   // requests per doctor per 24 hours, matched or not
	EmergencyPage       = 20   // review queue page and the doctor's recent list
	MaxEmergencyReads   = 100  // access-log rows shown on a review
	DefaultEmergencyWin = 4 * time.Hour
)

// Audit actions of emergency access (details never carry the identifier or a text).
const (
	AuditEmergencyRequest = "emergency.request"
	AuditEmergencyReview  = "emergency.review"
	// AuditEmergencyReviewView is a privacy officer opening an access for review.
	AuditEmergencyReviewView = "emergency.review.view"
)

// EmergencyAccess is a row of emergency_accesses (migrations/*/0017_consultations.sql).
type EmergencyAccess struct {
	ID               int64
	DoctorID         int64
	PatientID        int64
	Reason           string
	JustificationEnc string
	CreatedAt        time.Time
	ExpiresAt        time.Time
	ReviewStatus     string
	ReviewerID       *int64
	ReviewNoteEnc    *string
	ReviewedAt       *time.Time
}

// TableName maps EmergencyAccess to emergency_accesses.
func (EmergencyAccess) TableName() string { return "emergency_accesses" }

func emergencyAD(column string, id, patientID int64) keys.AD {
	return keys.AD{Table: "emergency_accesses", Column: column, RowID: idString(id), OwnerID: patientID}
}

// EmergencyInput is what the request form submits.
type EmergencyInput struct {
	Identifier    string // the patient's exact mainland mobile number or ID-document number
	Reason        string // one of EmergencyReasons
	Justification string
}

// EmergencyDuration is how long a break-glass access lasts: EmergencyWindow, or
// DefaultEmergencyWin when that is not set.
func (s *Consultations) EmergencyDuration() time.Duration {
	if s.EmergencyWindow <= 0 {
		return DefaultEmergencyWin
	}
	return s.EmergencyWindow
}

// cleanEmergency validates in and returns it trimmed; every problem at once.
func cleanEmergency(in EmergencyInput) (EmergencyInput, error) {
	var p Problems
	in.Identifier = strings.TrimSpace(in.Identifier)
	if in.Identifier == "" {
		p.Add("identifier", "emergency.identifier.required")
	}
	if !slices.Contains(EmergencyReasons, in.Reason) {
		p.Add("reason", "emergency.reason.invalid")
	}
	in.Justification = strings.TrimSpace(in.Justification)
	if n := utf8.RuneCountInString(in.Justification); n < MinJustification || n > MaxJustification {
		p.Add("justification", "emergency.justification.length")
	}
	return in, p.Err()
}

// RequestEmergency grants doctor break-glass access to the patient the identifier
// names exactly, for EmergencyWindow. Every attempt that gets as far as a lookup is
// audited (emergency.request, outcome only: never the identifier); no match is a
// neutral Invalid on "identifier", so the form cannot tell a non-patient from a
// typo. On a match the access row (justification encrypted) and its audit commit
// together, then the patient is told.
//
// policy: C2.2.4 — exception (4), recorded: no consent is asked, but the access
// is time-boxed, shown to the patient and reviewed.
func (s *Consultations) RequestEmergency(ctx context.Context, doctor *User, in EmergencyInput, actx AuditContext) (int64, error) {
	if doctor == nil || doctor.Kind != KindDoctor {
		return 0, NotFound("")
	}
	in, err := cleanEmergency(in)
	if err != nil {
		return 0, err
	}
	now := s.now()
	if err := s.emergencyCap(ctx, doctor.ID, now); err != nil {
		if aerr := s.auditEmergency(ctx, actx.Entry(AuditEmergencyRequest, "emergency", "", OutcomeDenied), now, "rate_limited"); aerr != nil {
			return 0, aerr
		}
		return 0, err
	}
	patient, err := s.findPatient(ctx, in.Identifier)
	if err != nil {
		return 0, err
	}
	if patient == nil {
		if err := s.auditEmergency(ctx, actx.Entry(AuditEmergencyRequest, "emergency", "", OutcomeFailure), now, "no_match"); err != nil {
			return 0, err
		}
		return 0, Invalid("identifier", "emergency.identifier.no_match")
	}
	row := EmergencyAccess{DoctorID: doctor.ID, PatientID: patient.ID, Reason: in.Reason, JustificationEnc: "-",
		CreatedAt: now, ExpiresAt: now.Add(s.EmergencyDuration()), ReviewStatus: EmergencyPending}
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			return fmt.Errorf("emergency: insert: %w", err)
		}
		ct, err := s.keys().EncryptString(in.Justification, emergencyAD("justification", row.ID, patient.ID))
		if err != nil {
			return err
		}
		if err := tx.Model(&row).Update("justification_enc", ct).Error; err != nil {
			return fmt.Errorf("emergency: store justification: %w", err)
		}
		e := actx.Entry(AuditEmergencyRequest, "emergency", idString(row.ID), OutcomeSuccess)
		e.OccurredAt = now
		_, err = AppendAudit(tx, e.With(map[string]string{"reason": in.Reason, "patient_id": idString(patient.ID),
			"expires_at": row.ExpiresAt.Format(time.RFC3339)}))
		return err
	})
	if err != nil {
		return 0, err
	}
	s.Accounts.Tell(ctx, patient, "emergency.notice.subject", "emergency.notice.body")
	return row.ID, nil
}

// auditEmergency appends a request attempt that changed nothing.
func (s *Consultations) auditEmergency(ctx context.Context, e AuditEntry, now time.Time, result string) error {
	e.OccurredAt = now
	return s.Accounts.AuditEvent(ctx, e.With(map[string]string{"result": result}))
}

// emergencyCap refuses a doctor who already had EmergencyDailyCap accesses, or made
// EmergencyAttemptCap attempts, in the last 24 hours: break-glass is for rare cases,
// and failed attempts would otherwise let a doctor probe who is a patient.
func (s *Consultations) emergencyCap(ctx context.Context, doctorID int64, now time.Time) error {
	since := now.Add(-24 * time.Hour)
	var granted, attempts int64
	if err := s.DB.WithContext(ctx).Model(&EmergencyAccess{}).Where("doctor_id = ? AND created_at > ?", doctorID, since).
		Count(&granted).Error; err != nil {
		return fmt.Errorf("emergency: cap: %w", err)
	}
	if err := s.DB.WithContext(ctx).Model(&AuditEntry{}).
		Where("actor_kind = ? AND actor_id = ? AND action = ? AND occurred_at > ?", ActorDoctor, doctorID, AuditEmergencyRequest, since).
		Count(&attempts).Error; err != nil {
		return fmt.Errorf("emergency: attempts: %w", err)
	}
	if granted >= EmergencyDailyCap || attempts >= EmergencyAttemptCap {
		return RateLimited("emergency.rate_limited")
	}
	return nil
}

// findPatient returns the one active patient whose phone number or ID-document
// number is exactly identifier, through the blind indexes; nil when none or when
// the number is not unique (exact means exactly one).
func (s *Consultations) findPatient(ctx context.Context, identifier string) (*User, error) {
	q := s.DB.WithContext(ctx).Model(&User{}).Where("users.kind = ? AND users.status = ?", KindPatient, StatusActive)
	if phone, ok := NormalizePhone(identifier); ok {
		q = q.Where("users.phone_index = ?", s.Accounts.ContactIndex(LoginPhone, phone))
	} else {
		idx := s.Accounts.IDNumberIndex(identifier)
		if idx == nil {
			return nil, nil
		}
		q = q.Joins("JOIN identities ON identities.user_id = users.id").Where("identities.id_number_index = ?", *idx)
	}
	var users []User
	if err := q.Select("users.*").Limit(2).Find(&users).Error; err != nil {
		return nil, fmt.Errorf("emergency: find patient: %w", err)
	}
	if len(users) != 1 {
		return nil, nil
	}
	return &users[0], nil
}

// EmergencyView is an emergency access as its doctor sees it, while it is open:
// the masked patient and the critical sections only.
type EmergencyView struct {
	ID        int64
	Reason    string
	CreatedAt time.Time
	ExpiresAt time.Time
	Patient   MaskedPatient
	Profile   *HealthProfile // CriticalSections only
	Sections  []string
}

// EmergencyForDoctor returns doctor's open emergency access id with the patient's
// critical sections, read (and logged, basis emergency) through the scoped rule.
// Anyone else's, or an expired one, is NotFound.
func (s *Consultations) EmergencyForDoctor(ctx context.Context, doctor *User, id int64, requestID string) (*EmergencyView, error) {
	if doctor == nil || doctor.Kind != KindDoctor {
		return nil, NotFound("")
	}
	now := s.now()
	var row EmergencyAccess
	q := s.DB.WithContext(ctx).Table("emergency_accesses AS e").Select("e.*")
	err := emergencyWhere(q, doctor.ID, id, now).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, NotFound("")
	}
	if err != nil {
		return nil, fmt.Errorf("emergency: load: %w", err)
	}
	masked, err := s.maskedPatients(ctx, []int64{row.PatientID}, now)
	if err != nil {
		return nil, err
	}
	prof, sections, err := s.Health.ForDoctor(ctx, doctor, EmergencyBasis(row.ID), requestID)
	if err != nil {
		return nil, err
	}
	return &EmergencyView{ID: row.ID, Reason: row.Reason, CreatedAt: row.CreatedAt, ExpiresAt: row.ExpiresAt,
		Patient: masked[row.PatientID], Profile: prof, Sections: sections}, nil
}

// EmergencySummary is one of a doctor's recent accesses. The masked patient is
// there only while the access is open.
type EmergencySummary struct {
	ID           int64
	Reason       string
	CreatedAt    time.Time
	ExpiresAt    time.Time
	Open         bool
	ReviewStatus string
	Patient      *MaskedPatient
}

// DoctorEmergencies returns doctor's EmergencyPage most recent accesses, newest
// first (two queries).
func (s *Consultations) DoctorEmergencies(ctx context.Context, doctor *User) ([]EmergencySummary, error) {
	var rows []EmergencyAccess
	if err := s.DB.WithContext(ctx).Where("doctor_id = ?", doctor.ID).Order("id DESC").Limit(EmergencyPage).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("emergency: recent: %w", err)
	}
	now := s.now()
	var open []int64
	for _, r := range rows {
		if now.Before(r.ExpiresAt) {
			open = append(open, r.PatientID)
		}
	}
	masked, err := s.maskedPatients(ctx, open, now)
	if err != nil {
		return nil, err
	}
	out := make([]EmergencySummary, len(rows))
	for i, r := range rows {
		out[i] = EmergencySummary{ID: r.ID, Reason: r.Reason, CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt,
			Open: now.Before(r.ExpiresAt), ReviewStatus: r.ReviewStatus}
		if out[i].Open {
			p := masked[r.PatientID]
			out[i].Patient = &p
		}
	}
	return out, nil
}
