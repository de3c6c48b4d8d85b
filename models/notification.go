package models

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
	"unicode/utf8"

	"github.com/yibao-health/portal/internal/notify"
	"gorm.io/gorm"
)

// Notification is one message in a user's in-app inbox. Subject and Body are
// service or marketing text and must never carry health data: the inbox is not
// encrypted at rest (invariant 3); link to the record instead.
type Notification struct {
	ID        int64      `gorm:"primaryKey"`
	UserID    int64      `gorm:"not null;index:idx_notifications_user,priority:1"`
	Kind      string     `gorm:"size:16;not null"` // notify.KindService or notify.KindMarketing
	Subject   string     `gorm:"size:200;not null"`
	Body      string     `gorm:"type:text;not null"`
	CreatedAt time.Time  `gorm:"not null"`
	ReadAt    *time.Time // nil while unread
}

// TableName maps Notification to notifications.
func (Notification) TableName() string { return "notifications" }

// MaxNotificationSubject is the longest subject, in characters (the column size).
const MaxNotificationSubject = 200

// Notifier sends messages over the inbox, e-mail and SMS channels.
type Notifier struct {
	DB    *gorm.DB
	Email notify.EmailSender
	SMS   notify.SMSProvider
	Log   *slog.Logger
	// MarketingAllowed reports whether the user accepts marketing on the channel.
	// When nil, every marketing message is dropped: marketing is opt-in, and the
	// preference lives with the account, not here. Service notices skip the check.
	MarketingAllowed func(ctx context.Context, tx *gorm.DB, userID int64, ch notify.Channel) (bool, error)
}

// NewNotifier returns a Notifier; log defaults to slog.Default().
func NewNotifier(db *gorm.DB, email notify.EmailSender, sms notify.SMSProvider, log *slog.Logger) *Notifier {
	if log == nil {
		log = slog.Default()
	}
	return &Notifier{DB: db, Email: email, SMS: sms, Log: log}
}

// Send delivers m to user userID. An Inbox message is written in tx (n.DB when tx
// is nil), so it commits or rolls back with the change that caused it. E-mail and
// SMS go out at once through the sender, even if tx later rolls back; an outbox
// table delivered after commit, with retries, is future work.
func (n *Notifier) Send(ctx context.Context, tx *gorm.DB, userID int64, m notify.Message) error {
	if tx == nil {
		tx = n.DB
	}
	if m.Kind != notify.KindService && m.Kind != notify.KindMarketing {
		return fmt.Errorf("notify: unknown message kind %q", m.Kind)
	}
	if m.Kind == notify.KindMarketing {
		ok := false
		if n.MarketingAllowed != nil {
			var err error
			if ok, err = n.MarketingAllowed(ctx, tx, userID, m.Channel); err != nil {
				return fmt.Errorf("notify: marketing preference: %w", err)
			}
		}
		if !ok {
			n.Log.InfoContext(ctx, "notify: marketing not sent (no opt-in)", "channel", string(m.Channel), "user_id", userID)
			return nil
		}
	}
	var err error
	switch m.Channel {
	case notify.Inbox:
		err = n.toInbox(ctx, tx, userID, m)
	case notify.Email:
		if n.Email == nil {
			return Unavailable("error.503.body", errors.New("notify: no e-mail sender configured"))
		}
		err = n.Email.SendEmail(ctx, m.To, m.Subject, m.Body)
	case notify.SMS:
		if n.SMS == nil {
			return Unavailable("error.503.body", errors.New("notify: no SMS provider configured"))
		}
		err = n.SMS.SendSMS(ctx, m.To, m.Body)
	default:
		return fmt.Errorf("notify: unknown channel %q", m.Channel)
	}
	if err != nil {
		if m.Channel != notify.Inbox {
			err = Unavailable("error.503.body", err)
		}
		return fmt.Errorf("notify: send %s: %w", m.Channel, err)
	}
	attrs := []any{"channel", string(m.Channel), "kind", m.Kind, "user_id", userID}
	if m.Channel != notify.Inbox {
		attrs = append(attrs, "to", notify.MaskRecipient(m.Channel, m.To))
	}
	n.Log.InfoContext(ctx, "notify: sent", attrs...)
	return nil
}

func (n *Notifier) toInbox(ctx context.Context, tx *gorm.DB, userID int64, m notify.Message) error {
	if userID <= 0 {
		return errors.New("notify: inbox message without a user")
	}
	if utf8.RuneCountInString(m.Subject) > MaxNotificationSubject {
		return fmt.Errorf("notify: subject longer than %d characters", MaxNotificationSubject)
	}
	row := Notification{UserID: userID, Kind: m.Kind, Subject: m.Subject, Body: m.Body,
		CreatedAt: time.Now().UTC().Truncate(time.Microsecond)}
	return tx.WithContext(ctx).Create(&row).Error
}

// Inbox lists a user's notifications newest first. Pass beforeID 0 for the first
// page and the last ID of a page for the next (keyset pagination: stable while new
// messages arrive, and cheap on the (user_id, id) index). limit is clamped to 1..100.
func (n *Notifier) Inbox(ctx context.Context, userID, beforeID int64, limit int) ([]Notification, error) {
	limit = min(max(limit, 1), 100)
	q := n.DB.WithContext(ctx).Where("user_id = ?", userID)
	if beforeID > 0 {
		q = q.Where("id < ?", beforeID)
	}
	var out []Notification
	if err := q.Order("id DESC").Limit(limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("notify: inbox: %w", err)
	}
	return out, nil
}

// MarkRead marks one of the user's notifications read. Someone else's notification
// is NotFound, like a missing one.
func (n *Notifier) MarkRead(ctx context.Context, userID, id int64) error {
	g := n.DB.WithContext(ctx)
	res := g.Model(&Notification{}).Where("id = ? AND user_id = ? AND read_at IS NULL", id, userID).
		Update("read_at", time.Now().UTC().Truncate(time.Microsecond))
	if res.Error != nil {
		return fmt.Errorf("notify: mark read: %w", res.Error)
	}
	if res.RowsAffected == 1 {
		return nil
	}
	// Nothing changed: already read (fine) or not this user's (NotFound).
	var c int64
	if err := g.Model(&Notification{}).Where("id = ? AND user_id = ?", id, userID).Count(&c).Error; err != nil {
		return fmt.Errorf("notify: mark read: %w", err)
	}
	if c == 0 {
		return NotFound("error.404.body")
	}
	return nil
}

// UnreadCount is the number of the user's unread notifications, for the badge.
func (n *Notifier) UnreadCount(ctx context.Context, userID int64) (int64, error) {
	var c int64
	err := n.DB.WithContext(ctx).Model(&Notification{}).
		Where("user_id = ? AND read_at IS NULL", userID).Count(&c).Error
	if err != nil {
		return 0, fmt.Errorf("notify: unread count: %w", err)
	}
	return c, nil
}
