package models

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/i18n"
)

// PasswordReset is the form that sets a new password with a code sent to the
// account's verified phone or e-mail.
type PasswordReset struct {
	Contact, Code, Password string
}

// ResetPassword sets a new password when the code proves the contact. Every session
// of the account must then be ended by the caller (it returns the user for that);
// the reset never signs in and never touches MFA, so the next sign-in still asks
// for the second factor.
func (a *Accounts) ResetPassword(ctx context.Context, r PasswordReset, lang i18n.Lang, actx AuditContext) (*User, error) {
	var p Problems
	kind, contact, ok := ParseContact(r.Contact)
	if !ok {
		p.Add("contact", "contact.invalid")
	}
	if len(strings.TrimSpace(r.Code)) != 6 {
		p.Add("code", "verify.invalid")
	}
	if key := PasswordProblem(r.Password, contact); key != "" {
		p.Add("password", key)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	target := a.ContactIndex(kind, contact)
	if err := a.Codes.Check(ctx, PurposeReset, target, strings.TrimSpace(r.Code)); err != nil {
		return nil, err
	}
	var u User
	if err := a.DB.WithContext(ctx).Where(kind+"_index = ?", target).Take(&u).Error; err != nil {
		return nil, Invalid("code", "verify.invalid") // a code is only ever sent to a known contact
	}
	if err := a.setPassword(ctx, &u, r.Password, actx, "auth.password.reset"); err != nil {
		return nil, err
	}
	if err := a.Throttle.Reset(ctx, a.AccountThrottleKey(u.ID)); err != nil {
		return nil, err
	}
	a.tell(ctx, &u, lang, "notice.password_changed.subject", "notice.password_changed.body")
	return &u, nil
}

// ChangePassword replaces u's password after checking the current one. The caller
// ends the account's other sessions.
func (a *Accounts) ChangePassword(ctx context.Context, u *User, current, next string, lang i18n.Lang, actx AuditContext) error {
	if err := a.Reauthenticate(ctx, u, current); err != nil {
		return err
	}
	username := ""
	if u.Username != nil {
		username = *u.Username
	}
	if key := PasswordProblem(next, username); key != "" {
		return Invalid("password", key)
	}
	if err := a.setPassword(ctx, u, next, actx, "auth.password.change"); err != nil {
		return err
	}
	a.tell(ctx, u, lang, "notice.password_changed.subject", "notice.password_changed.body")
	return nil
}

func (a *Accounts) setPassword(ctx context.Context, u *User, pw string, actx AuditContext, action string) error {
	hash, err := a.Hasher.Hash(ctx, pw)
	if err != nil {
		return fmt.Errorf("accounts: hash password: %w", err)
	}
	now := a.Now().UTC()
	err = a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&User{}).Where("id = ?", u.ID).Updates(map[string]any{
			"password_hash": hash, "password_changed_at": now, "updated_at": now,
		}).Error; err != nil {
			return err
		}
		if actx.ActorID == 0 {
			actx.ActorKind, actx.ActorID = ActorKindOf(u.Kind), u.ID
		}
		_, err := AppendAudit(tx, actx.Entry(action, "user", idString(u.ID), OutcomeSuccess))
		return err
	})
	if err != nil {
		return fmt.Errorf("accounts: set password: %w", err)
	}
	u.PasswordHash, u.PasswordChangedAt = hash, &now
	return nil
}
