package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/i18n"
)

// Review decisions an admin takes on a doctor's application.
const (
	ReviewVerify    = "verify"
	ReviewReject    = "reject"
	ReviewSuspend   = "suspend"
	ReviewReinstate = "reinstate"
)

// Review reasons are 5–500 characters (doctor_profiles.review_reason).
const (
	MinReviewReason = 5
	MaxReviewReason = 500
)

// transition is what a decision requires and does.
type transition struct {
	from   []string // statuses the decision applies to
	to     string
	reason bool // a reason is required (and shown to the doctor)
}

// transitions are the only allowed status changes: a pending or rejected
// application may be verified, a pending one rejected, a verified doctor
// suspended, and a suspended one reinstated.
var transitions = map[string]transition{
	ReviewVerify:    {from: []string{DoctorPending, DoctorRejected}, to: DoctorVerified},
	ReviewReject:    {from: []string{DoctorPending}, to: DoctorRejected, reason: true},
	ReviewSuspend:   {from: []string{DoctorVerified}, to: DoctorSuspended, reason: true},
	ReviewReinstate: {from: []string{DoctorSuspended}, to: DoctorVerified},
}

// ReviewActions lists the decisions in display order.
var ReviewActions = []string{ReviewVerify, ReviewReject, ReviewSuspend, ReviewReinstate}

// ReviewAllowed reports whether decision applies to an application in status.
func ReviewAllowed(decision, status string) bool {
	tr, ok := transitions[decision]
	return ok && slices.Contains(tr.from, status)
}

// ReviewNeedsReason reports whether decision requires a reason.
func ReviewNeedsReason(decision string) bool { return transitions[decision].reason }

// ReviewDoctor applies an admin's decision to doctor doctorID's application. The
// status change and its audit row (action only: the reason may describe the person,
// so it is kept in doctor_profiles.review_reason, not in the audit log) commit
// together; the update is conditional on the status read, so two admins deciding at
// once cannot both succeed. The doctor is told afterwards through the inbox and SMS
// (or e-mail). Ending a suspended doctor's sessions is the caller's job (the
// session store lives at the edge). It returns the profile as changed.
func (a *Accounts) ReviewDoctor(ctx context.Context, doctorID int64, decision, reason string, actx AuditContext) (*DoctorProfile, error) {
	tr, ok := transitions[decision]
	if !ok {
		return nil, NotFound("")
	}
	reason = strings.TrimSpace(reason)
	if tr.reason {
		if n := utf8.RuneCountInString(reason); n < MinReviewReason || n > MaxReviewReason || strings.ContainsFunc(reason, isBadReasonRune) {
			return nil, &Error{Kind: KindInvalid, Field: "reason", Key: "doctor.review.reason_length", Args: []any{MinReviewReason, MaxReviewReason}}
		}
	} else {
		reason = ""
	}
	prof, err := a.DoctorProfileOf(ctx, doctorID)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(tr.from, prof.Status) {
		return nil, Conflict("", "doctor.review.not_allowed")
	}
	now := a.Now().UTC()
	from := prof.Status
	err = a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&DoctorProfile{}).Where("user_id = ? AND status = ?", doctorID, from).Updates(map[string]any{
			"status": tr.to, "review_reason": reason, "reviewed_by": actx.ActorID, "reviewed_at": now, "updated_at": now})
		if res.Error != nil {
			return fmt.Errorf("doctors: review: %w", res.Error)
		}
		if res.RowsAffected != 1 {
			return Conflict("", "doctor.review.not_allowed") // decided by someone else meanwhile
		}
		_, err := AppendAudit(tx, actx.Entry("doctor."+decision, "user", idString(doctorID), OutcomeSuccess).
			With(map[string]string{"from": from, "to": tr.to}))
		return err
	})
	if err != nil {
		return nil, err
	}
	prof.Status, prof.ReviewReason, prof.ReviewedBy, prof.ReviewedAt, prof.UpdatedAt = tr.to, reason, &actx.ActorID, &now, now
	if u, err := a.User(ctx, doctorID); err == nil {
		// The portal keeps no language preference yet: notices go out in the default.
		a.tell(ctx, u, i18n.ZH, "doctor.notice.subject", "doctor.notice."+decision)
	}
	return prof, nil
}

