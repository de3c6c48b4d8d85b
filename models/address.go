package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/regions"
)

// MaxAddresses is how many delivery addresses a patient may keep.
const MaxAddresses = 10

// SavedAddress is a saved delivery address, decrypted for its owner.
type SavedAddress struct {
	ID        int64
	Consignee Consignee
	Place     regions.Place
	CreatedAt time.Time
}

// ListAddresses returns u's saved addresses, oldest first, decrypted.
func (o *Orders) ListAddresses(ctx context.Context, u *User) ([]SavedAddress, error) {
	if u == nil || u.Kind != KindPatient {
		return nil, NotFound("")
	}
	var rows []Address
	if err := o.DB.WithContext(ctx).Where("user_id = ?", u.ID).Order("id").Limit(MaxAddresses).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("addresses: list: %w", err)
	}
	out := make([]SavedAddress, 0, len(rows))
	for i := range rows {
		r := &rows[i]
		c := Consignee{RegionCode: r.RegionCode, Postcode: r.Postcode}
		var err error
		if c.Name, err = o.Accounts.Open("addresses", "name", r.ID, r.UserID, &r.NameEnc); err != nil {
			return nil, err
		}
		if c.Phone, err = o.Accounts.Open("addresses", "phone", r.ID, r.UserID, &r.PhoneEnc); err != nil {
			return nil, err
		}
		if c.Street, err = o.Accounts.Open("addresses", "street", r.ID, r.UserID, &r.StreetEnc); err != nil {
			return nil, err
		}
		place, _ := regions.Lookup(r.RegionCode)
		out = append(out, SavedAddress{ID: r.ID, Consignee: c, Place: place, CreatedAt: r.CreatedAt})
	}
	return out, nil
}

// SaveAddress validates c with the checkout's rules and keeps it for u, name,
// phone and street encrypted and bound to the row. An address already saved is
// not saved twice (a resubmitted checkout ticks "save" again): its id is
// returned. At most MaxAddresses.
func (o *Orders) SaveAddress(ctx context.Context, u *User, c Consignee) (int64, error) {
	if u == nil || u.Kind != KindPatient {
		return 0, NotFound("")
	}
	c, p := cleanConsignee(c)
	if len(p) > 0 {
		return 0, p
	}
	saved, err := o.ListAddresses(ctx, u)
	if err != nil {
		return 0, err
	}
	for _, s := range saved {
		if s.Consignee == c {
			return s.ID, nil
		}
	}
	var a Address
	err = o.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Address{}).Where("user_id = ?", u.ID).Count(&n).Error; err != nil {
			return fmt.Errorf("addresses: count: %w", err)
		}
		if n >= MaxAddresses {
			return Conflict("", "shop.address.full")
		}
		a = Address{UserID: u.ID, NameEnc: "-", PhoneEnc: "-", StreetEnc: "-", RegionCode: c.RegionCode, Postcode: c.Postcode, CreatedAt: o.now()}
		if err := tx.Create(&a).Error; err != nil {
			return fmt.Errorf("addresses: create: %w", err)
		}
		upd := map[string]any{}
		for col, v := range map[string]string{"name": c.Name, "phone": c.Phone, "street": c.Street} {
			s, err := o.Accounts.Seal("addresses", col, a.ID, u.ID, v)
			if err != nil {
				return err
			}
			upd[col+"_enc"] = *s
		}
		return tx.Model(&a).Updates(upd).Error
	})
	if err != nil {
		return 0, err
	}
	return a.ID, nil
}

// DeleteAddress removes u's own address id; anyone else's is NotFound.
func (o *Orders) DeleteAddress(ctx context.Context, u *User, id int64) error {
	if u == nil || u.Kind != KindPatient {
		return NotFound("")
	}
	res := o.DB.WithContext(ctx).Where("id = ? AND user_id = ?", id, u.ID).Delete(&Address{})
	if res.Error != nil {
		return fmt.Errorf("addresses: delete: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return NotFound("")
	}
	return nil
}
