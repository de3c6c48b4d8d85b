package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Consent mechanisms: how a purpose's default and change work.
const (
	MechanismRequired = "required" // accepted to have an account at all
	MechanismOptIn    = "opt_in"   // off until the user says yes
	MechanismOptOut   = "opt_out"  // on until the user says no
	MechanismNotice   = "notice"   // no choice: necessary for the service, the user is told
)

// Consent decisions. NoticeShown proves a notice was displayed; it is not a decision.
const (
	DecisionAccepted    = "accepted"
	DecisionDeclined    = "declined"
	DecisionWithdrawn   = "withdrawn"
	DecisionNoticeShown = "notice_shown"
)

// Purpose keys (the catalogue below). The consultation issue adds per-doctor sharing
// as PurposeDoctorSharing with a scope per consultation.
const (
	PurposeTerms           = "terms"
	PurposeHealthData      = "health_data"
	PurposeMarketing       = "marketing"
	PurposePersonalization = "personalization"
	PurposeAnalytics       = "analytics"
	PurposeLogistics       = "logistics_sharing"
	PurposeDoctorSharing   = "doctor_sharing"
	PurposeIdentityDoc     = "identity_document"
)

// Purpose is one processing purpose of the catalogue. Texts are i18n keys:
// consent.purpose.<key>.{name,description,effect_on,effect_off} and legal basis
// consent.basis.<LegalBasis>.
type Purpose struct {
	Key        string
	Mechanism  string
	LegalBasis string // contract, consent, separate_consent, legitimate_interest, legal_obligation
	Sensitive  bool   // PIPL art. 29: separate consent, asked just in time
	Listed     bool   // shown on "My consents" (per-doctor sharing is shown with its consultation)
}

// Purposes is the catalogue, in display order (DESIGN.md §2, issue 4).
var Purposes = []Purpose{
	{Key: PurposeTerms, Mechanism: MechanismRequired, LegalBasis: "contract", Listed: true},
	{Key: PurposeHealthData, Mechanism: MechanismOptIn, LegalBasis: "separate_consent", Sensitive: true, Listed: true},
	{Key: PurposeIdentityDoc, Mechanism: MechanismOptIn, LegalBasis: "separate_consent", Sensitive: true, Listed: true},
	{Key: PurposeMarketing, Mechanism: MechanismOptIn, LegalBasis: "consent", Listed: true},
	{Key: PurposePersonalization, Mechanism: MechanismOptOut, LegalBasis: "consent", Listed: true},
	{Key: PurposeAnalytics, Mechanism: MechanismOptOut, LegalBasis: "legitimate_interest", Listed: true},
	{Key: PurposeLogistics, Mechanism: MechanismNotice, LegalBasis: "contract", Listed: true},
	{Key: PurposeDoctorSharing, Mechanism: MechanismOptIn, LegalBasis: "separate_consent", Sensitive: true},
}

// PurposeByKey returns the catalogue entry for key.
func PurposeByKey(key string) (Purpose, bool) {
	for _, p := range Purposes {
		if p.Key == key {
			return p, true
		}
	}
	return Purpose{}, false
}

// ConsentRecord is one append-only row of consent proof. Nothing updates or deletes
// these rows (database triggers refuse it); the current state is derived.
type ConsentRecord struct {
	ID              int64
	UserID          int64
	Purpose         string
	Scope           string
	Decision        string
	PolicyVersionID *int64
	PolicySHA256    string `gorm:"column:policy_sha256"`
	Channel         string
	ClientIP        string `gorm:"column:client_ip"`
	UserAgent       string
	CreatedAt       time.Time
}

// Channels through which a consent is given.
const (
	ChannelRegistration = "registration"
	ChannelWeb          = "web"
	ChannelGate         = "gate"
	ChannelSystem       = "system"
)

// ConsentContext is where a decision was made: channel, truncated IP, browser summary.
type ConsentContext struct {
	Channel, ClientIP, UserAgent string
}

