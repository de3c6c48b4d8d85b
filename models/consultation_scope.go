package models

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
)

// This file is the one scoped rule by which a doctor reads patient data
// (DESIGN.md §4 invariant 1). A doctor's read names its basis — a consultation or an
// emergency access — and every query that returns patient data for it goes through
// grantWhere (consultations) or emergencyWhere (break-glass), so the same
// conditions hold everywhere: the grant is this doctor's, not revoked, its window
// open, the item in scope, and (for consultations) the health-information consent
// not withdrawn. Outside it a row simply does not come back: 404, never 403.

// DoctorBasis is why a doctor reads: BasisConsultation or BasisEmergency with its id.
type DoctorBasis struct {
	Kind string
	ID   int64
}

// Consultation returns the basis of consultation id.
func ConsultationBasis(id int64) DoctorBasis { return DoctorBasis{Kind: BasisConsultation, ID: id} }

// EmergencyBasis returns the basis of emergency access id.
func EmergencyBasis(id int64) DoctorBasis { return DoctorBasis{Kind: BasisEmergency, ID: id} }

// healthConsentSQL is true when the patient's newest decision on the
// health-information purpose (scope "") is an acceptance; it is opt-in, so no
// decision at all is false. c is the consultation alias.
const healthConsentSQL = "(SELECT cr.decision FROM consent_records cr WHERE cr.user_id = c.patient_id AND cr.purpose = ? " +
	"AND cr.scope = '' AND cr.decision <> ? ORDER BY cr.id DESC LIMIT 1) = ?"

// grantWhere narrows q, which has consultations as alias c, to consultation id
// of doctorID with its grant active at now and the health consent standing.
func grantWhere(q *gorm.DB, doctorID, id int64, now time.Time) *gorm.DB {
	return q.Where("c.id = ? AND c.doctor_id = ?", id, doctorID).
		Where("c.grant_revoked_at IS NULL AND (c.grant_until IS NULL OR c.grant_until > ?)", now.UTC()).
		Where(healthConsentSQL, PurposeHealthData, DecisionNoticeShown, DecisionAccepted)
}

// emergencyWhere narrows q, which has emergency_accesses as alias e, to access id of
// doctorID while its window is open. Emergency access is the consent exception for
// protecting life (C2.2.4 (4)), so the consent is not asked.
func emergencyWhere(q *gorm.DB, doctorID, id int64, now time.Time) *gorm.DB {
	return q.Where("e.id = ? AND e.doctor_id = ? AND e.expires_at > ?", id, doctorID, now.UTC())
}

// grantedSections returns whose profile doctorID may read under b at now and which
// sections; ok is false when nothing is granted (the caller answers NotFound). One
// query.
func grantedSections(ctx context.Context, g *gorm.DB, doctorID int64, b DoctorBasis, now time.Time) (patientID int64, sections []string, ok bool, err error) {
	switch b.Kind {
	case BasisConsultation:
		var rows []struct {
			PatientID int64
			Item      string
		}
		q := g.WithContext(ctx).Table("consultations AS c").Select("c.patient_id, s.item").
			Joins("JOIN consultation_shares s ON s.consultation_id = c.id").Where("s.item IN ?", ProfileSections)
		if err := grantWhere(q, doctorID, b.ID, now).Scan(&rows).Error; err != nil {
			return 0, nil, false, fmt.Errorf("scope: sections: %w", err)
		}
		for _, r := range rows {
			patientID = r.PatientID
			sections = append(sections, r.Item)
		}
		return patientID, Scope{Sections: sections}.normal().Sections, len(sections) > 0, nil
	case BasisEmergency:
		var ids []int64
		q := g.WithContext(ctx).Table("emergency_accesses AS e").Select("e.patient_id")
		if err := emergencyWhere(q, doctorID, b.ID, now).Limit(1).Scan(&ids).Error; err != nil {
			return 0, nil, false, fmt.Errorf("scope: emergency: %w", err)
		}
		if len(ids) == 0 {
			return 0, nil, false, nil
		}
		return ids[0], slices.Clone(CriticalSections), true, nil
	}
	return 0, nil, false, nil
}

// grantedDocuments narrows a documents query to those doctorID may read under
// consultation id at now: the document's owner is the consultation's patient, and
// either its whole category or the document itself is shared. Emergency access
// covers no documents.
func grantedDocuments(tx *gorm.DB, doctorID int64, b DoctorBasis, now time.Time) *gorm.DB {
	if b.Kind != BasisConsultation || now.IsZero() { // no clock, no window: deny
		return tx.Where("1 = 0")
	}
	q := tx.Joins("JOIN consultations c ON c.patient_id = documents.user_id").
		Where("EXISTS (SELECT 1 FROM consultation_shares s WHERE s.consultation_id = c.id AND "+
			"((s.item = documents.category AND s.document_id = 0) OR (s.item = ? AND s.document_id = documents.id)))", shareDocument)
	return grantWhere(q, doctorID, b.ID, now)
}

// ForDoctor returns the sections of the patient's current profile that doctorID may
// read under b, after logging the read in the patient's access log (same handle,
// before anything is returned). NotFound when no section is granted; a patient with
// nothing saved yet gives an empty profile (still logged: the doctor learned that).
func (h *HealthProfiles) ForDoctor(ctx context.Context, doctor *User, b DoctorBasis, requestID string) (*HealthProfile, []string, error) {
	if doctor == nil || doctor.Kind != KindDoctor {
		return nil, nil, NotFound("")
	}
	now := h.Now().UTC()
	patientID, sections, ok, err := grantedSections(ctx, h.DB, doctor.ID, b, now)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return nil, nil, NotFound("")
	}
	row, err := h.latest(h.DB.WithContext(ctx), patientID)
	if err != nil {
		return nil, nil, err
	}
	p := &HealthProfile{OwnerID: patientID}
	if row != nil {
		if p, err = h.profile(row); err != nil {
			return nil, nil, err
		}
		p.Data = p.Data.only(sections)
	}
	entry := AccessEntry{PatientID: patientID, ViewerID: doctor.ID, ViewerKind: KindDoctor, ItemType: ItemHealthProfile,
		ItemID: idString(patientID), Basis: b.Kind, BasisID: &b.ID, RequestID: requestID, CreatedAt: now}
	if err := LogAccess(h.DB.WithContext(ctx), entry); err != nil {
		return nil, nil, err
	}
	return p, sections, nil
}

// only keeps the given sections of d and clears the rest.
func (d HealthData) only(sections []string) HealthData {
	var out HealthData
	if slices.Contains(sections, SectionAllergies) {
		out.Allergies = d.Allergies
	}
	if slices.Contains(sections, SectionDiagnoses) {
		out.Diagnoses = d.Diagnoses
	}
	if slices.Contains(sections, SectionHistories) {
		out.PastHistory, out.PersonalHistory, out.MaritalHistory, out.FamilyHistory =
			d.PastHistory, d.PersonalHistory, d.MaritalHistory, d.FamilyHistory
	}
	if slices.Contains(sections, SectionBasics) {
		out.Height, out.Weight, out.MaritalStatus = d.Height, d.Weight, d.MaritalStatus
	}
	return out
}
