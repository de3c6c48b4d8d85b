// Package notify delivers messages to people over three channels: the in-app inbox
// (stored by models.Notifier), e-mail over SMTP and SMS through a provider. It is an
// infrastructure leaf: it knows addresses and text, not users or the database.
package notify

import (
	"context"
	"strings"
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

// MaskPhone hides the middle of a phone number for logs and screens:
// "13812341234" becomes "138****1234". Numbers shorter than 7 characters keep
// only their last two.
func MaskPhone(phone string) string {
	r := []rune(strings.TrimSpace(phone))
	switch n := len(r); {
	case n == 0:
		return ""
	case n < 7:
		if n <= 2 {
			return "****"
		}
		return "****" + string(r[n-2:])
	case n < 11:
		return string(r[:2]) + "****" + string(r[n-2:])
	default:
		return string(r[:3]) + "****" + string(r[n-4:])
	}
}

// MaskEmail keeps the first character of the local part and the domain:
// "alice@example.com" becomes "a***@example.com". Without an "@" it is "***".
func MaskEmail(addr string) string {
	addr = strings.TrimSpace(addr)
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return "***"
	}
	local := []rune(addr[:at])
	if len(local) == 0 {
		return "***" + addr[at:]
	}
	return string(local[0]) + "***" + addr[at:]
}

// MaskRecipient masks To according to the channel.
func MaskRecipient(ch Channel, to string) string {
	if ch == SMS {
		return MaskPhone(to)
	}
	return MaskEmail(to)
}
