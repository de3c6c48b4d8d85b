package notify

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// recorderSize is how many messages a Recorder keeps.
const recorderSize = 200

// Recorded is one message a Recorder captured.
type Recorded struct {
	At      time.Time
	Channel Channel
	To      string // the full recipient: the dev outbox page must show where it went
	Subject string
	Body    string
}

// Recorder is the development EmailSender and SMSProvider: it delivers nothing,
// logs that a message was sent (masked recipient, subject; never the body, which
// may hold a one-time code) and keeps the last 200 messages in memory for the
// dev-only outbox page. It must not be wired in production.
type Recorder struct {
	log  *slog.Logger
	mu   sync.Mutex
	ring [recorderSize]Recorded
	next int // index the next message goes to
	n    int // messages held, up to recorderSize
}

// NewRecorder returns an empty Recorder logging to log (slog.Default() if nil).
func NewRecorder(log *slog.Logger) *Recorder {
	if log == nil {
		log = slog.Default()
	}
	return &Recorder{log: log}
}

// SendEmail records an e-mail.
func (r *Recorder) SendEmail(ctx context.Context, to, subject, body string) error {
	r.record(ctx, Recorded{Channel: Email, To: to, Subject: subject, Body: body})
	return nil
}

// SendSMS records a text message.
func (r *Recorder) SendSMS(ctx context.Context, phone, text string) error {
	r.record(ctx, Recorded{Channel: SMS, To: phone, Body: text})
	return nil
}

func (r *Recorder) record(ctx context.Context, m Recorded) {
	m.At = time.Now()
	r.mu.Lock()
	r.ring[r.next] = m
	r.next = (r.next + 1) % recorderSize
	if r.n < recorderSize {
		r.n++
	}
	r.mu.Unlock()
	r.log.InfoContext(ctx, "notify: message recorded (dev, not delivered)",
		"channel", string(m.Channel), "to", MaskRecipient(m.Channel, m.To), "subject", m.Subject)
}

// Recent returns the held messages, newest first.
func (r *Recorder) Recent() []Recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Recorded, 0, r.n)
	for i := 1; i <= r.n; i++ {
		out = append(out, r.ring[(r.next-i+recorderSize)%recorderSize])
	}
	return out
}

// Compile-time checks that Recorder serves both channels.
var (
	_ EmailSender = (*Recorder)(nil)
	_ SMSProvider = (*Recorder)(nil)
)
