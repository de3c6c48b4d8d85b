package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// DoctorStatus returns the verification status of doctor userID ("" when the
// doctor has no profile). Only DoctorVerified reaches anything with patient data.
func DoctorStatus(ctx context.Context, g *gorm.DB, userID int64) (string, error) {
	var status []string
	if err := g.WithContext(ctx).Model(&DoctorProfile{}).Where("user_id = ?", userID).Limit(1).Pluck("status", &status).Error; err != nil {
		return "", fmt.Errorf("doctors: status: %w", err)
	}
	if len(status) == 0 {
		return "", nil
	}
	return status[0], nil
}
