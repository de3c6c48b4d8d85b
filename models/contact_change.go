package models

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/i18n"
)

// StartContactChange is the first step of changing u's phone number or e-mail
// address: it checks the password again, refuses u's own current value, and sends
// a one-time code to the new address (SendCode refuses an address another account
// holds). It returns the blind index of the new address, which the caller keeps
// with the signed-in session so that only a code requested after this password
// check can confirm the change (ChangeContact).
func (a *Accounts) StartContactChange(ctx context.Context, u *User, pw, contact string, lang i18n.Lang) (string, error) {
	kind, value, ok := ParseContact(contact)
	if !ok {
		return "", Invalid("contact", "contact.invalid")
	}
	if err := a.Reauthenticate(ctx, u, pw); err != nil {
		return "", err
	}
	target := a.ContactIndex(kind, value)
	if own := ownIndex(u, kind); own != nil && *own == target {
		return "", Invalid("contact", "account.contact.same")
	}
	if err := a.SendCode(ctx, PurposeContact, value, lang); err != nil {
		return "", err
	}
	return target, nil
}

// ownIndex is u's stored blind index of kind (phone or email), or nil.
func ownIndex(u *User, kind string) *string {
	if kind == LoginPhone {
		return u.PhoneIndex
	}
	return u.EmailIndex
}

// ChangeContact stores contact as u's new phone number or e-mail address (whichever
// it is) once code proves it, in one transaction with an account.contact.change
// audit row (naming the channel, never the value). The owner is told on the old
// address of that kind, or on the other channel when there was none, so a hijacked
// session cannot move the account away silently. The caller must have run
// StartContactChange for this address in the same session.
func (a *Accounts) ChangeContact(ctx context.Context, u *User, contact, code string, lang i18n.Lang, actx AuditContext) error {
	var p Problems
	kind, value, ok := ParseContact(contact)
	if !ok {
		p.Add("contact", "contact.invalid")
	}
	code = strings.TrimSpace(code)
	if len(code) != 6 {
		p.Add("code", "verify.invalid")
	}
	if err := p.Err(); err != nil {
		return err
	}
	target := a.ContactIndex(kind, value)
	if own := ownIndex(u, kind); own != nil && *own == target {
		return Invalid("contact", "account.contact.same")
	}
	if err := a.Codes.Check(ctx, PurposeContact, target, code); err != nil {
		return err
	}
	before := *u
	action := "added"
	if ownIndex(u, kind) != nil {
		action = "replaced"
	}
	err := a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := a.setContact(tx, u, kind, value); err != nil {
			return err
		}
		_, err := AppendAudit(tx, actx.Entry("account.contact.change", "user", idString(u.ID), OutcomeSuccess).
			With(map[string]string{"channel": kind, "change": action}))
		return err
	})
	if err != nil {
		*u = before
		if AsError(err) != nil {
			return err
		}
		return fmt.Errorf("accounts: change contact: %w", err)
	}
	// Tell the old address of this kind; with none (an address added), the other one.
	old := before
	if action == "replaced" {
		if kind == LoginPhone {
			old.EmailEnc = nil
		} else {
			old.PhoneEnc = nil
		}
	}
	a.tell(ctx, &old, lang, "notice.contact_changed.subject", "notice."+kind+"_changed.body")
	return nil
}
