package session

import (
	"context"
	"fmt"
	"time"
)

// sweepBatch bounds the rows one Sweep statement touches, so a large
// backlog never holds long locks or a huge transaction.
const sweepBatch = 500

// Sweep deletes sessions dead at now: past their absolute expiry, or idle
// longer than their timeout (revoked rows go the same way, which keeps them
// long enough for EndReason to explain the sign-out). It works in batches
// of sweepBatch, checking ctx between them, and returns how many rows it
// deleted. Run it periodically (e.g. every 10 minutes); Get never relies on
// it, as it checks every session it loads.
func (s *Store) Sweep(ctx context.Context, now time.Time) (int64, error) {
	now = now.UTC()
	total, err := s.sweep(ctx, "expires_at <= ?", now)
	if err != nil {
		return total, err
	}
	// Idle expiry is last_seen_at + idle_timeout_seconds <= now; date
	// arithmetic differs between the dialects, so go timeout by timeout
	// (there are only a handful of distinct values).
	var timeouts []int
	if err := s.db.WithContext(ctx).Model(&row{}).Distinct("idle_timeout_seconds").Pluck("idle_timeout_seconds", &timeouts).Error; err != nil {
		return total, fmt.Errorf("session: sweep: timeouts: %w", err)
	}
	for _, t := range timeouts {
		n, err := s.sweep(ctx, "idle_timeout_seconds = ? AND last_seen_at < ?", t, now.Add(-secs(t)))
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// sweep deletes the rows matching cond, a batch at a time. Rows are picked
// by a SELECT … LIMIT and deleted by key, with cond repeated, because
// neither DELETE … LIMIT (SQLite) nor LIMIT in an IN subquery (MySQL)
// works on both dialects.
func (s *Store) sweep(ctx context.Context, cond string, args ...any) (int64, error) {
	var total int64
	for {
		if err := ctx.Err(); err != nil {
			return total, fmt.Errorf("session: sweep: %w", err)
		}
		var ids []string
		err := s.db.WithContext(ctx).Model(&row{}).Where(cond, args...).Limit(sweepBatch).Pluck("id_hash", &ids).Error
		if err != nil {
			return total, fmt.Errorf("session: sweep: select: %w", err)
		}
		if len(ids) == 0 {
			return total, nil
		}
		res := s.db.WithContext(ctx).Where("id_hash IN ?", ids).Where(cond, args...).Delete(&row{})
		if res.Error != nil {
			return total, fmt.Errorf("session: sweep: delete: %w", res.Error)
		}
		total += res.RowsAffected
		if len(ids) < sweepBatch {
			return total, nil
		}
	}
}
