package models

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The patient's cart (issue 7): product IDs and quantities only. Names and prices
// are read from the catalogue whenever the cart is shown, and checkout prices the
// lines again from the database (Orders.Checkout).

// CartView is one line of the cart as shown: the product's current name, price and
// availability.
type CartView struct {
	ProductID   int64
	NameZh      string
	NameEn      string
	UnitFen     int64
	Quantity    int
	Available   bool
	SubtotalFen int64
}

// CartSummary is the whole cart; TotalFen counts available lines only (the ones
// checkout accepts).
type CartSummary struct {
	Lines    []CartView
	TotalFen int64
	Count    int // items in available lines
}

// Unavailable reports whether a line can no longer be ordered.
func (s CartSummary) Unavailable() bool {
	for _, l := range s.Lines {
		if !l.Available {
			return true
		}
	}
	return false
}

// AddToCart adds qty of an available product to patient u's cart, merging with a
// line already there; a line holds 1–MaxLineQuantity and a cart MaxCartLines lines.
func (c *Catalog) AddToCart(ctx context.Context, u *User, productID int64, qty int) error {
	if u == nil || u.Kind != KindPatient {
		return NotFound("")
	}
	if qty < 1 || qty > MaxLineQuantity {
		return Invalid("quantity", "shop.cart.quantity")
	}
	return c.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Product{}).Where("id = ? AND available = ?", productID, true).Count(&n).Error; err != nil {
			return fmt.Errorf("cart: product: %w", err)
		}
		if n == 0 {
			return NotFound("")
		}
		// Locking the user's lines serialises two adds of the same patient (two tabs),
		// so the line limit holds.
		var lines []CartItem
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("user_id = ?", u.ID).Find(&lines).Error; err != nil {
			return fmt.Errorf("cart: lines: %w", err)
		}
		for _, l := range lines {
			if l.ProductID == productID {
				if l.Quantity+qty > MaxLineQuantity {
					return Invalid("quantity", "shop.cart.line_quantity")
				}
				return tx.Model(&CartItem{}).Where("user_id = ? AND product_id = ?", u.ID, productID).
					Updates(map[string]any{"quantity": l.Quantity + qty, "updated_at": c.now()}).Error
			}
		}
		if len(lines) >= MaxCartLines {
			return Invalid("", "shop.cart.full")
		}
		return tx.Create(&CartItem{UserID: u.ID, ProductID: productID, Quantity: qty, UpdatedAt: c.now()}).Error
	})
}

// SetQuantity sets the quantity of a line of u's cart; 0 removes it. A line that
// is not in the cart is NotFound (an unavailable product can still be removed).
func (c *Catalog) SetQuantity(ctx context.Context, u *User, productID int64, qty int) error {
	if u == nil || u.Kind != KindPatient {
		return NotFound("")
	}
	if qty < 0 || qty > MaxLineQuantity {
		return Invalid("quantity", "shop.cart.quantity")
	}
	q := c.DB.WithContext(ctx).Where("user_id = ? AND product_id = ?", u.ID, productID)
	var res *gorm.DB
	if qty == 0 {
		res = q.Delete(&CartItem{})
	} else {
		res = q.Model(&CartItem{}).Updates(map[string]any{"quantity": qty, "updated_at": c.now()})
	}
	if res.Error != nil {
		return fmt.Errorf("cart: set quantity: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return NotFound("")
	}
	return nil
}

// Cart returns u's cart with the catalogue's current names and prices, in one
// statement.
func (c *Catalog) Cart(ctx context.Context, u *User) (CartSummary, error) {
	var s CartSummary
	if u == nil || u.Kind != KindPatient {
		return s, NotFound("")
	}
	err := c.DB.WithContext(ctx).Table("cart_items AS ci").
		Select("ci.product_id, ci.quantity, p.name_zh, p.name_en, p.price_fen AS unit_fen, p.available").
		Joins("JOIN products p ON p.id = ci.product_id").
		Where("ci.user_id = ?", u.ID).Order("ci.product_id").Scan(&s.Lines).Error
	if err != nil {
		return s, fmt.Errorf("cart: read: %w", err)
	}
	for i := range s.Lines {
		l := &s.Lines[i]
		l.SubtotalFen = l.UnitFen * int64(l.Quantity)
		if l.Available {
			s.TotalFen += l.SubtotalFen
			s.Count += l.Quantity
		}
	}
	return s, nil
}

// CartLines is user id's cart as checkout lines: the available products only, in
// a stable order. An empty cart gives no lines and no error.
func CartLines(ctx context.Context, g *gorm.DB, userID int64) ([]CartLine, error) {
	var lines []CartLine
	err := g.WithContext(ctx).Table("cart_items AS ci").Select("ci.product_id, ci.quantity").
		Joins("JOIN products p ON p.id = ci.product_id").
		Where("ci.user_id = ? AND p.available = ?", userID, true).Order("ci.product_id").Scan(&lines).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, fmt.Errorf("cart: lines: %w", err)
	}
	return lines, nil
}
