package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/mask"
	"github.com/yibao-health/portal/internal/totp"
)

// Enrolment is what the MFA set-up page shows: the QR code and the secret for typing.
type Enrolment struct {
	Secret string
	URI    string
	QR     string // data: URI of a PNG, rendered on the server
}

// PendingTOTP returns u's pending enrolment without changing anything (for the GET
// of the set-up page); ok is false when no enrolment was started.
func (a *Accounts) PendingTOTP(u *User) (en Enrolment, ok bool, err error) {
	secret, err := a.Open("users", "mfa_pending", u.ID, u.ID, u.MFAPendingEnc)
	if err != nil || secret == "" {
		return Enrolment{}, false, err
	}
	uri := totp.URI(a.Issuer, a.accountLabel(u), secret)
	qr, err := totp.QRDataURI(uri)
	if err != nil {
		return Enrolment{}, false, err
	}
	return Enrolment{Secret: secret, URI: uri, QR: qr}, true, nil
}

// BeginTOTP starts enrolment (a POST: it stores a new encrypted pending secret
// unless one is pending already, so a repeated start keeps the same QR code).
func (a *Accounts) BeginTOTP(ctx context.Context, u *User) (Enrolment, error) {
	label := a.accountLabel(u)
	secret, err := a.Open("users", "mfa_pending", u.ID, u.ID, u.MFAPendingEnc)
	if err != nil {
		return Enrolment{}, err
	}
	var uri string
	if secret == "" {
		if secret, uri, err = totp.NewSecret(a.Issuer, label); err != nil {
			return Enrolment{}, fmt.Errorf("accounts: totp secret: %w", err)
		}
		enc, err := a.Seal("users", "mfa_pending", u.ID, u.ID, secret)
		if err != nil {
			return Enrolment{}, err
		}
		if err := a.DB.WithContext(ctx).Model(&User{}).Where("id = ?", u.ID).Update("mfa_pending_enc", enc).Error; err != nil {
			return Enrolment{}, fmt.Errorf("accounts: store pending totp: %w", err)
		}
		u.MFAPendingEnc = enc
	} else {
		uri = totp.URI(a.Issuer, label, secret)
	}
	qr, err := totp.QRDataURI(uri)
	if err != nil {
		return Enrolment{}, err
	}
	return Enrolment{Secret: secret, URI: uri, QR: qr}, nil
}

// accountLabel is how the account appears in an authenticator app: the username, or a
// masked contact (the app's list is visible to anyone holding the phone).
func (a *Accounts) accountLabel(u *User) string {
	if u.Username != nil && *u.Username != "" {
		return *u.Username
	}
	phone, email, err := a.Contacts(u)
	switch {
	case err != nil:
		return idString(u.ID)
	case phone != "":
		return mask.Phone(phone)
	default:
		return mask.Email(email)
	}
}

// ConfirmTOTP finishes enrolment when code matches the pending secret: the secret
// becomes active, the code's step is spent, and fresh recovery codes replace any old
// ones. The plain recovery codes are returned once, for the page to show.
func (a *Accounts) ConfirmTOTP(ctx context.Context, u *User, code string, actx AuditContext) ([]string, error) {
	secret, err := a.Open("users", "mfa_pending", u.ID, u.ID, u.MFAPendingEnc)
	if err != nil {
		return nil, err
	}
	if secret == "" {
		return nil, Invalid("code", "mfa.setup_expired")
	}
	step, ok := totp.Validate(secret, strings.Join(strings.Fields(code), ""), a.Now().UTC())
	if !ok {
		return nil, Invalid("code", "mfa.invalid")
	}
	active, err := a.Seal("users", "mfa_secret", u.ID, u.ID, secret)
	if err != nil {
		return nil, err
	}
	plain, hashes := totp.NewRecoveryCodes(totp.RecoveryCodeCount)
	now := a.Now().UTC()
	err = a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&User{}).Where("id = ?", u.ID).Updates(map[string]any{
			"mfa_secret_enc": active, "mfa_pending_enc": nil, "mfa_last_step": step,
			"mfa_enabled_at": now, "updated_at": now,
		}).Error; err != nil {
			return err
		}
		if err := replaceRecoveryCodes(tx, u.ID, hashes, now); err != nil {
			return err
		}
		_, err := AppendAudit(tx, actx.Entry("auth.mfa.enrol", "user", idString(u.ID), OutcomeSuccess))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("accounts: confirm totp: %w", err)
	}
	u.MFASecretEnc, u.MFAPendingEnc, u.MFALastStep, u.MFAEnabledAt = active, nil, step, &now
	return plain, nil
}

