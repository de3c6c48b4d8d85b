package session

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/sessions"
	"gorm.io/gorm"
)

// ErrEnded is returned by Rotate when the session was revoked or deleted
// while the request ran; the session has then been reset to a new empty one.
var ErrEnded = errors.New("session: session has ended")

// Login binds sess to a signed-in user. It gives the session a new ID
// (deleting the old row, so the cookie the browser sent before sign-in is
// dead: no session fixation), resets created_at and the absolute expiry, and
// applies kind's idle timeout. Values are kept; the caller deletes anything
// that must not survive sign-in (e.g. a pending-MFA marker) before calling.
// kind is KindPatient, KindDoctor or KindStaff.
func (s *Store) Login(w http.ResponseWriter, r *http.Request, sess *sessions.Session, userID int64, kind string) error {
	if userID <= 0 {
		return fmt.Errorf("session: login: invalid user id %d", userID)
	}
	switch kind {
	case KindPatient, KindDoctor, KindStaff:
	default:
		return fmt.Errorf("session: login: invalid user kind %q", kind)
	}
	now := s.now()
	next := &state{userID: userID, kind: kind, createdAt: now, expiresAt: now.Add(AbsoluteLifetime), idle: s.idle(kind)}
	if err := s.issue(w, r, sess, next, stateOf(sess).idHash, false); err != nil {
		return fmt.Errorf("session: login: %w", err)
	}
	return nil
}

// Rotate gives sess a new ID after a privilege change (MFA passed, a
// capability granted, password changed), keeping its user, values and
// absolute expiry. The old ID is dead afterwards. A session never saved
// has no ID yet and is just saved. It returns ErrEnded if the session was
// revoked meanwhile; it is not revived.
func (s *Store) Rotate(w http.ResponseWriter, r *http.Request, sess *sessions.Session) error {
	st := stateOf(sess)
	if st.idHash == "" {
		return s.Save(r, w, sess)
	}
	next := *st
	err := s.issue(w, r, sess, &next, st.idHash, true)
	if errors.Is(err, ErrEnded) {
		s.reset(w, sess)
		return ErrEnded
	}
	if err != nil {
		return fmt.Errorf("session: rotate: %w", err)
	}
	return nil
}

// Logout deletes the session's row and expires its cookie, and resets sess
// to a new empty anonymous session (saving it later gives a new ID).
func (s *Store) Logout(w http.ResponseWriter, r *http.Request, sess *sessions.Session) error {
	if h := stateOf(sess).idHash; h != "" {
		if err := s.db.WithContext(r.Context()).Where("id_hash = ?", h).Delete(&row{}).Error; err != nil {
			return fmt.Errorf("session: logout: %w", err)
		}
	}
	s.reset(w, sess)
	return nil
}

// reset expires the cookie and empties sess in place, so that handlers and
// the request's registry holding it see the change.
func (s *Store) reset(w http.ResponseWriter, sess *sessions.Session) {
	s.clearCookie(w, sess.Name())
	sess.ID = ""
	sess.IsNew = true
	sess.Options = s.options()
	sess.Values = map[any]any{stateKey{}: &state{}}
}

// issue stores sess under a new ID described by next, replacing the row
// old (if any) in the same transaction, and sends the new cookie. With
// requireOld, a missing or revoked old row is ErrEnded and nothing changes.
func (s *Store) issue(w http.ResponseWriter, r *http.Request, sess *sessions.Session, next *state, old string, requireOld bool) error {
	raw, idHash, err := newID()
	if err != nil {
		return err
	}
	data, err := encodeValues(userValues(sess))
	if err != nil {
		return err
	}
	rw := row{
		IDHash: idHash, UserID: next.userID, UserKind: next.kind, Data: data,
		CreatedAt: next.createdAt, LastSeenAt: s.now(), ExpiresAt: next.expiresAt,
		IdleTimeoutSeconds: int(next.idle / time.Second),
		UserAgent:          DeviceSummary(r.UserAgent()), ClientIP: TruncateIP(s.cfg.ClientIP(r)),
	}
	err = s.db.WithContext(r.Context()).Transaction(func(tx *gorm.DB) error {
		if old != "" {
			q := tx.Where("id_hash = ?", old)
			if requireOld {
				q = q.Where("revoked_at IS NULL")
			}
			res := q.Delete(&row{})
			if res.Error != nil {
				return fmt.Errorf("delete old row: %w", res.Error)
			}
			if requireOld && res.RowsAffected == 0 {
				return ErrEnded
			}
		}
		if err := tx.Create(&rw).Error; err != nil {
			return fmt.Errorf("insert row: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	next.idHash, next.data, next.ended, next.revoked = idHash, data, EndNone, ""
	adopt(sess, next)
	return s.setCookie(w, sess.Name(), raw)
}

// secs converts a stored number of seconds.
func secs(n int) time.Duration { return time.Duration(n) * time.Second }
