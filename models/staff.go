package models

// Staff administration (issue 3, "Staff"): capabilities, invitations, locks and MFA
// resets. Handlers stay thin; every rule is here.
//
// The capability rule. An admin can never change their own capabilities: every
// capability change is made by a different admin, who must still hold admin (and be
// active) when the change commits. The only exception is the operator's bootstrap at
// the server (`portal staff create`), which creates an account with its capabilities
// and has no admin actor. No change may leave the portal without an active admin
// (the last-admin rule). Locks and MFA resets follow the same pattern: never on
// yourself, never the last active admin.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/yibao-health/portal/internal/mask"
)

// ParseCaps validates the capabilities chosen in a form or on the command line. Each
// value may itself be a comma-separated list; at least one known capability is
// required and an unknown one is refused. The result is in canonical order.
func ParseCaps(values []string) ([]string, error) {
	var caps []string
	for _, v := range values {
		for _, c := range strings.Split(v, ",") {
			c = strings.TrimSpace(c)
			if c == "" {
				continue
			}
			if !slices.Contains(Capabilities, c) {
				return nil, Invalid("capabilities", "staff.caps.unknown")
			}
			caps = append(caps, c)
		}
	}
	if len(caps) == 0 {
		return nil, Invalid("capabilities", "staff.caps.required")
	}
	return strings.Split(JoinCaps(caps), ","), nil
}

// StaffMember is one row of the staff list; the e-mail address is masked.
type StaffMember struct {
	ID          int64
	Email       string // masked
	Caps        []string
	Status      string
	Invited     bool // no password yet: the enrolment link has not been used
	MFAEnrolled bool
	CreatedAt   time.Time
}

// StaffMembers lists every staff account, oldest first.
func (a *Accounts) StaffMembers(ctx context.Context) ([]StaffMember, error) {
	var users []User
	if err := a.DB.WithContext(ctx).Where("kind = ?", KindStaff).Order("id").Find(&users).Error; err != nil {
		return nil, fmt.Errorf("staff: list: %w", err)
	}
	out := make([]StaffMember, 0, len(users))
	for i := range users {
		u := &users[i]
		_, email, err := a.Contacts(u)
		if err != nil {
			return nil, err
		}
		out = append(out, StaffMember{ID: u.ID, Email: mask.Email(email), Caps: u.Caps(), Status: u.Status,
			Invited: u.PasswordHash == "", MFAEnrolled: u.HasMFA(), CreatedAt: u.CreatedAt})
	}
	return out, nil
}

// SetCapabilities replaces the capabilities of staff member targetID, on behalf of
// admin (see the capability rule above). It reports whether anything changed; the
// caller then ends the target's sessions so they sign in again with the new rights.
func (a *Accounts) SetCapabilities(ctx context.Context, admin *User, targetID int64, values []string, actx AuditContext) (changed bool, err error) {
	caps, err := ParseCaps(values)
	if err != nil {
		return false, err
	}
	if admin.ID == targetID {
		a.auditDenied(ctx, actx, "staff.capabilities", targetID, "self")
		return false, Forbidden("staff.self")
	}
	next := JoinCaps(caps)
	err = a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		_, target, err := lockAdminAndTarget(tx, admin.ID, targetID)
		if err != nil {
			return err
		}
		if target.Kind != KindStaff {
			return NotFound("")
		}
		if target.Capabilities == next {
			return nil
		}
		if target.Can(CapAdmin) && !slices.Contains(caps, CapAdmin) {
			if err := ensureAdminLeft(tx, target.ID); err != nil {
				return err
			}
		}
		now := a.Now().UTC()
		if err := tx.Model(&User{}).Where("id = ?", target.ID).
			Updates(map[string]any{"capabilities": next, "updated_at": now}).Error; err != nil {
			return err
		}
		changed = true
		_, err = AppendAudit(tx, actx.Entry("staff.capabilities", "user", idString(target.ID), OutcomeSuccess).
			With(map[string]string{"old": target.Capabilities, "new": next}))
		return err
	})
	if err != nil {
		if AsError(err) != nil {
			return false, err
		}
		return false, fmt.Errorf("staff: set capabilities: %w", err)
	}
	return changed, nil
}

