package models

import (
	"context"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/keys"
	"github.com/yibao-health/portal/internal/notify"
)

// ChannelJustInTime is a consent asked at the moment it is needed (the health-data
// page before the first upload).
const ChannelJustInTime = "just_in_time"

// MaxConsentHistory bounds the history shown per purpose on "My consents".
const MaxConsentHistory = 20

// WithdrawalEffect stops the processing a purpose allowed. It runs inside the
// transaction that records the withdrawal (or a decline), after the record, so both
// commit together or not at all. Features that process under a purpose add theirs
// when they are wired (health uploads, sharing and doctor grants for health_data).
type WithdrawalEffect func(ctx context.Context, tx *gorm.DB, userID int64, purpose string, at time.Time) error

// Consents changes and reads a user's consents: the "My consents" page, the
// just-in-time health-data consent and notices shown. Every change is a new
// consent record quoting the policy version in force; nothing is ever updated.
type Consents struct {
	DB   *gorm.DB
	Keys *keys.Keyring // keys the confirmation tokens
	Now  func() time.Time
	// Effects run on every withdrawal or decline (see WithdrawalEffect).
	Effects []WithdrawalEffect
}

// NewConsents returns the consent domain on db; now defaults to time.Now.
func NewConsents(db *gorm.DB, k *keys.Keyring, now func() time.Time) *Consents {
	if now == nil {
		now = time.Now
	}
	return &Consents{DB: db, Keys: k, Now: now}
}

// ConfirmToken is what a confirmation page carries to prove the user saw exactly
// what the change does: a keyed hash of the user, purpose, direction and the newest
// decision, so it works once (the decision it records changes the newest one) and
// cannot be made up without the portal's keys.
func (s *Consents) ConfirmToken(ctx context.Context, userID int64, purpose string, grant bool) (string, error) {
	last, err := lastDecision(ctx, s.DB, userID, purpose)
	if err != nil {
		return "", err
	}
	return s.token(userID, purpose, grant, last), nil
}

func (s *Consents) token(userID int64, purpose string, grant bool, last *ConsentRecord) string {
	var lastID int64
	if last != nil {
		lastID = last.ID
	}
	msg := fmt.Sprintf("%d|%s|%t|%d", userID, purpose, grant, lastID)
	return hex.EncodeToString(s.Keys.BlindIndex("consent.confirm", msg))
}

// Changeable reports whether a user can switch p on "My consents": opt-in and
// opt-out purposes can; the required terms (declining means leaving the service)
// and notice-only purposes (necessary for the service) cannot.
func Changeable(p Purpose) bool {
	return p.Mechanism == MechanismOptIn || p.Mechanism == MechanismOptOut
}

