// Package staffcatalog holds the support staff's catalogue pages: every product
// (unavailable ones too), the new-product form and the edit form with images.
package staffcatalog

import (
	"context"
	"net/url"
	"strconv"

	"github.com/yibao-health/portal/internal/i18n"
	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/views/components"
)

// Kinds are the product kinds in display order (models.ProductKinds).
var Kinds = []string{"checkup", "medicine", "device", "service"}

// Row is one product of the staff's list.
type Row struct {
	ID             int64
	Kind           string
	NameZh, NameEn string
	PriceFen       int64
	Available      bool
	Images         int
}

// ListProps fill the staff's catalogue list.
type ListProps struct {
	Q      string
	Rows   []Row
	Next   int64
	Paged  bool
	Notice string
}

// Values are the product form's fields as typed.
type Values struct {
	Kind, NameZh, NameEn, DescriptionZh, DescriptionEn, Price string
	Available                                                 bool
}

// FormProps fill the new-product form (ID 0) or the edit form with its images.
type FormProps struct {
	ID       int64
	Values   Values
	Errors   map[string]string // by field; "" is the form-level message
	ImageIDs []int64
	ImageErr string
	Notice   string
	MaxImgs  int
}

// action is where the form posts.
func (p FormProps) action() string {
	if p.ID == 0 {
		return paths.StaffCatalog
	}
	return Product(p.ID)
}

// Product is the edit page of product id.
func Product(id int64) string { return paths.StaffCatalog + "/" + strconv.FormatInt(id, 10) }

// imagesURL is where an image upload posts.
func imagesURL(id int64) string { return Product(id) + "/images" }

// deleteImageURL deletes image img of product id.
func deleteImageURL(id, img int64) string {
	return Product(id) + "/images/" + strconv.FormatInt(img, 10) + "/delete"
}

func listURL(q string, after int64) string {
	v := url.Values{}
	if q != "" {
		v.Set("q", q)
	}
	if after > 0 {
		v.Set("after", strconv.FormatInt(after, 10))
	}
	if len(v) == 0 {
		return paths.StaffCatalog
	}
	return paths.StaffCatalog + "?" + v.Encode()
}

// yuan shows fen as "¥399.00" (integers only).

func idStr(n int64) string { return strconv.FormatInt(n, 10) }

const linkClass = "font-medium text-brand-800 underline underline-offset-4 hover:text-brand-950 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700"

const buttonLinkClass = "inline-flex min-h-11 items-center justify-center rounded-md bg-brand-700 px-5 py-2.5 font-semibold text-white shadow-sm hover:bg-brand-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700"

// kindOptions lists the kinds, with an empty first choice for a new product.
func kindOptions(ctx context.Context) []components.Option {
	out := []components.Option{{Value: "", Label: i18n.T(ctx, "staffcatalog.kind_choose")}}
	for _, k := range Kinds {
		out = append(out, components.Option{Value: k, Label: i18n.T(ctx, "shop.kind."+k)})
	}
	return out
}
