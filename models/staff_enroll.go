package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/notify"
	"github.com/yibao-health/portal/internal/paths"
)

// EnrollmentTTL is how long an enrolment link stays valid.
const EnrollmentTTL = 72 * time.Hour

// StaffInvite is who to invite: an e-mail address and the capabilities.
type StaffInvite struct {
	Email string
	Caps  []string
}

func (in StaffInvite) validate() (email string, caps []string, err error) {
	var p Problems
	email, ok := NormalizeEmail(in.Email)
	if !ok {
		p.Add("email", "contact.invalid")
	}
	caps, cerr := ParseCaps(in.Caps)
	if e := AsError(cerr); e != nil {
		p = append(p, e)
	}
	return email, caps, p.Err()
}

// EnrollURL is the one-time link for token under publicURL.
func EnrollURL(publicURL, token string) string {
	return strings.TrimRight(publicURL, "/") + paths.EnrollToken(token)
}

// BootstrapStaff creates a staff account with its capabilities and no password for
// the operator at the server (`portal staff create`, the capability rule's only
// exception), and returns the one-time enrolment token for the operator to pass on.
func (a *Accounts) BootstrapStaff(ctx context.Context, in StaffInvite, actx AuditContext) (*User, string, error) {
	return a.inviteStaff(ctx, in, 0, actx, nil)
}

// InviteStaff creates a staff account without a password on behalf of admin and
// e-mails the invitee the enrolment link. The link is never returned: the admin does
// not see it. If the e-mail cannot be sent, nothing is stored.
func (a *Accounts) InviteStaff(ctx context.Context, admin *User, in StaffInvite, publicURL string, actx AuditContext) (*User, error) {
	if !admin.Active() || !admin.Can(CapAdmin) {
		return nil, Forbidden("staff.not_admin")
	}
	u, _, err := a.inviteStaff(ctx, in, admin.ID, actx, func(tx *gorm.DB, u *User, email, token string) error {
		return a.sendInvitation(ctx, tx, u.ID, email, EnrollURL(publicURL, token))
	})
	return u, err
}

type deliverFunc func(tx *gorm.DB, u *User, email, token string) error

func (a *Accounts) inviteStaff(ctx context.Context, in StaffInvite, byID int64, actx AuditContext, deliver deliverFunc) (*User, string, error) {
	email, caps, err := in.validate()
	if err != nil {
		return nil, "", err
	}
	var token string
	n := NewAccount{Kind: KindStaff, Email: email, Caps: caps, Extra: func(tx *gorm.DB, u *User) error {
		var err error
		if token, err = a.issueToken(tx, u.ID, byID); err != nil {
			return err
		}
		if deliver != nil {
			if err := deliver(tx, u, email, token); err != nil {
				return err
			}
		}
		_, err = AppendAudit(tx, actx.Entry("staff.invite", "user", idString(u.ID), OutcomeSuccess).
			With(map[string]string{"capabilities": JoinCaps(caps)}))
		return err
	}}
	u, err := a.CreateAccount(ctx, n, actx)
	if err != nil {
		if e := AsError(err); e != nil && e.Field == "contact" {
			e.Field = "email"
		}
		return nil, "", err
	}
	return u, token, nil
}

// ResendInvitation replaces the enrolment link of a staff member who has not enrolled
// yet (the old links stop working) and e-mails the new one.
func (a *Accounts) ResendInvitation(ctx context.Context, admin *User, targetID int64, publicURL string, actx AuditContext) error {
	err := a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		_, target, err := lockAdminAndTarget(tx, admin.ID, targetID)
		if err != nil {
			return err
		}
		if target.Kind != KindStaff || target.PasswordHash != "" || !target.Active() {
			return Conflict("", "staff.invite.not_pending")
		}
		_, email, err := a.Contacts(target)
		if err != nil {
			return err
		}
		if err := tx.Where("user_id = ? AND used_at IS NULL", target.ID).Delete(&EnrollmentToken{}).Error; err != nil {
			return err
		}
		token, err := a.issueToken(tx, target.ID, admin.ID)
		if err != nil {
			return err
		}
		if err := a.sendInvitation(ctx, tx, target.ID, email, EnrollURL(publicURL, token)); err != nil {
			return err
		}
		_, err = AppendAudit(tx, actx.Entry("staff.invite.resend", "user", idString(target.ID), OutcomeSuccess))
		return err
	})
	if err != nil && AsError(err) == nil {
		return fmt.Errorf("staff: resend invitation: %w", err)
	}
	return err
}

