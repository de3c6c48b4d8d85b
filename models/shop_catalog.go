package models

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// The catalogue (issue 7): public reads of available products, and the staff's
// management of every product. The rule, documented in the README: staff holding
// the support capability manage the catalogue; anyone else gets NotFound.

// Limits of the catalogue.
const (
	ProductPage           = 20
	MaxProductName        = 100  // characters, each language
	MaxProductDescription = 2000 // characters, each language
	MaxProductImages      = 5
	MaxProductImageSize   = 2 << 20
	MaxPriceFen           = 99999999 // ¥999,999.99
)

// Audit actions of the catalogue.
const (
	AuditProductCreate      = "product.create"
	AuditProductUpdate      = "product.update"
	AuditProductImageAdd    = "product.image.add"
	AuditProductImageDelete = "product.image.delete"
)

// Catalog is the catalogue's staff operations and the patients' carts.
type Catalog struct {
	DB  *gorm.DB
	Now func() time.Time
}

func (c *Catalog) now() time.Time {
	if c.Now == nil {
		return time.Now().UTC()
	}
	return c.Now().UTC()
}

// ProductView is a product with the IDs of its images in display order.
type ProductView struct {
	Product
	ImageIDs []int64
}

// Cover is the first image's ID, 0 when there is none.
func (p ProductView) Cover() int64 {
	if len(p.ImageIDs) == 0 {
		return 0
	}
	return p.ImageIDs[0]
}

// ProductInput is the staff's product form as typed; Price is yuan ("399.00").
type ProductInput struct {
	Kind, NameZh, NameEn, DescriptionZh, DescriptionEn, Price string
	Available                                                 bool
}

var priceRE = regexp.MustCompile(`^([0-9]{1,6})(?:\.([0-9]{1,2}))?$`)

// ParsePrice reads a price typed in yuan ("399", "399.5", "399.00") into fen,
// exactly: digits only, at most two decimals, between 0.01 and 999999.99. Anything
// else ("1.005", "1e3", "-1", "¥3") is refused rather than rounded.
func ParsePrice(s string) (int64, bool) {
	m := priceRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, false
	}
	yuan, _ := strconv.ParseInt(m[1], 10, 64)
	frac := (m[2] + "00")[:2]
	fen, _ := strconv.ParseInt(frac, 10, 64)
	v := yuan*100 + fen
	return v, v >= 1 && v <= MaxPriceFen
}

// FormatPrice is the form's value of fen ("399.00"), the inverse of ParsePrice.
func FormatPrice(fen int64) string { return fmt.Sprintf("%d.%02d", fen/100, fen%100) }

// clean trims in and checks it against the catalogue's rules.
func (in ProductInput) clean() (Product, Problems) {
	var p Problems
	out := Product{Kind: strings.TrimSpace(in.Kind), NameZh: strings.TrimSpace(in.NameZh), NameEn: strings.TrimSpace(in.NameEn),
		DescriptionZh: strings.TrimSpace(in.DescriptionZh), DescriptionEn: strings.TrimSpace(in.DescriptionEn), Available: in.Available}
	if !slices.Contains(ProductKinds, out.Kind) {
		p.Add("kind", "shop.product.kind")
	}
	for field, v := range map[string]string{"name_zh": out.NameZh, "name_en": out.NameEn} {
		if n := utf8.RuneCountInString(v); n == 0 || n > MaxProductName {
			p.Add(field, "shop.product.name")
		}
	}
	for field, v := range map[string]string{"description_zh": out.DescriptionZh, "description_en": out.DescriptionEn} {
		if utf8.RuneCountInString(v) > MaxProductDescription {
			p.Add(field, "shop.product.description")
		}
	}
	var ok bool
	if out.PriceFen, ok = ParsePrice(in.Price); !ok {
		p.Add("price", "shop.product.price")
	}
	return out, p
}

// SearchProducts returns one page (at most ProductPage) of available products
// whose Chinese or English name contains q, of kind when set, ordered by ID after
// the cursor; next is the last ID when another page follows, else 0.
func SearchProducts(ctx context.Context, g *gorm.DB, q, kind string, after int64) ([]ProductView, int64, error) {
	return listProducts(ctx, g, q, kind, after, true)
}

