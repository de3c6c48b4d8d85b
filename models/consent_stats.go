package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// VersionStats is how far one published version has been accepted by active users.
type VersionStats struct {
	ID          int64
	Version     string
	Material    bool
	EffectiveAt time.Time
	// Accepted counts active users with an accepted record for this very version.
	Accepted int64
	// Pending counts active users who have accepted neither this version nor a later
	// one (the users the gate stops, for a material version in force).
	Pending int64
	// Declined counts the pending users who declined this version (a subset of Pending).
	Declined int64
}

// PurposeStats is the current state of one purpose among active patients.
type PurposeStats struct {
	Purpose Purpose
	// Granted counts active patients whose derived state is "on" (their newest
	// decision, or the mechanism's default when they never decided).
	Granted int64
	// Patients is the number of active patients (the rate's denominator).
	Patients int64
}

// Rate is Granted as a share of Patients, 0..1 (0 when there are no patients).
func (p PurposeStats) Rate() float64 {
	if p.Patients == 0 {
		return 0
	}
	return float64(p.Granted) / float64(p.Patients)
}

// ConsentStats is the privacy officer's dashboard: aggregates only, no user appears.
type ConsentStats struct {
	ActiveUsers    int64
	ActivePatients int64
	Versions       []VersionStats // newest first, at most MaxHistory
	Purposes       []PurposeStats // listed purposes but terms, in catalogue order
}

// acceptedFrom joins, for each published version v, the accepted terms records of
// active users on v or a later version w — "later" in the order Current uses,
// (effective_at, id), since two versions may take effect at the same moment.
const acceptedFrom = `JOIN policy_versions w ON w.status = @published
  AND (w.effective_at > v.effective_at OR (w.effective_at = v.effective_at AND w.id >= v.id))
JOIN consent_records a ON a.policy_version_id = w.id AND a.purpose = @terms AND a.scope = '' AND a.decision = @accepted
JOIN users u ON u.id = a.user_id AND u.status = @active`

// ConsentStatistics computes the dashboard in six aggregate statements, whatever the
// number of users or versions (no per-row queries): active users by kind; the
// published versions; accepted per version; up to date per version; declined and
// still pending per version; the newest decision per purpose among active patients.
func ConsentStatistics(ctx context.Context, g *gorm.DB) (*ConsentStats, error) {
	db := g.WithContext(ctx)
	names := map[string]any{"active": StatusActive, "terms": PurposeTerms, "accepted": DecisionAccepted,
		"declined": DecisionDeclined, "published": PolicyPublished, "patient": KindPatient, "notice": DecisionNoticeShown}
	out := &ConsentStats{}

	var kinds []struct {
		Kind string
		N    int64
	}
	if err := db.Raw(`SELECT kind, COUNT(*) AS n FROM users WHERE status = @active GROUP BY kind`, names).Scan(&kinds).Error; err != nil {
		return nil, fmt.Errorf("consent stats: users: %w", err)
	}
	for _, k := range kinds {
		out.ActiveUsers += k.N
		if k.Kind == KindPatient {
			out.ActivePatients = k.N
		}
	}

	if err := db.Raw(`SELECT id, version, material, effective_at FROM policy_versions
WHERE status = @published ORDER BY effective_at DESC, id DESC LIMIT @limit`,
		withName(names, "limit", MaxHistory)).Scan(&out.Versions).Error; err != nil {
		return nil, fmt.Errorf("consent stats: versions: %w", err)
	}

	type perVersion struct {
		ID int64
		N  int64
	}
	count := func(what, q string) (map[int64]int64, error) {
		var rows []perVersion
		if err := db.Raw(q, names).Scan(&rows).Error; err != nil {
			return nil, fmt.Errorf("consent stats: %s: %w", what, err)
		}
		m := make(map[int64]int64, len(rows))
		for _, r := range rows {
			m[r.ID] = r.N
		}
		return m, nil
	}
	accepted, err := count("accepted", `SELECT cr.policy_version_id AS id, COUNT(DISTINCT cr.user_id) AS n
FROM consent_records cr JOIN users u ON u.id = cr.user_id
WHERE u.status = @active AND cr.purpose = @terms AND cr.scope = '' AND cr.decision = @accepted
GROUP BY cr.policy_version_id`)
	if err != nil {
		return nil, err
	}
	upToDate, err := count("up to date", `SELECT v.id AS id, COUNT(DISTINCT a.user_id) AS n
FROM policy_versions v `+acceptedFrom+`
WHERE v.status = @published GROUP BY v.id`)
	if err != nil {
		return nil, err
	}
	declined, err := count("declined", `SELECT v.id AS id, COUNT(DISTINCT cr.user_id) AS n
FROM consent_records cr
JOIN users cu ON cu.id = cr.user_id
JOIN policy_versions v ON v.id = cr.policy_version_id
WHERE cu.status = @active AND cr.purpose = @terms AND cr.scope = '' AND cr.decision = @declined
  AND NOT EXISTS (SELECT 1 FROM policy_versions w JOIN consent_records a ON a.policy_version_id = w.id
    WHERE a.user_id = cr.user_id AND a.purpose = @terms AND a.scope = '' AND a.decision = @accepted
      AND (w.effective_at > v.effective_at OR (w.effective_at = v.effective_at AND w.id >= v.id)))
GROUP BY v.id`)
	if err != nil {
		return nil, err
	}
	for i := range out.Versions {
		v := &out.Versions[i]
		v.EffectiveAt = v.EffectiveAt.UTC()
		v.Accepted, v.Declined = accepted[v.ID], declined[v.ID]
		v.Pending = max(out.ActiveUsers-upToDate[v.ID], 0)
	}

	// The newest decision per user and purpose (notices shown are not decisions), then
	// counted per purpose and decision among active patients.
	var decisions []struct {
		Purpose, Decision string
		N                 int64
	}
	err = db.Raw(`SELECT cr.purpose AS purpose, cr.decision AS decision, COUNT(*) AS n
FROM consent_records cr
JOIN (SELECT MAX(id) AS id FROM consent_records WHERE scope = '' AND decision <> @notice GROUP BY user_id, purpose) last ON last.id = cr.id
JOIN users u ON u.id = cr.user_id
WHERE u.status = @active AND u.kind = @patient
GROUP BY cr.purpose, cr.decision`, names).Scan(&decisions).Error
	if err != nil {
		return nil, fmt.Errorf("consent stats: purposes: %w", err)
	}
	type tally struct{ accepted, refused int64 }
	by := map[string]*tally{}
	for _, d := range decisions {
		t := by[d.Purpose]
		if t == nil {
			t = &tally{}
			by[d.Purpose] = t
		}
		if d.Decision == DecisionAccepted {
			t.accepted += d.N
		} else {
			t.refused += d.N
		}
	}
	for _, p := range Purposes {
		if !p.Listed || p.Key == PurposeTerms {
			continue
		}
		ps := PurposeStats{Purpose: p, Patients: out.ActivePatients}
		t := by[p.Key]
		if t == nil {
			t = &tally{}
		}
		if defaultGranted(p) {
			ps.Granted = max(out.ActivePatients-t.refused, 0)
		} else {
			ps.Granted = t.accepted
		}
		out.Purposes = append(out.Purposes, ps)
	}
	return out, nil
}

// withName returns a copy of names with one more named parameter.
func withName(names map[string]any, k string, v any) map[string]any {
	out := make(map[string]any, len(names)+1)
	for n, x := range names {
		out[n] = x
	}
	out[k] = v
	return out
}
