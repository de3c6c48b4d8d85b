// Package shop holds the public catalogue (search, one product) and the patient's
// cart. Products carry both languages; the page shows the request's.
package shop

import (
	"context"
	"net/url"
	"strconv"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/paths"
)

// Kinds are the product kinds in display order (models.ProductKinds; views do not
// import models).
var Kinds = []string{"checkup", "medicine", "device", "service"}

// Product is a product as the public sees it.
type Product struct {
	ID                           int64
	Kind                         string
	NameZh, NameEn               string
	DescriptionZh, DescriptionEn string
	PriceFen                     int64
	ImageIDs                     []int64
}

// Name is the product's name in the page's language.
func (p Product) Name(ctx context.Context) string { return pick(ctx, p.NameZh, p.NameEn) }

// Description is the product's description in the page's language.
func (p Product) Description(ctx context.Context) string {
	return pick(ctx, p.DescriptionZh, p.DescriptionEn)
}

// pick chooses zh or en by the request's language.
func pick(ctx context.Context, zh, en string) string {
	if i18n.FromContext(ctx) == i18n.EN && en != "" {
		return en
	}
	return zh
}

// ListProps fill the catalogue page: the search as typed, one page of products,
// the cursor of the next page (0 on the last one). CanAdd is false for signed-in
// staff and doctors, who have no cart; visitors see the button and are sent to
// sign in.
type ListProps struct {
	Q, Kind string
	Rows    []Product
	Next    int64
	Paged   bool
	CanAdd  bool
	Notice  string
}

// searchURL is the catalogue with a search, kind and cursor.
func searchURL(q, kind string, after int64) string {
	v := url.Values{}
	if q != "" {
		v.Set("q", q)
	}
	if kind != "" {
		v.Set("kind", kind)
	}
	if after > 0 {
		v.Set("after", strconv.FormatInt(after, 10))
	}
	if len(v) == 0 {
		return paths.Shop
	}
	return paths.Shop + "?" + v.Encode()
}

// ProductProps fill one product's page.
type ProductProps struct {
	Product Product
	CanAdd  bool
	Notice  string
	Error   string // the quantity's message
	Qty     string // as typed
}

// CartLine is one line of the cart.
type CartLine struct {
	ProductID            int64
	NameZh, NameEn       string
	UnitFen, SubtotalFen int64
	Quantity             int
	Available            bool
}

// Name is the line's product name in the page's language.
func (l CartLine) Name(ctx context.Context) string { return pick(ctx, l.NameZh, l.NameEn) }

// CartProps fill the cart page.
type CartProps struct {
	Lines       []CartLine
	TotalFen    int64
	Unavailable bool
	Notice      string
	Error       string // a form-level message (quantity out of range)
	ErrorLine   int64  // the line the message belongs to
	Typed       string // what was typed in that line's quantity
}

// CheckoutReady reports whether checkout has something to order.
func (p CartProps) CheckoutReady() bool { return p.TotalFen > 0 }

func idStr(n int64) string { return strconv.FormatInt(n, 10) }
