package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/models/policytext"
)

// InitialPolicyVersion is the label of the policy a fresh installation publishes
// (EnsureInitialPolicy). The demo seed records that the demo users accepted it.
const InitialPolicyVersion = policytext.InitialVersion

// EnsureInitialPolicy publishes the policy shipped in the binary (models/policytext)
// as version InitialPolicyVersion — material, effective at now, written by the
// system (author 0), audited — when no version has been published yet, so a fresh
// installation always has a policy in force. It does nothing (and returns nil)
// otherwise, and is safe when several servers start at once.
func EnsureInitialPolicy(ctx context.Context, g *gorm.DB, now time.Time) (*PolicyVersion, error) {
	var n int64
	if err := g.WithContext(ctx).Model(&PolicyVersion{}).Where("status = ?", PolicyPublished).Count(&n).Error; err != nil {
		return nil, fmt.Errorf("policies: count published: %w", err)
	}
	if n > 0 {
		return nil, nil
	}
	text, err := policytext.Initial()
	if err != nil {
		return nil, err
	}
	v, _, err := SeedPolicyVersion(ctx, g, text, true, now)
	return v, err
}

// InitialPolicy returns the initial version (InitialPolicyVersion), NotFound when
// this installation never published it.
func (s *Policies) InitialPolicy(ctx context.Context) (*PolicyVersion, error) {
	v, err := s.GetByLabel(ctx, InitialPolicyVersion)
	if err != nil {
		return nil, err
	}
	if v.Status != PolicyPublished {
		return nil, NotFound("")
	}
	return v, nil
}

// SeedPolicyVersion publishes text as a version by the system, effective at now,
// unless a version with its label exists (then it returns that one, created false).
// It is for the shipped initial policy and the development demo only: staff
// versions go through the draft, submit and approval steps.
func SeedPolicyVersion(ctx context.Context, g *gorm.DB, text policytext.Text, material bool, now time.Time) (*PolicyVersion, bool, error) {
	s := &Policies{DB: g, Now: func() time.Time { return now }}
	if v, err := s.GetByLabel(ctx, text.Version); err == nil {
		return v, false, nil
	} else if !IsNotFound(err) {
		return nil, false, err
	}
	at := now.UTC().Truncate(time.Second)
	v := &PolicyVersion{Version: text.Version, Status: PolicyPublished, Material: material,
		TitleZh: text.TitleZh, TitleEn: text.TitleEn, SummaryZh: text.SummaryZh, SummaryEn: text.SummaryEn,
		BodyZh: text.BodyZh, BodyEn: text.BodyEn, EffectiveAt: &at, CreatedAt: at, UpdatedAt: at, PublishedAt: &at}
	if p := v.complete(); len(p) > 0 {
		return nil, false, fmt.Errorf("policies: shipped text %s is incomplete: %w", text.Version, p)
	}
	v.SHA256 = v.ComputeHash()
	actx := AuditContext{ActorKind: ActorSystem, RequestID: "policy-seed"}
	err := s.insert(ctx, v, actx.Entry("policy.publish", "policy_version", "", OutcomeSuccess),
		map[string]string{"sha256": v.SHA256, "material": fmt.Sprint(material), "approval": "system"})
	var p Problems
	if errors.As(err, &p) { // another server seeded it at the same moment
		existing, gerr := s.GetByLabel(ctx, text.Version)
		return existing, false, gerr
	}
	if err != nil {
		return nil, false, err
	}
	return v, true, nil
}