// isBadReasonRune refuses control characters other than line breaks and tabs.
func isBadReasonRune(r rune) bool {
	return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t'
}

// DoctorCursor is a position in the review queue: the created_at and user_id of
// the last row seen (keyset pagination, stable while rows are added).
type DoctorCursor struct {
	CreatedAt time.Time
	UserID    int64
}

// String encodes the cursor for a URL ("" for the start).
func (c *DoctorCursor) String() string {
	if c == nil {
		return ""
	}
	return strconv.FormatInt(c.CreatedAt.UnixNano(), 10) + "." + strconv.FormatInt(c.UserID, 10)
}

// ParseDoctorCursor decodes String's form; anything else is the start (nil).
func ParseDoctorCursor(s string) *DoctorCursor {
	ns, id, ok := strings.Cut(s, ".")
	n, err1 := strconv.ParseInt(ns, 10, 64)
	uid, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil || uid <= 0 {
		return nil
	}
	return &DoctorCursor{CreatedAt: time.Unix(0, n).UTC(), UserID: uid}
}

// DoctorQueuePage is the largest page of the review queue.
const DoctorQueuePage = 25

// DoctorQueue lists applications with status, oldest first, after cursor (nil
// for the first page), at most limit (capped at DoctorQueuePage). next is the
// cursor of the following page, nil on the last one.
func (a *Accounts) DoctorQueue(ctx context.Context, status string, after *DoctorCursor, limit int) (rows []DoctorProfile, next *DoctorCursor, err error) {
	if limit <= 0 || limit > DoctorQueuePage {
		limit = DoctorQueuePage
	}
	q := a.DB.WithContext(ctx).Where("status = ?", status)
	if after != nil {
		q = q.Where("created_at > ? OR (created_at = ? AND user_id > ?)", after.CreatedAt, after.CreatedAt, after.UserID)
	}
	if err := q.Order("created_at, user_id").Limit(limit + 1).Find(&rows).Error; err != nil {
		return nil, nil, fmt.Errorf("doctors: queue: %w", err)
	}
	if len(rows) > limit {
		rows = rows[:limit]
		last := rows[limit-1]
		next = &DoctorCursor{CreatedAt: last.CreatedAt, UserID: last.UserID}
	}
	return rows, next, nil
}

// LicenceInfo describes a stored licence document without its content.
type LicenceInfo struct {
	ContentType string
	Size        int64
	CreatedAt   time.Time
}

// DoctorLicenceInfo returns what is stored of doctorID's licence; NotFound if none.
func (a *Accounts) DoctorLicenceInfo(ctx context.Context, doctorID int64) (*LicenceInfo, error) {
	var rows []LicenceInfo
	err := a.DB.WithContext(ctx).Model(&DoctorLicence{}).Select("content_type, size, created_at").
		Where("user_id = ?", doctorID).Limit(1).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("doctors: licence info: %w", err)
	}
	if len(rows) == 0 {
		return nil, NotFound("")
	}
	return &rows[0], nil
}

// OpenDoctorLicence decrypts doctorID's licence document for a reviewing admin and
// records the view (doctor.licence.view) before returning it. The content type is
// sniffed again from the decrypted bytes; ok is false if it is not an accepted one.
func (a *Accounts) OpenDoctorLicence(ctx context.Context, doctorID int64, actx AuditContext) (data []byte, contentType string, err error) {
	var lic DoctorLicence
	err = a.DB.WithContext(ctx).Where("user_id = ?", doctorID).Take(&lic).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, "", NotFound("")
	}
	if err != nil {
		return nil, "", fmt.Errorf("doctors: load licence: %w", err)
	}
	data, err = a.Keys.Decrypt(lic.DataEnc, licenceAD(doctorID))
	if err != nil {
		return nil, "", fmt.Errorf("doctors: decrypt licence: %w", err)
	}
	ct, ok := SniffLicence(data)
	if !ok {
		ct = "application/octet-stream"
	}
	e := actx.Entry("doctor.licence.view", "user", idString(doctorID), OutcomeSuccess)
	if err := a.audit(ctx, e); err != nil {
		return nil, "", err
	}
	return data, ct, nil
}
