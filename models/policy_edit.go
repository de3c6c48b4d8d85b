package models

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/markdown"
)

// Limits of a policy version's fields (policy_versions: version VARCHAR(32), titles
// VARCHAR(200); summaries and bodies are bounded here so a version stays readable
// and both bodies fit in one ordinary form post).
const (
	MaxPolicyLabel   = 32
	MaxPolicyTitle   = 200
	MaxPolicySummary = 2000
	MaxPolicyBody    = 60000
)

// policyLabel is a version label: letters, digits, dot, dash and underscore,
// starting with a letter or digit (e.g. "2026-12").
var policyLabel = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// Typed errors of policy editing. errors.Is matches them.
var (
	// ErrPolicyPublished refuses any change to a published version: it is
	// immutable, and a change means a new version ("new version from this one").
	ErrPolicyPublished = &Error{Kind: KindConflict, Key: "policy.error.published"}
	// ErrPolicyPending refuses edits while a version waits for approval; return it to
	// draft first.
	ErrPolicyPending = &Error{Kind: KindConflict, Key: "policy.error.pending"}
	// ErrPolicyNotPending refuses approving a version that was not submitted.
	ErrPolicyNotPending = &Error{Kind: KindConflict, Key: "policy.error.not_pending"}
	// ErrPolicyNotDraft refuses submitting a version that is not a draft.
	ErrPolicyNotDraft = &Error{Kind: KindConflict, Key: "policy.error.not_draft"}
	// ErrPolicyOwnApproval refuses approval by an officer who created, edited or
	// submitted the version (the two-person rule).
	ErrPolicyOwnApproval = &Error{Kind: KindForbidden, Key: "policy.error.own_approval"}
)

// PolicyInput is what an officer types for a version. Effective is Beijing time as
// typed ("2006-01-02T15:04", a datetime-local value; "" = when it is published).
type PolicyInput struct {
	Version              string
	Material             bool
	Effective            string
	TitleZh, TitleEn     string
	SummaryZh, SummaryEn string
	BodyZh, BodyEn       string
}

// PolicyInputOf returns v's fields as a form would show them.
func PolicyInputOf(v *PolicyVersion) PolicyInput {
	return PolicyInput{Version: v.Version, Material: v.Material, Effective: FormatBeijing(v.EffectiveAt),
		TitleZh: v.TitleZh, TitleEn: v.TitleEn, SummaryZh: v.SummaryZh, SummaryEn: v.SummaryEn, BodyZh: v.BodyZh, BodyEn: v.BodyEn}
}

// beijingLayouts are the accepted spellings of an effective date, in China time.
var beijingLayouts = []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02"}

// ParseBeijing reads a date and time typed in Beijing time; "" is nil.
func ParseBeijing(s string) (*time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, true
	}
	for _, l := range beijingLayouts {
		if t, err := time.ParseInLocation(l, s, ChinaTime); err == nil {
			u := t.UTC()
			return &u, true
		}
	}
	return nil, false
}

// FormatBeijing is t in Beijing time as a datetime-local value ("" for nil).
func FormatBeijing(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(ChinaTime).Format("2006-01-02T15:04")
}

// normalize trims the input and turns CRLF (what browsers send from a textarea)
// into LF, so the stored text and its hash do not depend on the client.
func (in *PolicyInput) normalize() {
	line := func(s string) string {
		return strings.Join(strings.Fields(s), " ")
	}
	text := func(s string) string {
		return strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"))
	}
	in.Version = strings.TrimSpace(in.Version)
	in.TitleZh, in.TitleEn = line(in.TitleZh), line(in.TitleEn)
	in.SummaryZh, in.SummaryEn = text(in.SummaryZh), text(in.SummaryEn)
	in.BodyZh, in.BodyEn = text(in.BodyZh), text(in.BodyEn)
	in.Effective = strings.TrimSpace(in.Effective)
}

