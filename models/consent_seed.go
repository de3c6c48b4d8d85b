package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// EnsureTermsAccepted records that userID accepted policy version pv (purpose
// terms, channel system) unless an acceptance of pv is already recorded, and
// reports whether it wrote one. It is for accounts whose acceptance happened
// outside the portal's pages: the development demo's seeded accounts.
func EnsureTermsAccepted(ctx context.Context, g *gorm.DB, userID int64, pv *PolicyVersion, at time.Time) (bool, error) {
	wrote := false
	err := g.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&ConsentRecord{}).Where("user_id = ? AND purpose = ? AND scope = '' AND decision = ? AND policy_version_id = ?",
			userID, PurposeTerms, DecisionAccepted, pv.ID).Count(&n).Error; err != nil {
			return fmt.Errorf("consent: terms accepted: %w", err)
		}
		if n > 0 {
			return nil
		}
		wrote = true
		_, err := RecordConsent(tx, userID, PurposeTerms, "", DecisionAccepted, pv, ConsentContext{Channel: ChannelSystem}, at)
		return err
	})
	return wrote, err
}
