package session

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
	"gorm.io/gorm"
)

// Get returns the request's session named name (use CookieName), cached in
// the request's gorilla registry so that all handlers share one. See New.
func (s *Store) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(s, name)
}

// New loads the session the request's cookie names. A missing, tampered,
// unknown, revoked, idle or expired session yields a new empty anonymous
// session (IsNew, see EndReason) and no error: those are ordinary client
// states. The error is non-nil only when the database fails; the session
// returned then is a new empty one, never nil.
func (s *Store) New(r *http.Request, name string) (*sessions.Session, error) {
	c, err := r.Cookie(name)
	if err != nil {
		return s.fresh(name, EndNone, ""), nil
	}
	var raw string
	if err := securecookie.DecodeMulti(name, c.Value, &raw, s.codecs...); err != nil || !validID(raw) {
		return s.fresh(name, EndInvalid, ""), nil
	}
	return s.load(r, name, hashID(raw))
}

// load reads and checks the row idHash, touching last_seen_at when it is
// at least TouchInterval old.
func (s *Store) load(r *http.Request, name, idHash string) (*sessions.Session, error) {
	ctx := r.Context()
	var rw row
	err := s.db.WithContext(ctx).Where("id_hash = ?", idHash).Take(&rw).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return s.fresh(name, EndUnknown, ""), nil
	}
	if err != nil {
		return s.fresh(name, EndNone, ""), fmt.Errorf("session: load: %w", err)
	}
	now := s.now()
	// The stored timeout applies unless the configuration has since been
	// lowered: a tightened policy reaches live sessions at once.
	idle := min(s.idle(rw.UserKind), secs(rw.IdleTimeoutSeconds))
	switch {
	case rw.RevokedAt != nil:
		return s.fresh(name, EndRevoked, rw.RevokeReason), nil
	case !now.Before(rw.ExpiresAt):
		return s.fresh(name, EndExpired, ""), nil
	case now.Sub(rw.LastSeenAt) > idle:
		return s.fresh(name, EndIdle, ""), nil
	}
	values, err := decodeValues(rw.Data)
	if err != nil {
		// E.g. a type no longer gob-registered after an upgrade: end the
		// session rather than lock its holder out with errors.
		return s.fresh(name, EndCorrupt, ""), nil
	}
	if now.Sub(rw.LastSeenAt) >= TouchInterval {
		// revoked_at IS NULL: a revocation that raced this request wins.
		err := s.db.WithContext(ctx).Model(&row{}).
			Where("id_hash = ? AND revoked_at IS NULL", idHash).
			Updates(map[string]any{"last_seen_at": now, "client_ip": TruncateIP(s.cfg.ClientIP(r))}).Error
		if err != nil {
			return s.fresh(name, EndNone, ""), fmt.Errorf("session: touch: %w", err)
		}
	}
	sess := sessions.NewSession(s, name)
	sess.Options = s.options()
	sess.Values = values
	adopt(sess, &state{
		idHash: idHash, userID: rw.UserID, kind: rw.UserKind,
		createdAt: rw.CreatedAt, expiresAt: rw.ExpiresAt, idle: idle, data: rw.Data,
	})
	return sess, nil
}

// Save stores the session's values. A new session with no values gets no
// row and no cookie (visitors who store nothing cost nothing); a new one
// with values gets a fresh ID and cookie; a live one is written only when
// its values changed. Options.MaxAge < 0 means Logout. Values saved to a
// session revoked in the meantime are dropped, never revived.
func (s *Store) Save(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	if sess.Options != nil && sess.Options.MaxAge < 0 {
		return s.Logout(w, r, sess)
	}
	st := stateOf(sess)
	data, err := encodeValues(userValues(sess))
	if err != nil {
		return err
	}
	if st.idHash == "" {
		if data == "" {
			return nil
		}
		now := s.now()
		next := &state{kind: KindAnonymous, createdAt: now, expiresAt: now.Add(AbsoluteLifetime), idle: s.idle(KindAnonymous)}
		return s.issue(w, r, sess, next, "", false)
	}
	if data == st.data {
		return nil
	}
	err = s.db.WithContext(r.Context()).Model(&row{}).
		Where("id_hash = ? AND revoked_at IS NULL", st.idHash).
		Update("data", data).Error
	if err != nil {
		return fmt.Errorf("session: save: %w", err)
	}
	st.data = data
	return nil
}
