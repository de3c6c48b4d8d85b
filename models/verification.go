package models

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"math/big"
	"time"

	"gorm.io/gorm"
)

// Verification-code rules (issue 3): 6 digits, valid 10 minutes, single use, at most
// 5 wrong tries, a 60-second resend cooldown and at most 5 codes per target an hour.
const (
	CodeLifetime    = 10 * time.Minute
	CodeMaxAttempts = 5
	CodeCooldown    = 60 * time.Second
	CodesPerHour    = 5
)

// VerificationCode is one issued code. Neither the code nor the address is stored:
// CodeHash is a keyed hash of the code, TargetHash the blind index of the address.
type VerificationCode struct {
	ID         int64
	Purpose    string
	Channel    string
	TargetHash string
	CodeHash   string
	Attempts   int
	CreatedAt  time.Time
	ExpiresAt  time.Time
	ConsumedAt *time.Time
}

// Codes issues and checks one-time codes. Hash must be a keyed hash (HMAC): a plain
// hash of a 6-digit code is reversed by trying all million values.
type Codes struct {
	DB   *gorm.DB
	Hash func(purpose, targetHash, code string) string
	Now  func() time.Time
}

// Issue creates a code for purpose and target and returns it for sending. It refuses
// during the resend cooldown and past the hourly cap. A new code replaces older ones:
// only the newest unconsumed code for a target counts.
func (c *Codes) Issue(ctx context.Context, purpose, channel, targetHash string) (string, error) {
	now := c.Now().UTC()
	var code string
	err := c.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var recent []VerificationCode
		if err := tx.Where("purpose = ? AND target_hash = ? AND created_at > ?", purpose, targetHash, now.Add(-time.Hour)).
			Order("id DESC").Limit(CodesPerHour).Find(&recent).Error; err != nil {
			return fmt.Errorf("codes: recent: %w", err)
		}
		if len(recent) > 0 {
			if wait := recent[0].CreatedAt.Add(CodeCooldown).Sub(now); wait > 0 {
				return RateLimited("verify.cooldown", int(wait.Round(time.Second)/time.Second))
			}
		}
		if len(recent) >= CodesPerHour {
			return RateLimited("verify.too_many")
		}
		var err error
		if code, err = sixDigits(); err != nil {
			return err
		}
		row := VerificationCode{Purpose: purpose, Channel: channel, TargetHash: targetHash,
			CodeHash: c.Hash(purpose, targetHash, code), CreatedAt: now, ExpiresAt: now.Add(CodeLifetime)}
		if err := tx.Create(&row).Error; err != nil {
			return fmt.Errorf("codes: create: %w", err)
		}
		return nil
	})
	return code, err
}

// Check consumes the newest code for purpose and target if code matches. Every try
// counts, right or wrong; a code is used at most once even under concurrent tries.
func (c *Codes) Check(ctx context.Context, purpose, targetHash, code string) error {
	now := c.Now().UTC()
	var row VerificationCode
	err := c.DB.WithContext(ctx).Where("purpose = ? AND target_hash = ?", purpose, targetHash).
		Order("id DESC").Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Invalid("code", "verify.invalid")
	}
	if err != nil {
		return fmt.Errorf("codes: find: %w", err)
	}
	if row.ConsumedAt != nil || !now.Before(row.ExpiresAt) {
		return Invalid("code", "verify.invalid")
	}
	// Count the try first, conditionally, so parallel guesses cannot exceed the limit.
	res := c.DB.WithContext(ctx).Model(&VerificationCode{}).
		Where("id = ? AND attempts < ? AND consumed_at IS NULL", row.ID, CodeMaxAttempts).
		Update("attempts", gorm.Expr("attempts + 1"))
	if res.Error != nil {
		return fmt.Errorf("codes: count try: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return Invalid("code", "verify.too_many_attempts")
	}
	want := c.Hash(purpose, targetHash, code)
	if subtle.ConstantTimeCompare([]byte(want), []byte(row.CodeHash)) != 1 {
		return Invalid("code", "verify.invalid")
	}
	res = c.DB.WithContext(ctx).Model(&VerificationCode{}).
		Where("id = ? AND consumed_at IS NULL", row.ID).Update("consumed_at", now)
	if res.Error != nil {
		return fmt.Errorf("codes: consume: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return Invalid("code", "verify.invalid") // a parallel request used it first
	}
	return nil
}

// Sweep deletes codes that expired more than an hour ago (the cap needs the last hour).
func (c *Codes) Sweep(ctx context.Context) (int64, error) {
	var ids []int64
	db := c.DB.WithContext(ctx)
	if err := db.Model(&VerificationCode{}).Where("expires_at < ?", c.Now().UTC().Add(-time.Hour)).
		Order("id").Limit(1000).Pluck("id", &ids).Error; err != nil || len(ids) == 0 {
		return 0, err
	}
	res := db.Where("id IN ?", ids).Delete(&VerificationCode{})
	return res.RowsAffected, res.Error
}

func sixDigits() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("codes: random: %w", err)
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}
