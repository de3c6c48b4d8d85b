package models

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/i18n"
)

// Admin actions on an account, as recorded in AccountAction.Action.
const (
	ActionLock     = "lock"
	ActionUnlock   = "unlock"
	ActionMFAReset = "mfa_reset"
)

// LockedByStaff is users.status_reason of an account an admin locked; the reason the
// admin gave is in account_actions, encrypted.
const LockedByStaff = "staff_lock"

// Reason length limits, in characters.
const (
	MinReason = 5
	MaxReason = 500
)

// AccountAction is one admin action on an account with the reason given for it. The
// reason is free text, so it is encrypted and kept out of the audit log (whose row
// names this one by id).
type AccountAction struct {
	ID        int64
	UserID    int64
	ActorID   int64
	Action    string
	ReasonEnc string
	CreatedAt time.Time
}

// TableName maps AccountAction to account_actions.
func (AccountAction) TableName() string { return "account_actions" }

// CheckReason trims an admin's reason and checks its length.
func CheckReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	if n := utf8.RuneCountInString(reason); n < MinReason || n > MaxReason {
		return "", &Error{Kind: KindInvalid, Field: "reason", Key: "staff.reason.length", Args: []any{MinReason, MaxReason}}
	}
	return reason, nil
}

// LockAccount locks any account (patient, doctor or staff) on behalf of admin: it can
// no longer sign in and every request of its open sessions is refused (the caller also
// ends them). Admins cannot lock themselves or the last active admin. The owner is
// told; the notice does not quote the reason.
func (a *Accounts) LockAccount(ctx context.Context, admin *User, targetID int64, reason string, actx AuditContext) error {
	return a.adminAction(ctx, admin, targetID, reason, ActionLock, actx, func(tx *gorm.DB, target *User, now time.Time) error {
		if !target.Active() {
			return Conflict("", "staff.lock.already")
		}
		if target.Can(CapAdmin) {
			if err := ensureAdminLeft(tx, target.ID); err != nil {
				return err
			}
		}
		return tx.Model(&User{}).Where("id = ?", target.ID).
			Updates(map[string]any{"status": StatusLocked, "status_reason": LockedByStaff, "updated_at": now}).Error
	})
}

// UnlockAccount lifts a lock (and any sign-in throttle lock) on behalf of admin.
func (a *Accounts) UnlockAccount(ctx context.Context, admin *User, targetID int64, reason string, actx AuditContext) error {
	err := a.adminAction(ctx, admin, targetID, reason, ActionUnlock, actx, func(tx *gorm.DB, target *User, now time.Time) error {
		if target.Active() {
			return Conflict("", "staff.unlock.not_locked")
		}
		return tx.Model(&User{}).Where("id = ?", target.ID).
			Updates(map[string]any{"status": StatusActive, "status_reason": "", "updated_at": now}).Error
	})
	if err != nil {
		return err
	}
	return a.Throttle.Reset(ctx, a.AccountThrottleKey(targetID))
}

// ResetMFA removes an account's second factor and recovery codes on behalf of admin
// (a lost phone). Doctors and staff enrol again at their next sign-in; the caller
// ends the account's sessions. The owner is told.
func (a *Accounts) ResetMFA(ctx context.Context, admin *User, targetID int64, reason string, actx AuditContext) error {
	return a.adminAction(ctx, admin, targetID, reason, ActionMFAReset, actx, func(tx *gorm.DB, target *User, now time.Time) error {
		if !target.HasMFA() && target.MFAPendingEnc == nil {
			return Conflict("", "staff.mfa.none")
		}
		return clearMFA(tx, target.ID, now)
	})
}

// auditActions maps an admin action to its audit action and the owner's notice.
var auditActions = map[string]struct{ audit, notice string }{
	ActionLock:     {"account.lock", "notice.account_locked"},
	ActionUnlock:   {"account.unlock", "notice.account_unlocked"},
	ActionMFAReset: {"auth.mfa.reset", "notice.mfa_reset"},
}

// adminAction runs one admin action: reason check, the actor-and-target rule, the
// change, the encrypted reason and the audit row in one transaction; then the notice.
func (a *Accounts) adminAction(ctx context.Context, admin *User, targetID int64, reason, action string, actx AuditContext,
	change func(tx *gorm.DB, target *User, now time.Time) error) error {
	reason, err := CheckReason(reason)
	if err != nil {
		return err
	}
	names := auditActions[action]
	if admin.ID == targetID {
		a.auditDenied(ctx, actx, names.audit, targetID, "self")
		return Forbidden("staff.self")
	}
	var target *User
	err = a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if _, target, err = lockAdminAndTarget(tx, admin.ID, targetID); err != nil {
			return err
		}
		now := a.Now().UTC()
		if err := change(tx, target, now); err != nil {
			return err
		}
		row := AccountAction{UserID: target.ID, ActorID: admin.ID, Action: action, CreatedAt: now}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		enc, err := a.Seal("account_actions", "reason", row.ID, target.ID, reason)
		if err != nil {
			return err
		}
		if err := tx.Model(&row).Update("reason_enc", *enc).Error; err != nil {
			return err
		}
		_, err = AppendAudit(tx, actx.Entry(names.audit, "user", idString(target.ID), OutcomeSuccess).
			With(map[string]string{"kind": target.Kind, "note": idString(row.ID)}))
		return err
	})
	if err != nil {
		if AsError(err) != nil {
			return err
		}
		return fmt.Errorf("staff: %s: %w", action, err)
	}
	// The account's language is not stored: notices go in the default language.
	a.tell(ctx, target, i18n.ZH, names.notice+".subject", names.notice+".body")
	return nil
}

// ActionNote is one admin action on an account, with its reason in clear, for admins.
type ActionNote struct {
	Action  string
	ActorID int64
	At      time.Time
	Reason  string
}

// AccountNotes returns the latest admin actions on userID, newest first.
func (a *Accounts) AccountNotes(ctx context.Context, userID int64, limit int) ([]ActionNote, error) {
	var rows []AccountAction
	if err := a.DB.WithContext(ctx).Where("user_id = ?", userID).Order("id DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("staff: notes: %w", err)
	}
	out := make([]ActionNote, 0, len(rows))
	for _, r := range rows {
		enc := r.ReasonEnc
		reason, err := a.Open("account_actions", "reason", r.ID, r.UserID, &enc)
		if err != nil {
			return nil, err
		}
		out = append(out, ActionNote{Action: r.Action, ActorID: r.ActorID, At: r.CreatedAt, Reason: reason})
	}
	return out, nil
}