// validate checks the input as a draft (incomplete texts are fine) and returns the
// parsed effective date with every problem at once.
func (in *PolicyInput) validate(now time.Time) (*time.Time, Problems) {
	var p Problems
	switch {
	case in.Version == "":
		p.Add("version", "policy.error.version_required")
	case len(in.Version) > MaxPolicyLabel || !policyLabel.MatchString(in.Version):
		p = append(p, &Error{Kind: KindInvalid, Field: "version", Key: "policy.error.version_format", Args: []any{MaxPolicyLabel}})
	}
	check := func(field, s string, max int) {
		if utf8.RuneCountInString(s) > max {
			p = append(p, &Error{Kind: KindInvalid, Field: field, Key: "policy.error.too_long", Args: []any{max}})
		} else if !utf8.ValidString(s) || strings.ContainsFunc(s, badPolicyRune) {
			p.Add(field, "policy.error.control")
		}
	}
	check("title_zh", in.TitleZh, MaxPolicyTitle)
	check("title_en", in.TitleEn, MaxPolicyTitle)
	check("summary_zh", in.SummaryZh, MaxPolicySummary)
	check("summary_en", in.SummaryEn, MaxPolicySummary)
	check("body_zh", in.BodyZh, MaxPolicyBody)
	check("body_en", in.BodyEn, MaxPolicyBody)
	eff, ok := ParseBeijing(in.Effective)
	switch {
	case !ok:
		p.Add("effective", "policy.error.effective_format")
	case eff != nil && eff.Before(now.Truncate(time.Minute)):
		p.Add("effective", "policy.error.effective_past")
	}
	return eff, p
}

// badPolicyRune refuses control characters other than line breaks and tabs.
func badPolicyRune(r rune) bool {
	return unicode.IsControl(r) && r != '\n' && r != '\t'
}

// complete checks what publishing needs: every text in both languages, a summary of
// changes, and Markdown the renderer accepts.
func (v *PolicyVersion) complete() Problems {
	var p Problems
	for _, f := range []struct{ field, val string }{
		{"title_zh", v.TitleZh}, {"title_en", v.TitleEn}, {"summary_zh", v.SummaryZh},
		{"summary_en", v.SummaryEn}, {"body_zh", v.BodyZh}, {"body_en", v.BodyEn},
	} {
		if strings.TrimSpace(f.val) == "" {
			p.Add(f.field, "policy.error.required_to_publish")
		} else if strings.HasPrefix(f.field, "body_") {
			if _, err := markdown.Render(f.val); err != nil {
				p.Add(f.field, "policy.error.markdown")
			}
		}
	}
	return p
}

// apply copies the normalized input into v.
func (v *PolicyVersion) apply(in PolicyInput, eff *time.Time) {
	v.Version, v.Material, v.EffectiveAt = in.Version, in.Material, eff
	v.TitleZh, v.TitleEn, v.SummaryZh, v.SummaryEn, v.BodyZh, v.BodyEn = in.TitleZh, in.TitleEn, in.SummaryZh, in.SummaryEn, in.BodyZh, in.BodyEn
}

// CreateDraft stores a new draft written by the actor (0 for the system, e.g. the
// import command), audited as policy.create.
func (s *Policies) CreateDraft(ctx context.Context, in PolicyInput, actx AuditContext) (*PolicyVersion, error) {
	now := s.Now().UTC()
	in.normalize()
	eff, p := in.validate(now)
	if len(p) == 0 || p[0].Field != "version" {
		if taken, err := s.labelTaken(ctx, in.Version, 0); err != nil {
			return nil, err
		} else if taken {
			p = append(p, &Error{Kind: KindInvalid, Field: "version", Key: "policy.error.version_taken"})
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	v := &PolicyVersion{Status: PolicyDraft, CreatedBy: actx.ActorID, CreatedAt: now, UpdatedAt: now}
	v.apply(in, eff)
	return v, s.insert(ctx, v, actx.Entry("policy.create", "policy_version", "", OutcomeSuccess), nil)
}

// insert creates v and its audit row (whose object id is v's new id) in one
// transaction; details are added to the audit row.
func (s *Policies) insert(ctx context.Context, v *PolicyVersion, e AuditEntry, details map[string]string) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(v).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return Problems{{Kind: KindInvalid, Field: "version", Key: "policy.error.version_taken"}}
			}
			return fmt.Errorf("policies: create: %w", err)
		}
		e.ObjectID, e.OccurredAt = idString(v.ID), v.CreatedAt
		if details == nil {
			details = map[string]string{}
		}
		details["version"] = v.Version
		_, err := AppendAudit(tx, e.With(details))
		return err
	})
}

// labelTaken reports whether another version (not id) already has label.
func (s *Policies) labelTaken(ctx context.Context, label string, id int64) (bool, error) {
	var n int64
	if err := s.DB.WithContext(ctx).Model(&PolicyVersion{}).Where("version = ? AND id <> ?", label, id).Count(&n).Error; err != nil {
		return false, fmt.Errorf("policies: check label: %w", err)
	}
	return n > 0, nil
}

