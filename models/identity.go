package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/mask"
)

// IdentityInput is what the identity form submits. An empty IDNumber keeps the
// number already stored (it is never sent back to the browser in full); an empty
// IDType removes the document.
type IdentityInput struct {
	RealName, Gender, Birthday, Birthplace, IDType, IDNumber string
	// Consent is the separate consent to process an identity-document number
	// (sensitive data, L3, PIPL art. 29), required to store a number while the
	// identity_document purpose is not granted; giving it appends a consent record.
	Consent bool
	// ConsentContext is where that consent was given (channel, truncated IP, browser).
	ConsentContext ConsentContext
}

// IdentityDetails is a patient's identity as the owner's pages show it. The ID
// number is only ever given masked here; RevealIDNumber returns it in full.
type IdentityDetails struct {
	Stored                     bool // an identity row exists
	RealName, Gender, Birthday string
	Birthplace, IDType         string
	IDNumberMasked             string
	UpdatedAt                  time.Time
}

// HasIDNumber reports whether a document number is stored.
func (d IdentityDetails) HasIDNumber() bool { return d.IDNumberMasked != "" }

const dateLayout = "2006-01-02"

// loadIdentity returns u's identity row, or nil when there is none.
func loadIdentity(db *gorm.DB, userID int64) (*Identity, error) {
	var id Identity
	err := db.Where("user_id = ?", userID).Take(&id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("identity: load: %w", err)
	}
	return &id, nil
}

// openIdentity decrypts every field of row (owned by u) into d; the ID number goes
// to number and the caller decides whether to mask it.
func (a *Accounts) openIdentity(u *User, row *Identity) (d IdentityDetails, number string, err error) {
	open := func(column string, v *string) string {
		if err != nil {
			return ""
		}
		var s string
		s, err = a.Open("identities", column, u.ID, u.ID, v)
		return s
	}
	d = IdentityDetails{Stored: true, Gender: row.Gender, IDType: row.IDType, UpdatedAt: row.UpdatedAt}
	d.RealName = open("real_name", row.RealNameEnc)
	d.Birthday = open("birthday", row.BirthdayEnc)
	d.Birthplace = open("birthplace", row.BirthplaceEnc)
	number = open("id_number", row.IDNumberEnc)
	return d, number, err
}

// Identity returns u's identity details with the ID number masked; an account with
// no identity yet gives a zero IdentityDetails.
func (a *Accounts) Identity(ctx context.Context, u *User) (IdentityDetails, error) {
	row, err := loadIdentity(a.DB.WithContext(ctx), u.ID)
	if err != nil || row == nil {
		return IdentityDetails{}, err
	}
	d, number, err := a.openIdentity(u, row)
	if err != nil {
		return IdentityDetails{}, err
	}
	d.IDNumberMasked = mask.IDNumber(number)
	return d, nil
}

// RevealIDNumber returns u's full identity-document number after the password is
// entered again; both outcomes are audited as identity.reveal (without the value).
func (a *Accounts) RevealIDNumber(ctx context.Context, u *User, pw string, actx AuditContext) (string, error) {
	entry := actx.Entry("identity.reveal", "identity", idString(u.ID), OutcomeSuccess)
	if err := a.Reauthenticate(ctx, u, pw); err != nil {
		entry.Outcome = OutcomeFailure
		if aerr := a.audit(ctx, entry); aerr != nil {
			return "", aerr
		}
		return "", err
	}
	row, err := loadIdentity(a.DB.WithContext(ctx), u.ID)
	if err != nil {
		return "", err
	}
	if row == nil || row.IDNumberEnc == nil {
		return "", Invalid("", "identity.id_number.none")
	}
	number, err := a.Open("identities", "id_number", u.ID, u.ID, row.IDNumberEnc)
	if err != nil {
		return "", err
	}
	if err := a.audit(ctx, entry); err != nil {
		return "", err
	}
	return number, nil
}

