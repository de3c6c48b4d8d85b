package models

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
)

// GateVersion is the part of a policy version the re-consent gate reads on every
// signed-in request: no texts, so the query stays small.
type GateVersion struct {
	ID          int64
	Version     string
	Material    bool
	EffectiveAt time.Time
}

// GateCheck is what the gate decided for one user (policy: C6.1).
type GateCheck struct {
	// Block is the material version in force that the user has not accepted (nor any
	// later one): every page but the exits waits until they accept. Nil: not blocked.
	Block *GateVersion
	// Notice is a newer minor version the user has neither accepted nor dismissed the
	// notice of: a banner tells them, and continued use is acceptance. Nil when
	// there is none or when Block is set.
	Notice *GateVersion
}

// Gate decides whether userID must review the policy before going on, in at most
// two small indexed statements (tagged /* gate */ so tests can count them): the newest version in force together with the
// newest material one (one UNION ALL of two LIMIT 1 seeks on
// idx_policy_versions_status), then — only when some version is in force — the
// user's own terms records (idx_consent_records_user).
func (s *Policies) Gate(ctx context.Context, userID int64) (GateCheck, error) {
	now := s.Now().UTC()
	// Each LIMIT 1 member is wrapped in a derived table: SQLite allows ORDER BY and
	// LIMIT only on the whole compound otherwise. The first row is the current
	// version, the second the newest material one.
	const q = `/* gate */ SELECT id, version, material, effective_at, 0 AS k FROM (SELECT id, version, material, effective_at FROM policy_versions
  WHERE status = ? AND effective_at <= ? ORDER BY effective_at DESC, id DESC LIMIT 1) cur
UNION ALL
SELECT id, version, material, effective_at, 1 AS k FROM (SELECT id, version, material, effective_at FROM policy_versions
  WHERE status = ? AND material = ? AND effective_at <= ? ORDER BY effective_at DESC, id DESC LIMIT 1) mat`
	type row struct {
		GateVersion
		K int
	}
	var got []row
	if err := s.DB.WithContext(ctx).Raw(q, PolicyPublished, now, PolicyPublished, true, now).Scan(&got).Error; err != nil {
		return GateCheck{}, fmt.Errorf("gate: versions: %w", err)
	}
	var cur, mat *GateVersion
	for i := range got {
		v := got[i].GateVersion
		v.EffectiveAt = v.EffectiveAt.UTC()
		if got[i].K == 0 {
			cur = &v
		} else {
			mat = &v
		}
	}
	if cur == nil {
		return GateCheck{}, nil
	}
	// Whether the user accepted the material version or a later one, and whether they
	// accepted or saw the notice of the current one or a later one. "Later" is the
	// order Current uses, (effective_at, id): two versions may take effect at the same
	// moment (the demo publishes its revision at the initial policy's instant).
	matV := cur
	if mat != nil {
		matV = mat
	}
	var res struct{ Accepted, Seen int64 }
	err := s.DB.WithContext(ctx).Raw(`/* gate */ SELECT
  COALESCE(SUM(CASE WHEN cr.decision = ? AND (pv.effective_at > ? OR (pv.effective_at = ? AND pv.id >= ?)) THEN 1 ELSE 0 END), 0) AS accepted,
  COALESCE(SUM(CASE WHEN pv.effective_at > ? OR (pv.effective_at = ? AND pv.id >= ?) THEN 1 ELSE 0 END), 0) AS seen
FROM consent_records cr JOIN policy_versions pv ON pv.id = cr.policy_version_id
WHERE cr.user_id = ? AND cr.purpose = ? AND cr.scope = '' AND cr.decision IN (?, ?)`,
		DecisionAccepted, matV.EffectiveAt, matV.EffectiveAt, matV.ID, cur.EffectiveAt, cur.EffectiveAt, cur.ID,
		userID, PurposeTerms, DecisionAccepted, DecisionNoticeShown).Scan(&res).Error
	if err != nil {
		return GateCheck{}, fmt.Errorf("gate: acceptance: %w", err)
	}
	switch {
	case mat != nil && res.Accepted == 0:
		return GateCheck{Block: mat}, nil
	case !cur.Material && res.Seen == 0:
		return GateCheck{Notice: cur}, nil
	}
	return GateCheck{}, nil
}