// issueToken stores a new enrolment token for userID (its SHA-256 only) and returns it.
func (a *Accounts) issueToken(tx *gorm.DB, userID, byID int64) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("staff: token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	now := a.Now().UTC()
	row := EnrollmentToken{UserID: userID, TokenHash: tokenHash(token), CreatedBy: byID, CreatedAt: now, ExpiresAt: now.Add(EnrollmentTTL)}
	if err := tx.Create(&row).Error; err != nil {
		return "", fmt.Errorf("staff: store token: %w", err)
	}
	return token, nil
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// sendInvitation e-mails the link in both languages (the invitee's is not known yet).
func (a *Accounts) sendInvitation(ctx context.Context, tx *gorm.DB, userID int64, email, link string) error {
	if a.Notify == nil {
		return Unavailable("error.503.body", errors.New("staff: no notifier"))
	}
	hours := int(EnrollmentTTL / time.Hour)
	subject := i18n.Translate(i18n.ZH, "staff.invite.mail.subject") + " / " + i18n.Translate(i18n.EN, "staff.invite.mail.subject")
	body := i18n.Translate(i18n.ZH, "staff.invite.mail.body", link, hours) + "\n\n" +
		i18n.Translate(i18n.EN, "staff.invite.mail.body", link, hours)
	msg := notify.Message{Channel: notify.Email, To: email, Subject: subject, Body: body, Kind: notify.KindService, Lang: string(i18n.ZH)}
	return a.Notify.Send(ctx, tx, userID, msg)
}

// Enrollment returns the invited staff member a link belongs to. Unknown, used and
// expired links, and accounts that are locked or already have a password, are all
// the same NotFound("enroll.invalid").
func (a *Accounts) Enrollment(ctx context.Context, token string) (*User, error) {
	u, _, err := a.enrollment(a.DB.WithContext(ctx), token)
	return u, err
}

func (a *Accounts) enrollment(tx *gorm.DB, token string) (*User, *EnrollmentToken, error) {
	invalid := NotFound("enroll.invalid")
	if token == "" || len(token) > 64 {
		return nil, nil, invalid
	}
	var row EnrollmentToken
	err := tx.Where("token_hash = ? AND used_at IS NULL AND expires_at > ?", tokenHash(token), a.Now().UTC()).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, invalid
	}
	if err != nil {
		return nil, nil, fmt.Errorf("staff: load token: %w", err)
	}
	var u User
	if err := tx.Where("id = ?", row.UserID).Take(&u).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, nil, invalid
		}
		return nil, nil, fmt.Errorf("staff: load invitee: %w", err)
	}
	if u.Kind != KindStaff || !u.Active() || u.PasswordHash != "" {
		return nil, nil, invalid
	}
	return &u, &row, nil
}

// CompleteEnrollment sets the invitee's password and spends the link (single use:
// two concurrent submissions cannot both succeed). The caller then starts the
// pending sign-in that leads to MFA enrolment.
func (a *Accounts) CompleteEnrollment(ctx context.Context, token, pw string, actx AuditContext) (*User, error) {
	u, row, err := a.enrollment(a.DB.WithContext(ctx), token)
	if err != nil {
		return nil, err
	}
	_, email, err := a.Contacts(u)
	if err != nil {
		return nil, err
	}
	if key := PasswordProblem(pw, email, strings.Split(email, "@")[0]); key != "" {
		return nil, Invalid("password", key)
	}
	hash, err := a.Hasher.Hash(ctx, pw)
	if err != nil {
		return nil, fmt.Errorf("staff: hash password: %w", err)
	}
	now := a.Now().UTC()
	err = a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&EnrollmentToken{}).Where("id = ? AND used_at IS NULL AND expires_at > ?", row.ID, now).Update("used_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return NotFound("enroll.invalid")
		}
		res = tx.Model(&User{}).Where("id = ? AND password_hash = '' AND status = ?", u.ID, StatusActive).
			Updates(map[string]any{"password_hash": hash, "password_changed_at": now, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return NotFound("enroll.invalid")
		}
		if err := tx.Where("user_id = ? AND used_at IS NULL", u.ID).Delete(&EnrollmentToken{}).Error; err != nil {
			return err
		}
		actx.ActorKind, actx.ActorID = ActorStaff, u.ID
		_, err := AppendAudit(tx, actx.Entry("staff.enrol", "user", idString(u.ID), OutcomeSuccess))
		return err
	})
	if err != nil {
		if AsError(err) != nil {
			return nil, err
		}
		return nil, fmt.Errorf("staff: enrol: %w", err)
	}
	u.PasswordHash, u.PasswordChangedAt = hash, &now
	return u, nil
}

// ReissueBootstrapLink gives the operator a new enrolment link for a staff account
// that has not enrolled yet (its first link expired or was lost); older links stop
// working. Its capabilities are not changed. Any other account is NotFound.
func (a *Accounts) ReissueBootstrapLink(ctx context.Context, email string, actx AuditContext) (*User, string, error) {
	u, err := a.FindByLogin(ctx, email)
	if err != nil {
		return nil, "", err
	}
	if u == nil || u.Kind != KindStaff || u.PasswordHash != "" || !u.Active() {
		return nil, "", NotFound("staff.invite.not_pending")
	}
	var token string
	err = a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("user_id = ? AND used_at IS NULL", u.ID).Delete(&EnrollmentToken{}).Error; err != nil {
			return err
		}
		var err error
		if token, err = a.issueToken(tx, u.ID, 0); err != nil {
			return err
		}
		_, err = AppendAudit(tx, actx.Entry("staff.invite.resend", "user", idString(u.ID), OutcomeSuccess))
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("staff: reissue link: %w", err)
	}
	return u, token, nil
}