// cleanIdentity validates in against today and returns it normalised, with the
// parsed birthday. Every problem is reported at once.
func cleanIdentity(in IdentityInput, today time.Time) (IdentityInput, time.Time, error) {
	var p Problems
	in.RealName = strings.TrimSpace(in.RealName)
	if !validText(in.RealName, MaxRealName) {
		p.Add("real_name", "identity.real_name.invalid")
	}
	if !slices.Contains(Genders, in.Gender) {
		p.Add("gender", "identity.gender.invalid")
	}
	in.Birthday = strings.TrimSpace(in.Birthday)
	birthday, err := time.Parse(dateLayout, in.Birthday)
	if err != nil || !birthday.Before(today) || birthday.Year() < 1900 {
		p.Add("birthday", "identity.birthday.invalid")
		birthday = time.Time{}
	}
	in.Birthplace = strings.TrimSpace(in.Birthplace)
	if in.Birthplace != "" && !validText(in.Birthplace, MaxBirthplace) {
		p.Add("birthplace", "identity.birthplace.invalid")
	}
	if in.IDType != "" && !slices.Contains(IDTypes, in.IDType) {
		p.Add("id_type", "identity.id_type.invalid")
	}
	in.IDNumber = NormalizeIDNumber(in.IDNumber)
	if in.IDType == "" && in.IDNumber != "" {
		p.Add("id_type", "identity.id_type.required")
	}
	if in.IDType != "" && in.IDNumber != "" {
		if key := idNumberProblem(in.IDType, in.IDNumber, birthday); key != "" {
			p.Add("id_number", key)
		}
	}
	return in, birthday, p.Err()
}

// SaveIdentity validates and stores u's identity details, every field encrypted
// except gender and document type, in one transaction with an identity.update audit
// row that names the changed fields (never their values). Nothing is stored when
// any field is refused.
func (a *Accounts) SaveIdentity(ctx context.Context, u *User, in IdentityInput, actx AuditContext) error {
	now := a.Now().UTC()
	cny := now.In(ChinaTime)
	today := time.Date(cny.Year(), cny.Month(), cny.Day(), 0, 0, 0, 0, time.UTC)
	in, birthday, err := cleanIdentity(in, today)
	if err != nil {
		return err
	}
	return a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		row, err := loadIdentity(tx, u.ID)
		if err != nil {
			return err
		}
		var old IdentityDetails
		var oldNumber string
		if row != nil {
			if old, oldNumber, err = a.openIdentity(u, row); err != nil {
				return err
			}
		}
		number, err := keptIDNumber(in, old.IDType, oldNumber, birthday)
		if err != nil {
			return err
		}
		granted, err := HasConsent(ctx, tx, u.ID, PurposeIdentityDoc, "")
		if err != nil {
			return err
		}
		firstNumber := number != "" && !granted
		if firstNumber && !in.Consent {
			return Invalid("id_consent", "identity.id_consent.required")
		}
		if firstNumber {
			pv, err := (&Policies{DB: tx, Now: a.Now}).Current(ctx)
			if err != nil {
				return err
			}
			if _, err := RecordConsent(tx, u.ID, PurposeIdentityDoc, "", DecisionAccepted, pv, in.ConsentContext, now); err != nil {
				return err
			}
		}
		next := Identity{UserID: u.ID, Gender: in.Gender, IDType: in.IDType, UpdatedAt: now}
		seal := func(column, v string) *string {
			if err != nil || v == "" {
				return nil
			}
			var s *string
			s, err = a.Seal("identities", column, u.ID, u.ID, v)
			return s
		}
		next.RealNameEnc = seal("real_name", in.RealName)
		next.BirthdayEnc = seal("birthday", in.Birthday)
		next.BirthplaceEnc = seal("birthplace", in.Birthplace)
		next.IDNumberEnc = seal("id_number", number)
		if err != nil {
			return err
		}
		index := a.IDNumberIndex(number) // nil when no number is kept
		if row == nil {
			err = tx.Create(&next).Error
			if err == nil && index != nil {
				err = tx.Model(&Identity{}).Where("user_id = ?", u.ID).Update("id_number_index", index).Error
			}
		} else {
			err = tx.Model(&Identity{}).Where("user_id = ?", u.ID).Updates(map[string]any{
				"real_name_enc": next.RealNameEnc, "gender": next.Gender, "birthday_enc": next.BirthdayEnc,
				"birthplace_enc": next.BirthplaceEnc, "id_type": next.IDType, "id_number_enc": next.IDNumberEnc,
				"id_number_index": index, "updated_at": now,
			}).Error
		}
		if err != nil {
			return fmt.Errorf("identity: save: %w", err)
		}
		details := map[string]string{"fields": changedFields(old, in, oldNumber, number)}
		if firstNumber {
			details["separate_consent"] = "document_number"
		}
		_, err = AppendAudit(tx, actx.Entry("identity.update", "identity", idString(u.ID), OutcomeSuccess).With(details))
		return err
	})
}

