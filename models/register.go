package models

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/notify"
	"github.com/yibao-health/portal/internal/password"
)

// Code purposes: what a one-time code proves.
const (
	PurposeRegister = "register"
	PurposeReset    = "reset"
	PurposeContact  = "contact"
)

// TermsVersion is the version of the privacy policy and user agreement a new account
// accepts, until the consent issue versions the policy itself.
const TermsVersion = "2026-01"

// SendCode sends a one-time code for purpose to a phone number or e-mail address.
// When the address already belongs to an account and purpose is registration (or,
// for a reset, when it belongs to none), the owner gets a notice instead of a code
// and the caller sees the same answer: the page never says whether an address is
// registered (account enumeration).
func (a *Accounts) SendCode(ctx context.Context, purpose, contact string, lang i18n.Lang) error {
	kind, value, ok := ParseContact(contact)
	if !ok {
		return Invalid("contact", "contact.invalid")
	}
	target := a.ContactIndex(kind, value)
	code, err := a.Codes.Issue(ctx, purpose, kind, target)
	if err != nil {
		if e := AsError(err); e != nil && e.Field == "" {
			e.Field = "contact"
		}
		return err
	}
	var taken int64
	if err := a.DB.WithContext(ctx).Model(&User{}).Where(kind+"_index = ?", target).Count(&taken).Error; err != nil {
		return fmt.Errorf("accounts: contact taken: %w", err)
	}
	body := i18n.Translate(lang, "code.body."+purpose, code, int(CodeLifetime.Minutes()))
	switch {
	case purpose == PurposeRegister && taken > 0:
		body = i18n.Translate(lang, "code.body.already_registered")
	case purpose == PurposeReset && taken == 0:
		return nil // nothing to reset; nobody to tell
	case purpose == PurposeContact && taken > 0:
		return Conflict("contact", "contact.taken") // the requester is signed in and re-authenticated
	}
	msg := notify.Message{To: value, Subject: i18n.Translate(lang, "code.subject"), Body: body,
		Kind: notify.KindService, Lang: string(lang), Channel: notify.SMS}
	if kind == LoginEmail {
		msg.Channel = notify.Email
	}
	return a.Notify.Send(ctx, nil, 0, msg)
}

// Registration is a patient's (or, with Kind doctor, an applying doctor's) sign-up form.
type Registration struct {
	Contact, Code, Username, Password string
	Agree                             bool
	Kind                              string // "" means patient
	// Consent is where the terms were accepted (channel, truncated IP, browser),
	// quoted by the terms consent record; the channel defaults to registration.
	Consent ConsentContext
}

// validate checks the form and returns the normalised contact and username.
func (r *Registration) validate() (kind, contact, username string, err error) {
	var p Problems
	kind, contact, ok := ParseContact(r.Contact)
	if !ok {
		p.Add("contact", "contact.invalid")
	}
	if r.Kind != KindDoctor || strings.TrimSpace(r.Username) != "" {
		var okU bool
		if username, okU = NormalizeUsername(r.Username); !okU {
			p.Add("username", "username.invalid")
		}
	}
	if key := PasswordProblem(r.Password, username, contact); key != "" {
		p.Add("password", key)
	}
	if len(strings.TrimSpace(r.Code)) != 6 {
		p.Add("code", "verify.invalid")
	}
	if !r.Agree {
		p.Add("agree", "register.agree_required")
	}
	return kind, contact, username, p.Err()
}

// PasswordProblem returns the message key of what is wrong with a new password, or "".
func PasswordProblem(pw string, context ...string) string {
	switch err := password.Check(pw, context...); {
	case errors.Is(err, password.ErrTooShort):
		return "password.too_short"
	case errors.Is(err, password.ErrTooLong):
		return "password.too_long"
	case errors.Is(err, password.ErrCommon):
		return "password.common"
	}
	return ""
}

// Register creates an account once the code proves the contact. Nothing is stored
// unless everything succeeds. extra runs inside the same transaction (a doctor's
// application), after the user row exists.
func (a *Accounts) Register(ctx context.Context, r Registration, actx AuditContext, extra func(tx *gorm.DB, u *User) error) (*User, error) {
	kind, contact, username, err := r.validate()
	if err != nil {
		return nil, err
	}
	if username != "" {
		var n int64
		if err := a.DB.WithContext(ctx).Model(&User{}).Where("username = ?", username).Count(&n).Error; err != nil {
			return nil, fmt.Errorf("accounts: username taken: %w", err)
		}
		if n > 0 {
			return nil, Conflict("username", "username.taken")
		}
	}
	if err := a.Codes.Check(ctx, PurposeRegister, a.ContactIndex(kind, contact), strings.TrimSpace(r.Code)); err != nil {
		return nil, err
	}
	hash, err := a.Hasher.Hash(ctx, r.Password)
	if err != nil {
		return nil, fmt.Errorf("accounts: hash password: %w", err)
	}
	now := a.Now().UTC()
	u := &User{Kind: KindPatient, PasswordHash: hash, Status: StatusActive, TermsVersion: TermsVersion,
		TermsAcceptedAt: &now, PasswordChangedAt: &now, CreatedAt: now, UpdatedAt: now}
	if r.Kind == KindDoctor {
		u.Kind = KindDoctor
	}
	if username != "" {
		u.Username = &username
	}
	err = a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// The terms accepted are the policy version in force, quoted with its hash.
		pv, err := (&Policies{DB: tx, Now: a.Now}).Current(ctx)
		if err != nil {
			return err
		}
		if pv != nil {
			u.TermsVersion = pv.Version
		}
		if err := tx.Create(u).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return Conflict("username", "username.taken")
			}
			return err
		}
		if err := a.setContact(tx, u, kind, contact); err != nil {
			return err
		}
		cc := r.Consent
		if cc.Channel == "" {
			cc.Channel = ChannelRegistration
		}
		if _, err := RecordConsent(tx, u.ID, PurposeTerms, "", DecisionAccepted, pv, cc, now); err != nil {
			return err
		}
		if extra != nil {
			if err := extra(tx, u); err != nil {
				return err
			}
		}
		actx.ActorKind, actx.ActorID = ActorKindOf(u.Kind), u.ID
		_, err = AppendAudit(tx, actx.Entry("account.register", "user", idString(u.ID), OutcomeSuccess).
			With(map[string]string{"kind": u.Kind, "channel": kind, "terms": u.TermsVersion}))
		return err
	})
	if err != nil {
		if AsError(err) != nil {
			return nil, err
		}
		return nil, fmt.Errorf("accounts: register: %w", err)
	}
	return u, nil
}
