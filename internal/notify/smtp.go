package notify

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"strconv"
	"strings"
	"time"
)

// SMTPConfig configures SMTPSender.
type SMTPConfig struct {
	Host     string
	Port     int    // default 587 (submission with STARTTLS); 465 means implicit TLS
	Username string // empty: no AUTH
	Password string
	From     string        // e.g. "医宝健康 <no-reply@yibao.example>"
	Timeout  time.Duration // limit per message when ctx has no sooner deadline; default 30s
	// AllowPlaintext permits a server that does not offer STARTTLS. Without it only a
	// loopback relay may be plaintext, since messages carry codes and personal data.
	AllowPlaintext bool
	TLSConfig      *tls.Config // optional (custom roots); ServerName defaults to Host
}

// SMTPSender sends e-mail through an SMTP relay, upgrading to TLS when offered.
type SMTPSender struct {
	cfg  SMTPConfig
	from *mail.Address
}

// NewSMTPSender checks cfg and returns a sender.
func NewSMTPSender(cfg SMTPConfig) (*SMTPSender, error) {
	if cfg.Host == "" {
		return nil, errors.New("notify: smtp: host is required")
	}
	if cfg.Port == 0 {
		cfg.Port = 587
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("notify: smtp: from address: %w", err)
	}
	return &SMTPSender{cfg: cfg, from: from}, nil
}

// SendEmail delivers one plain-text UTF-8 message. Errors name the masked
// recipient only, because callers log them.
func (s *SMTPSender) SendEmail(ctx context.Context, to, subject, body string) error {
	rcpt, err := mail.ParseAddress(to)
	if err != nil {
		return fmt.Errorf("notify: smtp: bad recipient %s", MaskEmail(to))
	}
	if strings.ContainsAny(subject, "\r\n") { // header injection
		return errors.New("notify: smtp: subject contains a line break")
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	if err := s.send(ctx, rcpt, s.compose(rcpt, subject, body)); err != nil {
		return fmt.Errorf("notify: smtp: send to %s: %w", MaskEmail(rcpt.Address), err)
	}
	return nil
}

func (s *SMTPSender) send(ctx context.Context, rcpt *mail.Address, msg []byte) error {
	tlsCfg := &tls.Config{ServerName: s.cfg.Host, MinVersion: tls.VersionTLS12}
	if s.cfg.TLSConfig != nil {
		tlsCfg = s.cfg.TLSConfig.Clone()
		if tlsCfg.ServerName == "" {
			tlsCfg.ServerName = s.cfg.Host
		}
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port)))
	if err != nil {
		return err
	}
	defer conn.Close()
	// net/smtp has no context: bound the conversation by the deadline, and close the
	// connection if ctx is cancelled early so a blocked read returns.
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	implicitTLS := s.cfg.Port == 465
	if implicitTLS {
		tc := tls.Client(conn, tlsCfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			return err
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, s.cfg.Host)
	if err != nil {
		return err
	}
	defer c.Close()
	if !implicitTLS {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(tlsCfg); err != nil {
				return fmt.Errorf("starttls: %w", err)
			}
		} else if !s.cfg.AllowPlaintext && !isLoopback(s.cfg.Host) {
			return errors.New("server does not offer STARTTLS and plaintext is not allowed")
		}
	}
	if s.cfg.Username != "" {
		// PlainAuth itself refuses to send the password unencrypted except to localhost.
		if err := c.Auth(smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.cfg.Host)); err != nil {
			return fmt.Errorf("auth: %w", err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return err
	}
	if err := c.Rcpt(rcpt.Address); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// compose builds the RFC 5322 message. The body is base64 so that any UTF-8 text,
// long lines and lines starting with "." survive every relay unchanged.
func (s *SMTPSender) compose(rcpt *mail.Address, subject, body string) []byte {
	var b strings.Builder
	id := make([]byte, 12)
	_, _ = rand.Read(id)
	domain := s.from.Address[strings.LastIndexByte(s.from.Address, '@')+1:]
	fmt.Fprintf(&b, "From: %s\r\n", s.from.String())
	fmt.Fprintf(&b, "To: %s\r\n", rcpt.String())
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.BEncoding.Encode("UTF-8", subject))
	fmt.Fprintf(&b, "Date: %s\r\n", time.Now().Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s@%s>\r\n", hex.EncodeToString(id), domain)
	b.WriteString("Auto-Submitted: auto-generated\r\nMIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(body))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return []byte(b.String())
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

var _ EmailSender = (*SMTPSender)(nil)
