package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Support conversation states and limits.
const (
	SupportOpen   = "open"
	SupportClosed = "closed"

	MaxSupportSubject = 100  // characters
	MaxSupportMessage = 2000 // characters
	MaxSupportThread  = 200  // messages shown, the newest
	SupportPage       = 20
)

// SupportStatuses lists the states in the order the queue's tabs show them.
var SupportStatuses = []string{SupportOpen, SupportClosed}

// Audit actions of support conversations (never with their texts).
const (
	AuditSupportOpen  = "support.open"
	AuditSupportReply = "support.reply"
	AuditSupportClose = "support.close"
	// AuditSupportView is support staff opening a patient's conversation.
	AuditSupportView = "support.view"
)

// Support is the support-conversation domain: a patient talks to support staff,
// about an order of theirs or in general. Subjects and messages are sealed to the
// patient; nothing deletes a message, so the history stays visible to the patient
// (C2.2.2-3).
type Support struct {
	DB       *gorm.DB
	Accounts *Accounts
	Now      func() time.Time
}

func (s *Support) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

// SupportCursor is the keyset position of a list page: updated_at and id.
type SupportCursor = ConsultationCursor

// SupportSummary is one conversation in a list.
type SupportSummary struct {
	ID        int64
	UserID    int64
	OrderID   *int64
	OrderNo   string
	Subject   string
	Status    string
	CreatedAt time.Time
	UpdatedAt time.Time
	// Answered is true when the newest message is from support staff.
	Answered bool
}

// SupportMessageView is one decrypted message.
type SupportMessageView struct {
	ID        int64
	FromStaff bool
	Body      string
	CreatedAt time.Time
}

// SupportThread is one conversation with its newest messages, oldest first.
type SupportThread struct {
	SupportSummary
	Messages []SupportMessageView
	// Earlier is true when older messages exist than the ones shown.
	Earlier bool
}

// OpenConversation starts patient's conversation with subject and a first
// message, about orderID when given — only the patient's own order (NotFound
// otherwise). Returns the conversation id.
func (s *Support) OpenConversation(ctx context.Context, patient *User, subject, body string, orderID *int64, actx AuditContext) (int64, error) {
	if patient == nil || patient.Kind != KindPatient {
		return 0, NotFound("")
	}
	var p Problems
	subject, err := requiredText("subject", "support.subject", subject, MaxSupportSubject)
	if err != nil {
		p = append(p, AsError(err))
	}
	body, err = requiredText("body", "support.body", body, MaxSupportMessage)
	if err != nil {
		p = append(p, AsError(err))
	}
	if len(p) > 0 {
		return 0, p
	}
	now := s.now()
	var conv SupportConversation
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if orderID != nil {
			var n int64
			if err := tx.Model(&Order{}).Where("id = ? AND user_id = ?", *orderID, patient.ID).Count(&n).Error; err != nil {
				return fmt.Errorf("support: order: %w", err)
			}
			if n == 0 {
				return NotFound("")
			}
		}
		conv = SupportConversation{UserID: patient.ID, OrderID: orderID, SubjectEnc: "-", Status: SupportOpen, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&conv).Error; err != nil {
			return fmt.Errorf("support: open: %w", err)
		}
		ct, err := s.Accounts.Seal("support_conversations", "subject", conv.ID, patient.ID, subject)
		if err != nil {
			return err
		}
		if err := tx.Model(&conv).Update("subject_enc", *ct).Error; err != nil {
			return fmt.Errorf("support: subject: %w", err)
		}
		if err := s.appendMessage(tx, &conv, patient.ID, false, body, now); err != nil {
			return err
		}
		details := map[string]string{}
		if orderID != nil {
			details["order"] = idString(*orderID)
		}
		_, err = AppendAudit(tx, actx.Entry(AuditSupportOpen, "support_conversation", idString(conv.ID), OutcomeSuccess).With(details))
		return err
	})
	if err != nil {
		return 0, err
	}
	return conv.ID, nil
}