// UpdateDraft replaces the texts of draft id, audited as policy.edit. A published
// version is refused with ErrPolicyPublished (the attempt is audited as denied), a
// pending one with ErrPolicyPending.
func (s *Policies) UpdateDraft(ctx context.Context, id int64, in PolicyInput, actx AuditContext) (*PolicyVersion, error) {
	now := s.Now().UTC()
	in.normalize()
	eff, p := in.validate(now)
	if len(p) == 0 || p[0].Field != "version" {
		if taken, err := s.labelTaken(ctx, in.Version, id); err != nil {
			return nil, err
		} else if taken {
			p = append(p, &Error{Kind: KindInvalid, Field: "version", Key: "policy.error.version_taken"})
		}
	}
	var out *PolicyVersion
	err := s.locked(ctx, id, func(tx *gorm.DB, v *PolicyVersion) error {
		if err := editable(v); err != nil {
			return err
		}
		if err := p.Err(); err != nil {
			return err
		}
		v.apply(in, eff)
		v.UpdatedAt = now
		if err := tx.Model(&PolicyVersion{}).Where("id = ? AND status = ?", id, PolicyDraft).Updates(map[string]any{
			"version": v.Version, "material": v.Material, "effective_at": v.EffectiveAt,
			"title_zh": v.TitleZh, "title_en": v.TitleEn, "summary_zh": v.SummaryZh, "summary_en": v.SummaryEn,
			"body_zh": v.BodyZh, "body_en": v.BodyEn, "updated_at": now,
		}).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return Problems{{Kind: KindInvalid, Field: "version", Key: "policy.error.version_taken"}}
			}
			return fmt.Errorf("policies: update: %w", err)
		}
		out = v
		return s.audit(tx, actx, "policy.edit", v, OutcomeSuccess, nil)
	})
	if errors.Is(err, ErrPolicyPublished) {
		s.auditDenied(ctx, actx, "policy.edit", id)
	}
	return out, err
}

// editable refuses changes to versions that are not drafts.
func editable(v *PolicyVersion) error {
	switch v.Status {
	case PolicyPublished:
		return ErrPolicyPublished
	case PolicyPending:
		return ErrPolicyPending
	}
	return nil
}

// Submit sends draft id for approval by a second privacy officer, audited as
// policy.submit. Every text must be present in both languages; a material version
// may not take effect in the past.
func (s *Policies) Submit(ctx context.Context, id int64, actx AuditContext) (*PolicyVersion, error) {
	now := s.Now().UTC()
	var out *PolicyVersion
	err := s.locked(ctx, id, func(tx *gorm.DB, v *PolicyVersion) error {
		switch v.Status {
		case PolicyPublished:
			return ErrPolicyPublished
		case PolicyPending:
			return ErrPolicyNotDraft
		}
		if err := v.publishable(now).Err(); err != nil {
			return err
		}
		if err := tx.Model(&PolicyVersion{}).Where("id = ? AND status = ?", id, PolicyDraft).
			Updates(map[string]any{"status": PolicyPending, "submitted_by": actx.ActorID, "updated_at": now}).Error; err != nil {
			return fmt.Errorf("policies: submit: %w", err)
		}
		v.Status, v.SubmittedBy, v.UpdatedAt = PolicyPending, &actx.ActorID, now
		out = v
		return s.audit(tx, actx, "policy.submit", v, OutcomeSuccess, nil)
	})
	return out, err
}

// publishable is complete plus the effective-date rule for material versions.
func (v *PolicyVersion) publishable(now time.Time) Problems {
	p := v.complete()
	if v.Material && v.EffectiveAt != nil && v.EffectiveAt.Before(now.Truncate(time.Minute)) {
		p.Add("effective", "policy.error.effective_past_material")
	}
	return p
}

