package session

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Revoke reasons stored in revoke_reason (at most 32 bytes) and returned by
// EndReason; callers may use their own.
const (
	ReasonDevice         = "device_signed_out" // the user signed out one device
	ReasonOthers         = "signed_out_others" // "sign out everywhere else"
	ReasonPasswordReset  = "password_reset"
	ReasonPasswordChange = "password_changed"
	ReasonLocked         = "account_locked"
	ReasonSuspended      = "account_suspended"
	ReasonMFAReset       = "mfa_reset"
)

// ErrNotFound is returned by Revoke when idHash is not a live session of
// that user; handlers answer 404 (no existence leak).
var ErrNotFound = errors.New("session: no such session")

// Info describes one live session for the "signed-in devices" page.
type Info struct {
	IDHash     string // opaque handle for Revoke; not a token
	Device     string // DeviceSummary of the browser that signed in
	ClientIP   string // truncated (TruncateIP) address of the last touch
	CreatedAt  time.Time
	LastSeenAt time.Time
	Current    bool // the session of the request that asked
}

// RevokeUser ends every live session of userID except exceptIDHash ("" to
// end all), for account locks, suspensions, password resets and "sign out
// everywhere else". It returns how many sessions it ended, for the audit
// row the caller writes. The next request of each is anonymous.
func (s *Store) RevokeUser(ctx context.Context, userID int64, exceptIDHash string, reason string) (int64, error) {
	if userID <= 0 {
		// user_id 0 is every visitor: never a target.
		return 0, fmt.Errorf("session: revoke user: invalid user id %d", userID)
	}
	if err := checkReason(reason); err != nil {
		return 0, fmt.Errorf("session: revoke user: %w", err)
	}
	res := s.db.WithContext(ctx).Model(&row{}).
		Where("user_id = ? AND revoked_at IS NULL AND id_hash <> ?", userID, exceptIDHash).
		Updates(map[string]any{"revoked_at": s.now(), "revoke_reason": reason})
	if res.Error != nil {
		return 0, fmt.Errorf("session: revoke user: %w", res.Error)
	}
	return res.RowsAffected, nil
}

// Revoke ends one session of userID (sign out one device). The match on
// user_id is what keeps a user from ending someone else's session with a
// handle taken from elsewhere; any mismatch is ErrNotFound.
func (s *Store) Revoke(ctx context.Context, userID int64, idHash string) error {
	if userID <= 0 || !validHash(idHash) {
		return ErrNotFound
	}
	res := s.db.WithContext(ctx).Model(&row{}).
		Where("id_hash = ? AND user_id = ? AND revoked_at IS NULL", idHash, userID).
		Updates(map[string]any{"revoked_at": s.now(), "revoke_reason": ReasonDevice})
	if res.Error != nil {
		return fmt.Errorf("session: revoke: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// List returns userID's live sessions, most recently seen first, marking
// the one whose handle is currentIDHash (from Current).
func (s *Store) List(ctx context.Context, userID int64, currentIDHash string) ([]Info, error) {
	if userID <= 0 {
		return nil, fmt.Errorf("session: list: invalid user id %d", userID)
	}
	now := s.now()
	var rows []row
	err := s.db.WithContext(ctx).
		Select("id_hash", "user_kind", "created_at", "last_seen_at", "idle_timeout_seconds", "user_agent", "client_ip").
		Where("user_id = ? AND revoked_at IS NULL AND expires_at > ?", userID, now).
		Order("last_seen_at DESC").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("session: list: %w", err)
	}
	out := make([]Info, 0, len(rows))
	for _, rw := range rows {
		if now.Sub(rw.LastSeenAt) > min(s.idle(rw.UserKind), secs(rw.IdleTimeoutSeconds)) {
			continue // idle-expired: dead, though Sweep has not removed it yet
		}
		out = append(out, Info{
			IDHash: rw.IDHash, Device: rw.UserAgent, ClientIP: rw.ClientIP,
			CreatedAt: rw.CreatedAt, LastSeenAt: rw.LastSeenAt, Current: rw.IDHash == currentIDHash,
		})
	}
	return out, nil
}

func checkReason(reason string) error {
	if reason == "" || len(reason) > 32 {
		return fmt.Errorf("reason %q must be 1 to 32 bytes", reason)
	}
	return nil
}

// validHash reports whether h looks like a stored id_hash (64 hex digits).
func validHash(h string) bool {
	b, err := hex.DecodeString(h)
	return err == nil && len(b) == 32
}