// LastAccepted returns the newest version (by effective date) userID accepted, or
// nil: the review page compares against it.
func (s *Policies) LastAccepted(ctx context.Context, userID int64) (*PolicyVersion, error) {
	var v []PolicyVersion
	err := s.DB.WithContext(ctx).Model(&PolicyVersion{}).Select("policy_versions.*").
		Joins("JOIN consent_records cr ON cr.policy_version_id = policy_versions.id").
		Where("cr.user_id = ? AND cr.purpose = ? AND cr.scope = '' AND cr.decision = ? AND policy_versions.status = ?",
			userID, PurposeTerms, DecisionAccepted, PolicyPublished).
		Order("policy_versions.effective_at DESC, policy_versions.id DESC").Limit(1).Find(&v).Error
	if err != nil || len(v) == 0 {
		return nil, err
	}
	return &v[0], nil
}

// Audit actions of policy decisions made at the gate.
const (
	AuditPolicyAccept  = "policy.accept"
	AuditPolicyDecline = "policy.decline"
)

// ErrNotInForce is returned when a decision names a version that is not the
// version in force (a newer one took effect while the user read).
var ErrNotInForce = errors.New("policy: version is not the one in force")

// DecidePolicy records userID's decision (accepted or declined) on the version in
// force, versionID, with an audit row in the same transaction (policy: C6.1). It
// returns ErrNotInForce when versionID is no longer the current version.
func (s *Policies) DecidePolicy(ctx context.Context, userID, versionID int64, decision string, cc ConsentContext, actx AuditContext) error {
	if decision != DecisionAccepted && decision != DecisionDeclined {
		return fmt.Errorf("policy: decide: bad decision %q", decision)
	}
	cur, err := s.Current(ctx)
	if err != nil {
		return fmt.Errorf("policy: decide: %w", err)
	}
	if cur == nil || cur.ID != versionID {
		return ErrNotInForce
	}
	now := s.Now()
	action := AuditPolicyAccept
	if decision == DecisionDeclined {
		action = AuditPolicyDecline
	}
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		r, err := RecordConsent(tx, userID, PurposeTerms, "", decision, cur, cc, now)
		if err != nil {
			return err
		}
		e := actx.Entry(action, "policy_version", strconv.FormatInt(cur.ID, 10), OutcomeSuccess).
			With(map[string]string{"version": cur.Version, "consent_record": strconv.FormatInt(r.ID, 10), "channel": cc.Channel})
		e.OccurredAt = now
		_, err = AppendAudit(tx, e)
		return err
	})
}

// NoticeSeen records that userID dismissed the notice of minor version versionID
// (decision notice_shown; continued use is acceptance, so nothing else is asked).
// Versions other than the one in force are ignored.
func (s *Policies) NoticeSeen(ctx context.Context, userID, versionID int64, cc ConsentContext) error {
	cur, err := s.Current(ctx)
	if err != nil {
		return fmt.Errorf("policy: notice: %w", err)
	}
	if cur == nil || cur.ID != versionID {
		return nil
	}
	_, err = RecordConsent(s.DB.WithContext(ctx), userID, PurposeTerms, "", DecisionNoticeShown, cur, cc, s.Now())
	return err
}

// PolicyOutline is a published version without its texts, for version pickers.
type PolicyOutline struct {
	ID          int64
	Version     string
	Material    bool
	EffectiveAt time.Time
	TitleZh     string
	TitleEn     string
}

// Outlines lists the published versions without their texts, newest effective date
// first (at most MaxHistory).
func (s *Policies) Outlines(ctx context.Context) ([]PolicyOutline, error) {
	var out []PolicyOutline
	err := s.DB.WithContext(ctx).Model(&PolicyVersion{}).
		Select("id, version, material, effective_at, title_zh, title_en").
		Where("status = ?", PolicyPublished).Order("effective_at DESC, id DESC").Limit(MaxHistory).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("policies: outlines: %w", err)
	}
	for i := range out {
		out[i].EffectiveAt = out[i].EffectiveAt.UTC()
	}
	return out, nil
}
