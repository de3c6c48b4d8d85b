package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
)

// Item types of the access log: what was read.
const (
	ItemHealthProfile = "health_profile"
	ItemDocument      = "document"
	ItemDocumentFile  = "document_file"
	ItemIdentity      = "identity"
	ItemAccessLog     = "access_log"
)

// AccessItemTypes lists the item types LogAccess accepts.
var AccessItemTypes = []string{ItemHealthProfile, ItemDocument, ItemDocumentFile, ItemIdentity, ItemAccessLog}

// Bases of a read: why the viewer could see the item.
const (
	BasisConsultation = "consultation" // a patient's grant; BasisID is the consultation
	BasisEmergency    = "emergency"    // break-glass; BasisID is the emergency access
	BasisDisclosure   = "disclosure"   // a staff disclosure
	BasisOwner        = "owner"        // the patient themself
)

// AccessBases lists the bases LogAccess accepts.
var AccessBases = []string{BasisConsultation, BasisEmergency, BasisDisclosure, BasisOwner}

// AccessEntry is one row of the patient-visible access log. Rows are only ever
// inserted through LogAccess; nothing updates or deletes them.
type AccessEntry struct {
	ID         int64 `gorm:"primaryKey"`
	PatientID  int64
	ViewerID   int64
	ViewerKind string // KindDoctor, KindStaff or KindPatient
	ItemType   string // one of AccessItemTypes
	ItemID     string // an internal id, never a title
	// ItemCategory is a document's category code (record, lab, …) for document and
	// document_file reads, copied at read time; "" otherwise.
	ItemCategory string
	Basis        string // one of AccessBases
	BasisID      *int64 // the consultation or emergency id; nil for owner and disclosure
	Emergency    bool
	CreatedAt    time.Time
	RequestID    string
}

// TableName maps AccessEntry to access_log.
func (AccessEntry) TableName() string { return "access_log" }

// LogAccess appends one access-log row.
//
// Contract: call it with the same *gorm.DB handle (the transaction, when there is
// one) that performed the read, in the same request, after the read succeeded and
// before anything of it is sent; if LogAccess fails, the read must fail too (return
// the error so the transaction rolls back). One call per item read per request.
// Emergency reads set Basis = BasisEmergency (Emergency is then forced true) and
// BasisID to the emergency access; consultation reads set BasisID to the
// consultation. CreatedAt defaults to the handle's clock (UTC). Never put a title,
// a name or a free text into ItemID: it is shown to the patient and kept forever.
func LogAccess(tx *gorm.DB, e AccessEntry) error {
	return LogAccesses(tx, []AccessEntry{e})
}

// LogAccesses appends several access-log rows (one per item read) in one statement,
// under the contract of LogAccess.
func LogAccesses(tx *gorm.DB, entries []AccessEntry) error {
	if len(entries) == 0 {
		return nil
	}
	rows := make([]AccessEntry, len(entries))
	for i, e := range entries {
		if err := checkAccessEntry(tx, &e); err != nil {
			return err
		}
		rows[i] = e
	}
	if err := tx.Create(&rows).Error; err != nil {
		return fmt.Errorf("access log: %w", err)
	}
	return nil
}

// checkAccessEntry validates e and fills its defaults.
func checkAccessEntry(tx *gorm.DB, e *AccessEntry) error {
	if e.PatientID <= 0 || e.ViewerID <= 0 {
		return errors.New("access log: patient and viewer are required")
	}
	if !slices.Contains([]string{KindDoctor, KindStaff, KindPatient}, e.ViewerKind) {
		return fmt.Errorf("access log: unknown viewer kind %q", e.ViewerKind)
	}
	if !slices.Contains(AccessItemTypes, e.ItemType) {
		return fmt.Errorf("access log: unknown item type %q", e.ItemType)
	}
	if !slices.Contains(AccessBases, e.Basis) {
		return fmt.Errorf("access log: unknown basis %q", e.Basis)
	}
	if len(e.ItemID) > 64 || len(e.ItemCategory) > 16 || len(e.RequestID) > 64 {
		return errors.New("access log: item id, category or request id too long")
	}
	if e.Basis == BasisOwner && (e.ViewerID != e.PatientID || e.ViewerKind != KindPatient) {
		return errors.New("access log: owner basis is for the patient themself")
	}
	if (e.Basis == BasisConsultation || e.Basis == BasisEmergency) && e.BasisID == nil {
		return fmt.Errorf("access log: basis %s needs its id", e.Basis)
	}
	if e.Basis == BasisEmergency {
		e.Emergency = true
	}
	e.ID = 0
	if e.CreatedAt.IsZero() {
		e.CreatedAt = tx.NowFunc()
	}
	e.CreatedAt = e.CreatedAt.UTC().Truncate(time.Microsecond)
	return nil
}

