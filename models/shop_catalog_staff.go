package models

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// CreateProduct adds a product from in (support staff only) and returns its ID.
func (c *Catalog) CreateProduct(ctx context.Context, staff *User, in ProductInput, actx AuditContext) (int64, error) {
	if !staffCan(staff, CapSupport) {
		return 0, NotFound("")
	}
	p, probs := in.clean()
	if len(probs) > 0 {
		return 0, probs
	}
	p.CreatedAt, p.UpdatedAt = c.now(), c.now()
	err := c.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&p).Error; err != nil {
			return fmt.Errorf("catalog: create: %w", err)
		}
		_, err := AppendAudit(tx, actx.Entry(AuditProductCreate, "product", idString(p.ID), OutcomeSuccess))
		return err
	})
	return p.ID, err
}

// UpdateProduct replaces product id's fields with in (support staff only).
func (c *Catalog) UpdateProduct(ctx context.Context, staff *User, id int64, in ProductInput, actx AuditContext) error {
	if !staffCan(staff, CapSupport) {
		return NotFound("")
	}
	p, probs := in.clean()
	if len(probs) > 0 {
		return probs
	}
	return c.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&Product{}).Where("id = ?", id).Updates(map[string]any{"kind": p.Kind, "name_zh": p.NameZh,
			"name_en": p.NameEn, "description_zh": p.DescriptionZh, "description_en": p.DescriptionEn,
			"price_fen": p.PriceFen, "available": p.Available, "updated_at": c.now()})
		if res.Error != nil {
			return fmt.Errorf("catalog: update: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return NotFound("")
		}
		_, err := AppendAudit(tx, actx.Entry(AuditProductUpdate, "product", idString(id), OutcomeSuccess).
			With(map[string]string{"available": fmt.Sprint(p.Available)}))
		return err
	})
}

// AddImage stores data as product id's next image (support staff only): JPEG,
// PNG or WebP by its bytes, whatever the name says; at most MaxProductImageSize
// bytes and MaxProductImages per product. Returns the image's ID.
func (c *Catalog) AddImage(ctx context.Context, staff *User, id int64, data []byte, actx AuditContext) (int64, error) {
	if !staffCan(staff, CapSupport) {
		return 0, NotFound("")
	}
	if len(data) > MaxProductImageSize {
		return 0, TooLarge("image", "shop.image.too_large")
	}
	ct, ok := SniffDocument(data)
	if !ok || (ct != TypeJPEG && ct != TypePNG && ct != TypeWebP) {
		return 0, Invalid("image", "shop.image.type")
	}
	im := ProductImage{ProductID: id, ContentType: ct, Data: data, CreatedAt: c.now()}
	err := c.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// The product row's lock serialises uploads, so two at once cannot make a sixth.
		var p Product
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Select("id").Where("id = ?", id).Take(&p).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return NotFound("")
			}
			return fmt.Errorf("catalog: image product: %w", err)
		}
		var stats struct {
			N   int64
			Top *int
		}
		if err := tx.Model(&ProductImage{}).Select("COUNT(*) AS n, MAX(position) AS top").Where("product_id = ?", id).Scan(&stats).Error; err != nil {
			return fmt.Errorf("catalog: count images: %w", err)
		}
		if stats.N >= MaxProductImages {
			return Invalid("image", "shop.image.too_many")
		}
		if stats.Top != nil {
			im.Position = *stats.Top + 1
		}
		if err := tx.Create(&im).Error; err != nil {
			return fmt.Errorf("catalog: add image: %w", err)
		}
		_, err := AppendAudit(tx, actx.Entry(AuditProductImageAdd, "product", idString(id), OutcomeSuccess).
			With(map[string]string{"image": idString(im.ID), "type": ct}))
		return err
	})
	return im.ID, err
}

// DeleteImage removes image img of product id (support staff only).
func (c *Catalog) DeleteImage(ctx context.Context, staff *User, id, img int64, actx AuditContext) error {
	if !staffCan(staff, CapSupport) {
		return NotFound("")
	}
	return c.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Where("id = ? AND product_id = ?", img, id).Delete(&ProductImage{})
		if res.Error != nil {
			return fmt.Errorf("catalog: delete image: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return NotFound("")
		}
		_, err := AppendAudit(tx, actx.Entry(AuditProductImageDelete, "product", idString(id), OutcomeSuccess).
			With(map[string]string{"image": idString(img)}))
		return err
	})
}
