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

// Consultation states: new until the doctor first answers, then active; closed by
// either side. Closing starts the grant's remaining window (share_days).
const (
	ConsultationNew    = "new"
	ConsultationActive = "active"
	ConsultationClosed = "closed"
)

// ConsultationStatuses lists the states in queue order.
var ConsultationStatuses = []string{ConsultationNew, ConsultationActive, ConsultationClosed}

// Profile sections a patient can share (the health profile is one encrypted
// document; a doctor is shown only the granted sections of it).
const (
	SectionAllergies = "allergies" // drug allergies
	SectionDiagnoses = "diagnoses"
	SectionHistories = "histories" // past, personal, marital/childbearing, family
	SectionBasics    = "basics"    // height, weight, marital status
)

// ProfileSections lists the shareable sections in display order.
var ProfileSections = []string{SectionAllergies, SectionDiagnoses, SectionHistories, SectionBasics}

// CriticalSections are what emergency access may read: the items a treating doctor
// needs to avoid harm.
var CriticalSections = []string{SectionAllergies, SectionDiagnoses, SectionHistories}

// shareDocument is the item of a single shared document (document_id set).
const shareDocument = "document"

// Limits of a consultation.
const (
	MaxQuestion      = 2000 // characters
	MaxMessage       = 2000 // characters
	MaxShareDays     = 7    // the longest window after close, and the default
	MaxSharedDocs    = 50   // single documents per grant
	MaxThread        = 200  // messages shown per consultation
	ConsultationPage = 20   // queue and list page size
)

// ShareDayChoices are the windows after close a patient may pick.
var ShareDayChoices = []int{0, 1, 3, 7}

// Message kinds: an ordinary message, or the doctor's closing advice.
const (
	MessageText   = "message"
	MessageAdvice = "advice"
)

// Audit actions of consultations and grants (details never carry a text).
const (
	AuditConsultationStart = "consultation.start"
	AuditGrantChange       = "consultation.grant.change"
	AuditGrantRevoke       = "consultation.grant.revoke"
	AuditConsultationClose = "consultation.close"
	AuditGrantsEnded       = "consultation.grant.end_on_withdrawal"
)

// Consultation is a row of consultations (migrations/*/0017_consultations.sql).
type Consultation struct {
	ID             int64
	PatientID      int64
	DoctorID       int64
	Status         string
	QuestionEnc    string
	ShareDays      int
	GrantRevokedAt *time.Time
	GrantUntil     *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
	ClosedAt       *time.Time
}

// TableName maps Consultation to consultations.
func (Consultation) TableName() string { return "consultations" }

// ConsultationShare is one item of a consultation's grant.
type ConsultationShare struct {
	ConsultationID int64 `gorm:"primaryKey"`
	Item           string
	DocumentID     int64
}

// TableName maps ConsultationShare to consultation_shares.
func (ConsultationShare) TableName() string { return "consultation_shares" }

// ConsultationMessage is one message of a consultation's thread.
type ConsultationMessage struct {
	ID             int64
	ConsultationID int64
	SenderID       int64
	Kind           string
	BodyEnc        string
	CreatedAt      time.Time
}

// TableName maps ConsultationMessage to consultation_messages.
func (ConsultationMessage) TableName() string { return "consultation_messages" }

func consultationAD(column string, id, patientID int64) keys.AD {
	return keys.AD{Table: "consultations", Column: column, RowID: idString(id), OwnerID: patientID}
}

func messageAD(id, patientID int64) keys.AD {
	return keys.AD{Table: "consultation_messages", Column: "body", RowID: idString(id), OwnerID: patientID}
}

// GrantActive reports whether c's grant lets its doctor read at now: not revoked,
// and the consultation open or its window after close not yet over. It is the Go
// twin of the SQL in activeGrant; both must agree (tested).
func (c *Consultation) GrantActive(now time.Time) bool {
	if c.GrantRevokedAt != nil {
		return false
	}
	return c.GrantUntil == nil || now.Before(*c.GrantUntil)
}

// Scope is what a patient shares in one consultation.
type Scope struct {
	Sections    []string // ProfileSections
	Categories  []string // DocumentCategories, whole
	DocumentIDs []int64  // single documents
}

