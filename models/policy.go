package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/i18n"
)

// Policy version statuses: a draft is edited freely, pending waits for a second
// privacy officer's approval, published is immutable.
const (
	PolicyDraft     = "draft"
	PolicyPending   = "pending"
	PolicyPublished = "published"
)

// PolicyVersion is one version of the privacy policy in both languages. Bodies are
// Markdown, rendered through the sanitiser (internal/markdown) on every display.
type PolicyVersion struct {
	ID          int64
	Version     string
	Status      string
	Material    bool
	TitleZh     string
	TitleEn     string
	SummaryZh   string
	SummaryEn   string
	BodyZh      string
	BodyEn      string
	EffectiveAt *time.Time
	SHA256      string `gorm:"column:sha256"`
	CreatedBy   int64
	SubmittedBy *int64
	ApprovedBy  *int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	PublishedAt *time.Time
}

// Title, Summary and Body return the text in lang (English falls back to zh-CN
// when a version has no English text, which the editor does not allow to publish).
func (p *PolicyVersion) Title(lang i18n.Lang) string   { return pick(lang, p.TitleZh, p.TitleEn) }
func (p *PolicyVersion) Summary(lang i18n.Lang) string { return pick(lang, p.SummaryZh, p.SummaryEn) }
func (p *PolicyVersion) Body(lang i18n.Lang) string    { return pick(lang, p.BodyZh, p.BodyEn) }

func pick(lang i18n.Lang, zh, en string) string {
	if lang == i18n.EN && en != "" {
		return en
	}
	return zh
}

// Effective reports whether p is published and in force at now.
func (p *PolicyVersion) Effective(now time.Time) bool {
	return p.Status == PolicyPublished && p.EffectiveAt != nil && !p.EffectiveAt.After(now)
}

// ComputeHash is the SHA-256 (hex) of the exact texts of p: version label, material
// flag, effective date (UTC, microseconds, as stored) and the six texts, as canonical
// JSON. Publishing stores it; consent records and receipts quote it.
func (p *PolicyVersion) ComputeHash() string {
	eff := ""
	if p.EffectiveAt != nil {
		eff = p.EffectiveAt.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano)
	}
	b, _ := json.Marshal([]any{p.Version, p.Material, eff, p.TitleZh, p.TitleEn, p.SummaryZh, p.SummaryEn, p.BodyZh, p.BodyEn})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Policies reads policy versions.
type Policies struct {
	DB  *gorm.DB
	Now func() time.Time
}

// Current returns the published version in force now (the newest effective one), or
// nil when none has been published yet.
func (s *Policies) Current(ctx context.Context) (*PolicyVersion, error) {
	var v []PolicyVersion
	err := s.DB.WithContext(ctx).Where("status = ? AND effective_at <= ?", PolicyPublished, s.Now().UTC()).
		Order("effective_at DESC, id DESC").Limit(1).Find(&v).Error
	if err != nil || len(v) == 0 {
		return nil, err
	}
	return &v[0], nil
}

// LatestMaterial returns the newest material version in force now, or nil: users who
// have not accepted it (or a later version) meet the re-consent gate.
func (s *Policies) LatestMaterial(ctx context.Context) (*PolicyVersion, error) {
	var v []PolicyVersion
	err := s.DB.WithContext(ctx).Where("status = ? AND material = ? AND effective_at <= ?", PolicyPublished, true, s.Now().UTC()).
		Order("effective_at DESC, id DESC").Limit(1).Find(&v).Error
	if err != nil || len(v) == 0 {
		return nil, err
	}
	return &v[0], nil
}

// Get returns version id in any status; callers decide who may see drafts.
func (s *Policies) Get(ctx context.Context, id int64) (*PolicyVersion, error) {
	var v PolicyVersion
	err := s.DB.WithContext(ctx).Where("id = ?", id).Take(&v).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, NotFound("")
	}
	if err != nil {
		return nil, fmt.Errorf("policies: get: %w", err)
	}
	return &v, nil
}

// GetPublished returns a published version by id (NotFound for drafts: the public
// never sees them).
func (s *Policies) GetPublished(ctx context.Context, id int64) (*PolicyVersion, error) {
	v, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if v.Status != PolicyPublished {
		return nil, NotFound("")
	}
	return v, nil
}

// MaxHistory bounds the history list; a policy is revised a few times a year.
const MaxHistory = 200

// History returns the published versions, newest effective date first (including
// ones scheduled for the future, which the history marks as upcoming).
func (s *Policies) History(ctx context.Context) ([]PolicyVersion, error) {
	var out []PolicyVersion
	err := s.DB.WithContext(ctx).Where("status = ?", PolicyPublished).
		Order("effective_at DESC, id DESC").Limit(MaxHistory).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("policies: history: %w", err)
	}
	return out, nil
}

// Previous returns the published version before v in effective order (the one a
// reader compares v with), or nil when v is the first.
func (s *Policies) Previous(ctx context.Context, v *PolicyVersion) (*PolicyVersion, error) {
	if v.EffectiveAt == nil {
		return nil, nil
	}
	var out []PolicyVersion
	err := s.DB.WithContext(ctx).Where("status = ? AND id <> ? AND (effective_at < ? OR (effective_at = ? AND id < ?))",
		PolicyPublished, v.ID, v.EffectiveAt.UTC(), v.EffectiveAt.UTC(), v.ID).
		Order("effective_at DESC, id DESC").Limit(1).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("policies: previous: %w", err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return &out[0], nil
}
