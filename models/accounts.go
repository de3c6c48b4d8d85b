package models

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/keys"
	"github.com/yibao-health/portal/internal/notify"
	"github.com/yibao-health/portal/internal/password"
)

// Accounts is the account domain: registration, sign-in, second factors, passwords
// and contact data. Every operation that changes an account writes its audit row in
// the same transaction.
type Accounts struct {
	DB       *gorm.DB
	Keys     *keys.Keyring
	Hasher   *password.Hasher
	Notify   *Notifier
	Codes    *Codes
	Throttle *Throttle
	Now      func() time.Time
	// Issuer names the service in authenticator apps.
	Issuer string
}

// NewAccounts wires the account domain; now defaults to time.Now.
func NewAccounts(db *gorm.DB, k *keys.Keyring, h *password.Hasher, n *Notifier, now func() time.Time) *Accounts {
	if now == nil {
		now = time.Now
	}
	a := &Accounts{DB: db, Keys: k, Hasher: h, Notify: n, Now: now, Issuer: "Yibao Health"}
	a.Codes = &Codes{DB: db, Now: now, Hash: func(purpose, target, code string) string {
		return a.index("code:"+purpose, target+":"+code)
	}}
	a.Throttle = &Throttle{DB: db, Now: now}
	return a
}

// index is the hex blind index of value under purpose.
func (a *Accounts) index(purpose, value string) string {
	return hex.EncodeToString(a.Keys.BlindIndex(purpose, value))
}

// ContactIndex is the blind index used to find a phone number or e-mail address.
func (a *Accounts) ContactIndex(kind, value string) string {
	return a.index("user."+kind, value)
}

// AccountThrottleKey and IPThrottleKey name the sign-in throttle counters.
func (a *Accounts) AccountThrottleKey(userID int64) string {
	return a.index("throttle", "account:"+strconv.FormatInt(userID, 10))
}

// IPThrottleKey names the throttle counter of a client address.
func (a *Accounts) IPThrottleKey(ip string) string { return a.index("throttle", "ip:"+ip) }

// Seal encrypts v for column of table in row id owned by owner.
func (a *Accounts) Seal(table, column string, id, owner int64, v string) (*string, error) {
	s, err := a.Keys.EncryptString(v, keys.AD{Table: table, Column: column, RowID: strconv.FormatInt(id, 10), OwnerID: owner})
	if err != nil {
		return nil, fmt.Errorf("accounts: encrypt %s.%s: %w", table, column, err)
	}
	return &s, nil
}

// Open decrypts a value sealed by Seal; nil opens to "".
func (a *Accounts) Open(table, column string, id, owner int64, v *string) (string, error) {
	if v == nil || *v == "" {
		return "", nil
	}
	s, err := a.Keys.DecryptString(*v, keys.AD{Table: table, Column: column, RowID: strconv.FormatInt(id, 10), OwnerID: owner})
	if err != nil {
		return "", fmt.Errorf("accounts: decrypt %s.%s: %w", table, column, err)
	}
	return s, nil
}

// User loads an account by ID; a missing one is NotFound.
func (a *Accounts) User(ctx context.Context, id int64) (*User, error) {
	var u User
	err := a.DB.WithContext(ctx).Where("id = ?", id).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, NotFound("")
	}
	if err != nil {
		return nil, fmt.Errorf("accounts: load user: %w", err)
	}
	return &u, nil
}

// FindByLogin finds the account a sign-in identifier names, or nil.
func (a *Accounts) FindByLogin(ctx context.Context, login string) (*User, error) {
	kind, value := ParseLogin(login)
	if value == "" {
		return nil, nil
	}
	q := a.DB.WithContext(ctx)
	switch kind {
	case LoginPhone:
		q = q.Where("phone_index = ?", a.ContactIndex(LoginPhone, value))
	case LoginEmail:
		q = q.Where("email_index = ?", a.ContactIndex(LoginEmail, value))
	default:
		q = q.Where("username = ?", value)
	}
	var users []User
	if err := q.Limit(1).Find(&users).Error; err != nil {
		return nil, fmt.Errorf("accounts: find login: %w", err)
	}
	if len(users) == 0 {
		return nil, nil
	}
	return &users[0], nil
}