func replaceRecoveryCodes(tx *gorm.DB, userID int64, hashes []string, now time.Time) error {
	if err := tx.Where("user_id = ?", userID).Delete(&RecoveryCode{}).Error; err != nil {
		return err
	}
	rows := make([]RecoveryCode, len(hashes))
	for i, h := range hashes {
		rows[i] = RecoveryCode{UserID: userID, CodeHash: h, CreatedAt: now}
	}
	return tx.Create(&rows).Error
}

// NewRecoveryCodes replaces u's recovery codes after re-checking the password, and
// returns the new plain codes once.
func (a *Accounts) NewRecoveryCodes(ctx context.Context, u *User, pw string, actx AuditContext) ([]string, error) {
	if err := a.Reauthenticate(ctx, u, pw); err != nil {
		return nil, err
	}
	if !u.HasMFA() {
		return nil, Invalid("", "mfa.not_enrolled")
	}
	plain, hashes := totp.NewRecoveryCodes(totp.RecoveryCodeCount)
	err := a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := replaceRecoveryCodes(tx, u.ID, hashes, a.Now().UTC()); err != nil {
			return err
		}
		_, err := AppendAudit(tx, actx.Entry("auth.mfa.recovery_codes", "user", idString(u.ID), OutcomeSuccess))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("accounts: new recovery codes: %w", err)
	}
	return plain, nil
}

// clearMFA removes u's second factor and recovery codes inside tx.
func clearMFA(tx *gorm.DB, userID int64, now time.Time) error {
	if err := tx.Model(&User{}).Where("id = ?", userID).Updates(map[string]any{
		"mfa_secret_enc": nil, "mfa_pending_enc": nil, "mfa_enabled_at": nil, "updated_at": now,
	}).Error; err != nil {
		return err
	}
	return tx.Where("user_id = ?", userID).Delete(&RecoveryCode{}).Error
}

// DisableMFA turns off a patient's optional second factor after the password is
// re-entered. Doctors and staff cannot: for them MFA is mandatory.
func (a *Accounts) DisableMFA(ctx context.Context, u *User, pw string, lang i18n.Lang, actx AuditContext) error {
	if u.Kind != KindPatient {
		return Forbidden("mfa.mandatory")
	}
	if err := a.Reauthenticate(ctx, u, pw); err != nil {
		return err
	}
	now := a.Now().UTC()
	err := a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := clearMFA(tx, u.ID, now); err != nil {
			return err
		}
		_, err := AppendAudit(tx, actx.Entry("auth.mfa.disable", "user", idString(u.ID), OutcomeSuccess))
		return err
	})
	if err != nil {
		return fmt.Errorf("accounts: disable mfa: %w", err)
	}
	u.MFASecretEnc, u.MFAEnabledAt = nil, nil
	a.tell(ctx, u, lang, "notice.mfa_disabled.subject", "notice.mfa_disabled.body")
	return nil
}

// Reauthenticate checks u's password again before a sensitive change. Wrong
// passwords count against the account's sign-in throttle.
func (a *Accounts) Reauthenticate(ctx context.Context, u *User, pw string) error {
	if err := a.Throttle.Check(ctx, a.AccountThrottleKey(u.ID)); err != nil {
		return err
	}
	ok, _, err := a.Hasher.Verify(ctx, u.PasswordHash, pw)
	if err != nil {
		return fmt.Errorf("accounts: verify password: %w", err)
	}
	if !ok {
		if _, err := a.Throttle.Fail(ctx, a.AccountThrottleKey(u.ID), AccountRule); err != nil {
			return err
		}
		return Invalid("current_password", "reauth.failed")
	}
	return nil
}