// RecordConsent appends a consent record inside tx (so it commits with the change it
// permits). pv, when not nil, is the policy version shown and its hash is quoted.
func RecordConsent(tx *gorm.DB, userID int64, purpose, scope, decision string, pv *PolicyVersion, cc ConsentContext, now time.Time) (*ConsentRecord, error) {
	if _, ok := PurposeByKey(purpose); !ok {
		return nil, fmt.Errorf("consent: unknown purpose %q", purpose)
	}
	switch decision {
	case DecisionAccepted, DecisionDeclined, DecisionWithdrawn, DecisionNoticeShown:
	default:
		return nil, fmt.Errorf("consent: unknown decision %q", decision)
	}
	r := &ConsentRecord{UserID: userID, Purpose: purpose, Scope: scope, Decision: decision,
		Channel: cc.Channel, ClientIP: cc.ClientIP, UserAgent: truncate(cc.UserAgent, 255), CreatedAt: now.UTC()}
	if pv != nil {
		r.PolicyVersionID, r.PolicySHA256 = &pv.ID, pv.SHA256
	}
	if err := tx.Create(r).Error; err != nil {
		return nil, fmt.Errorf("consent: record: %w", err)
	}
	return r, nil
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// ConsentState is the derived state of one purpose for one user.
type ConsentState struct {
	Purpose Purpose
	Granted bool
	// Last is the newest decision row (nil: none yet, Granted is the mechanism's default).
	Last *ConsentRecord
}

// defaultGranted is a purpose's state before any decision.
func defaultGranted(p Purpose) bool {
	return p.Mechanism == MechanismOptOut || p.Mechanism == MechanismNotice
}

// decided reports whether d changes the state (a shown notice does not).
func decided(d string) bool { return d != DecisionNoticeShown }

// ConsentStates derives the current state of every listed purpose for userID from its
// newest decision (scope ""), in one query.
func ConsentStates(ctx context.Context, g *gorm.DB, userID int64) ([]ConsentState, error) {
	var rows []ConsentRecord
	// Newest decision per purpose: the max id per purpose among decisions.
	sub := g.Model(&ConsentRecord{}).Select("MAX(id)").
		Where("user_id = ? AND scope = '' AND decision <> ?", userID, DecisionNoticeShown).Group("purpose")
	if err := g.WithContext(ctx).Where("id IN (?)", sub).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("consent: states: %w", err)
	}
	last := make(map[string]*ConsentRecord, len(rows))
	for i := range rows {
		last[rows[i].Purpose] = &rows[i]
	}
	var out []ConsentState
	for _, p := range Purposes {
		if !p.Listed {
			continue
		}
		st := ConsentState{Purpose: p, Granted: defaultGranted(p), Last: last[p.Key]}
		if st.Last != nil {
			st.Granted = st.Last.Decision == DecisionAccepted
		}
		out = append(out, st)
	}
	return out, nil
}

// HasConsent reports whether userID's newest decision on purpose/scope grants it
// (the mechanism's default when there is none). Call it inside the transaction of the
// processing it permits, so a withdrawal committed first stops it.
func HasConsent(ctx context.Context, tx *gorm.DB, userID int64, purpose, scope string) (bool, error) {
	p, ok := PurposeByKey(purpose)
	if !ok {
		return false, fmt.Errorf("consent: unknown purpose %q", purpose)
	}
	var rows []ConsentRecord
	err := tx.WithContext(ctx).Where("user_id = ? AND purpose = ? AND scope = ? AND decision <> ?", userID, purpose, scope, DecisionNoticeShown).
		Order("id DESC").Limit(1).Find(&rows).Error
	if err != nil {
		return false, fmt.Errorf("consent: check: %w", err)
	}
	if len(rows) == 0 {
		return defaultGranted(p), nil
	}
	return rows[0].Decision == DecisionAccepted, nil
}

// AcceptedPolicySince reports whether userID accepted (purpose terms) version v or any
// version after it, ordered like the gate orders them: by effective date, then id.
func AcceptedPolicySince(ctx context.Context, g *gorm.DB, userID int64, v *PolicyVersion) (bool, error) {
	var n int64
	err := g.WithContext(ctx).Model(&ConsentRecord{}).
		Joins("JOIN policy_versions pv ON pv.id = consent_records.policy_version_id").
		Where("consent_records.user_id = ? AND consent_records.purpose = ? AND consent_records.decision = ?", userID, PurposeTerms, DecisionAccepted).
		Where("(pv.effective_at > ? OR (pv.effective_at = ? AND pv.id >= ?))", v.EffectiveAt, v.EffectiveAt, v.ID).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("consent: accepted policy: %w", err)
	}
	return n > 0, nil
}