// ReturnToDraft sends pending version id back to draft (the submitter withdraws it,
// or the approver asks for changes), audited as policy.return.
func (s *Policies) ReturnToDraft(ctx context.Context, id int64, actx AuditContext) (*PolicyVersion, error) {
	now := s.Now().UTC()
	var out *PolicyVersion
	err := s.locked(ctx, id, func(tx *gorm.DB, v *PolicyVersion) error {
		switch v.Status {
		case PolicyPublished:
			return ErrPolicyPublished
		case PolicyDraft:
			return ErrPolicyNotPending
		}
		if err := tx.Model(&PolicyVersion{}).Where("id = ? AND status = ?", id, PolicyPending).
			Updates(map[string]any{"status": PolicyDraft, "submitted_by": nil, "updated_at": now}).Error; err != nil {
			return fmt.Errorf("policies: return to draft: %w", err)
		}
		v.Status, v.SubmittedBy, v.UpdatedAt = PolicyDraft, nil, now
		out = v
		return s.audit(tx, actx, "policy.return", v, OutcomeSuccess, nil)
	})
	return out, err
}

// Publish makes version id public and immutable, storing ComputeHash in sha256,
// audited as policy.publish. With twoPerson (PORTAL_POLICY_TWO_PERSON, the default)
// the version must be pending and the actor must not have created, edited or
// submitted it (ErrPolicyOwnApproval, audited as denied). Without it, an officer may
// publish a draft or a pending version alone.
//
// Effective date: none means "when published". A material version whose date has
// passed is refused (users must be able to see it before it binds them); a minor
// version whose date has passed takes effect at once (its date becomes now).
func (s *Policies) Publish(ctx context.Context, id int64, twoPerson bool, actx AuditContext) (*PolicyVersion, error) {
	now := s.Now().UTC().Truncate(time.Second)
	var out *PolicyVersion
	err := s.locked(ctx, id, func(tx *gorm.DB, v *PolicyVersion) error {
		from := v.Status
		switch {
		case from == PolicyPublished:
			return ErrPolicyPublished
		case twoPerson && from != PolicyPending:
			return ErrPolicyNotPending
		}
		if twoPerson {
			own, err := policyWriter(tx, v, actx.ActorID)
			if err != nil {
				return err
			}
			if own {
				return ErrPolicyOwnApproval
			}
		}
		if err := v.publishable(now).Err(); err != nil {
			return err
		}
		if v.EffectiveAt == nil || v.EffectiveAt.Before(now) {
			v.EffectiveAt = &now
		}
		v.Status, v.ApprovedBy, v.PublishedAt, v.UpdatedAt = PolicyPublished, &actx.ActorID, &now, now
		if v.SubmittedBy == nil {
			v.SubmittedBy = &actx.ActorID
		}
		v.SHA256 = v.ComputeHash()
		res := tx.Model(&PolicyVersion{}).Where("id = ? AND status = ?", id, from).Updates(map[string]any{
			"status": PolicyPublished, "effective_at": v.EffectiveAt, "sha256": v.SHA256, "submitted_by": v.SubmittedBy,
			"approved_by": actx.ActorID, "published_at": now, "updated_at": now})
		if res.Error != nil {
			return fmt.Errorf("policies: publish: %w", res.Error)
		}
		out = v
		approval := "second_officer"
		if !twoPerson {
			approval = "single_officer"
		}
		return s.audit(tx, actx, "policy.publish", v, OutcomeSuccess, map[string]string{
			"sha256": v.SHA256, "material": fmt.Sprint(v.Material), "approval": approval})
	})
	if errors.Is(err, ErrPolicyOwnApproval) || errors.Is(err, ErrPolicyPublished) {
		s.auditDenied(ctx, actx, "policy.publish", id)
	}
	return out, err
}

// policyWriterActions are the audited actions that make an officer a writer of a
// version (and so not its approver).
var policyWriterActions = []string{"policy.create", "policy.edit", "policy.copy", "policy.submit"}

// policyWriter reports whether actor created, edited or submitted v: its own
// columns, and every edit in the audit log.
func policyWriter(tx *gorm.DB, v *PolicyVersion, actor int64) (bool, error) {
	if actor == 0 || v.CreatedBy == actor || (v.SubmittedBy != nil && *v.SubmittedBy == actor) {
		return true, nil
	}
	var n int64
	err := tx.Model(&AuditEntry{}).Where("object_type = ? AND object_id = ? AND action IN ? AND actor_id = ? AND actor_kind = ?",
		"policy_version", idString(v.ID), policyWriterActions, actor, ActorStaff).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("policies: writers: %w", err)
	}
	return n > 0, nil
}