// AccessFilter narrows the access log. Zero values filter nothing.
type AccessFilter struct {
	ViewerKind    string    // KindDoctor, KindStaff or KindPatient
	Basis         string    // one of AccessBases
	EmergencyOnly bool      // only emergency reads
	From, To      time.Time // From inclusive, To exclusive
	IncludeOwn    bool      // also the patient's own reads (basis owner), hidden by default
}

// AccessViewer is how the patient sees who read: a doctor by real name, title,
// hospital and department; staff by their capabilities (a role, never a person);
// the patient themself as Self.
type AccessViewer struct {
	Kind                              string
	Self                              bool
	Name, Title, Hospital, Department string   // doctors only
	Caps                              []string // staff only
}

// AccessRow is one entry with its viewer.
type AccessRow struct {
	AccessEntry
	Viewer AccessViewer
}

// AccessPage is one page of the log, newest first; Next is the cursor of the next
// page (0 on the last).
type AccessPage struct {
	Rows []AccessRow
	Next int64
}

// MaxAccessPage is the largest page AccessLog returns.
const MaxAccessPage = 100

// AccessLog returns patientID's access log, newest first, filtered by f, from the
// cursor (an id; 0 for the first page), at most limit rows. It runs two queries
// whatever the number of rows: the entries, then their viewers' display data.
func AccessLog(ctx context.Context, g *gorm.DB, patientID int64, f AccessFilter, cursor int64, limit int) (AccessPage, error) {
	if limit <= 0 || limit > MaxAccessPage {
		limit = MaxAccessPage
	}
	q := g.WithContext(ctx).Model(&AccessEntry{}).Where("patient_id = ?", patientID)
	if cursor > 0 {
		q = q.Where("id < ?", cursor)
	}
	if f.ViewerKind != "" {
		q = q.Where("viewer_kind = ?", f.ViewerKind)
	}
	switch {
	case f.Basis != "":
		q = q.Where("basis = ?", f.Basis)
	case !f.IncludeOwn:
		q = q.Where("basis <> ?", BasisOwner)
	}
	if f.EmergencyOnly {
		q = q.Where("emergency = ?", true)
	}
	if !f.From.IsZero() {
		q = q.Where("created_at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("created_at < ?", f.To.UTC())
	}
	var rows []AccessEntry
	if err := q.Order("id DESC").Limit(limit + 1).Find(&rows).Error; err != nil {
		return AccessPage{}, fmt.Errorf("access log: list: %w", err)
	}
	var page AccessPage
	if len(rows) > limit {
		rows = rows[:limit]
		page.Next = rows[limit-1].ID
	}
	if len(rows) == 0 {
		return page, nil
	}
	var ids []int64
	for _, r := range rows {
		if r.ViewerID != patientID && !slices.Contains(ids, r.ViewerID) {
			ids = append(ids, r.ViewerID)
		}
	}
	viewers := map[int64]AccessViewer{}
	if len(ids) > 0 {
		var vs []struct {
			ID                                    int64
			Kind, Capabilities                    string
			RealName, Title, Hospital, Department *string
		}
		err := g.WithContext(ctx).Table("users").
			Select("users.id, users.kind, users.capabilities, doctor_profiles.real_name, doctor_profiles.title, doctor_profiles.hospital, doctor_profiles.department").
			Joins("LEFT JOIN doctor_profiles ON doctor_profiles.user_id = users.id").
			Where("users.id IN ?", ids).Scan(&vs).Error
		if err != nil {
			return AccessPage{}, fmt.Errorf("access log: viewers: %w", err)
		}
		for _, v := range vs {
			av := AccessViewer{Kind: v.Kind}
			switch v.Kind {
			case KindDoctor:
				av.Name, av.Title, av.Hospital, av.Department = deref(v.RealName), deref(v.Title), deref(v.Hospital), deref(v.Department)
			case KindStaff:
				av.Caps = (&User{Capabilities: v.Capabilities}).Caps()
			}
			viewers[v.ID] = av
		}
	}
	for _, r := range rows {
		v, ok := viewers[r.ViewerID]
		switch {
		case r.ViewerID == patientID:
			v = AccessViewer{Kind: KindPatient, Self: true}
		case !ok:
			v = AccessViewer{Kind: r.ViewerKind} // a deleted account: its kind only
		}
		page.Rows = append(page.Rows, AccessRow{AccessEntry: r, Viewer: v})
	}
	return page, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