// keptIDNumber decides the number to store: the typed one, else the stored one when
// the document type is unchanged; a changed type needs the number again.
func keptIDNumber(in IdentityInput, oldType, oldNumber string, birthday time.Time) (string, error) {
	switch {
	case in.IDType == "":
		return "", nil // no document: a stored number is removed
	case in.IDNumber != "":
		return in.IDNumber, nil
	case oldNumber == "":
		return "", Invalid("id_number", "identity.id_number.required")
	case oldType != in.IDType:
		return "", Invalid("id_number", "identity.id_number.reenter")
	}
	// The kept number must still match the (possibly corrected) birthday.
	if key := idNumberProblem(in.IDType, oldNumber, birthday); key != "" {
		return "", Invalid("id_number", key)
	}
	return oldNumber, nil
}

// changedFields names the fields that differ, comma-separated ("none" when none).
func changedFields(old IdentityDetails, in IdentityInput, oldNumber, number string) string {
	var out []string
	for _, f := range []struct {
		name   string
		before string
		after  string
	}{{"real_name", old.RealName, in.RealName}, {"gender", old.Gender, in.Gender},
		{"birthday", old.Birthday, in.Birthday}, {"birthplace", old.Birthplace, in.Birthplace},
		{"document_type", old.IDType, in.IDType}, {"document_number", oldNumber, number}} {
		if f.before != f.after {
			out = append(out, f.name)
		}
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ",")
}

// ChinaTime is China Standard Time (UTC+8, no daylight saving): the portal's users
// and dates ("today", birthdays, "last seen") are in mainland China.
var ChinaTime = i18n.Beijing

// ForgetIDNumber is the withdrawal effect of the identity_document purpose: the stored
// document number (and its type) is deleted in the withdrawal's own transaction.
func ForgetIDNumber(ctx context.Context, tx *gorm.DB, userID int64, purpose string, at time.Time) error {
	if purpose != PurposeIdentityDoc {
		return nil
	}
	return tx.WithContext(ctx).Model(&Identity{}).Where("user_id = ?", userID).
		Updates(map[string]any{"id_type": "", "id_number_enc": nil, "id_number_index": nil, "updated_at": at.UTC()}).Error
}

// IDNumberIndex is the blind index of a document number (identities.id_number_index),
// by which emergency access finds a patient; nil for no number. The number is
// normalised first, so "11010519491231002x" and "11010519491231002X" match.
func (a *Accounts) IDNumberIndex(number string) *string {
	number = NormalizeIDNumber(number)
	if number == "" {
		return nil
	}
	s := a.index("id_number", number)
	return &s
}

// IndexIDNumbers fills identities.id_number_index for numbers stored before the
// index existed (migration 0018), batch rows per transaction, and returns how many
// it filled. Running it again finds nothing to do; serve may call it at start-up.
func (a *Accounts) IndexIDNumbers(ctx context.Context, batch int) (int, error) {
	if batch <= 0 {
		batch = 500
	}
	done := 0
	for {
		var rows []Identity
		err := a.DB.WithContext(ctx).Where("id_number_enc IS NOT NULL AND id_number_index IS NULL").
			Order("user_id").Limit(batch).Find(&rows).Error
		if err != nil {
			return done, fmt.Errorf("identity: index numbers: %w", err)
		}
		if len(rows) == 0 {
			return done, nil
		}
		for _, r := range rows {
			number, err := a.Open("identities", "id_number", r.UserID, r.UserID, r.IDNumberEnc)
			if err != nil {
				return done, err
			}
			// The ciphertext condition skips a row whose number changed meanwhile
			// (SaveIdentity then set the index itself).
			err = a.DB.WithContext(ctx).Model(&Identity{}).Where("user_id = ? AND id_number_enc = ?", r.UserID, *r.IDNumberEnc).
				Update("id_number_index", a.IDNumberIndex(number)).Error
			if err != nil {
				return done, fmt.Errorf("identity: index number: %w", err)
			}
			done++
		}
	}
}