// CanApprove reports whether actor may approve version v under the two-person rule
// (for showing or hiding the button; Publish decides).
func (s *Policies) CanApprove(ctx context.Context, v *PolicyVersion, actor int64) (bool, error) {
	own, err := policyWriter(s.DB.WithContext(ctx), v, actor)
	return !own, err
}

// CopyAsDraft starts a new draft labelled label from version id (usually a
// published one): titles and bodies are copied; the summary of changes and the
// effective date start empty, as they describe the new version, and the version is
// material until an officer decides the change is minor (the safe default: users
// are asked again). Audited as policy.copy on the new draft.
func (s *Policies) CopyAsDraft(ctx context.Context, id int64, label string, actx AuditContext) (*PolicyVersion, error) {
	src, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	in := PolicyInput{Version: label, Material: true, TitleZh: src.TitleZh, TitleEn: src.TitleEn, BodyZh: src.BodyZh, BodyEn: src.BodyEn}
	in.normalize()
	_, p := in.validate(now)
	if len(p) == 0 {
		if taken, err := s.labelTaken(ctx, in.Version, 0); err != nil {
			return nil, err
		} else if taken {
			p.Add("version", "policy.error.version_taken")
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	v := &PolicyVersion{Status: PolicyDraft, CreatedBy: actx.ActorID, CreatedAt: now, UpdatedAt: now}
	v.apply(in, nil)
	return v, s.insert(ctx, v, actx.Entry("policy.copy", "policy_version", "", OutcomeSuccess), map[string]string{"from": src.Version})
}

// SuggestLabel proposes a label for a new version: the current month in Beijing
// time ("2026-12"), with a suffix when taken.
func (s *Policies) SuggestLabel(ctx context.Context) (string, error) {
	base := s.Now().In(ChinaTime).Format("2006-01")
	label := base
	for i := 2; i < 100; i++ {
		taken, err := s.labelTaken(ctx, label, 0)
		if err != nil || !taken {
			return label, err
		}
		label = fmt.Sprintf("%s.%d", base, i)
	}
	return "", nil
}

// locked runs fn in a transaction on version id, read after taking its row lock (a
// no-op write first, so SQLite takes its write lock before reading and MySQL locks
// the row), so concurrent workflow steps on one version run one after the other.
func (s *Policies) locked(ctx context.Context, id int64, fn func(tx *gorm.DB, v *PolicyVersion) error) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("UPDATE policy_versions SET status = status WHERE id = ?", id).Error; err != nil {
			return fmt.Errorf("policies: lock: %w", err)
		}
		var v PolicyVersion
		if err := tx.Where("id = ?", id).Take(&v).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return NotFound("")
			}
			return fmt.Errorf("policies: load: %w", err)
		}
		return fn(tx, &v)
	})
}

// audit appends one policy audit row in tx (label and details, never texts).
func (s *Policies) audit(tx *gorm.DB, actx AuditContext, action string, v *PolicyVersion, outcome string, details map[string]string) error {
	if details == nil {
		details = map[string]string{}
	}
	details["version"] = v.Version
	e := actx.Entry(action, "policy_version", idString(v.ID), outcome).With(details)
	e.OccurredAt = s.Now()
	_, err := AppendAudit(tx, e)
	return err
}

// auditDenied records a refused change in its own transaction (the change's own
// transaction rolled back). A failure to record is not the caller's error.
func (s *Policies) auditDenied(ctx context.Context, actx AuditContext, action string, id int64) {
	_ = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		e := actx.Entry(action, "policy_version", idString(id), OutcomeDenied)
		e.OccurredAt = s.Now()
		_, err := AppendAudit(tx, e)
		return err
	})
}

// MaxPolicyVersions bounds the console's list of versions.
const MaxPolicyVersions = 500

// All returns every version in any status for the console, newest first.
func (s *Policies) All(ctx context.Context) ([]PolicyVersion, error) {
	var out []PolicyVersion
	if err := s.DB.WithContext(ctx).Order("id DESC").Limit(MaxPolicyVersions).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("policies: list: %w", err)
	}
	return out, nil
}

// GetByLabel returns the version labelled label in any status.
func (s *Policies) GetByLabel(ctx context.Context, label string) (*PolicyVersion, error) {
	var v PolicyVersion
	err := s.DB.WithContext(ctx).Where("version = ?", label).Take(&v).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, NotFound("")
	}
	if err != nil {
		return nil, fmt.Errorf("policies: get by label: %w", err)
	}
	return &v, nil
}
