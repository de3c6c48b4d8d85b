package models

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/mask"
)

// ConsultationDoctor is the doctor of a consultation as the patient sees them (the
// public card, read from the profile even if the doctor is no longer listed).
type ConsultationDoctor struct {
	UserID                                int64
	RealName, Title, Hospital, Department string
}

// ConsultationSummary is one row of a patient's list or a doctor's queue.
type ConsultationSummary struct {
	ID          int64
	Status      string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	ClosedAt    *time.Time
	GrantActive bool
	GrantUntil  *time.Time
	Revoked     bool
	ShareDays   int                // the grant's window after close
	Doctor      ConsultationDoctor // patient's list
	Patient     *MaskedPatient     // doctor's queue, while the grant is active
}

// MaskedPatient is all a doctor learns of who the patient is: a masked name
// (张*), an age in whole years (0 unknown) and a gender code ("" unknown).
type MaskedPatient struct {
	Name   string
	Age    int
	Gender string
}

// ConsultationCursor is the keyset position of a list page: updated_at and id.
type ConsultationCursor struct {
	At time.Time
	ID int64
}

// String encodes the cursor for a query string.
func (c *ConsultationCursor) String() string {
	if c == nil {
		return ""
	}
	return strconv.FormatInt(c.At.UnixMicro(), 10) + "_" + strconv.FormatInt(c.ID, 10)
}

// ParseConsultationCursor reads String's form; nil for "" or anything malformed.
func ParseConsultationCursor(s string) *ConsultationCursor {
	a, b, ok := strings.Cut(s, "_")
	if !ok {
		return nil
	}
	us, err1 := strconv.ParseInt(a, 10, 64)
	id, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil || id <= 0 {
		return nil
	}
	return &ConsultationCursor{At: time.UnixMicro(us).UTC(), ID: id}
}

func summaryOf(c *Consultation, now time.Time) ConsultationSummary {
	return ConsultationSummary{ID: c.ID, Status: c.Status, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, ClosedAt: c.ClosedAt,
		GrantActive: c.GrantActive(now), GrantUntil: c.GrantUntil, Revoked: c.GrantRevokedAt != nil, ShareDays: c.ShareDays}
}

// page applies the keyset cursor and limit, newest first.
func page(q *gorm.DB, after *ConsultationCursor) *gorm.DB {
	if after != nil {
		q = q.Where("c.updated_at < ? OR (c.updated_at = ? AND c.id < ?)", after.At, after.At, after.ID)
	}
	return q.Order("c.updated_at DESC, c.id DESC").Limit(ConsultationPage + 1)
}

func cut(rows []Consultation) ([]Consultation, *ConsultationCursor) {
	if len(rows) <= ConsultationPage {
		return rows, nil
	}
	rows = rows[:ConsultationPage]
	last := rows[ConsultationPage-1]
	return rows, &ConsultationCursor{At: last.UpdatedAt, ID: last.ID}
}

// PatientList returns a page of the patient's consultations with their doctors,
// newest activity first: two queries whatever the page size.
func (s *Consultations) PatientList(ctx context.Context, patient *User, after *ConsultationCursor) ([]ConsultationSummary, *ConsultationCursor, error) {
	var rows []Consultation
	q := s.DB.WithContext(ctx).Table("consultations AS c").Select("c.*").Where("c.patient_id = ?", patient.ID)
	if err := page(q, after).Find(&rows).Error; err != nil {
		return nil, nil, fmt.Errorf("consult: list: %w", err)
	}
	rows, next := cut(rows)
	ids := make([]int64, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.DoctorID)
	}
	doctors, err := s.doctorCards(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	now := s.now()
	out := make([]ConsultationSummary, len(rows))
	for i := range rows {
		out[i] = summaryOf(&rows[i], now)
		out[i].Doctor = doctors[rows[i].DoctorID]
	}
	return out, next, nil
}

func (s *Consultations) doctorCards(ctx context.Context, ids []int64) (map[int64]ConsultationDoctor, error) {
	out := map[int64]ConsultationDoctor{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []ConsultationDoctor
	err := s.DB.WithContext(ctx).Table("doctor_profiles").Select("user_id, real_name, title, hospital, department").
		Where("user_id IN ?", ids).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("consult: doctors: %w", err)
	}
	for _, r := range rows {
		out[r.UserID] = r
	}
	return out, nil
}

