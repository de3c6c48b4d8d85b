package session

import (
	"maps"
	"time"

	"github.com/gorilla/sessions"
)

// End reasons, as returned by EndReason: why the cookie a request carried
// did not yield its session. Callers may show a notice ("you were signed
// out after 30 minutes of inactivity") or audit it.
const (
	EndNone    = ""        // no cookie, or the session is live
	EndInvalid = "invalid" // the cookie was malformed or its signature wrong
	EndUnknown = "unknown" // no such session: signed out, rotated or swept
	EndRevoked = "revoked" // revoked; EndReason also returns the revoke reason
	EndIdle    = "idle"    // idle longer than its timeout
	EndExpired = "expired" // past its absolute lifetime
	EndCorrupt = "corrupt" // stored values could not be decoded
)

// stateKey is the Values key of the store's own bookkeeping. Its type is
// unexported, so no caller can set or forge it, and encodeValues skips it.
type stateKey struct{}

// state is what the store knows about a session beyond its values.
type state struct {
	idHash    string // "" until the session has a row
	userID    int64
	kind      string
	createdAt time.Time
	expiresAt time.Time
	idle      time.Duration
	data      string // encoding last read or written, to skip unchanged saves
	ended     string // End* reason for a fresh session replacing a dead one
	revoked   string // the revoke reason when ended == EndRevoked
}

// stateOf returns sess's state, attaching an empty one if it has none (a
// session not made by this store, or whose Values map was replaced).
func stateOf(sess *sessions.Session) *state {
	if st, ok := sess.Values[stateKey{}].(*state); ok {
		return st
	}
	st := &state{}
	if sess.Values == nil {
		sess.Values = map[any]any{}
	}
	sess.Values[stateKey{}] = st
	return st
}

// userValues returns the caller's values without the store's state.
func userValues(sess *sessions.Session) map[any]any {
	v := maps.Clone(sess.Values)
	delete(v, stateKey{})
	return v
}

// fresh returns a new, empty, anonymous session named name.
func (s *Store) fresh(name string, ended, revoked string) *sessions.Session {
	sess := sessions.NewSession(s, name)
	sess.Options = s.options()
	sess.IsNew = true
	sess.Values[stateKey{}] = &state{ended: ended, revoked: revoked}
	return sess
}

// adopt makes sess the live session described by st.
func adopt(sess *sessions.Session, st *state) {
	sess.ID = st.idHash
	sess.IsNew = st.idHash == ""
	sess.Values[stateKey{}] = st
}

// Current returns who sess belongs to: userID 0 and kind "" for an
// anonymous session, and idHash "" for one never saved. idHash is the
// opaque handle also found in Info; it is not a token.
func Current(sess *sessions.Session) (userID int64, kind string, idHash string) {
	st := stateOf(sess)
	return st.userID, st.kind, st.idHash
}

// EndReason tells why the session the request's cookie named is gone (an
// End* constant, EndNone when it is live or there was no cookie), and for
// EndRevoked the reason given to RevokeUser or Revoke.
func EndReason(sess *sessions.Session) (why, revokeReason string) {
	st := stateOf(sess)
	return st.ended, st.revoked
}

// ExpiresAt returns the absolute expiry of a live session (zero if none).
func ExpiresAt(sess *sessions.Session) time.Time { return stateOf(sess).expiresAt }