// Change grants (grant true) or withdraws userID's consent to purpose, effective at
// once, with the policy version in force quoted. Taking back an explicit yes is
// recorded as withdrawn, any other no (an opt-out purpose turned off) as declined; the
// withdrawal effects run in the same transaction. Nothing is recorded (nil, nil)
// when the user already decided the same way; a first explicit answer is always
// recorded, even when it matches the default. The terms and notice-only purposes
// are Forbidden here. token must be ConfirmToken's for this change (Invalid
// "consent.confirm.required" otherwise: the confirmation step was skipped or is stale).
func (s *Consents) Change(ctx context.Context, userID int64, purpose string, grant bool, token string, cc ConsentContext) (*ConsentRecord, error) {
	p, ok := PurposeByKey(purpose)
	if !ok || !p.Listed {
		return nil, NotFound("")
	}
	if !Changeable(p) {
		return nil, Forbidden("consent.change.not_changeable." + p.Mechanism)
	}
	var rec *ConsentRecord
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		last, err := lastDecision(ctx, tx, userID, purpose)
		if err != nil {
			return err
		}
		if subtle.ConstantTimeCompare([]byte(token), []byte(s.token(userID, purpose, grant, last))) != 1 {
			return Invalid("", "consent.confirm.required")
		}
		granted := defaultGranted(p)
		if last != nil {
			granted = last.Decision == DecisionAccepted
			if granted == grant {
				return nil
			}
		}
		decision := DecisionAccepted
		if !grant {
			decision = DecisionDeclined
			if last != nil && last.Decision == DecisionAccepted {
				decision = DecisionWithdrawn
			}
		}
		pv, err := (&Policies{DB: tx, Now: s.Now}).Current(ctx)
		if err != nil {
			return fmt.Errorf("consent: current policy: %w", err)
		}
		now := s.Now().UTC()
		if rec, err = RecordConsent(tx, userID, purpose, "", decision, pv, cc, now); err != nil {
			return err
		}
		if grant {
			return nil
		}
		for _, effect := range s.Effects {
			if err := effect(ctx, tx, userID, purpose, now); err != nil {
				return fmt.Errorf("consent: withdrawal effect: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		rec = nil
		if AsError(err) != nil {
			return nil, err
		}
		return nil, fmt.Errorf("consent: change %s: %w", purpose, err)
	}
	return rec, nil
}

// lastDecision is the newest decision row (not a notice) of userID on purpose.
func lastDecision(ctx context.Context, tx *gorm.DB, userID int64, purpose string) (*ConsentRecord, error) {
	var rows []ConsentRecord
	err := tx.WithContext(ctx).Where("user_id = ? AND purpose = ? AND scope = '' AND decision <> ?", userID, purpose, DecisionNoticeShown).
		Order("id DESC").Limit(1).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("consent: last decision: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return &rows[0], nil
}

// NoticeShown records that the notice of a notice-only purpose was displayed to
// userID. It records once per policy version (the notice's wording belongs to the
// version in force), so showing a page again does not pile up identical rows; it
// reports whether a row was written.
func (s *Consents) NoticeShown(ctx context.Context, userID int64, purpose string, cc ConsentContext) (bool, error) {
	p, ok := PurposeByKey(purpose)
	if !ok || p.Mechanism != MechanismNotice {
		return false, fmt.Errorf("consent: %q is not a notice-only purpose", purpose)
	}
	wrote := false
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		pv, err := (&Policies{DB: tx, Now: s.Now}).Current(ctx)
		if err != nil {
			return fmt.Errorf("consent: current policy: %w", err)
		}
		q := tx.Model(&ConsentRecord{}).Where("user_id = ? AND purpose = ? AND scope = '' AND decision = ?", userID, purpose, DecisionNoticeShown)
		if pv != nil {
			q = q.Where("policy_version_id = ?", pv.ID)
		}
		var n int64
		if err := q.Count(&n).Error; err != nil {
			return fmt.Errorf("consent: notice shown: %w", err)
		}
		if n > 0 {
			return nil
		}
		wrote = true
		_, err = RecordConsent(tx, userID, purpose, "", DecisionNoticeShown, pv, cc, s.Now())
		return err
	})
	return wrote, err
}

// ConsentHistory returns userID's records on purpose (scope ""), newest first, at
// most limit (clamped to 1..MaxConsentHistory), notices shown included.
func ConsentHistory(ctx context.Context, g *gorm.DB, userID int64, purpose string, limit int) ([]ConsentRecord, error) {
	limit = min(max(limit, 1), MaxConsentHistory)
	var out []ConsentRecord
	err := g.WithContext(ctx).Where("user_id = ? AND purpose = ? AND scope = ''", userID, purpose).
		Order("id DESC").Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("consent: history: %w", err)
	}
	return out, nil
}

// PurposeView is one purpose as "My consents" shows it: its derived state and
// its recent history.
type PurposeView struct {
	ConsentState
	History []ConsentRecord
	// Versions maps a policy version ID quoted in History to its label.
	Versions map[int64]string
}

// Overview derives the state of every listed purpose with its history (bounded by
// MaxConsentHistory each) and the policy version labels the history quotes.
func (s *Consents) Overview(ctx context.Context, userID int64) ([]PurposeView, error) {
	states, err := ConsentStates(ctx, s.DB, userID)
	if err != nil {
		return nil, err
	}
	out := make([]PurposeView, len(states))
	ids := map[int64]bool{}
	for i, st := range states {
		h, err := ConsentHistory(ctx, s.DB, userID, st.Purpose.Key, MaxConsentHistory)
		if err != nil {
			return nil, err
		}
		out[i] = PurposeView{ConsentState: st, History: h}
		for _, r := range h {
			if r.PolicyVersionID != nil {
				ids[*r.PolicyVersionID] = true
			}
		}
	}
	labels, err := policyLabels(ctx, s.DB, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Versions = labels
	}
	return out, nil
}

// policyLabels maps policy version IDs to their version labels.
func policyLabels(ctx context.Context, g *gorm.DB, ids map[int64]bool) (map[int64]string, error) {
	labels := map[int64]string{}
	if len(ids) == 0 {
		return labels, nil
	}
	list := make([]int64, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	var rows []PolicyVersion
	if err := g.WithContext(ctx).Select("id", "version").Where("id IN ?", list).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("consent: policy labels: %w", err)
	}
	for _, r := range rows {
		labels[r.ID] = r.Version
	}
	return labels, nil
}

// MarketingConsent is Notifier.MarketingAllowed: a marketing message goes out only
// with a current opt-in to PurposeMarketing (on every channel), checked in the
// sender's transaction so a withdrawal committed first stops it.
func MarketingConsent(ctx context.Context, tx *gorm.DB, userID int64, _ notify.Channel) (bool, error) {
	return HasConsent(ctx, tx, userID, PurposeMarketing, "")
}
