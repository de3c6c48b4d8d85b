package session

import (
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
	"gorm.io/gorm"
)

// User kinds stored with a session; KindAnonymous is a visitor's session.
const (
	KindAnonymous = ""
	KindPatient   = "patient"
	KindDoctor    = "doctor"
	KindStaff     = "staff"
)

// Lifetimes (issue 3). Doctors and staff reach patient data or the console,
// so their idle timeout is fixed; the patients' and visitors' ones are
// configurable (Config).
const (
	AbsoluteLifetime     = 12 * time.Hour
	DoctorIdle           = 30 * time.Minute
	StaffIdle            = 30 * time.Minute
	DefaultPatientIdle   = 2 * time.Hour
	DefaultAnonymousIdle = 2 * time.Hour
	// TouchInterval is how stale last_seen_at may get before a request
	// writes it again; see the package doc.
	TouchInterval = time.Minute
)

// hostPrefix is the cookie-name prefix browsers accept only with Secure,
// Path=/ and no Domain, which pins the cookie to this exact origin.
const hostPrefix = "__Host-"

// Config configures a Store.
type Config struct {
	// CookieName is the cookie's name: "__Host-sid" in production, "sid" in
	// development (a __Host- cookie needs Secure, i.e. HTTPS).
	CookieName string
	// Secure sets the cookie's Secure attribute; required with __Host-.
	Secure bool
	// Keys are the portal's session keys, newest first, at least 32 bytes
	// each. The newest signs; all verify, so a key can be retired after one
	// absolute lifetime.
	Keys [][]byte
	// PatientIdle and AnonymousIdle default to 2 hours.
	PatientIdle, AnonymousIdle time.Duration
	// ClientIP extracts the client's address from a request (behind a proxy,
	// pass Echo's IPExtractor). Default: the host part of RemoteAddr.
	ClientIP func(*http.Request) string
}

// Store is a gorilla sessions.Store keeping sessions in the sessions table.
// It is safe for concurrent use.
type Store struct {
	// Now is the clock; tests replace it. Default time.Now.
	Now func() time.Time

	db     *gorm.DB
	cfg    Config
	codecs []securecookie.Codec
}

var _ sessions.Store = (*Store)(nil)

// NewStore returns a Store on g with the given configuration.
func NewStore(g *gorm.DB, cfg Config) (*Store, error) {
	if cfg.CookieName == "" {
		return nil, errors.New("session: new store: no cookie name")
	}
	if strings.HasPrefix(cfg.CookieName, hostPrefix) && !cfg.Secure {
		return nil, fmt.Errorf("session: new store: cookie %q needs Secure", cfg.CookieName)
	}
	if len(cfg.Keys) == 0 {
		return nil, errors.New("session: new store: no session keys")
	}
	pairs := make([][]byte, 0, 2*len(cfg.Keys))
	for i, k := range cfg.Keys {
		if len(k) < 32 {
			return nil, fmt.Errorf("session: new store: key %d has %d bytes, want at least 32", i, len(k))
		}
		// The session keys may sign other things too (CSRF); a derived key
		// keeps a signature made for one purpose from passing for another.
		m := hmac.New(sha256.New, k)
		m.Write([]byte("yibao-portal/session-cookie/v1"))
		pairs = append(pairs, m.Sum(nil), nil) // sign only: the ID is no secret from its holder
	}
	codecs := securecookie.CodecsFromPairs(pairs...)
	for _, c := range codecs {
		if sc, ok := c.(*securecookie.SecureCookie); ok {
			// The signed timestamp then caps a cookie's age even if a row
			// outlived its expiry; the database check is the primary one.
			sc.MaxAge(int(AbsoluteLifetime / time.Second))
		}
	}
	if cfg.PatientIdle <= 0 {
		cfg.PatientIdle = DefaultPatientIdle
	}
	if cfg.AnonymousIdle <= 0 {
		cfg.AnonymousIdle = DefaultAnonymousIdle
	}
	if cfg.ClientIP == nil {
		cfg.ClientIP = remoteHost
	}
	return &Store{Now: time.Now, db: g, cfg: cfg, codecs: codecs}, nil
}

// CookieName returns the configured cookie name, the name to pass to Get.
func (s *Store) CookieName() string { return s.cfg.CookieName }

// idle returns the idle timeout for sessions of kind.
func (s *Store) idle(kind string) time.Duration {
	switch kind {
	case KindDoctor:
		return DoctorIdle
	case KindStaff:
		return StaffIdle
	case KindPatient:
		return s.cfg.PatientIdle
	}
	return s.cfg.AnonymousIdle
}

// now is the clock in the form the database stores (UTC, microseconds), so
// a value written and read back compares equal.
func (s *Store) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// options are the cookie attributes; sessions get a copy, but cookies are
// always written with the store's, so a handler cannot weaken them.
func (s *Store) options() *sessions.Options {
	return &sessions.Options{Path: "/", Secure: s.cfg.Secure, HttpOnly: true, SameSite: http.SameSiteLaxMode}
}

// setCookie sends the signed raw ID as cookie name.
func (s *Store) setCookie(w http.ResponseWriter, name, raw string) error {
	encoded, err := securecookie.EncodeMulti(name, raw, s.codecs...)
	if err != nil {
		return fmt.Errorf("session: sign cookie: %w", err)
	}
	http.SetCookie(w, sessions.NewCookie(name, encoded, s.options()))
	return nil
}

// clearCookie tells the browser to drop cookie name.
func (s *Store) clearCookie(w http.ResponseWriter, name string) {
	o := s.options()
	o.MaxAge = -1
	http.SetCookie(w, sessions.NewCookie(name, "", o))
}

// remoteHost is the default Config.ClientIP.
func remoteHost(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}
