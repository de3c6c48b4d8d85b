package models

import (
	"context"
	"fmt"
	"math"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// LoginThrottle counts failed sign-ins for one key (an account or a client IP).
type LoginThrottle struct {
	KeyHash       string `gorm:"primaryKey"`
	Failures      int
	WindowStart   time.Time
	NextAllowedAt time.Time
	LockedUntil   *time.Time
	UpdatedAt     time.Time
}

// TableName is the migration's table.
func (LoginThrottle) TableName() string { return "login_throttle" }

// ThrottleRule says how failures slow down further tries for one kind of key: from the
// DelayAfter-th failure each try waits twice as long as the last (capped at MaxDelay),
// and at LockAfter failures the key is locked for LockFor. Locks always expire, so an
// attacker can slow a real user down but never lock them out for good.
type ThrottleRule struct {
	Window     time.Duration
	DelayAfter int
	MaxDelay   time.Duration
	LockAfter  int
	LockFor    time.Duration
}

// The rules for sign-in: an account is locked for 15 minutes after 5 failures; an IP
// (which may be a whole office behind NAT) gets more room before it is slowed.
var (
	AccountRule = ThrottleRule{Window: 15 * time.Minute, DelayAfter: 3, MaxDelay: time.Minute, LockAfter: 5, LockFor: 15 * time.Minute}
	IPRule      = ThrottleRule{Window: 15 * time.Minute, DelayAfter: 20, MaxDelay: time.Minute, LockAfter: 100, LockFor: 15 * time.Minute}
)

// Throttle applies ThrottleRules with counters in the database, shared by all servers.
type Throttle struct {
	DB  *gorm.DB
	Now func() time.Time
}

// Wait returns how long the caller must wait before trying keyHash again (0: go ahead).
func (t *Throttle) Wait(ctx context.Context, keyHash string) (time.Duration, error) {
	var row LoginThrottle
	err := t.DB.WithContext(ctx).Where("key_hash = ?", keyHash).Limit(1).Find(&row).Error
	if err != nil || row.KeyHash == "" {
		return 0, err
	}
	now := t.Now().UTC()
	wait := row.NextAllowedAt.Sub(now)
	if row.LockedUntil != nil && row.LockedUntil.Sub(now) > wait {
		wait = row.LockedUntil.Sub(now)
	}
	return max(wait, 0), nil
}

// Check returns a RateLimited error naming the minutes to wait when any key is held back.
func (t *Throttle) Check(ctx context.Context, keyHashes ...string) error {
	var longest time.Duration
	for _, k := range keyHashes {
		w, err := t.Wait(ctx, k)
		if err != nil {
			return fmt.Errorf("throttle: %w", err)
		}
		longest = max(longest, w)
	}
	switch {
	case longest >= time.Minute:
		return RateLimited("signin.throttled", int(math.Ceil(longest.Minutes())))
	case longest > 0:
		return RateLimited("signin.throttled_seconds", int(math.Ceil(longest.Seconds())))
	}
	return nil
}

// Fail records a failed try for keyHash under rule and reports whether this failure
// locked the key (so the caller can tell the account's owner once).
func (t *Throttle) Fail(ctx context.Context, keyHash string, rule ThrottleRule) (lockedNow bool, err error) {
	now := t.Now().UTC()
	err = t.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		fresh := LoginThrottle{KeyHash: keyHash, WindowStart: now, NextAllowedAt: now, UpdatedAt: now}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&fresh).Error; err != nil {
			return err
		}
		var row LoginThrottle
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("key_hash = ?", keyHash).Take(&row).Error; err != nil {
			return err
		}
		if now.Sub(row.WindowStart) > rule.Window && (row.LockedUntil == nil || now.After(*row.LockedUntil)) {
			row.Failures, row.WindowStart, row.LockedUntil = 0, now, nil
		}
		row.Failures++
		row.NextAllowedAt = now
		if shift := row.Failures - rule.DelayAfter; shift >= 0 {
			delay := rule.MaxDelay
			if shift < 16 { // beyond that the doubling passes any sane cap (and would overflow)
				delay = min(time.Second<<shift, rule.MaxDelay)
			}
			row.NextAllowedAt = now.Add(delay)
		}
		if row.Failures == rule.LockAfter {
			until := now.Add(rule.LockFor)
			row.LockedUntil, lockedNow = &until, true
		}
		row.UpdatedAt = now
		return tx.Save(&row).Error
	})
	if err != nil {
		return false, fmt.Errorf("throttle: record failure: %w", err)
	}
	return lockedNow, nil
}

// Reset clears keyHash after a successful sign-in.
func (t *Throttle) Reset(ctx context.Context, keyHash string) error {
	if err := t.DB.WithContext(ctx).Where("key_hash = ?", keyHash).Delete(&LoginThrottle{}).Error; err != nil {
		return fmt.Errorf("throttle: reset: %w", err)
	}
	return nil
}
