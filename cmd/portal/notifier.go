package main

import (
	"fmt"
	"log/slog"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/config"
	"github.com/yibao-health/portal/internal/notify"
	"github.com/yibao-health/portal/models"
)

// newNotifier picks each channel's sender: SMTP when configured; in development a
// Recorder that keeps messages for /dev/outbox; in production a sender that refuses,
// so a missing provider fails loudly instead of dropping codes.
func newNotifier(cfg config.Config, g *gorm.DB, log *slog.Logger) (*models.Notifier, *notify.Recorder, error) {
	var rec *notify.Recorder
	var email notify.EmailSender = notify.Unconfigured{}
	var sms notify.SMSProvider = notify.Unconfigured{}
	if !cfg.Production() {
		rec = notify.NewRecorder(log)
		email, sms = rec, rec
	}
	if cfg.SMTP.Host != "" {
		s, err := notify.NewSMTPSender(notify.SMTPConfig{
			Host: cfg.SMTP.Host, Port: cfg.SMTP.Port, Username: cfg.SMTP.Username,
			Password: cfg.SMTP.Password, From: cfg.SMTP.From,
		})
		if err != nil {
			return nil, nil, fmt.Errorf("e-mail: %w", err)
		}
		email = s
	}
	if cfg.Production() {
		log.Warn("no SMS provider is configured: SMS notices will fail")
	}
	return models.NewNotifier(g, email, sms, log), rec, nil
}
