package notify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"io"
	"mime"
	"net"
	"net/http/httptest"
	"net/textproto"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fakeSMTP is a tiny SMTP server on 127.0.0.1 that accepts one message. It is a
// real network peer for SMTPSender, speaking just enough of RFC 5321.
type fakeSMTP struct {
	addr string
	tls  *tls.Config // non-nil: offer STARTTLS
	got  chan fakeMail
}

type fakeMail struct {
	auth, from, rcpt, data string
	tls                    bool
}

func startFakeSMTP(t *testing.T, tlsCfg *tls.Config) *fakeSMTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	f := &fakeSMTP{addr: ln.Addr().String(), tls: tlsCfg, got: make(chan fakeMail, 1)}
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		f.serve(conn)
	}()
	return f
}

func (f *fakeSMTP) serve(conn net.Conn) {
	var m fakeMail
	tp := textproto.NewConn(conn)
	tp.PrintfLine("220 fake ESMTP")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
		switch verb {
		case "EHLO":
			if f.tls != nil && !m.tls {
				tp.PrintfLine("250-fake\r\n250-STARTTLS\r\n250 AUTH PLAIN")
			} else {
				tp.PrintfLine("250-fake\r\n250 AUTH PLAIN")
			}
		case "STARTTLS":
			tp.PrintfLine("220 go ahead")
			tc := tls.Server(conn, f.tls)
			if tc.Handshake() != nil {
				return
			}
			conn, m.tls = tc, true
			tp = textproto.NewConn(conn)
		case "AUTH":
			m.auth = line
			tp.PrintfLine("235 ok")
		case "MAIL":
			m.from = line
			tp.PrintfLine("250 ok")
		case "RCPT":
			m.rcpt = line
			tp.PrintfLine("250 ok")
		case "DATA":
			tp.PrintfLine("354 go")
			b, _ := io.ReadAll(tp.DotReader())
			m.data = string(b)
			tp.PrintfLine("250 queued")
		case "QUIT":
			tp.PrintfLine("221 bye")
			f.got <- m
			return
		default:
			tp.PrintfLine("502 what")
		}
	}
}

func sendVia(t *testing.T, f *fakeSMTP, cfg SMTPConfig) fakeMail {
	t.Helper()
	host, port, _ := net.SplitHostPort(f.addr)
	cfg.Host = host
	cfg.Port, _ = strconv.Atoi(port)
	s, err := NewSMTPSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.SendEmail(ctx, "Alice <alice@example.com>", "您的验证码 / Your code", "验证码 123456\n.line"); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-f.got:
		return m
	case <-time.After(5 * time.Second):
		t.Fatal("fake SMTP server got no message")
	}
	return fakeMail{}
}

func checkMail(t *testing.T, m fakeMail) {
	t.Helper()
	if m.from != "MAIL FROM:<no-reply@yibao.example>" || m.rcpt != "RCPT TO:<alice@example.com>" {
		t.Errorf("envelope = %q, %q", m.from, m.rcpt)
	}
	head, body, _ := strings.Cut(m.data, "\n\n")
	var subj string
	for _, l := range strings.Split(head, "\n") {
		if s, ok := strings.CutPrefix(l, "Subject: "); ok {
			subj, _ = new(mime.WordDecoder).DecodeHeader(s)
		}
	}
	if subj != "您的验证码 / Your code" {
		t.Errorf("subject = %q; header:\n%s", subj, head)
	}
	dec, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(body, "\n", ""))
	if err != nil || string(dec) != "验证码 123456\n.line" {
		t.Errorf("body = %q (%v)", dec, err)
	}
}

func TestSMTPPlaintextLoopback(t *testing.T) {
	f := startFakeSMTP(t, nil)
	m := sendVia(t, f, SMTPConfig{From: "医宝健康 <no-reply@yibao.example>", Username: "u", Password: "p"})
	checkMail(t, m)
	if m.tls {
		t.Error("no STARTTLS was offered, yet the session says TLS")
	}
	if m.auth != "AUTH PLAIN "+base64.StdEncoding.EncodeToString([]byte("\x00u\x00p")) {
		t.Errorf("auth = %q", m.auth)
	}
}

func TestSMTPStartTLS(t *testing.T) {
	// Borrow httptest's certificate for 127.0.0.1 instead of generating one.
	hs := httptest.NewTLSServer(nil)
	serverTLS := hs.TLS.Clone()
	roots := x509.NewCertPool()
	roots.AddCert(hs.Certificate())
	hs.Close()
	serverTLS.NextProtos = nil

	f := startFakeSMTP(t, serverTLS)
	m := sendVia(t, f, SMTPConfig{From: "医宝健康 <no-reply@yibao.example>", Username: "u", Password: "p",
		TLSConfig: &tls.Config{RootCAs: roots}})
	if !m.tls {
		t.Fatal("sender did not upgrade with STARTTLS")
	}
	checkMail(t, m)
}

func TestSMTPRejectsBadInput(t *testing.T) {
	s, err := NewSMTPSender(SMTPConfig{Host: "127.0.0.1", Port: 1, From: "x@yibao.example"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SendEmail(context.Background(), "a@b.c", "hi\r\nBcc: evil@x", "b"); err == nil {
		t.Error("subject with CRLF accepted")
	}
	err = s.SendEmail(context.Background(), "secret.person@example.com>", "hi", "b")
	if err == nil || strings.Contains(err.Error(), "secret.person") {
		t.Errorf("bad recipient: err = %v (must fail and not echo the address)", err)
	}
	if _, err := NewSMTPSender(SMTPConfig{From: "x@y.z"}); err == nil {
		t.Error("missing host accepted")
	}
	if isLoopback("smtp.example.com") || !isLoopback("::1") || !isLoopback("localhost") {
		t.Error("isLoopback is wrong")
	}
}