// CatalogProducts is SearchProducts for the staff: unavailable products too.
func CatalogProducts(ctx context.Context, g *gorm.DB, staff *User, q string, after int64) ([]ProductView, int64, error) {
	if !staffCan(staff, CapSupport) {
		return nil, 0, NotFound("")
	}
	return listProducts(ctx, g, q, "", after, false)
}

func listProducts(ctx context.Context, g *gorm.DB, q, kind string, after int64, availableOnly bool) ([]ProductView, int64, error) {
	db := g.WithContext(ctx).Model(&Product{})
	if availableOnly {
		db = db.Where("available = ?", true)
	}
	if q = clip(q); q != "" {
		like := "%" + likeEscaper.Replace(q) + "%"
		db = db.Where("(name_zh LIKE ? ESCAPE '!' OR name_en LIKE ? ESCAPE '!')", like, like)
	}
	if kind != "" {
		db = db.Where("kind = ?", kind)
	}
	if after > 0 {
		db = db.Where("id > ?", after)
	}
	var rows []Product
	if err := db.Order("id").Limit(ProductPage + 1).Find(&rows).Error; err != nil {
		return nil, 0, fmt.Errorf("catalog: search: %w", err)
	}
	var next int64
	if len(rows) > ProductPage {
		rows = rows[:ProductPage]
		next = rows[ProductPage-1].ID
	}
	views, err := withImages(ctx, g, rows)
	return views, next, err
}

// withImages attaches the image IDs of products in one statement (the bytes stay
// in the database).
func withImages(ctx context.Context, g *gorm.DB, products []Product) ([]ProductView, error) {
	out := make([]ProductView, len(products))
	if len(products) == 0 {
		return out, nil
	}
	ids := make([]int64, len(products))
	at := make(map[int64]int, len(products))
	for i, p := range products {
		ids[i], at[p.ID] = p.ID, i
		out[i].Product = p
	}
	var imgs []ProductImage
	if err := g.WithContext(ctx).Select("id, product_id").Where("product_id IN ?", ids).
		Order("product_id, position, id").Find(&imgs).Error; err != nil {
		return nil, fmt.Errorf("catalog: images: %w", err)
	}
	for _, im := range imgs {
		i := at[im.ProductID]
		out[i].ImageIDs = append(out[i].ImageIDs, im.ID)
	}
	return out, nil
}

// ProductByID returns product id for viewer: an available product for anyone
// (viewer may be nil), any product for support staff; NotFound otherwise.
func ProductByID(ctx context.Context, g *gorm.DB, viewer *User, id int64) (*ProductView, error) {
	q := g.WithContext(ctx).Where("id = ?", id)
	if !staffCan(viewer, CapSupport) {
		q = q.Where("available = ?", true)
	}
	var p Product
	if err := q.Take(&p).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, NotFound("")
		}
		return nil, fmt.Errorf("catalog: product: %w", err)
	}
	views, err := withImages(ctx, g, []Product{p})
	if err != nil {
		return nil, err
	}
	return &views[0], nil
}

// ProductImageByID returns image id under the same rule as ProductByID, and
// whether its product is public (so the image may be cached by anyone).
func ProductImageByID(ctx context.Context, g *gorm.DB, viewer *User, id int64) (*ProductImage, bool, error) {
	var im ProductImage
	if err := g.WithContext(ctx).Where("id = ?", id).Take(&im).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, false, NotFound("")
		}
		return nil, false, fmt.Errorf("catalog: image: %w", err)
	}
	var avail []bool
	if err := g.WithContext(ctx).Model(&Product{}).Where("id = ?", im.ProductID).Pluck("available", &avail).Error; err != nil {
		return nil, false, fmt.Errorf("catalog: image product: %w", err)
	}
	public := len(avail) == 1 && avail[0]
	if !public && !staffCan(viewer, CapSupport) {
		return nil, false, NotFound("")
	}
	return &im, public, nil
}
