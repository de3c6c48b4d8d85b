package models

import (
	"context"
	"errors"
	"fmt"
	"github.com/yibao-health/portal/internal/i18n"

	"gorm.io/gorm"
)

// NewAccount describes an account made by an operator rather than by sign-up: the
// demo seed, `portal staff create`, staff invitations, and tests. Password may be
// empty (an invited staff member sets it through the enrolment link). TOTPSecret,
// when set, enrols MFA with that base32 secret (the demo's shared secret).
type NewAccount struct {
	Kind       string
	Phone      string
	Email      string
	Username   string
	Password   string
	Caps       []string
	TOTPSecret string
	// Doctor, for Kind doctor, is the professional profile (UserID is filled in).
	Doctor *DoctorProfile
	// Extra, when set, runs inside the creating transaction after the account and
	// its contacts exist and before its audit row (a staff invitation's link).
	Extra func(tx *gorm.DB, u *User) error
}

// CreateAccount stores a new account in one transaction, with an audit row naming
// the actor. Contact values are validated and normalised like sign-up does.
func (a *Accounts) CreateAccount(ctx context.Context, n NewAccount, actx AuditContext) (*User, error) {
	now := a.Now().UTC()
	u := &User{Kind: n.Kind, Status: StatusActive, Lang: string(i18n.ZH), Capabilities: JoinCaps(n.Caps), CreatedAt: now, UpdatedAt: now}
	if n.Kind != KindPatient && n.Kind != KindDoctor && n.Kind != KindStaff {
		return nil, fmt.Errorf("accounts: unknown kind %q", n.Kind)
	}
	var phone, email string
	var ok bool
	if n.Phone != "" {
		if phone, ok = NormalizePhone(n.Phone); !ok {
			return nil, Invalid("phone", "contact.invalid")
		}
	}
	if n.Email != "" {
		if email, ok = NormalizeEmail(n.Email); !ok {
			return nil, Invalid("email", "contact.invalid")
		}
	}
	if phone == "" && email == "" {
		return nil, Invalid("contact", "contact.invalid")
	}
	if n.Username != "" {
		name, ok := NormalizeUsername(n.Username)
		if !ok {
			return nil, Invalid("username", "username.invalid")
		}
		u.Username = &name
	}
	if n.Password != "" {
		h, err := a.Hasher.Hash(ctx, n.Password)
		if err != nil {
			return nil, err
		}
		u.PasswordHash, u.PasswordChangedAt = h, &now
	}
	err := a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(u).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return Conflict("username", "username.taken")
			}
			return err
		}
		if phone != "" {
			if err := a.setContact(tx, u, LoginPhone, phone); err != nil {
				return err
			}
		}
		if email != "" {
			if err := a.setContact(tx, u, LoginEmail, email); err != nil {
				return err
			}
		}
		if n.TOTPSecret != "" {
			enc, err := a.Seal("users", "mfa_secret", u.ID, u.ID, n.TOTPSecret)
			if err != nil {
				return err
			}
			if err := tx.Model(u).Updates(map[string]any{"mfa_secret_enc": enc, "mfa_enabled_at": now}).Error; err != nil {
				return err
			}
			u.MFASecretEnc, u.MFAEnabledAt = enc, &now
		}
		if n.Doctor != nil {
			d := *n.Doctor
			d.UserID, d.CreatedAt, d.UpdatedAt = u.ID, now, now
			if d.Status == "" {
				d.Status = DoctorPending
			}
			if err := tx.Create(&d).Error; err != nil {
				return err
			}
		}
		if n.Extra != nil {
			if err := n.Extra(tx, u); err != nil {
				return err
			}
		}
		_, err := AppendAudit(tx, actx.Entry("account.create", "user", idString(u.ID), OutcomeSuccess).
			With(map[string]string{"kind": u.Kind, "capabilities": u.Capabilities}))
		return err
	})
	if err != nil {
		if AsError(err) != nil {
			return nil, err
		}
		return nil, fmt.Errorf("accounts: create: %w", err)
	}
	return u, nil
}