// Contacts returns u's phone number and e-mail address in clear ("" when unset).
func (a *Accounts) Contacts(u *User) (phone, email string, err error) {
	if phone, err = a.Open("users", "phone", u.ID, u.ID, u.PhoneEnc); err != nil {
		return "", "", err
	}
	email, err = a.Open("users", "email", u.ID, u.ID, u.EmailEnc)
	return phone, email, err
}

// setContact stores a verified phone number or e-mail address on u inside tx.
func (a *Accounts) setContact(tx *gorm.DB, u *User, kind, value string) error {
	enc, err := a.Seal("users", kind, u.ID, u.ID, value)
	if err != nil {
		return err
	}
	idx := a.ContactIndex(kind, value)
	cols := map[string]any{kind + "_index": idx, kind + "_enc": enc, "updated_at": a.Now().UTC()}
	if err := tx.Model(&User{}).Where("id = ?", u.ID).Updates(cols).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return Conflict("contact", "contact.taken")
		}
		return fmt.Errorf("accounts: set %s: %w", kind, err)
	}
	if kind == LoginPhone {
		u.PhoneIndex, u.PhoneEnc = &idx, enc
	} else {
		u.EmailIndex, u.EmailEnc = &idx, enc
	}
	return nil
}

// tell sends u a service notice to the inbox and to the first contact channel it has,
// rendered in lang. Delivery failures are logged, not returned: the notice must not
// undo the security action it reports.
func (a *Accounts) tell(ctx context.Context, u *User, lang i18n.Lang, subjectKey, bodyKey string, args ...any) {
	if a.Notify == nil {
		return
	}
	if l, ok := i18n.Parse(u.Lang); ok {
		lang = l // the recipient's own language, not the actor's
	}
	subject, body := i18n.Translate(lang, subjectKey), i18n.Translate(lang, bodyKey, args...)
	msg := notify.Message{Channel: notify.Inbox, Subject: subject, Body: body, Kind: notify.KindService, Lang: string(lang)}
	if err := a.Notify.Send(ctx, nil, u.ID, msg); err != nil {
		a.Notify.Log.WarnContext(ctx, "accounts: inbox notice failed", "user_id", u.ID, "err", err)
	}
	phone, email, err := a.Contacts(u)
	if err != nil {
		a.Notify.Log.WarnContext(ctx, "accounts: notice contact", "user_id", u.ID, "err", err)
		return
	}
	switch {
	case phone != "":
		msg.Channel, msg.To = notify.SMS, phone
	case email != "":
		msg.Channel, msg.To = notify.Email, email
	default:
		return
	}
	if err := a.Notify.Send(ctx, nil, u.ID, msg); err != nil {
		a.Notify.Log.WarnContext(ctx, "accounts: notice failed", "user_id", u.ID, "channel", string(msg.Channel), "err", err)
	}
}

// Tell sends u a service notice (inbox and first contact channel) in u's own
// language; failures are logged, never returned.
func (a *Accounts) Tell(ctx context.Context, u *User, subjectKey, bodyKey string, args ...any) {
	a.tell(ctx, u, i18n.ZH, subjectKey, bodyKey, args...)
}

// audit appends e outside any transaction (sign-in failures have nothing to commit).
func (a *Accounts) audit(ctx context.Context, e AuditEntry) error {
	return a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		_, err := AppendAudit(tx, e)
		return err
	})
}

// ActorKindOf maps a user kind to the audit actor kind.
func ActorKindOf(kind string) string {
	switch kind {
	case KindPatient:
		return ActorPatient
	case KindDoctor:
		return ActorDoctor
	case KindStaff:
		return ActorStaff
	}
	return ActorAnonymous
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }

// AuditEvent appends an audit row that belongs to no other change (e.g. sign-out).
func (a *Accounts) AuditEvent(ctx context.Context, e AuditEntry) error { return a.audit(ctx, e) }

// SetLang remembers the language u uses, for notices others trigger. It writes only
// when the language changed.
func (a *Accounts) SetLang(ctx context.Context, u *User, lang i18n.Lang) error {
	if u.Lang == string(lang) {
		return nil
	}
	if err := a.DB.WithContext(ctx).Model(&User{}).Where("id = ?", u.ID).Update("lang", string(lang)).Error; err != nil {
		return fmt.Errorf("accounts: set language: %w", err)
	}
	u.Lang = string(lang)
	return nil
}