// Empty reports whether nothing is shared.
func (s Scope) Empty() bool {
	return len(s.Sections) == 0 && len(s.Categories) == 0 && len(s.DocumentIDs) == 0
}

// ConsultationScopeKey is the consent-record scope of a consultation's grant: every
// decision on it (given, changed, revoked) is a doctor_sharing record with this
// scope; what each change covered is in its audit row (scopeDetails) and the current
// items in consultation_shares.
func ConsultationScopeKey(id int64) string { return fmt.Sprintf("consultation:%d", id) }

func (s Scope) rows(consultationID int64) []ConsultationShare {
	var out []ConsultationShare
	for _, v := range s.Sections {
		out = append(out, ConsultationShare{ConsultationID: consultationID, Item: v})
	}
	for _, v := range s.Categories {
		out = append(out, ConsultationShare{ConsultationID: consultationID, Item: v})
	}
	for _, id := range s.DocumentIDs {
		out = append(out, ConsultationShare{ConsultationID: consultationID, Item: shareDocument, DocumentID: id})
	}
	return out
}

func scopeOf(rows []ConsultationShare) Scope {
	var s Scope
	for _, r := range rows {
		switch {
		case r.Item == shareDocument:
			s.DocumentIDs = append(s.DocumentIDs, r.DocumentID)
		case slices.Contains(ProfileSections, r.Item):
			s.Sections = append(s.Sections, r.Item)
		case slices.Contains(DocumentCategories, r.Item):
			s.Categories = append(s.Categories, r.Item)
		}
	}
	return s.normal()
}

// normal sorts sections and categories into display order and removes repeats.
func (s Scope) normal() Scope {
	order := func(list, all []string) []string {
		var out []string
		for _, v := range all {
			if slices.Contains(list, v) {
				out = append(out, v)
			}
		}
		return out
	}
	s.Sections = order(s.Sections, ProfileSections)
	s.Categories = order(s.Categories, DocumentCategories)
	ids := slices.Clone(s.DocumentIDs)
	slices.Sort(ids)
	s.DocumentIDs = slices.Compact(ids)
	return s
}

// Consultations is the consultation domain: starting one with a grant, the thread,
// closing, the patient's grant controls, and every doctor read of patient data
// (consultation_scope.go). Accounts gives keys, identities and notices.
type Consultations struct {
	DB       *gorm.DB
	Accounts *Accounts
	Docs     *Documents
	Health   *HealthProfiles
	Policies *Policies
	Now      func() time.Time
	// EmergencyWindow is how long break-glass access lasts (default 4 hours).
	EmergencyWindow time.Duration
}

func (s *Consultations) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

func (s *Consultations) keys() *keys.Keyring { return s.Accounts.Keys }

// StartInput is what the start form submits.
type StartInput struct {
	DoctorID  int64
	Question  string
	Scope     Scope
	ShareDays int
}

// StartPreview is the confirmation screen: the doctor, the exact items they will
// see (documents by title), and how long.
type StartPreview struct {
	Input     StartInput
	Doctor    DirectoryDoctor
	Documents []DocumentView // the single documents shared, owner's view
}

// validateStart checks in against the patient's own data: the doctor is verified,
// the question is present and bounded, the scope names known items and the
// patient's own documents, the window is a listed choice, and sharing anything
// needs the health-information consent. Problems go to their fields.
func (s *Consultations) validateStart(ctx context.Context, tx *gorm.DB, patient *User, in *StartInput) (*StartPreview, error) {
	var p Problems
	in.Question = strings.TrimSpace(in.Question)
	switch n := utf8.RuneCountInString(in.Question); {
	case n == 0:
		p.Add("question", "consult.question.required")
	case n > MaxQuestion:
		p.Add("question", "consult.question.too_long")
	}
	if !slices.Contains(ShareDayChoices, in.ShareDays) {
		p.Add("share_days", "consult.share_days.invalid")
	}
	known := true
	for _, v := range in.Scope.Sections {
		known = known && slices.Contains(ProfileSections, v)
	}
	for _, v := range in.Scope.Categories {
		known = known && slices.Contains(DocumentCategories, v)
	}
	if !known {
		p.Add("scope", "consult.scope.invalid")
	}
	in.Scope = in.Scope.normal()
	if len(in.Scope.DocumentIDs) > MaxSharedDocs {
		p.Add("scope", "consult.scope.too_many")
	}
	doctor, err := DirectoryDoctorByID(ctx, tx, in.DoctorID)
	if err != nil {
		return nil, err
	}
	pv := &StartPreview{Input: *in, Doctor: *doctor}
	if len(in.Scope.DocumentIDs) > 0 && len(p) == 0 {
		docs, err := s.ownDocuments(ctx, tx, patient.ID, in.Scope.DocumentIDs)
		if err != nil {
			return nil, err
		}
		if len(docs) != len(in.Scope.DocumentIDs) {
			p.Add("scope", "consult.scope.invalid")
		}
		pv.Documents = docs
	}
	if !in.Scope.Empty() {
		ok, err := HasConsent(ctx, tx, patient.ID, PurposeHealthData, "")
		if err != nil {
			return nil, err
		}
		if !ok {
			p.Add("scope", "consult.scope.consent")
		}
	}
	if len(p) > 0 {
		return pv, p
	}
	return pv, nil
}

