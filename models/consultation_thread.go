package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// AuditConsultationMessage is the audit action of a message (no text in details).
const AuditConsultationMessage = "consultation.message"

// MessageView is one decrypted message of a thread.
type MessageView struct {
	ID        int64
	SenderID  int64
	FromSelf  bool // sent by the viewer
	Doctor    bool // sent by the consultation's doctor
	Kind      string
	Body      string
	CreatedAt time.Time
}

// participant loads consultation id if u is its patient or its doctor; NotFound
// otherwise (the consultation does not exist for anyone else).
func participant(tx *gorm.DB, u *User, id int64) (*Consultation, error) {
	var c Consultation
	q := tx.Where("id = ?", id)
	switch {
	case u == nil:
		return nil, NotFound("")
	case u.Kind == KindPatient:
		q = q.Where("patient_id = ?", u.ID)
	case u.Kind == KindDoctor:
		q = q.Where("doctor_id = ?", u.ID)
	default:
		return nil, NotFound("")
	}
	err := q.Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, NotFound("")
	}
	if err != nil {
		return nil, fmt.Errorf("consult: load: %w", err)
	}
	return &c, nil
}

// appendMessage stores one encrypted message of c from sender.
func (s *Consultations) appendMessage(tx *gorm.DB, c *Consultation, senderID int64, kind, body string, now time.Time) error {
	m := ConsultationMessage{ConsultationID: c.ID, SenderID: senderID, Kind: kind, BodyEnc: "-", CreatedAt: now}
	if err := tx.Create(&m).Error; err != nil {
		return fmt.Errorf("consult: message: %w", err)
	}
	ct, err := s.keys().EncryptString(body, messageAD(m.ID, c.PatientID))
	if err != nil {
		return err
	}
	return tx.Model(&m).Update("body_enc", ct).Error
}

// Post adds a message from u (the patient or the doctor of consultation id) to an
// open consultation. The doctor's first message makes a new consultation active.
// The other side is notified (without the text).
func (s *Consultations) Post(ctx context.Context, u *User, id int64, body string, actx AuditContext) error {
	body, err := requiredText("body", "consult.message", body, MaxMessage)
	if err != nil {
		return err
	}
	now := s.now()
	var other int64
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, err := participant(tx, u, id)
		if err != nil {
			return err
		}
		if c.Status == ConsultationClosed {
			return Conflict("", "consult.closed")
		}
		if err := s.appendMessage(tx, c, u.ID, MessageText, body, now); err != nil {
			return err
		}
		upd := map[string]any{"updated_at": now}
		if u.Kind == KindDoctor && c.Status == ConsultationNew {
			upd["status"] = ConsultationActive
		}
		if err := tx.Model(c).Updates(upd).Error; err != nil {
			return err
		}
		other = c.PatientID
		if u.Kind == KindPatient {
			other = c.DoctorID
		}
		_, err = AppendAudit(tx, actx.Entry(AuditConsultationMessage, "consultation", idString(c.ID), OutcomeSuccess))
		return err
	})
	if err != nil {
		return err
	}
	if o, err := s.Accounts.User(ctx, other); err == nil {
		s.Accounts.Tell(ctx, o, "consult.notice.message.subject", "consult.notice.message.body")
	}
	return nil
}

// Close ends consultation id. The doctor may leave closing advice (required from
// the doctor, none from the patient). From now the grant lasts share_days more,
// unless it was revoked.
func (s *Consultations) Close(ctx context.Context, u *User, id int64, advice string, actx AuditContext) error {
	var err error
	if u != nil && u.Kind == KindDoctor {
		if advice, err = requiredText("advice", "consult.message", advice, MaxMessage); err != nil {
			return Invalid("advice", "consult.advice.required")
		}
	}
	now := s.now()
	var other int64
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, err := participant(tx, u, id)
		if err != nil {
			return err
		}
		if c.Status == ConsultationClosed {
			return Conflict("", "consult.closed")
		}
		if u.Kind == KindDoctor {
			if err := s.appendMessage(tx, c, u.ID, MessageAdvice, advice, now); err != nil {
				return err
			}
		}
		upd := map[string]any{"status": ConsultationClosed, "closed_at": now, "updated_at": now}
		if c.GrantRevokedAt == nil {
			upd["grant_until"] = now.Add(time.Duration(c.ShareDays) * 24 * time.Hour)
		}
		if err := tx.Model(c).Updates(upd).Error; err != nil {
			return fmt.Errorf("consult: close: %w", err)
		}
		other = c.PatientID
		if u.Kind == KindPatient {
			other = c.DoctorID
		}
		_, err = AppendAudit(tx, actx.Entry(AuditConsultationClose, "consultation", idString(c.ID), OutcomeSuccess).
			With(map[string]string{"by": u.Kind}))
		return err
	})
	if err != nil {
		return err
	}
	if o, err := s.Accounts.User(ctx, other); err == nil {
		s.Accounts.Tell(ctx, o, "consult.notice.closed.subject", "consult.notice.closed.body")
	}
	return nil
}

// thread decrypts the newest MaxThread messages of c, oldest first, for viewer.
func (s *Consultations) thread(ctx context.Context, c *Consultation, viewerID int64) ([]MessageView, error) {
	var rows []ConsultationMessage
	if err := s.DB.WithContext(ctx).Where("consultation_id = ?", c.ID).Order("id DESC").Limit(MaxThread).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("consult: thread: %w", err)
	}
	out := make([]MessageView, len(rows))
	for i, m := range rows {
		body, err := s.keys().DecryptString(m.BodyEnc, messageAD(m.ID, c.PatientID))
		if err != nil {
			return nil, fmt.Errorf("consult: message %d: %w", m.ID, err)
		}
		out[len(rows)-1-i] = MessageView{ID: m.ID, SenderID: m.SenderID, FromSelf: m.SenderID == viewerID,
			Doctor: m.SenderID == c.DoctorID, Kind: m.Kind, Body: body, CreatedAt: m.CreatedAt}
	}
	return out, nil
}

func (s *Consultations) question(c *Consultation) (string, error) {
	q, err := s.keys().DecryptString(c.QuestionEnc, consultationAD("question", c.ID, c.PatientID))
	if err != nil {
		return "", fmt.Errorf("consult: question of %d: %w", c.ID, err)
	}
	return q, nil
}
