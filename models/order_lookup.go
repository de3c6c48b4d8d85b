package models

import (
	"context"
	"fmt"
)

// PatientOrderIDByNo returns the id of u's own order numbered no; NotFound for
// anyone else's or an unknown number. The simulated provider's page uses it to
// send the payer back to their order.
func (o *Orders) PatientOrderIDByNo(ctx context.Context, u *User, no string) (int64, error) {
	if u == nil || u.Kind != KindPatient || no == "" {
		return 0, NotFound("")
	}
	var ids []int64
	if err := o.DB.WithContext(ctx).Model(&Order{}).Where("order_no = ? AND user_id = ?", no, u.ID).Limit(1).Pluck("id", &ids).Error; err != nil {
		return 0, fmt.Errorf("orders: by number: %w", err)
	}
	if len(ids) == 0 {
		return 0, NotFound("")
	}
	return ids[0], nil
}