// ownDocuments returns the patient's own documents among ids (owner reads, no log).
func (s *Consultations) ownDocuments(ctx context.Context, tx *gorm.DB, patientID int64, ids []int64) ([]DocumentView, error) {
	var rows []Document
	if err := tx.WithContext(ctx).Where("user_id = ? AND id IN ?", patientID, ids).Order("doc_date DESC, id DESC").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("consult: documents: %w", err)
	}
	out := make([]DocumentView, 0, len(rows))
	for i := range rows {
		v, err := s.Docs.view(&rows[i], false)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Preview validates a start request and returns the confirmation screen's content;
// nothing is stored. Problems (with the preview, when the doctor exists) on bad input.
func (s *Consultations) Preview(ctx context.Context, patient *User, in StartInput) (*StartPreview, error) {
	return s.validateStart(ctx, s.DB, patient, &in)
}

// Start opens a consultation with its grant after the patient confirmed the
// preview: the consultation, its shares, and a doctor_sharing consent record
// scoped to it commit together, with the audit row. The doctor gets a notice.
func (s *Consultations) Start(ctx context.Context, patient *User, in StartInput, cc ConsentContext, actx AuditContext) (int64, error) {
	now := s.now()
	var c Consultation
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := s.validateStart(ctx, tx, patient, &in); err != nil {
			return err
		}
		c = Consultation{PatientID: patient.ID, DoctorID: in.DoctorID, Status: ConsultationNew, ShareDays: in.ShareDays,
			QuestionEnc: "-", CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&c).Error; err != nil {
			return fmt.Errorf("consult: insert: %w", err)
		}
		ct, err := s.keys().EncryptString(in.Question, consultationAD("question", c.ID, patient.ID))
		if err != nil {
			return err
		}
		if err := tx.Model(&c).Update("question_enc", ct).Error; err != nil {
			return fmt.Errorf("consult: store question: %w", err)
		}
		if err := s.writeScope(ctx, tx, patient, &c, in.Scope, cc, now); err != nil {
			return err
		}
		_, err = AppendAudit(tx, actx.Entry(AuditConsultationStart, "consultation", idString(c.ID), OutcomeSuccess).
			With(scopeDetails(in.Scope, in.ShareDays)))
		return err
	})
	if err != nil {
		return 0, err
	}
	if doctor, err := s.Accounts.User(ctx, in.DoctorID); err == nil {
		s.Accounts.Tell(ctx, doctor, "consult.notice.new.subject", "consult.notice.new.body")
	}
	return c.ID, nil
}

// writeScope replaces c's shares with scope and records the grant as a consent
// (accepted with the scope text, or withdrawn when nothing is left).
func (s *Consultations) writeScope(ctx context.Context, tx *gorm.DB, patient *User, c *Consultation, scope Scope, cc ConsentContext, now time.Time) error {
	if err := tx.Where("consultation_id = ?", c.ID).Delete(&ConsultationShare{}).Error; err != nil {
		return fmt.Errorf("consult: clear shares: %w", err)
	}
	if rows := scope.rows(c.ID); len(rows) > 0 {
		if err := tx.Create(&rows).Error; err != nil {
			return fmt.Errorf("consult: shares: %w", err)
		}
	}
	pv, err := s.currentPolicy(ctx)
	if err != nil {
		return err
	}
	decision := DecisionAccepted
	if scope.Empty() {
		decision = DecisionWithdrawn
	}
	_, err = RecordConsent(tx, patient.ID, PurposeDoctorSharing, ConsultationScopeKey(c.ID), decision, pv, cc, now)
	return err
}

