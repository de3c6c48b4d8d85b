package handlers

import (
	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/config"
	"github.com/yibao-health/portal/internal/session"
)

// NewSessionStore builds the session store the handlers expect: the __Host- cookie in
// production, the configured patient idle timeout, and the same client-IP rule as
// the rest of the app (X-Forwarded-For only from trusted proxies).
func NewSessionStore(g *gorm.DB, cfg config.Config) (*session.Store, error) {
	name := "sid"
	if cfg.Production() {
		name = "__Host-sid"
	}
	return session.NewStore(g, session.Config{
		CookieName:  name,
		Secure:      cfg.Production(),
		Keys:        cfg.Secrets.SessionKeys,
		PatientIdle: cfg.PatientIdle,
		ClientIP:    ipExtractor(cfg.TrustedProxies),
	})
}