// appendMessage stores one message of c, sealed to c's patient.
func (s *Support) appendMessage(tx *gorm.DB, c *SupportConversation, senderID int64, fromStaff bool, body string, now time.Time) error {
	m := SupportMessage{ConversationID: c.ID, SenderID: senderID, FromStaff: fromStaff, BodyEnc: "-", CreatedAt: now}
	if err := tx.Create(&m).Error; err != nil {
		return fmt.Errorf("support: message: %w", err)
	}
	ct, err := s.Accounts.Seal("support_messages", "body", m.ID, c.UserID, body)
	if err != nil {
		return err
	}
	return tx.Model(&m).Update("body_enc", *ct).Error
}

// supportParticipant loads conversation id if u is its patient or support staff;
// NotFound for everyone else (the conversation does not exist for them).
func supportParticipant(tx *gorm.DB, u *User, id int64) (*SupportConversation, error) {
	q := tx.Where("id = ?", id)
	switch {
	case u == nil:
		return nil, NotFound("")
	case u.Kind == KindPatient:
		q = q.Where("user_id = ?", u.ID)
	case staffCan(u, CapSupport):
	default:
		return nil, NotFound("")
	}
	var c SupportConversation
	err := q.Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, NotFound("")
	}
	if err != nil {
		return nil, fmt.Errorf("support: load: %w", err)
	}
	return &c, nil
}

// Reply adds u's message to conversation id: the patient on their own open
// conversation, support staff on any (a staff reply reopens a closed one, so a
// follow-up is never lost). A staff reply tells the patient, without the text.
func (s *Support) Reply(ctx context.Context, u *User, id int64, body string, actx AuditContext) error {
	body, err := requiredText("body", "support.body", body, MaxSupportMessage)
	if err != nil {
		return err
	}
	now := s.now()
	var patientID int64
	staff := u != nil && u.Kind == KindStaff
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, err := supportParticipant(tx, u, id)
		if err != nil {
			return err
		}
		if c.Status == SupportClosed && !staff {
			return Conflict("", "support.closed")
		}
		if err := s.appendMessage(tx, c, u.ID, staff, body, now); err != nil {
			return err
		}
		if err := tx.Model(c).Updates(map[string]any{"status": SupportOpen, "updated_at": now}).Error; err != nil {
			return fmt.Errorf("support: touch: %w", err)
		}
		patientID = c.UserID
		_, err = AppendAudit(tx, actx.Entry(AuditSupportReply, "support_conversation", idString(c.ID), OutcomeSuccess).
			With(map[string]string{"by": u.Kind}))
		return err
	})
	if err != nil {
		return err
	}
	if staff {
		if p, err := s.Accounts.User(ctx, patientID); err == nil {
			s.Accounts.Tell(ctx, p, "support.notice.reply.subject", "support.notice.reply.body")
		}
	}
	return nil
}

// Close ends conversation id (its patient or support staff). The messages stay.
func (s *Support) Close(ctx context.Context, u *User, id int64, actx AuditContext) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, err := supportParticipant(tx, u, id)
		if err != nil {
			return err
		}
		if c.Status == SupportClosed {
			return Conflict("", "support.closed")
		}
		if err := tx.Model(c).Updates(map[string]any{"status": SupportClosed, "updated_at": s.now()}).Error; err != nil {
			return fmt.Errorf("support: close: %w", err)
		}
		_, err = AppendAudit(tx, actx.Entry(AuditSupportClose, "support_conversation", idString(c.ID), OutcomeSuccess).
			With(map[string]string{"by": u.Kind}))
		return err
	})
}

// StaffViewed audits support staff opening conversation id: patients' messages are
// personal data, and staff access to them is monitored (C4.3).
func (s *Support) StaffViewed(ctx context.Context, staff *User, id int64, actx AuditContext) error {
	if !staffCan(staff, CapSupport) {
		return NotFound("")
	}
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		_, err := AppendAudit(tx, actx.Entry(AuditSupportView, "support_conversation", idString(id), OutcomeSuccess))
		return err
	})
}