// lockAdminAndTarget loads the acting admin and the target inside tx, locking both
// rows (in id order, so two admins acting on each other queue instead of deadlocking),
// and checks that the actor still is an active admin. The target of any admin action
// must differ from the actor.
func lockAdminAndTarget(tx *gorm.DB, adminID, targetID int64) (admin, target *User, err error) {
	if adminID == targetID {
		return nil, nil, Forbidden("staff.self")
	}
	ids := []int64{min(adminID, targetID), max(adminID, targetID)}
	if tx.Dialector.Name() == "sqlite" {
		// Take SQLite's write lock before reading (see AppendAudit for why).
		if err := tx.Exec("UPDATE users SET updated_at = updated_at WHERE id IN ?", ids).Error; err != nil {
			return nil, nil, err
		}
	}
	var users []User
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id IN ?", ids).Order("id").Find(&users).Error; err != nil {
		return nil, nil, err
	}
	for i := range users {
		switch users[i].ID {
		case adminID:
			admin = &users[i]
		case targetID:
			target = &users[i]
		}
	}
	if admin == nil || !admin.Active() || !admin.Can(CapAdmin) {
		return nil, nil, Forbidden("staff.not_admin")
	}
	if target == nil {
		return nil, nil, NotFound("")
	}
	return admin, target, nil
}

// ensureAdminLeft refuses a change that would leave no active admin besides
// excludeID (the account losing admin, or being locked).
func ensureAdminLeft(tx *gorm.DB, excludeID int64) error {
	var others []User
	if err := tx.Select("id", "kind", "capabilities").
		Where("kind = ? AND status = ? AND id <> ?", KindStaff, StatusActive, excludeID).
		Find(&others).Error; err != nil {
		return err
	}
	for i := range others {
		if others[i].Can(CapAdmin) {
			return nil
		}
	}
	return Conflict("", "staff.last_admin")
}

// auditDenied records a refused admin action (e.g. an admin trying to change their
// own capabilities); failures to record are returned to no one, the refusal stands.
func (a *Accounts) auditDenied(ctx context.Context, actx AuditContext, action string, targetID int64, why string) {
	e := actx.Entry(action, "user", idString(targetID), OutcomeDenied).With(map[string]string{"why": why})
	if err := a.audit(ctx, e); err != nil && a.Notify != nil {
		a.Notify.Log.WarnContext(ctx, "staff: audit refusal", "action", action, "err", err)
	}
}

// AccountView is what the admin console shows of any account: contacts masked.
type AccountView struct {
	ID          int64
	Kind        string
	Username    string
	Phone       string // masked
	Email       string // masked
	Status      string
	Caps        []string
	Invited     bool // staff without a password yet
	MFAEnrolled bool
	CreatedAt   time.Time
	Notes       []ActionNote // latest admin actions, newest first
}

// AccountView loads account id for the admin console; a missing one is NotFound.
func (a *Accounts) AccountView(ctx context.Context, id int64) (*AccountView, error) {
	u, err := a.User(ctx, id)
	if err != nil {
		return nil, err
	}
	phone, email, err := a.Contacts(u)
	if err != nil {
		return nil, err
	}
	v := &AccountView{ID: u.ID, Kind: u.Kind, Phone: mask.Phone(phone), Email: mask.Email(email), Status: u.Status,
		Caps: u.Caps(), Invited: u.Kind == KindStaff && u.PasswordHash == "", MFAEnrolled: u.HasMFA(), CreatedAt: u.CreatedAt}
	if phone == "" {
		v.Phone = ""
	}
	if email == "" {
		v.Email = ""
	}
	if u.Username != nil {
		v.Username = *u.Username
	}
	if v.Notes, err = a.AccountNotes(ctx, u.ID, 10); err != nil {
		return nil, err
	}
	return v, nil
}