func (s *Consultations) currentPolicy(ctx context.Context) (*PolicyVersion, error) {
	if s.Policies == nil {
		return nil, nil
	}
	pv, err := s.Policies.Current(ctx)
	if err != nil && !IsNotFound(err) {
		return nil, err
	}
	return pv, nil
}

func scopeDetails(sc Scope, days int) map[string]string {
	return map[string]string{"sections": strings.Join(sc.Sections, ","), "categories": strings.Join(sc.Categories, ","),
		"documents": fmt.Sprint(len(sc.DocumentIDs)), "share_days": fmt.Sprint(days)}
}

// patientConsultation loads consultation id of patient (for update when lock),
// NotFound otherwise.
func patientConsultation(tx *gorm.DB, patientID, id int64) (*Consultation, error) {
	var c Consultation
	err := tx.Where("id = ? AND patient_id = ?", id, patientID).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, NotFound("")
	}
	if err != nil {
		return nil, fmt.Errorf("consult: load: %w", err)
	}
	return &c, nil
}

// ChangeScope replaces the grant of the patient's consultation id, while it is
// active. The change takes effect on the doctor's next request.
func (s *Consultations) ChangeScope(ctx context.Context, patient *User, id int64, scope Scope, cc ConsentContext, actx AuditContext) error {
	now := s.now()
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, err := patientConsultation(tx, patient.ID, id)
		if err != nil {
			return err
		}
		if !c.GrantActive(now) {
			return Conflict("", "consult.grant.ended")
		}
		in := StartInput{DoctorID: c.DoctorID, Question: "-", Scope: scope, ShareDays: c.ShareDays}
		if _, err := s.validateStart(ctx, tx, patient, &in); err != nil {
			return err
		}
		if err := s.writeScope(ctx, tx, patient, c, in.Scope, cc, now); err != nil {
			return err
		}
		if err := tx.Model(c).Update("updated_at", now).Error; err != nil {
			return err
		}
		_, err = AppendAudit(tx, actx.Entry(AuditGrantChange, "consultation", idString(c.ID), OutcomeSuccess).
			With(scopeDetails(in.Scope, c.ShareDays)))
		return err
	})
}

// Revoke ends the grant of the patient's consultation id at once (the thread stays).
// Revoking an ended grant is a no-op.
func (s *Consultations) Revoke(ctx context.Context, patient *User, id int64, cc ConsentContext, actx AuditContext) error {
	now := s.now()
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, err := patientConsultation(tx, patient.ID, id)
		if err != nil {
			return err
		}
		if c.GrantRevokedAt != nil {
			return nil
		}
		if err := tx.Model(c).Updates(map[string]any{"grant_revoked_at": now, "updated_at": now}).Error; err != nil {
			return fmt.Errorf("consult: revoke: %w", err)
		}
		pv, err := s.currentPolicy(ctx)
		if err != nil {
			return err
		}
		if _, err := RecordConsent(tx, patient.ID, PurposeDoctorSharing, ConsultationScopeKey(c.ID), DecisionWithdrawn, pv, cc, now); err != nil {
			return err
		}
		_, err = AppendAudit(tx, actx.Entry(AuditGrantRevoke, "consultation", idString(c.ID), OutcomeSuccess))
		return err
	})
}

// EndGrantsOnHealthWithdrawal is the withdrawal effect of the health-data purpose:
// every grant of the patient ends in the withdrawal's own transaction. (The scoped
// query also checks the consent, so this is the record of it, not the only guard.)
func EndGrantsOnHealthWithdrawal(ctx context.Context, tx *gorm.DB, userID int64, purpose string, at time.Time) error {
	if purpose != PurposeHealthData {
		return nil
	}
	res := tx.WithContext(ctx).Model(&Consultation{}).Where("patient_id = ? AND grant_revoked_at IS NULL AND (grant_until IS NULL OR grant_until > ?)", userID, at.UTC()).
		Updates(map[string]any{"grant_revoked_at": at.UTC(), "updated_at": at.UTC()})
	return res.Error
}
