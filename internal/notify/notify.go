// Package notify delivers messages to people over three channels: the in-app inbox
// (stored by models.Notifier), e-mail over SMTP and SMS through a provider. It is an
// infrastructure leaf: it knows addresses and text, not users or the database.
package notify

import (
	"context"

	"github.com/yibao-health/portal/internal/mask"
)

// Channel is a delivery channel.
type Channel string

// The channels.
const (
	Inbox Channel = "inbox"
	Email Channel = "email"
	SMS   Channel = "sms"
)

// Message kinds. Service notices (sign-in codes, consent receipts, policy changes,
// order updates) cannot be switched off; marketing can, with one click.
const (
	KindService   = "service"
	KindMarketing = "marketing"
)

// Message is one notice to one recipient.
type Message struct {
	Channel Channel
	To      string // e-mail address or phone number; unused for Inbox
	Subject string // e-mail subject and inbox title; not sent by SMS
	Body    string // plain text; may hold a one-time code, so it is never logged
	Kind    string // KindService or KindMarketing
	Lang    string // language the text was rendered in ("zh-CN", "en")
}

// EmailSender sends one plain-text e-mail.
type EmailSender interface {
	SendEmail(ctx context.Context, to, subject, body string) error
}

// SMSProvider sends one text message to a phone number.
type SMSProvider interface {
	SendSMS(ctx context.Context, phone, text string) error
}

// MaskPhone is mask.Phone, kept here for the channel code that logs recipients.
func MaskPhone(phone string) string { return mask.Phone(phone) }

// MaskEmail is mask.Email, kept here for the channel code that logs recipients.
func MaskEmail(addr string) string { return mask.Email(addr) }

// MaskRecipient masks To according to the channel.
func MaskRecipient(ch Channel, to string) string {
	if ch == SMS {
		return MaskPhone(to)
	}
	return MaskEmail(to)
}