// PatientConsultation is one consultation as its patient sees it.
type PatientConsultation struct {
	ConsultationSummary
	ShareDays  int
	Question   string
	Messages   []MessageView
	Scope      Scope
	SharedDocs []DocumentView // the single documents shared, by title
}

// ForPatient returns the patient's consultation id; NotFound for anyone else's.
func (s *Consultations) ForPatient(ctx context.Context, patient *User, id int64) (*PatientConsultation, error) {
	c, err := patientConsultation(s.DB.WithContext(ctx), patient.ID, id)
	if err != nil {
		return nil, err
	}
	out := &PatientConsultation{ConsultationSummary: summaryOf(c, s.now()), ShareDays: c.ShareDays}
	doctors, err := s.doctorCards(ctx, []int64{c.DoctorID})
	if err != nil {
		return nil, err
	}
	out.Doctor = doctors[c.DoctorID]
	if out.Question, err = s.question(c); err != nil {
		return nil, err
	}
	if out.Messages, err = s.thread(ctx, c, patient.ID); err != nil {
		return nil, err
	}
	var shares []ConsultationShare
	if err := s.DB.WithContext(ctx).Where("consultation_id = ?", c.ID).Find(&shares).Error; err != nil {
		return nil, fmt.Errorf("consult: shares: %w", err)
	}
	out.Scope = scopeOf(shares)
	if len(out.Scope.DocumentIDs) > 0 {
		if out.SharedDocs, err = s.ownDocuments(ctx, s.DB, patient.ID, out.Scope.DocumentIDs); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// QueueCounts is how many of a doctor's consultations are in each state.
type QueueCounts struct{ New, Active, Closed int64 }

// Queue is one page of a doctor's consultations in one state, with the counts.
type Queue struct {
	Status string
	Counts QueueCounts
	Items  []ConsultationSummary
	Next   *ConsultationCursor
}

// Queue returns doctor's consultations in status (new when ""), newest activity
// first, with the counts of every state and each patient masked (only while the
// grant is active). Three queries whatever the number of rows: the counts, the
// page, and the page's identities.
func (s *Consultations) Queue(ctx context.Context, doctor *User, status string, after *ConsultationCursor) (*Queue, error) {
	if status == "" {
		status = ConsultationNew
	}
	if !slices.Contains(ConsultationStatuses, status) {
		return nil, Invalid("status", "consult.queue.status")
	}
	out := &Queue{Status: status}
	var counts []struct {
		Status string
		N      int64
	}
	err := s.DB.WithContext(ctx).Table("consultations").Select("status, COUNT(*) AS n").
		Where("doctor_id = ?", doctor.ID).Group("status").Scan(&counts).Error
	if err != nil {
		return nil, fmt.Errorf("consult: counts: %w", err)
	}
	for _, c := range counts {
		switch c.Status {
		case ConsultationNew:
			out.Counts.New = c.N
		case ConsultationActive:
			out.Counts.Active = c.N
		case ConsultationClosed:
			out.Counts.Closed = c.N
		}
	}
	var rows []Consultation
	q := s.DB.WithContext(ctx).Table("consultations AS c").Select("c.*").Where("c.doctor_id = ? AND c.status = ?", doctor.ID, status)
	if err := page(q, after).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("consult: queue: %w", err)
	}
	rows, out.Next = cut(rows)
	now := s.now()
	var shown []int64
	for i := range rows {
		out.Items = append(out.Items, summaryOf(&rows[i], now))
		if rows[i].GrantActive(now) {
			shown = append(shown, rows[i].PatientID)
		}
	}
	masked, err := s.maskedPatients(ctx, shown, now)
	if err != nil {
		return nil, err
	}
	for i := range out.Items {
		if out.Items[i].GrantActive {
			p := masked[rows[i].PatientID]
			out.Items[i].Patient = &p
		}
	}
	return out, nil
}

// maskedPatients loads and masks the identities of ids in one query.
func (s *Consultations) maskedPatients(ctx context.Context, ids []int64, now time.Time) (map[int64]MaskedPatient, error) {
	out := map[int64]MaskedPatient{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []Identity
	if err := s.DB.WithContext(ctx).Where("user_id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("consult: identities: %w", err)
	}
	for _, r := range rows {
		name, err := s.Accounts.Open("identities", "real_name", r.UserID, r.UserID, r.RealNameEnc)
		if err != nil {
			return nil, err
		}
		bday, err := s.Accounts.Open("identities", "birthday", r.UserID, r.UserID, r.BirthdayEnc)
		if err != nil {
			return nil, err
		}
		out[r.UserID] = MaskedPatient{Name: mask.Name(name), Age: ageAt(bday, now), Gender: r.Gender}
	}
	return out, nil
}

// ageAt is the age in whole years on now's Beijing date of a YYYY-MM-DD birthday; 0
// when unknown.
func ageAt(birthday string, now time.Time) int {
	b, err := time.Parse(dateLayout, birthday)
	if err != nil {
		return 0
	}
	today := now.In(ChinaTime)
	age := today.Year() - b.Year()
	if today.Month() < b.Month() || (today.Month() == b.Month() && today.Day() < b.Day()) {
		age--
	}
	return max(age, 0)
}

// ClinicConsultation is one consultation as its doctor sees it: the question and
// thread always; the masked patient, the granted profile sections and documents
// only while the grant is active (each read logged for the patient).
type ClinicConsultation struct {
	ConsultationSummary
	ShareDays int
	Question  string
	Messages  []MessageView
	Sections  []string       // granted profile sections
	Profile   *HealthProfile // only the granted sections; nil when none
	Documents []DocumentView // granted documents, newest first
	MoreDocs  bool           // more granted documents than shown
}

// ForDoctor returns doctor's consultation id (NotFound for anyone else's). Patient
// data comes only through the scoped reads (HealthProfiles.ForDoctor and the
// documents' grantedDocuments), which log every item they return.
func (s *Consultations) ForDoctor(ctx context.Context, doctor *User, id int64, requestID string) (*ClinicConsultation, error) {
	if doctor == nil || doctor.Kind != KindDoctor {
		return nil, NotFound("")
	}
	c, err := participant(s.DB.WithContext(ctx), doctor, id)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := &ClinicConsultation{ConsultationSummary: summaryOf(c, now), ShareDays: c.ShareDays}
	if out.Question, err = s.question(c); err != nil {
		return nil, err
	}
	if out.Messages, err = s.thread(ctx, c, doctor.ID); err != nil {
		return nil, err
	}
	b := ConsultationBasis(c.ID)
	out.GrantActive, err = s.grantOpen(ctx, doctor.ID, c.ID, now)
	if err != nil || !out.GrantActive {
		return out, err
	}
	masked, err := s.maskedPatients(ctx, []int64{c.PatientID}, now)
	if err != nil {
		return nil, err
	}
	p := masked[c.PatientID]
	out.Patient = &p
	prof, sections, err := s.Health.ForDoctor(ctx, doctor, b, requestID)
	switch {
	case IsNotFound(err):
	case err != nil:
		return nil, err
	default:
		out.Profile, out.Sections = prof, sections
	}
	list, err := s.Docs.List(ctx, DocumentReader{UserID: doctor.ID, Basis: b, At: now, RequestID: requestID}, DocumentQuery{Limit: MaxDocumentPage})
	if err != nil {
		return nil, err
	}
	out.Documents, out.MoreDocs = list.Items, list.Next != ""
	return out, nil
}

// grantOpen reports whether consultation id's grant lets doctorID read at now (the
// scoped rule, whatever is in scope).
func (s *Consultations) grantOpen(ctx context.Context, doctorID, id int64, now time.Time) (bool, error) {
	var n int64
	q := s.DB.WithContext(ctx).Table("consultations AS c")
	if err := grantWhere(q, doctorID, id, now).Count(&n).Error; err != nil {
		return false, fmt.Errorf("consult: grant: %w", err)
	}
	return n > 0, nil
}

// DoctorReader is the document reader of doctor under consultation id now.
func (s *Consultations) DoctorReader(doctor *User, id int64, requestID string) DocumentReader {
	return DocumentReader{UserID: doctor.ID, Basis: ConsultationBasis(id), At: s.now(), RequestID: requestID}
}
